"""Transposing imports against ``np.copyto`` into fresh memory, in one process.

    PYTHONPATH=build/python python benchmarks/bench_transpose.py [rounds] [edges...]

The issue 16 row ``image_from_array(a_xyz, keep_axes=True)`` (a full axis
reversal: the array's last spatial axis is the image's x), scalar float32
and 3-component float32 vectors, against the floor
``np.copyto(np.empty_like(a), a)`` and the plain (non-transposing)
``image_from_array(a)``.  Rounds are interleaved in random order as in
``benchmarks/run.py``; the figures are medians and mins of per-round times
and the median of per-round ratios to the floor of the same round.  The
transposed result is checked against the array once before timing.
Information only (never pass/fail); the C breakdown is
``benchmarks/bench_transpose.c``.
"""
from __future__ import annotations

import random
import statistics
import sys
import timeit

import numpy as np

import ndwrap


def rows_for(n, vec):
    shape = (n, n, n, 3) if vec else (n, n, n)
    arr = np.random.default_rng(1).random(shape, dtype=np.float32)
    tr = (2, 1, 0, 3) if vec else (2, 1, 0)
    a_xyz = np.ascontiguousarray(arr.transpose(tr))
    img = ndwrap.image_from_array(a_xyz, vec, keep_axes=True)
    v = ndwrap.array_view_from_image(img, keep_axes=True)
    assert not np.shares_memory(v, a_xyz) and np.array_equal(v, a_xyz)
    g = dict(np=np, ndwrap=ndwrap, arr=arr, a_xyz=a_xyz, vec=vec)
    return [
        ("floor: np.copyto(np.empty_like(a), a)", "np.copyto(np.empty_like(arr), arr)"),
        ("image_from_array(a) (no transpose)", "ndwrap.image_from_array(arr, vec)"),
        ("image_from_array(a_xyz, keep_axes=True)",
         "ndwrap.image_from_array(a_xyz, vec, keep_axes=True)"),
    ], g


def run(n, vec, rounds):
    rows, g = rows_for(n, vec)
    number = max(1, int(2e7 // (n ** 3 * (3 if vec else 1))))
    timers = [(name, timeit.Timer(stmt, globals=g)) for name, stmt in rows]
    times = {name: [] for name, _ in rows}
    for _ in range(rounds):
        order = list(timers)
        random.shuffle(order)
        for name, t in order:
            times[name].append(t.timeit(number) / number)
    floor = times[rows[0][0]]
    label = f"float32{' x3 vector' if vec else ''} {n}^3"
    for name, _ in rows:
        ts = times[name]
        ratio = statistics.median(t / f for t, f in zip(ts, floor))
        print(f"{label:22s} {name:44s} median {statistics.median(ts) * 1e3:9.3f} ms"
              f"  min {min(ts) * 1e3:9.3f} ms  x floor {ratio:5.2f}", flush=True)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    edges = [int(e) for e in sys.argv[2:]] or [64, 256, 512]
    for n in edges:
        for vec in (False, True):
            run(n, vec, rounds if n < 512 else max(3, rounds // 3))


if __name__ == "__main__":
    main()
