#!/usr/bin/env bash
# Benchmarks aksos: start-up (help, recommend, a preflight rejection) and the whole
# register -> refresh -> create -> add flow against the emulator with zero delays.
# Usage: scripts/bench.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-50}
cargo build --release --quiet
BIN=target/release/aksos
export AKSOS_TODAY=2026-11-24 NO_COLOR=1

median_ms() { # runs "$@" RUNS times, prints the median wall time in ms
  python3 - "${RUNS}" "$@" <<'PY'
import subprocess, sys, time, statistics
runs = int(sys.argv[1]); cmd = sys.argv[2:]
t = []
for _ in range(runs):
    s = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t.append((time.perf_counter() - s) * 1000)
print(f"{statistics.median(t):.2f}")
PY
}
median_ms_n() { local n=$1; shift; RUNS=$n median_ms "$@"; }
peak_kib() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "binary: $(du -h "$BIN" | cut -f1)"
printf '%-44s %10s %10s\n' "command" "median ms" "peak KiB"
for c in "--help" "recommend --runs-on azure --secure-boot" "nodepool add -g rg --cluster c -n BAD --os-sku Flatcar"; do
  # shellcheck disable=SC2086
  printf '%-44s %10s %10s\n' "aksos $c" "$(median_ms $BIN $c)" "$(peak_kib $BIN $c || true)"
done
# Side by side with the Azure CLI when it is installed (AZ=/path/to/az to choose one).
AZ=${AZ:-$(command -v az || true)}
if [ -n "$AZ" ] && [ -x "$AZ" ]; then
  RUNS_AZ=${RUNS_AZ:-10}
  for c in "aks nodepool add --help" "aks nodepool add -g rg --cluster-name c -n BAD_NAME --os-sku Flatcar"; do
    # shellcheck disable=SC2086
    printf '%-44s %10s %10s\n' "az $c" "$(RUNS=$RUNS_AZ; median_ms_n "$RUNS_AZ" "$AZ" $c)" "$(peak_kib "$AZ" $c || true)"
  done
else
  echo "(az is not installed: no side-by-side numbers; set AZ=/path/to/az)"
fi

# Flow overhead: emulator with zero delays, then the four-step flow.
STATE=$(mktemp -d)
$BIN sandbox --port 0 --state "$STATE/s.json" \
  --faults 'op-delay=0ms,reg-delay=0ms,provider-delay=0ms,retry-after=0' >"$STATE/url" 2>/dev/null &
EMU=$!
trap 'kill $EMU 2>/dev/null; rm -rf "$STATE"' EXIT
for _ in $(seq 50); do [ -s "$STATE/url" ] && break; sleep 0.1; done
URL=$(head -1 "$STATE/url")
A=("$BIN" --arm-endpoint "$URL" --subscription 00000000-0000-0000-0000-000000000000)
export AKSOS_ACCESS_TOKEN=bench
s=$(date +%s%N)
"${A[@]}" feature register AKSFlatcarPreview --wait --refresh-provider >/dev/null 2>&1
"${A[@]}" cluster create -g rg1 -n bench1 -l eastus --os-sku AzureContainerLinux >/dev/null 2>&1
"${A[@]}" nodepool add -g rg1 --cluster bench1 -n u26 --os-sku Ubuntu2604 >/dev/null 2>&1
e=$(date +%s%N)
COUNT=$(curl -s "$URL/_emulator/requests" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
echo "flow register+refresh+create+add: $(( (e - s) / 1000000 )) ms wall, $COUNT requests"
