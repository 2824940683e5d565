"""SkyNet: a compact U-Net that is cheap at its working resolution.

The encoder halves the resolution five times (input sides must be multiples of 32) with two 3x3 convs
per level, narrow at high resolution where most of the cost is. The deepest level adds a global-average
context vector, so "is there any sky in this picture" is answered from the whole frame. The decoder
climbs back to full working resolution and sees the input RGB again at the last step, for edges.
The model takes RGB in [0, 1] (normalisation inside) and returns the sky probability, same size.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

WIDTHS = (16, 32, 64, 96, 128)
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def conv(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Down(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(conv(cin, cout, 2), conv(cout, cout))


class Up(nn.Module):
    def __init__(self, cin, cskip, cout):
        super().__init__()
        self.fuse = nn.Sequential(conv(cin + cskip, cout), conv(cout, cout))

    def forward(self, x, skip):
        x = F.interpolate(x, size=skip.shape[-2:], mode='bilinear', align_corners=False)
        return self.fuse(torch.cat([x, skip], 1))


class SkyNet(nn.Module):
    def __init__(self, widths=WIDTHS):
        super().__init__()
        w = widths
        self.register_buffer('mean', torch.tensor(MEAN).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(STD).view(1, 3, 1, 1))
        self.down = nn.ModuleList([Down(3 if i == 0 else w[i - 1], w[i]) for i in range(len(w))])
        self.context = nn.Sequential(nn.Conv2d(w[-1], w[-1], 1), nn.ReLU(inplace=True))
        self.up = nn.ModuleList([Up(w[i + 1], w[i], w[i]) for i in reversed(range(len(w) - 1))])
        self.last = nn.Sequential(conv(w[0] + 3, 8), nn.Conv2d(8, 1, 1))

    def logits(self, rgb):
        x = (rgb - self.mean) / self.std
        skips = []
        for down in self.down:
            x = down(x)
            skips.append(x)
        x = x + self.context(x.mean((2, 3), keepdim=True))
        for up, skip in zip(self.up, reversed(skips[:-1])):
            x = up(x, skip)
        x = F.interpolate(x, size=rgb.shape[-2:], mode='bilinear', align_corners=False)
        return self.last(torch.cat([x, (rgb - self.mean) / self.std], 1))

    def forward(self, rgb):
        return torch.sigmoid(self.logits(rgb))


if __name__ == '__main__':
    import time
    torch.set_num_threads(2)
    net = SkyNet()
    print('parameters', sum(p.numel() for p in net.parameters()))
    x = torch.rand(8, 3, 256, 256).contiguous(memory_format=torch.channels_last)
    net = net.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(net.parameters(), 1e-3)
    for i in range(4):
        t = time.time()
        loss = net.logits(x).mean()
        opt.zero_grad(); loss.backward(); opt.step()
        print('train step 8x256^2 %.2fs' % (time.time() - t))
