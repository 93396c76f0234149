#!/usr/bin/env bash
# Rerun failed or cancelled tasks of a sweep submitted by scripts/slurm/submit.sh, then let the merge wait
# for them:
#
#   scripts/slurm/requeue.sh OUT TASK [TASK ...]     e.g. scripts/slurm/requeue.sh results/sweeps/k 2 7
#
# `scontrol requeue` puts each task back in the queue as the same array task (same SLURM_ARRAY_TASK_*,
# hence the same shard); it resumes from OUT.shards/shard-<task>/trials.csv and redoes only the scenes
# that are not there. SLURM holds a requeued job back for AuthInfo's cred_expire (120 s by default); we
# ask it to start now. A merge job that is still pending (its afterok on the array can no longer be met
# once a task failed) is pointed at the requeued tasks and the array's unfinished ones; if it is gone, a
# new merge job is submitted with that dependency.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: scripts/slurm/requeue.sh OUT TASK [TASK ...]  (OUT as given to submit.sh)" >&2; exit 2; }
out=${1%/}; shift
env_file=$out.shards/jobs.env
[ -f "$env_file" ] || { echo "requeue: $env_file is missing; expected the OUT given to scripts/slurm/submit.sh" >&2; exit 2; }
# shellcheck disable=SC1090
. "$env_file"
waits=()
for task in "$@"; do
    [[ $task =~ ^[0-9]+$ ]] && [ "$task" -ge 1 ] && [ "$task" -le "$TASKS" ] || { echo "requeue: task $task is not one of 1-$TASKS" >&2; exit 2; }
    scontrol requeue "${ARRAY}_$task"
    scontrol update JobId="${ARRAY}_$task" StartTime=now 2>/dev/null \
        || echo "requeue: task $task starts after SLURM's requeue delay (AuthInfo cred_expire, 120 s by default)" >&2
    waits+=("${ARRAY}_$task")
done
# Tasks of the array still pending or running (squeue -r lists them one by one).
while read -r id; do
    [[ " ${waits[*]} " == *" $id "* ]] || waits+=("$id")
done < <(squeue -h -r -j "$ARRAY" -o %i)
dependency=afterok:$(IFS=:; echo "${waits[*]}")
if [ "$(squeue -h -j "$MERGE" -o %T 2>/dev/null)" = PENDING ]; then
    scontrol update JobId="$MERGE" Dependency="$dependency"
    echo "requeue: tasks $* of array $ARRAY requeued; merge job $MERGE now waits for ${waits[*]}" >&2
else
    export DIRCLUST DIRCLUST_CONFIG DIRCLUST_RUNS DIRCLUST_OUT
    MERGE=$(sbatch --parsable --chdir="$PWD" --dependency="$dependency" --kill-on-invalid-dep=no \
        --output="$DIRCLUST_RUNS/logs/%x-%j.log" "$here/merge.sbatch")
    MERGE=${MERGE%%;*}
    sed -i "s/^MERGE=.*/MERGE=$MERGE/" "$env_file"
    echo "requeue: tasks $* of array $ARRAY requeued; new merge job $MERGE waits for ${waits[*]}" >&2
fi
echo "$MERGE"
