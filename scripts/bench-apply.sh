#!/usr/bin/env bash
# Benchmarks `aksos apply`: CLUSTERS clusters of POOLS pools each (a system pool
# plus POOLS-1 node pools) against the emulator with a fixed operation length,
# and compares the wall time with the ideal: the longest per-cluster chain
# (POOLS operations one after another; clusters fully in parallel).
# Usage: scripts/bench-apply.sh [CLUSTERS] [POOLS] [OP_MS] [PARALLEL]
set -euo pipefail
cd "$(dirname "$0")/.."
CLUSTERS=${1:-8}
POOLS=${2:-5}
OP_MS=${3:-1000}
PARALLEL=${4:-$CLUSTERS}
cargo build --release --quiet
BIN=$PWD/target/release/aksos
export AKSOS_TODAY=2026-11-24 NO_COLOR=1 AKSOS_ACCESS_TOKEN=bench

TMP=$(mktemp -d)
$BIN sandbox --port 0 --state "$TMP/s.json" \
  --faults "op-delay=${OP_MS}ms,reg-delay=0ms,provider-delay=0ms,retry-after=0" >"$TMP/url" 2>/dev/null &
EMU=$!
trap 'kill $EMU 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/url" ] && break; sleep 0.1; done
URL=$(head -1 "$TMP/url")

{
  echo "clusters:"
  for c in $(seq 1 "$CLUSTERS"); do
    echo "  - { resourceGroup: rg$((c % 4)), name: bench$c, location: eastus,"
    echo "      systemPool: { name: sys, osSku: AzureContainerLinux, count: 1 },"
    echo "      nodePools: ["
    for p in $(seq 2 "$POOLS"); do echo "        { name: p$p, osSku: AzureLinux, count: 1 },"; done
    echo "      ] }"
  done
} >"$TMP/fleet.yaml"

A=("$BIN" --arm-endpoint "$URL" --subscription 00000000-0000-0000-0000-000000000000)
s=$(date +%s%N)
"${A[@]}" apply -f "$TMP/fleet.yaml" --parallel "$PARALLEL" >"$TMP/out" 2>"$TMP/err" || { cat "$TMP/out" "$TMP/err"; exit 1; }
e=$(date +%s%N)
s2=$(date +%s%N)
"${A[@]}" apply -f "$TMP/fleet.yaml" --parallel "$PARALLEL" >"$TMP/out2" 2>/dev/null
e2=$(date +%s%N)
COUNT=$(curl -s "$URL/_emulator/requests" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(len(r), sum(1 for x in r if x["method"]!="GET"), sum(1 for x in r if x["status"]==409))')
read -r TOTAL WRITES CONFLICTS <<<"$COUNT"

WALL=$(( (e - s) / 1000000 ))
WAVES=$(( (CLUSTERS + PARALLEL - 1) / PARALLEL ))
IDEAL=$(( WAVES * POOLS * OP_MS ))
echo "apply: $CLUSTERS clusters x $POOLS pools, --parallel $PARALLEL, operation ${OP_MS} ms"
echo "  wall            $WALL ms"
echo "  ideal           $IDEAL ms ($WAVES wave(s) x $POOLS operations in a row)"
python3 -c "print(f'  ratio           {$WALL/$IDEAL:.2f}x (target <= 1.2x)')"
echo "  requests        $TOTAL ($WRITES writes, $CONFLICTS answered 409)"
echo "  second apply    $(( (e2 - s2) / 1000000 )) ms, $(tail -1 "$TMP/out2")"
