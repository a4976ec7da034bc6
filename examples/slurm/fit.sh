#!/bin/bash
# bn1d fit on a Slurm cluster: plan here, one map per shard as a job array,
# then the fold once the whole array has succeeded.
#
#   fit.sh -k SHARDS -s STATE [-d DIR] [-p 'PLAN FLAGS'] [-f 'FOLD FLAGS'] [-w] INPUT...
#
#   -k  shards (bn1d plan --shards)          -s  state file to write
#   -d  the run's folder, on a filesystem every node sees (default: ./bn1d-run)
#   -p  flags for bn1d plan (-b, -c, -x, --nan)
#   -f  flags for bn1d fold (-m, --eps, --no-affine, -e, --drop-last, --resume)
#   -w  wait for the fold and exit with its status (else print how to wait)
#
# The inputs must be readable at the same paths from every node. BN1D is the
# bn1d command (default: bn1d on PATH), exported to the jobs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: fit.sh -k SHARDS -s STATE [-d DIR] [-p 'PLAN FLAGS'] [-f 'FOLD FLAGS'] [-w] INPUT..." >&2; exit 2; }
shards='' state='' dir=bn1d-run plan_flags='' fold_flags='' wait=no
while getopts 'k:s:d:p:f:w' opt; do
  case $opt in
    k) shards=$OPTARG ;; s) state=$OPTARG ;; d) dir=$OPTARG ;;
    p) plan_flags=$OPTARG ;; f) fold_flags=$OPTARG ;; w) wait=yes ;; *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ -n $shards && -n $state && $# -gt 0 ]] || usage
bn1d=${BN1D:-bn1d}
state=$(realpath -m "$state")
mkdir -p "$dir/moments" "$dir/logs"
dir=$(realpath "$dir")
rm -f "$dir"/moments/*.parquet "$dir"/logs/*.out  # moments of an earlier plan would not fold with these
# shellcheck disable=SC2086 # the flags are words
$bn1d plan "$@" $plan_flags --shards "$shards" -o "$dir/plan.json" -q
# The plan may have fewer shards than asked (never more than batches): one line per shard.
count=$(grep -c '^    {"shard":' "$dir/plan.json")
array=$(sbatch --parsable --chdir="$dir" --array="0-$((count - 1))" "$here/map.sbatch")
array=${array%%;*}
echo "fit.sh: map array job $array: $count shards (logs in $dir/logs)" >&2
opts=(--parsable --chdir="$dir" --dependency="afterok:$array" --kill-on-invalid-dep=yes)
if [[ $wait == no ]]; then
  # shellcheck disable=SC2086
  job=$(sbatch "${opts[@]}" "$here/fold.sbatch" -s "$state" $fold_flags)
  job=${job%%;*}
  echo "fit.sh: fold job $job runs once $array has succeeded; to wait: while squeue -h -j $job | grep -q .; do sleep 5; done; cat $dir/logs/fold-$job.out" >&2
  exit 0
fi
# A failed map cancels the fold (--kill-on-invalid-dep), and sbatch --wait then exits 0 as if it had
# run (Slurm 22.05), so success is also a state newer than the plan.
# shellcheck disable=SC2086
if ! sbatch --wait "${opts[@]}" "$here/fold.sbatch" -s "$state" $fold_flags >/dev/null || [[ ! $state -nt $dir/plan.json ]]; then
  echo "fit.sh: the fit failed, no state written; the jobs' logs say:" >&2
  grep -H . "$dir"/logs/*.out >&2 || true
  exit 1
fi
echo "fit.sh: $count shards mapped and folded into $state" >&2
