"""axes="..." on every conversion spelling (issue 12, "Axis orders").

Letters X, Y, Z, T name image dimensions 0..3, C the components.  Export
permutes strides (a view, never a copy); import reads the array's axes as
named through strides (no copy for the view spellings); the copying
spellings copy into canonical (x-fastest, C-contiguous) layout.
"""
import itertools

import numpy as np
import pytest

import ndwrap
from conftest import counting_vector_image

pytestmark = pytest.mark.skipif(3 not in ndwrap.WRAPPED_DIMS or not ndwrap.F.wrapped,
                                reason="needs Image[F, 3] (trimmed build)")
if 3 in ndwrap.WRAPPED_DIMS and ndwrap.F.wrapped:
    VT = ndwrap.VectorImage[ndwrap.F, 3]
    ST = ndwrap.Image[ndwrap.F, 3]


def need(dtype):
    """Skip when this build does not wrap the dtype's pixel type."""
    if not ndwrap._registry.pixel_type_of_dtype(np.dtype(dtype)).wrapped:
        pytest.skip(f"{np.dtype(dtype)} not wrapped in this build")
SIZE = (12, 4, 6)  # IOLink's documented example: exports as (6, 4, 12)


def vector_image(ncomp=3):
    return counting_vector_image(VT, SIZE, ncomp)


def scalar_image():
    img = ST.New()
    img.SetRegions(SIZE)
    img.Allocate()
    a = ndwrap.array_view_from_image(img)
    a[...] = np.arange(a.size, dtype=np.float32).reshape(a.shape)
    return img


def where(letters, x, y, z, c=None):
    """Index tuple of pixel (x, y, z)[, component c] in an array of `letters`."""
    pos = {"X": x, "Y": y, "Z": z, "C": c}
    return tuple(pos[L] for L in letters)


def test_iolink_shapes():
    img = vector_image()
    assert ndwrap.array_view_from_image(img).shape == (6, 4, 12, 3)
    assert ndwrap.array_view_from_image(scalar_image()).shape == (6, 4, 12)
    assert ndwrap.array_view_from_image(img, axes="XYZC").shape == (12, 4, 6, 3)
    assert ndwrap.array_view_from_image(img, axes="CZYX").shape == (3, 6, 4, 12)
    assert ndwrap.GetArrayViewFromImage(scalar_image(), axes="XYZ").shape == (12, 4, 6)


@pytest.mark.parametrize("letters", ["".join(p) for p in itertools.permutations("XYZC")])
def test_every_permutation_round_trips_as_views(letters):
    img = vector_image()
    PB = ndwrap.PyBuffer[VT]
    base = PB.GetArrayViewFromImage(img)
    spellings = [
        lambda: PB.GetArrayViewFromImage(img, axes=letters),
        lambda: PB.GetArrayFromImage(img, axes=letters),
        lambda: ndwrap.array_view_from_image(img, axes=letters),
        lambda: ndwrap.GetArrayViewFromImage(img, axes=letters),
    ]
    for spell in spellings:
        a = spell()
        assert np.shares_memory(a, base)
        assert a.shape == tuple({"X": 12, "Y": 4, "Z": 6, "C": 3}[L] for L in letters)
        # values land where the letters say
        for (x, y, z, c) in [(0, 0, 0, 0), (11, 3, 5, 2), (7, 1, 4, 1), (3, 2, 0, 2)]:
            assert a[where(letters, x, y, z, c)] == img.GetPixel((x, y, z))[c]
        # and back, as a view, through every import spelling
        for back in (PB.GetImageViewFromArray(a, axes=letters),
                     PB.GetImageFromArray(a, axes=letters),
                     ndwrap.image_view_from_array(a, axes=letters),
                     ndwrap.GetImageViewFromArray(a, axes=letters)):
            assert type(back) is VT
            assert tuple(back.GetLargestPossibleRegion().GetSize()) == SIZE
            assert back.GetNumberOfComponentsPerPixel() == 3
            v = ndwrap.array_view_from_image(back)
            assert np.shares_memory(v, a)
            np.testing.assert_array_equal(v, base)
            assert back.GetPixel((11, 3, 5)) == img.GetPixel((11, 3, 5))
        # the copying spellings: a copy in canonical C layout
        for cp in (ndwrap.image_from_array(a, axes=letters),
                   ndwrap.GetImageFromArray(a, axes=letters),
                   PB.GetImageFromArray(a, axes=letters, copy=True)):
            v = ndwrap.array_view_from_image(cp)
            assert not np.shares_memory(v, a)
            assert v.flags.c_contiguous
            np.testing.assert_array_equal(v, base)


@pytest.mark.parametrize("letters", ["".join(p) for p in itertools.permutations("XYZ")] +
                         ["CXYZ", "ZCYX", "XYZC"])
def test_scalar_permutations(letters):
    img = scalar_image()
    base = ndwrap.array_view_from_image(img)
    a = ndwrap.PyBuffer[ST].GetArrayViewFromImage(img, axes=letters)
    assert np.shares_memory(a, base)
    for (x, y, z) in [(0, 0, 0), (11, 3, 5), (7, 1, 4)]:
        assert a[where(letters, x, y, z, 0)] == img.GetPixel((x, y, z))
    back = ndwrap.PyBuffer[ST].GetImageViewFromArray(a, axes=letters)
    assert type(back) is ST
    np.testing.assert_array_equal(ndwrap.array_view_from_image(back), base)
    assert np.shares_memory(ndwrap.array_view_from_image(back), a)


def test_keep_axes_equals_xyz():
    img = vector_image()
    k = ndwrap.array_view_from_image(img, keep_axes=True)
    x = ndwrap.array_view_from_image(img, axes="XYZC")
    assert k.shape == x.shape and k.strides == x.strides
    assert ndwrap.PyBuffer[VT].GetArrayViewFromImage(img, keepAxes=True).strides == x.strides
    s = scalar_image()
    assert ndwrap.array_view_from_image(s, keep_axes=True).strides == \
        ndwrap.array_view_from_image(s, axes="xyz").strides  # lower case is accepted
    with pytest.raises(ValueError, match="not both"):
        ndwrap.array_view_from_image(s, keep_axes=True, axes="XYZ")


def test_default_order_is_numpy_reversed():
    img = vector_image()
    d = ndwrap.array_view_from_image(img)
    z = ndwrap.array_view_from_image(img, axes="ZYXC")
    assert d.shape == z.shape and d.strides == z.strides


def test_helpers_pick_type_from_axes():
    a = np.zeros((3, 6, 4, 12), np.float32)  # C, Z, Y, X
    img = ndwrap.image_view_from_array(a, axes="CZYX")
    assert type(img) is VT and img.GetNumberOfComponentsPerPixel() == 3
    assert tuple(img.GetLargestPossibleRegion().GetSize()) == SIZE
    if 2 not in ndwrap.WRAPPED_DIMS:
        return
    a2 = np.zeros((12, 4), np.float32)
    img2 = ndwrap.image_view_from_array(a2, axes="XY")
    assert tuple(img2.GetLargestPossibleRegion().GetSize()) == (12, 4)
    assert np.shares_memory(ndwrap.array_view_from_image(img2), a2)


def test_copies_with_axes():
    img = vector_image()
    base = ndwrap.array_view_from_image(img)
    c = ndwrap.array_from_image(img, axes="CXZY")
    assert not np.shares_memory(c, base)
    np.testing.assert_array_equal(c, base.transpose(3, 2, 0, 1))
    c2 = ndwrap.PyBuffer[VT].GetArrayFromImage(img, axes="YXZC", copy=True)
    np.testing.assert_array_equal(c2, base.transpose(1, 2, 0, 3))


@pytest.mark.parametrize("bad, why", [
    ("XYZ", "'C' missing"),            # a vector image needs C
    ("XYZCC", "'C' is repeated"),
    ("XXZC", "'X' is repeated"),
    ("XYQC", "'Q' is not an axis letter"),
    ("XYTC", "'T' is not an axis letter"),  # T is dimension 3: a 3-d image has none
    ("XYC", "'Z' missing"),
    ("", "missing"),
])
def test_bad_letters_name_the_expected_ones(bad, why):
    img = vector_image()
    a = ndwrap.array_view_from_image(img)
    for call in (lambda: ndwrap.array_view_from_image(img, axes=bad),
                 lambda: ndwrap.PyBuffer[VT].GetArrayFromImage(img, axes=bad),
                 lambda: ndwrap.PyBuffer[VT].GetImageViewFromArray(a, axes=bad),
                 lambda: ndwrap.PyBuffer[VT].GetImageFromArray(a, axes=bad, copy=True)):
        with pytest.raises(ValueError) as e:
            call()
        assert why in str(e.value)
        assert "X, Y, Z and C" in str(e.value)


def test_axes_rank_and_type_errors():
    a = np.zeros((6, 4, 12), np.float32)
    with pytest.raises(ValueError, match="names 4 axes; the array has 3"):
        ndwrap.PyBuffer[VT].GetImageViewFromArray(a, axes="ZYXC")
    with pytest.raises(TypeError, match="axes must be a string"):
        ndwrap.array_view_from_image(scalar_image(), axes=["X", "Y", "Z"])
    with pytest.raises(TypeError, match="axes must be a string"):
        ndwrap.PyBuffer[ST].GetImageViewFromArray(a, axes=3)
    # a scalar image's C names an axis of length 1
    with pytest.raises(ValueError):
        ndwrap.PyBuffer[ST].GetImageViewFromArray(np.zeros((6, 4, 12, 2), np.float32),
                                                  axes="ZYXC")


def test_view_spellings_never_copy_with_axes():
    a = np.zeros((6, 4, 12, 3), np.float32)[:, :, :, ::-1]  # strided
    img = ndwrap.PyBuffer[VT].GetImageViewFromArray(a, axes="ZYXC")
    assert np.shares_memory(ndwrap.array_view_from_image(img), a)
    a16 = a.astype(np.float64)
    with pytest.raises(ndwrap.DTypeMismatchError):
        ndwrap.PyBuffer[VT].GetImageViewFromArray(a16, axes="ZYXC")
    # the sharing spelling copies with conversion only when it must
    img2 = ndwrap.PyBuffer[VT].GetImageFromArray(a16, axes="ZYXC")
    np.testing.assert_array_equal(ndwrap.array_view_from_image(img2), a)


@pytest.mark.parametrize("dtype, ncomp", [(np.uint8, 0), (np.int16, 0), (np.float32, 0),
                                          (np.float64, 0), (np.complex128, 0), (np.float32, 3),
                                          (np.float64, 3), (np.uint8, 5)])
@pytest.mark.parametrize("perm", [(2, 1, 0), (0, 2, 1), (1, 0, 2), (2, 0, 1)])
def test_transposing_copies_are_exact(dtype, ncomp, perm):
    """The blocked (tiled) transpose of the C copy, over tile edges, odd
    sizes, negative steps and every pixel size, gives NumPy's values."""
    need(dtype)
    rng = np.random.default_rng(0)
    shape = (37, 70, 33) + ((ncomp,) if ncomp else ())
    a = (rng.integers(0, 100, shape)).astype(dtype)
    full = perm + ((3,) if ncomp else ())
    for src in (a.transpose(full), a.transpose(full)[::-1, :, ::-2]):
        img = ndwrap.image_from_array(src, is_vector=bool(ncomp))
        v = ndwrap.array_view_from_image(img)
        assert v.flags.c_contiguous
        np.testing.assert_array_equal(v, src)
        # and out again into a strided target (_copy_into of a transposed view)
        back = ndwrap.array_from_image(ndwrap.image_view_from_array(src, is_vector=bool(ncomp)))
        np.testing.assert_array_equal(back, src)
