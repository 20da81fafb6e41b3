#!/usr/bin/env python3
"""Benchmarks for ndwrap.ndimage (issue 13): ndwrap's C kernels as
``scipy.LowLevelCallable`` against Python callbacks, against the floor of
SciPy's own machinery, and against SciPy's built-ins.

Not a test: it prints tables and verdicts and never fails on a missed target.
Run it from outside the source tree against a Release build::

    cd /tmp && PYTHONPATH=/path/to/build/python python /path/to/benchmarks/bench_ndimage.py

Options: ``--size N`` (default 128: N^3 float64), ``--py-size N`` (default 32:
the size at which C kernels are compared with Python callbacks, which would
take minutes at 128^3), ``--rounds R`` (default 5), ``--quick`` (size 96,
3 rounds), ``--only filters,lines,mappings``.

Method
------
* Every figure is timed in rounds together with its references (one run of
  each statement per round, so a kernel and its reference see the same
  machine state); the table gives the best and the median time.  Ratios are
  of the best times (``--ratio best``, the default: on a shared machine the
  least disturbed run is the most reproducible figure) or the median of the
  per-round ratios (``--ratio median``).
* Targets: each kernel >= 100x faster than the same SciPy call with a Python
  callback doing the same computation with NumPy (both at ``--py-size``^3);
  each filter kernel within 1.3x of the *floor*, the same ``generic_filter``
  call with a C callback that only returns its first value; each mapping
  within 1.3x of SciPy's built-in (``shift``, ``zoom``, ``affine_transform``).
* The floors are C functions in ``benchmarks/ndimage_floor.c``, compiled here
  with the system C compiler (``cc``) and passed through ctypes: they do not
  go through ndwrap at all.
* Filters use a 3x3x3 box (27 values), mode 'reflect'; line filters size 5
  along the last axis; mappings spline order 3 (SciPy's default) and order 1.
"""
from __future__ import annotations

import argparse
import ctypes
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy
import scipy.ndimage as ndi

import ndwrap
from ndwrap import ndimage as nk

PY_TARGET = 100.0
FLOOR_TARGET = 1.3
BUILTIN_TARGET = 1.3
HERE = os.path.dirname(os.path.abspath(__file__))


def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"NumPy {np.__version__}, SciPy {scipy.__version__}, ndwrap {ndwrap.__version__}")


def build_floors(tmp):
    so = os.path.join(tmp, "ndimage_floor.so")
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O2", "-shared", "-fPIC", os.path.join(HERE, "ndimage_floor.c"),
                    "-o", so], check=True)
    lib = ctypes.CDLL(so)
    dp, ip = ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_ssize_t)
    protos = {
        "floor_filter": (ctypes.CFUNCTYPE(ctypes.c_int, dp, ctypes.c_ssize_t, dp, ctypes.c_void_p),
                         nk.FILTER_SIGNATURE),
        "floor_line": (ctypes.CFUNCTYPE(ctypes.c_int, dp, ctypes.c_ssize_t, dp, ctypes.c_ssize_t,
                                        ctypes.c_void_p), nk.LINE_SIGNATURE),
        "floor_mapping": (ctypes.CFUNCTYPE(ctypes.c_int, ip, dp, ctypes.c_int, ctypes.c_int,
                                           ctypes.c_void_p), nk.MAPPING_SIGNATURE),
    }
    return {name: scipy.LowLevelCallable(proto((name, lib)), signature=sig)
            for name, (proto, sig) in protos.items()}, lib


def rounds(stmts, n):
    """stmts: {label: callable}. Times every one once per round; returns
    {label: [seconds per round]}."""
    out = {k: [] for k in stmts}
    for _ in range(n):
        for k, f in stmts.items():
            t0 = time.perf_counter()
            f()
            out[k].append(time.perf_counter() - t0)
    return out


RATIO = "best"  # "best": ratio of the best times; "median": median of per-round ratios


def ratio(times, a, b):
    if RATIO == "best":
        return min(times[a]) / min(times[b])
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def fmt_t(ts):
    return f"{min(ts) * 1e3:9.1f} {statistics.median(ts) * 1e3:9.1f}"


def verdict(value, target, higher_is_better=False):
    ok = value >= target if higher_is_better else value <= target
    return "met" if ok else "MISSED"


# ---- filters -------------------------------------------------------------------

FILTERS = {
    # name: (make, numpy equivalent for the Python callback, {built-in label: fn})
    "mean": (nk.mean, np.mean, {"uniform_filter": lambda a: ndi.uniform_filter(a, 3)}),
    "minimum": (nk.minimum, np.min, {"minimum_filter": lambda a: ndi.minimum_filter(a, 3)}),
    "maximum": (nk.maximum, np.max, {"maximum_filter": lambda a: ndi.maximum_filter(a, 3)}),
    "median": (nk.median, np.median, {"median_filter": lambda a: ndi.median_filter(a, 3)}),
    "variance": (nk.variance, np.var, {
        "uniform_filter(a*a) - uniform_filter(a)**2":
            lambda a: ndi.uniform_filter(a * a, 3) - ndi.uniform_filter(a, 3) ** 2}),
    "value_range": (nk.value_range, np.ptp, {
        "maximum_filter - minimum_filter":
            lambda a: ndi.maximum_filter(a, 3) - ndi.minimum_filter(a, 3)}),
    "count_above": (lambda: nk.count_above(0.5), lambda v: np.count_nonzero(v > 0.5), {
        "27 * uniform_filter(a > 0.5)": lambda a: 27 * ndi.uniform_filter((a > 0.5) * 1.0, 3)}),
}


def bench_filters(a, small, floors, n, results):
    print(f"\n## Filters: generic_filter, 3x3x3 box, mode reflect, {a.shape} float64")
    print(f"{'kernel':<14}{'best ms':>10}{'median':>10}  {'/floor':>7}  built-in (ratio kernel/built-in)")
    floor = floors["floor_filter"]
    for name, (make, py, builtins) in FILTERS.items():
        c = make()
        stmts = {"kernel": lambda: ndi.generic_filter(a, c, size=3),
                 "floor": lambda: ndi.generic_filter(a, floor, size=3)}
        for label, fn in builtins.items():
            stmts[label] = (lambda f=fn: f(a))
        t = rounds(stmts, n)
        rf = ratio(t, "kernel", "floor")
        extra = ", ".join(f"{label}: {statistics.median(t[label]) * 1e3:.1f} ms "
                          f"({ratio(t, 'kernel', label):.2f}x)" for label in builtins)
        print(f"{name:<14}{fmt_t(t['kernel'])}  {rf:6.2f}x  {extra}")
        results.append((f"filter {name} / floor (first value)", rf, FLOOR_TARGET, False))
        for label in builtins:
            results.append((f"filter {name} / {label}", ratio(t, "kernel", label), None, False))
    print(f"{'(floor)':<14}{fmt_t(t['floor'])}")

    print(f"\n## Filters against a Python callback (NumPy inside), {small.shape} float64")
    print("(ceiling: the Python callback against the floor callback, the most any kernel can gain)")
    print(f"{'kernel':<14}{'kernel ms':>10}{'python ms':>11}  {'speed-up':>9}  {'ceiling':>8}")
    for name, (make, py, _) in FILTERS.items():
        c = make()
        t = rounds({"kernel": lambda: ndi.generic_filter(small, c, size=3),
                    "floor": lambda: ndi.generic_filter(small, floor, size=3),
                    "python": lambda: ndi.generic_filter(small, py, size=3)}, max(1, n // 2))
        sp, ceil = ratio(t, "python", "kernel"), ratio(t, "python", "floor")
        print(f"{name:<14}{statistics.median(t['kernel']) * 1e3:10.2f}"
              f"{statistics.median(t['python']) * 1e3:11.1f}  {sp:8.0f}x  {ceil:7.0f}x")
        results.append((f"filter {name}: Python callback / kernel", sp, PY_TARGET, True))


# ---- line filters --------------------------------------------------------------

def py_running_mean(iline, oline):
    w = len(iline) - len(oline) + 1
    c = np.cumsum(iline)
    oline[0] = c[w - 1] / w
    oline[1:] = (c[w:] - c[:-w]) / w


def py_cumulative_sum(iline, oline):
    w = len(iline) - len(oline) + 1
    oline[...] = np.cumsum(iline)[w - 1:]


def bench_lines(a, small, floors, n, results):
    print(f"\n## Line filters: generic_filter1d along the last axis, {a.shape} float64")
    print(f"{'kernel':<16}{'best ms':>10}{'median':>10}  {'/floor':>7}  built-in (ratio)")
    floor = floors["floor_line"]
    cases = {
        "running_mean": (nk.running_mean(), 5, py_running_mean,
                         ("uniform_filter1d", lambda x: ndi.uniform_filter1d(x, 5, axis=-1))),
        "cumulative_sum": (nk.cumulative_sum(), 1, py_cumulative_sum,
                           ("np.cumsum", lambda x: np.cumsum(x, axis=-1))),
    }
    for name, (c, size, py, (blabel, bfn)) in cases.items():
        t = rounds({"kernel": lambda: ndi.generic_filter1d(a, c, size, axis=-1),
                    "floor": lambda: ndi.generic_filter1d(a, floor, size, axis=-1),
                    "builtin": lambda: bfn(a)}, n)
        rf, rb = ratio(t, "kernel", "floor"), ratio(t, "kernel", "builtin")
        print(f"{name:<16}{fmt_t(t['kernel'])}  {rf:6.2f}x  {blabel}: "
              f"{statistics.median(t['builtin']) * 1e3:.1f} ms ({rb:.2f}x)")
        results.append((f"line {name} / floor (copy the line)", rf, None, False))
        results.append((f"line {name} / {blabel}", rb, None, False))
        # one Python call per line (not per value): affordable at full size
        tp = rounds({"kernel": lambda: ndi.generic_filter1d(a, c, size, axis=-1),
                     "floor": lambda: ndi.generic_filter1d(a, floor, size, axis=-1),
                     "python": lambda: ndi.generic_filter1d(a, py, size, axis=-1)},
                    max(1, n // 2))
        sp, ceil = ratio(tp, "python", "kernel"), ratio(tp, "python", "floor")
        print(f"{'':<16}vs a Python callback (NumPy per line) at {a.shape}: {sp:.0f}x faster "
              f"(python {statistics.median(tp['python']) * 1e3:.0f} ms; ceiling {ceil:.0f}x)")
        results.append((f"line {name}: Python callback / kernel", sp, PY_TARGET, True))


# ---- mappings ------------------------------------------------------------------

def bench_mappings(a, small, floors, n, results):
    rank = a.ndim
    s = np.array([1.3, -2.2, 0.7])[:rank]
    zoom = 0.75
    zshape = tuple(int(round(d * zoom)) for d in a.shape)
    m = np.array([[0.9, 0.1, 0.0], [-0.1, 0.95, 0.05], [0.0, 0.02, 1.05]])[:rank, :rank]
    off = np.array([1.0, 2.0, -1.0])[:rank]
    print(f"\n## Mappings: geometric_transform, {a.shape} float64 (zoom: output {zshape})")
    for order in (3, 1):
        kw = dict(order=order, mode="nearest")
        cases = {
            "shift_mapping": (nk.shift_mapping(s), None, "shift",
                              lambda: ndi.shift(a, s, **kw)),
            "zoom_mapping": (nk.zoom_mapping(input_shape=a.shape, output_shape=zshape), zshape,
                             "zoom", lambda: ndi.zoom(a, zoom, **kw)),
            "affine_mapping": (nk.affine_mapping(m, off), None, "affine_transform",
                               lambda: ndi.affine_transform(a, m, off, **kw)),
        }
        print(f"\norder {order}")
        print(f"{'mapping':<16}{'best ms':>10}{'median':>10}  {'/built-in':>9}  {'/floor':>7}  built-in")
        for name, (c, oshape, blabel, bfn) in cases.items():
            t = rounds({"kernel": lambda: ndi.geometric_transform(a, c, output_shape=oshape, **kw),
                        "builtin": bfn,
                        "floor": lambda: ndi.geometric_transform(a, floors["floor_mapping"],
                                                                 output_shape=oshape, **kw)}, n)
            rb, rf = ratio(t, "kernel", "builtin"), ratio(t, "kernel", "floor")
            print(f"{name:<16}{fmt_t(t['kernel'])}  {rb:8.2f}x  {rf:6.2f}x  {blabel} "
                  f"{statistics.median(t['builtin']) * 1e3:.1f} ms")
            results.append((f"mapping {name} order {order} / {blabel}", rb,
                            BUILTIN_TARGET if order == 3 else None, False))
            results.append((f"mapping {name} order {order} / floor (identity)", rf, None, False))

    zs = tuple(int(round(d * zoom)) for d in small.shape)
    zf = [float(x) for x in (np.array(small.shape) - 1) / (np.array(zs) - 1)]
    s0, s1, s2 = (float(x) for x in np.resize(s, 3))
    ml, ol = m.tolist(), off.tolist()

    def py_affine(o):  # plain Python floats: the fastest honest Python callback
        return tuple(sum(r[j] * o[j] for j in range(len(o))) + c0 for r, c0 in zip(ml, ol))

    pycases = {
        "shift_mapping": (nk.shift_mapping(s), None,
                          lambda o: (o[0] - s0, o[1] - s1, o[2] - s2)[:len(o)]),
        "zoom_mapping": (nk.zoom_mapping(input_shape=small.shape, output_shape=zs), zs,
                         lambda o: tuple(x * f for x, f in zip(o, zf))),
        "affine_mapping": (nk.affine_mapping(m, off), None, py_affine),
    }
    for order in (0, 1, 3):
        print(f"\n## Mappings against a Python callback (plain floats), {small.shape} float64, "
              f"order {order}")
        print("(ceiling: the Python callback against the identity floor mapping)")
        for name, (c, oshape, py) in pycases.items():
            kw = dict(output_shape=oshape, order=order)
            t = rounds({"kernel": lambda: ndi.geometric_transform(small, c, **kw),
                        "floor": lambda: ndi.geometric_transform(small, floors["floor_mapping"],
                                                                 **kw),
                        "python": lambda: ndi.geometric_transform(small, py, **kw)},
                       max(1, n // 2))
            sp, ceil = ratio(t, "python", "kernel"), ratio(t, "python", "floor")
            print(f"{name:<16}kernel {statistics.median(t['kernel']) * 1e3:8.2f} ms, python "
                  f"{statistics.median(t['python']) * 1e3:8.1f} ms: {sp:.0f}x faster "
                  f"(ceiling {ceil:.0f}x)")
            results.append((f"mapping {name} order {order}: Python callback / kernel", sp,
                            PY_TARGET, True))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--py-size", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="filters,lines,mappings")
    ap.add_argument("--ratio", choices=("best", "median"), default="best")
    args = ap.parse_args()
    global RATIO
    RATIO = args.ratio
    if args.quick:
        args.size, args.rounds = 96, 3
    print(f"# ndwrap.ndimage benchmark\n{machine_info()}")
    print(f"size {args.size}^3, Python callbacks at {args.py_size}^3, {args.rounds} rounds, "
          f"ratios of the {'best times' if RATIO == 'best' else 'per-round ratios (median)'}")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((args.size,) * 3)
    small = rng.standard_normal((args.py_size,) * 3)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        floors, _lib = build_floors(tmp)
        only = args.only.split(",")
        if "filters" in only:
            bench_filters(a, small, floors, args.rounds, results)
        if "lines" in only:
            bench_lines(a, small, floors, args.rounds, results)
        if "mappings" in only:
            bench_mappings(a, small, floors, args.rounds, results)
    print("\n## Summary")
    print(f"{'figure':<62}{'value':>9}  target   verdict")
    for label, value, target, higher in results:
        if target is None:
            print(f"{label:<62}{value:8.2f}x  (info)")
        else:
            sign = ">=" if higher else "<="
            print(f"{label:<62}{value:8.2f}x  {sign} {target:g}x  {verdict(value, target, higher)}")


if __name__ == "__main__":
    sys.exit(main())
