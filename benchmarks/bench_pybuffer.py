#!/usr/bin/env python3
"""Benchmarks for ndwrap's NumPy bridge (issue 3): view cost, copy bandwidth,
memory stability, and (when ``itk`` is importable) the same figures for ITK.

Not a test: it prints tables and never fails on a missed target. Run it from
outside the source tree against a build (or an installed ndwrap)::

    cd /tmp && PYTHONPATH=/path/to/build/python python /path/to/benchmarks/bench_pybuffer.py

Options: ``--quick`` (fewer repeats, 64 MiB copies only), ``--only
views,copy,memory,itk``, ``--no-itk``. See benchmarks/README.md.

Method
------
* Views: ``timeit`` with statement strings (no lambda layer), the loop count
  chosen so that one run lasts about 20 ms, ``--repeat`` runs (default 31)
  taken in rounds (one run of every statement per round, so a figure and its
  reference see the same machine state); best-of and median ns per call.
  Every figure is also given as a ratio (median of per-round ratios) to a
  *reference run in the same process*: ``np.asarray(mv)`` where ``mv =
  memoryview(bytearray(n)).cast("f", shape)`` -- a bare C buffer exporter of
  the same bytes, the same shape and the same dtype as the image's array, so
  the reference does exactly the work ``np.asarray(image)`` has to do
  (attribute probes for ``__array__`` & co., one ``bf_getbuffer`` call,
  wrapping the buffer in a new ndarray) and nothing ndwrap-specific.
* Copies: one copy per timed call, best-of and median over ``--copy-repeat``
  rounds, reported as GB/s of payload (bytes of pixel data delivered per
  second, 1 GB = 1e9 B) and as a ratio to NumPy doing the same job. A
  function that *returns a new* array/image is compared with NumPy copying
  into a *new* array (``np.copyto(np.empty_like(src), src)``, which is what
  ``src.copy()`` does: allocation and first-touch page faults included); the
  copy into an already-touched destination (``np.copyto(dst, src)``) and a
  ``ctypes.memmove`` are given as the bandwidth ceiling.
* Memory: VmRSS from /proc/self/status before and after 10 000 view round
  trips (image -> array view -> image view -> array view), after a warm-up
  and ``gc.collect()``; a control row that keeps 64 bytes per iteration
  shows that the instrument sees a leak of that size.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import os
import platform
import statistics
import sys
import timeit

import numpy as np

import ndwrap

# ----------------------------------------------------------------------------
# targets (issue 3)

VIEW_TARGET = 3.0   # view cost within 3x of the bare-exporter reference
COPY_TARGET = 0.90  # copy bandwidth >= 90% of NumPy's
RSS_TARGET_MB = 1.0  # < 1 MB growth over 10 000 round trips

MiB = 1 << 20


# ----------------------------------------------------------------------------
# small utilities


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
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "ndwrap": getattr(ndwrap, "__version__", "?"),
        "platform": platform.platform(),
    }


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def _calibrate(timer, target_s):
    number = 1
    while timer.timeit(number) < target_s and number < 10**7:
        number *= 2
    return number


def time_stmt(stmt, ns, repeat, target_s=0.02, number=None):
    """(best, median) seconds per call of `stmt` evaluated in namespace `ns`."""
    t = timeit.Timer(stmt, globals=ns)
    number = number or _calibrate(t, target_s)
    runs = [x / number for x in t.repeat(repeat=repeat, number=number)]
    return min(runs), statistics.median(runs)


def time_round_robin(stmts, ns, repeat, target_s=0.02, number=None):
    """Per-call seconds of every statement, `repeat` runs each, taken in
    rounds (one run of every statement per round) so that a reference and
    its subjects see the same machine state. Returns {stmt: [runs]}."""
    timers = {s: timeit.Timer(s, globals=ns) for s in stmts}
    numbers = {s: number or _calibrate(t, target_s) for s, t in timers.items()}
    runs = {s: [] for s in stmts}
    for _ in range(repeat):
        for s, t in timers.items():
            runs[s].append(t.timeit(numbers[s]) / numbers[s])
    return runs


def summary(runs, ref_runs=None):
    """best, median, and (with a reference) the median of per-round ratios."""
    best, med = min(runs), statistics.median(runs)
    if ref_runs is None:
        return best, med, None
    return best, med, statistics.median(a / b for a, b in zip(runs, ref_runs))


def table(headers, rows, align=None):
    """A Markdown pipe table (readable as plain text too)."""
    cols = list(zip(*([headers] + rows))) if rows else [[h] for h in headers]
    widths = [max(len(str(c)) for c in col) for col in cols]
    align = align or ["<"] + [">"] * (len(headers) - 1)

    def fmt(row):
        return "| " + " | ".join(f"{str(c):{a}{w}}" for c, a, w in zip(row, align, widths)) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if a == ">" else ("-" * (w + 2))
                         for a, w in zip(align, widths)) + "|"
    return "\n".join([fmt(headers), sep] + [fmt(r) for r in rows])


def verdict(ok):
    return "met" if ok else "MISSED"


def out(*a):
    print(*a, flush=True)


# ----------------------------------------------------------------------------
# 1. views


def make_image(shape_zyx, fill=None):
    """An allocated ndwrap float image whose array has shape `shape_zyx`."""
    T = ndwrap.Image[ndwrap.F, len(shape_zyx)]
    img = T.New()
    img.SetRegions(list(reversed(shape_zyx)))
    img.Allocate()
    if fill is not None:
        np.asarray(img)[...] = fill
    return T, img


def reference_exporter(shape_zyx):
    """A bare C buffer exporter of the same bytes, shape and dtype."""
    n = int(np.prod(shape_zyx)) * 4
    return memoryview(bytearray(n)).cast("f", list(shape_zyx))


def view_cases(T, img):
    """(label, stmt, counts-for-target) for the view benchmarks."""
    return [
        ("(a) np.asarray(image)", "np.asarray(img)", True),
        ("(b) PB.GetArrayViewFromImage(image)", "PB.GetArrayViewFromImage(img)", True),
        ("(b') ndwrap.PyBuffer[T].GetArrayViewFromImage(image)",
         "ndwrap.PyBuffer[T].GetArrayViewFromImage(img)", False),
        ("(c) ndwrap.array_view_from_image(image)", "ndwrap.array_view_from_image(img)", True),
        ("    PB.GetArrayFromImage(image)  [copy=None: a view]", "PB.GetArrayFromImage(img)", False),
        ("    PB.GetArrayViewFromImage(image, keepAxes=True)",
         "PB.GetArrayViewFromImage(img, keepAxes=True)", False),
        ("(d) PB.GetImageViewFromArray(arr)", "PB.GetImageViewFromArray(arr)", True),
        ("(d') ndwrap.PyBuffer[T].GetImageViewFromArray(arr)",
         "ndwrap.PyBuffer[T].GetImageViewFromArray(arr)", False),
        ("(e) ndwrap.image_view_from_array(arr)", "ndwrap.image_view_from_array(arr)", True),
        ("    ndwrap.image_view_from_array(arr, ttype=T)",
         "ndwrap.image_view_from_array(arr, ttype=T)", False),
        ("    PB.GetImageFromArray(arr)  [copy=None: a view]", "PB.GetImageFromArray(arr)", False),
        ("    PB.GetImageViewFromArray(f_order_arr)  [strided view]",
         "PB.GetImageViewFromArray(farr)", False),
        ("    T._view(arr)  [the C entry point alone]", "T._view(arr)", False),
    ]


def bench_views(shape_zyx, repeat, results):
    T, img = make_image(shape_zyx, fill=1.0)
    PB = ndwrap.PyBuffer[T]
    arr = np.ones(shape_zyx, np.float32)
    farr = np.asfortranarray(arr)
    mv = reference_exporter(shape_zyx)
    ba = bytearray(int(np.prod(shape_zyx)) * 4)
    ns = dict(np=np, ndwrap=ndwrap, T=T, PB=PB, img=img, arr=arr, farr=farr, mv=mv, ba=ba)

    # sanity: every subject really is a zero-copy view of the right thing
    assert np.shares_memory(np.asarray(img), PB.GetArrayViewFromImage(img))
    assert np.asarray(mv).shape == arr.shape and np.asarray(mv).dtype == arr.dtype
    assert np.shares_memory(np.asarray(PB.GetImageViewFromArray(arr)), arr)
    assert np.shares_memory(np.asarray(ndwrap.image_view_from_array(arr)), arr)

    REF = "np.asarray(mv)"
    cases = [("REF np.asarray(memoryview.cast('f', shape))", REF, None)]
    cases += [(label, stmt, None) for label, stmt in (
        ("    np.asarray(memoryview(arr))  [info]", "np.asarray(memoryview(arr))"),
        ("    memoryview(arr)  [info: buffer from an ndarray]", "memoryview(arr)"),
        ("    np.frombuffer(bytearray, float32).reshape  [info]",
         "np.frombuffer(ba, np.float32).reshape(arr.shape)"),
    )]
    cases += view_cases(T, img)
    runs = time_round_robin([stmt for _, stmt, _ in cases], ns, repeat)
    ref_best = min(runs[REF])

    shape_txt = "x".join(str(s) for s in reversed(shape_zyx))
    table_rows, verdicts = [], []
    for label, stmt, counted in cases:
        best, med, rm = summary(runs[stmt], runs[REF])
        rb = best / ref_best
        mark = ""
        if counted:
            ok = rm <= VIEW_TARGET
            mark = verdict(ok)
            verdicts.append((f"{label.strip()} @ {shape_txt}", rm, ok))
        table_rows.append([label, f"{best * 1e9:.0f}", f"{med * 1e9:.0f}", f"{rb:.2f}",
                           f"{rm:.2f}", mark])
    results.setdefault("views", []).extend(verdicts)
    out(f"\n### Views, float32 image of size {shape_txt} (array shape {tuple(shape_zyx)})\n")
    out(table(["operation", "best ns", "median ns", "ratio best", "ratio median",
               f"<= {VIEW_TARGET:g}x"], table_rows, ["<", ">", ">", ">", ">", "<"]))
    out("\n'ratio best': best / best of REF; 'ratio median': median over rounds of"
        " (this run / the REF run of the same round).")


# ----------------------------------------------------------------------------
# 2. copies


def addr(a):
    return a.__array_interface__["data"][0]


def bench_copies(nbytes, repeat, results):
    n = nbytes // 4
    # (z, y, x) with x = 256 and y = 256
    shape = (n // (256 * 256), 256, 256)
    T, img = make_image(shape, fill=1.25)
    PB = ndwrap.PyBuffer[T]
    src = np.full(shape, 1.25, np.float32)
    dst = np.empty_like(src)
    dst[...] = 0  # touched: no page faults in the warm copies
    fsrc = np.asfortranarray(src)
    fimg = PB.GetImageViewFromArray(fsrc)  # an image with F-order strides
    ba = bytearray(nbytes)
    ns = dict(np=np, ndwrap=ndwrap, ctypes=ctypes, T=T, PB=PB, img=img, src=src, dst=dst,
              fsrc=fsrc, fimg=fimg, ba=ba, nbytes=nbytes, src_addr=addr(src),
              dst_addr=addr(dst))

    # sanity: the copies are copies, and right
    c = PB.GetArrayFromImage(img, copy=True)
    assert not np.shares_memory(c, np.asarray(img)) and c.shape == shape and c[0, 0, 0] == 1.25
    ci = PB.GetImageFromArray(src, copy=True)
    assert not np.shares_memory(np.asarray(ci), src)
    cf = PB.GetImageFromArray(fsrc, copy=True)
    assert np.asarray(cf).flags.c_contiguous and np.array_equal(np.asarray(cf), fsrc)
    cfa = PB.GetArrayFromImage(fimg, copy=True)
    assert cfa.flags.c_contiguous and np.array_equal(cfa, fsrc)
    del c, ci, cf, cfa

    FRESH = "np.copyto(np.empty_like(src), src)"
    WARM = "np.copyto(dst, src)"
    FTRANS = "np.ascontiguousarray(fsrc)"
    # (label, stmt, reference stmt, counted for the target)
    cases = [
        ("REF new array: np.copyto(np.empty_like(src), src)", FRESH, None, False),
        ("REF warm dst: np.copyto(dst, src)", WARM, None, False),
        ("    src.copy()  [info]", "src.copy()", None, False),
        ("    bytearray(ba)  [info: new bytearray]", "bytearray(ba)", None, False),
        ("    ctypes.memmove(dst, src, n)  [info: warm memcpy]",
         "ctypes.memmove(dst_addr, src_addr, nbytes)", None, False),
        ("PB.GetArrayFromImage(image, copy=True)", "PB.GetArrayFromImage(img, copy=True)",
         FRESH, True),
        ("ndwrap.array_from_image(image)", "ndwrap.array_from_image(img)", FRESH, True),
        ("    image._copy_into(dst)  [C copy, warm dst]", "img._copy_into(dst)", WARM, False),
        ("PB.GetImageFromArray(arr, copy=True)", "PB.GetImageFromArray(src, copy=True)",
         FRESH, True),
        ("ndwrap.image_from_array(arr)", "ndwrap.image_from_array(src)", FRESH, True),
        ("    T._view(arr)._copy()  [C copy alone]", "T._view(src)._copy()", FRESH, False),
        ("REF strided: np.ascontiguousarray(f_order_arr)", FTRANS, None, False),
        ("    np.copyto(dst, f_order_arr)  [info: warm dst]", "np.copyto(dst, fsrc)", None, False),
        ("PB.GetImageFromArray(f_order_arr, copy=True)  [info]",
         "PB.GetImageFromArray(fsrc, copy=True)", FTRANS, False),
        ("PB.GetArrayFromImage(f_strided_image, copy=True)  [info]",
         "PB.GetArrayFromImage(fimg, copy=True)", FTRANS, False),
    ]
    runs = time_round_robin([stmt for _, stmt, _, _ in cases], ns, repeat, number=1)

    table_rows = []
    for label, stmt, ref, counted in cases:
        best, med, _ = summary(runs[stmt])
        gbs_best, gbs_med = nbytes / best / 1e9, nbytes / med / 1e9
        r = rbest = ""
        mark = ""
        if ref is not None:
            # bandwidth ratio: median over rounds of (REF time / this time)
            ratio = statistics.median(b / a for a, b in zip(runs[stmt], runs[ref]))
            r = f"{ratio * 100:.0f}%"
            rbest = f"{min(runs[ref]) / best * 100:.0f}%"
            if counted:
                ok = ratio >= COPY_TARGET
                mark = verdict(ok)
                results.setdefault("copy", []).append(
                    (f"{label} @ {nbytes // MiB} MiB", ratio, ok))
        table_rows.append([label, f"{best * 1e3:.1f}", f"{med * 1e3:.1f}", f"{gbs_best:.2f}",
                           f"{gbs_med:.2f}", rbest, r, mark])
    out(f"\n### Copies, {nbytes // MiB} MiB float32 (array shape {shape})\n")
    out(table(["operation", "best ms", "median ms", "GB/s best", "GB/s median",
               "vs REF best", "vs REF median", f">= {COPY_TARGET:.0%}"], table_rows,
              ["<", ">", ">", ">", ">", ">", ">", "<"]))
    out("\nvs REF median: bandwidth of the row / bandwidth of its reference, median over rounds;"
        " vs REF best: best / best; the verdict uses the median"
        " (the 'new array' REF for rows that return a new object, the 'warm dst' REF for"
        " `_copy_into`, the strided REF for the F-order rows).")


# ----------------------------------------------------------------------------
# 3. memory


def bench_memory(iterations, results):
    T, img = make_image((64, 64, 64), fill=2.0)
    PB = ndwrap.PyBuffer[T]

    def rt_pybuffer(img):
        a = PB.GetArrayViewFromImage(img)
        im2 = PB.GetImageViewFromArray(a)
        return PB.GetArrayViewFromImage(im2)

    def rt_helpers(img):
        a = ndwrap.array_view_from_image(img)
        im2 = ndwrap.image_view_from_array(a)
        return ndwrap.array_view_from_image(im2)

    def rt_asarray(img):
        return np.asarray(T._view(np.asarray(img)))

    kept = []

    def control(img):  # the instrument: a known leak of ~100 B per iteration
        kept.append(bytes(64))
        return rt_pybuffer(img)

    rows = []
    for label, fn in (("PyBuffer[T] methods", rt_pybuffer), ("snake_case helpers", rt_helpers),
                      ("np.asarray / T._view", rt_asarray),
                      ("control: PyBuffer[T] + a kept 64-byte bytes", control)):
        for _ in range(500):  # warm-up: caches, allocator arenas
            fn(img)
        gc.collect()
        before = rss_kib()
        for _ in range(iterations):
            last = fn(img)
        del last
        gc.collect()
        after = rss_kib()
        # every view released: re-allocating must not raise BufferError
        try:
            img.Allocate()
            balanced = "yes"
        except BufferError:
            balanced = "NO (BufferError)"
        np.asarray(img)[...] = 2.0
        growth_mb = (after - before) / 1024
        ok = growth_mb < RSS_TARGET_MB
        if fn is control:
            mark = "(instrument check)"
            kept.clear()
        else:
            mark = verdict(ok)
            results.setdefault("memory", []).append((f"{label}", growth_mb, ok))
        rows.append([label, str(iterations), f"{before / 1024:.1f}", f"{after / 1024:.1f}",
                     f"{growth_mb:+.3f}", f"{(after - before) * 1024 / iterations:+.1f}",
                     balanced, mark])
    out("\n### Memory: view round trips image -> array view -> image view -> array view,"
        " 64^3 float32\n")
    out(table(["round trip via", "iterations", "RSS before MB", "RSS after MB", "growth MB",
               "bytes/iter", "exports balanced", f"< {RSS_TARGET_MB:g} MB"], rows,
              ["<", ">", ">", ">", ">", ">", "<", "<"]))


# ----------------------------------------------------------------------------
# 4. ITK side by side


def bench_itk(repeat, copy_repeat, copy_sizes, results):
    try:
        import itk
    except ImportError:
        out("\n### ITK side by side\n\n`itk` is not importable: skipped"
            " (`pip install itk-core` in a private venv to get this part).")
        return
    out(f"\n### ITK {itk.Version.GetITKVersion()} side by side (same process)\n")
    out("Ratios are to the same bare-exporter reference `np.asarray(mv)` as above.\n")

    for shape in ((100, 100, 100), (2, 2)):
        dim = len(shape)
        T, img = make_image(shape, fill=1.0)
        PB = ndwrap.PyBuffer[T]
        IT = itk.Image[itk.F, dim]
        iimg = IT.New()
        iimg.SetRegions(list(reversed(shape)))
        iimg.Allocate()
        IPB = itk.PyBuffer[IT]
        arr = np.ones(shape, np.float32)
        mv = reference_exporter(shape)
        ns = dict(np=np, ndwrap=ndwrap, itk=itk, T=T, PB=PB, IT=IT, IPB=IPB, img=img, iimg=iimg,
                  arr=arr, mv=mv)
        # warm ITK's lazy loading and template lookups
        itk.array_view_from_image(iimg)
        itk.image_view_from_array(arr)
        IPB.GetImageViewFromArray(arr)
        assert np.shares_memory(itk.array_view_from_image(iimg), IPB.GetArrayViewFromImage(iimg))
        assert np.shares_memory(np.asarray(iimg), itk.array_view_from_image(iimg))
        REF = "np.asarray(mv)"
        pairs = [
            ("(a) np.asarray(image)", "np.asarray(img)", "np.asarray(iimg)"),
            ("(b) PyBuffer[T].GetArrayViewFromImage", "PB.GetArrayViewFromImage(img)",
             "IPB.GetArrayViewFromImage(iimg)"),
            ("(c) array_view_from_image", "ndwrap.array_view_from_image(img)",
             "itk.array_view_from_image(iimg)"),
            ("(d) PyBuffer[T].GetImageViewFromArray", "PB.GetImageViewFromArray(arr)",
             "IPB.GetImageViewFromArray(arr)"),
            ("(e) image_view_from_array", "ndwrap.image_view_from_array(arr)",
             "itk.image_view_from_array(arr)"),
        ]
        stmts = [REF] + [x for _, a_, b_ in pairs for x in (a_, b_)]
        runs = time_round_robin(stmts, ns, repeat)
        rows = [["REF np.asarray(memoryview.cast)", f"{statistics.median(runs[REF]) * 1e9:.0f}",
                 "", "1.00", ""]]
        for label, s_nd, s_itk in pairs:
            _, a_med, a_r = summary(runs[s_nd], runs[REF])
            _, b_med, b_r = summary(runs[s_itk], runs[REF])
            rows.append([label, f"{a_med * 1e9:.0f}", f"{b_med * 1e9:.0f}", f"{a_r:.2f}",
                         f"{b_r:.2f}"])
        shape_txt = "x".join(str(s) for s in reversed(shape))
        out(f"\nViews, size {shape_txt} (median ns per call; ratio = median of per-round"
            " ratios to REF)\n")
        out(table(["operation", "ndwrap ns", "itk ns", "ndwrap ratio", "itk ratio"], rows))

    for nbytes in copy_sizes:
        n = nbytes // 4
        shape = (n // (256 * 256), 256, 256)
        T, img = make_image(shape, fill=1.25)
        PB = ndwrap.PyBuffer[T]
        IT = itk.Image[itk.F, 3]
        iimg = IT.New()
        iimg.SetRegions(list(reversed(shape)))
        iimg.Allocate()
        iimg.FillBuffer(1.25)
        src = np.full(shape, 1.25, np.float32)
        ns = dict(np=np, ndwrap=ndwrap, itk=itk, PB=PB, IT=IT, img=img, iimg=iimg, src=src)
        itk.GetImageFromArray(np.ones((2, 2, 2), np.float32))  # warm
        assert not np.shares_memory(itk.GetArrayFromImage(iimg), np.asarray(iimg))

        FRESH = "np.copyto(np.empty_like(src), src)"
        pairs = [
            ("image -> new array (array_from_image / GetArrayFromImage)",
             "ndwrap.array_from_image(img)", "itk.GetArrayFromImage(iimg)"),
            ("array -> new image (image_from_array / GetImageFromArray)",
             "ndwrap.image_from_array(src)", "itk.GetImageFromArray(src)"),
        ]
        stmts = [FRESH] + [x for _, a_, b_ in pairs for x in (a_, b_)]
        runs = time_round_robin(stmts, ns, copy_repeat, number=1)
        rows = [["REF np.copyto(np.empty_like(src), src)",
                 f"{nbytes / statistics.median(runs[FRESH]) / 1e9:.2f}", "", "100%", ""]]
        for label, s_nd, s_itk in pairs:
            ra = statistics.median(f / x for x, f in zip(runs[s_nd], runs[FRESH]))
            rb = statistics.median(f / x for x, f in zip(runs[s_itk], runs[FRESH]))
            rows.append([label, f"{nbytes / statistics.median(runs[s_nd]) / 1e9:.2f}",
                         f"{nbytes / statistics.median(runs[s_itk]) / 1e9:.2f}",
                         f"{ra * 100:.0f}%", f"{rb * 100:.0f}%"])
        out(f"\nCopies, {nbytes // MiB} MiB float32 (median GB/s)\n")
        out(table(["operation", "ndwrap GB/s", "itk GB/s", "ndwrap vs REF", "itk vs REF"], rows))


# ----------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats; 64 MiB copies only")
    ap.add_argument("--only", default="views,copy,memory,itk",
                    help="comma-separated sections: views, copy, memory, itk")
    ap.add_argument("--no-itk", action="store_true", help="skip the ITK comparison")
    ap.add_argument("--repeat", type=int, default=None, help="timeit repeats for views")
    ap.add_argument("--copy-repeat", type=int, default=None, help="repeats for copies")
    ap.add_argument("--copy-sizes", default=None,
                    help="comma-separated copy sizes in MiB (default 64,256; 64 with --quick)")
    ap.add_argument("--iterations", type=int, default=10_000, help="memory round trips")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    repeat = args.repeat or (7 if args.quick else 31)
    copy_repeat = args.copy_repeat or (3 if args.quick else 11)
    if args.copy_sizes:
        copy_sizes = tuple(int(x) * MiB for x in args.copy_sizes.split(","))
    else:
        copy_sizes = (64 * MiB,) if args.quick else (64 * MiB, 256 * MiB)

    info = machine_info()
    out("## ndwrap PyBuffer benchmarks\n")
    out(f"- machine: {info['nproc']} CPUs, {info['cpu']}, {info['platform']}")
    out(f"- Python {info['python']}, NumPy {info['numpy']}, ndwrap {info['ndwrap']}"
        f" ({os.path.dirname(ndwrap.__file__)})")
    out(f"- view repeats {repeat}, copy repeats {copy_repeat}")

    results = {}
    if "views" in only:
        bench_views((100, 100, 100), repeat, results)
        bench_views((2, 2), repeat, results)
    if "copy" in only:
        for nbytes in copy_sizes:
            bench_copies(nbytes, copy_repeat, results)
    if "memory" in only:
        bench_memory(args.iterations, results)
    if "itk" in only and not args.no_itk:
        bench_itk(repeat, copy_repeat, copy_sizes, results)

    out("\n### Targets\n")
    rows = []
    for label, ratio, ok in results.get("views", []):
        rows.append([f"view: {label}", f"{ratio:.2f}x (<= {VIEW_TARGET:g}x)", verdict(ok)])
    for label, ratio, ok in results.get("copy", []):
        rows.append([f"copy: {label}", f"{ratio:.0%} (>= {COPY_TARGET:.0%})", verdict(ok)])
    for label, mb, ok in results.get("memory", []):
        rows.append([f"memory: {label}", f"{mb:+.3f} MB (< {RSS_TARGET_MB:g} MB)", verdict(ok)])
    if rows:
        out(table(["target", "figure", "verdict"], rows, ["<", ">", "<"]))
    else:
        out("(no target measured in this run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
