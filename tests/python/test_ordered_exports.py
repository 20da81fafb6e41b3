"""Image -> array views in another axis order (keepAxes / keep_axes /
axes=) come straight from the image's own getbuffer, which describes the
buffer in that order (swig/ndw_py.c ndw_py_image_memoryview; issue 16): no
NumPy transpose, the same export count and release as the default view.

Table-driven over the wrapped dimensions and three image kinds (scalar,
VectorImage, a fixed-size pixel type), so trimmed builds (e.g. dims 1;2;5)
run it too."""
import gc
import itertools
import sys
import weakref

import numpy as np
import pytest

import ndwrap
from conftest import WRAPPED_DIMS, WRAPPED_PIXELS

PIXEL = ndwrap.F if ndwrap.F.wrapped else next(p for p in WRAPPED_PIXELS if p.kind in "iuf")
AXIS_LETTERS = "XYZT"


def _types():
    out = []
    for d in WRAPPED_DIMS:
        for kind, make in (("scalar", lambda: ndwrap.Image[PIXEL, d]),
                           ("vector", lambda: ndwrap.VectorImage[PIXEL, d]),
                           ("fixed", lambda: ndwrap.Image[ndwrap.Vector[ndwrap.F, 3], d])):
            try:
                out.append(pytest.param(make(), kind, d, id=f"{kind}{d}"))
            except (ndwrap.NotWrappedError, KeyError, TypeError):
                pass
    return out


TYPES = _types()


def make(T, kind, d):
    im = T.New()
    im.SetRegions([2 + (i % 3) for i in range(d)])  # (2, 3, 4, 2, 3, ...): no two equal
    if kind == "vector":
        im.SetNumberOfComponentsPerPixel(2)
    im.Allocate()
    a = np.asarray(im)
    a[...] = (np.arange(a.size) % 100).astype(a.dtype).reshape(a.shape)
    return im


def keep_perm(ndim, has_c):
    spatial = ndim - 1 if has_c else ndim
    return tuple(range(spatial - 1, -1, -1)) + ((spatial,) if has_c else ())


def keep_spellings(T, im):
    """Every export spelling given keepAxes=True / keep_axes=True, in C and
    (with update=, a keyword the fast path leaves to it) in Python."""
    P = ndwrap.PyBuffer[T]
    return {
        "array_view_from_image(keep_axes=True)": lambda: ndwrap.array_view_from_image(
            im, keep_axes=True),
        "array_view_from_image(im, True)": lambda: ndwrap.array_view_from_image(im, True),
        "GetArrayViewFromImage(keepAxes=True)": lambda: ndwrap.GetArrayViewFromImage(
            im, keepAxes=True),
        "PyBuffer.GetArrayViewFromImage(im, True)": lambda: P.GetArrayViewFromImage(im, True),
        "PyBuffer.GetArrayViewFromImage(keepAxes=True)": lambda: P.GetArrayViewFromImage(
            im, keepAxes=True),
        "PyBuffer.GetArrayViewFromImage(keep_axes=True)": lambda: P.GetArrayViewFromImage(
            im, keep_axes=True),
        "PyBuffer.GetArrayFromImage(keepAxes=True)": lambda: P.GetArrayFromImage(
            im, keepAxes=True),
        "python: array_view_from_image(update=True)": lambda: ndwrap.array_view_from_image(
            im, keep_axes=True, update=True),
        "python: PyBuffer.GetArrayViewFromImage(update=True)": lambda: P.GetArrayViewFromImage(
            im, keepAxes=1, update=True),
        "python: PyBuffer.GetArrayFromImage(copy=False)": lambda: P.GetArrayFromImage(
            im, keepAxes=True, copy=False),
        "python: array_from_image(copy=False)": lambda: ndwrap.array_from_image(
            im, keep_axes=True, copy=False),
    }


def check_view(a, im, want):
    """`a` is `want` (a transpose of the default view), sharing the image's
    buffer, writable, with the image at the end of its base chain."""
    assert a.shape == want.shape and a.strides == want.strides and a.dtype == want.dtype
    np.testing.assert_array_equal(a, want)
    assert np.shares_memory(a, want) and a.flags.writeable and not a.flags.owndata
    assert isinstance(a.base, memoryview) and a.base.obj is im


@pytest.mark.parametrize("T,kind,d", TYPES)
def test_keep_axes_every_spelling(T, kind, d):
    im = make(T, kind, d)
    base = np.asarray(im)
    want = base.transpose(keep_perm(base.ndim, kind != "scalar"))
    for name, fn in keep_spellings(T, im).items():
        a = fn()
        check_view(a, im, want)
        a[(0,) * a.ndim] += 1  # writes through to the image
        assert base[(0,) * base.ndim] == want[(0,) * want.ndim]


def _orders(d, has_c):
    letters = AXIS_LETTERS[:d] + ("C" if has_c else "")
    perms = list(itertools.permutations(letters))
    return ["".join(p) for p in perms[:120]]


@pytest.mark.parametrize("T,kind,d", [t for t in TYPES if t.values[2] <= 4])
def test_axes_every_order(T, kind, d):
    im = make(T, kind, d)
    base = np.asarray(im)
    P = ndwrap.PyBuffer[T]
    has_c = kind != "scalar"
    for with_c in ((True,) if has_c else (False, True)):
        ext = base if has_c or not with_c else base[..., None]
        for letters in _orders(d, with_c):
            # the default view's axis of each letter: (..., z, y, x[, c])
            pos = {L: d - 1 - i for i, L in enumerate(AXIS_LETTERS[:d])}
            pos["C"] = d
            want = ext.transpose([pos[L] for L in letters])
            for a in (ndwrap.array_view_from_image(im, axes=letters),
                      ndwrap.array_view_from_image(im, axes=letters.lower()),
                      P.GetArrayViewFromImage(im, axes=letters),
                      P.GetArrayFromImage(im, axes=letters),
                      ndwrap.array_view_from_image(im, axes=letters, update=True),
                      ndwrap.array_from_image(im, axes=letters, copy=False)):
                check_view(a, im, want)


@pytest.mark.parametrize("T,kind,d", TYPES)
def test_exported_while_the_view_lives(T, kind, d):
    im = make(T, kind, d)
    size = [2 + (i % 3) for i in range(d)]
    fns = list(keep_spellings(T, im).values())
    if d <= 4:
        letters = AXIS_LETTERS[:d][::-1] + ("C" if kind != "scalar" else "")
        fns.append(lambda: ndwrap.array_view_from_image(im, axes=letters))
        if kind == "scalar":
            fns.append(lambda: ndwrap.array_view_from_image(im, axes="C" + letters))
    for fn in fns:
        a = fn()
        with pytest.raises(BufferError, match="exported"):
            im.SetRegions(size)
        with pytest.raises(BufferError, match="exported"):
            im.Allocate()
        del a
        gc.collect()
        im.SetRegions(size)  # no view left: re-allocation works
        im.Allocate()


def call_all(fns):
    # (in a function of its own: a loop variable left bound to the last
    # lambda would keep the image alive in the caller)
    for fn in fns:
        fn()


@pytest.mark.parametrize("T,kind,d", TYPES)
def test_no_reference_leak(T, kind, d):
    im = make(T, kind, d)
    fns = list(keep_spellings(T, im).values())
    if d <= 4:
        letters = AXIS_LETTERS[:d] + ("C" if kind != "scalar" else "")
        fns.append(lambda: ndwrap.array_view_from_image(im, axes=letters))
    call_all(fns)
    gc.collect()
    before = sys.getrefcount(im)
    for _ in range(300):
        call_all(fns)
    gc.collect()
    assert sys.getrefcount(im) == before
    assert gc.garbage == []
    # the view keeps the image alive (weakly watched), and only the view
    a = fns[0]()
    ref = weakref.ref(im)
    del im, fns
    gc.collect()
    assert ref() is not None
    a[...] = 0
    del a
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize("T,kind,d", TYPES[:3])
def test_read_only_image_stays_read_only(T, kind, d):
    src = np.asarray(make(T, kind, d)).copy()
    src.flags.writeable = False
    im = ndwrap.image_view_from_array(src, is_vector=kind != "scalar", ttype=T)
    for a in (ndwrap.array_view_from_image(im, keep_axes=True),
              ndwrap.PyBuffer[T].GetArrayViewFromImage(im, keepAxes=True)):
        assert not a.flags.writeable and np.shares_memory(a, src)
        np.testing.assert_array_equal(a, src.transpose(keep_perm(src.ndim, kind != "scalar")))


def test_errors_unchanged():
    T, kind, d = TYPES[0].values
    im = T.New()
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.array_view_from_image(im, keep_axes=True)
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.PyBuffer[T].GetArrayViewFromImage(im, keepAxes=True)
    im = make(T, kind, d)
    with pytest.raises(ValueError, match="not both"):
        ndwrap.array_view_from_image(im, keep_axes=True, axes="X")
    with pytest.raises(ValueError):
        ndwrap.array_view_from_image(im, axes="Q")
    with pytest.raises(TypeError):
        ndwrap.array_view_from_image(im, axes=3)
    # the image's own exports are unaffected by an ordered one before them
    ndwrap.array_view_from_image(im, keep_axes=True)
    assert memoryview(im).shape == np.asarray(im).shape == tuple(
        2 + (i % 3) for i in range(d))[::-1] + ((2,) if kind == "vector" else (3,) if kind == "fixed" else ())


def test_keyword_names_built_at_run_time():
    """The fast path compares keyword names by identity when both are
    interned; a name built at run time (not interned) is still that name."""
    T, kind, d = TYPES[0].values
    im = make(T, kind, d)
    base = np.asarray(im)
    want = base.transpose(keep_perm(base.ndim, kind != "scalar"))
    for name in ("keep_axes", "keepAxes"):
        built = "".join([name[:4], name[4:]])
        assert built == name
        check_view(ndwrap.PyBuffer[T].GetArrayViewFromImage(im, **{built: True}), im, want)
    check_view(ndwrap.array_view_from_image(im, **{"".join(["ax", "es"]): None}), im, base)
    with pytest.raises(TypeError):
        ndwrap.array_view_from_image(im, **{"".join(["kee", "paxes"]): True})


def test_a_finalizer_during_the_export_cannot_take_the_order():
    """The order waits for the image's getbuffer while CPython allocates the
    memoryview; a collection there could run a __del__ that exports the
    same image (plain or ordered).  The wait runs with the cyclic GC paused:
    every export gets its own order."""
    T, kind, d = TYPES[0].values
    im = make(T, kind, d)
    base = np.asarray(im)
    keep = base.transpose(keep_perm(base.ndim, kind != "scalar"))
    seen = []

    class Cycle:
        def __del__(self):
            seen.append(np.asarray(im).strides == base.strides)
            seen.append(ndwrap.array_view_from_image(im, keep_axes=True).strides == keep.strides)

    old = gc.get_threshold()
    gc.collect()
    gc.set_threshold(1)
    try:
        for _ in range(300):
            c = Cycle()
            c.me = c
            del c  # garbage, collected at some later allocation
            a = ndwrap.array_view_from_image(im, keep_axes=True)
            assert a.strides == keep.strides
            del a
    finally:
        gc.set_threshold(*old)
    gc.collect()
    assert seen and all(seen)
    assert gc.isenabled()
