package doctor

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCheckStealFixtures(t *testing.T) {
	tests := []struct {
		steal     string
		want      Status
		wantValue string
	}{
		{"quiet", Pass, "0.5% over 1ms"},
		{"baremetal", Pass, "0.0% over 1ms"},
		{"noisy", Warn, "4.0% over 1ms"},
		{"stolen", Fail, "20.0% over 1ms"},
		{"frozen", Warn, "unknown: no CPU time passed between the samples"},
	}
	for _, tt := range tests {
		t.Run(tt.steal, func(t *testing.T) {
			e := env{
				fsys:        &liveStat{FS: fstest.MapFS{}, samples: stealSamples(t, tt.steal)},
				stealWindow: time.Millisecond,
			}
			got := checkSteal(context.Background(), e)
			if got.Status != tt.want || got.Value != tt.wantValue {
				t.Errorf("got %s %q, want %s %q", got.Status, got.Value, tt.want, tt.wantValue)
			}
		})
	}
}

func TestCheckStealCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := env{
		fsys:        os.DirFS(filepath.Join("testdata", "hosts", "kvm-tuned")),
		stealWindow: time.Hour,
	}
	got := checkSteal(ctx, e)
	if got.Status != Warn || !strings.Contains(got.Value, "cut short") {
		t.Errorf("got %s %q, want warn cut short", got.Status, got.Value)
	}
}

func TestGOMAXPROCSResult(t *testing.T) {
	tests := []struct {
		name        string
		procs, ncpu int
		quota       float64
		want        Status
		wantWant    string
	}{
		{"all CPUs, no quota", 8, 8, 0, Pass, "8"},
		{"fewer than CPUs", 2, 8, 0, Warn, "8"},
		{"quota rounded up", 2, 8, 1.5, Pass, "2"},
		{"quota of one still gets two", 2, 8, 1, Pass, "2"},
		{"over quota throttles", 8, 8, 2, Warn, "2"},
		{"quota above the CPUs", 4, 4, 16, Pass, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gomaxprocsResult(tt.procs, tt.ncpu, tt.quota)
			if got.Status != tt.want || got.Want != tt.wantWant {
				t.Errorf("got %s (want column %s), want %s (%s)",
					got.Status, got.Want, tt.want, tt.wantWant)
			}
		})
	}
}

func TestCPUQuota(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    float64
		wantErr bool
	}{
		{"v2 unlimited", fstest.MapFS{
			pathCgroup: file("0::/app.slice/x.service\n"),
			"sys/fs/cgroup/app.slice/x.service/cpu.max": file("max 100000\n")}, 0, false},
		{"v2 quota", fstest.MapFS{
			pathCgroup:              file("0::/\n"),
			"sys/fs/cgroup/cpu.max": file("250000 100000\n")}, 2.5, false},
		{"v2 root has no cpu.max", fstest.MapFS{pathCgroup: file("0::/\n")}, 0, false},
		{"v1 quota", fstest.MapFS{
			pathCgroup: file("3:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n"),
			"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us":  file("50000\n"),
			"sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us": file("100000\n")},
			0.5, false},
		{"v1 mounted as cpu", fstest.MapFS{
			pathCgroup:                            file("3:cpu,cpuacct:/\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_quota_us":  file("400000\n"),
			"sys/fs/cgroup/cpu/cpu.cfs_period_us": file("100000\n")}, 4, false},
		{"bad cpu.max", fstest.MapFS{
			pathCgroup:              file("0::/\n"),
			"sys/fs/cgroup/cpu.max": file("lots\n")}, 0, true},
		{"no cgroup file", fstest.MapFS{}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cpuQuota(tt.fsys)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCPUQuotaFixtures(t *testing.T) {
	tests := []struct {
		host string
		want float64
	}{{"kvm-tuned", 0}, {"docker", 1.5}, {"baremetal", 0}, {"openvz", 0}}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			got, err := cpuQuota(os.DirFS(filepath.Join("testdata", "hosts", tt.host)))
			if err != nil || got != tt.want {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
