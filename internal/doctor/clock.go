package doctor

import (
	"fmt"
	"strings"
)

// goodClocks are clock sources that the vDSO reads without a system
// call, so time.Now, called several times per bid, stays in nanoseconds.
var goodClocks = map[string]bool{
	"tsc":                         true,
	"kvm-clock":                   true,
	"arch_sys_counter":            true,
	"hyperv_clocksource_tsc_page": true,
}

// wantClock is the Want column of the clock check.
const wantClock = "tsc, kvm-clock or another vDSO clock"

// checkClockSource checks that reading the clock is cheap.
func checkClockSource(e env) Result {
	cur, err := readString(e.fsys, pathClockSource)
	if err != nil {
		return unreadable("clocksource", wantClock, err)
	}
	avail, _ := readString(e.fsys, pathClockAvail)
	return clockResult(cur, avail)
}

func clockResult(current, available string) Result {
	r := Result{
		Check:  "clocksource",
		Status: Pass,
		Value:  current,
		Want:   wantClock,
	}
	if goodClocks[current] {
		return r
	}

	r.Status = Warn
	for c := range strings.FieldsSeq(available) {
		if goodClocks[c] {
			r.Fix = fmt.Sprintf("echo %s > /%s; persist: clocksource=%s on the kernel "+
				"command line", c, pathClockSource, c)
			return r
		}
	}
	r.Fix = "no fast clock offered to this guest: ask the provider for kvm-clock " +
		"or an invariant TSC"
	return r
}
