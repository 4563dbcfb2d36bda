package loadgen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Series read from a target's Prometheus endpoint, in order of preference.
// nordbid exports its own names; the others are what client_golang's Go
// and process collectors export, so other Go targets report too.
var (
	gcCycleSeries = []string{
		"nordbid_gc_cycles_total",
		"go_gc_cycles_total_gc_cycles_total",
		"go_gc_duration_seconds_count",
	}
	gcPauseSeries = []string{
		"nordbid_gc_pause_seconds",
		"go_sched_pauses_total_gc_seconds",
		"go_gc_pauses_seconds",
	}
	rssSeries = "process_resident_memory_bytes"
)

// bucket is one cumulative histogram bucket.
type bucket struct {
	le    float64
	count float64
}

// exposition is the part of one scrape that the bench reads.
type exposition struct {
	// values holds the first sample of each series name, labels ignored.
	values map[string]float64
	// buckets holds the buckets of each histogram, by base name.
	buckets map[string][]bucket
}

// parseExposition reads the Prometheus text format. Lines it does not
// understand are skipped: a scrape is a best-effort extra.
func parseExposition(r io.Reader) (exposition, error) {
	e := exposition{values: map[string]float64{}, buckets: map[string][]bucket{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		name, labels, value, ok := splitSample(line)
		if !ok {
			continue
		}
		if base, found := strings.CutSuffix(name, "_bucket"); found {
			if le, ok := labelValue(labels, "le"); ok {
				if bound, err := strconv.ParseFloat(le, 64); err == nil {
					e.buckets[base] = append(e.buckets[base], bucket{le: bound, count: value})
				}
			}
			continue
		}
		if _, seen := e.values[name]; !seen {
			e.values[name] = value
		}
	}
	if err := sc.Err(); err != nil {
		return e, fmt.Errorf("parse metrics: %w", err)
	}
	for _, bs := range e.buckets {
		slices.SortFunc(bs, func(a, b bucket) int { return cmpFloat(a.le, b.le) })
	}
	return e, nil
}

// splitSample splits `name{labels} value [timestamp]`.
func splitSample(line []byte) (name, labels string, value float64, ok bool) {
	i := bytes.IndexAny(line, "{ \t")
	if i <= 0 {
		return "", "", 0, false
	}
	name, rest := string(line[:i]), line[i:]
	if rest[0] == '{' {
		end := bytes.LastIndexByte(rest, '}')
		if end < 0 {
			return "", "", 0, false
		}
		labels, rest = string(rest[1:end]), rest[end+1:]
	}
	fields := bytes.Fields(rest)
	if len(fields) == 0 {
		return "", "", 0, false
	}
	v, err := strconv.ParseFloat(string(fields[0]), 64)
	if err != nil {
		return "", "", 0, false
	}
	return name, labels, v, true
}

// labelValue finds key="value" in a label list. Values holding commas or
// escaped quotes are not expected for the labels read here.
func labelValue(labels, key string) (string, bool) {
	for _, kv := range strings.Split(labels, ",") {
		k, v, found := strings.Cut(strings.TrimSpace(kv), "=")
		if found && k == key {
			return strings.Trim(v, `"`), true
		}
	}
	return "", false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// first returns the value of the first of names that e holds.
func (e exposition) first(names []string) (float64, bool) {
	for _, n := range names {
		if v, ok := e.values[n]; ok {
			return v, true
		}
	}
	return 0, false
}

// pauseMax bounds the longest pause between two scrapes of a pause
// histogram: the upper edge of the lowest bucket that already holds every
// pause added in between. Pauses beyond the last finite bucket are
// reported at that bucket's edge.
func pauseMax(before, after []bucket) (float64, bool) {
	if len(after) == 0 {
		return 0, false
	}
	prior := map[float64]float64{}
	for _, b := range before {
		prior[b.le] = b.count
	}
	added := func(b bucket) float64 { return b.count - prior[b.le] }
	total := added(after[len(after)-1])
	if total <= 0 {
		return 0, true
	}
	lastFinite := 0.0
	for _, b := range after {
		if math.IsInf(b.le, 1) {
			return lastFinite, true
		}
		if added(b) >= total {
			return b.le, true
		}
		lastFinite = b.le
	}
	return lastFinite, true
}
