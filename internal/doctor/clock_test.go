package doctor

import (
	"strings"
	"testing"
)

func TestClockResult(t *testing.T) {
	tests := []struct {
		current, available string
		want               Status
		wantFix            string
	}{
		{"tsc", "tsc hpet acpi_pm", Pass, ""},
		{"kvm-clock", "kvm-clock tsc acpi_pm", Pass, ""},
		{"arch_sys_counter", "arch_sys_counter", Pass, ""},
		{"hpet", "tsc hpet acpi_pm", Warn, "echo tsc > /" + pathClockSource},
		{"xen", "xen", Warn, "ask the provider"},
	}
	for _, tt := range tests {
		t.Run(tt.current, func(t *testing.T) {
			got := clockResult(tt.current, tt.available)
			if got.Status != tt.want || !strings.Contains(got.Fix, tt.wantFix) {
				t.Errorf("got %s %q, want %s with %q", got.Status, got.Fix, tt.want, tt.wantFix)
			}
		})
	}
}
