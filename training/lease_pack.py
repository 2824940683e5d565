"""Pack what a time-boxed GPU fine-tune needs into .gpudata/ (git-ignored), for the device machine.

    python3 training/lease_pack.py training/checkpoints/last.pt   # starting weights
    # then, on the device machine, with .gpudata carried:  bash training/lease_run.sh 8 [train.py options]

The machine gets the checkout and at most 64 MiB, not ../shared/data: CamVid and Horizon-UAV images are
re-encoded at JPEG quality 92 (ADE20K's are copied as they are), masks and void copied, so it fits.
"""
import os
import shutil
import sys

import torch
from PIL import Image

from dataset import DATA, SETS, HERE

PACK = os.path.join(HERE, '..', '.gpudata')


def pack_data(out):
    for set_name in SETS:
        src, dst = os.path.join(DATA, set_name), os.path.join(out, set_name)
        for sub in ('masks', 'void'):
            if os.path.isdir(os.path.join(src, sub)):
                shutil.copytree(os.path.join(src, sub), os.path.join(dst, sub))
        shutil.copy(os.path.join(src, 'manifest.csv'), dst)
        os.makedirs(os.path.join(dst, 'images'))
        for name in os.listdir(os.path.join(src, 'images')):
            source, target = os.path.join(src, 'images', name), os.path.join(dst, 'images', name)
            if set_name == 'ade20k_sky':
                shutil.copy(source, target)
            else:
                Image.open(source).save(target, quality=92)


if __name__ == '__main__':
    shutil.rmtree(PACK, ignore_errors=True)
    pack_data(os.path.join(PACK, 'data'))
    weights = torch.load(sys.argv[1], map_location='cpu')['model']
    torch.save(dict(model=weights), os.path.join(PACK, 'init.pt'))
    print('packed', PACK)
