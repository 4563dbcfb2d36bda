package doctor

import (
	"errors"
	"io/fs"
	"strings"
)

// platform is where the host runs.
type platform struct {
	// container names the container manager, e.g. "docker" or "openvz";
	// empty means nordbid is not in a container.
	container string
	// hypervisor names the hypervisor, e.g. "kvm"; "vm" means a virtual
	// machine whose hypervisor could not be identified; empty means bare
	// metal.
	hypervisor string
}

// String describes the platform for the table, e.g. "docker container
// on kvm".
func (p platform) String() string {
	var machine string
	switch p.hypervisor {
	case "":
		machine = "bare metal"
	case "vm":
		machine = "vm (hypervisor not identified)"
	default:
		machine = p.hypervisor
	}
	if p.container == "" {
		return machine
	}
	if p.sharedKernel() {
		// The host beneath a system container is not visible from inside.
		return p.container + " container"
	}
	return p.container + " container on " + machine
}

// sharedKernel reports a system container sold as a VPS: the kernel and
// its tuning belong to the provider and to every other customer on it.
func (p platform) sharedKernel() bool {
	return p.container == "openvz" || p.container == "lxc"
}

// appContainer reports a container that runs one application (Docker,
// Podman, Kubernetes and the like): no init of its own applies sysctl.d,
// and its network sysctls are set by whoever starts it. System containers
// and WSL run an init of their own, and proot shares the host's network:
// all of those are set up like a VM.
func (p platform) appContainer() bool {
	switch p.container {
	case "", "openvz", "lxc", "lxc-libvirt", "systemd-nspawn", "wsl", "proot":
		return false
	}
	return true
}

// runCommand is the command that starts an application container on this
// platform: "podman" in Podman, "docker" for Docker and the rest, whose
// command lines follow Docker's.
func (p platform) runCommand() string {
	if p.container == "podman" {
		return "podman"
	}
	return "docker"
}

// checkVirtualization reports what nordbid runs on. A KVM guest, bare
// metal or an application container pass; a container VPS (OpenVZ, LXC)
// warns, because the sysctls and limits the other checks ask for are out
// of the customer's reach there.
func checkVirtualization(e env) Result {
	p := detectPlatform(e.fsys)
	r := Result{
		Check:  "virtualization",
		Status: Pass,
		Value:  p.String(),
		Want:   "kvm, bare metal or an app container",
	}
	if p.sharedKernel() {
		r.Status = Warn
		r.Fix = "the kernel is shared with other tenants: ask the provider for the " +
			"sysctl.d and limits.d values, or move to a KVM plan"
	}
	return r
}

func detectPlatform(fsys fs.FS) platform {
	return platform{container: detectContainer(fsys), hypervisor: detectHypervisor(fsys)}
}

// detectContainer looks for the marks container managers leave.
func detectContainer(fsys fs.FS) string {
	// OpenVZ exposes /proc/vz in containers and on its host; only the host
	// also has /proc/bc.
	if exists(fsys, "proc/vz") && !exists(fsys, "proc/bc") {
		return "openvz"
	}
	if s, err := readString(fsys, "run/systemd/container"); err == nil && s != "" {
		return s
	}
	if exists(fsys, ".dockerenv") {
		return "docker"
	}
	if exists(fsys, "run/.containerenv") {
		return "podman"
	}

	// cgroup v1 paths name the manager; v2 with a cgroup namespace shows
	// only "0::/", which is why the marker files come first.
	cg, err := readString(fsys, "proc/1/cgroup")
	if err != nil {
		return ""
	}
	for _, m := range []struct{ mark, name string }{
		{"kubepods", "kubernetes"},
		{"/docker", "docker"},
		{"libpod", "podman"},
		{"/lxc", "lxc"},
	} {
		if strings.Contains(cg, m.mark) {
			return m.name
		}
	}
	return ""
}

// dmiVendors maps words found in the DMI vendor and product strings to
// hypervisor names. Cloud vendors that run KVM appear under their own name.
var dmiVendors = []struct{ word, name string }{
	{"kvm", "kvm"},
	{"qemu", "kvm"},
	{"bochs", "kvm"},
	{"openstack", "kvm"},
	{"amazon ec2", "kvm"},
	{"google", "kvm"},
	{"digitalocean", "kvm"},
	{"hetzner", "kvm"},
	{"vmware", "vmware"},
	{"virtualbox", "virtualbox"},
	{"innotek", "virtualbox"},
	{"parallels", "parallels"},
	{"xen", "xen"},
	{"virtual machine", "hyper-v"},
}

// detectHypervisor identifies the hypervisor from DMI, falling back to the
// "hypervisor" CPU flag that every hypervisor sets.
func detectHypervisor(fsys fs.FS) string {
	if s, _ := readString(fsys, "sys/hypervisor/type"); s != "" {
		return strings.ToLower(s)
	}

	var dmi strings.Builder
	for _, f := range []string{"sys_vendor", "product_name", "bios_vendor"} {
		s, _ := readString(fsys, "sys/class/dmi/id/"+f)
		dmi.WriteString(strings.ToLower(s) + "\n")
	}
	for _, v := range dmiVendors {
		if strings.Contains(dmi.String(), v.word) {
			return v.name
		}
	}

	info, err := fs.ReadFile(fsys, pathCPUInfo)
	if err == nil && hasCPUFlag(string(info), "hypervisor") {
		return "vm"
	}
	return ""
}

// hasCPUFlag reports whether the first "flags" line of /proc/cpuinfo
// lists flag.
func hasCPUFlag(cpuinfo, flag string) bool {
	for line := range strings.Lines(cpuinfo) {
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != "flags" {
			continue
		}
		for f := range strings.FieldsSeq(value) {
			if f == flag {
				return true
			}
		}
		return false
	}
	return false
}

// exists reports whether name exists under the root; an error other than
// "not exist" (e.g. permission denied) counts as existing.
func exists(fsys fs.FS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
