"""NumPy's protocols on images and vnl objects: __array__(dtype, copy) with
NumPy 2 semantics, .shape / .ndim / .dtype, np.asarray sharing memory.

Follows ITK's itkImageTest.py / extras.py ("array_from_image", "np.asarray
of an image"): those call np.asarray(image), np.array(image), image.shape,
image.ndim and image.dtype.  Runs under NumPy 1.x too (the run_all.sh
stage "NumPy 1.x")."""
import subprocess
import sys

import numpy as np
import pytest

import ndwrap
from conftest import IMAGE_KEYS, WRAPPED_PIXELS, extreme_values, key_id, small_size

NUMPY2 = int(np.__version__.split(".")[0]) >= 2


def filled_image(key, vector=False, components=2):
    p, d = key
    T = (ndwrap.VectorImage if vector else ndwrap.Image)[p, d]
    image = T.New()
    if vector:
        image.SetNumberOfComponentsPerPixel(components)
    image.SetRegions(small_size(d))
    image.Allocate()
    a = np.asarray(image)
    a[...] = extreme_values(p, a.size).reshape(a.shape)
    return image


@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
@pytest.mark.parametrize("vector", [False, True], ids=["Image", "VectorImage"])
def test_shape_ndim_dtype_match_the_array_view(key, vector):
    p, d = key
    image = filled_image(key, vector)
    a = np.asarray(image)
    expect = tuple(reversed(small_size(d))) + ((2,) if vector else ())
    assert image.shape == a.shape == expect
    assert image.ndim == a.ndim == d + vector
    assert image.dtype == a.dtype == np.dtype(p.numpy_name)
    assert isinstance(image.dtype, np.dtype)
    assert np.shares_memory(a, image.__array__())


@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
def test_array_copy_semantics(key):
    image = filled_image(key)
    view = np.asarray(image)
    same = image.__array__()
    assert np.shares_memory(same, view) and same.dtype == view.dtype
    assert np.shares_memory(image.__array__(copy=False), view)
    copied = image.__array__(copy=True)
    assert not np.shares_memory(copied, view)
    np.testing.assert_array_equal(copied, view)
    # the same dtype given explicitly is no reason to copy
    assert np.shares_memory(image.__array__(dtype=view.dtype, copy=False), view)


def test_array_dtype_conversion():
    image = filled_image((ndwrap.F, 3)) if (ndwrap.F.wrapped and 3 in ndwrap.WRAPPED_DIMS) \
        else pytest.skip("needs Image[F, 3]")
    view = np.asarray(image)
    d = image.__array__(dtype=np.float64)
    assert d.dtype == np.float64 and not np.shares_memory(d, view)
    np.testing.assert_array_equal(d, view.astype(np.float64))
    with pytest.raises(ValueError, match="copy=False"):
        image.__array__(dtype=np.float64, copy=False)
    assert image.__array__("float64", copy=True).dtype == np.float64
    # copy= follows Python's truth rules; None is the only third state
    assert not np.shares_memory(image.__array__(copy=1), view)
    assert np.shares_memory(image.__array__(copy=0), view)


def test_numpy_functions_use_the_protocols():
    if not (ndwrap.F.wrapped and 2 in ndwrap.WRAPPED_DIMS):
        pytest.skip("needs Image[F, 2]")
    image = filled_image((ndwrap.F, 2))
    view = np.asarray(image)
    assert np.shares_memory(np.asarray(image), view)
    full = np.array(image)
    assert not np.shares_memory(full, view)
    np.testing.assert_array_equal(full, view)
    assert np.asarray(image, dtype=np.float64).dtype == np.float64
    if NUMPY2:
        assert np.shares_memory(np.array(image, copy=False), view)
        with pytest.raises(ValueError):
            np.array(image, dtype=np.float64, copy=False)
    # writes through the protocol view land in the image
    view[1, 0] = 42.5
    assert image.GetPixel([0, 1]) == 42.5
    assert float(np.sum(image)) == float(view.sum())


def test_unallocated_image():
    T = ndwrap.Image[WRAPPED_PIXELS[0], ndwrap.WRAPPED_DIMS[0]]
    image = T.New()
    d = ndwrap.WRAPPED_DIMS[0]
    image.SetRegions(small_size(d))
    # shape is geometry: known before Allocate, as ITK's from the region
    assert image.shape == tuple(reversed(small_size(d)))
    assert image.ndim == d
    with pytest.raises(RuntimeError, match="not allocated"):
        image.__array__()
    # np.asarray must not fall back to a 0-d object array
    with pytest.raises(RuntimeError, match="not allocated"):
        np.asarray(image)


def test_attributes_are_read_only():
    T = ndwrap.Image[WRAPPED_PIXELS[0], ndwrap.WRAPPED_DIMS[0]]
    image = T.New()
    for name in ("shape", "ndim", "dtype"):
        with pytest.raises(AttributeError):
            setattr(image, name, 1)


@pytest.mark.parametrize("p", WRAPPED_PIXELS, ids=key_id)
def test_vnl_protocols(p):
    v = ndwrap.vnl_vector[p](5)
    m = ndwrap.vnl_matrix[p](3, 4)
    for obj, shape in ((v, (5,)), (m, (3, 4))):
        a = np.asarray(obj)
        a[...] = extreme_values(p, a.size).reshape(shape)
        assert obj.shape == a.shape == shape
        assert obj.ndim == len(shape)
        assert obj.dtype == np.dtype(p.numpy_name)
        assert np.shares_memory(obj.__array__(), a)
        c = obj.__array__(copy=True)
        assert not np.shares_memory(c, a)
        np.testing.assert_array_equal(c, a)
        with pytest.raises(ValueError, match="copy=False"):
            obj.__array__(dtype=np.dtype("complex128") if p.kind != "c" else np.int8,
                          copy=False)


def test_import_does_not_import_numpy():
    code = ("import sys, ndwrap; "
            "T = ndwrap.Image[[p for p in ndwrap.PIXEL_TYPES if p.wrapped][0], "
            "ndwrap.WRAPPED_DIMS[0]]; "
            "im = T.New(); im.SetRegions([2] * ndwrap.WRAPPED_DIMS[0]); im.Allocate(); "
            "s = im.shape; n = im.ndim; "
            "assert 'numpy' not in sys.modules, 'numpy imported'; "
            "d = im.dtype; assert 'numpy' in sys.modules; print(s, n, d)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
