#!/usr/bin/env python3
"""Where the time of ndwrap's NumPy bridge goes: the pieces of
``Wrapping/Python/ndwrap/pybuffer.py`` timed one by one, a cProfile of each
public entry point, what-if fast paths (written here, outside the package,
to show what a change would buy), and the allocation experiment behind the
array -> new image copy bandwidth.

    cd /tmp && PYTHONPATH=/path/to/build/python python /path/to/benchmarks/profile_pybuffer.py

Not a test; prints tables. Reads private names of ``ndwrap.pybuffer`` and
``ndwrap._registry`` on purpose: it measures them.
"""
from __future__ import annotations

import argparse
import cProfile
import ctypes
import ctypes.util
import io
import mmap
import pstats
import statistics
import sys
import timeit

import numpy as np

import ndwrap
from ndwrap import _registry as _reg
from ndwrap import pybuffer as _pb

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from bench_pybuffer import (  # noqa: E402
    MiB, machine_info, make_image, out, reference_exporter, summary, table, time_round_robin,
    time_stmt,
)


def piece_table(title, ns, cases, repeat):
    """Time every piece in rounds with the reference; median ns and the
    median of per-round ratios to the reference."""
    REF = "np.asarray(mv)"
    runs = time_round_robin([REF] + [stmt for _, stmt in cases], ns, repeat)
    rows = [["REF np.asarray(memoryview.cast)", f"{statistics.median(runs[REF]) * 1e9:.0f}",
             "1.00"]]
    for label, stmt in cases:
        _, med, ratio = summary(runs[stmt], runs[REF])
        rows.append([label, f"{med * 1e9:.0f}", f"{ratio:.2f}"])
    out(f"\n### {title}\n")
    out(table(["piece", "median ns", "x REF"], rows))


# ----------------------------------------------------------------------------
# what-if fast paths (not part of ndwrap: sketches of suggested changes)

_ALLOC_MSG = "the image is not allocated: call Allocate() first"


def whatif_array_view(image):
    """array_view_from_image without the _is_allocated() call: check the
    result instead (a failed getbuffer makes np.asarray return a 0-d object
    array, and an image never gives a 0-d array)."""
    a = np.asarray(image)
    if a.ndim == 0:
        raise RuntimeError(f"{type(image).__name__}: {_ALLOC_MSG}")
    return a


class WhatIfPB:
    ImageType = None

    @classmethod
    def GetArrayViewFromImage(cls, image, keepAxes=False, keep_axes=None):
        if type(image) is not cls.ImageType:
            raise TypeError("wrong image type")
        a = np.asarray(image)
        if a.ndim == 0:
            raise RuntimeError(_ALLOC_MSG)
        if keepAxes or keep_axes:
            a = a.T  # a scalar image; a vector image would use a cached perm
        return a

    @classmethod
    def GetImageViewFromArray(cls, arr, is_vector=False, keepAxes=False, keep_axes=None):
        if not (keepAxes or keep_axes):
            try:
                return cls.ImageType._view(arr, is_vector)
            except TypeError:
                pass  # fall through to the full path for the precise error
        return _pb._import(cls.ImageType, arr, is_vector, False,
                           _pb._pick_keep_axes(keepAxes, keep_axes))


_TYPE_BY_DTYPE = {}


def whatif_image_view_from_array(arr, is_vector=False, ttype=None, keep_axes=False,
                                 spacing=None, origin=None, direction=None):
    """image_view_from_array with a (dtype, ndim, is_vector) -> class cache
    and no _set_metadata call when no metadata is given."""
    t = None
    if ttype is None and not keep_axes:
        try:
            t = _TYPE_BY_DTYPE[arr.dtype, arr.ndim, is_vector]
        except (KeyError, AttributeError, TypeError):
            pass
    if t is None:
        t = _pb._image_type_for(arr, is_vector, ttype)
        if ttype is None and isinstance(arr, np.ndarray):
            _TYPE_BY_DTYPE[arr.dtype, arr.ndim, is_vector] = t
    if not keep_axes:
        try:
            im = t._view(arr, is_vector)
        except TypeError:
            im = _pb._import(t, arr, is_vector, False, keep_axes)
    else:
        im = _pb._import(t, arr, is_vector, False, keep_axes)
    if spacing is None and origin is None and direction is None:
        return im
    return _pb._set_metadata(im, spacing, origin, direction)


def whatif_image_from_array_numpy_copy(arr):
    """array -> new image with the copy made by NumPy (hugepage-advised
    allocation), the image viewing that private copy."""
    t = _pb._image_type_for(arr, False, None)
    return t._view(np.array(arr, order="C", copy=True), False)


# ----------------------------------------------------------------------------


def section_views(repeat):
    shape = (100, 100, 100)
    T, img = make_image(shape, fill=1.0)
    PB = ndwrap.PyBuffer[T]
    arr = np.ones(shape, np.float32)
    mv = reference_exporter(shape)
    WhatIfPB.ImageType = T
    im_view = T._view(arr)

    def empty_fn(x):
        return x

    class C:
        @classmethod
        def empty_cm(cls, x, keepAxes=False, keep_axes=None):
            return x

    ns = dict(np=np, ndwrap=ndwrap, _pb=_pb, _reg=_reg, T=T, PB=PB, img=img, arr=arr, mv=mv,
              empty_fn=empty_fn, C=C, WPB=WhatIfPB, im_view=im_view,
              whatif_array_view=whatif_array_view,
              whatif_image_view_from_array=whatif_image_view_from_array,
              F=ndwrap.F, dt=arr.dtype, operator=__import__("operator"))

    piece_table("Pieces of GetArrayViewFromImage / array_view_from_image (100^3)", ns, [
        ("call of an empty Python function", "empty_fn(img)"),
        ("call of an empty classmethod (same signature)", "C.empty_cm(img)"),
        ("PB._check(image)", "PB._check(img)"),
        ("_pick_keep_axes(False, None)", "_pb._pick_keep_axes(False, None)"),
        ("_numpy()", "_pb._numpy()"),
        ("image._is_allocated()  [SWIG method call]", "img._is_allocated()"),
        ("np.asarray(image)", "np.asarray(img)"),
        ("_array_view(image, False)", "_pb._array_view(img, False)"),
        ("_reg.image_info(T)  [array_view_from_image's check]", "_reg.image_info(T)"),
        ("ndwrap.PyBuffer[T]  [template lookup]", "ndwrap.PyBuffer[T]"),
        ("_keep_axes_perm(3, False)", "_pb._keep_axes_perm(3, False)"),
        ("a.transpose((2, 1, 0))", "arr.transpose((2, 1, 0))"),
        ("a.T  [the keepAxes perm of a scalar image]", "arr.T"),
        ("= PB.GetArrayViewFromImage(image, keepAxes=True)",
         "PB.GetArrayViewFromImage(img, keepAxes=True)"),
        ("what-if: keepAxes with a.T and no image_info", "WPB.GetArrayViewFromImage(img, True)"),
        ("= PB.GetArrayViewFromImage(image)", "PB.GetArrayViewFromImage(img)"),
        ("= ndwrap.array_view_from_image(image)", "ndwrap.array_view_from_image(img)"),
        ("what-if: np.asarray + ndim check (no _is_allocated)", "whatif_array_view(img)"),
        ("what-if: PB.GetArrayViewFromImage, inlined checks", "WPB.GetArrayViewFromImage(img)"),
    ], repeat)

    piece_table("Pieces of GetImageViewFromArray / image_view_from_array (100^3)", ns, [
        ("T._view(arr)  [C: new image + PyObject_GetBuffer]", "T._view(arr)"),
        ("T._view(arr, False)  [with the is_vector argument]", "T._view(arr, False)"),
        ("_reg.image_info(T)", "_reg.image_info(T)"),
        ("_import(T, arr, False, False, False)", "_pb._import(T, arr, False, False, False)"),
        ("hasattr(arr, 'dtype') and hasattr(arr, 'ndim')",
         "hasattr(arr, 'dtype') and hasattr(arr, 'ndim')"),
        ("_reg.pixel_type_of_dtype(arr.dtype)", "_reg.pixel_type_of_dtype(dt)"),
        ("ndwrap.Image[F, 3]  [Template.__getitem__]", "ndwrap.Image[F, 3]"),
        ("_image_type_for(arr, False, None)", "_pb._image_type_for(arr, False, None)"),
        ("_set_metadata(image)  [no metadata given]", "_pb._set_metadata(im_view)"),
        ("= PB.GetImageViewFromArray(arr)", "PB.GetImageViewFromArray(arr)"),
        ("= ndwrap.image_view_from_array(arr)", "ndwrap.image_view_from_array(arr)"),
        ("what-if: PB.GetImageViewFromArray, direct _view first",
         "WPB.GetImageViewFromArray(arr)"),
        ("what-if: image_view_from_array, type cache, no _set_metadata",
         "whatif_image_view_from_array(arr)"),
    ], repeat)

    # sanity of the what-ifs: same results as the real thing
    assert np.shares_memory(whatif_array_view(img), np.asarray(img))
    assert np.shares_memory(np.asarray(whatif_image_view_from_array(arr)), arr)
    assert type(whatif_image_view_from_array(arr)) is T
    assert np.shares_memory(np.asarray(WhatIfPB.GetImageViewFromArray(arr)), arr)
    un = T.New()
    un.SetRegions([2, 2, 2])
    try:
        whatif_array_view(un)
    except RuntimeError:
        pass
    else:
        out("\nNOTE: the what-if ndim check did not catch an unallocated image")


def section_cprofile(calls):
    shape = (100, 100, 100)
    T, img = make_image(shape, fill=1.0)
    PB = ndwrap.PyBuffer[T]
    arr = np.ones(shape, np.float32)
    for label, fn, x in (("PyBuffer[T].GetArrayViewFromImage", PB.GetArrayViewFromImage, img),
                         ("array_view_from_image", ndwrap.array_view_from_image, img),
                         ("PyBuffer[T].GetImageViewFromArray", PB.GetImageViewFromArray, arr),
                         ("image_view_from_array", ndwrap.image_view_from_array, arr)):
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(calls):
            fn(x)
        pr.disable()
        s = io.StringIO()
        st = pstats.Stats(pr, stream=s)
        st.sort_stats("tottime").print_stats(12)
        body = s.getvalue()
        # keep the table part only
        lines = body.splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), 0)
        out(f"\n### cProfile: {calls} calls of {label} (sorted by tottime)\n")
        out("```")
        out("\n".join(ln for ln in lines[start:] if ln.strip()))
        out("```")


# ----------------------------------------------------------------------------
# allocation experiment: why array -> new image copies run at half speed


def section_alloc(nbytes, repeat):
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.memcpy.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
    libc.memcpy.restype = ctypes.c_void_p
    MADV_HUGEPAGE = getattr(mmap, "MADV_HUGEPAGE", 14)
    page = mmap.PAGESIZE

    src = np.full(nbytes // 4, 1.0, np.float32)
    src_addr = src.__array_interface__["data"][0]

    def malloc_copy(huge):
        p = libc.malloc(nbytes)
        if huge:
            off = (-p) % page
            libc.madvise(p + off, nbytes - off, MADV_HUGEPAGE)
        libc.memcpy(p, src_addr, nbytes)
        libc.free(p)

    shape = (nbytes // 4 // (256 * 256), 256, 256)
    T, img = make_image(shape, fill=1.0)
    src3 = src.reshape(shape)
    np.asarray(img)[...] = 1.0  # touch every page of the image's (malloc'd) buffer
    dst = np.empty_like(src)
    dst[...] = 0
    ns = dict(np=np, src=src, src3=src3, T=T, malloc_copy=malloc_copy,
              whatif=whatif_image_from_array_numpy_copy, ndwrap=ndwrap, libc=libc,
              dst_addr=dst.__array_interface__["data"][0], src_addr=src_addr,
              img_addr=np.asarray(img).__array_interface__["data"][0], nbytes=nbytes)
    setmh = np._core.multiarray._set_madvise_hugepage
    thp = "?"
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            thp = f.read().strip()
    except OSError:
        pass

    def t(stmt):
        return time_stmt(stmt, ns, repeat, number=1)[1]

    rows = []
    ref = t("np.copyto(np.empty_like(src), src)")
    rows.append(["REF np.copyto(np.empty_like(src), src)  [NumPy: madvise(MADV_HUGEPAGE)]", ref])
    old = setmh(False)
    try:
        rows.append(["np.copyto(np.empty_like(src), src)  [hugepage advice OFF]",
                     t("np.copyto(np.empty_like(src), src)")])
    finally:
        setmh(old)
    rows.append(["libc malloc + memcpy + free", t("malloc_copy(False)")])
    rows.append(["libc malloc + madvise(MADV_HUGEPAGE) + memcpy + free", t("malloc_copy(True)")])
    rows.append(["ndwrap.image_from_array(arr)  [C malloc + copy]", t("ndwrap.image_from_array(src3)")])
    rows.append(["what-if: T._view(np.array(arr, copy=True))  [NumPy copy]", t("whatif(src3)")])
    rows.append(["warm memcpy: NumPy array -> touched NumPy array",
                 t("libc.memcpy(dst_addr, src_addr, nbytes)")])
    rows.append(["warm memcpy: image buffer (malloc, 4 KiB pages) -> touched NumPy array",
                 t("libc.memcpy(dst_addr, img_addr, nbytes)")])
    out(f"\n### Allocation experiment, {nbytes // MiB} MiB fresh destination"
        f" (transparent_hugepage: {thp})\n")
    out(table(["operation", "median ms", "GB/s", "vs REF"],
              [[lab, f"{s * 1e3:.1f}", f"{nbytes / s / 1e9:.2f}", f"{ref / s * 100:.0f}%"]
               for lab, s in rows]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--only", default="views,cprofile,alloc")
    ap.add_argument("--alloc-mib", default="64,256", help="sizes for the allocation experiment")
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    info = machine_info()
    out("## ndwrap PyBuffer profile\n")
    out(f"- machine: {info['nproc']} CPUs, {info['cpu']}; Python {info['python']},"
        f" NumPy {info['numpy']}")
    if "views" in only:
        section_views(args.repeat)
    if "cprofile" in only:
        section_cprofile(args.calls)
    if "alloc" in only:
        for mib in args.alloc_mib.split(","):
            section_alloc(int(mib) * MiB, 9)
    return 0


if __name__ == "__main__":
    sys.exit(main())
