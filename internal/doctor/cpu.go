package doctor

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// Steal thresholds, as a share of CPU time. Below stealWarn a VM behaves
// like dedicated hardware; from stealFail on, every tenth millisecond of
// a bid's budget goes to another tenant and p99 follows the neighbour.
const (
	stealWarn = 0.02
	stealFail = 0.10
)

// checkSteal samples /proc/stat over the steal window and reports the
// share of CPU time the hypervisor gave to other guests.
func checkSteal(ctx context.Context, e env) Result {
	want := fmt.Sprintf("< %.0f%%", stealWarn*100)
	before, err := readCPUTimes(e.fsys)
	if err != nil {
		return unreadable("cpu_steal", want, err)
	}

	t := time.NewTimer(e.stealWindow)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return inconclusive("cpu_steal", want, fmt.Errorf("sample cut short: %w", ctx.Err()),
			interrupted)
	case <-t.C:
	}

	after, err := readCPUTimes(e.fsys)
	if err != nil {
		return unreadable("cpu_steal", want, err)
	}
	return stealResult(before, after, e.stealWindow)
}

func stealResult(before, after cpuTimes, window time.Duration) Result {
	r := Result{Check: "cpu_steal", Status: Pass, Want: fmt.Sprintf("< %.0f%%", stealWarn*100)}
	share, ok := stealShare(before, after)
	if !ok {
		r.Status = Warn
		r.Value = "unknown: no CPU time passed between the samples"
		r.Fix = "run doctor again; if it repeats, /proc/stat is not live"
		return r
	}

	r.Value = fmt.Sprintf("%.1f%% over %s", share*100, window)
	switch {
	case share >= stealFail:
		r.Status = Fail
	case share >= stealWarn:
		r.Status = Warn
	}
	if r.Status != Pass {
		r.Fix = "other guests use this host's CPUs: move to a dedicated-vCPU plan or " +
			"another host; watch nordbid_cpu_steal_ratio"
	}
	return r
}

// checkGOMAXPROCS compares GOMAXPROCS with the CPUs nordbid may use: the
// CPUs it may run on and the cgroup CPU quota. More Ps than the quota
// lets the runtime burn the quota early in each period and then sit
// throttled, which lands on p99; fewer leaves paid CPUs idle.
func checkGOMAXPROCS(e env) Result {
	quota, err := cpuQuota(e.fsys)
	if err != nil {
		return unreadable("gomaxprocs", "the CPUs nordbid may use", err)
	}
	return gomaxprocsResult(e.gomaxprocs, e.numCPU, quota)
}

// gomaxprocsResult judges procs against ncpu usable CPUs and a quota in
// CPUs (zero: no quota). The expected value follows the Go runtime's own
// default since Go 1.25: the quota rounded up, at least 2, at most ncpu.
func gomaxprocsResult(procs, ncpu int, quota float64) Result {
	want, limit := ncpu, fmt.Sprintf("%d CPUs, no quota", ncpu)
	if quota > 0 {
		want = min(ncpu, max(2, int(math.Ceil(quota))))
		limit = fmt.Sprintf("%d CPUs, quota %.2f", ncpu, quota)
	}
	r := Result{
		Check:  "gomaxprocs",
		Status: Pass,
		Value:  fmt.Sprintf("%d (%s)", procs, limit),
		Want:   strconv.Itoa(want),
	}
	if procs != want {
		r.Status = Warn
		r.Fix = fmt.Sprintf("unset GOMAXPROCS (and GODEBUG=containermaxprocs=0), or "+
			"set GOMAXPROCS=%d", want)
	}
	return r
}

// cpuQuota returns the CPU bandwidth limit of this process's cgroup in
// CPUs, or zero when there is none. Like the Go runtime, it reads only the
// leaf cgroup: a tighter limit on a parent is not seen.
func cpuQuota(fsys fs.FS) (float64, error) {
	cg, err := readString(fsys, pathCgroup)
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(cg) {
		// Lines are "id:controllers:path"; cgroup v2 has id 0 and no
		// controllers.
		f := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(f) != 3 {
			continue
		}
		dir := strings.Trim(f[2], "/")
		if f[0] == "0" && f[1] == "" {
			if q, ok, err := quotaV2(fsys, dir); ok || err != nil {
				return q, err
			}
			continue
		}
		if hasController(f[1], "cpu") {
			if q, ok, err := quotaV1(fsys, f[1], dir); ok || err != nil {
				return q, err
			}
		}
	}
	return 0, nil
}

// quotaV2 reads cpu.max ("max 100000" or "200000 100000").
func quotaV2(fsys fs.FS, dir string) (float64, bool, error) {
	s, err := readString(fsys, path.Join("sys/fs/cgroup", dir, "cpu.max"))
	if isNotExist(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0, false, fmt.Errorf("parse cpu.max: %q", s)
	}
	if f[0] == "max" {
		return 0, true, nil
	}
	return quotaRatio(f[0], f[1])
}

// quotaV1 reads cpu.cfs_quota_us and cpu.cfs_period_us, trying the
// controller's usual mount points.
func quotaV1(fsys fs.FS, controllers, dir string) (float64, bool, error) {
	for _, mount := range []string{controllers, "cpu", "cpu,cpuacct"} {
		base := path.Join("sys/fs/cgroup", mount, dir)
		q, err := readString(fsys, base+"/cpu.cfs_quota_us")
		if isNotExist(err) {
			continue
		}
		if err != nil {
			return 0, false, err
		}
		if q == "-1" {
			return 0, true, nil
		}
		p, err := readString(fsys, base+"/cpu.cfs_period_us")
		if err != nil {
			return 0, false, err
		}
		return quotaRatio(q, p)
	}
	return 0, false, nil
}

func quotaRatio(quota, period string) (float64, bool, error) {
	q, err := strconv.ParseFloat(quota, 64)
	if err != nil {
		return 0, false, fmt.Errorf("parse cpu quota: %w", err)
	}
	p, err := strconv.ParseFloat(period, 64)
	if err != nil || p <= 0 {
		return 0, false, fmt.Errorf("parse cpu period: %q", period)
	}
	return q / p, true, nil
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}
