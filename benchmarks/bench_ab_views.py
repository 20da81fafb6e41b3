#!/usr/bin/env python3
"""A/B of the array -> image views and of the 64^3 copies (issue 16, helper
``imports``): one build per process, run alternately, e.g.

    for i in 1 2 3; do
      PYTHONPATH=/base/build/python LD_LIBRARY_PATH=/base/build python bench_ab_views.py base
      PYTHONPATH=/new/build/python python bench_ab_views.py new
    done

Interleaved rounds in random order; each row's ratio is the median over
rounds of row / floor timed in the same round (``memoryview(arr)`` for the
views, ``np.copyto(np.empty_like(a), a)`` for the copies); the minimum
ratio (min row / min floor) is printed too, which holds better on a busy
machine.  Not a test; prints one line per row.
"""
import argparse
import random
import statistics
import timeit

import numpy as np

import ndwrap


def run(label, rows, g, floor, rounds, number, unit, scale):
    timers = {k: timeit.Timer(s, globals=g) for k, s in rows.items()}
    times = {k: [] for k in rows}
    for t in timers.values():
        t.timeit(max(1, number // 10))
    for _ in range(rounds):
        keys = list(timers)
        random.shuffle(keys)
        for k in keys:
            times[k].append(timers[k].timeit(number) / number)
    for k in rows:
        r = statistics.median(a / b for a, b in zip(times[k], times[floor]))
        print(f"{label} {k:32s} median {statistics.median(times[k]) * scale:8.2f} {unit} "
              f"{r:5.2f}x | min {min(times[k]) * scale:8.2f} {unit} "
              f"{min(times[k]) / min(times[floor]):5.2f}x")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("label")
    p.add_argument("--rounds", type=int, default=25)
    p.add_argument("--copies", action="store_true", help="the 64^3 copies instead of the views")
    a = p.parse_args()
    for vec in (False, True):
        shape = (64, 64, 64, 3) if vec else (64, 64, 64)
        arr = np.random.rand(*shape).astype(np.float32)
        T = ndwrap.VectorImage[ndwrap.F, 3] if vec else ndwrap.Image[ndwrap.F, 3]
        perm = (2, 1, 0, 3) if vec else (2, 1, 0)
        axes, aperm = ("CXYZ", (3, 2, 1, 0)) if vec else ("XZY", (2, 0, 1))
        g = dict(np=np, ndwrap=ndwrap, T=T, PB=ndwrap.PyBuffer[T], arr=arr, vec=vec,
                 a_xyz=np.ascontiguousarray(arr.transpose(perm)), a_axes=arr.transpose(aperm),
                 img=ndwrap.image_from_array(arr, vec), o=np.empty_like(arr))
        label = f"{a.label} {'vector' if vec else 'scalar'}"
        if not a.copies:
            rows = {
                "floor: memoryview(arr)": "memoryview(arr)",
                "PyBuffer[T].GetImageViewFromArray": "PB.GetImageViewFromArray(arr, vec)",
                "image_view_from_array": "ndwrap.image_view_from_array(arr, vec)",
                "ivfa(a_xyz, keep_axes=True)": "ndwrap.image_view_from_array(a_xyz, vec, keep_axes=True)",
                f"ivfa(a, axes={axes!r})": f"ndwrap.image_view_from_array(a_axes, axes={axes!r})",
                "T._view (SWIG entry)": "T._view(arr, vec)",
            }
            run(label, rows, g, "floor: memoryview(arr)", a.rounds, 3000, "ns", 1e9)
        else:
            rows = {
                "floor: copyto(empty_like)": "np.copyto(np.empty_like(arr), arr)",
                "image_from_array": "ndwrap.image_from_array(arr, vec)",
                "array_from_image": "ndwrap.array_from_image(img)",
                "array_from_image(keep_axes=True)": "ndwrap.array_from_image(img, keep_axes=True)",
                "part: np.copyto(o, arr), no allocation": "np.copyto(o, arr)",
                "part: img._copy_into(o)": "img._copy_into(o)",
            }
            run(label, rows, g, "floor: copyto(empty_like)", a.rounds, 100, "us", 1e6)


if __name__ == "__main__":
    main()
