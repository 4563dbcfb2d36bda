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

func TestPortRangeScalesWithConnections(t *testing.T) {
	tests := []struct {
		connections int
		want        Status
	}{{10000, Pass}, {14116, Pass}, {14117, Warn}, {50000, Warn}}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.connections), func(t *testing.T) {
			// 32768-60999 holds 28232 ports: enough for 14116 connections.
			got := portRangeResult(32768, 60999, tt.connections)
			if got.Status != tt.want {
				t.Errorf("got %s, want %s", got.Status, tt.want)
			}
		})
	}
}
