package doctor

import (
	"fmt"
	"strconv"
	"strings"
)

// The values of deploy/sysctl.d/60-nordbid.conf; a host that applied the
// file passes every check in this file.
const (
	wantSomaxconn  = 8192
	wantSynBacklog = 8192
	portRangeLow   = 10240
	portRangeHigh  = 65535

	// minSomaxconn is the accept queue below which a reconnect storm
	// (every exchange reconnecting after a restart) overflows it and the
	// kernel drops SYNs, which exchanges see as timeouts.
	minSomaxconn = 1024
)

// persistSysctl tells how to make a sysctl fix survive a reboot.
const persistSysctl = "; persist: cp deploy/sysctl.d/60-nordbid.conf /etc/sysctl.d/ " +
	"&& sysctl --system"

// checkSomaxconn checks the accept queue limit. Go passes it straight to
// listen(2) as the backlog, so raising it needs no change in nordbid.
func checkSomaxconn(e env) Result {
	want := fmt.Sprintf(">= %d", wantSomaxconn)
	n, err := readUint(e.fsys, pathSomaxconn)
	if err != nil {
		return unreadable("somaxconn", want, err)
	}
	r := Result{Check: "somaxconn", Status: Pass, Value: strconv.FormatUint(n, 10), Want: want}
	switch {
	case n < minSomaxconn:
		r.Status = Fail
	case n < wantSomaxconn:
		r.Status = Warn
	}
	if r.Status != Pass {
		r.Fix = fmt.Sprintf("sysctl -w net.core.somaxconn=%d", wantSomaxconn) + persistSysctl
	}
	return r
}

// checkSynBacklog checks the queue of half-open connections. It only
// warns: with SYN cookies (the default) an overflow degrades, not drops.
func checkSynBacklog(e env) Result {
	want := fmt.Sprintf(">= %d", wantSynBacklog)
	n, err := readUint(e.fsys, pathSynBacklog)
	if err != nil {
		return unreadable("syn_backlog", want, err)
	}
	r := Result{Check: "syn_backlog", Status: Pass, Value: strconv.FormatUint(n, 10), Want: want}
	if n < wantSynBacklog {
		r.Status = Warn
		r.Fix = fmt.Sprintf("sysctl -w net.ipv4.tcp_max_syn_backlog=%d", wantSynBacklog) +
			persistSysctl
	}
	return r
}

// checkTwReuse checks that outgoing connections (to PostgreSQL, Redis, or
// from a proxy in front) may reuse ports in TIME_WAIT. The kernel default
// 2 allows it for loopback only.
func checkTwReuse(e env) Result {
	n, err := readUint(e.fsys, pathTwReuse)
	if err != nil {
		return unreadable("tcp_tw_reuse", "1", err)
	}
	r := Result{Check: "tcp_tw_reuse", Status: Pass, Value: strconv.FormatUint(n, 10), Want: "1"}
	if n != 1 {
		r.Status = Warn
		r.Fix = "sysctl -w net.ipv4.tcp_tw_reuse=1" + persistSysctl
	}
	return r
}

// checkPortRange checks the ephemeral ports. A proxy in front of nordbid
// or a load generator on the same host takes one per connection, and a
// closed one stays in TIME_WAIT for a minute, hence twice the connections.
func checkPortRange(e env) Result {
	want := fmt.Sprintf(">= %d ports", 2*e.connections)
	s, err := readString(e.fsys, pathPortRange)
	if err != nil {
		return unreadable("port_range", want, err)
	}
	lo, hi, err := parsePortRange(s)
	if err != nil {
		return unreadable("port_range", want, err)
	}
	return portRangeResult(lo, hi, e.connections)
}

func portRangeResult(lo, hi uint64, connections int) Result {
	ports := hi - lo + 1
	r := Result{
		Check:  "port_range",
		Status: Pass,
		Value:  fmt.Sprintf("%d-%d (%d ports)", lo, hi, ports),
		Want:   fmt.Sprintf(">= %d ports", 2*connections),
	}
	if ports < 2*uint64(connections) {
		r.Status = Warn
		// The usual range, widened when the connection count needs more;
		// ports below 1024 stay reserved.
		low := min(portRangeLow, max(1024, portRangeHigh+1-2*connections))
		r.Fix = fmt.Sprintf("sysctl -w net.ipv4.ip_local_port_range=\"%d %d\"",
			low, portRangeHigh) + persistSysctl
	}
	return r
}

// parsePortRange parses the two numbers of ip_local_port_range.
func parsePortRange(s string) (lo, hi uint64, err error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("parse port range: %q", s)
	}
	if lo, err = strconv.ParseUint(f[0], 10, 16); err != nil {
		return 0, 0, fmt.Errorf("parse port range: %w", err)
	}
	if hi, err = strconv.ParseUint(f[1], 10, 16); err != nil {
		return 0, 0, fmt.Errorf("parse port range: %w", err)
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("parse port range: %d above %d", lo, hi)
	}
	return lo, hi, nil
}
