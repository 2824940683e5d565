"""Export a checkpoint to ONNX for onnxruntime-web:

    python3 training/export.py [training/checkpoints/best.pt] [models/sky.onnx]

fp32, opset 17, input `rgb` (1x3xHxW, RGB in [0, 1], H and W multiples of 32), output `sky`
(1x1xHxW sky probability). BatchNorm is folded into the convolutions (eval mode, constant folding).
"""
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import SkyNet  # noqa: E402


def export(checkpoint, out):
    net = SkyNet()
    net.load_state_dict(torch.load(checkpoint, map_location='cpu')['model'])
    net.eval()
    dummy = torch.rand(1, 3, 224, 384)
    torch.onnx.export(net, dummy, out, opset_version=17, input_names=['rgb'], output_names=['sky'],
                      dynamic_axes={'rgb': {2: 'height', 3: 'width'}, 'sky': {2: 'height', 3: 'width'}},
                      do_constant_folding=True)
    print('wrote', out, os.path.getsize(out), 'bytes')


if __name__ == '__main__':
    args = sys.argv[1:]
    export(args[0] if args else os.path.join(HERE, 'checkpoints', 'best.pt'),
           args[1] if len(args) > 1 else os.path.join(HERE, '..', 'models', 'sky.onnx'))
