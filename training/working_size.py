"""The network's working size for a frame: about WORK_AREA pixels, sides multiples of 32.

Mirrors src/core/segment/working-size.ts; the two must agree (a test compares them on a table).
"""
import math

WORK_AREA = 480 * 270
MULTIPLE = 32


def working_size(width, height):
    s = math.sqrt(WORK_AREA / (width * height))
    return (max(MULTIPLE, int(math.floor(width * s / MULTIPLE + 0.5)) * MULTIPLE),
            max(MULTIPLE, int(math.floor(height * s / MULTIPLE + 0.5)) * MULTIPLE))
