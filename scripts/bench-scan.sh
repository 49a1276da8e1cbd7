#!/usr/bin/env bash
# Benchmarks the tenant-wide scan: SUBS subscriptions x CLUSTERS clusters x 5
# pools against the emulator with zero delay, first through Azure Resource Graph
# (`scan --all-subscriptions`), then with Resource Graph refused (the ARM
# fallback: subscription list, then one cluster list + one pool list per cluster).
# Reports wall time, requests, Resource Graph pages and peak memory (RSS).
# Not a test: numbers go into README's Performance section.
#
# Usage: scripts/bench-scan.sh [SUBS] [CLUSTERS]
set -euo pipefail
cd "$(dirname "$0")/.."
SUBS=${1:-100}
CLUSTERS=${2:-50}
cargo build --release --quiet
BIN=$PWD/target/release/aksos
export AKSOS_TODAY=2026-11-24 NO_COLOR=1 AKSOS_ACCESS_TOKEN=bench
TMP=$(mktemp -d)
EMU=
stop() { if [ -n "$EMU" ]; then kill "$EMU" 2>/dev/null || true; wait "$EMU" 2>/dev/null || true; fi; EMU=; }
trap 'stop; rm -rf "$TMP"' EXIT

start() { # $1: extra faults
  : >"$TMP/url"
  $BIN sandbox --port 0 --state "$TMP/s.json" \
    --faults "op-delay=0ms,reg-delay=0ms,provider-delay=0ms,retry-after=0$1" >"$TMP/url" 2>/dev/null &
  EMU=$!
  for _ in $(seq 100); do [ -s "$TMP/url" ] && break; sleep 0.1; done
  URL=$(head -1 "$TMP/url")
}

# The template cluster (one pool per verdict, seeded through the CLI) is the
# fleet's first cluster (subscription 0, rg-0/aks-0); the emulator clones the rest.
start ""
A=("$BIN" --arm-endpoint "$URL" --subscription f1ee7000-0000-4000-8000-000000000000)
"${A[@]}" cluster create -g rg-0 -n aks-0 -l eastus --os-sku AzureContainerLinux --kubernetes-version 1.35 >/dev/null 2>&1
"${A[@]}" nodepool add -g rg-0 --cluster aks-0 -n flat --os-sku Flatcar --allow-retired >/dev/null 2>&1
"${A[@]}" nodepool add -g rg-0 --cluster aks-0 -n guard --os-sku AzureLinuxOSGuard >/dev/null 2>&1
"${A[@]}" nodepool add -g rg-0 --cluster aks-0 -n u22 --os-sku Ubuntu2204 >/dev/null 2>&1
"${A[@]}" nodepool add -g rg-0 --cluster aks-0 -n u24 --os-sku Ubuntu2404 >/dev/null 2>&1
curl -sf -X POST "$URL/_emulator/fleet/$SUBS/$CLUSTERS" >/dev/null

measure() { # $1: label
  curl -sf -X DELETE "$URL/_emulator/requests" >/dev/null
  /usr/bin/time -v "$BIN" --arm-endpoint "$URL" scan --all-subscriptions -o json \
    >"$TMP/out.json" 2>"$TMP/err" || { tail -5 "$TMP/err"; exit 1; }
  local wall rss user
  wall=$(grep 'Elapsed (wall clock)' "$TMP/err" | awk '{print $NF}')
  user=$(grep -E 'User time|System time' "$TMP/err" | awk '{s += $NF} END {printf "%.2f", s}')
  rss=$(grep 'Maximum resident set size' "$TMP/err" | awk '{print $NF}')
  curl -sf "$URL/_emulator/requests" | python3 -c '
import json, sys
r = json.load(sys.stdin)
out = json.load(open(sys.argv[1]))
graph = sum(1 for x in r if x["path"] == "/providers/Microsoft.ResourceGraph/resources")
arm = sum(1 for x in r if "managedclusters" in x["path"].lower())
subs = sum(1 for x in r if x["path"] == "/subscriptions")
pools, clusters, path = len(out["pools"]), out["clusters_scanned"], out["source"]["path"]
print(f"{sys.argv[2]}: {pools} pools in {clusters} clusters, path {path}")
print(f"  requests        {len(r)} ({graph} Resource Graph pages, {subs} subscription-list pages, {arm} ARM cluster/pool lists)")
' "$TMP/out.json" "$1"
  echo "  wall            $wall (m:ss); client CPU ${user} s"
  echo "  peak RSS        $((rss / 1024)) MiB"
}

measure "Resource Graph"
stop
start ",graph-refuse"
measure "ARM fallback"
