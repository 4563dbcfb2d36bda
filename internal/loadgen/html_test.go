package loadgen

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readSaved reads the reports saved by real runs under testdata: a
// comparison of two targets and a sweep.
func readSaved(t *testing.T) []*Report {
	t.Helper()
	var out []*Report
	for _, name := range []string{"compare.json", "sweep.json"} {
		f, err := os.Open(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		r, err := ReadReport(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, r)
	}
	return out
}

// fetches finds anything in a page that would make a browser load a
// resource: scripts, style sheets, images, frames, fonts, imports.
var fetches = regexp.MustCompile(
	`(?i)<script|<link|<iframe|<img|<object|<embed|\bsrc\s*=|url\(|@import|` +
		`(href|xlink:href|action|poster|data)\s*=\s*["']?\s*(https?:)?//`)

func TestWriteHTMLFromSavedJSON(t *testing.T) {
	reports := readSaved(t)
	var b strings.Builder
	if err := WriteHTML(&b, reports); err != nil {
		t.Fatal(err)
	}
	page := b.String()

	if m := fetches.FindString(page); m != "" {
		t.Errorf("page fetches from outside: found %q", m)
	}
	// Three charts for the comparison (percentiles, throughput, p99 over
	// time) and one for the sweep.
	if got, want := strings.Count(page, "<svg"), 4; got != want {
		t.Errorf("%d charts, want %d", got, want)
	}
	if got := strings.Count(page, "</svg>"); got != strings.Count(page, "<svg") {
		t.Errorf("%d charts closed of %d", got, strings.Count(page, "<svg"))
	}
	for _, want := range []string{
		"<!DOCTYPE html>", "rust-hyper", "go-stdlib", "Latency by percentile",
		"99.9%", "Sweep: p99 by offered rate", "SLO 2.00 ms", "sustained 12000 req/s",
		reports[0].Machine.CPUModel,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestWriteHTMLEscapes(t *testing.T) {
	reports := readSaved(t)
	reports[0].Targets[0].Name = `<script>alert("x")</script>`
	reports[0].Label = `<img src=x>`
	var b strings.Builder
	if err := WriteHTML(&b, reports); err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"<script", "<img"} {
		if strings.Contains(b.String(), tag) {
			t.Errorf("hostile names came through unescaped: found %q", tag)
		}
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := WriteMarkdown(&b, readSaved(t)); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"### demo", "### sweep-demo",
		"| target | offered/s | achieved/s | p50 |",
		"| rust-hyper | 2000 | 2000 |",
		"| go-stdlib | 1.71x | 3.56x |",
		"**go-stdlib** sustained **4000 req/s** (0.33x the first target)",
		"| 16000 | 16000 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestWriteText(t *testing.T) {
	var b strings.Builder
	for _, r := range readSaved(t) {
		if err := WriteText(&b, r); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"ratio to rust-hyper", "sweep go-stdlib: sustained 4000 req/s",
		"p99 5.62 ms over 2.00 ms", "n/a"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}
