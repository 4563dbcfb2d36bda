package doctor

import (
	"fmt"
	"strconv"
	"strings"
)

// The values of deploy/sysctl.d/60-nordbid.conf; a host that applied the
// file passes every check in this file. TestSysctlFixesMatchDeployFile
// holds the two in step.
const (
	wantSomaxconn  = 8192
	wantSynBacklog = 8192
	// wantPortRange is the file's ip_local_port_range, which the
	// port_range fix sets whole.
	wantPortRange = "10240 65535"

	// minSomaxconn is the accept queue below which a reconnect storm
	// (every exchange reconnecting after a restart) overflows it and the
	// kernel drops SYNs, which exchanges see as timeouts.
	minSomaxconn = 1024

	// minPorts is the ephemeral ports below which port_range warns.
	// Inbound keep-alive connections share the listener's port and take
	// none; outgoing ones take one each and hold it for a minute in
	// TIME_WAIT: the PostgreSQL and Redis pools, health probes, and a
	// proxy or load generator on the same host. 16,384 ports absorb some
	// 270 new connections a second to one destination; Linux's default
	// range (32768-60999, 28,232 ports) passes.
	minPorts = 16384
)

// listenPorts are the ports that services on a bidder host listen on:
// PostgreSQL, Redis, nordbid's bid and admin listeners. A range that
// covers one of them can lend it to an outgoing connection, and the
// service then fails to bind it with "address already in use".
var listenPorts = []uint64{5432, 6379, 8080, 8081}

// persistSysctl tells how to make a sysctl fix survive a reboot.
const persistSysctl = "; persist: cp deploy/sysctl.d/60-nordbid.conf /etc/sysctl.d/ " +
	"&& sysctl --system"

// sysctlFix says how to set one network sysctl where doctor runs. These
// sysctls belong to a network namespace: an application container gets
// its own when it starts, so sysctl -w inside it (where /proc/sys is
// read-only) or on the host (a different namespace) does not reach
// nordbid. A system container (LXC, OpenVZ, nspawn) boots its own init,
// which applies sysctl.d like a VM.
func sysctlFix(p platform, key, value string) string {
	setting := key + "=" + value
	if strings.Contains(value, " ") {
		setting = fmt.Sprintf("%s=%q", key, value)
	}
	switch {
	case p.container == "kubernetes":
		return fmt.Sprintf("in the pod spec: securityContext.sysctls: "+
			"[{name: %s, value: %q}] (per network namespace; all but "+
			"ip_local_port_range need the kubelet's --allowed-unsafe-sysctls)", key, value)
	case p.appContainer():
		return fmt.Sprintf("start the container with %s run --sysctl %s (per network "+
			"namespace; with --network host, set it on the host: sysctl -w %s)",
			p.runCommand(), setting, setting)
	}
	return "sysctl -w " + setting + persistSysctl
}

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
		r.Fix = sysctlFix(detectPlatform(e.fsys), "net.core.somaxconn",
			strconv.Itoa(wantSomaxconn))
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
		r.Fix = sysctlFix(detectPlatform(e.fsys), "net.ipv4.tcp_max_syn_backlog",
			strconv.Itoa(wantSynBacklog))
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
		r.Fix = sysctlFix(detectPlatform(e.fsys), "net.ipv4.tcp_tw_reuse", "1")
	}
	return r
}

// checkPortRange checks the ephemeral ports that outgoing connections
// take: enough of them, and none that a service listens on. The need does
// not grow with the keep-alive connections nordbid serves, which arrive
// on the listener's port.
func checkPortRange(e env) Result {
	s, err := readString(e.fsys, pathPortRange)
	if err != nil {
		return unreadable("port_range", portRangeWant(), err)
	}
	lo, hi, err := parsePortRange(s)
	if err != nil {
		return unreadable("port_range", portRangeWant(), err)
	}
	return portRangeResult(lo, hi, detectPlatform(e.fsys))
}

// portRangeWant is the Want of port_range.
func portRangeWant() string {
	return fmt.Sprintf(">= %d ports, clear of %s", minPorts, joinPorts(listenPorts))
}

func portRangeResult(lo, hi uint64, p platform) Result {
	ports := hi - lo + 1
	r := Result{
		Check:  "port_range",
		Status: Pass,
		Value:  fmt.Sprintf("%d-%d (%d ports)", lo, hi, ports),
		Want:   portRangeWant(),
	}
	var covered []uint64
	for _, port := range listenPorts {
		if lo <= port && port <= hi {
			covered = append(covered, port)
		}
	}
	if len(covered) > 0 {
		r.Value = fmt.Sprintf("%d-%d (%d ports, covers %s)", lo, hi, ports,
			joinPorts(covered))
	}
	if ports < minPorts || len(covered) > 0 {
		r.Status = Warn
		r.Fix = sysctlFix(p, "net.ipv4.ip_local_port_range", wantPortRange)
	}
	return r
}

// joinPorts lists ports for the table, e.g. "5432 6379".
func joinPorts(ports []uint64) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.FormatUint(p, 10)
	}
	return strings.Join(s, " ")
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
