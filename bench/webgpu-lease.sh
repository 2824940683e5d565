#!/bin/bash
# The WebGPU benchmark (bench/webgpu-child.ts) on a GPU machine lent through the `device` tool: this
# working tree against a base commit, in one call, since timings compare only on the same machine.
#
#   bash bench/webgpu-lease.sh pack [BASE]   # here: .gpubench/bench.tar.xz (git-ignored), BASE = HEAD unless named
#   bash bench/webgpu-lease.sh run [FLAGS]   # there, carrying .gpubench (and .gl: see below); FLAGS go to the
#                                            # child, e.g. --frames 48 --runs 50 or --size 3840x2160
#   node --import tsx bench/webgpu.ts --rows /work/.device/N/*.json   # here: the results as tables
#
# `run` times the working tree, the base, then the working tree again (a machine that drifts shows as
# two different "new" runs), each into $OUT/{new-1,base,new-2}.json. The machine has no Node (the pack
# brings this one) and may lack the Vulkan and GL loaders: where a folder .gl holds their Debian
# packages (see the device tool's README), `run` unpacks them first.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
pack)
  base=${2:-HEAD}
  tmp=$(mktemp -d)
  # The base's checkout sits beside this one, where the benchmark finds ../shared/data.
  worktree=$(dirname "$PWD")/.webgpu-lease-base
  trap 'git worktree remove --force "$worktree" 2>/dev/null || true; rm -rf "$tmp"' EXIT
  node --import tsx bench/webgpu.ts --pack "$tmp/pack" --node > /dev/null
  mv "$tmp/pack/child.mjs" "$tmp/pack/child-new.mjs"
  git worktree add -q -f --detach "$worktree" "$base"
  ln -s "$PWD/node_modules" "$worktree/node_modules"
  (cd "$worktree" && node --import tsx bench/webgpu.ts --pack "$tmp/base-pack" > /dev/null)
  cp "$tmp/base-pack/child.mjs" "$tmp/pack/child-base.mjs"
  mkdir -p .gpubench
  tar -C "$tmp/pack" -cJf .gpubench/bench.tar.xz .
  echo "packed .gpubench/bench.tar.xz: this tree against $(git rev-parse --short "$base")"
  ;;
run)
  shift
  if [ -d .gl ]; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  export VK_DRIVER_FILES=${VK_DRIVER_FILES:-/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json}
  export __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json}
  nvidia-smi -L || true
  dir=$(mktemp -d)
  tar -xJf .gpubench/bench.tar.xz -C "$dir"
  for run in new-1:new base:base new-2:new; do
    cp "$dir/child-${run#*:}.mjs" "$dir/child.mjs"
    start=$(date +%s)
    sh "$dir/run.sh" "$@" > "$OUT/${run%%:*}.json" 2> "$OUT/${run%%:*}.err" || echo "${run%%:*} failed: see ${run%%:*}.err"
    echo "${run%%:*}: $(($(date +%s) - start)) s"
  done
  ;;
*)
  echo "usage: bash bench/webgpu-lease.sh pack [BASE] | run [child flags]" >&2
  exit 2
  ;;
esac
