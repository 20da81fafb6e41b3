"""PyBuffer semantics (DESIGN.md "Conversion semantics"): axis order,
keepAxes, layouts viewed through strides, copy=, read-only, exports and
BufferError, bad input, and memory growth."""
import gc
import os
import sys

import numpy as np
import pytest

import ndwrap

pytestmark = pytest.mark.skipif(3 not in ndwrap.WRAPPED_DIMS or not ndwrap.F.wrapped,
                                reason="needs Image[F, 3]")

F3 = ndwrap.Image[ndwrap.F, 3] if 3 in ndwrap.WRAPPED_DIMS else None
PB = ndwrap.PyBuffer[F3] if F3 is not None else None


def make_f3(size=(4, 3, 2)):
    img = F3.New()
    img.SetRegions(list(size))
    img.Allocate()
    a = np.asarray(img)
    a[...] = np.arange(a.size, dtype=np.float32).reshape(a.shape)
    return img


def pixels_equal_array(img, arr):
    """img.GetPixel((i, j, k)) == arr[k, j, i] for every pixel."""
    for idx in np.ndindex(*arr.shape):
        if img.GetPixel(idx[::-1]) != arr[idx]:
            return False
    return True


def test_axis_order_and_sharing_both_ways():
    img = make_f3()
    a = PB.GetArrayFromImage(img)
    assert a.shape == (2, 3, 4) and a.flags.c_contiguous and a.dtype == np.float32
    a[1, 2, 3] = -5
    assert img.GetPixel((3, 2, 1)) == -5
    img.SetPixel((0, 1, 1), 42)
    assert a[1, 1, 0] == 42
    assert np.shares_memory(a, PB.GetArrayViewFromImage(img))


def test_keep_axes_on_non_symmetric_2x3():
    if 2 not in ndwrap.WRAPPED_DIMS:
        pytest.skip("needs dimension 2")
    T = ndwrap.Image[ndwrap.SI, 2]
    img = T.New()
    img.SetRegions([2, 3])
    img.Allocate()
    for i in range(2):
        for j in range(3):
            img.SetPixel((i, j), 10 * i + j)
    kept = ndwrap.PyBuffer[T].GetArrayFromImage(img, keepAxes=True)
    assert kept.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert kept[i, j] == img.GetPixel((i, j)) == 10 * i + j
    default = ndwrap.PyBuffer[T].GetArrayFromImage(img)
    assert default.shape == (3, 2) and np.shares_memory(kept, default)
    assert np.array_equal(kept, default.T)
    also = ndwrap.PyBuffer[T].GetArrayViewFromImage(img, keep_axes=True)
    assert also.shape == (2, 3)
    # and back: an (x, y) array with keep_axes gives the same image
    img2 = ndwrap.PyBuffer[T].GetImageViewFromArray(kept, keep_axes=True)
    assert list(img2.GetLargestPossibleRegion().GetSize()) == [2, 3]
    assert img2.GetPixel((1, 2)) == 12


@pytest.mark.parametrize("layout", ["C", "F", "sliced", "negative", "transposed", "every_other"])
def test_strided_arrays_are_viewed_not_copied(layout):
    base = np.arange(100, 100 + 5 * 6 * 7, dtype=np.float32).reshape(5, 6, 7)
    if layout == "F":
        base = np.asfortranarray(base)
    arr = {
        "C": base,
        "F": base,
        "sliced": base[::2],
        "negative": base[:, ::-1, :],
        "transposed": base.transpose(2, 0, 1),
        "every_other": base[:, :, ::2],
    }[layout]
    img = PB.GetImageFromArray(arr)  # copy=None: shares when possible
    out = np.asarray(img)
    assert np.shares_memory(out, arr)
    assert out.shape == arr.shape and out.strides == arr.strides
    assert pixels_equal_array(img, arr)
    view = PB.GetImageViewFromArray(arr)
    view.SetPixel((0, 0, 0), -1)
    assert arr[0, 0, 0] == -1
    # copies out of a strided image are contiguous and equal
    c = PB.GetArrayFromImage(img, copy=True)
    assert c.flags.c_contiguous and np.array_equal(c, arr) and not np.shares_memory(c, arr)
    # FillBuffer respects strides: only the viewed elements change
    before = base.copy()
    view.FillBuffer(9.0)
    assert np.all(arr == 9.0)
    changed = base != before
    assert changed.sum() == arr.size
    # an image copy of a strided view is contiguous and independent
    ind = PB.GetImageFromArray(arr, copy=True)
    assert not np.shares_memory(np.asarray(ind), arr)
    assert np.asarray(ind).flags.c_contiguous


def test_strided_export_refuses_contiguous_request():
    arr = np.zeros((4, 6, 8), np.float32)[:, :, ::2]
    img = PB.GetImageViewFromArray(arr)
    with pytest.raises(BufferError, match="contiguous"):
        np.frombuffer(img, np.uint8)  # a simple (contiguous) request
    m = memoryview(img)
    assert m.shape == (4, 6, 4) and m.strides == arr.strides


def test_copy_false_raises_when_a_copy_is_unavoidable():
    big = np.arange(24, dtype=">f4").reshape(2, 3, 4)
    with pytest.raises(ndwrap.CopyRequiredError, match="non-native byte order") as e:
        PB.GetImageFromArray(big, copy=False)
    assert isinstance(e.value, ValueError) and not isinstance(e.value, TypeError)
    with pytest.raises(ValueError, match="without a copy"):
        PB.GetImageViewFromArray(big)
    img = PB.GetImageFromArray(big)  # copy=None: converts
    assert np.array_equal(np.asarray(img), big) and np.asarray(img).dtype == np.float32
    f64 = np.ones((2, 3, 4))
    with pytest.raises(ValueError, match="dtype float64 differs"):
        PB.GetImageFromArray(f64, copy=False)
    with pytest.raises(ndwrap.DTypeMismatchError) as e:  # a TypeError and a ValueError
        PB.GetImageViewFromArray(f64)
    assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)
    conv = PB.GetImageFromArray(f64)
    assert np.asarray(conv).dtype == np.float32 and not np.shares_memory(np.asarray(conv), f64)
    with pytest.raises(TypeError, match="kind"):
        ndwrap.PyBuffer[ndwrap.Image[ndwrap.UC, 3]].GetImageFromArray(f64)


def test_copy_true_is_always_independent():
    arr = np.zeros((2, 3, 4), np.float32)
    img = PB.GetImageFromArray(arr, copy=True)
    arr[0, 0, 0] = 1
    assert img.GetPixel((0, 0, 0)) == 0
    img2 = make_f3()
    a = PB.GetArrayFromImage(img2, copy=True)
    a[0, 0, 0] = 100
    assert img2.GetPixel((0, 0, 0)) == 0
    with pytest.raises(ValueError, match="copy must be"):
        PB.GetArrayFromImage(img2, copy="yes")
    # copy= is read once with Python's truth rules (as NumPy): never `is True`
    for yes in (np.True_, 1):
        assert not np.shares_memory(PB.GetArrayFromImage(img2, copy=yes), np.asarray(img2))
        assert not np.shares_memory(np.asarray(PB.GetImageFromArray(arr, copy=yes)), arr)
    for no in (np.False_, 0):
        assert np.shares_memory(PB.GetArrayFromImage(img2, copy=no), np.asarray(img2))
        assert np.shares_memory(np.asarray(PB.GetImageFromArray(arr, copy=no)), arr)


def test_snake_case_helpers_keep_itk5_meaning():
    img = make_f3()
    assert np.shares_memory(ndwrap.array_view_from_image(img), np.asarray(img))
    assert not np.shares_memory(ndwrap.array_from_image(img), np.asarray(img))
    assert ndwrap.GetArrayFromImage is ndwrap.array_from_image
    arr = np.ones((2, 3, 4), np.float32)
    v = ndwrap.image_view_from_array(arr, spacing=[1, 2, 3], origin=[4, 5, 6],
                                     direction=np.eye(3)[::-1])
    assert np.shares_memory(np.asarray(v), arr)
    assert v.GetSpacing() == (1.0, 2.0, 3.0) and v.GetOrigin() == (4.0, 5.0, 6.0)
    assert v.GetDirection()[0] == (0.0, 0.0, 1.0)
    c = ndwrap.image_from_array(arr)
    assert not np.shares_memory(np.asarray(c), arr)
    assert c.GetSpacing() == (1.0, 1.0, 1.0)
    t = ndwrap.image_from_array(arr.astype(np.float64), ttype=F3)
    assert type(t) is F3
    kept = ndwrap.array_view_from_image(img, keep_axes=True)
    assert kept.shape == (4, 3, 2)


def test_read_only_arrays_give_read_only_images():
    arr = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    arr.flags.writeable = False
    img = PB.GetImageViewFromArray(arr)
    assert "read-only" in repr(img)
    with pytest.raises(ValueError, match="read-only"):
        img.SetPixel((0, 0, 0), 1)
    with pytest.raises(ValueError, match="read-only"):
        img.FillBuffer(1)
    out = PB.GetArrayViewFromImage(img)
    assert not out.flags.writeable and np.shares_memory(out, arr)
    assert memoryview(img).readonly
    copy = PB.GetImageFromArray(arr, copy=True)  # an explicit copy is writable
    copy.SetPixel((0, 0, 0), 5)
    assert arr[0, 0, 0] == 0


def test_reallocating_an_exported_image_raises_buffer_error():
    img = make_f3()
    view = PB.GetArrayViewFromImage(img)
    with pytest.raises(BufferError, match="exported"):
        img.Allocate()
    with pytest.raises(BufferError):
        img.SetRegions([5, 5, 5])
    assert view[0, 0, 1] == 1  # the view is intact
    del view
    gc.collect()
    img.SetRegions([5, 5, 5])
    img.Allocate(initialize=True)
    assert np.asarray(img).shape == (5, 5, 5)


def test_views_hold_references_and_release_them():
    img = make_f3()
    base = sys.getrefcount(img)
    views = [PB.GetArrayViewFromImage(img) for _ in range(10)]
    assert sys.getrefcount(img) > base
    del views
    gc.collect()
    assert sys.getrefcount(img) == base
    arr = np.zeros((2, 3, 4), np.float32)
    base = sys.getrefcount(arr)
    im = PB.GetImageViewFromArray(arr)
    assert sys.getrefcount(arr) > base
    del im
    gc.collect()
    assert sys.getrefcount(arr) == base


@pytest.mark.parametrize("bad", ["float16", "object", "structured", "str"])
def test_unsupported_dtypes_raise_type_error_listing_wrapped(bad):
    arr = {
        "float16": np.zeros((2, 3, 4), np.float16),
        "object": np.empty((2, 3, 4), object),
        "structured": np.zeros((2, 3, 4), dtype=[("a", "i4"), ("b", "f4")]),
        "str": np.zeros((2, 3, 4), "U3"),
    }[bad]
    with pytest.raises(TypeError, match="wrapped pixel types: .*F \\(float32\\)"):
        ndwrap.image_from_array(arr)
    with pytest.raises(TypeError, match="wrapped pixel types"):
        PB.GetImageFromArray(arr)


def test_bad_shapes():
    with pytest.raises(ValueError, match="needs an array of 3 dimensions, not 2"):
        PB.GetImageFromArray(np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="is_vector"):
        ndwrap.image_from_array(np.zeros(4, np.float32), is_vector=True)
    empty = PB.GetImageFromArray(np.zeros((0, 3, 4), np.float32))  # ITK allows empty regions
    assert tuple(empty.GetLargestPossibleRegion().GetSize()) == (4, 3, 0)
    assert np.asarray(empty).shape == (0, 3, 4)
    with pytest.raises(ValueError, match="at least one component"):
        ndwrap.PyBuffer[ndwrap.VectorImage[ndwrap.F, 3]].GetImageFromArray(
            np.zeros((2, 3, 4, 0), np.float32))
    with pytest.raises(ValueError, match="VectorImage"):
        PB.GetImageFromArray(np.zeros((2, 3, 4, 3), np.float32), is_vector=True)
    with pytest.raises(TypeError, match="expected a ImageF3"):
        PB.GetArrayFromImage(ndwrap.Image[ndwrap.F, 2].New() if 2 in ndwrap.WRAPPED_DIMS else 1)
    with pytest.raises(RuntimeError, match="not allocated"):
        PB.GetArrayFromImage(F3.New())
    with pytest.raises(TypeError):
        ndwrap.PyBuffer[int]


def test_pybuffer_of_vector_image_and_unwrapped_lookup():
    T = ndwrap.VectorImage[ndwrap.F, 3]
    arr = np.arange(2 * 3 * 4 * 2, dtype=np.float32).reshape(2, 3, 4, 2)
    img = ndwrap.PyBuffer[T].GetImageFromArray(arr)
    assert img.GetPixel((3, 2, 1)) == tuple(arr[1, 2, 3].tolist())
    a2 = ndwrap.PyBuffer[T].GetArrayFromImage(img, keepAxes=True)
    assert a2.shape == (4, 3, 2, 2) and a2[3, 2, 1, 1] == arr[1, 2, 3, 1]


@pytest.mark.skipif(bool(os.environ.get("NDW_UNDER_ASAN")),
                    reason="AddressSanitizer's quarantine holds freed memory")
def test_memory_growth_of_many_view_round_trips():
    def rss_kb():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    img = make_f3((64, 64, 64))
    for _ in range(200):  # warm up allocator and caches
        PB.GetImageViewFromArray(PB.GetArrayViewFromImage(img))
    gc.collect()
    before = rss_kb()
    for _ in range(10_000):
        a = PB.GetArrayViewFromImage(img)
        i2 = PB.GetImageViewFromArray(a)
        np.asarray(i2)
    del a, i2
    gc.collect()
    grown = rss_kb() - before
    assert grown < 1024, f"RSS grew by {grown} kB"


def test_large_copy_releases_the_gil():
    from conftest import ticks_during

    arr = np.ones((256, 512, 512), np.float32)  # 256 MiB
    during, elapsed = ticks_during(lambda: PB.GetImageFromArray(arr, copy=True))
    if elapsed < 0.02:
        pytest.skip(f"the copy took only {elapsed * 1e3:.1f} ms: too fast to observe")
    # a thread sleeping 1 ms per tick keeps ticking only if the GIL is free
    assert during >= 0.25 * elapsed * 1e3, f"{during} ticks in {elapsed * 1e3:.0f} ms"


def test_broadcast_and_non_buffer_inputs():
    T = ndwrap.VectorImage[ndwrap.F, 3]
    # spatial broadcast (stride 0 on an image axis) is viewable
    row = np.arange(4, dtype=np.float32)
    spatial = np.broadcast_to(row, (2, 3, 4))
    img = PB.GetImageViewFromArray(spatial)
    assert img.GetPixel((3, 2, 1)) == 3.0 and np.shares_memory(np.asarray(img), row)
    # a broadcast component axis cannot be viewed: copied with copy=None only
    comp = np.broadcast_to(np.float32(7), (2, 3, 4, 3))
    with pytest.raises(ValueError, match="broadcast"):
        ndwrap.PyBuffer[T].GetImageFromArray(comp, copy=False)
    vimg = ndwrap.PyBuffer[T].GetImageFromArray(comp)
    assert vimg.GetPixel((0, 0, 0)) == (7.0, 7.0, 7.0)
    # nested lists: copied (no memory to share), refused by the view spellings
    nested = np.arange(24).reshape(2, 3, 4).tolist()
    from_list = PB.GetImageFromArray(nested)
    assert from_list.GetPixel((3, 2, 1)) == 23.0
    with pytest.raises(TypeError, match="no memory to share"):
        PB.GetImageViewFromArray(nested)
    auto = ndwrap.image_from_array(nested)
    assert type(auto).__name__ == "ImageSL3"


def test_simpleitk_spellings():
    """SimpleITK users write GetImageFromArray(arr, isVector=True)."""
    arr = np.zeros((2, 3, 4, 3), np.float32)
    img = ndwrap.GetImageFromArray(arr, isVector=True)
    assert type(img) is ndwrap.VectorImage[ndwrap.F, 3]
    assert img.GetNumberOfComponentsPerPixel() == 3
    view = ndwrap.GetImageViewFromArray(arr, isVector=True)
    assert np.shares_memory(np.asarray(view), arr)
    back = ndwrap.GetArrayViewFromImage(view)
    assert back.shape == (2, 3, 4, 3)
