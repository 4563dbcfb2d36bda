// Package loadgen is the engine of nordbid bench: a load generator for
// OpenRTB bidders that measures tail latency honestly.
//
// Run drives one or more targets over HTTP/1.1 keep-alive connections,
// one request in flight per connection. In the default open loop every
// request has a due time on a constant-rate timetable and its latency is
// counted from that time, so a target that stalls is charged for every
// request that was due during the stall (no coordinated omission), to the
// answer's arrival by the kernel's receive timestamp where Linux gives
// one, so that the generator's own delay in reading is left out. The
// closed loop sends each connection's next request when its answer is in.
// Several targets are measured in alternating rounds; a sweep steps the
// rate up per target until p99 passes a bound.
//
// Request bodies come from a Corpus: a folder of bid requests turned into
// a few thousand variants at start, with the request and user ids
// rewritten in place for every request. Latencies go into HdrHistograms.
// A Report holds every figure; WriteText, WriteJSON, WriteHTML and
// WriteMarkdown render it. Sink is a trivial server that shows what the
// generator itself can drive on a machine.
package loadgen
