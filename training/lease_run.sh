#!/bin/bash
# One time-boxed fine-tune on the GPU machine, from .gpudata/ (training/lease_pack.py); it returns in $OUT
# the log and the weights of every validation (step-N.pt; Debian torch 1.13 reads them), split into pieces under 16 MiB:
#   bash training/lease_run.sh MINUTES [more train.py options]
MINUTES=${1:-8}
CK=${CK:-/tmp/ck}
nvidia-smi -L; nproc; python3 -c "import torch; print(torch.__version__, torch.cuda.is_available())"
export AUTOROTO_DATA=$PWD/.gpudata/data PYTHONUNBUFFERED=1
python3 training/train.py --device ${DEVICE:-cuda} --workers ${WORKERS:-14} --batch 48 --pairs 8 --threads 2 \
  --steps 100000 --minutes $MINUTES --val-every ${VAL_EVERY:-1000} --init .gpudata/init.pt --keep --out $CK "${@:2}" 2>&1 | tee $OUT/train.log
cp $CK/log.tsv $OUT/log.tsv
cd $CK && tar cf - step-*.pt | split -b 15M - $OUT/snaps.tar.
ls -la $OUT
