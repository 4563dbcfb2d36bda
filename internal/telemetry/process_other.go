//go:build !linux

package telemetry

// writeProcess writes nothing: the process series come from /proc, which
// only Linux has.
func writeProcess(*text) {}
