package doctor

import (
	"regexp"
	"strconv"
	"testing"
)

// TestPortRangeFixPasses checks that the range doctor suggests passes its
// own check, or is the widest there is.
func TestPortRangeFixPasses(t *testing.T) {
	re := regexp.MustCompile(`ip_local_port_range="(\d+) (\d+)"`)
	for _, conns := range []int{1000, 10000, 27000, 30000, 40000} {
		r := portRangeResult(32768, 60999, conns)
		if r.Status == Pass {
			continue
		}
		m := re.FindStringSubmatch(r.Fix)
		if m == nil {
			t.Fatalf("%d connections: no range in fix %q", conns, r.Fix)
		}
		lo, _ := strconv.ParseUint(m[1], 10, 64)
		hi, _ := strconv.ParseUint(m[2], 10, 64)
		if again := portRangeResult(lo, hi, conns); again.Status != Pass && lo != 1024 {
			t.Errorf("%d connections: fix %d-%d still warns and is not the widest", conns, lo, hi)
		}
	}
}
