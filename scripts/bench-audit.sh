#!/usr/bin/env bash
# Benchmarks `aksos audit` in release mode: generates a large manifest set
# (default 20000 documents across 20 files, a mix of workloads with and without
# findings plus non-workload documents), audits it a few times on one core and
# prints documents per second for the best run.
#
# Usage: scripts/bench-audit.sh [DOCUMENTS] [RUNS]
set -euo pipefail

docs=${1:-20000}
runs=${2:-3}
files=20
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/aksos"

# Four document shapes, written in turn: a log collector DaemonSet (finding),
# a clean Deployment, a CronJob with an init script (finding), a ConfigMap.
awk -v docs="$docs" -v files="$files" -v dir="$work" '
function ds(i) {
  return "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: collector-" i "\n  namespace: logging\n" \
    "spec:\n  selector:\n    matchLabels: {app: collector-" i "}\n  template:\n    metadata:\n      labels: {app: collector-" i "}\n" \
    "    spec:\n      hostNetwork: true\n      containers:\n      - name: agent\n        image: example/agent:1.0\n" \
    "        args: [\"--config=/etc/agent/agent.conf\", \"--verbose\"]\n        volumeMounts:\n        - name: varlog\n          mountPath: /var/log\n" \
    "        - name: config\n          mountPath: /etc/agent\n      volumes:\n      - name: varlog\n        hostPath:\n          path: /var/log\n" \
    "      - name: config\n        configMap: {name: agent-" i "}\n"
}
function deploy(i) {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-" i "\n  namespace: shop\n  labels: {app: web-" i ", tier: frontend}\n" \
    "spec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web-" i "}\n  template:\n    metadata:\n      labels: {app: web-" i "}\n" \
    "    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        command: [\"nginx\", \"-g\", \"daemon off;\"]\n" \
    "        ports:\n        - containerPort: 8080\n        resources:\n          requests: {cpu: 100m, memory: 128Mi}\n" \
    "          limits: {cpu: 500m, memory: 256Mi}\n        securityContext:\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: true\n"
}
function cron(i) {
  return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly-" i "\n  namespace: ops\nspec:\n  schedule: \"0 2 * * *\"\n" \
    "  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          initContainers:\n" \
    "          - name: deps\n            image: ubuntu:24.04\n            command: [sh, -c]\n            args:\n            - |\n" \
    "              set -e\n              apt-get update\n              apt-get install -y curl jq\n" \
    "          containers:\n          - name: job\n            image: example/job:1.0\n            command: [\"/bin/job\", \"--once\"]\n"
}
function cm(i) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-" i "\n  namespace: shop\ndata:\n  mode: fast\n  level: info\n"
}
BEGIN {
  per = int((docs + files - 1) / files)
  for (i = 0; i < docs; i++) {
    f = sprintf("%s/m%02d.yaml", dir, int(i / per))
    k = i % 4
    doc = (k == 0) ? ds(i) : (k == 1) ? deploy(i) : (k == 2) ? cron(i) : cm(i)
    printf "---\n%s", doc > f
  }
}'

bytes=$(cat "$work"/*.yaml | wc -c)
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi

best=""
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "${pin[@]}" "$bin" -o json audit "$work" >/dev/null || [ $? -eq 1 ]
  end=$(date +%s%N)
  ns=$((end - start))
  if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
done

awk -v docs="$docs" -v ns="$best" -v bytes="$bytes" 'BEGIN {
  s = ns / 1e9
  printf "aksos audit: %d documents (%.1f MiB) in %.3f s on one core: %.0f documents/s\n", docs, bytes / 1048576, s, docs / s
}'
