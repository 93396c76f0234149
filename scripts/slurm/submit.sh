#!/usr/bin/env bash
# Submit a dirclust sweep to SLURM: a job array of N tasks (scripts/slurm/sweep.sbatch, task i runs shard
# i/N) and the merge (scripts/slurm/merge.sbatch) as a job that depends on the whole array (afterok).
#
#   scripts/slurm/submit.sh CONFIG OUT N        (run from the repository checkout)
#
# Shards go to OUT.shards/shard-<i>/, logs to OUT.shards/logs/<job>-<array>_<task>.log, the merged run to
# OUT. Environment: CPUS_PER_TASK (default 2; each task evaluates that many scenes at once, --jobs),
# DIRCLUST (default: dirclust on PATH, else .build/release/dirclust). Partition, account and time limit
# come from sbatch's own variables (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_TIMELIMIT).
# Prints the ids of the array job and the merge job on stdout, "ARRAY MERGE"; the job ids and the
# settings are also written to OUT.shards/jobs.env for scripts/slurm/requeue.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: scripts/slurm/submit.sh CONFIG OUT N  (e.g. configs/sweeps/k.json results/sweeps/k 16)"
[ $# -eq 3 ] || { echo "$usage" >&2; exit 2; }
config=$1; out=${2%/}; tasks=$3
cpus=${CPUS_PER_TASK:-2}
[ -f "$config" ] || { echo "submit: config $config does not exist (run from the repository checkout); $usage" >&2; exit 2; }
[[ $tasks =~ ^[1-9][0-9]*$ ]] || { echo "submit: N=$tasks is not a positive number of array tasks; $usage" >&2; exit 2; }
[[ $cpus =~ ^[1-9][0-9]*$ ]] || { echo "submit: CPUS_PER_TASK=$cpus is not a positive number" >&2; exit 2; }
dirclust=${DIRCLUST:-$(command -v dirclust || echo "$PWD/.build/release/dirclust")}
[ -x "$dirclust" ] || { echo "submit: no dirclust binary at $dirclust; build it (make build) or set DIRCLUST" >&2; exit 2; }
runs=$out.shards
mkdir -p "$runs/logs"
export DIRCLUST=$(cd "$(dirname "$dirclust")" && pwd)/$(basename "$dirclust") DIRCLUST_CONFIG=$config DIRCLUST_RUNS=$runs DIRCLUST_OUT=$out
array=$(sbatch --parsable --chdir="$PWD" --array="1-$tasks" --cpus-per-task="$cpus" \
    --output="$runs/logs/%x-%A_%a.log" "$here/sweep.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --chdir="$PWD" --dependency="afterok:$array" --kill-on-invalid-dep=no \
    --output="$runs/logs/%x-%j.log" "$here/merge.sbatch")
merge=${merge%%;*}
printf 'ARRAY=%q\nMERGE=%q\nTASKS=%q\nCPUS_PER_TASK=%q\nDIRCLUST=%q\nDIRCLUST_CONFIG=%q\nDIRCLUST_RUNS=%q\nDIRCLUST_OUT=%q\n' \
    "$array" "$merge" "$tasks" "$cpus" "$DIRCLUST" "$config" "$runs" "$out" > "$runs/jobs.env"
echo "submit: array job $array ($tasks tasks × $cpus CPUs: $config → $runs/shard-<i>), merge job $merge after it → $out; logs in $runs/logs/; watch with: squeue -j $array,$merge" >&2
echo "$array $merge"
