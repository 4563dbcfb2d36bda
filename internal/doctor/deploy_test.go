package doctor

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// deployDir holds the deployment files, relative to this package.
var deployDir = filepath.Join("..", "..", "deploy")

// readDeploy returns the non-comment, non-blank lines of a file in deploy/.
func readDeploy(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(deployDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// TestSysctlFilePassesDoctor applies deploy/sysctl.d to a fixture root:
// every network check must then pass, so the file and doctor agree.
func TestSysctlFilePassesDoctor(t *testing.T) {
	root := fstest.MapFS{}
	for _, line := range readDeploy(t, "sysctl.d/60-nordbid.conf") {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("not key = value: %q", line)
		}
		name := "proc/sys/" + strings.ReplaceAll(strings.TrimSpace(key), ".", "/")
		root[name] = &fstest.MapFile{Data: []byte(strings.TrimSpace(value) + "\n")}
	}

	e := env{fsys: root, connections: DefaultConnections}
	for _, check := range []func(env) Result{
		checkSomaxconn, checkSynBacklog, checkTwReuse, checkPortRange,
	} {
		r := check(e)
		t.Run(r.Check, func(t *testing.T) {
			if r.Status != Pass {
				t.Errorf("got %s (%s), want pass", r.Status, r.Value)
			}
		})
	}
}

// TestSysctlFixesMatchDeployFile checks that each network fix sets the
// value deploy/sysctl.d installs, in both its forms: sysctl -w followed by
// a copy of the file, and docker run --sysctl. A fix that set another
// value would be undone by its own persist step.
func TestSysctlFixesMatchDeployFile(t *testing.T) {
	var settings []string
	for _, line := range readDeploy(t, "sysctl.d/60-nordbid.conf") {
		key, value, _ := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.Join(strings.Fields(value), " ")
		if strings.Contains(value, " ") {
			value = `"` + value + `"`
		}
		settings = append(settings, key+"="+value)
	}
	if len(settings) != 4 {
		t.Fatalf("got %d settings in the file, want the 4 doctor checks", len(settings))
	}

	for _, form := range []struct {
		name   string
		marks  map[string]string
		prefix string
	}{
		{"host", nil, "sysctl -w "},
		{"docker", map[string]string{".dockerenv": ""}, "docker run --sysctl "},
	} {
		t.Run(form.name, func(t *testing.T) {
			fixes := networkFixes(t, weakSysctls(form.marks))
			all := strings.Join(fixes, "\n")
			for _, setting := range settings {
				if !strings.Contains(all, form.prefix+setting) {
					t.Errorf("got fixes\n%s\nwant one with %q as the file has it", all,
						form.prefix+setting)
				}
			}
		})
	}
}

// TestOpenFileLimitsAgree checks that the unit and the limits.d file set
// the limit the fixes name, and that it passes for the default plan.
func TestOpenFileLimitsAgree(t *testing.T) {
	var got []uint64
	for _, line := range readDeploy(t, "nordbid.service") {
		if v, ok := strings.CutPrefix(line, "LimitNOFILE="); ok {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
		}
	}
	for _, line := range readDeploy(t, "limits.d/nordbid.conf") {
		f := strings.Fields(line)
		if len(f) == 4 && f[2] == "nofile" {
			n, err := strconv.ParseUint(f[3], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n)
		}
	}
	if len(got) != 3 {
		t.Fatalf("got %d nofile settings, want LimitNOFILE and a soft and a hard line", len(got))
	}
	for _, n := range got {
		if n != unitNofile {
			t.Errorf("got limit %d, want %d as the fixes say", n, unitNofile)
		}
		if r := openFilesResult(n, n, DefaultConnections); r.Status != Pass {
			t.Errorf("limit %d: got %s, want pass", n, r.Status)
		}
	}
}
