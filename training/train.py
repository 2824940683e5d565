"""Train SkyNet on ../shared/data. One command, fixed seeds, resumable:

    python3 training/train.py --steps 5000          # checkpoints in training/checkpoints/
    python3 training/train.py --steps 5000 --resume # carries on from last.pt

On a GPU machine (a time-boxed lease), fine-tuning from a checkpoint with views made by CPU workers:

    python3 training/train.py --device cuda --workers 14 --batch 48 --pairs 8 --minutes 8 --init ckpt.pt --keep

Logs one line per 50 steps (loss terms) and per validation (IoU and boundary F1 per source set) to
stdout and training/checkpoints/log.tsv; keeps last.pt and best.pt (best mean validation IoU), and with
--keep a weights-only step-N.pt at every validation (the model card's numbers come from the TypeScript
pipeline, which may prefer another snapshot than the Python validation does).
"""
import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from augment import camera_move, compose, cumulus, look, real_sky, render, sky_strip, synthetic_sky, view_map, warp  # noqa: E402
from dataset import SETS, load  # noqa: E402
from evaluate import evaluate  # noqa: E402
from model import SkyNet  # noqa: E402

CROP = 256
# How often each set is drawn, per image: ADE20K is small and the most varied; CamVid is three drives.
SET_RATE = {'ade20k_sky': 4.0, 'camvid': 0.7, 'horizon_uav': 1.0}
# Extra loss weight within 3 px of the sky border. Horizon-UAV's polygons are coarse there: less weight.
BORDER_WEIGHT = {'ade20k_sky': 3.0, 'camvid': 3.0, 'horizon_uav': -0.7}


def as_tensors(sample):
    image = torch.from_numpy(sample.image.astype(np.float32) / 255).permute(2, 0, 1).contiguous()
    return image, torch.from_numpy(sample.sky), torch.from_numpy(sample.weight)


def border_band(sky, radius=3):
    hard = (sky > 0.5).float()[:, None]
    k = 2 * radius + 1
    grown = F.max_pool2d(hard, k, 1, radius)
    shrunk = -F.max_pool2d(-hard, k, 1, radius)
    return (grown - shrunk)[:, 0]


class Batches:
    def __init__(self, samples, batch, pairs, seed, clouds=0.0):
        self.samples, self.clouds = samples, clouds
        self.tensors = [as_tensors(s) for s in samples]
        rates = np.array([SET_RATE[s.set_name] for s in samples])
        self.p = rates / rates.sum()
        self.batch, self.pairs = batch, pairs
        self.rng = random.Random(seed)
        self.np_rng = np.random.default_rng(seed)
        self.sky_strips = [t for t in (sky_strip(*ts) for ts in self.tensors) if t is not None]

    def view(self, index, matrix, style):
        image, sky, weight = self.tensors[index]
        rgb, label, valid = warp((image, sky, weight), matrix, CROP)
        sky = style['new_sky'] if style.get('new_sky') is not None else rgb
        if style.get('clouds') is not None:
            colour, cover = style['clouds']
            sky = sky * (1 - cover) + colour * cover
        if sky is not rgb:
            rgb = label * sky + (1 - label) * rgb
        rgb = render(rgb, style, self.rng)
        border = 1 + BORDER_WEIGHT[self.samples[index].set_name] * border_band(label[None])[0]
        return rgb, label, valid * border

    def next(self):
        """`batch` single views, then `pairs` temporal pairs (first frames, then their second frames)."""
        picks = self.np_rng.choice(len(self.samples), self.batch + self.pairs, p=self.p)
        views, moves = [], []
        seconds = []
        for n, index in enumerate(picks):
            h, w = self.samples[index].sky.shape
            matrix = view_map(h, w, CROP, self.rng)
            style = look(self.rng)
            if self.samples[index].sky.mean() > 0.02:
                swap = self.rng.random()
                if swap < 0.1:
                    style['new_sky'] = synthetic_sky(CROP, self.rng)
                elif swap < 0.25:
                    style['new_sky'] = real_sky(self.rng.choice(self.sky_strips), CROP, self.rng)
                if self.rng.random() < self.clouds:
                    style['clouds'] = cumulus(CROP, self.rng)
            views.append(self.view(index, matrix, style))
            if n >= self.batch:
                move = camera_move(CROP, self.rng)
                seconds.append(self.view(index, compose(matrix, move), style))
                moves.append(move)
        views += seconds
        rgb, label, weight = (torch.stack(t) for t in zip(*views))
        return rgb.contiguous(memory_format=torch.channels_last), label, weight, moves


class BatchStream(torch.utils.data.IterableDataset):
    """Endless batches, made here or in DataLoader worker processes, each worker with its own seed.

    Making views (warps, colour, JPEG) costs more CPU time than a GPU step, so on a GPU machine
    they are made in parallel; the order is still fixed by the seed and the number of workers.
    """

    def __init__(self, samples, batch, pairs, seed, clouds):
        super().__init__()
        self.samples, self.batch, self.pairs, self.seed, self.clouds = samples, batch, pairs, seed, clouds

    def __iter__(self):
        worker = torch.utils.data.get_worker_info()
        if worker:
            torch.set_num_threads(1)  # many workers share the cores
        batches = Batches(self.samples, self.batch, self.pairs, self.seed + 7919 * (worker.id + 1 if worker else 0), self.clouds)
        while True:
            yield batches.next()


def batch_source(samples, args, seed):
    """Endless batches: made in this process, or with --workers in that many worker processes."""
    stream = BatchStream(samples, args.batch, args.pairs, seed, args.clouds)
    if not args.workers:
        return iter(stream)
    return iter(torch.utils.data.DataLoader(stream, batch_size=None, num_workers=args.workers, pin_memory=args.device != 'cpu',
                                            prefetch_factor=4, persistent_workers=True))


def temporal_loss(prob, moves, batch, pairs):
    """Second frame at q shows what the first showed at move(q): predictions there must agree."""
    if not pairs:
        return prob.new_zeros(())
    first, second = prob[batch:batch + pairs], prob[batch + pairs:]
    grids = []
    for move in moves:
        ys, xs = torch.meshgrid(torch.arange(CROP) + 0.5, torch.arange(CROP) + 0.5, indexing='ij')
        m = torch.as_tensor(move, dtype=torch.float32)
        gx = (m[0, 0] * xs + m[0, 1] * ys + m[0, 2]) / CROP * 2 - 1
        gy = (m[1, 0] * xs + m[1, 1] * ys + m[1, 2]) / CROP * 2 - 1
        grids.append(torch.stack([gx, gy], -1))
    g = torch.stack(grids).to(prob.device)
    carried = F.grid_sample(first, g, 'bilinear', 'zeros', align_corners=False)
    inside = ((g.abs() < 0.98).all(-1)).float()[:, None]
    return ((carried - second).abs() * inside).sum() / inside.sum().clamp(min=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--steps', type=int, default=5000)
    ap.add_argument('--batch', type=int, default=12)
    ap.add_argument('--pairs', type=int, default=2)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--temporal', type=float, default=1.0)
    ap.add_argument('--val-every', type=int, default=250)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=7)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--init', help='start from these weights (a checkpoint), with a fresh optimiser and schedule')
    ap.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    ap.add_argument('--workers', type=int, default=0, help='processes making views (0: in the training process)')
    ap.add_argument('--minutes', type=float, help='also end when this much time has passed (the schedule follows time)')
    ap.add_argument('--clouds', type=float, default=0.0, help='share of views with sky that get cumulus laid over it')
    ap.add_argument('--keep', action='store_true', help='keep the weights of every validation as step-N.pt')
    ap.add_argument('--out', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), 'checkpoints'))
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    train, val = load('train'), load('val')
    torch.backends.cudnn.benchmark = True
    net = SkyNet()
    if args.init:
        net.load_state_dict(torch.load(args.init, map_location='cpu')['model'])
        print('initialised from', args.init, flush=True)
    net = net.to(args.device, memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), args.lr, weight_decay=1e-4)
    step, best = 0, -1.0
    last_path = os.path.join(args.out, 'last.pt')
    if args.resume and os.path.exists(last_path):
        state = torch.load(last_path, map_location=args.device)
        net.load_state_dict(state['model'])
        opt.load_state_dict(state['opt'])
        step, best = state['step'], state['best']
        print('resumed at step', step, 'best', best, flush=True)
    batches = batch_source(train, args, args.seed + step)
    log = open(os.path.join(args.out, 'log.tsv'), 'a')
    started, sums = time.time(), np.zeros(4)
    first_step = step

    def progress():
        done = step / args.steps
        if args.minutes:
            done = max(done, (time.time() - started) / 60 / args.minutes)
        return min(done, 1.0)

    while progress() < 1:
        warm = step - first_step
        lr = args.lr * 0.5 * (1 + math.cos(math.pi * progress())) if warm > 100 else args.lr * warm / 100
        for group in opt.param_groups:
            group['lr'] = lr
        net.train()
        rgb, label, weight, moves = next(batches)
        rgb = rgb.to(args.device, non_blocking=True).contiguous(memory_format=torch.channels_last)
        label, weight = label.to(args.device, non_blocking=True), weight.to(args.device, non_blocking=True)
        logits = net.logits(rgb)[:, 0]
        bce = (F.binary_cross_entropy_with_logits(logits, label, reduction='none') * weight).sum() / weight.sum().clamp(min=1)
        prob = torch.sigmoid(logits)
        on = (weight > 0).float()
        inter = (prob * label * on).sum()
        soft_iou = 1 - inter / ((prob + label - prob * label) * on).sum().clamp(min=1)
        temporal = temporal_loss(prob[:, None], moves, args.batch, args.pairs)
        loss = bce + 0.5 * soft_iou + args.temporal * temporal
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
        sums += [loss.item(), bce.item(), soft_iou.item(), temporal.item()]
        if step % 50 == 0:
            m = sums / 50
            line = 'step\t%d\tloss\t%.4f\tbce\t%.4f\tsoft_iou\t%.4f\ttemporal\t%.4f\tlr\t%.5f\tmin\t%.1f' % (step, *m, lr, (time.time() - started) / 60)
            print(line, flush=True)
            log.write(line + '\n'); log.flush()
            sums[:] = 0
        if step % args.val_every == 0 or progress() >= 1:
            scores = evaluate(net, val)
            mean_iou = float(np.mean([s['iou'] for s in scores.values()]))
            line = 'val\t%d\t' % step + '\t'.join('%s\tiou %.4f f1 %.4f' % (k, v['iou'], v['f1']) for k, v in scores.items()) + '\tmean_iou\t%.4f' % mean_iou
            print(line, flush=True)
            log.write(line + '\n'); log.flush()
            state = dict(model=net.state_dict(), opt=opt.state_dict(), step=step, best=max(best, mean_iou))
            if mean_iou > best:
                best = mean_iou
                torch.save(dict(model=net.state_dict(), step=step, scores=scores), os.path.join(args.out, 'best.pt'))
            torch.save(state, last_path)
            if args.keep:
                torch.save(dict(model=net.state_dict(), step=step, scores=scores), os.path.join(args.out, 'step-%d.pt' % step))


if __name__ == '__main__':
    main()
