"""Fixed-size pixel types as pixels of ``Image`` (issue 11): every wrapped
row of the pixel table's NDW_COMPOUND_TABLE x every wrapped dimension, e.g.
``Image[Vector[F, 3], 3]`` (a displacement field), ``Image[RGBPixel[UC], 2]``.

Restates ITK's itkPyBufferTest.py test_NumPyBridge_itkVectorPixelImage
(``Image[Vector[F, 3], 2]`` to an array with a trailing axis of 3 and back),
test_NumPyBridge_itkRGBImage and test_NumPyBridge_itkRGBAImage (RGB / RGBA
pixels of UC: a trailing axis of 3 / 4), and the pixel-type parts of
extras.py's "BridgeNumPy" section (``image_from_array(arr, ttype=...)``).
Table-driven: runs (or skips) on trimmed builds too."""
import copy
import io
import pickle

import numpy as np
import pytest

import ndwrap as itk
from ndwrap import _table

IMAGES = [(cls, key[0], key[1]) for key, cls in itk.Image.items() if isinstance(key[0], type)]
IDS = [cls.__name__ for cls, _, _ in IMAGES]
needs_rows = pytest.mark.skipif(not IMAGES, reason="no fixed-size pixel type wrapped")


def _values(pixel, shape, seed=0):
    """Distinct in-range component values of the pixel's dtype."""
    dt = pixel.ComponentType.dtype
    n = int(np.prod(shape))
    if dt.kind in "iu":
        return (np.arange(n, dtype=np.int64) * 7 + seed).astype(dt).reshape(shape)
    return (np.arange(n, dtype=np.float64) * 0.5 + seed).astype(dt).reshape(shape)


def _size(d):
    return [4, 3, 2, 2, 2, 2, 2, 2][:d]


@needs_rows
@pytest.mark.parametrize("cls, pixel, d", IMAGES, ids=IDS)
def test_table_rows_are_classes(cls, pixel, d):
    """Each table row gives a class reached by ITK's spellings."""
    assert itk.Image[pixel, d] is cls
    assert getattr(itk.Image, pixel._itk_code + str(d)) is cls  # itk.Image.VF33
    assert cls.__name__ == f"Image{pixel._itk_code}{d}"
    assert itk.template(cls) == ("Image", (pixel, d))
    assert cls.GetImageDimension() == d
    assert f"({pixel!r}, {d})" in itk.Image.GetTypesAsList()
    assert cls in itk.PyBuffer.keys() or itk.PyBuffer[cls].ImageType is cls


@needs_rows
@pytest.mark.parametrize("cls, pixel, d", IMAGES, ids=IDS)
def test_pixels_and_components(cls, pixel, d):
    n = pixel.Length
    image = cls.New()
    assert image.GetNumberOfComponentsPerPixel() == n  # fixed by the type, before Allocate
    image.SetRegions(_size(d))
    image.Allocate(True)
    zero = image.GetPixel([0] * d)
    assert type(zero) is pixel and list(zero) == [0] * n
    vals = _values(pixel, (n,), 1).tolist()
    image.SetPixel([1] + [0] * (d - 1), pixel(vals))        # the value type
    image.SetPixel([2] + [0] * (d - 1), vals[::-1])          # or a sequence
    assert list(image.GetPixel([1] + [0] * (d - 1))) == vals
    assert image.GetPixel([2] + [0] * (d - 1)) == pixel(vals[::-1])
    image.FillBuffer(pixel(vals))
    assert np.array_equal(np.asarray(image)[(0,) * d], vals)
    image.SetNumberOfComponentsPerPixel(n)  # its own count: accepted
    with pytest.raises(ValueError, match=f"has {n} components per pixel, fixed by its pixel type; "
                                         f"got {n + 1}"):
        image.SetNumberOfComponentsPerPixel(n + 1)
    with pytest.raises(ValueError):
        image.SetPixel([0] * d, vals + vals)  # wrong length
    with pytest.raises(TypeError):
        image.SetPixel([0] * d, "abc")


@needs_rows
@pytest.mark.parametrize("cls, pixel, d", IMAGES, ids=IDS)
def test_pybuffer_zero_copy_both_ways(cls, pixel, d):
    """test_NumPyBridge_itkVectorPixelImage / itkRGBImage / itkRGBAImage: a
    trailing axis of N, zero-copy both ways, through PyBuffer's four methods
    and the module helpers."""
    n = pixel.Length
    shape = tuple(reversed(_size(d))) + (n,)
    arr = _values(pixel, shape)
    P = itk.PyBuffer[cls]
    image = P.GetImageViewFromArray(arr)
    assert type(image) is cls and image.GetNumberOfComponentsPerPixel() == n
    assert list(image.GetLargestPossibleRegion().GetSize()) == _size(d)
    assert list(image.GetPixel([1] + [0] * (d - 1))) == arr[(0,) * (d - 1) + (1,)].tolist()
    view = P.GetArrayViewFromImage(image)
    assert view.shape == shape and view.dtype == arr.dtype and np.shares_memory(view, arr)
    assert view.strides == arr.strides
    assert np.shares_memory(P.GetArrayFromImage(image), arr)      # PyBuffer shares
    assert np.shares_memory(np.asarray(P.GetImageFromArray(arr)), arr)
    # the module helpers: *_view_* share, the others copy
    assert np.shares_memory(itk.array_view_from_image(image), arr)
    got = itk.array_from_image(image)
    assert np.array_equal(got, arr) and not np.shares_memory(got, arr)
    im2 = itk.image_view_from_array(arr, ttype=cls)
    assert type(im2) is cls and np.shares_memory(np.asarray(im2), arr)
    im3 = itk.image_from_array(arr, ttype=(pixel, d))
    assert type(im3) is cls and not np.shares_memory(np.asarray(im3), arr)
    assert np.array_equal(np.asarray(im3), arr)
    # copy= spellings
    assert not np.shares_memory(itk.array_view_from_image(image), P.GetArrayFromImage(image,
                                                                                     copy=True))
    # axes=: the component axis named C may move
    if d == 2:
        moved = itk.array_view_from_image(image, axes="CYX")
        assert moved.shape == (n,) + shape[:-1] and np.shares_memory(moved, arr)
    # keep_axes: pixel (i, j) at arr[i, j]
    kept = itk.array_view_from_image(image, keep_axes=True)
    assert kept.shape == tuple(_size(d)) + (n,)
    assert np.array_equal(kept[(1,) + (0,) * (d - 1)], list(image.GetPixel([1] + [0] * (d - 1))))


@needs_rows
@pytest.mark.parametrize("cls, pixel, d", IMAGES, ids=IDS)
def test_wrong_trailing_axis_is_a_value_error(cls, pixel, d):
    n = pixel.Length
    shape = tuple(reversed(_size(d)))
    dt = pixel.ComponentType.dtype
    for bad in (n + 1, 1 if n != 1 else 2 * n + 1):
        arr = np.zeros(shape + (bad,), dt)
        with pytest.raises(ValueError, match=f"has {n} components per pixel, fixed by its "
                                             f"pixel type; got {bad}"):
            itk.PyBuffer[cls].GetImageViewFromArray(arr)
        with pytest.raises(ValueError, match="fixed by its pixel type"):
            itk.image_from_array(arr, ttype=cls)
    with pytest.raises(ValueError, match="dimension"):  # no component axis at all
        itk.PyBuffer[cls].GetImageViewFromArray(np.zeros(shape, dt))
    if dt.kind == "u":
        other = np.uint16 if dt != np.uint16 else np.uint32
    elif dt.kind == "i":
        other = np.int32 if dt != np.int32 else np.int64
    else:
        other = np.float64 if dt != np.float64 else np.float32
    with pytest.raises(TypeError):  # a view of another dtype
        itk.PyBuffer[cls].GetImageViewFromArray(np.zeros(shape + (n,), other))
    # image_from_array converts the dtype (a copy)
    im = itk.image_from_array(np.ones(shape + (n,), other), ttype=cls)
    assert type(im) is cls and np.asarray(im).dtype == dt


@needs_rows
@pytest.mark.parametrize("cls, pixel, d", IMAGES, ids=IDS)
def test_pickle_copy_dlpack(cls, pixel, d):
    n = pixel.Length
    shape = tuple(reversed(_size(d))) + (n,)
    arr = _values(pixel, shape, 3)
    image = itk.image_from_array(arr, ttype=cls)
    image.SetSpacing([0.5] * d)
    for other in (pickle.loads(pickle.dumps(image)), pickle.loads(pickle.dumps(image, 5)),
                  copy.copy(image), copy.deepcopy(image)):
        assert type(other) is cls and np.array_equal(np.asarray(other), arr)
        assert other.GetSpacing() == (0.5,) * d
        assert not np.shares_memory(np.asarray(other), np.asarray(image))
    empty = pickle.loads(pickle.dumps(cls.New()))
    assert type(empty) is cls and empty.GetNumberOfComponentsPerPixel() == n
    d2 = np.from_dlpack(image)
    assert d2.shape == shape and np.shares_memory(d2, np.asarray(image))


@needs_rows
def test_xarray_has_a_component_axis():
    xr = pytest.importorskip("xarray")
    cls, pixel, d = IMAGES[0]
    arr = _values(pixel, tuple(reversed(_size(d))) + (pixel.Length,))
    da = itk.xarray_from_image(itk.image_view_from_array(arr, ttype=cls))
    assert isinstance(da, xr.DataArray) and da.dims[-1] == "c" and da.shape == arr.shape
    assert np.shares_memory(da.values, arr)


@needs_rows
def test_imwrite_reads_back_as_vector_image(tmp_path):
    """imwrite writes an image of fixed-size pixels as a vector image; imread
    gives a VectorImage of the components (ITK would give the pixel type)."""
    if not hasattr(itk, "imwrite"):
        pytest.skip("IO module off")
    cls, pixel, d = IMAGES[0]
    arr = _values(pixel, tuple(reversed(_size(d))) + (pixel.Length,))
    path = str(tmp_path / "a.mha")
    itk.imwrite(itk.image_from_array(arr, ttype=cls), path)
    back = itk.imread(path)
    assert np.array_equal(np.asarray(back), arr)


def test_itk_vector_pixel_image_section():
    """itkPyBufferTest.py test_NumPyBridge_itkVectorPixelImage, restated:
    Image[Vector[F, 3], 2] filled with (0, 1, 2) -> an array of shape
    (H, W, 3) whose pixel (i, j) is [0, 1, 2]."""
    if (itk.Vector[itk.F, 3], 2) not in itk.Image:
        pytest.skip("Image[Vector[F, 3], 2] needs NDW_WRAP_VECTOR_COMPONENTS=3")
    T = itk.Image[itk.Vector[itk.F, 3], 2]
    image = T.New()
    image.SetRegions([5, 4])
    image.Allocate()
    v = itk.Vector[itk.F, 3]()
    v[0], v[1], v[2] = 0, 1, 2
    image.FillBuffer(v)
    arr = itk.PyBuffer[T].GetArrayViewFromImage(image)
    assert arr.shape == (4, 5, 3) and list(arr[1, 1]) == [0, 1, 2]


def test_itk_rgb_sections():
    """itkPyBufferTest.py test_NumPyBridge_itkRGBImage / itkRGBAImage, restated:
    an RGB(A) image of UC -> (H, W, 3 or 4) and back to the same type."""
    for tmpl, n in ((itk.RGBPixel, 3), (itk.RGBAPixel, 4)):
        if (tmpl[itk.UC], 2) not in itk.Image:
            continue
        T = itk.Image[tmpl[itk.UC], 2]
        image = T.New()
        image.SetRegions([5, 5])
        image.Allocate()
        image.FillBuffer(tmpl[itk.UC](list(range(1, n + 1))))
        arr = itk.PyBuffer[T].GetArrayViewFromImage(image)
        assert arr.shape == (5, 5, n) and arr.dtype == np.uint8 and list(arr[2, 3]) == list(
            range(1, n + 1))
        back = itk.PyBuffer[T].GetImageViewFromArray(arr)
        assert type(back) is T and back.GetPixel([3, 2]) == tmpl[itk.UC](list(range(1, n + 1)))


def test_unwrapped_rows_name_their_options():
    """A fixed-size row that is off, or a length the build lacks, is a
    NotWrappedError naming the CMake option (as for scalar rows)."""
    rows = {r[0]: r for r in _table.COMPOUND_TYPES}
    if not rows["VD"][6]:
        with pytest.raises(itk.NotWrappedError, match="NDW_WRAP_VD=ON"):
            itk.Image[itk.Vector[itk.D, 3], 3]
    if 5 not in _table.VECTOR_COMPONENTS:
        with pytest.raises(itk.NotWrappedError, match="NDW_WRAP_VECTOR_COMPONENTS"):
            itk.Image[itk.Vector[itk.F, 5], 2]
    with pytest.raises(itk.NotWrappedError, match="No row of the fixed-size pixel table"):
        itk.Image[itk.RGBPixel[itk.D], 2]
    with pytest.raises(itk.NotWrappedError, match="beyond ndwrap's limit"):
        itk.Image[itk.Vector[itk.F, 3], 9]
    with pytest.raises(TypeError):
        itk.Image[itk.Vector, 3]  # a template, not a type


def test_vector_image_classes_stay_distinct():
    """VectorImage[F, 3] and Image[Vector[F, 3], 3] are different types:
    the C facades refuse each other's handles (from_base checks the layout)."""
    if (itk.Vector[itk.F, 3], 3) not in itk.Image:
        pytest.skip("Image[Vector[F, 3], 3] not wrapped")
    T = itk.Image[itk.Vector[itk.F, 3], 3]
    V = itk.VectorImage[itk.F, 3]
    assert T is not V
    v = V.New()
    v.SetNumberOfComponentsPerPixel(7)  # run-time count: still free
    assert v.GetNumberOfComponentsPerPixel() == 7
    with pytest.raises(TypeError):
        T.New().Graft(v)
    with pytest.raises(TypeError):
        T.New().CopyInformation(v)
