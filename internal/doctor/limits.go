package doctor

import (
	"fmt"
	"strconv"
)

// fdReserve is the descriptors nordbid needs besides client connections:
// listeners, store and journal files, database and Redis pools, logs.
const fdReserve = 1024

// unitNofile is LimitNOFILE= in deploy/nordbid.service.
const unitNofile = 65536

// fdNeed is the open-file limit needed for n keep-alive connections.
func fdNeed(connections int) uint64 { return uint64(connections) + fdReserve }

// fdTarget is the limit the fixes set: the unit's value, or more when the
// planned connections need more.
func fdTarget(connections int) uint64 { return max(unitNofile, fdNeed(connections)) }

// unreadable reports a check whose kernel file could not be read. It
// warns rather than fails: doctor cannot tell, and the operator should look.
func unreadable(check, want string, err error) Result {
	return inconclusive(check, want, err, "run doctor on the Linux host (or in the "+
		"container) that serves, with /proc and /sys mounted")
}

// inconclusive reports a check that could not observe what it judges.
func inconclusive(check, want string, err error, fix string) Result {
	return Result{
		Check:  check,
		Status: Warn,
		Value:  "unknown: " + err.Error(),
		Want:   want,
		Fix:    fix,
	}
}

// interrupted is the fix for a measurement cut short by the context.
const interrupted = "run doctor again and let it finish"

// formatLimit prints a limit, spelling out "unlimited".
func formatLimit(n uint64) string {
	if n == unlimited {
		return "unlimited"
	}
	return strconv.FormatUint(n, 10)
}

// checkOpenFiles compares the soft open-file limit of this process with
// the descriptors the planned connections need. It reads the limit after
// the Go runtime adjusted it, so it is what nordbid serve gets when started
// the same way as doctor: at start-up Go raises a soft limit below hard-1
// to hard-1 (one below, so that it can tell whether prlimit changed the
// limit later), and leaves one equal to the hard limit alone.
func checkOpenFiles(e env) Result {
	need := fdNeed(e.connections)
	want := fmt.Sprintf(">= %d (%d connections + %d)", need, e.connections, fdReserve)
	soft, hard, err := readNofile(e.fsys)
	if err != nil {
		return unreadable("open_files", want, err)
	}
	return openFilesResult(soft, hard, e.connections)
}

func openFilesResult(soft, hard uint64, connections int) Result {
	need := fdNeed(connections)
	r := Result{
		Check:  "open_files",
		Status: Pass,
		Value:  fmt.Sprintf("soft %s, hard %s", formatLimit(soft), formatLimit(hard)),
		Want:   fmt.Sprintf(">= %d (%d connections + %d)", need, connections, fdReserve),
	}
	if hard != unlimited && soft+1 == hard {
		// Started as, say, 1024:20000, doctor (and nordbid) runs with
		// 19999: say why, or the value looks like an off-by-one.
		r.Value += " (Go raises the soft limit to hard-1 at start)"
	}
	if soft < need {
		t := fdTarget(connections)
		r.Status = Fail
		r.Fix = fmt.Sprintf("systemd: LimitNOFILE=%d in the unit; shell: ulimit -n %d, "+
			"persisted as nofile %d in /etc/security/limits.d/nordbid.conf; "+
			"docker: --ulimit nofile=%d:%d", t, t, t, t, t)
	}
	return r
}

// checkFileMax checks the system-wide descriptor table (fs.file-max) and
// the ceiling on any process limit (fs.nr_open), which LimitNOFILE cannot
// exceed.
func checkFileMax(e env) Result {
	want := fmt.Sprintf("file-max >= %d, nr_open >= %d",
		2*fdNeed(e.connections), fdTarget(e.connections))
	fileMax, err := readUint(e.fsys, pathFileMax)
	if err != nil {
		return unreadable("file_max", want, err)
	}
	nrOpen, err := readUint(e.fsys, pathNrOpen)
	if err != nil {
		return unreadable("file_max", want, err)
	}
	return fileMaxResult(fileMax, nrOpen, e.connections)
}

func fileMaxResult(fileMax, nrOpen uint64, connections int) Result {
	need, target := fdNeed(connections), fdTarget(connections)
	r := Result{
		Check:  "file_max",
		Status: Pass,
		Value:  fmt.Sprintf("file-max %d, nr_open %d", fileMax, nrOpen),
		Want:   fmt.Sprintf("file-max >= %d, nr_open >= %d", 2*need, target),
	}

	// Other processes share the table, hence the factor of two for a
	// pass; below one times the need nordbid alone can exhaust it.
	switch {
	case fileMax < need || nrOpen < target:
		r.Status = Fail
	case fileMax < 2*need:
		r.Status = Warn
	}
	if r.Status != Pass {
		r.Fix = fmt.Sprintf("sysctl -w fs.file-max=%d fs.nr_open=%d",
			max(fileMax, 2*need), max(nrOpen, target))
	}
	return r
}
