#!/usr/bin/env bash
# One render-farm task of a long shot (docs/farm.md): `autoroto sky` over one chunk of frames, run on
# past the chunk's end by `overlap` frames (0 is enough: `autoroto sky` warms each range's stabiliser
# up on the frames before it, its --preroll). The part is named by its first frame, zero-padded, so
# `part-*` globs in frame order.
#
#   farm-chunk.sh <input> <first> <last> <chunk-start> <chunk-end> <overlap> <parts-dir> [sky options...]
#
# first/last: the frames of the shot being processed; chunk-start/chunk-end: this task's frames (0-based,
# inclusive, as the farm manager hands them out). AUTOROTO overrides the command that runs autoroto
# (default: this checkout's bin/autoroto.js).
set -euo pipefail

if (( $# < 7 )); then
  echo "usage: farm-chunk.sh <input> <first> <last> <chunk-start> <chunk-end> <overlap> <parts-dir> [sky options...]" >&2
  exit 2
fi
input=$1 first=$2 last=$3 start=$4 end=$5 overlap=$6 parts=$7
shift 7
for value in "$first" "$last" "$start" "$end" "$overlap"; do
  [[ $value =~ ^[0-9]+$ ]] || { echo "farm-chunk: '$value' is not a frame number" >&2; exit 2; }
done
if (( start < first || end > last || start > end )); then
  echo "farm-chunk: chunk $start-$end is not inside the shot's frames $first-$last" >&2
  exit 2
fi

# The previous chunk ends at start - 1 and runs on to start - 1 + overlap: a last chunk that short
# is already covered, and a part inside another part's overlap would only make merge's work harder.
if (( start > first && start - 1 + overlap >= last )); then
  echo "farm-chunk: frames $start-$end lie inside the previous chunk's overlap; nothing to do" >&2
  exit 0
fi

to=$(( end + overlap < last ? end + overlap : last ))
part=$(printf '%s/part-%06d' "$parts" "$start")
if [[ -n ${AUTOROTO:-} ]]; then
  read -ra autoroto <<<"$AUTOROTO"
else
  autoroto=(node "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/autoroto.js")
fi
exec "${autoroto[@]}" sky "$input" --frames "$start-$to" --out "$part" "$@"
