#!/usr/bin/env python3
"""DLPack and pickle benchmarks for ndwrap's array-ecosystem bridges (issue 14).

Not a test: it prints a table and never fails on a missed target. Run it
from outside the source tree against a build (or an installed ndwrap)::

    cd /tmp && PYTHONPATH=/path/to/build/python python /path/to/benchmarks/bench_dlpack.py

Method: ``timeit`` with statement strings, loop counts chosen so that one
run lasts about 20 ms, ``--repeat`` rounds (one run of every statement per
round, so that each figure and its reference see the same machine state);
best-of and median ns per call, and the ratio to the reference as the
median of per-round ratios.  The reference is ``np.from_dlpack(b)`` with
``b`` a NumPy array of the same shape and dtype: DLPack between two NumPy
arrays, in the same process.  Target (issue 14): ``np.from_dlpack(image)``
and ``ndwrap.from_dlpack(array)`` each within 2x of it.

Also shown (no target): the capsule alone (``image.__dlpack__()``),
``torch.from_dlpack(image)`` when PyTorch is importable, and a protocol-5
pickle round trip with out-of-band buffers against the same for a NumPy
array (both move no pixel bytes).
"""
from __future__ import annotations

import argparse
import pickle
import platform
import statistics
import sys
import timeit

import numpy as np

import ndwrap

TARGET = 2.0


def loops_for(stmt, env, seconds=0.02):
    t = timeit.Timer(stmt, globals=env)
    n = 1
    while True:
        if t.timeit(n) >= seconds / 4 or n >= 1 << 22:
            return max(1, int(n * (seconds / max(t.timeit(n), 1e-9))))
        n *= 4


def bench(rows, env, repeat):
    """rows: [(label, stmt, reference stmt or None)]; ns per call per round."""
    stmts = {s for _, s, r in rows for s in (s, r) if s}
    loops = {s: loops_for(s, env) for s in stmts}
    times = {s: [] for s in stmts}
    for _ in range(repeat):
        for s in stmts:
            times[s].append(timeit.Timer(s, globals=env).timeit(loops[s]) / loops[s] * 1e9)
    out = []
    for label, s, ref in rows:
        ratio = (statistics.median(a / b for a, b in zip(times[s], times[ref]))
                 if ref else None)
        out.append((label, min(times[s]), statistics.median(times[s]), ratio))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=31)
    ap.add_argument("--shape", type=int, nargs="+", default=[100, 100, 100])
    args = ap.parse_args(argv)
    shape = tuple(args.shape)
    d = len(shape)
    T = ndwrap.Image[ndwrap.F, d]
    image = T.New()
    image.SetRegions(list(reversed(shape)))
    image.Allocate(True)
    arr = np.zeros(shape, np.float32)
    ref_src = np.zeros(shape, np.float32)
    env = dict(np=np, ndwrap=ndwrap, image=image, arr=arr, ref_src=ref_src, pickle=pickle)
    ref = "np.from_dlpack(ref_src)"
    rows = [
        ("np.from_dlpack(ndarray)  [reference]", ref, None),
        ("np.from_dlpack(image)", "np.from_dlpack(image)", ref),
        ("ndwrap.from_dlpack(ndarray)", "ndwrap.from_dlpack(arr)", ref),
        ("ndwrap.from_dlpack(image)", "ndwrap.from_dlpack(image)", ref),
        ("image.__dlpack__(max_version=(1, 0))", "image.__dlpack__(max_version=(1, 0))", ref),
        ("ndarray.__dlpack__(max_version=(1, 0))", "ref_src.__dlpack__(max_version=(1, 0))",
         ref),
        ("np.asarray(image)  [buffer protocol]", "np.asarray(image)", ref),
    ]
    try:
        import torch

        env["torch"] = torch
        rows.append(("torch.from_dlpack(image)", "torch.from_dlpack(image)", ref))
        rows.append(("torch.from_dlpack(ndarray)", "torch.from_dlpack(ref_src)", ref))
    except ImportError:
        pass
    pickle_ref = ("b = []; pickle.loads(pickle.dumps(ref_src, protocol=5, "
                  "buffer_callback=b.append), buffers=b)")
    pickle_rows = [
        ("pickle p5 out-of-band, ndarray  [reference]", pickle_ref, None),
        ("pickle p5 out-of-band, image",
         "b = []; pickle.loads(pickle.dumps(image, protocol=5, buffer_callback=b.append), "
         "buffers=b)", pickle_ref),
    ]
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, ndwrap "
          f"{ndwrap.__version__}, {platform.machine()}; float32 shape {shape}; "
          f"{args.repeat} rounds")
    print(f"{'statement':44s} {'best ns':>9s} {'median ns':>10s} {'x ref':>7s}")
    for label, best, med, ratio in bench(rows, env, args.repeat) + \
            bench(pickle_rows, env, max(5, args.repeat // 3)):
        r = "" if ratio is None else f"{ratio:6.2f}x"
        flag = ""
        if ratio is not None and label in ("np.from_dlpack(image)", "ndwrap.from_dlpack(ndarray)"):
            flag = "  ok" if ratio <= TARGET else f"  MISSED (target {TARGET:.0f}x)"
        print(f"{label:44s} {best:9.0f} {med:10.0f} {r:>7s}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
