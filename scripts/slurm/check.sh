#!/usr/bin/env bash
# make slurm-check: run a sweep under a real SLURM (Debian 12's 22.05) as a one-node cluster on this
# machine, with the repository's own job scripts, and check the merged result against an unsharded run.
#
#  1. starts munged, slurmctld and slurmd (no systemd) from a slurm.conf written into a temporary folder;
#  2. submits CONFIG with scripts/slurm/submit.sh (array of TASKS tasks + dependent merge job, as in the
#     README), cancels task CANCEL with scancel once it has recorded a scene, requeues it with
#     scripts/slurm/requeue.sh (it must resume: its log says "k resumed") and waits for the merge job;
#  3. runs the same config unsharded, outside SLURM, and requires the merged trials.csv to equal it apart
#     from the fit_seconds column;
#  4. stops every daemon it started, by PID, on success and on failure (trap), and prints PASS/FAIL with
#     the numbers as its last line.
#
# Needs root (slurmd runs jobs as their user and must be root; SlurmUser=root keeps the controller simple).
# Environment: DIRCLUST (the binary; the Makefile passes it), SLURM_CHECK_CONFIG
# (configs/sweeps/slurm-check.json), SLURM_CHECK_TASKS (3), SLURM_CHECK_CPUS (CPUs per task, 1),
# SLURM_CHECK_CANCEL (task to cancel and requeue, 2; 0 = none), SLURM_CHECK_PORT (slurmctld port, 16817;
# slurmd uses the next one — not SLURM's defaults, so a real installation on this host is left alone),
# SLURM_CHECK_TIMEOUT (s to wait for the merge job, 3600), SLURM_CHECK_KEEP=1 keeps the temporary folder after a pass (it is always kept after a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
config=${SLURM_CHECK_CONFIG:-configs/sweeps/slurm-check.json}
tasks=${SLURM_CHECK_TASKS:-3}
cpus=${SLURM_CHECK_CPUS:-1}
cancel=${SLURM_CHECK_CANCEL:-2}
port=${SLURM_CHECK_PORT:-16817}
timeout=${SLURM_CHECK_TIMEOUT:-3600}
dirclust=${DIRCLUST:-$repo/.build/release/dirclust}

say() { echo "slurm-check: $*" >&2; }
verdict=""     # the last line, printed by cleanup after the daemons are stopped
fail() { verdict="FAIL — $*"; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
trap 'failed_at=$LINENO' ERR
# Running, not a zombie (the daemons are this shell's children until `wait` reaps them).
alive() { local st; st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]; }
tmp=""
pids=()        # daemons started here, stopped in reverse order
jobs_ours=()   # job ids submitted here, cancelled before the daemons stop
passed=0
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ ${#jobs_ours[@]} -gt 0 ] && [ -n "$(squeue -h -j "$(IFS=,; echo "${jobs_ours[*]}")" 2>/dev/null)" ]; then
        say "cancelling jobs ${jobs_ours[*]}"
        scancel "${jobs_ours[@]}" 2>/dev/null || true
        for _ in $(seq 30); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 1; done
    fi
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        local pid=${pids[i]}
        alive "$pid" || continue
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 20); do alive "$pid" || break; sleep 0.5; done
        alive "$pid" && { say "pid $pid ignored SIGTERM; SIGKILL"; kill -9 "$pid" 2>/dev/null || true; }
        wait "$pid" 2>/dev/null || true
    done
    [ ${#pids[@]} -gt 0 ] && say "stopped daemons (pids ${pids[*]})"
    if [ "$passed" = 1 ] && [ "${SLURM_CHECK_KEEP:-0}" != 1 ]; then
        rm -rf "$tmp"
    elif [ -n "$tmp" ]; then
        say "kept $tmp (slurm.conf, log/, runs/)"
        if [ "$passed" != 1 ]; then tail -n 5 "$tmp"/log/*.log "$tmp"/runs/*.shards/logs/*.log >&2 2>/dev/null || true; fi
    fi
    [ -n "$verdict" ] || verdict="FAIL — stopped with status $rc${failed_at:+ at scripts/slurm/check.sh line $failed_at}"
    echo "slurm-check: $verdict"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || fail "needs root: slurmd and slurmctld run as root here (run as root or with sudo)"
[ -x "$dirclust" ] || fail "no dirclust binary at $dirclust (make build, or set DIRCLUST)"
[ -f "$config" ] || fail "config $config does not exist"
[ "$cancel" -le "$tasks" ] || fail "SLURM_CHECK_CANCEL=$cancel is not a task of 1-$tasks"
for p in "$port" $((port + 1)); do
    ! ss -ltnH "sport = :$p" 2>/dev/null | grep -q . || fail "port $p is in use (a SLURM already running?); set SLURM_CHECK_PORT"
done

tmp=$(mktemp -d /tmp/dirclust-slurm-check.XXXXXX)
chmod 755 "$tmp"   # munged refuses a socket folder whose parents the munge user cannot search
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/runs"
export SLURM_CONF=$tmp/slurm.conf   # every SLURM command below (and in the repo's scripts) reads this one


# --- munged: our own key, socket and files in $tmp, so a munged already running here is not touched.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$tmp/munge"
chmod 755 "$tmp/munge"   # the socket's folder must be searchable by every job's user
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/munge/munge.socket
setpriv --reuid=munge --regid=munge --init-groups munged --foreground --socket="$socket" \
    --key-file="$tmp/munge/munge.key" --pid-file="$tmp/munge/munged.pid" \
    --log-file="$tmp/munge/munged.log" --seed-file="$tmp/munge/munged.seed" > "$tmp/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do munge -n --socket="$socket" 2>/dev/null | unmunge --socket="$socket" > /dev/null 2>&1 && break; sleep 0.2; done
munge -n --socket="$socket" | unmunge --socket="$socket" > /dev/null || fail "munged did not start (see $tmp/log/munged.out)"

# --- slurm.conf: one node, this host. Each setting and why (tried with Debian 12's 22.05.8 in this container):
host=$(hostname -s)
cat > "$SLURM_CONF" <<CONF
ClusterName=dirclust-check
# Controller and the one compute node are this host; slurmd finds its NodeName by matching hostname -s.
SlurmctldHost=$host
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
# Not SLURM's default ports (6817/6818): a real installation on the host keeps working.
SlurmctldPort=$port
SlurmdPort=$((port + 1))
# The controller runs as root (the default, written out), so it can write its state into the temporary
# folder without a slurm user owning it.
SlurmUser=root
# Our munged: its socket, not /run/munge's (AuthInfo socket= is read by the daemons and the clients).
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
# Everything the daemons write lives in the temporary folder (Debian's /var/spool/slurmctld etc. untouched).
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
# Track a job's processes by parent PID. The default proctrack/cgroup needs a cgroup freezer hierarchy;
# here every batch step aborted with "cgroup namespace 'freezer' not mounted", the job ended without
# running, and the node was drained ("batch job complete failure").
ProctrackType=proctrack/linuxproc
# No CPU binding or cgroup confinement (the default, written out: task/cgroup needs cgroups as above);
# sweep.sbatch passes --jobs \$SLURM_CPUS_PER_TASK, so a task keeps to its share by running that many
# scenes at once.
TaskPlugin=task/none
# No per-task accounting samples (the default, written out): nothing reads them here (no slurmdbd), and
# jobacct_gather/cgroup would need cgroups as above.
JobAcctGatherType=jobacct_gather/none
# Allocate single CPUs: the default select/linear gives each job a whole node, so array tasks would run
# one after another; cons_tres' own default CR_Core_Memory would also count memory, which needs
# RealMemory on the node and --mem on every job. With CR_CPU two one-CPU tasks share the 2-CPU node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# A node set DOWN (e.g. not responding while slurmd starts on a loaded machine) returns to service as soon
# as its slurmd registers with a valid configuration, instead of waiting for an administrator (the
# default 0). Not needed on a clean start; it keeps a slow start from hanging the check.
ReturnToService=2
# Keep finished jobs in memory for the whole check (default 300 s), so their states can be read.
MinJobAge=3600
CONF

# --- slurmctld and slurmd in the foreground of a background shell job: their PIDs are known at once.
slurmctld -D -f "$SLURM_CONF" > "$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do scontrol ping 2>/dev/null | grep -q "is UP" && break; sleep 0.2; done
scontrol ping | grep -q "is UP" || fail "slurmctld did not come up (see $tmp/log/slurmctld.log)"
slurmd -D -f "$SLURM_CONF" > "$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ "$(sinfo -h -n "$host" -o %T 2>/dev/null)" = idle ] && break; sleep 0.2; done
[ "$(sinfo -h -n "$host" -o %T)" = idle ] || fail "node $host is not idle: $(sinfo -h -N -o '%N %T %E') (see $tmp/log/slurmd.log)"
say "SLURM $(sinfo -V | cut -d' ' -f2) up on $host ($(nproc) CPUs): munged, slurmctld, slurmd = pids ${pids[*]}; conf $SLURM_CONF"

# --- the sweep, submitted exactly as the README says.
out=$tmp/runs/merged
runs=$out.shards
t0=$(now_ms)
read -r array merge < <(CPUS_PER_TASK=$cpus DIRCLUST=$dirclust scripts/slurm/submit.sh "$config" "$out" "$tasks")
jobs_ours+=("$array" "$merge")

state() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1 || true; }
scenes_in() { [ -f "$1" ] && tail -n +2 "$1" | cut -d, -f1 | sort -u | wc -l || echo 0; }

resumed_at=0
if [ "$cancel" != 0 ]; then
    task=${array}_$cancel
    csv=$runs/shard-$cancel/trials.csv
    # Wait until the task has recorded at least one scene, then cancel it mid-run.
    for _ in $(seq 3600); do
        [ "$(state "$task")" = RUNNING ] && [ "$(scenes_in "$csv")" -ge 1 ] && break
        case $(state "$task") in COMPLETED|FAILED|CANCELLED|TIMEOUT) fail "task $task ended ($(state "$task")) before it could be cancelled mid-run";; esac
        sleep 0.5
    done
    scancel "$task"
    for _ in $(seq 120); do [ "$(state "$task")" = CANCELLED ] && [ -z "$(squeue -h -j "$task")" ] && break; sleep 0.5; done
    [ "$(state "$task")" = CANCELLED ] || fail "task $task did not end CANCELLED after scancel (state $(state "$task"))"
    resumed_at=$(scenes_in "$csv")
    say "cancelled task $task with $resumed_at scene(s) in $csv; requeueing it"
    merge=$(scripts/slurm/requeue.sh "$out" "$cancel")
    jobs_ours+=("$merge")
fi

# --- wait for the merge job (it runs after every task succeeded); a failed task fails the check at once.
ended="FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|BOOT_FAIL|DEADLINE|PREEMPTED"
deadline=$(($(now_ms) + timeout * 1000))
until [[ $(state "$merge") =~ ^(COMPLETED|$ended)$ ]]; do
    for i in $(seq "$tasks"); do
        task_state=$(state "${array}_$i")
        [[ ! $task_state =~ ^($ended)$ ]] || fail "array task ${array}_$i ended $task_state; its log $runs/logs/dirclust-sweep-${array}_$i.log ends: $(tail -n 1 "$runs/logs/dirclust-sweep-${array}_$i.log" 2>/dev/null)"
    done
    [ "$(now_ms)" -lt "$deadline" ] || fail "the sweep did not finish within SLURM_CHECK_TIMEOUT=$timeout s (squeue: $(squeue -h -o '%i %T %r' | tr '\n' ';'))"
    sleep 1
done
slurm_wall=$(seconds_since "$t0")
[ "$(state "$merge")" = COMPLETED ] || fail "merge job $merge ended $(state "$merge") (see $runs/logs/)"
for i in $(seq "$tasks"); do
    [ "$(state "${array}_$i")" = COMPLETED ] || fail "array task ${array}_$i ended $(state "${array}_$i")"
done
[ -f "$out/trials.csv" ] || fail "the merge job wrote no $out/trials.csv"
if [ "$cancel" != 0 ]; then
    log=$runs/logs/dirclust-sweep-${array}_$cancel.log
    line=$(grep "^dirclust: .* resumed)" "$log" | tail -1 || true)
    [[ $line =~ \(([0-9]+)\ scenes\ run,\ ([0-9]+)\ resumed\) ]] || fail "no final line in $log"
    [ "${BASH_REMATCH[2]}" = "$resumed_at" ] && [ "${BASH_REMATCH[1]}" -ge 1 ] \
        || fail "requeued task $cancel resumed ${BASH_REMATCH[2]} scenes and ran ${BASH_REMATCH[1]}; expected $resumed_at resumed and at least 1 run"
    resume_note="task $cancel cancelled after $resumed_at scene(s), requeued: resumed $resumed_at, ran ${BASH_REMATCH[1]}; "
fi

# --- the same config unsharded, outside SLURM, as the reference.
say "array + merge done in $slurm_wall s; running the unsharded reference"
t2=$(now_ms)
"$dirclust" run --config "$config" --out "$tmp/runs/whole" --jobs "$(nproc)" --quiet > "$tmp/log/whole.out"
whole_wall=$(seconds_since "$t2")

# trials.csv without its fit_seconds column (the one column that differs between identical runs).
without_fit() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "fit_seconds") c = i; if (!c) exit 1 }
                         { o = ""; sep = ""; for (i = 1; i <= NF; i++) if (i != c) { o = o sep $i; sep = "," }; print o }' "$1"; }
if ! diff <(without_fit "$tmp/runs/whole/trials.csv") <(without_fit "$out/trials.csv") > "$tmp/log/trials.diff"; then
    fail "merged trials.csv differs from the unsharded run's (apart from fit_seconds): $(grep -c '^[<>]' "$tmp/log/trials.diff") lines, see $tmp/log/trials.diff"
fi
trials=$(($(wc -l < "$out/trials.csv") - 1))
scenes=$(scenes_in "$out/trials.csv")
passed=1
verdict=$(printf 'PASS — SLURM %s, %s: %d array tasks × %d CPU(s), %d scenes, %d trials; %sarray + merge %s s wall under SLURM, unsharded %s s (%d CPUs); merged trials.csv identical to the unsharded run apart from fit_seconds' \
    "$(sinfo -V | cut -d' ' -f2)" "$config" "$tasks" "$cpus" "$scenes" "$trials" "${resume_note:-}" "$slurm_wall" "$whole_wall" "$(nproc)")
