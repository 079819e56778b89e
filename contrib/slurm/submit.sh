#!/usr/bin/env bash
# Submits an effectchain sweep to Slurm: a job array of N shards
# (sweep-array.sbatch) and a merge (merge.sbatch) that starts once every
# shard has succeeded.
#
#   contrib/slurm/submit.sh SWEEP N [OUT]
#
# SWEEP  the sweep file, as a path from the folder you submit from
# N      the number of shards (array tasks), at most the sweep's points
# OUT    the folder of everything: OUT/shard-I-of-N/ (one per task),
#        OUT/logs/ (Slurm's output) and OUT/merged/ (the result);
#        default output/<sweep file name without .toml>
#
# Run it again, unchanged, after anything went wrong (a task cancelled,
# timed out, preempted or failed; the merge cancelled): finished shards
# exit at once, interrupted ones continue where they stopped, the merge
# runs once all are finished. To submit only some tasks (the list that
# `effectchain merge --status OUT` prints), set ARRAY, such as ARRAY=2,4.
# Slurm options for both jobs (partition, account, time limit) go in
# sbatch's own environment variables: SBATCH_PARTITION, SBATCH_ACCOUNT,
# SBATCH_TIMELIMIT; the CPUs per shard are set in sweep-array.sbatch.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 SWEEP N [OUT]" >&2
    exit 2
fi
sweep=$1
n=$2
name=$(basename "$sweep")
out=${3:-output/${name%.toml}}
case $n in
    '' | *[!0-9]* | 0)
        echo "$0: N: expected a whole number of shards from 1, found \`$n\`" >&2
        exit 2
        ;;
esac
if [ ! -f "$sweep" ]; then
    echo "$0: SWEEP: \`$sweep\` is not a file (give the path from this folder)" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)

# Slurm does not create the folder of a job's output file.
mkdir -p "$out/logs"
array=$(sbatch --parsable --array="${ARRAY:-1-$n}" \
    --output="$out/logs/shard-%a-job-%A.out" \
    "$here/sweep-array.sbatch" "$sweep" "$n" "$out")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" \
    --output="$out/logs/merge-job-%j.out" \
    "$here/merge.sbatch" "$sweep" "$out")
merge=${merge%%;*}
echo "submitted: array job $array (shards ${ARRAY:-1-$n} of $n), merge job $merge"
echo "progress:  effectchain merge --status $out"
echo "result:    $out/merged/points.csv (logs in $out/logs/)"
