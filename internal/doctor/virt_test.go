package doctor

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

func TestCheckVirtualizationFixtures(t *testing.T) {
	tests := []struct {
		host      string
		want      Status
		wantValue string
	}{
		{"kvm-tuned", Pass, "kvm"},
		{"kvm-default", Pass, "kvm"},
		{"docker", Pass, "docker container on kvm"},
		{"baremetal", Pass, "bare metal"},
		{"openvz", Warn, "openvz container"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			root := os.DirFS(filepath.Join("testdata", "hosts", tt.host))
			got := checkVirtualization(env{fsys: root})
			if got.Status != tt.want || got.Value != tt.wantValue {
				t.Errorf("got %s %q, want %s %q", got.Status, got.Value, tt.want, tt.wantValue)
			}
		})
	}
}

func TestDetectPlatform(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"hypervisor flag only, as in Firecracker",
			fstest.MapFS{pathCPUInfo: file("flags\t\t: fpu tsc hypervisor\n")},
			"vm (hypervisor not identified)"},
		{"no flag, no dmi", fstest.MapFS{pathCPUInfo: file("flags\t\t: fpu tsc\n")}, "bare metal"},
		{"xen pv", fstest.MapFS{"sys/hypervisor/type": file("xen\n")}, "xen"},
		{"vmware", fstest.MapFS{"sys/class/dmi/id/sys_vendor": file("VMware, Inc.\n")}, "vmware"},
		{"hyper-v", fstest.MapFS{
			"sys/class/dmi/id/sys_vendor":   file("Microsoft Corporation\n"),
			"sys/class/dmi/id/product_name": file("Virtual Machine\n")}, "hyper-v"},
		{"podman", fstest.MapFS{"run/.containerenv": file("")}, "podman container on bare metal"},
		{"nspawn", fstest.MapFS{"run/systemd/container": file("systemd-nspawn\n")},
			"systemd-nspawn container on bare metal"},
		{"kubernetes by cgroup v1", fstest.MapFS{
			"proc/1/cgroup": file("4:cpu:/kubepods/besteffort/pod1/abc\n")},
			"kubernetes container on bare metal"},
		{"lxc by cgroup", fstest.MapFS{"proc/1/cgroup": file("1:name=systemd:/lxc/vps7\n")},
			"lxc container"},
		{"openvz host is not a container", fstest.MapFS{
			"proc/vz/veinfo": file(""), "proc/bc/0/resources": file("")}, "bare metal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detectPlatform(tt.fsys).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
