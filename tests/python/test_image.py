"""Image proxies: ITK's method names, pixel round trips for every wrapped
(pixel type, dimension), metadata, and clear errors for bad input."""
import math

import numpy as np
import pytest

import ndwrap
from conftest import WRAPPED_DIMS, WRAPPED_PIXELS, extreme_values, py_value, small_size

D0 = WRAPPED_DIMS[0]


def test_scalar_pixels_round_trip_exactly(image_key):
    p, d = image_key
    img = ndwrap.Image[p, d].New()
    size = small_size(d)
    img.SetRegions(size)
    img.Allocate(initialize=True)
    n = int(np.prod(size))
    values = extreme_values(p, n)
    idx = list(np.ndindex(*size))  # index tuples in (x, y, ...) order
    for v, i in zip(values, idx):
        img.SetPixel(i, py_value(v))
    for v, i in zip(values, idx):
        got = img.GetPixel(list(i))
        assert got == py_value(v) and type(got) is type(py_value(v))
    assert img.GetNumberOfComponentsPerPixel() == 1


def test_vector_pixels_round_trip_exactly(image_key):
    p, d = image_key
    img = ndwrap.VectorImage[p, d].New()
    img.SetNumberOfComponentsPerPixel(3)
    img.SetRegions(small_size(d))
    img.Allocate()
    values = extreme_values(p, 3)
    pixel = tuple(py_value(v) for v in values)
    img.FillBuffer(pixel)
    corner = [s - 1 for s in small_size(d)]
    assert img.GetPixel(corner) == pixel
    img.SetPixel([0] * d, pixel[::-1])
    assert img.GetPixel([0] * d) == pixel[::-1]
    assert img.GetNumberOfComponentsPerPixel() == 3


def test_new_image_is_empty_and_unallocated():
    img = ndwrap.Image[ndwrap.F, D0]()
    assert list(img.GetLargestPossibleRegion().GetSize()) == [0] * D0
    with pytest.raises(RuntimeError, match="not allocated"):
        img.GetPixel([0] * D0)
    with pytest.raises(RuntimeError, match="not allocated"):
        img.FillBuffer(1.0)
    assert "unallocated" in repr(img)


def test_regions_with_start_index_and_index_objects():
    d = D0
    img = ndwrap.Image[ndwrap.SS, d].New()
    region = ndwrap.ImageRegion[d]([-2] * d, [3] * d)
    img.SetRegions(region)
    img.Allocate(initialize=True)
    assert list(img.GetBufferedRegion().GetIndex()) == [-2] * d
    assert list(img.GetLargestPossibleRegion().GetSize()) == [3] * d
    img.SetPixel(ndwrap.Index[d]([-2] * d), -7)
    assert img.GetPixel(tuple([-2] * d)) == -7
    assert img.GetPixel(np.array([-2] * d)) == -7
    with pytest.raises(IndexError, match="outside the buffered region"):
        img.GetPixel([1] * d)
    with pytest.raises(IndexError):
        img.SetPixel([-3] + [0] * (d - 1), 1)


UNSIGNED = next(p for p in WRAPPED_PIXELS if p.kind == "u")


def test_bad_sizes_and_indices():
    d = D0
    img = ndwrap.Image[UNSIGNED, d].New()
    with pytest.raises(ValueError, match="negative"):
        img.SetRegions([-1] + [2] * (d - 1))
    wide = ndwrap.Image[next(p for p in WRAPPED_PIXELS if p.itemsize >= 4), d].New()
    with pytest.raises(ValueError, match="overflow|too large"):
        wide.SetRegions([2**62] * d)  # > 2**63 bytes
    with pytest.raises(OverflowError):
        img.SetRegions([2**64] * d)  # not even an int64
    with pytest.raises(ValueError, match=f"must have {d} elements"):
        img.SetRegions([2] * (d + 1))
    with pytest.raises(TypeError):
        img.SetRegions("abc")
    img.SetRegions([2] * d)
    img.Allocate()
    with pytest.raises(ValueError, match=f"must have {d} elements"):
        img.GetPixel([0] * (d + 1))
    with pytest.raises(TypeError):
        img.GetPixel([0.5] * d)
    top = int(np.iinfo(UNSIGNED.numpy_name).max)
    img.SetPixel([0] * d, top)
    assert img.GetPixel([0] * d) == top
    with pytest.raises(OverflowError, match=f"out of range for pixel type {UNSIGNED.code}"):
        img.SetPixel([0] * d, top + 1)
    with pytest.raises(OverflowError):
        img.SetPixel([0] * d, -1)
    with pytest.raises(TypeError):
        img.SetPixel([0] * d, 1.5)  # no silent truncation


def test_metadata():
    d = D0
    img = ndwrap.Image[ndwrap.D, d].New()
    assert img.GetSpacing() == (1.0,) * d
    assert img.GetOrigin() == (0.0,) * d
    assert img.GetDirection() == tuple(tuple(float(i == j) for j in range(d)) for i in range(d))
    img.SetSpacing([0.5 + i for i in range(d)])
    assert img.GetSpacing() == tuple(0.5 + i for i in range(d))
    img.SetSpacing(2.0)
    assert img.GetSpacing() == (2.0,) * d
    img.SetOrigin([-1.5] * d)
    assert img.GetOrigin() == (-1.5,) * d
    rot = np.eye(d)[::-1]
    img.SetDirection(rot.tolist())
    assert np.array(img.GetDirection()).tolist() == rot.tolist()
    with pytest.raises(ValueError, match="spacing"):
        img.SetSpacing([0.0] * d)
    with pytest.raises(ValueError, match="spacing"):
        img.SetSpacing([math.nan] * d)
    with pytest.raises(ValueError, match="singular"):
        img.SetDirection(np.zeros((d, d)).tolist())
    with pytest.raises(ValueError):
        img.SetOrigin([1.0] * (d + 1))
    other = ndwrap.Image[ndwrap.D, d].New()
    other.CopyInformation(img)
    assert other.GetSpacing() == img.GetSpacing() and other.GetOrigin() == img.GetOrigin()


def test_components_only_for_vector_images():
    img = ndwrap.Image[ndwrap.F, D0].New()
    with pytest.raises(ValueError, match="VectorImage"):
        img.SetNumberOfComponentsPerPixel(3)
    vimg = ndwrap.VectorImage[ndwrap.F, D0].New()
    with pytest.raises(ValueError):
        vimg.SetNumberOfComponentsPerPixel(0)
    vimg.SetNumberOfComponentsPerPixel(2)
    vimg.SetRegions([2] * D0)
    vimg.Allocate()
    with pytest.raises(ValueError, match="must have 2 elements"):
        vimg.SetPixel([0] * D0, (1.0, 2.0, 3.0))


def test_fill_buffer_and_bool_complex_pixels():
    d = D0
    for p, value in ((ndwrap.B, True), (ndwrap.CF, 1.5 - 2j), (ndwrap.D, -0.25)):
        if not p.wrapped:
            continue
        img = ndwrap.Image[p, d].New()
        img.SetRegions([3] * d)
        img.Allocate()
        img.FillBuffer(value)
        assert img.GetPixel([2] * d) == value
    if ndwrap.B.wrapped:
        img = ndwrap.Image[ndwrap.B, d].New()
        img.SetRegions([1] * d)
        img.Allocate()
        with pytest.raises(ValueError, match="not a bool"):
            img.SetPixel([0] * d, 2)


def test_repr_and_dimension():
    img = ndwrap.Image[ndwrap.F, D0].New()
    img.SetRegions([2] * D0)
    img.Allocate()
    r = repr(img)
    assert r.startswith(f"<ndwrap.ImageF{D0} size=(") and "allocated" in r
    assert img.GetImageDimension() == D0


def test_allocate_twice_and_set_regions_drops_buffer():
    img = ndwrap.Image[ndwrap.F, D0].New()
    img.SetRegions([2] * D0)
    img.Allocate(True)
    img.SetPixel([1] * D0, 3.0)
    img.Allocate(initialize=True)
    assert img.GetPixel([1] * D0) == 0.0
    img.SetRegions([3] * D0)
    with pytest.raises(RuntimeError, match="not allocated"):
        img.GetPixel([0] * D0)
