"""Views of a labelled still: where the crop lands, how the camera moved, how the picture looks.

A view is an affine map from output pixel centres to source pixel coordinates. A temporal pair is two
views whose maps differ by a small known camera move, so the network can be told that the sky did not
change between them (the synthetic camera motion DESIGN.md describes, with hand-held jitter sizes).
"""
import io
import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

# Views are drawn around the scale of a frame this size (×0.74–1.65): the shipped model was trained so.
# It runs at working_size.WORK_AREA, 1.5 times this area, near the middle of that range, where it
# measured best (src/core/segment/working-size.ts).
VIEW_AREA = 360 * 240


def view_map(height, width, size, rng):
    """Output pixel (x, y, 1) -> source pixel, as a 2x3 matrix: random scale, aspect, roll, flip, place."""
    scale = math.sqrt(VIEW_AREA / (height * width)) * math.exp(rng.uniform(-0.3, 0.5))
    aspect = math.exp(rng.uniform(-0.12, 0.12))
    roll = math.radians(rng.gauss(0, 8))
    flip = -1 if rng.random() < 0.5 else 1
    sx, sy = flip / (scale * aspect), 1 / (scale / aspect)
    c, s = math.cos(roll), math.sin(roll)
    linear = np.array([[c * sx, -s * sy], [s * sx, c * sy]])
    half = np.abs(linear) @ np.array([size / 2, size / 2])
    cx = rng.uniform(min(half[0], width / 2), max(width - half[0], width / 2))
    cy = rng.uniform(min(half[1], height / 2), max(height - half[1], height / 2))
    offset = np.array([cx, cy]) - linear @ np.array([size / 2, size / 2])
    return np.concatenate([linear, offset[:, None]], 1)


def camera_move(size, rng):
    """A small move between consecutive frames, in output pixels: shift, roll and zoom about the centre."""
    angle = math.radians(rng.uniform(-1.5, 1.5))
    zoom = math.exp(rng.uniform(-0.03, 0.03))
    c, s = math.cos(angle) * zoom, math.sin(angle) * zoom
    linear = np.array([[c, -s], [s, c]])
    shift = np.array([rng.uniform(-8, 8), rng.uniform(-8, 8)])
    centre = np.array([size / 2, size / 2])
    return np.concatenate([linear, (centre - linear @ centre + shift)[:, None]], 1)


def compose(a, b):
    """The map x -> a(b(x))."""
    return np.concatenate([a[:, :2] @ b[:, :2], (a[:, :2] @ b[:, 2] + a[:, 2])[:, None]], 1)


def grid(matrix, size, src_h, src_w):
    ys, xs = torch.meshgrid(torch.arange(size) + 0.5, torch.arange(size) + 0.5, indexing='ij')
    m = torch.tensor(matrix, dtype=torch.float32)
    sx = m[0, 0] * xs + m[0, 1] * ys + m[0, 2]
    sy = m[1, 0] * xs + m[1, 1] * ys + m[1, 2]
    return torch.stack([sx / src_w * 2 - 1, sy / src_h * 2 - 1], -1)[None]


def warp(tensors, matrix, size):
    """Resample (C, H, W) tensors along a view map: image edges repeat, labels outside are invalid."""
    image, sky, weight = tensors
    g = grid(matrix, size, image.shape[1], image.shape[2])
    rgb = F.grid_sample(image[None], g, 'bilinear', 'border', align_corners=False)[0]
    lab = F.grid_sample(torch.stack([sky, weight])[None], g, 'bilinear', 'zeros', align_corners=False)[0]
    return rgb, lab[0], (lab[1] > 0.999).float()


def synthetic_sky(size, rng):
    """A plausible empty sky: a vertical gradient of sky colours with soft low-frequency clouds."""
    top = np.array([rng.uniform(0.1, 0.6), rng.uniform(0.3, 0.8), rng.uniform(0.6, 1.0)])
    if rng.random() < 0.3:  # overcast or hazy
        top = np.full(3, rng.uniform(0.5, 0.95))
    if rng.random() < 0.15:  # dusk
        top = np.array([rng.uniform(0.7, 1.0), rng.uniform(0.4, 0.7), rng.uniform(0.2, 0.6)])
    bottom = np.clip(top + rng.uniform(0.05, 0.35), 0, 1)
    t = torch.linspace(0, 1, size).view(1, size, 1)
    sky = torch.tensor(top, dtype=torch.float32).view(3, 1, 1) * (1 - t) + torch.tensor(bottom, dtype=torch.float32).view(3, 1, 1) * t
    clouds = F.interpolate(torch.rand(1, 1, 6, 6), size=(size, size), mode='bicubic', align_corners=False)[0]
    amount = rng.uniform(0, 0.6)
    return (sky * (1 - amount * clouds.clamp(0, 1)) + amount * clouds.clamp(0, 1)).clamp(0, 1).expand(3, size, size)


def fractal_noise(size, rng, octaves=5):
    """Low-to-high frequency noise in [0, 1]: each octave twice as fine and half as strong."""
    total = torch.zeros(1, 1, size, size)
    for octave in range(octaves):
        cells = 3 * 2 ** octave
        total += F.interpolate(torch.rand(1, 1, cells, cells), size=(size, size), mode='bicubic', align_corners=False) / 2 ** octave
    total -= total.min()
    return (total / total.max().clamp(min=1e-6))[0]


def cumulus(size, rng):
    """Bright, puffy clouds as (colour (3, S, S), cover (1, S, S)) to lay over a sky.

    Few training skies hold big white cumulus, and a model that never saw them calls them
    foreground (white, textured, sharp-edged). Tops are lit, undersides grey: light from above.
    """
    density = fractal_noise(size, rng)
    edge = 1 - rng.uniform(0.15, 0.7)
    cover = ((density - edge) / rng.uniform(0.03, 0.15)).clamp(0, 1)
    lift = max(1, int(size * rng.uniform(0.01, 0.04)))
    underside = torch.zeros_like(density)
    underside[:, lift:] = (density[:, lift:] - density[:, :-lift]).clamp(min=0)  # density rising downwards
    depth = ((density - edge) / (1 - edge)).clamp(0, 1)  # thicker inside: brighter tops, texture
    shade = (0.75 + 0.5 * depth - rng.uniform(2.0, 5.0) * underside).clamp(0, 1)
    white = rng.uniform(0.85, 1.0)
    grey = torch.tensor([rng.uniform(0.45, 0.75)] * 3).view(3, 1, 1) * torch.tensor([1, 1, rng.uniform(1.0, 1.1)]).view(3, 1, 1)
    colour = grey + (white - grey) * shade
    return colour.clamp(0, 1), cover


def sky_strip(image, sky, weight, min_rows=0.15):
    """The rows at the top of a still that are all sky, as a (3, rows, W) tensor, or None.

    Donors for compositing real skies (DESIGN.md: real foregrounds over other real skies): a strip
    of nothing but labelled sky needs no keying, so it carries no foreground fringe into the new picture.
    """
    not_all_sky = torch.nonzero((sky * weight).mean(1) < 0.995)
    height = int(not_all_sky[0]) if len(not_all_sky) else sky.shape[0]
    if height < min_rows * sky.shape[0] or height < 24:
        return None
    return image[:, :height]


def real_sky(strip, size, rng):
    """A random window of a donor sky strip, stretched to the view and maybe mirrored."""
    _, h, w = strip.shape
    ch = rng.randint(max(8, h // 3), h)
    cw = min(w, max(8, int(ch * rng.uniform(1.0, 3.0))))
    y, x = rng.randint(0, h - ch), rng.randint(0, w - cw)
    window = strip[None, :, y:y + ch, x:x + cw]
    out = F.interpolate(window, size=(size, size), mode='bilinear', align_corners=False)[0]
    return out.flip(-1) if rng.random() < 0.5 else out


def look(rng):
    """Colour and optics shared by both frames of a pair (the scene's light did not change between them)."""
    return dict(gain=2 ** rng.uniform(-0.8, 0.6), contrast=rng.uniform(0.7, 1.3), saturation=rng.uniform(0.5, 1.4),
                balance=[math.exp(rng.gauss(0, 0.08)) for _ in range(3)], gamma=math.exp(rng.uniform(-0.35, 0.35)),
                blur=rng.uniform(0.3, 1.5) if rng.random() < 0.3 else 0)


def gaussian_blur(rgb, sigma):
    radius = max(1, int(math.ceil(2.5 * sigma)))
    x = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-x * x / (2 * sigma * sigma))
    k = k / k.sum()
    out = F.conv2d(F.pad(rgb[:, None], (radius, radius, 0, 0), mode='replicate'), k.view(1, 1, 1, -1))
    return F.conv2d(F.pad(out, (0, 0, radius, radius), mode='replicate'), k.view(1, 1, -1, 1))[:, 0]


def render(rgb, style, rng):
    """Camera response, then what differs frame to frame: sensor noise and compression."""
    grey = rgb.mean(0, keepdim=True)
    rgb = grey + (rgb - grey) * style['saturation']
    rgb = rgb * torch.tensor(style['balance']).view(3, 1, 1) * style['gain']
    rgb = (rgb.mean() + (rgb - rgb.mean()) * style['contrast']).clamp(0, 1) ** style['gamma']
    if style['blur']:
        rgb = gaussian_blur(rgb, style['blur'])
    if rng.random() < 0.5:
        rgb = rgb + torch.randn_like(rgb) * rng.uniform(0, 0.04)
    rgb = rgb.clamp(0, 1)
    if rng.random() < 0.3:
        buf = io.BytesIO()
        Image.fromarray((rgb.permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)).save(buf, 'JPEG', quality=rng.randint(30, 90))
        rgb = torch.from_numpy(np.asarray(Image.open(buf)).astype(np.float32) / 255).permute(2, 0, 1)
    return rgb
