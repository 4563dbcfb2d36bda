package doctor

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseCPUTimes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    cpuTimes
		wantErr bool
	}{
		{
			name: "ten columns, guest not counted twice",
			in:   "cpu  100 2 30 4000 50 6 7 80 900 10\ncpu0 1 2 3 4 5 6 7 8 9 10\n",
			want: cpuTimes{busy: 100 + 2 + 30 + 6 + 7, idle: 4000 + 50, steal: 80},
		},
		{
			name: "old kernel without steal",
			in:   "cpu  100 2 30 4000\n",
			want: cpuTimes{busy: 132, idle: 4000},
		},
		{name: "per-cpu line first", in: "cpu0 1 2 3 4 5\n", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "not a number", in: "cpu  1 2 x 4 5\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCPUTimes([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStealShare(t *testing.T) {
	tests := []struct {
		name          string
		before, after cpuTimes
		want          float64
		wantOK        bool
	}{
		{"a quarter stolen", cpuTimes{10, 10, 0}, cpuTimes{40, 40, 20}, 0.25, true},
		{"none stolen", cpuTimes{10, 10, 5}, cpuTimes{60, 60, 5}, 0, true},
		{"no time passed", cpuTimes{10, 10, 5}, cpuTimes{10, 10, 5}, 0, false},
		{"counters went back", cpuTimes{50, 50, 5}, cpuTimes{10, 10, 1}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := stealShare(tt.before, tt.after)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseNofileFixtures(t *testing.T) {
	tests := []struct {
		host       string
		soft, hard uint64
	}{
		{"kvm-tuned", 65536, 65536},
		{"kvm-default", 1024, 1024},
		{"docker", 1048576, 1048576},
		{"openvz", unlimited, unlimited},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "hosts", tt.host, pathLimits))
			if err != nil {
				t.Fatal(err)
			}
			soft, hard, err := parseNofile(b)
			if err != nil {
				t.Fatal(err)
			}
			if soft != tt.soft || hard != tt.hard {
				t.Errorf("got %d/%d, want %d/%d", soft, hard, tt.soft, tt.hard)
			}
		})
	}
}

func TestParseNofileErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"Max open files            1024\n",
		"Max open files            many                 1024                 files\n",
	} {
		t.Run(in, func(t *testing.T) {
			if _, _, err := parseNofile([]byte(in)); err == nil {
				t.Error("got no error, want one")
			}
		})
	}
}

func TestSelected(t *testing.T) {
	tests := []struct{ in, want string }{
		{"always [madvise] never", "madvise"},
		{"[always] madvise never", "always"},
		{"always defer defer+madvise [madvise] never", "madvise"},
		{"madvise", "madvise"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := selected(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzParseProc feeds the /proc parsers arbitrary text: they must not
// panic, and what they accept must be self-consistent.
func FuzzParseProc(f *testing.F) {
	for _, host := range []string{"kvm-tuned", "openvz"} {
		for _, name := range []string{pathStat, pathLimits} {
			b, err := os.ReadFile(filepath.Join("testdata", "hosts", host, name))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("cpu 1 2 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := parseCPUTimes(data); err == nil {
			if share, ok := stealShare(cpuTimes{}, c); ok && (share < 0 || share > 1) {
				t.Errorf("steal share %v of %+v outside [0, 1]", share, c)
			}
		}
		_, _, _ = parseNofile(data)
		_ = selected(string(data))
		_, _, _ = parsePortRange(string(data))
	})
}
