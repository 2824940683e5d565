"""Validation numbers, defined as src/core/metrics.ts defines them for the shipped pipeline.

Per source set, summed over its images: IoU of sky (void pixels left out) and boundary F1 within 2 px
(a boundary pixel is a sky pixel with a 4-neighbour that is not sky, the frame's border not counting;
boundary pixels within 2 px of void are left out, since the true edge lies somewhere in the void band).
"""
import numpy as np
import torch
import torch.nn.functional as F

from working_size import working_size

TOLERANCE = 2


def boundary(mask):
    m = F.pad(mask.float()[None, None], (1, 1, 1, 1), mode='replicate')[0, 0] > 0.5
    outside = ~m[:-2, 1:-1] | ~m[2:, 1:-1] | ~m[1:-1, :-2] | ~m[1:-1, 2:]
    return mask & outside


def dilate(mask, radius):
    """Pixels within Euclidean distance `radius` of the set."""
    r = torch.arange(-radius, radius + 1, dtype=torch.float32)
    disk = ((r[:, None] ** 2 + r[None, :] ** 2) <= radius * radius).float()
    return F.conv2d(mask.float()[None, None], disk[None, None], padding=radius)[0, 0] > 0


def predict(net, image):
    """RGB uint8 HxWx3 -> sky probability HxW at full size (network at working size, bilinear up)."""
    h, w = image.shape[:2]
    ww, wh = working_size(w, h)
    x = torch.from_numpy(image.astype(np.float32) / 255).permute(2, 0, 1)[None]
    x = F.interpolate(x, size=(wh, ww), mode='area' if ww < w else 'bilinear')
    with torch.no_grad():
        p = net(x.to(next(net.parameters()).device).contiguous(memory_format=torch.channels_last)).cpu()
    return F.interpolate(p, size=(h, w), mode='bilinear', align_corners=False)[0, 0]


class Score:
    def __init__(self):
        self.inter = self.union = self.tp_pred = self.n_pred = self.tp_gt = self.n_gt = 0

    def add(self, pred, truth, known):
        self.inter += int((pred & truth & known).sum())
        self.union += int(((pred | truth) & known).sum())
        near_void = dilate(~known, TOLERANCE)
        bp, bt = boundary(pred) & ~near_void, boundary(truth) & ~near_void
        self.tp_pred += int((bp & dilate(bt, TOLERANCE)).sum())
        self.n_pred += int(bp.sum())
        self.tp_gt += int((bt & dilate(bp, TOLERANCE)).sum())
        self.n_gt += int(bt.sum())

    def result(self):
        iou = self.inter / self.union if self.union else 1.0
        precision = self.tp_pred / self.n_pred if self.n_pred else 1.0
        recall = self.tp_gt / self.n_gt if self.n_gt else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return dict(iou=iou, f1=f1, precision=precision, recall=recall)


def evaluate(net, samples):
    net.eval()
    scores = {}
    for s in samples:
        prob = predict(net, s.image)
        scores.setdefault(s.set_name, Score()).add(prob > 0.5, torch.from_numpy(s.sky > 0.5), torch.from_numpy(s.weight > 0))
    return {k: v.result() for k, v in sorted(scores.items())}
