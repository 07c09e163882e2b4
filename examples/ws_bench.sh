#!/bin/bash
# One subscription fan-out measurement (see BENCHMARKS.md):
#   examples/ws_bench.sh <label> <mosaic binary> <subscribers> <events> <interval-ms> [--distinct]
# Starts <mosaic binary> on a fresh SQLite directory (port 8077), runs the release
# ws_bench against it (WS_BENCH overrides its path), prints the server's CPU time over the
# run with ws_bench's figures, then stops the server. Build first:
#   cargo build --release --bin mosaic --example ws_bench
# Interleave runs of two binaries in one session to compare them.
label=$1; bin=$2; n=$3; ev=$4; iv=$5; extra=$6
pkill -f "port 8077"; sleep 1
rm -rf /tmp/bench; ($bin --data-dir /tmp/bench serve --port 8077 --ws-max-connections 20000 > /tmp/bench_server.log 2>&1 &)
for i in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:8077/healthz && break; sleep 0.1; done
PID=$(pgrep -n -f 'port 8077')
a=$(awk '{print $14+$15}' /proc/$PID/stat)
out=$(timeout 400 ${WS_BENCH:-target/release/examples/ws_bench} --addr 127.0.0.1:8077 --subscribers $n --events $ev --interval-ms $iv --server-pid $PID $extra 2>&1 | tail -3)
b=$(awk '{print $14+$15}' /proc/$PID/stat)
echo "== $label n=$n events=$ev interval=${iv}ms $extra | server cpu $(( (b-a) ))0 ms"
echo "$out"
pkill -f "port 8077"
