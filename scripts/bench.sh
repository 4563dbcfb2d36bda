#!/usr/bin/env bash
# Side-by-side benchmark of nordbid and the two reference peers.
#
# Builds nordbid and the peers, starts all three on loopback ports with the
# same campaign count, measures them with `nordbid bench` on the same
# request corpus, and writes BENCHMARKS.md and bench-report.html. Every
# step has a fixed length and the whole run stops by itself (about 30
# minutes on a 2-core machine); the servers it started are stopped on
# exit, Ctrl-C included.
#
# Knobs (environment):
#   BENCH_OUT               working folder for logs and JSON (bench-out)
#   BENCH_CAMPAIGNS         campaigns in every bidder (1000)
#   BENCH_WITHOUT_NORDBID=1 measure only the peers when nordbid serve is
#                           not ready (the nordbid column is then missing)
#   BENCH_QUICK=1           a short smoke run of every step (about 4 min);
#                           its BENCHMARKS.md and report stay in BENCH_OUT
#   BENCH_PORT_BASE         first of the loopback ports used (18080)
#   BENCH_REPORT_ONLY=1     measure nothing: rewrite the report and the
#                           document from the last run's files in BENCH_OUT
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
shared=$(cd "$root/../shared" && pwd)
out=${BENCH_OUT:-bench-out}
campaigns=${BENCH_CAMPAIGNS:-1000}
base=${BENCH_PORT_BASE:-18080}
nb_port=$base admin_port=$((base + 1)) rust_port=$((base + 10))
go_port=$((base + 11)) sink_port=$((base + 19))

# Lengths. The seed scenario is 5,000 connections at 9,800 req/s for 60 s
# per target; the load scenarios measure 60 s per target too, the span the
# garbage collector target is stated for. Sweep steps are short so the
# sweep of three targets stays within a few minutes.
seed_duration=60s load_duration=60s warmup=5s
step_duration=10s step_warmup=2s
sweep_start=2000 sweep_step=2000 sweep_max=60000
sweep_conns=1000
decide_runs=(-count 3)
doc=BENCHMARKS.md html=bench-report.html
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  seed_duration=6s load_duration=4s warmup=1s step_duration=2s step_warmup=1s
  decide_runs=(-count 1 -benchtime 0.2s)
  sweep_start=5000 sweep_step=10000 sweep_max=45000
  doc=$out/BENCHMARKS.md html=$out/bench-report.html
fi

mkdir -p "$out" bin
pids=()
data=$(mktemp -d)

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "bench: $*" >&2; exit 1; }

# record notes a command in commands.txt as BENCHMARKS.md shows it: paths
# relative to the repository, the store's temporary folder as mktemp.
record() {
  printf '%s\n' "$*" | sed "s|$root/||g; s|$shared|../shared|g; s|$data|\$(mktemp -d)|g" \
    >>"$out/commands.txt"
}

# run records a command and runs it, bounded in time.
run() {
  record "$*"
  timeout 1800 "$@"
}

# answers reports whether GET $2 on 127.0.0.1:$1 answers 200.
answers() {
  local reply
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  IFS= read -r -t 2 reply <&3 || true
  exec 3<&- 3>&-
  [[ $reply == "HTTP/1."?" 200"* ]]
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_health waits up to 15 s for a server to answer /health.
wait_health() {
  local name=$1 port=$2
  for _ in $(seq 30); do
    answers "$port" /health && return 0
    sleep 0.5
  done
  die "$name did not answer GET http://127.0.0.1:$port/health within 15 s; see $out/$name.log"
}

# start runs a server in the background and remembers it for cleanup.
start() {
  local name=$1; shift
  record "$* &"
  "$@" >"$out/$name.log" 2>&1 &
  pids+=($!)
  eval "${name//-/_}_pid=$!"
}

# measure builds, starts the servers and runs every scenario; it leaves
# the JSON, text and notes of each in $out.
measure() {
  echo "bench: building" >&2
  go build -o bin/nordbid ./cmd/nordbid
  if [[ ! -x bin/peers/rtb-peer-rust || ! -x bin/peers/rtb-peer-go ]]; then
    "$shared/bench/build-peers.sh" bin/peers
  fi
  for port in $nb_port $admin_port $rust_port $go_port $sink_port; do
    port_free "$port" || die "port 127.0.0.1:$port is in use; set BENCH_PORT_BASE"
  done
  ulimit -n "$(ulimit -Hn)"
  : >"$out/commands.txt"
  describe_machine >"$out/machine.md"

  # The hot path in process, on the machine before the servers start: the
  # allocation tests (decode, decide and encode of every corpus request,
  # and the listener's whole path) and the decision's latency with 10,000
  # and 100,000 live campaigns. A failure is reported, not fatal.
  echo "bench: hot path in process" >&2
  run go test -count 1 -v -run 'AllocatesNothing$' ./internal/bidder ./internal/server \
    >"$out/allocs.txt" 2>&1 || true
  run go test -run '^$' -bench 'DecideLatency' "${decide_runs[@]}" ./internal/bidder \
    >"$out/decide.txt" 2>&1 || true

  # Servers. All bidders get the same number of campaigns and see the same
  # corpus; each gets its own loopback port.
  local with_nordbid=1
  [[ ${BENCH_WITHOUT_NORDBID:-0} == 1 ]] && with_nordbid=0
  if ((with_nordbid)); then
    start nordbid bin/nordbid serve --demo --demo-campaigns "$campaigns" \
      --listen "127.0.0.1:$nb_port" --admin-listen "127.0.0.1:$admin_port" --data "$data"
  else
    printf '**The nordbid column is missing: this run had BENCH_WITHOUT_NORDBID=1.**\n\n' \
      >>"$out/machine.md"
  fi
  start rust-hyper env LISTEN_ADDR="127.0.0.1:$rust_port" PEER_CAMPAIGNS="$campaigns" \
    bin/peers/rtb-peer-rust
  start go-stdlib env LISTEN_ADDR="127.0.0.1:$go_port" PEER_CAMPAIGNS="$campaigns" \
    bin/peers/rtb-peer-go
  start sink bin/nordbid bench sink --listen "127.0.0.1:$sink_port"
  if ((with_nordbid)); then
    wait_health nordbid "$nb_port"
  fi
  wait_health rust-hyper "$rust_port"
  wait_health go-stdlib "$go_port"
  wait_health sink "$sink_port"

  # Targets: rust-hyper first, so every ratio reads "times the Rust stack".
  local targets=(--target "rust-hyper=http://127.0.0.1:$rust_port/openrtb2/bid"
    --pid "rust-hyper=$rust_hyper_pid")
  if ((with_nordbid)); then
    targets+=(--target "nordbid=http://127.0.0.1:$nb_port/openrtb2/bid"
      --metrics "nordbid=http://127.0.0.1:$admin_port/metrics" --pid "nordbid=$nordbid_pid")
  fi
  targets+=(--target "go-stdlib=http://127.0.0.1:$go_port/openrtb2/bid"
    --pid "go-stdlib=$go_stdlib_pid")

  bench generator-ceiling --target "sink=http://127.0.0.1:$sink_port/openrtb2/bid" --sweep \
    --sweep-start 10000 --sweep-step 10000 --sweep-max 100000 --connections "$sweep_conns" \
    --duration "$step_duration" --warmup "$step_warmup"
  # The sink joins the seed rounds: its figures are the floor that the
  # generator and the machine set for every target at 5,000 connections.
  bench seed "${targets[@]}" --target "sink=http://127.0.0.1:$sink_port/openrtb2/bid" \
    --pid "sink=$sink_pid" --connections 5000 --rate 9800 --duration "$seed_duration" \
    --warmup "$warmup" --rounds 3
  bench sweep "${targets[@]}" --sweep --sweep-start "$sweep_start" \
    --sweep-step "$sweep_step" --sweep-max "$sweep_max" --connections "$sweep_conns" \
    --duration "$step_duration" --warmup "$step_warmup" --slo 10ms

  local sustained
  sustained=$(sustained_of rust-hyper sweep)
  if ((${sustained:-0} > 0)); then
    for pct in 50 80; do
      bench "load$pct" "${targets[@]}" --connections "$sweep_conns" \
        --rate $((sustained * pct / 100)) --duration "$load_duration" --warmup "$warmup" \
        --rounds 3
    done
  else
    echo "bench: rust-hyper sustained no rate in the sweep; skipping load50 and load80" >&2
  fi
}

# The corpus is named relative to the repository, as the reports show it.
corpus=(--corpus ../shared/corpus/requests --seed 1)

bench() {
  local label=$1; shift
  echo "bench: $label" >&2
  run bin/nordbid bench --label "$label" "${corpus[@]}" --json "$out/$label.json" "$@" \
    | tee "$out/$label.txt"
}

# in_process renders the allocation tests and the decision benchmark of
# the run as markdown.
in_process() {
  printf '### Hot path in process

'
  if [[ ! -s $out/allocs.txt || ! -s $out/decide.txt ]]; then
    printf 'Not measured in this run.\n\n'
    return
  fi
  printf 'Allocation tests (`testing.AllocsPerRun`, 0 allowed):\n\n'
  printf '| test | result |\n|---|---|\n'
  sed -n 's/^--- \(PASS\|FAIL\): \(Test[A-Za-z]*\).*/| \2 | \1 |/p' "$out/allocs.txt"
  grep -q '^--- FAIL\|^FAIL' "$out/allocs.txt" &&
    printf '\n**An allocation test failed**; see allocs.txt in the bench folder.\n'
  printf '\nThe decision (privacy, candidate selection, ranking, budget reservation and\n'
  printf 'the encoded answer, after decoding), `BenchmarkDecideLatency`:\n\n'
  printf '| benchmark | live campaigns | p50 | p99 | allocations per decision |\n'
  printf '|---|--:|--:|--:|--:|\n'
  awk '/^BenchmarkDecideLatency/ {
    delete v
    for (i = 3; i < NF; i += 2) v[$(i + 1)] = $i
    sub(/-[0-9]+$/, "", $1)
    printf "| %s | %s | %s µs | %s µs | %s |\n", $1, v["campaigns"], v["p50-µs"], v["p99-µs"],
      v["allocs/op"]
  }' "$out/decide.txt"
  grep -q '^ok' "$out/decide.txt" ||
    printf '\n**The decision benchmark failed**; see decide.txt in the bench folder.\n'
  printf '\n'
}

# sustained_of reads target $1's sustained rate from the sweep output $2.
sustained_of() {
  sed -n "s/^sweep $1: sustained \([0-9]*\) req\/s.*/\1/p" "$out/$2.txt"
}

describe_machine() {
  local cpu_model
  cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  printf '## Machine\n\n'
  printf -- '- CPU: %s, %s cores\n' "$cpu_model" "$(nproc)"
  printf -- '- Kernel: %s\n' "$(uname -r)"
  printf -- '- Go: %s\n' "$(go version | cut -d' ' -f3-)"
  printf -- '- Rust: %s\n' "$(rustc --version 2>/dev/null || echo unknown)"
  local commit dirty=""
  commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  [[ -n $(git status --porcelain 2>/dev/null) ]] && dirty=" with uncommitted changes"
  printf -- '- nordbid: %s%s\n' "$commit" "$dirty"
  printf -- '- Campaigns per bidder: %s\n' "$campaigns"
  printf -- '- Measured: %s\n\n' "$(date -u +"%Y-%m-%d %H:%M UTC")"
}

report=(bin/nordbid bench report)
if [[ ${BENCH_REPORT_ONLY:-0} != 1 ]]; then
  measure
  report=(run "${report[@]}")
fi
[[ -s $out/machine.md && -s $out/seed.json ]] ||
  die "no measurements in $out; run without BENCH_REPORT_ONLY"
sustained=$(sustained_of rust-hyper sweep)
ceiling=$(sustained_of sink generator-ceiling)
reports=("$out/seed.json")
for pct in 50 80; do
  [[ -s $out/load$pct.json ]] && reports+=("$out/load$pct.json")
done
reports+=("$out/sweep.json" "$out/generator-ceiling.json")
"${report[@]}" --html "$html" --markdown "$out/results.md" "${reports[@]}"

# BENCHMARKS.md: the method, the machine, the commands, the tables.
{
  cat <<EOF
# Benchmarks

Generated by \`make bench\` (scripts/bench.sh). Edit the prose in
scripts/bench.sh, not here: the next run rewrites this file. Charts of every
run: $(basename "$html"). Raw figures: the JSON files the commands below
write (\`nordbid bench report\` renders them again).

EOF
  cat <<'EOF'
## Method

- **Load generator.** `nordbid bench` speaks HTTP/1.1 over one keep-alive
  connection per simulated user, one request in flight per connection, no
  pipelining. Its own client writes a prebuilt request head and the shared
  body with one writev and parses the answer in place, without allocating.
  net/http with a Transport per connection was measured and set aside: it
  took twice the time and 58 allocations per request (see "Generator
  cost").
- **Open loop.** Requests are due at a constant rate, spread evenly over
  the connections, and each is timed from its due time, not from when it
  was sent. A request that waits behind a slow answer on its connection is
  charged that wait, so a stalled server cannot hide its stall (no
  coordinated omission). Requests still unsent one timeout (1 s) after the
  window closed are counted as unsent and recorded at their lateness; a
  request that times out is recorded at the time it was given up.
- **Generator lag.** A dispatcher thread sleeping on the kernel's
  high-resolution timer wakes each connection at its due time, and the
  generator runs with one more Go P than there are cores so that the
  dispatcher does not wait for one. The lateness that remains is reported
  per target as "generator send lag"; it is part of the latencies, never
  subtracted from them.
- **Arrival.** A latency ends when the answer reached the generator's
  machine: the kernel's receive timestamp of its last bytes
  (SO_TIMESTAMPNS), not the moment one of the generator's threads got
  round to reading it. How long answers waited to be read is reported per
  target as "generator receive wait"; it is not part of the latencies. On
  a machine whose cores the generator shares with the target, that wait
  is the generator's, whatever the target did.
- **Rounds.** Targets are measured in alternating rounds (A B C A B C ...)
  so that drift of the machine hits all alike. Ratios are against the first
  target, rust-hyper.
- **Floor.** In the seed scenario the sink (a server that answers 204 to
  everything, see "Generator cost") is measured in the same rounds: its
  latencies are what the generator and the machine add at 5,000
  connections with no work on the server side, so no target can be far
  below them; one that comes out a little below the sink had quieter
  moments of the machine in its rounds than the sink had in its own.
- **Sweep.** The offered rate steps up per target until p99 exceeds 10 ms
  or a timeout, connection error or 5xx occurs; the last passing rate is
  the sustained rate. A failed step is measured once more before the target
  drops out, so that one disturbed step does not end its sweep. 4xx answers
  (the corpus holds requests that a strict decoder rejects) are counted but
  are not errors.
- **Corpus.** All targets get the same bodies: the 50 requests of
  ../shared/corpus/requests as 4,050 variants (81 per file) with their own
  request and user ids (Zipf-distributed over a million users), countries,
  IPs, OS and advertising ids; request and user ids are rewritten again for
  every request. Bodies range from 0.2 to 22 KB.
- **Target figures.** RSS and CPU cores of each server come from /proc; GC
  cycles and the longest GC pause from nordbid's /metrics (the peers do not
  expose them: n/a). The generator and the servers share the same cores, so
  every figure includes the generator's cost; compare ratios within a run.
- **Other cores** is the CPU that everything else on the machine used while
  a target was measured (all busy time in /proc/stat, steal apart, less the
  target's and the generator's). On a shared machine it shows how much
  other programs disturbed a figure: with it above a few tenths of a core,
  the tails are the machine's as much as the target's.
- **Stolen cores** is the CPU time that the hypervisor withheld from this
  virtual machine while a target was measured (steal in /proc/stat): its
  programs were ready to run and did not. Any figure above zero means the
  host disturbed that target's rounds, whatever the target did.

EOF
  cat "$out/machine.md"
  printf '## Commands\n\n```sh\n'
  printf 'make bench   # runs scripts/bench.sh, which ran:\n'
  cat "$out/commands.txt"
  printf '```\n\n'
  printf '## Results\n\n'
  if ((${sustained:-0} > 0)); then
    printf 'rust-hyper sustained %s req/s in the sweep; load50 and load80 ran at ' "$sustained"
    printf '50%% and 80%% of that. '
  else
    printf '**rust-hyper passed no step of the sweep, so load50 and load80 were not run.** '
  fi
  printf 'The generator alone sustained %s req/s against a trivial server.' "${ceiling:-0}"
  if ((${sustained:-0} > 0 && ${ceiling:-0} > 0 && ${sustained:-0} * 10 >= ${ceiling:-0} * 8))
  then
    printf ' **The sweep came within 20%% of that ceiling: there, the sustained rate is '
    printf 'that of the generator and the target together, not of the target alone.**'
  fi
  printf '\n\n'
  cat "$out/results.md"
  in_process
  cat <<'EOF'
## Generator cost

The generator-ceiling run above sweeps `nordbid bench` against `nordbid
bench sink`, a trivial server that answers 204 to everything, with the
sweep's connection count; both share the machine's cores. Its sustained
rate is the most this machine can offer: near it, the generator (or the
sink), not the target, is the limit. Each run's "Generator" line gives the
CPU the generator spent per request; it is highest at low rates, where
every request wakes sleeping threads.

Without pacing the generator goes further. A closed loop against the sink,
50 connections, 5 s (`nordbid bench --closed --connections 50 --duration 5s
--warmup 0s --target http://127.0.0.1:18099/`), drove 91,000 req/s at
10.6 µs of generator CPU per request on the 2-core VM on 2026-12-04.

The client was chosen by measurement (`go test -run '^$' -bench RoundTrip
./internal/loadgen`, one connection to an in-process sink, same VM and day):

| client | time per request | allocations per request |
|---|--:|--:|
| own HTTP/1.1 client (`BenchmarkRoundTrip`) | 15.7 µs | 0 (0 B) |
| net/http, a Transport per connection (`BenchmarkRoundTripNetHTTP`) | 34.6 µs | 58 (5.8 KB) |

In the open loop the generator spends 40 to 70 µs of CPU per request on
this VM, mostly waking threads, and that sets the ceiling above (20,000
req/s on the VM while other programs ran, 40,000 to 70,000 when it was
quiet). An open-loop driver on epoll was built and measured against the
sink: one event loop per CPU owning its share of the connections, woken by
a timerfd at each due time, writing the requests and timing the answers
itself. At 9,800 req/s over 5,000 connections, two alternating runs of
20 s each (2026-12-04 20:37 UTC, quiet machine), it lowered the median
(0.08 and 0.09 ms against 0.13 and 0.14 ms) but not the CPU per request
(68.6 and 70.7 µs against 62.7 and 67.5 µs), and its p99.9 was worse (4.90
and 5.57 ms against 2.99 and 3.64 ms), likely because a loop thread that
the kernel preempts holds up every connection it owns, where the
goroutines spread over three Ps. It was set aside: the tail matters more
here than the median.

**Where the seed scenario's tail comes from.** At 9,800 req/s over 5,000
connections, nordbid's own handling is not the tail: its
`nordbid_bid_duration_seconds`, from the request read to the answer
built, was under 250 µs for all but 396 of 676,200 requests (2026-12-04
23:10 UTC), and its listener answering `POST /health` (405, no decoding
or bidding) had the sink's p99.9 (3.90 against 3.88 ms, same rounds)
while bids had 6.50 ms. The rest is threads waiting for one of the two
cores, the generator's as much as the servers'. The generator's own
profile (`nordbid bench --cpuprofile`, against the sink, 64 µs of CPU per
request) is `writev` 35%, `futex` 23% (waking threads), the dispatcher
22%. A temporary breakdown of every request slower than 2 ms (several
runs of two 30 s rounds against the sink and nordbid, 23:15 to 23:30 UTC)
put the generator's lateness in sending at 1.4 to 2.5 ms of such a
request on average, the round trip at 0.7 to 2.3 ms, the answer waiting
to be read at 0.2 to 0.9 ms, and a connection still busy with an earlier
answer at none of it. The dispatcher thread itself woke over 1 ms late
270 to 810 times per round, by about 2 ms, and the same kind of thread on
the idle machine 7 times in 10 s: the kernel leaves it off a core that
long. Asking for a 100 µs scheduler slice (`sched_setattr` with
`sched_runtime`), `SCHED_FIFO`, or sleeping without giving up its Go P
made no consistent difference.

Hence **Arrival** (see "Method"): since 2026-12-04 23:40 UTC latencies
end at the kernel's receive timestamp of the answer, not when a generator
thread got round to reading it, and that wait is reported on its own
("generator receive wait"). The generator's lateness in sending stays
charged to the target.

Tried and set aside the same evening, with the sink and nordbid at 9,800
req/s over 5,000 connections:

- Pacer threads that write each request themselves at its due time (two
  of them, sharing the timetable), the connections' goroutines only
  reading the answers. The send lag p99 fell from 0.22-0.25 to 0.05-0.06
  ms and the median latency from 0.10-0.11 to 0.06-0.07 ms, but in three
  45 s rounds each (23:52 UTC) nordbid's p99.9 was 3.64 against 3.03 ms,
  its p99.99 7.03 against 5.68 ms, and the generator spent 73 against
  68 µs of CPU per request, which would lower its ceiling in the sweep.
- Two dispatchers sharing the timetable: the dispatcher's late wake-ups
  fell from 530-810 to 120-290 per 30 s round, but nearly as many requests
  were slow (633-943 against 790-1,178), now late in the hand-over to
  their goroutines.
- More or fewer event loops in nordbid (45 s rounds, 23:25 UTC): one loop
  12.3 ms p99.9 against 5.11 ms with two; four and eight loops 7.04 and
  8.62 ms against 6.22 ms with two, on a noisier stretch.

## Design choices of the bidder, and the numbers behind them

Each choice below was measured on the same 2-core VM on 2026-12-04, before
and after, in one run; ratios matter, absolute times move with the load
of the machine.

**HTTP layer: nordbid's own HTTP/1.1 on an epoll event loop per CPU for
the bid listener, net/http for admin.** The first choice was between
net/http and fasthttp (wrk, one thread, 100 connections, 8 s, corpus
request 01, `--demo` data, in one run):

| bid listener | req/s | p50 | p99 | GC cycles in 8 s |
|---|--:|--:|--:|--:|
| net/http | 29,049 | 2.81 ms | 20.9 ms | 288 |
| fasthttp (same handler) | 44,180 | 1.66 ms | 11.0 ms | 1 |

net/http allocates a request, a header map and a context per request; at
that rate the collector ran every 28 ms. fasthttp reuses them per
connection, but still serves each connection on a goroutine: a request
cost a read, a write, a read that found nothing, and hand-offs between
threads as goroutines parked and woke (the Go scheduler alone took 15% of
nordbid's CPU at 80% load), and each idle keep-alive connection kept an
8 KB goroutine stack and a read buffer. The bid listener now runs one
event loop per CPU: each waited on its own epoll set (they share one
since 2026-12-05, see below), reads what its
connections sent into one 64 KB buffer, answers every complete request in
place and writes the answers back with one write. The same binary with
either listener, side by side with the Rust peer (`nordbid bench`,
alternating rounds, 2026-12-04 20:19 UTC for 20,800 req/s over 1,000
connections, 3 rounds of 10 s; 20:23 UTC for 9,800 req/s over 5,000
connections, 2 rounds of 20 s):

| scenario | figure | rust-hyper | fasthttp | event loop |
|---|---|--:|--:|--:|
| 20,800 req/s, 1,000 connections | p50 | 0.52 ms | 0.64 ms | 0.33 ms |
| | p99 | 20.7 ms | 20.7 ms | 6.44 ms |
| | p99.9 | 137 ms | 37.0 ms | 19.7 ms |
| | CPU cores | 0.79 | 0.83 | 0.75 |
| | max RSS | 28 MB | 94 MB | 34 MB |
| 9,800 req/s, 5,000 connections | p99 | 1.46 ms | 1.69 ms | 1.69 ms |
| | p99.9 | 6.28 ms | 6.49 ms | 5.76 ms |
| | CPU cores | 0.57 | 0.61 | 0.62 |
| | max RSS | 104 MB | 139 MB | 33 MB |

The first scenario ran while the machine was disturbed (the Rust peer's
p99 was 20.7 ms there, 2.4 ms in quiet runs); what counts is the columns
against each other. Notices wait for the store, so they are answered on a
goroutine and written back in order. Every behaviour of the listener
(limits, gzip, chunked bodies, Expect: 100-continue, pipelining, HTTP/1.0,
timeouts, the connection limit, graceful drain, JSON errors) is tested in
internal/server, and its request parser is fuzzed, accepted requests
compared with net/http's reader.

**One spare P.** With as many Ps as event loops, a background goroutine
(a store poll, the spend sync, a notice) could keep a loop that woke from
epoll waiting for a P. GOMAXPROCS one above the loop count, the same
binary side by side (20:42 UTC, 9,800 req/s over 5,000 connections, 2
rounds of 30 s): p99 1.70 to 1.42 ms, p99.9 6.06 to 4.90 ms, CPU 0.60 to
0.47 cores (the Rust peer: 1.44 ms, 8.54 ms, 0.58 cores). At 20,800 req/s
over 1,000 connections (3 rounds of 10 s, a disturbed machine): p50 0.60
to 0.42 ms, CPU 0.77 to 0.70 cores, p99 13.9 and 16.5 ms (the Rust peer
50.2 ms). `serve` sets it unless GOMAXPROCS is in the environment.

**One epoll set shared by the loops.** At first each loop had its own
epoll set and owned the connections it was given, so a loop that the
kernel kept off its core held up all of them until it ran again. Now the
loops wait on one set in which each connection is armed for one event at
a time (`EPOLLONESHOT`): the set wakes one waiting loop per ready
connection, that loop serves it and arms it again, and a loop that is
off its core holds up only the connections it is serving (a test keeps
one loop stuck in a request and has eight other connections answered).
Re-arming costs an `epoll_ctl` per request; waking fewer threads more
than pays for it. The same commit built both ways, side by side with the
Rust peer in alternating rounds (2026-12-05, 1,000 connections, the
machine disturbed: pauses of about 100 ms struck whichever server's round
they fell in, the Rust peer's most):

| scenario | figure | rust-hyper | own sets | one shared set |
|---|---|--:|--:|--:|
| 12,000 req/s, 6 rounds, 20 s each (01:34 UTC) | p50 | 0.18 ms | 0.16 ms | 0.11 ms |
| | p99 | 4.47 ms | 1.54 ms | 0.64 ms |
| | p99.9 | 8.75 ms | 3.24 ms | 1.88 ms |
| | CPU cores | 0.86 | 0.70 | 0.64 |
| 12,000 req/s, 4 rounds, 60 s each (01:38 UTC) | p50 | 0.15 ms | 0.13 ms | 0.10 ms |
| | p99 | 25.7 ms | 1.01 ms | 0.73 ms |
| | p99.9 | 145 ms | 2.66 ms | 63.6 ms |
| | CPU cores | 0.79 | 0.66 | 0.60 |
| closed loop, 50 connections, 4 rounds, 20 s each | req/s | 30,749 | 42,602 | 45,686 |
| | p99 | 3.76 ms | 4.50 ms | 2.64 ms |
| 19,200 req/s, 4 rounds, 60 s each (01:46 UTC) | p50 | 1.25 ms | 0.26 ms | 0.20 ms |
| | p99 | 326 ms | 11.8 ms | 10.7 ms |
| | p99.9 | 649 ms | 91.6 ms | 33.3 ms |

The one figure that went the other way, a p99.9 of 63.6 ms (p99.99 97
ms), is of the size of those pauses; the rest agree. A loop now takes at
most 16 events per wait, where it took 256, so that it holds few ready
connections while it works through them (not measured on its own).

**JSON: a hand-written scanner over lean types** (`go test -run '^$'
-bench Decode ./internal/openrtb`, 3 runs each, middle run, 2026-12-04
19:43 UTC; the other decoders fill structs mirroring BidRequest):

| | all 50 corpus requests | allocations | one banner request | allocations |
|---|--:|--:|--:|--:|
| nordbid's scanner | 179 µs (683 MB/s) | 0 | 0.80 µs | 0 |
| bytedance/sonic v1.15.5 | 340 µs | 936 (260 KB) | 1.95 µs | 12 |
| encoding/json/v2 (go-json-experiment) | 444 µs | 539 (101 KB) | 2.59 µs | 6 |
| encoding/json | 1,138 µs | 2,416 (158 KB) | 5.99 µs | 30 |

Encoding a 2.5 KB response (`-bench AppendResponse`, same run): nordbid
2.2 µs with 0 allocations, encoding/json 5.1 µs with 1 (4 KB).

encoding/json would also refuse the corpus' quirks (numbers as strings,
booleans for flags, duplicate keys with other types) that the scanner
reads by kind. sonic, the fastest of the others, is twice as slow and
allocates for every string it keeps; a decoder that allocates per request
brings the collector back, whatever its speed.
`TestBidAllocatesNothing` (internal/bidder) holds decode, decide and
encode of every valid corpus request (banner, video, audio, native, deals)
at zero allocations; `TestBidHandlerAllocatesNothing` (internal/server)
holds the whole handler there too, body read from the connection and
gunzipped included.

**Candidate selection: price-ranked bit sets.** Campaigns are ranked by
price; per targeting value (country, device type, OS, domain, bundle,
segment, channel) and per format a bit set holds the campaigns that admit
it. A request ANDs a handful of sets and walks the result best price
first. `go test -run '^$' -bench DecideLatency ./internal/bidder`
(decision alone, corpus requests with varied country, device and user):

| campaigns | before: price-sorted lists per format | after: bit sets |
|--:|--:|--:|
| 9,510 live of 10,000 | p50 2.6 µs, p99 54.7 µs | p50 2.9 µs, p99 7.3 µs |
| 95,043 live of 100,000 | p50 7.0 µs, p99 2,829 µs | p50 9.2 µs, p99 31.0 µs |

`TestPrefilterKeepsDecisions` checks on 3,000 varied requests that the bit
sets pick the same winner as a walk over every campaign.

The seven targeting sets of a request (channel, country, device type, OS,
bundle, domain, segments) were first ANDed one at a time; with 100,000
campaigns each set is 12 KB, and the result streamed through the cache
seven times. `Bitset.Intersect` reads four sets per pass
(`BenchmarkDecideLatency`, 3 runs each, 2026-12-04 21:30 UTC): p50 9.4 to
9.8 µs before, 6.8 to 6.9 µs after with 100,000 campaigns (p99 29 to 45
µs before, 27 to 36 µs after); 2.9 µs before, 2.6 to 2.7 µs after with
10,000.

**Garbage collector: GOGC 400 by default.** Bidding allocates nothing; the
background loops (store polls, spend sync, index rebuilds) still made
garbage enough for a collection every few seconds over a live heap of a
few MB. 5,000 connections at 9,800 req/s, 2 rounds of 20 s, three builds
side by side:

| build | p99 | p99.9 | GC cycles | max GC pause | max RSS |
|---|--:|--:|--:|--:|--:|
| GOGC 400, idle buffers released, 8 KB read buffer | 1.99 ms | 7.25 ms | 1 | ≤ 0.04 ms | 153 MB |
| GOGC 100, idle buffers kept, 4 KB read buffer | 3.46 ms | 11.3 ms | 2 | ≤ 1.05 ms | 341 MB |
| GOGC 100, idle buffers released, 4 KB read buffer | 1.84 ms | 6.96 ms | 6 | ≤ 0.11 ms | 105 MB |

In a second run, GOGC 400 with 8 KB against 4 KB read buffers: p99 1.41
and 1.38 ms, p99.9 6.18 and 6.03 ms, RSS 166 and 160 MB, 4 and 1 GC
cycles. Releasing the buffers of idle keep-alive connections is what keeps
memory near the Rust peer's with 5,000 connections; GOGC 400 kept
collections to about one a minute for some tens of MB (with the event
loop, about one every two minutes: see "Garbage"). (These runs used
the fasthttp listener; the event loop holds no buffer for an idle
connection at all.) GOGC and GOMEMLIMIT in the environment override the
default. Since 6243271 the default is no longer GOGC 400 but a memory
limit that follows the live heap, with GOGC off (see "Garbage").

**Request bodies: read in place.** Under fasthttp, bodies went through
its pool, which drops buffers larger than most it has seen; with corpus
bodies from 0.2 to 22 KB that made 77 MB of garbage in 308,000 requests
(250 bytes a request, 63% of all allocation), until the handler read the
stream into a buffer of its own. The event loop parses requests straight
from its read buffer; only a request that arrives over several reads is
gathered in a buffer of its connection, which the connection keeps for
the next one (up to 64 KB).

**The last garbage of a request, and of a scrape.** A heap profile at
5,000 connections still showed 15 MB allocated by `io.LimitReader`, one
small reader per body; the limit now lives in the per-request scratch.
Gzipped bodies went through compress/gzip, whose inflater allocates new
Huffman tables for most bodies (2 to 12 allocations a request); klauspost's
inflater reuses them. The Prometheus
client's Go and process collectors allocated at every scrape, which the
bench does once a second; nordbid now writes its exposition itself
(`BenchmarkScrape`: 8.6 µs, 0 allocations). After these, a 10-second
allocation profile under load at 9,800 req/s holds no sample at all
(pprof samples one allocation every 512 KB). A finer profile later found
what is left, a refused request and the host gauges of a scrape, and
both now allocate nothing too (see "Garbage").

**Memory per connection.** Under fasthttp each keep-alive connection
held a goroutine with an 8 KB stack and, while bodies were streamed, a
read buffer: 2 KB buffers instead of 4 KB saved 19 MB at 5,000
connections (152 to 133 MB), and shrinking the largest stack frames on
the bid path did not bring the stacks under 8 KB. The event loop keeps for
an idle connection only its state, about a hundred bytes, and the kernel's
socket buffers: 34 to 37 MiB resident at 5,000 connections in the runs
below, against 139 MB with fasthttp and 105 to 109 MiB for the Rust peer.
Start-up garbage (store reads, demo seeding, the index build) is
collected and returned to the system before the listeners open: idle with
the demo data and 1,000 campaigns, 29 MB resident instead of 41 MB.

**The hot-path targets, against the make bench runs of 2026-12-04 and 05**
(the tables above are rewritten by each run, this list is not).
Twenty-one runs of the event-loop listener on the same 2-core VM; the
generator alone sustained 40,000, 30,000, 40,000, 30,000, 40,000,
50,000, 50,000, 40,000, 40,000, 40,000, 70,000, 70,000, 70,000, 60,000,
50,000, 70,000, 50,000, 60,000, 30,000, 40,000 and 30,000 req/s in
them. The last seventeen time answers by their arrival (see "Arrival");
in the last fourteen the loops share one epoll set; in the last nine a
campaign on the embedded store bids up to its whole budget (see below);
in the last four the load scenarios measure 60 s per target instead of
30 s, and make bench runs the allocation tests and the decision
benchmark itself; in the last three nordbid collects garbage by a
memory limit that follows the live heap, with GOGC off, and refuses
invalid requests without allocating (see "Garbage"); in the last two
the decision benchmark collects the garbage of its set-up before
timing; in the last one the room the limit leaves past the live heap is
once the heap, not four times, at least 64 MiB either way. The tables above come from the run their
"Machine" section dates. Ratios are nordbid's against rust-hyper's in the
same run; the seed column gives nordbid's p99 and p99.9, then the Rust
peer's and the sink's p99.9; resident memory is in MiB.

| run | throughput, at least 1.0x | 50% load p99, p99.9, at most 1.0x | 80% load p99, p99.9, at most 1.0x | seed p99 at most 2 ms, p99.9 at most 5 ms | RSS at 5,000 connections, at most 1.5x | not met |
|---|---|---|---|---|---|---|
| 12-04 20:53, 4795061 | 30,000 / 20,000: 1.50x | 0.55x, 0.73x | 0.62x, 0.52x | 1.70, 6.58 ms (Rust 7.89) | 35 / 106 MiB: 0.33x | seed p99.9 |
| 12-04 21:25, 0f55e84 | 16,000 / 16,000: 1.00x | 0.88x, 1.17x | 0.11x, 0.06x | 2.02, 7.45 ms (Rust 8.08, sink 4.71) | 34 / 106 MiB: 0.32x | 50% p99.9, seed |
| 12-04 22:01, 4223e57 | 36,000 / 22,000: 1.64x | 0.68x, 0.86x | 0.60x, 0.86x | 1.32, 6.64 ms (Rust 7.09, sink 4.58) | 35 / 106 MiB: 0.33x | seed p99.9 |
| 12-04 22:43, a4bbb0d | 28,000 / 22,000: 1.27x | 0.83x, 0.73x | 0.85x, 0.67x | 1.68, 5.59 ms (Rust 6.74, sink 4.78) | 34 / 109 MiB: 0.31x | seed p99.9 |
| 12-04 23:55, 0e21787 | 34,000 / 24,000: 1.42x | 0.83x, 1.08x | 0.63x, 0.72x | 1.07, 4.37 ms (Rust 4.61, sink 4.00) | 35 / 107 MiB: 0.33x | 50% p99.9 |
| 12-05 00:17, 0e21787 | 32,000 / 28,000: 1.14x | 0.84x, 1.13x | 0.29x, 0.09x | 1.17, 4.54 ms (Rust 4.72, sink 4.00) | 35 / 107 MiB: 0.33x | 50% p99.9 |
| 12-05 00:51, cc2a209 | 32,000 / 24,000: 1.33x | 0.81x, 1.08x | 0.68x, 0.80x | 0.85, 3.98 ms (Rust 4.55, sink 3.63) | 36 / 107 MiB: 0.34x | 50% p99.9 |
| 12-05 01:52, 87aae49 | 26,000 / 22,000: 1.18x | 0.51x, 0.81x | 0.10x, 0.04x | 1.60, 81.0 ms (Rust 132, sink 78.5) | 35 / 107 MiB: 0.33x | seed p99.9 |
| 12-05 02:21, 8253e0d | 32,000 / 20,000: 1.60x | 0.01x, 0.67x | 0.28x, 0.16x | 0.93, 61.0 ms (Rust 108, sink 74.4) | 35 / 106 MiB: 0.33x | seed p99.9, GC pause |
| 12-05 02:45, 8253e0d | 24,000 / 14,000: 1.71x | 0.05x, 0.03x | 0.33x, 0.04x | 0.89, 34.0 ms (Rust 96.8, sink 47.8) | 35 / 106 MiB: 0.33x | seed p99.9 |
| 12-05 04:05, f1e746a | 32,000 / 22,000: 1.46x | 1.32x, 3.96x | 0.32x, 0.05x | 0.66, 3.41 ms (Rust 6.71, sink 35.8) | 36 / 106 MiB: 0.34x | 50% p99, p99.9 |
| 12-05 04:27, f1e746a | 30,000 / 20,000: 1.50x | 0.65x, 0.65x | 0.86x, 2.30x | 0.67, 3.27 ms (Rust 4.53, sink 4.25) | 36 / 105 MiB: 0.34x | 80% p99.9 |
| 12-05 04:50, 66ac1cb | 26,000 / 18,000: 1.44x | 0.75x, 0.67x | 0.47x, 0.45x | 4.04, 15.4 ms (Rust 6.70, sink 3.65) | 36 / 106 MiB: 0.34x | seed |
| 12-05 05:34, c2112a0 | 22,000 / 20,000: 1.10x | 0.57x, 0.81x | 0.24x, 0.19x | 1.40, 8.39 ms (Rust 11.9, sink 6.51) | 36 / 107 MiB: 0.34x | seed p99.9 |
| 12-05 05:56, 2d9ef4a | 24,000 / 20,000: 1.20x | 0.67x, 0.66x | 0.44x, 0.54x | 1.80, 6.11 ms (Rust 14.8, sink 4.24) | 35 / 108 MiB: 0.33x | seed p99.9 |
| 12-05 06:48, f88fc97 | 48,000 / 30,000: 1.60x | 0.20x, 0.02x | 0.26x, 0.38x | 0.43, 3.55 ms (Rust 3.93, sink 4.20) | 37 / 106 MiB: 0.35x | none |
| 12-05 07:19, 0312089 | 46,000 / 36,000: 1.28x | 0.48x, 0.75x | 0.14x, 0.07x | 0.65, 3.50 ms (Rust 3.53, sink 3.60) | 36 / 106 MiB: 0.34x | none |
| 12-05 07:52, 36fc5a6 | 48,000 / 28,000: 1.71x | 0.68x, 0.68x | 0.45x, 0.64x | 0.35, 2.78 ms (Rust 3.15, sink 3.31) | 37 / 105 MiB: 0.35x | none |
| 12-05 09:24, 6243271 | 30,000 / 18,000: 1.67x | 0.46x, 0.57x | 0.50x, 0.72x | 1.01, 3.67 ms (Rust 6.54, sink 4.36) | 38 / 106 MiB: 0.36x | decision p99 |
| 12-05 09:51, 625634a | 28,000 / 24,000: 1.17x | 0.50x, 0.55x | 0.42x, 0.18x | 1.13, 3.98 ms (Rust 4.20, sink 3.87) | 38 / 104 MiB: 0.37x | none |
| 12-05 10:37, fd31806 | 30,000 / 20,000: 1.50x | 0.60x, 0.50x | 0.47x, 0.41x | 0.96, 3.90 ms (Rust 5.90, sink 4.15) | 38 / 107 MiB: 0.36x | none |

No garbage on the bid path: the allocation tests hold at 0 for the
bidder over every valid corpus request and for the whole listener path,
gzip included, at every commit listed (they are part of the test suite,
and of make bench since the 07:52 run); since the 09:24 run they hold for
the corpus request that the validator refuses too. At 80% load no GC
cycle but in one run of the twenty-one (the target allows 2, with
pauses up to 100 µs; see "Garbage" below); in the 09:24, 09:51 and
10:37 runs, the three with collections by a limit that follows the live
heap, no collection came in any scenario, the seed's 5,000 new
connections included. The
decision, against bounds of 20 and 50 µs: p99 5.2 to 5.4 µs with 10,004
live campaigns and 15.7 to 17.8 µs with 100,001 in the 07:52 run (3
runs each); 5.5 to 5.6 and 10.5 to 12.5 µs right after the 06:48 run,
with 9,510 and 95,043 live (the benchmark then generated 10,000 and
100,000 campaigns, not live ones); 8.4 to 12.3 and 27 to 36 µs on the
busier machine of 2026-12-04 21:30 UTC. In the 09:24 run, 7.0 to 7.1 µs
with 10,004, and 23.7, 22.1 and 97.8 µs with 100,001: the third over
the bound. Building 100,000 campaigns leaves hundreds of MB of garbage,
and the benchmark timed the decision while a collection of it could
still be marking the heap (gctrace showed one running into the timed
loop); since 2cd8459 it collects before timing: 7.0 to 9.8 µs and 19.1
to 24.9 µs in four runs each right after, at 09:50 UTC, and 7.9 to 9.5
µs and 19.5 to 24.8 µs in the 09:51 run, 9.3 to 11.9 µs and 26.3 to
33.3 µs in the 10:37 run.

**Every target met in one make bench run, the garbage collector's by
design: 2026-12-05 10:37 and 09:51 UTC.** The 10:37 run (fd31806; since
then only a guard for runtimes without the figures the limit needs has
changed): throughput 30,000 against 20,000 req/s (1.50x);
at 50% load p99 0.60x and p99.9 0.50x of the Rust peer's; at 80% load
0.47x and 0.41x over 60 s per target; the seed's p99 0.96 ms and p99.9
3.90 ms (the Rust peer's 1.71 and 5.90 ms, the sink's 0.72 and 4.15
ms); 38 MiB resident at 5,000 connections against 107 MiB (0.36x); the
allocation tests passed and the decision's p99 was 11.9 and 33.3 µs at
most; no collection in any scenario. No round of nordbid or of the Rust
peer lost as much as 0.01 of a core to the hypervisor, nor nordbid's to
other programs (the Rust peer's 50% load rounds, 0.01). The generator
alone sustained 30,000 req/s, so nordbid's throughput of 30,000 is the
most this run could show; at 80% load (16,000 req/s) the Rust peer's
p99 and p99.9 came to 3.92 and 12.5 ms, nordbid's to 1.82 and 5.15 ms.
The 09:51 run (625634a): throughput
28,000 against 24,000 req/s (1.17x); at 50% load p99 0.50x and p99.9
0.55x of the Rust peer's; at 80% load 0.42x and 0.18x over 60 s per
target; the seed's p99 1.13 ms and p99.9 3.98 ms (the Rust peer's 1.32
and 4.20 ms, the sink's 0.61 and 3.87 ms); 38 MiB resident at 5,000
connections against 104 MiB (0.37x); the allocation tests passed and the
decision's p99 was 9.5 and 24.8 µs at most; no collection in any
scenario, as none is due under steady load (see "Garbage"). No round of
nordbid or of the Rust peer lost as much as 0.01 of a core to the
hypervisor or to other programs. Its 80% load ratios flatter nordbid:
80% of the Rust peer's 24,000 was 19,200 req/s, where the Rust peer's
p99 came to 7.39 ms and its p99.9 to 47.5 ms, nordbid's to 3.08 and
8.62 ms; and the machine was slower than in the morning runs (the
generator alone sustained 40,000 req/s, against 50,000 to 70,000), so
nordbid's throughput, 28,000, is near what the generator can offer.

Before it, every target was met in one make bench run at 07:52 UTC,
and the two runs before that met every target that make bench then
measured, with 30 s per target at 50% and 80% load; their garbage
collector target was met by runs, not by design (see "Garbage"). The
07:52 run (36fc5a6): throughput 48,000 against 28,000 req/s (1.71x); at 50% load
p99 0.68x and p99.9 0.68x of the Rust peer's; at 80% load 0.45x and
0.64x over 60 s per target, with no GC cycle; the seed's p99 0.35 ms and
p99.9 2.78 ms (the Rust peer's 0.43 and 3.15 ms, the sink's 0.36 and
3.31 ms); 37 MiB resident at 5,000 connections against 105 MiB (0.35x);
the allocation tests passed and the decision's p99 was 5.4 and 17.8 µs at
most. No round of nordbid or of the Rust peer lost as much as 0.01 of a
core to the hypervisor or to other programs. The 07:19 run (0312089):
1.28x; 0.48x and 0.75x; 0.14x and 0.07x; 0.65 and 3.50 ms; 0.34x. Its
80% load ratios flatter nordbid: the Rust peer's sweep passed 36,000
req/s, so 80% was 28,800, where the Rust peer's p99 came to 11.4 ms.

The 06:48 run (f88fc97), the first to meet every target measured: Throughput 48,000 against 30,000 req/s (1.60x);
at 50% load p99 0.20x and p99.9 0.02x of the Rust peer's; at 80% load
0.26x and 0.38x, with no GC cycle; the seed's p99 0.43 ms and p99.9
3.55 ms, under the 2 and 5 ms bounds and under the Rust peer's 0.58 and
3.93 ms; 37 MiB resident at 5,000 connections against 106 MiB (0.35x).
The machine had just booted and was quiet: no round of nordbid or of
the Rust peer lost as much as 0.01 of a core to the hypervisor or to
other programs. Two figures flatter nordbid and are read with care
here. The Rust peer's 50% load p99 and p99.9 (2.38 and 140 ms) come
from one second whose p99 was 150 ms; its other
seconds had a p99 of at most 1.9 ms, nordbid's at most 1.2 ms, and
nordbid's p99.9 of 2.94 ms is below the Rust peer's 3.38 to 3.45 ms in
the quiet runs of 23:55 to 00:51 below. And the seed's p99.9 is at the
floor the generator sets: the sink, answering without work, came to
4.20 ms in the same rounds, nordbid to 3.55 ms.

Until the 06:48 run none had met every target at once. Until 22:43 the seed
p99.9 was missed in every run: the sink, a server that does nothing, came to
4.6 to 4.8 ms in the same rounds, the generator's own delays, which
"Where the seed scenario's tail comes from" takes apart. Timed by
arrival, the generator adds less, and the seed's p99.9 came to 4.37,
4.54 and 3.98 ms (the sink's 3.63 to 4.00 ms), all met. In those three
runs the 50% load p99.9 was the one missed, by 8%, 13% and 8% (3.73
against 3.45 ms, 3.85 against 3.41, 3.66 against 3.38): a nordbid event
loop that the kernel kept off its core held up every connection it owned
until it ran again, where tokio's workers take over each other's
connections. Since the loops share one epoll set (see "One epoll set
shared by the loops") the 50% load p99.9 came to 0.81x, 0.67x and 0.03x
of the Rust peer's, and every ratio target was met in all three runs
(it was missed once more later, in the 04:05 run, in one disturbed
second; see below).

Those three runs met no seed p99.9 for another reason: on 2026-12-05
from about 01:30 UTC the VM stalled for up to about 100 ms at a time
while the benchmark loaded it (the longest latencies of the Rust peer
and of the sink were 100 to 200 ms in most scenarios), and a few such
stalls in the seed rounds are enough for a p99.9 of tens of milliseconds:
the sink's was 78.5, 74.4 and 47.8 ms, the Rust peer's 132, 108 and
96.8, nordbid's 81.0, 61.0 and 34.0. Idle, the same VM showed no gap
over 20 ms in 60 s of 1 ms sleeps (02:44 UTC), and a quiet spell in
between gave the sink alone a p99.9 of 1.99 ms at the seed's load; the
stalls come with load, from outside the VM (no cgroup inside it
throttles the processes). The seed bound of 5 ms is absolute, so it
waits for a quiet machine.

The five runs from 04:05 to 05:56 UTC each missed one target, and each
miss lines up with a disturbance of the machine: in the 04:05 run one second of nordbid's 50% load rounds
had a p99 of 21 ms (the Rust peer had a second of 99 ms in its 80% load
rounds, the sink one of 83 ms in the seed's); at 04:27 two seconds of
nordbid's 80% load rounds came to 11 and 5 ms; at 04:50 the hypervisor
withheld up to 20% of the VM's CPU (steal in /proc/stat, read every
100 ms) from 04:56:26 to 04:56:52 UTC, during nordbid's third seed round
and no other round of the seed, and the same code gave a seed p99 of
0.83 and 0.93 ms in the A/B rounds right after (below) against 4.04 ms
in that run; at 05:34 the sink alone came to a seed p99.9 of 6.51 ms,
over the 5 ms bound, and the Rust peer to 11.9 ms; at 05:56, with the
new "stolen cores" column (for each target, the cores the hypervisor
withheld while it was measured), nordbid's seed rounds lost 0.008 cores
against 0.001 for the Rust peer's and the sink's, and its p99.9 came to
6.11 ms (the Rust peer's 14.8 ms). Every other target was met in each of
the five. nordbid's seed p99.9 was below the Rust peer's in four of them
(0.41x to 0.72x), and 2.30x of it in the 04:50 run, whose third nordbid
seed round the hypervisor disturbed.

**Bidding up to the whole budget.** Until 66ac1cb a single node leased
itself slices of a twentieth of each budget, as a fleet node does, and a
campaign stopped once its live reservations filled one: the demo's
250-per-thousand video campaign answered budget_exhausted past about 667
bids a second, for 12% of the seed's requests. Bidding on them too moves
nordbid's bid rate from 52% to 64% (the Rust peer's: 38%) and costs no
CPU or tail that the machine's noise does not hide: two A/B runs of the
seed scenario, 4 rounds each, the order reversed between them, gave the
old and the new binary p99 0.64 / 0.93 ms and 0.79 / 0.83 ms, p99.9 2.76 /
4.58 ms and 3.38 / 3.29 ms, and 0.45 cores each (2026-12-05 05:13 UTC;
the Rust peer, in the same rounds: 0.90 and 0.99 ms, 3.73 and 3.81 ms).

**Garbage: no collection under steady load.** Until 6243271 the
collector ran at 80% load in one of the eighteen runs listed above
(02:21: once, pause at most 2.5 ms, over the 100 µs allowed) and in
none of the others; in the 07:52 run, with 60 s per target, a
collection fell into nordbid's 50% load rounds instead (pause at most
0.5 ms). Bidding allocated nothing (the allocation tests), but nordbid
was not garbage-free as a whole: with the demo data and 1,000 campaigns
at 24,000 req/s over 1,000 connections for 300 s (2026-12-05 07:44 UTC,
36fc5a6 with `GODEBUG=gctrace=1`), the heap grew about 90 KB a second,
and the Go runtime also forces a collection when none ran for two
minutes: one came about every two minutes whatever the load, at 120 s
and at 240 s in that run. Their stop-the-world work took 53 and 460 µs
for sweep termination and 5 and 4 µs for mark termination (wall clock,
gctrace), and the longest whole pause, stopping the threads included,
was at most 1 ms (`bench --metrics`): on this 2-core VM the generator
keeps a core busy, and a thread the kernel has taken off its core
delays the stop until it runs again. In every scenario with a
collection that morning the longest pause was over 100 µs but one (at
most 50 µs, the seed rounds of the 07:19 run). The 80% load scenario
measures nordbid for 60 of its about 230 s, so with a collection every
two minutes a run caught one about 40% of the time: the target was met
by runs, not by design.

Where the garbage came from, measured at 08:53 UTC (20,000 req/s with
the bench scraping /metrics once a second,
`GODEBUG=memprofilerate=4096`, the alloc_space difference of two
`/debug/pprof/heap?gc=1` profiles 50 s apart; `/debug/pprof/allocs?gc=1`
does not collect first, and its differences came out empty): of 7.6 MB,
4.5 MB was the profiler's own work; of the rest, refusing the corpus'
one request that nordbid's validator refuses (2% of the bodies: an
error value, its message and the 400's text, 4 allocations of 96 bytes
each) 2.0 MB, the host gauges reading /proc/stat and /proc/self/limits
at each scrape (15.7 KB and 31 allocations a scrape) 0.7 MB, net/http
on the admin listener and SQLite polls under 0.3 MB.

Three changes take the collection out of steady load. The validator
writes a rejection into storage its caller keeps (`openrtb.Checker`),
so a refused request allocates nothing; the allocation tests now
include the refused corpus request. The host gauges keep their /proc
files open and parse them in place: a warm scrape of them allocates
nothing (`TestCollectorAllocatesNothing`). And `serve` turns GOGC off
and, after each collection, sets the memory limit to the memory in use
besides heap objects, plus the live heap, plus room for the heap to
grow by four times the live heap or 64 MiB, whichever is more
(internal/gctune; once the live heap since, see below): a collection comes only when that room is used up,
and the one forced every two minutes, which needs GOGC on, is gone. The
same scenario at 20,000 req/s for 300 s (09:18 UTC, 6243271, gctrace)
had no collection after start-up; the heap grew from 3.5 to 5.9 MB
(`go_memstats_heap_alloc_bytes` before and after), about 8 KB a second,
so at that rate the next one is due after about two hours. What is
left is garbage of the admin listener's scrapes and of the store polls.

The room was four times the live heap at first, as GOGC 400 had been;
with 100,000 campaigns that let resident memory reach 2 to 3 GB after a
few campaign changes (a newcomer's try, 10:25 UTC), because a collection
during an index rebuild finds the old and the new index both live and
the limit is set from that. Room of once the live heap, as GOGC 100,
and still at least 64 MiB: the same changes settle at about 1.1 GB
(360 MB after start-up), and with the demo data or 1,000 campaigns,
whose heap is a few MB, nothing changes, since the 64 MiB decide.

**Where the time goes now.** A 20 s CPU profile of nordbid alone at
20,800 req/s over 1,000 connections (`serve --pprof`,
`/debug/pprof/profile?seconds=20`, 2026-12-04 20:52 UTC, nordbid b3fde24;
12.7 s of samples, 30.6 µs per request):

| part | share of nordbid's CPU | per request |
|---|--:|--:|
| `write` system calls (the answer; on loopback the kernel also delivers it to the reader and wakes it) | 31% | 9.6 µs |
| decoding the request (`openrtb.Decoder.Decode`) | 27% | 8.1 µs |
| deciding (`Bidder.decide`: privacy, prefilter, ranking, budget reservation) | 19% | 5.8 µs |
| `epoll_wait` | 10% | 3.1 µs |
| the answer (`Bidder.respond`: markup, three signed notice URLs, JSON) | 9% | 2.8 µs |
| `read` system calls | 6% | 1.9 µs |

The Go scheduler, 15% of the CPU under fasthttp, no longer shows. Half
of what is left is the kernel's share of a request on loopback, which the
Rust peer pays too. Of nordbid's own work, decoding leads: the corpus is
pretty-printed, half its bytes are whitespace, and skipping it is a third
of the decoder's time in `go test -bench Decode`; a word-at-a-time
whitespace skip measured no faster (193 µs against 188 to 206 µs for the
50 files, interleaved runs), so it was not kept. nordbid also does more
per request than the peer: it bids on 50% of the requests (64% since it
bids up to the whole budget) against the peer's 38%, and every bid carries markup and three signed notice URLs.
The prefilter's single-pass intersection (see "Candidate selection") and
a faster skip of unread values in the decoder (the 50 corpus requests in
147 µs instead of 159 µs, median of 15 alternating rounds, still without
allocating) came after this profile.
EOF
} >"$doc"
echo "bench: wrote $doc and $html" >&2
