package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteTable prints the results as an aligned table, then the fix for
// every check that did not pass, then a one-line summary.
func WriteTable(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tVALUE\tWANT")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Status, r.Check, r.Value, r.Want)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}

	header := false
	for _, r := range results {
		if r.Fix == "" {
			continue
		}
		if !header {
			fmt.Fprintln(w, "\nfixes:")
			header = true
		}
		fmt.Fprintf(w, "  %s (%s): %s\n", r.Check, r.Status, r.Fix)
	}
	_, err := fmt.Fprintf(w, "\n%d pass, %d warn, %d fail\n",
		Count(results, Pass), Count(results, Warn), Count(results, Fail))
	if err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	return nil
}

// jsonReport is the document --json prints.
type jsonReport struct {
	Results []Result `json:"results"`
	Pass    int      `json:"pass"`
	Warn    int      `json:"warn"`
	Fail    int      `json:"fail"`
}

// WriteJSON prints the results as one indented JSON document with the
// counts of each status.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // fixes hold ">" and "&&" for people to read
	err := enc.Encode(jsonReport{
		Results: results,
		Pass:    Count(results, Pass),
		Warn:    Count(results, Warn),
		Fail:    Count(results, Fail),
	})
	if err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
