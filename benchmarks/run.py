"""Issue 16's benchmark in one command: every conversion against its floor and
against itk / SimpleITK in the same process.

    PYTHONPATH=build/python python benchmarks/run.py            # ~3 minutes
    python benchmarks/run.py --quick                            # ~1 minute, no 512^3
    python benchmarks/run.py --write benchmarks/RESULTS.md      # replace the run.py section
    python benchmarks/run.py --build-time --wheel ...           # + clean build, wheel size

Image -> array rows carry two floors: the issue's ``np.asarray(bare exporter)``
(one live memoryview reused: no getbuffer at all) and "NumPy over a fresh
exporter", ``np.asarray`` of a minimal C exporter (CPython's ``_testbuffer``
re-exporting a buffer: a getbuffer/releasebuffer with no work of its own),
which every view of a fresh object pays (docs/design.rst "The floors").

Rows are timed in interleaved rounds: every round runs every row of a group
once, in a new random order, so each row and its floor see the same machine
state; figures are medians over rounds, spreads the min-max over rounds, and
"x floor" the median over rounds of (row / floor of the same round).  Each
timed operation's result is checked once in the same run (values, shapes,
sharing); a row whose check fails is marked WRONG and gets no verdict.
Peers (``pip install ".[bench]"``: itk, SimpleITK) that are not installed
are skipped.  Never part of pass/fail.
"""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import timeit

import numpy as np

import ndwrap

BEGIN = "<!-- benchmarks/run.py: begin (generated, do not edit by hand) -->"
END = "<!-- benchmarks/run.py: end -->"


def _peer(name):
    try:
        return __import__(name)
    except Exception:  # not installed (or broken): skipped
        return None


itk = _peer("itk")
sitk = _peer("SimpleITK")


class Row:
    def __init__(self, name, stmt, g, floor=None, check=None, target=None, kind="view",
                 info=False, floor2=None, number=None):
        self.name, self.stmt, self.g, self.floor2 = name, stmt, g, floor2
        self.number = number  # calls per timing, when not the group's
        self.floor, self.check, self.target, self.kind, self.info = floor, check, target, kind, info
        self.times = []
        self.ok = None
        self.error = None


def run_group(rows, rounds, number):
    """Interleaved random-order rounds; rows that raise are dropped (n/a)."""
    live = []
    for r in rows:
        try:
            timer = timeit.Timer(r.stmt, globals=r.g)
            timer.timeit(1)
            r.timer = timer
            live.append(r)
        except Exception as e:  # e.g. a spelling this build does not have
            r.error = f"{type(e).__name__}: {e}"[:80]
    for _ in range(rounds):
        random.shuffle(live)
        for r in live:
            k = r.number or number
            r.times.append(r.timer.timeit(k) / k)
    for r in live:
        if r.check is not None:
            try:
                r.ok = bool(r.check())
            except Exception as e:
                r.ok = False
                r.error = f"check: {type(e).__name__}: {e}"[:80]
    return rows


def ratio(r, by_name, floor=None):
    f = by_name.get(floor or r.floor)
    if f is None or not f.times or not r.times:
        return None
    return statistics.median(a / b for a, b in zip(r.times, f.times))


def fmt_time(s):
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    if s >= 1e-6:
        return f"{s * 1e6:.2f} µs"
    return f"{s * 1e9:.0f} ns"


def table(title, rows):
    by_name = {r.name: r for r in rows}
    two = any(r.floor2 for r in rows)
    out = [f"#### {title}", "",
           "| row | median | spread (min-max) | x floor |" + (" x fresh floor |" if two else "")
           + " target | verdict |",
           "|---|---:|---:|---:|" + ("---:|" if two else "") + "---:|---|"]
    for r in rows:
        if not r.times:
            out.append(f"| {r.name} | n/a | |{' |' if two else ''} | | {r.error or 'skipped'} |")
            continue
        med = statistics.median(r.times)
        x = ratio(r, by_name) if r.floor else None
        x2 = ratio(r, by_name, r.floor2) if r.floor2 else None
        verdict = ""
        if r.ok is False:
            verdict = "**WRONG** " + (r.error or "(wrong values)")
        elif r.target is not None and x is not None:
            verdict = "met" if x <= r.target else "**missed**"
            if x2 is not None:
                verdict += f"; fresh floor: {'met' if x2 <= r.target else '**missed**'}"
        elif r.info:
            verdict = "info"
        col2 = (f" {'' if x2 is None else f'{x2:.2f}'} |" if two else "")
        out.append(f"| {r.name} | {fmt_time(med)} | {fmt_time(min(r.times))} - "
                   f"{fmt_time(max(r.times))} | {'' if x is None else f'{x:.2f}'} |{col2} "
                   f"{'' if r.target is None else f'<= {r.target}'} | {verdict} |")
    return "\n".join(out) + "\n"


def breakdown(title, rows, spelling, pieces):
    """Where one spelling's median goes: `pieces` is a list of (label, how)
    where how is a row name (its median), or (a, b): median(a) - median(b)."""
    med = {r.name: statistics.median(r.times) for r in rows if r.times}
    if spelling not in med:
        return ""
    out = [f"#### Where the time goes: {title}", "", "| part | ns | share |", "|---|---:|---:|"]
    total = med[spelling]
    used = 0.0
    for label, how in pieces:
        if isinstance(how, tuple):
            if how[0] not in med or how[1] not in med:
                continue
            v = med[how[0]] - med[how[1]]
        elif how in med:
            v = med[how]
        else:
            continue
        used += v
        out.append(f"| {label} | {v * 1e9:.0f} | {v / total * 100:.0f} % |")
    out.append(f"| rest: the spelling's own work (argument and class checks, the call into C) | "
               f"{(total - used) * 1e9:.0f} | {(total - used) / total * 100:.0f} % |")
    out.append(f"| **total** `{spelling}` | {total * 1e9:.0f} | 100 % |")
    return "\n".join(out) + "\n"


def o1_table(groups):
    """Views are O(1) in the image size: each view row's x floor at 64^3
    against 512^3 (groups: {(n, ncomp): rows})."""
    out = ["#### Views are O(1) in the image size (x floor at 64^3 and 512^3, same floor)", "",
           "| row | pixels | 64^3 | 512^3 | 512^3 / 64^3 | verdict |", "|---|---|---:|---:|---:|---|"]
    for ncomp in (0, 3):
        small, big = groups.get((64, ncomp)), groups.get((512, ncomp))
        if not small or not big:
            continue
        sb = {r.name: r for r in small}
        bb = {r.name: r for r in big}
        for r in small:
            if r.target is None or not r.times or r.name not in bb or not bb[r.name].times:
                continue
            a, b = ratio(r, sb), ratio(bb[r.name], bb)
            if a is None or b is None:
                continue
            out.append(f"| {r.name} | {'vector' if ncomp else 'scalar'} | {a:.2f} | {b:.2f} | "
                       f"{b / a:.2f} | {'O(1)' if b / a <= 1.25 else '**grows**'} |")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------
# views


def bare_exporter(shape, dtype=np.float32):
    n = int(np.prod(shape)) * np.dtype(dtype).itemsize
    return memoryview(bytearray(n)).cast(np.dtype(dtype).char, shape)


try:
    import _testbuffer  # CPython's test exporter (absent from some distributions)
except ImportError:
    _testbuffer = None


def fresh_exporter(shape, dtype=np.float32):
    """A minimal C exporter of `shape`: each np.asarray() of it gets and
    releases a buffer (as any view of a fresh object must), doing no work
    of its own.  Without _testbuffer: a bytearray-backed memoryview made
    anew per call is the stand-in (np.asarray(memoryview(...)) then)."""
    if _testbuffer is None:
        return None
    return _testbuffer.ndarray(bare_exporter(shape, dtype), getbuf=_testbuffer.PyBUF_FULL_RO)


FLOOR = "floor: np.asarray(bare exporter)"
FRESH = ("floor (fresh): np.asarray(minimal C exporter)" if _testbuffer is not None else
         "floor (fresh): np.asarray(memoryview(ndarray))")


def make_image(size, ncomp):
    T = ndwrap.VectorImage[ndwrap.F, 3] if ncomp else ndwrap.Image[ndwrap.F, 3]
    arr = np.random.default_rng(1).random(
        tuple(reversed(size)) + ((ncomp,) if ncomp else ()), dtype=np.float32)
    img = ndwrap.image_from_array(arr, is_vector=bool(ncomp))
    return T, img, arr


def view_rows(n, ncomp):
    size = (n, n, n)
    T, img, arr = make_image(size, ncomp)
    vec = bool(ncomp)
    a_xyz = np.ascontiguousarray(arr.transpose((2, 1, 0, 3) if vec else (2, 1, 0)))
    g = dict(np=np, ndwrap=ndwrap, T=T, PB=ndwrap.PyBuffer[T], img=img, arr=arr, a_xyz=a_xyz,
             mv=bare_exporter(arr.shape), vec=vec)
    base = ndwrap.array_view_from_image(img)

    def shares(f):
        return lambda: (lambda a: np.shares_memory(a, base) and np.array_equal(a, arr))(f())

    def image_ok(f, src=arr, keep=False):
        def check():
            im = f()
            v = ndwrap.array_view_from_image(im, keep_axes=keep)
            return np.shares_memory(v, src) and np.array_equal(v, src)
        return check

    axes = "CXYZ" if vec else "XZY"
    perm = (3, 2, 1, 0) if vec else (2, 0, 1)
    tb = fresh_exporter(arr.shape)
    g.update(tb=tb, fn_avfi=ndwrap.array_view_from_image, fn_ivfa=ndwrap.image_view_from_array)
    fresh = "np.asarray(tb)" if tb is not None else "np.asarray(memoryview(arr))"
    F = FLOOR
    rows = [
        Row(F, "np.asarray(mv)", g),
        Row(FRESH, fresh, g, F),
        Row("floor: memoryview(ndarray)", "memoryview(arr)", g),
        Row("part: memoryview(image) (the image's getbuffer + release)", "memoryview(img)", g,
            "floor: memoryview(ndarray)", info=True),
        Row("part: memoryview(minimal C exporter) (a getbuffer + release doing nothing)",
            "memoryview(tb)" if tb is not None else "memoryview(mv)", g,
            "floor: memoryview(ndarray)", info=True),
        Row("ref: np.asarray(memoryview(ndarray)) (NumPy's own exporter, fresh)",
            "np.asarray(memoryview(arr))", g, F, info=True),
        Row("part: the attribute ndwrap.array_view_from_image (module lookup)",
            "ndwrap.array_view_from_image", g, info=True),
        Row("part: the attribute PB.GetArrayViewFromImage (class lookup)",
            "PB.GetArrayViewFromImage", g, info=True),
        Row("part: array_view_from_image(image) through a local name (no lookup)",
            "fn_avfi(img)", g, F, info=True, floor2=FRESH),
        Row("np.asarray(image)", "np.asarray(img)", g, F,
            shares(lambda: np.asarray(img)), 1.5, floor2=FRESH),
        Row("PyBuffer[T].GetArrayViewFromImage(image)", "PB.GetArrayViewFromImage(img)", g, F,
            shares(lambda: g["PB"].GetArrayViewFromImage(img)), 1.5, floor2=FRESH),
        Row("ndwrap.PyBuffer[T].GetArrayViewFromImage(image) (lookup included)",
            "ndwrap.PyBuffer[T].GetArrayViewFromImage(img)", g, F, None, 1.5, floor2=FRESH),
        Row("array_view_from_image(image)", "ndwrap.array_view_from_image(img)", g, F,
            shares(lambda: ndwrap.array_view_from_image(img)), 1.5, floor2=FRESH),
        Row("array_view_from_image(image, keep_axes=True)",
            "ndwrap.array_view_from_image(img, keep_axes=True)", g, F,
            lambda: np.array_equal(ndwrap.array_view_from_image(img, keep_axes=True), a_xyz), 1.5,
            floor2=FRESH),
        Row(f"array_view_from_image(image, axes={axes!r})",
            f"ndwrap.array_view_from_image(img, axes={axes!r})", g, F,
            lambda: np.array_equal(ndwrap.array_view_from_image(img, axes=axes),
                                   arr.transpose(perm)), 1.5, floor2=FRESH),
        Row("part: T._view(arr) (SWIG entry: acquisition + a new image object)",
            "T._view(arr, vec)", g, "floor: memoryview(ndarray)", info=True),
        Row("part: the attribute ndwrap.image_view_from_array (module lookup)",
            "ndwrap.image_view_from_array", g, info=True),
        Row("part: image_view_from_array(arr) through a local name (no lookup)",
            "fn_ivfa(arr, vec)", g, "floor: memoryview(ndarray)", info=True),
        Row("PyBuffer[T].GetImageViewFromArray(arr)", "PB.GetImageViewFromArray(arr, vec)", g,
            "floor: memoryview(ndarray)", image_ok(lambda: g["PB"].GetImageViewFromArray(arr, vec)),
            2.0),
        Row("image_view_from_array(arr)", "ndwrap.image_view_from_array(arr, vec)", g,
            "floor: memoryview(ndarray)", image_ok(lambda: ndwrap.image_view_from_array(arr, vec)),
            2.0),
        Row("image_view_from_array(a_xyz, keep_axes=True)",
            "ndwrap.image_view_from_array(a_xyz, vec, keep_axes=True)", g,
            "floor: memoryview(ndarray)",
            image_ok(lambda: ndwrap.image_view_from_array(a_xyz, vec, keep_axes=True), a_xyz, True),
            2.0),
        Row(f"image_view_from_array(a, axes={axes!r})",
            f"ndwrap.image_view_from_array(a_axes, axes={axes!r})", g,
            "floor: memoryview(ndarray)",
            image_ok(lambda: ndwrap.image_view_from_array(g["a_axes"], axes=axes), arr), 2.0),
    ]
    g["a_axes"] = arr.transpose(perm)
    if itk is not None:
        IT = itk.VectorImage[itk.F, 3] if vec else itk.Image[itk.F, 3]
        iimg = itk.image_from_array(arr, is_vector=vec)
        g.update(itk=itk, IPB=itk.PyBuffer[IT], iimg=iimg)
        rows += [
            Row("itk: PyBuffer[IT].GetArrayViewFromImage(image)", "IPB.GetArrayViewFromImage(iimg)",
                g, F,
                lambda: np.array_equal(g["IPB"].GetArrayViewFromImage(iimg), arr)),
            Row("itk: array_view_from_image(image)", "itk.array_view_from_image(iimg)", g,
                F,
                lambda: np.array_equal(itk.array_view_from_image(iimg), arr)),
            Row("itk: array_view_from_image(image, keep_axes=True)",
                "itk.array_view_from_image(iimg, keep_axes=True)", g,
                F,
                lambda: np.array_equal(itk.array_view_from_image(iimg, keep_axes=True), a_xyz)),
            Row("itk: PyBuffer[IT].GetImageViewFromArray(arr)",
                "IPB.GetImageViewFromArray(arr, vec)", g, "floor: memoryview(ndarray)",
                lambda: np.array_equal(itk.array_from_image(
                    g["IPB"].GetImageViewFromArray(arr, vec)), arr)),
            Row("itk: image_view_from_array(arr)", "itk.image_view_from_array(arr, vec)", g,
                "floor: memoryview(ndarray)",
                lambda: np.array_equal(itk.array_from_image(
                    itk.image_view_from_array(arr, vec)), arr)),
        ]
    if sitk is not None:
        simg = sitk.GetImageFromArray(arr, isVector=vec)
        g.update(sitk=sitk, simg=simg)
        rows.append(Row("SimpleITK: GetArrayViewFromImage(image)", "sitk.GetArrayViewFromImage(simg)",
                        g, F,
                        lambda: np.array_equal(sitk.GetArrayViewFromImage(simg), arr)))
    return rows


def vnl_rows(n, matrix):
    shape = (n, n) if matrix else (n,)
    x = np.random.default_rng(2).random(shape, dtype=np.float32)
    P = ndwrap.PyVnl[ndwrap.F]
    kind = "Matrix" if matrix else "Vector"
    v = getattr(P, f"GetVnl{kind}FromArray")(x, copy=True)
    tb = fresh_exporter(shape)
    g = dict(np=np, ndwrap=ndwrap, P=P, x=x, v=v, mv=bare_exporter(shape), tb=tb)
    F = FLOOR
    big = 20 if x.size > 10**5 else None  # copies of 4 MB: 20 calls a timing, views many
    rows = [
        Row(F, "np.asarray(mv)", g),
        Row(FRESH, "np.asarray(tb)" if tb is not None else "np.asarray(memoryview(x))", g, F),
        Row("floor: memoryview(ndarray)", "memoryview(x)", g),
        Row("floor: ndarray.copy()", "x.copy()", g, number=big),
        Row(f"PyVnl[F].GetArrayViewFromVnl{kind}(v)", f"P.GetArrayViewFromVnl{kind}(v)", g,
            F, lambda: np.array_equal(getattr(P, f"GetArrayViewFromVnl{kind}")(v), x), 1.5,
            floor2=FRESH),
        Row(f"PyVnl[F].GetVnl{kind}ViewFromArray(x)", f"P.GetVnl{kind}ViewFromArray(x)", g,
            "floor: memoryview(ndarray)",
            lambda: np.shares_memory(np.asarray(getattr(P, f"GetVnl{kind}ViewFromArray")(x)), x),
            2.0),
        Row(f"PyVnl[F].GetVnl{kind}FromArray(x, copy=True)",
            f"P.GetVnl{kind}FromArray(x, copy=True)", g, "floor: ndarray.copy()",
            lambda: np.array_equal(np.asarray(getattr(P, f"GetVnl{kind}FromArray")(x, copy=True)),
                                   x), 1.1, number=big),
        Row(f"PyVnl[F].GetArrayFromVnl{kind}(v, copy=True)",
            f"P.GetArrayFromVnl{kind}(v, copy=True)", g, "floor: ndarray.copy()",
            lambda: np.array_equal(getattr(P, f"GetArrayFromVnl{kind}")(v, copy=True), x), 1.1,
            number=big),
    ]
    if itk is not None:
        IP = itk.PyVnl[itk.F]
        iv = getattr(IP, f"GetVnl{kind}FromArray")(x)
        g.update(IP=IP, iv=iv)
        rows += [
            Row(f"itk: PyVnl[F].GetArrayViewFromVnl{kind}(v)", f"IP.GetArrayViewFromVnl{kind}(iv)",
                g, F,
                lambda: np.array_equal(getattr(IP, f"GetArrayViewFromVnl{kind}")(iv), x)),
            Row(f"itk: PyVnl[F].GetVnl{kind}FromArray(x)", f"IP.GetVnl{kind}FromArray(x)", g,
                "floor: ndarray.copy()",
                lambda: np.array_equal(getattr(IP, f"GetArrayFromVnl{kind}")(
                    getattr(IP, f"GetVnl{kind}FromArray")(x)), x), number=big),
            Row(f"itk: PyVnl[F].GetArrayFromVnl{kind}(v)", f"IP.GetArrayFromVnl{kind}(iv)", g,
                "floor: ndarray.copy()",
                lambda: np.array_equal(getattr(IP, f"GetArrayFromVnl{kind}")(iv), x),
                number=big),
        ]
    return rows


def lookup_rows():
    T = ndwrap.Image[ndwrap.F, 3]
    g = dict(ndwrap=ndwrap, T=T, F=ndwrap.F, d={T: 1}, d2={(ndwrap.F, 3): T})
    rows = [
        Row("floor: a dict hit", "d[T]", g),
        Row("ref: a dict keyed by pairs, d2[F, 3] (builds and hashes the tuple, as the "
            "Image spelling builds it)", "d2[F, 3]", g, "floor: a dict hit", info=True),
        Row("ndwrap.Image[ndwrap.F, 3]", "ndwrap.Image[F, 3]", g, "floor: a dict hit",
            lambda: ndwrap.Image[ndwrap.F, 3] is T),
        Row("ndwrap.PyBuffer[T]", "ndwrap.PyBuffer[T]", g, "floor: a dict hit",
            lambda: ndwrap.PyBuffer[T].ImageType is T),
        Row("ndwrap.PyVnl[ndwrap.F]", "ndwrap.PyVnl[F]", g, "floor: a dict hit",
            lambda: ndwrap.PyVnl[ndwrap.F].ElementType is ndwrap.F),
    ]
    if itk is not None:
        g["itk"] = itk
        rows += [Row("itk: itk.Image[itk.F, 3]", "itk.Image[itk.F, 3]", g, "floor: a dict hit"),
                 Row("itk: itk.PyVnl[itk.F]", "itk.PyVnl[itk.F]", g, "floor: a dict hit")]
    return rows


def geometry_rows():
    """ITK's four index <-> physical point transforms on a 3-d image with
    spacing, origin and a rotation; peers doing the same, each divided by
    ndwrap's row ('x floor' of a peer row: how many times ndwrap's time)."""
    sp, org = (0.5, 0.7, 1.2), (1.0, 2.0, 3.0)
    rot = ((0.0, -1.0, 0.0), (1.0, 0.0, 0.0), (0.0, 0.0, 1.0))
    im = ndwrap.Image[ndwrap.F, 3].New()
    im.SetSpacing(sp), im.SetOrigin(org), im.SetDirection(rot)
    g = dict(im=im, i=(3, 4, 5), c=(3.5, 4.0, 5.0), p=(3.0, 4.0, 5.0))
    want_p = tuple(np.asarray(org) + np.asarray(rot) @ (np.asarray(sp) * (3, 4, 5)))
    names = ("TransformIndexToPhysicalPoint(i)", "TransformContinuousIndexToPhysicalPoint(c)",
             "TransformPhysicalPointToIndex(p)", "TransformPhysicalPointToContinuousIndex(p)")
    m = np.asarray(rot) * np.asarray(sp)
    cont = np.linalg.solve(m, np.asarray(g["p"]) - org)
    want = dict(zip(names, (want_p, tuple(org + m @ np.asarray(g["c"])),
                            tuple(np.floor(cont + 0.5)), tuple(cont))))

    def check(stmt, n):  # every row's result, against NumPy's
        return lambda: np.allclose([float(x) for x in eval(stmt, g)], want[n])

    rows = [Row(f"ndwrap: {n}", f"im.{n}", g, check=check(f"im.{n}", n)) for n in names]
    peers = []
    if itk is not None:
        ii = itk.Image[itk.F, 3].New()
        ii.SetSpacing(sp), ii.SetOrigin(org)
        ii.SetDirection(itk.matrix_from_array(np.asarray(rot)))
        ci = itk.ContinuousIndex[itk.D, 3]()
        for k, v in enumerate((3.5, 4.0, 5.0)):
            ci.SetElement(k, v)
        g.update(ii=ii, ci=ci)
        peers += [("itk", "ii", "ci")]
    if sitk is not None:
        si = sitk.Image(4, 4, 4, sitk.sitkFloat32)
        si.SetSpacing(sp), si.SetOrigin(org)
        si.SetDirection(tuple(x for r in rot for x in r))
        g["si"] = si
        peers += [("SimpleITK", "si", "c")]
    for peer, obj, cont in peers:
        for n in names:
            stmt = f"{obj}.{n}".replace("(c)", f"({cont})")
            rows.append(Row(f"{peer}: {n}", stmt, g, f"ndwrap: {n}", check=check(stmt, n)))
    return rows


# ----------------------------------------------------------------------------
# copies


def copy_rows(n, ncomp):
    T, img, arr = make_image((n, n, n), ncomp)
    vec = bool(ncomp)
    tr = (2, 1, 0, 3) if vec else (2, 1, 0)
    a_xyz = np.ascontiguousarray(arr.transpose(tr))
    g = dict(np=np, ndwrap=ndwrap, img=img, arr=arr, a_xyz=a_xyz, vec=vec, tr=tr)

    def new_image_equals(f, src=arr, keep=False):
        def check():
            v = ndwrap.array_view_from_image(f(), keep_axes=keep)
            return not np.shares_memory(v, src) and np.array_equal(v, src)
        return check

    floor = "floor: np.copyto(np.empty_like(a), a)"
    rows = [
        Row(floor, "np.copyto(np.empty_like(arr), arr)", g),
    ]
    if n <= 256:  # seconds per round at 512^3
        rows.append(Row("info: NumPy's transposing copy np.ascontiguousarray(a_xyz.transpose(...))",
                        "np.ascontiguousarray(a_xyz.transpose(tr))", g, floor, info=True))
    rows += [
        Row("array_from_image(image)", "ndwrap.array_from_image(img)", g, floor,
            lambda: np.array_equal(ndwrap.array_from_image(img), arr), 1.1, "copy"),
        Row("array_from_image(image, keep_axes=True)", "ndwrap.array_from_image(img, keep_axes=True)",
            g, floor, lambda: np.array_equal(ndwrap.array_from_image(img, keep_axes=True), a_xyz),
            1.1, "copy"),
        Row("image_from_array(arr)", "ndwrap.image_from_array(arr, vec)", g, floor,
            new_image_equals(lambda: ndwrap.image_from_array(arr, vec)), 1.1, "copy"),
        Row("image_from_array(a_xyz, keep_axes=True) (transposing)",
            "ndwrap.image_from_array(a_xyz, vec, keep_axes=True)", g, floor,
            new_image_equals(lambda: ndwrap.image_from_array(a_xyz, vec, keep_axes=True), a_xyz,
                             True), 1.1, "copy"),
    ]
    if itk is not None:
        iimg = itk.image_from_array(arr, is_vector=vec)
        IT = itk.VectorImage[itk.F, 3] if vec else itk.Image[itk.F, 3]
        g.update(itk=itk, iimg=iimg, IPB=itk.PyBuffer[IT])
        rows += [
            Row("itk: array_from_image(image)", "itk.array_from_image(iimg)", g, floor,
                lambda: np.array_equal(itk.array_from_image(iimg), arr), kind="copy"),
            Row("itk: image_from_array(arr)", "itk.image_from_array(arr, is_vector=vec)", g, floor,
                lambda: np.array_equal(itk.array_from_image(
                    itk.image_from_array(arr, is_vector=vec)), arr), kind="copy"),
        ]
    if sitk is not None:
        simg = sitk.GetImageFromArray(arr, isVector=vec)
        g.update(sitk=sitk, simg=simg)
        rows += [
            Row("SimpleITK: GetArrayFromImage(image)", "sitk.GetArrayFromImage(simg)", g, floor,
                lambda: np.array_equal(sitk.GetArrayFromImage(simg), arr), kind="copy"),
            Row("SimpleITK: GetImageFromArray(arr)", "sitk.GetImageFromArray(arr, isVector=vec)", g,
                floor, lambda: np.array_equal(sitk.GetArrayFromImage(
                    sitk.GetImageFromArray(arr, isVector=vec)), arr), kind="copy"),
        ]
    return rows


# ----------------------------------------------------------------------------
# import time (fresh interpreters)


def import_times(runs):
    code = ("import sys, time; t0 = time.perf_counter(); import {mod}; t1 = time.perf_counter(); "
            "{lookup}; t2 = time.perf_counter(); "
            "print(t1 - t0, t2 - t1, 'numpy' in sys.modules)")
    cases = [("bare interpreter", "sys", "None")]
    cases.append(("import ndwrap; ndwrap.Image[ndwrap.F, 3]", "ndwrap", "ndwrap.Image[ndwrap.F, 3]"))
    if itk is not None:
        cases.append(("import itk; itk.Image[itk.F, 3]", "itk", "itk.Image[itk.F, 3]"))
    if sitk is not None:
        cases.append(("import SimpleITK; sitk.Image(...)", "SimpleITK",
                      "SimpleITK.Image(4, 4, 4, SimpleITK.sitkFloat32)"))
    out = {}
    # byte code as an installed package has it: written once, then read
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for _, mod, lookup in cases:  # warm-up: writes __pycache__, warms the file cache
        subprocess.run([sys.executable, "-c", code.format(mod=mod, lookup=lookup)],
                       capture_output=True, env=env)
    order = [c for c in cases for _ in range(runs)]
    random.shuffle(order)
    walls = {}
    for name, mod, lookup in order:
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code.format(mod=mod, lookup=lookup)],
                             capture_output=True, text=True, env=env)
        wall = time.perf_counter() - t0
        if res.returncode != 0:
            continue
        imp, first, has_np = res.stdout.split()
        out.setdefault(name, []).append((float(imp), float(first), has_np == "True"))
        walls.setdefault(name, []).append(wall)
    lines = ["#### Import and first lookup (fresh interpreters, medians of "
             f"{runs} runs each, random order)", "",
             "| case | whole process | import | first lookup | NumPy imported |",
             "|---|---:|---:|---:|---|"]
    for name, _, _ in cases:
        if name not in out:
            lines.append(f"| {name} | failed | | | |")
            continue
        imp = statistics.median(x[0] for x in out[name])
        first = statistics.median(x[1] for x in out[name])
        lines.append(f"| {name} | {fmt_time(statistics.median(walls[name]))} | {fmt_time(imp)} | "
                     f"{fmt_time(first)} | {'yes' if out[name][0][2] else 'no'} |")
    return "\n".join(lines) + "\n"


def installed_size():
    root = os.path.dirname(ndwrap.__file__)
    total = 0
    for d, _, files in os.walk(root):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
    return total


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    return (f"{os.cpu_count()} CPUs, {model}, {platform.platform()}; Python "
            f"{platform.python_version()}, NumPy {np.__version__}, ndwrap from "
            f"{os.path.dirname(ndwrap.__file__)}; itk {getattr(itk, '__version__', 'not installed')}, "
            f"SimpleITK {getattr(sitk, '__version__', 'not installed')}")


def build_time(jobs):
    """A clean Release configure + build of this checkout in a temporary
    folder (the default options, Python on, no tests): seconds, sizes."""
    import shutil
    import tempfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bindir = os.path.dirname(sys.executable)
    cmake = shutil.which("cmake", path=bindir) or shutil.which("cmake")
    ninja = shutil.which("ninja", path=bindir) or shutil.which("ninja")
    swig = shutil.which("swig", path=bindir) or shutil.which("swig")
    if cmake is None:
        return "#### Clean build\n\nskipped: no cmake\n"
    with tempfile.TemporaryDirectory(prefix="ndw-buildtime-") as tmp:
        b = os.path.join(tmp, "build")
        cfg = [cmake, "-S", root, "-B", b, "-DCMAKE_BUILD_TYPE=Release", "-DBUILD_TESTING=OFF",
               "-DNDW_INSTALL=OFF", f"-DPython3_EXECUTABLE={sys.executable}"]
        if ninja:
            cfg += ["-G", "Ninja", f"-DCMAKE_MAKE_PROGRAM={ninja}"]
        if swig:
            cfg.append(f"-DSWIG_EXECUTABLE={swig}")
        t0 = time.perf_counter()
        r = subprocess.run(cfg, capture_output=True, text=True)
        t1 = time.perf_counter()
        if r.returncode != 0:
            return f"#### Clean build\n\nconfigure failed: {r.stderr[-300:]}\n"
        r = subprocess.run([cmake, "--build", b, "-j", str(jobs)], capture_output=True, text=True)
        t2 = time.perf_counter()
        if r.returncode != 0:
            return f"#### Clean build\n\nbuild failed: {r.stdout[-300:]}\n"
        sizes = {}
        for d, _, files in os.walk(b):
            for f in files:
                if f.endswith("_wrap.c") or (f.startswith("_ndwcore") and f.endswith(".so")) or \
                        f.startswith("libndwrap.so."):
                    p = os.path.join(d, f)
                    if not os.path.islink(p):
                        sizes[f] = os.path.getsize(p)
    lines = ["#### Clean build (Release, default options, Python on, no tests; "
             f"`cmake --build -j {jobs}`)", "", "| step | time |", "|---|---:|",
             f"| configure | {t1 - t0:.1f} s |", f"| build | {t2 - t1:.1f} s |",
             f"| **total** | {t2 - t0:.1f} s |", ""]
    lines += [f"- {name}: {size / 2**20:.1f} MiB" for name, size in sorted(sizes.items())]
    return "\n".join(lines) + "\n"


def wheel_size():
    """`pip wheel` of this checkout (no build isolation: the venv's
    scikit-build-core, cmake, ninja, swig): wheel and unpacked sizes."""
    import tempfile
    import zipfile
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix="ndw-wheel-") as tmp:
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-w", tmp, root,
                            "--config-settings=build-dir=" + os.path.join(tmp, "build")],
                           capture_output=True, text=True)
        t1 = time.perf_counter()
        wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
        if r.returncode != 0 or not wheels:
            return f"#### Wheel\n\npip wheel failed: {(r.stderr or r.stdout)[-300:]}\n"
        w = os.path.join(tmp, wheels[0])
        with zipfile.ZipFile(w) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            biggest = sorted(z.infolist(), key=lambda i: -i.file_size)[:3]
        size = os.path.getsize(w)
    lines = ["#### Installed size (`pip wheel .`, not auditwheel-repaired)", "",
             "| what | size |", "|---|---:|", f"| wheel `{wheels[0]}` | {size / 2**10:.0f} KiB |",
             f"| unpacked (installed) | {unpacked / 2**20:.1f} MiB |",
             f"| `pip wheel` (configure + build + pack) | {t1 - t0:.0f} s |", "",
             "Largest files: " + ", ".join(f"`{i.filename}` {i.file_size / 2**10:.0f} KiB"
                                           for i in biggest)]
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="fewer rounds, no 512^3")
    p.add_argument("--write", metavar="RESULTS.md", help="replace the run.py section of this file")
    p.add_argument("--seed", type=int, default=16)
    p.add_argument("--build-time", action="store_true",
                   help="also time a clean Release configure + build in a temporary folder")
    p.add_argument("--wheel", action="store_true",
                   help="also build a wheel (pip wheel, no isolation): wheel and unpacked size")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="build jobs")
    args = p.parse_args(argv)
    random.seed(args.seed)
    q = args.quick
    start = time.perf_counter()
    parts = [f"- machine: {machine()}",
             f"- installed size of the ndwrap package (this build's folder): "
             f"{installed_size() / 2**20:.1f} MiB",
             f"- command: `python benchmarks/run.py{' --quick' if q else ''}"
             f"{' --build-time' if args.build_time else ''}{' --wheel' if args.wheel else ''}`",
             ""]
    vr, vn = (9, 500) if q else (15, 1000)
    groups = {}
    for n in (64, 512):
        for ncomp in (0, 3):
            rows = run_group(view_rows(n, ncomp), vr, vn)
            for r in rows:  # keep the times, not the images (512^3: GiBs)
                r.g = r.timer = r.check = None
            groups[n, ncomp] = rows
            kind = "vector (3 components)" if ncomp else "scalar"
            parts.append(table(f"Views, float32 {kind} image {n}^3 (targets: image->array "
                               "1.5x, array->image 2x)", rows))
            print(parts[-1], flush=True)
    parts.append(o1_table(groups))
    print(parts[-1], flush=True)
    rows = groups[64, 0]
    mvi = "part: memoryview(image) (the image's getbuffer + release)"
    mvt = "part: memoryview(minimal C exporter) (a getbuffer + release doing nothing)"
    parts.append(breakdown("`array_view_from_image(image)`, scalar 64^3", rows,
                           "array_view_from_image(image)", [
                               ("NumPy over a fresh minimal exporter (the fresh floor)", FRESH),
                               ("our getbuffer + release above a minimal exporter's", (mvi, mvt)),
                               ("the module attribute lookup",
                                "part: the attribute ndwrap.array_view_from_image (module lookup)"),
                           ]))
    parts.append(breakdown("`PyBuffer[T].GetArrayViewFromImage(image)`, scalar 64^3", rows,
                           "PyBuffer[T].GetArrayViewFromImage(image)", [
                               ("NumPy over a fresh minimal exporter (the fresh floor)", FRESH),
                               ("our getbuffer + release above a minimal exporter's", (mvi, mvt)),
                               ("the class attribute lookup",
                                "part: the attribute PB.GetArrayViewFromImage (class lookup)"),
                           ]))
    parts.append(breakdown("`image_view_from_array(arr)`, scalar 64^3", rows,
                           "image_view_from_array(arr)", [
                               ("NumPy's getbuffer + release of the array (the floor)",
                                "floor: memoryview(ndarray)"),
                               ("the module attribute lookup",
                                "part: the attribute ndwrap.image_view_from_array (module lookup)"),
                           ]))
    print(*parts[-3:], sep="\n", flush=True)
    for n, matrix in ((1000, False), (10**6, False), (1000, True)):
        rows = run_group(vnl_rows(n, matrix), vr, vn)  # the copies of 4 MB: 20 (vnl_rows)
        parts.append(table(f"vnl, float32 {'matrix 1000x1000' if matrix else f'vector n={n}'}",
                           rows))
        print(parts[-1], flush=True)
    rows = run_group(lookup_rows(), vr, vn * 5)
    parts.append(table("Registry lookups (repeated)", rows))
    print(parts[-1], flush=True)
    rows = run_group(geometry_rows(), vr, vn)
    parts.append(table("Index <-> physical point, 3-d, rotated (peers: x ndwrap's time)", rows))
    print(parts[-1], flush=True)
    sizes = [(64, 15), (256, 5)] + ([] if q else [(512, 5)])
    for n, rounds in sizes:
        for ncomp in (0, 3):
            rows = run_group(copy_rows(n, ncomp), 3 if q else rounds, 1)
            kind = "vector (3 components)" if ncomp else "scalar"
            parts.append(table(f"Copies into fresh memory, float32 {kind} {n}^3 (target 1.1x of "
                               "np.copyto)", rows))
            print(parts[-1], flush=True)
    parts.append(import_times(3))
    print(parts[-1], flush=True)
    if args.build_time:
        parts.append(build_time(args.jobs))
        print(parts[-1], flush=True)
    if args.wheel:
        parts.append(wheel_size())
        print(parts[-1], flush=True)
    parts.append(f"Run time: {time.perf_counter() - start:.0f} s.\n")
    body = "\n".join(parts)
    if args.write:
        with open(args.write) as f:
            text = f.read()
        section = f"{BEGIN}\n{body}\n{END}"
        if BEGIN in text and END in text:
            text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        with open(args.write, "w") as f:
            f.write(text)
    print(f"done in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
