package doctor

import (
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// sysctlFS is a root holding just the given proc/sys files.
func sysctlFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for name, v := range files {
		m[name] = &fstest.MapFile{Data: []byte(v + "\n")}
	}
	return m
}

func TestNetworkChecks(t *testing.T) {
	tests := []struct {
		name    string
		check   func(env) Result
		file    string
		value   string
		want    Status
		wantFix string
	}{
		{"somaxconn tuned", checkSomaxconn, pathSomaxconn, "8192", Pass, ""},
		{"somaxconn kernel default", checkSomaxconn, pathSomaxconn, "4096", Warn,
			"net.core.somaxconn=8192"},
		{"somaxconn old kernel", checkSomaxconn, pathSomaxconn, "128", Fail,
			"net.core.somaxconn=8192"},
		{"syn backlog tuned", checkSynBacklog, pathSynBacklog, "16384", Pass, ""},
		{"syn backlog small", checkSynBacklog, pathSynBacklog, "128", Warn,
			"tcp_max_syn_backlog=8192"},
		{"tw_reuse on", checkTwReuse, pathTwReuse, "1", Pass, ""},
		{"tw_reuse loopback only", checkTwReuse, pathTwReuse, "2", Warn, "tcp_tw_reuse=1"},
		{"tw_reuse off", checkTwReuse, pathTwReuse, "0", Warn, "tcp_tw_reuse=1"},
		{"port range tuned", checkPortRange, pathPortRange, "10240\t65535", Pass, ""},
		{"port range default", checkPortRange, pathPortRange, "32768\t60999", Pass, ""},
		{"port range narrow", checkPortRange, pathPortRange, "60000\t61000", Warn,
			`sysctl -w net.ipv4.ip_local_port_range="10240 65535"; persist`},
		{"port range just enough", checkPortRange, pathPortRange, "40000 56383", Pass, ""},
		{"port range one short", checkPortRange, pathPortRange, "40000 56382", Warn,
			`ip_local_port_range="10240 65535"`},
		{"port range over the listeners", checkPortRange, pathPortRange, "1024 65535", Warn,
			`ip_local_port_range="10240 65535"`},
		{"port range over redis", checkPortRange, pathPortRange, "6000 30000", Warn,
			`ip_local_port_range="10240 65535"`},
		{"port range garbage", checkPortRange, pathPortRange, "60000", Warn, "run doctor"},
		{"port range reversed", checkPortRange, pathPortRange, "61000 60000", Warn, "run doctor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{fsys: sysctlFS(map[string]string{tt.file: tt.value}), connections: 10000}
			got := tt.check(e)
			if got.Status != tt.want {
				t.Errorf("got %s (%s), want %s", got.Status, got.Value, tt.want)
			}
			if !strings.Contains(got.Fix, tt.wantFix) || (tt.wantFix == "") != (got.Fix == "") {
				t.Errorf("got fix %q, want one containing %q", got.Fix, tt.wantFix)
			}
		})
	}
}

func TestPortRangeIgnoresConnections(t *testing.T) {
	// Keep-alive connections arrive on the listener's port: the default
	// range passes however many of them nordbid plans for.
	for _, conns := range []int{1, 10000, 14117, 50000, 1000000} {
		t.Run(strconv.Itoa(conns), func(t *testing.T) {
			e := env{fsys: sysctlFS(map[string]string{pathPortRange: "32768\t60999"}),
				connections: conns}
			got := checkPortRange(e)
			if got.Status != Pass || got.Want != ">= 16384 ports, clear of 5432 6379 8080 8081" {
				t.Errorf("got %s, want %q: want pass and a fixed target", got.Status, got.Want)
			}
		})
	}
}

func TestPortRangeNamesCoveredPorts(t *testing.T) {
	got := portRangeResult(5000, 8080, platform{})
	const want = "5000-8080 (3081 ports, covers 5432 6379 8080)"
	if got.Value != want {
		t.Errorf("got %q, want %q", got.Value, want)
	}
}
