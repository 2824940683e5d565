"""The labelled images of ../shared/data, loaded once, with the fixed validation split.

The split lives in training/split.csv (committed) so training, the model card and the TypeScript
evaluation all hold out the same images. `python3 training/dataset.py` rewrites it from the rule below;
the rule is deterministic, so rewriting never moves an image across the split.
"""
import csv
import hashlib
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# AUTOROTO_DATA points elsewhere, e.g. at a copy carried to a GPU machine.
DATA = os.environ.get('AUTOROTO_DATA') or os.path.normpath(os.path.join(HERE, '..', '..', 'shared', 'data'))
SPLIT_CSV = os.path.join(HERE, 'split.csv')
SETS = ('ade20k_sky', 'camvid', 'horizon_uav')


def _stable_fraction(key):
    """A number in [0, 1) fixed by the key (not by Python's salted hash)."""
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) / 2 ** 32


def _rule(set_name, row):
    if set_name == 'camvid':
        # The SegNet tutorial's own test split: other frames of the same drives, one per second.
        return 'val' if row['split'] == 'test' else 'train'
    if set_name == 'horizon_uav':
        # Whole clips on one side, so no near-duplicate frame leaks across.
        return 'val' if _stable_fraction(row['sequence']) < 0.2 else 'train'
    return None  # ADE20K: decided over the whole set, see _ade_val


def _ade_val(rows):
    # A quarter of this small, varied set, stratified: a quarter of the scenes with sky and a
    # quarter of those without, each the lowest hashes.
    val = set()
    for has_sky in (True, False):
        names = sorted((r['name'] for r in rows if (float(r['sky_frac']) > 0) == has_sky), key=_stable_fraction)
        val.update(names[:len(names) // 4])
    return val


def write_split():
    with open(SPLIT_CSV, 'w', newline='') as out:
        writer = csv.writer(out, lineterminator='\n')
        writer.writerow(['set', 'name', 'split'])
        for set_name in SETS:
            with open(os.path.join(DATA, set_name, 'manifest.csv')) as f:
                rows = list(csv.DictReader(f))
            ade_val = _ade_val(rows) if set_name == 'ade20k_sky' else set()
            for row in rows:
                split = _rule(set_name, row) or ('val' if row['name'] in ade_val else 'train')
                writer.writerow([set_name, row['name'], split])


def read_split():
    with open(SPLIT_CSV) as f:
        return [(r['set'], r['name'], r['split']) for r in csv.DictReader(f)]


class Sample:
    """One labelled image: RGB uint8 HxWx3, sky in [0, 1] HxW float32, weight HxW (0 = ignore)."""

    def __init__(self, set_name, name):
        root = os.path.join(DATA, set_name)
        self.set_name, self.name = set_name, name
        self.image = np.asarray(Image.open(os.path.join(root, 'images', name + '.jpg')).convert('RGB'))
        self.sky = (np.asarray(Image.open(os.path.join(root, 'masks', name + '.png')).convert('L')) > 127).astype(np.float32)
        self.weight = np.ones_like(self.sky)
        void_path = os.path.join(root, 'void', name + '.png')
        if os.path.exists(void_path):
            self.weight[np.asarray(Image.open(void_path).convert('L')) > 127] = 0


def load(split):
    return [Sample(s, n) for s, n, sp in read_split() if sp == split]


if __name__ == '__main__':
    write_split()
    rows = read_split()
    for set_name in SETS:
        counts = {sp: sum(1 for s, _, x in rows if s == set_name and x == sp) for sp in ('train', 'val')}
        print(set_name, counts)
