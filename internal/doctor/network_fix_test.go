package doctor

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// TestPortRangeFixPasses checks that the range doctor suggests passes its
// own check, whatever range it replaces.
func TestPortRangeFixPasses(t *testing.T) {
	re := regexp.MustCompile(`ip_local_port_range="(\d+) (\d+)"`)
	for _, r := range [][2]uint64{{60000, 61000}, {1024, 65535}, {8000, 9000}, {50000, 65535}} {
		got := portRangeResult(r[0], r[1], platform{})
		if got.Status == Pass {
			t.Fatalf("%d-%d: got pass, want a range that warns", r[0], r[1])
		}
		m := re.FindStringSubmatch(got.Fix)
		if m == nil {
			t.Fatalf("%d-%d: no range in fix %q", r[0], r[1], got.Fix)
		}
		lo, _ := strconv.ParseUint(m[1], 10, 64)
		hi, _ := strconv.ParseUint(m[2], 10, 64)
		if again := portRangeResult(lo, hi, platform{}); again.Status != Pass {
			t.Errorf("%d-%d: fix %d-%d still warns: %s", r[0], r[1], lo, hi, again.Value)
		}
	}
}

// weakSysctls is a root where all four network checks warn or fail, with
// the marks of a platform added.
func weakSysctls(marks map[string]string) fstest.MapFS {
	files := map[string]string{
		pathSomaxconn:  "128",
		pathSynBacklog: "128",
		pathTwReuse:    "0",
		pathPortRange:  "60000\t61000",
	}
	for name, v := range marks {
		files[name] = v
	}
	return sysctlFS(files)
}

// networkFixes runs the four network checks and returns their fixes.
func networkFixes(t *testing.T, fsys fstest.MapFS) []string {
	t.Helper()
	var fixes []string
	e := env{fsys: fsys, connections: DefaultConnections}
	for _, check := range []func(env) Result{
		checkSomaxconn, checkSynBacklog, checkTwReuse, checkPortRange,
	} {
		r := check(e)
		if r.Status == Pass || r.Fix == "" {
			t.Fatalf("%s: got %s with fix %q, want a warn or fail with a fix",
				r.Check, r.Status, r.Fix)
		}
		fixes = append(fixes, r.Fix)
	}
	return fixes
}

// TestSysctlFixForm checks that the network fixes are set where they take
// effect: with sysctl -w and sysctl.d on a VM, bare metal or in a system
// container, with the run command's --sysctl in an application container.
func TestSysctlFixForm(t *testing.T) {
	tests := []struct {
		name    string
		marks   map[string]string
		want    string // a format for the setting, e.g. "sysctl -w %s;"
		notWant string
	}{
		{"vm", map[string]string{pathCPUInfo: "flags\t: fpu hypervisor"},
			"sysctl -w %s; persist: cp deploy/sysctl.d/60-nordbid.conf", "--sysctl"},
		{"bare metal", nil, "sysctl -w %s; persist", "--sysctl"},
		{"lxc", map[string]string{"run/systemd/container": "lxc"}, "sysctl -w %s; persist",
			"--sysctl"},
		{"docker", map[string]string{".dockerenv": ""},
			"start the container with docker run --sysctl %s (", "persist"},
		{"podman", map[string]string{"run/.containerenv": ""},
			"start the container with podman run --sysctl %s (", "persist"},
		{"docker by cgroup", map[string]string{"proc/1/cgroup": "3:cpu:/docker/4f1d"},
			"docker run --sysctl %s (", "persist"},
	}
	settings := []string{
		"net.core.somaxconn=8192",
		"net.ipv4.tcp_max_syn_backlog=8192",
		"net.ipv4.tcp_tw_reuse=1",
		`net.ipv4.ip_local_port_range="10240 65535"`,
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, fix := range networkFixes(t, weakSysctls(tt.marks)) {
				want := strings.Replace(tt.want, "%s", settings[i], 1)
				if !strings.Contains(fix, want) || strings.Contains(fix, tt.notWant) {
					t.Errorf("got fix %q, want one containing %q and not %q",
						fix, want, tt.notWant)
				}
			}
		})
	}
}

func TestSysctlFixKubernetes(t *testing.T) {
	fsys := weakSysctls(map[string]string{"proc/1/cgroup": "4:cpu:/kubepods/pod1/abc"})
	fixes := networkFixes(t, fsys)
	const want = `securityContext.sysctls: [{name: net.core.somaxconn, value: "8192"}]`
	if !strings.Contains(fixes[0], want) || strings.Contains(fixes[0], "docker") {
		t.Errorf("got fix %q, want one containing %q", fixes[0], want)
	}
}
