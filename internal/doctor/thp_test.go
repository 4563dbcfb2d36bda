package doctor

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestTHPResult(t *testing.T) {
	tests := []struct {
		enabled, defrag string
		want            Status
		wantFix         string
	}{
		{"madvise", "madvise", Pass, ""},
		{"never", "always", Warn, "echo defer+madvise"},
		{"always", "madvise", Warn, "echo madvise > /" + pathTHPEnabled},
		{"always", "", Warn, "echo madvise"},
	}
	for _, tt := range tests {
		t.Run(tt.enabled+"/"+tt.defrag, func(t *testing.T) {
			got := thpResult(tt.enabled, tt.defrag)
			if got.Status != tt.want || !strings.Contains(got.Fix, tt.wantFix) {
				t.Errorf("got %s %q, want %s with %q", got.Status, got.Fix, tt.want, tt.wantFix)
			}
		})
	}
}

func TestCheckTHPMissing(t *testing.T) {
	got := checkTHP(env{fsys: fstest.MapFS{}})
	if got.Status != Pass || got.Value != "not supported by the kernel" {
		t.Errorf("got %s %q, want pass not supported", got.Status, got.Value)
	}
}
