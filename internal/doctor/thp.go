package doctor

import "strings"

// checkTHP checks transparent huge pages. "always" lets khugepaged bloat
// the Go heap's memory and, with defrag "always", makes page faults stall
// on compaction: both show up as latency spikes.
func checkTHP(e env) Result {
	enabled, err := readString(e.fsys, pathTHPEnabled)
	if err != nil {
		r := Result{Check: "thp", Status: Pass, Value: "not supported by the kernel",
			Want: "enabled and defrag not always"}
		if !isNotExist(err) {
			r = unreadable("thp", r.Want, err)
		}
		return r
	}
	defrag, _ := readString(e.fsys, pathTHPDefrag)
	return thpResult(selected(enabled), selected(defrag))
}

func thpResult(enabled, defrag string) Result {
	r := Result{
		Check:  "thp",
		Status: Pass,
		Value:  "enabled " + enabled,
		Want:   "enabled and defrag not always",
	}
	if defrag != "" {
		r.Value += ", defrag " + defrag
	}

	var fixes []string
	if enabled == "always" {
		fixes = append(fixes, "echo madvise > /"+pathTHPEnabled)
	}
	if defrag == "always" {
		fixes = append(fixes, "echo defer+madvise > /"+pathTHPDefrag)
	}
	if len(fixes) > 0 {
		r.Status = Warn
		r.Fix = strings.Join(fixes, "; ") +
			"; persist: transparent_hugepage=madvise on the kernel command line"
	}
	return r
}
