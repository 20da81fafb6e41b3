"""The C fast paths in front of the conversion spellings (issue 16) give what
the Python spellings give: the same values, sharing, flags and errors; any
call they do not take goes to the Python spelling unchanged."""
import gc
import os
import resource

import numpy as np
import pytest

import ndwrap
from ndwrap import pybuffer

pytestmark = pytest.mark.skipif(3 not in ndwrap.WRAPPED_DIMS or not ndwrap.F.wrapped,
                                reason="needs Image[F, 3] (trimmed build)")
if 3 in ndwrap.WRAPPED_DIMS and ndwrap.F.wrapped:
    F3 = ndwrap.Image[ndwrap.F, 3]
    VF3 = ndwrap.VectorImage[ndwrap.F, 3]


def image(T=None, size=(4, 3, 2), ncomp=2):
    T = T or F3
    im = T.New()
    if T is VF3:
        im.SetNumberOfComponentsPerPixel(ncomp)
    im.SetRegions(size)
    im.Allocate()
    a = np.asarray(im)
    a[...] = np.arange(a.size, dtype=a.dtype).reshape(a.shape)
    return im


def test_the_spellings_are_fast_callables_with_their_docs():
    for fn in (ndwrap.array_view_from_image, ndwrap.image_view_from_array,
               ndwrap.PyBuffer[F3].GetArrayViewFromImage, ndwrap.PyVnl[ndwrap.F].GetVnlVectorFromArray):
        assert type(fn).__name__ == "builtin_function_or_method"
    assert ndwrap.GetArrayViewFromImage is ndwrap.array_view_from_image
    assert "shares memory" in ndwrap.array_view_from_image.__doc__
    # help() and inspect see the Python spelling's parameters
    import inspect
    assert str(inspect.signature(ndwrap.array_view_from_image)) == \
        "(image, keep_axes=False, update=True, axes=None)"
    sig = inspect.signature(ndwrap.PyBuffer[F3].GetImageViewFromArray)
    assert list(sig.parameters)[:2] == ["arr", "is_vector"] and "axes" in sig.parameters
    assert str(inspect.signature(ndwrap.PyVnl[ndwrap.F].GetVnlVectorFromArray)) == \
        "(arr, copy=None)"


@pytest.mark.parametrize("vector", [False, True])
def test_exports_match_the_python_spelling(vector):
    T = VF3 if vector else F3
    im = image(T)
    PB = ndwrap.PyBuffer[T]
    py = PB.GetArrayViewFromImage.__name__  # the fast callable's name is the spelling's
    assert py == "GetArrayViewFromImage"
    ref = pybuffer._array_view(im, None)
    for keep in (False, True):
        for a in (PB.GetArrayViewFromImage(im, keep), PB.GetArrayViewFromImage(im, keepAxes=keep),
                  PB.GetArrayViewFromImage(im, keep_axes=keep), PB.GetArrayFromImage(im, keep),
                  ndwrap.array_view_from_image(im, keep_axes=keep),
                  ndwrap.array_view_from_image(im, keep)):
            want = ref if not keep else pybuffer._array_view(im, pybuffer._keep_order(
                3, T is VF3))
            assert a.shape == want.shape and a.strides == want.strides
            assert np.shares_memory(a, ref) and a.flags.writeable
            np.testing.assert_array_equal(a, want)


def test_export_errors_are_the_python_ones():
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.array_view_from_image(F3.New())
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.PyBuffer[F3].GetArrayViewFromImage(F3.New())
    with pytest.raises(TypeError):
        ndwrap.PyBuffer[F3].GetArrayViewFromImage(image(VF3))
    with pytest.raises(TypeError):
        ndwrap.array_view_from_image(np.zeros(3))
    with pytest.raises(TypeError):
        ndwrap.array_view_from_image(F3.__new__(F3))
    with pytest.raises(TypeError):
        ndwrap.array_view_from_image()
    # a keyword the fast path does not take goes to the Python spelling
    with pytest.raises(TypeError, match="unexpected keyword"):
        ndwrap.array_view_from_image(image(), nonsense=1)
    # a truthy non-bool flag is read by Python's rules there
    assert ndwrap.array_view_from_image(image(), keep_axes=1).shape == (4, 3, 2)


def test_read_only_stays_read_only():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    a.flags.writeable = False
    im = ndwrap.image_view_from_array(a)
    assert not ndwrap.array_view_from_image(im).flags.writeable
    assert not ndwrap.PyBuffer[F3].GetArrayViewFromImage(im, True).flags.writeable


@pytest.mark.parametrize("keep", [False, True])
def test_imports_match(keep):
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    a_in = a.T if keep else a
    for im in (ndwrap.image_view_from_array(a_in, keep_axes=keep),
               ndwrap.PyBuffer[F3].GetImageViewFromArray(a_in, keepAxes=keep),
               ndwrap.PyBuffer[F3].GetImageFromArray(a_in, keep_axes=keep),
               ndwrap.PyBuffer[F3].GetImageViewFromArray(a_in, False, keep_axes=keep)):
        assert type(im) is F3
        assert tuple(im.GetLargestPossibleRegion().GetSize()) == (4, 3, 2)
        v = ndwrap.array_view_from_image(im)
        assert np.shares_memory(v, a)
        np.testing.assert_array_equal(v, a)
    vec = np.zeros((2, 3, 4, 5), np.float32)
    im = ndwrap.image_view_from_array(vec, True)
    assert type(im) is VF3 and im.GetNumberOfComponentsPerPixel() == 5


def test_import_fallbacks():
    # dtype the class cannot view: the Python spelling explains (view) or copies
    a64 = np.zeros((2, 3, 4))
    with pytest.raises(ndwrap.DTypeMismatchError):
        ndwrap.PyBuffer[F3].GetImageViewFromArray(a64)
    im = ndwrap.PyBuffer[F3].GetImageFromArray(a64)
    assert not np.shares_memory(ndwrap.array_view_from_image(im), a64)
    # byte-swapped, a list, float16, 5-d: the helpers' own answers
    sw = np.zeros((2, 3, 4), ">f4")
    with pytest.raises(ndwrap.CopyRequiredError):
        ndwrap.image_view_from_array(sw)
    with pytest.raises(TypeError):
        ndwrap.image_view_from_array([[1.0, 2.0]])
    with pytest.raises(TypeError, match="float16"):
        ndwrap.image_view_from_array(np.zeros((2, 2), np.float16))
    with pytest.raises(ndwrap.NotWrappedError):  # 7-d: never wrapped by default or trimmed
        ndwrap.image_view_from_array(np.zeros((1, 1, 1, 1, 1, 1, 2), np.float32))
    # rank errors stay ValueErrors
    with pytest.raises(ValueError):
        ndwrap.PyBuffer[F3].GetImageViewFromArray(np.zeros((2, 2), np.float32))
    # metadata keywords go to Python
    im = ndwrap.image_view_from_array(np.zeros((2, 3, 4), np.float32), spacing=[2, 3, 4])
    assert tuple(im.GetSpacing()) == (2.0, 3.0, 4.0)


@pytest.mark.parametrize("vector", [False, True])
def test_image_from_array_copies_in_c(vector):
    """image_from_array's fast path: a view, then the C copy (issue 16); the
    result owns canonical memory, whatever the source's layout or flags."""
    assert type(ndwrap.image_from_array).__name__ == "builtin_function_or_method"
    assert ndwrap.GetImageFromArray is ndwrap.image_from_array
    shape = (2, 3, 4, 5) if vector else (2, 3, 4)
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    T = VF3 if vector else F3
    perm = (2, 1, 0, 3) if vector else (2, 1, 0)
    ro = a.copy()
    ro.flags.writeable = False
    axes = "CXZY" if vector else "XZY"  # the array's axes in that order
    a_axes = a.transpose((3, 2, 0, 1) if vector else (2, 0, 1))
    for im in (ndwrap.image_from_array(a, vector), ndwrap.image_from_array(ro, vector),
               ndwrap.image_from_array(np.ascontiguousarray(a.transpose(perm)), vector,
                                       keep_axes=True),
               ndwrap.image_from_array(a.transpose(perm), vector, keep_axes=True),
               ndwrap.image_from_array(a_axes, axes=axes), ndwrap.image_from_array(a[:, ::-1][:, ::-1], vector)):
        assert type(im) is T
        v = ndwrap.array_view_from_image(im)
        assert not np.shares_memory(v, a) and not np.shares_memory(v, ro)
        assert v.flags.c_contiguous and v.flags.writeable
        np.testing.assert_array_equal(v, a)
        assert tuple(im.GetSpacing()) == (1.0, 1.0, 1.0)
    # the source is not held: only the test's own references remain
    import sys
    before = sys.getrefcount(a)
    im = ndwrap.image_from_array(a, vector)
    assert sys.getrefcount(a) == before
    # what the fast path does not take: the Python spelling's answers
    im = ndwrap.image_from_array(a.astype(">f4"), vector)  # converting copy
    assert type(im) is T
    np.testing.assert_array_equal(ndwrap.array_view_from_image(im), a)
    im = ndwrap.image_from_array(a, vector, spacing=[2, 3, 4])
    assert tuple(im.GetSpacing()) == (2.0, 3.0, 4.0)
    assert type(ndwrap.image_from_array(a, vector, ttype=ndwrap.Image[ndwrap.D, 3]
                                        if not vector else ndwrap.VectorImage[ndwrap.D, 3])) \
        is not T
    with pytest.raises(TypeError, match="float16"):
        ndwrap.image_from_array(a.astype(np.float16), vector)
    with pytest.raises(ValueError):  # keep_axes and axes together
        ndwrap.image_from_array(a, vector, keep_axes=True, axes="XYZ")


@pytest.mark.parametrize("vector", [False, True])
def test_array_from_image_copies_in_c(vector):
    """array_from_image's fast path (issue 16): a copy that owns its data, in
    the order asked for, equal to the view; read-only images give writable
    copies; every other call is the Python spelling's."""
    assert type(ndwrap.array_from_image).__name__ == "builtin_function_or_method"
    assert ndwrap.GetArrayFromImage is ndwrap.array_from_image
    shape = (2, 3, 4, 5) if vector else (2, 3, 4)
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    a.flags.writeable = False
    im = ndwrap.image_view_from_array(a, vector)
    perm = (2, 1, 0, 3) if vector else (2, 1, 0)
    axes, aperm = ("CXYZ", (3, 2, 1, 0)) if vector else ("XZY", (2, 0, 1))
    for got, want in ((ndwrap.array_from_image(im), a),
                      (ndwrap.array_from_image(im, True), a.transpose(perm)),
                      (ndwrap.array_from_image(im, keep_axes=True), a.transpose(perm)),
                      (ndwrap.array_from_image(im, keep_axes=False), a),
                      (ndwrap.array_from_image(im, axes=axes), a.transpose(aperm))):
        assert got.shape == want.shape and got.strides == want.strides
        assert not np.shares_memory(got, a) and got.flags.writeable
        np.testing.assert_array_equal(got, want)
    # the copy does not keep the image exported: it can be re-allocated
    c = ndwrap.array_from_image(im)
    im2 = ndwrap.image_from_array(a, vector)
    c = ndwrap.array_from_image(im2)
    im2.Allocate()
    assert c.shape == a.shape
    # the Python spelling's calls: copy=, update=, errors
    assert np.shares_memory(ndwrap.array_from_image(im, copy=False), a)
    np.testing.assert_array_equal(ndwrap.array_from_image(im, update=False), a)
    with pytest.raises(RuntimeError, match="not allocated"):
        ndwrap.array_from_image((VF3 if vector else F3).New())
    with pytest.raises(TypeError):
        ndwrap.array_from_image(a)
    with pytest.raises(ValueError):
        ndwrap.array_from_image(im, keep_axes=True, axes=axes)


def test_axes_parse_cache_keys_on_dimension_and_vector():
    """The one-entry cache of the axes= parser answers only the same str for
    the same (dim, vector): other dimensions still get their own errors."""
    a3 = np.zeros((2, 3, 4), np.float32)
    ndwrap.image_view_from_array(a3, axes="XYZ")
    if 2 in ndwrap.WRAPPED_DIMS:
        with pytest.raises(ValueError, match="not an axis letter"):
            ndwrap.image_view_from_array(np.zeros((2, 3), np.float32), axes="XYZ")
    with pytest.raises(ValueError, match="missing"):
        ndwrap.image_view_from_array(np.zeros((2, 3, 4, 2), np.float32), True, axes="XYZ")
    im = ndwrap.image_view_from_array(a3.transpose(2, 1, 0), axes="XYZ")
    assert tuple(im.GetLargestPossibleRegion().GetSize()) == (4, 3, 2)


def test_image_dealloc_keeps_release_and_error_state():
    """The image classes' own tp_dealloc (issue 16): the viewed array is
    released when the image goes, weak references are cleared, and an
    exception being raised while an image is freed survives."""
    import sys
    import weakref
    a = np.zeros((2, 3, 4), np.float32)
    before = sys.getrefcount(a)
    im = ndwrap.image_view_from_array(a)
    assert sys.getrefcount(a) == before + 1
    r = weakref.ref(im)
    del im
    assert r() is None and sys.getrefcount(a) == before

    def fails():
        im = ndwrap.image_view_from_array(a)  # freed while the error propagates
        raise KeyError("kept")
    with pytest.raises(KeyError, match="kept"):
        fails()
    assert sys.getrefcount(a) == before


def test_vnl_fast_paths():
    P = ndwrap.PyVnl[ndwrap.F]
    x = np.arange(6, dtype=np.float32)
    v = P.GetVnlVectorViewFromArray(x)
    assert np.shares_memory(np.asarray(v), x)
    for spelled in (P.GetVnlVectorFromArray(x, copy=True), P.GetVnlVectorFromArray(x, True)):
        assert not np.shares_memory(np.asarray(spelled), x)
        np.testing.assert_array_equal(np.asarray(spelled), x)
        assert np.asarray(spelled).flags.writeable
    assert np.shares_memory(np.asarray(P.GetVnlVectorFromArray(x)), x)  # copy=None: a view
    c = P.GetArrayFromVnlVector(v, copy=True)
    assert not np.shares_memory(c, x) and c.flags.c_contiguous
    assert np.shares_memory(P.GetArrayFromVnlVector(v), x)
    assert np.shares_memory(P.GetArrayViewFromVnlVector(v), x)
    m = np.arange(6, dtype=np.float32).reshape(2, 3)
    mm = P.GetVnlMatrixFromArray(m, copy=True)
    assert mm.get(1, 2) == 5.0
    # what the fast path does not take
    np.testing.assert_array_equal(np.asarray(P.GetVnlVectorFromArray(x.astype(float), copy=True)),
                                  x)
    with pytest.raises(ndwrap.CopyRequiredError):
        P.GetVnlVectorViewFromArray(x[::2])
    with pytest.raises(TypeError):
        P.GetArrayViewFromVnlVector(mm)
    with pytest.raises(ValueError):
        P.GetVnlVectorFromArray(m, copy=True)
    with pytest.raises(ValueError):
        P.GetVnlVectorFromArray(x, copy="yes")


@pytest.mark.skipif(bool(os.environ.get("NDW_UNDER_ASAN")),
                    reason="ASan's quarantine holds freed memory: RSS says nothing there")
def test_no_leak_over_many_fast_calls():
    im = image()
    a = np.zeros((2, 3, 4), np.float32)
    P = ndwrap.PyVnl[ndwrap.F]
    x = np.zeros(100, np.float32)

    def burst(n):
        for _ in range(n):
            ndwrap.array_view_from_image(im, keep_axes=True)
            ndwrap.image_view_from_array(a)
            ndwrap.PyBuffer[F3].GetImageFromArray(a, keepAxes=True)
            ndwrap.image_from_array(a)
            ndwrap.image_from_array(a, axes="XYZ")
            ndwrap.array_from_image(im, keep_axes=True)
            P.GetVnlVectorFromArray(x, copy=True)
            P.GetArrayFromVnlVector(P.GetVnlVectorViewFromArray(x), copy=True)
            try:
                ndwrap.image_view_from_array(np.zeros(3, np.float16))
            except TypeError:
                pass
    burst(2000)
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    burst(20000)
    gc.collect()
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 2048, grown_kib
