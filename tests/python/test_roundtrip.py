"""Image <-> NumPy round trips for every wrapped (pixel type, dimension),
scalar and vector images: values, shapes (z, y, x[, c]), dtype, sharing."""
import numpy as np
import pytest

import ndwrap
from conftest import extreme_values, small_size


def _filled_image(cls, size, values, components=None):
    img = cls.New()
    if components is not None:
        img.SetNumberOfComponentsPerPixel(components)
    img.SetRegions(size)
    img.Allocate()
    arr = np.asarray(img)
    arr[...] = values.reshape(arr.shape)
    return img


def test_scalar_round_trip(image_key):
    p, d = image_key
    T = ndwrap.Image[p, d]
    size = small_size(d)
    n = int(np.prod(size))
    values = extreme_values(p, n)
    img = _filled_image(T, size, values)
    arr = ndwrap.PyBuffer[T].GetArrayFromImage(img)
    assert arr.shape == tuple(reversed(size))
    assert arr.dtype == np.dtype(p.numpy_name)
    assert np.array_equal(arr.ravel(), values)  # x-fastest buffer == C order of (z, y, x)
    for idx in [tuple([0] * d), tuple(s - 1 for s in size)]:
        assert img.GetPixel(idx) == arr[idx[::-1]].item()
    back = ndwrap.PyBuffer[T].GetImageFromArray(arr)
    assert type(back) is T
    assert np.shares_memory(np.asarray(back), arr)
    assert np.array_equal(ndwrap.PyBuffer[T].GetArrayViewFromImage(back), arr)
    copy = ndwrap.PyBuffer[T].GetArrayFromImage(img, copy=True)
    assert np.array_equal(copy, arr) and not np.shares_memory(copy, arr)
    auto = ndwrap.image_from_array(arr)
    assert type(auto) is T and np.array_equal(np.asarray(auto), arr)
    assert not np.shares_memory(np.asarray(auto), arr)


@pytest.mark.parametrize("components", [1, 3])
def test_vector_round_trip(image_key, components):
    p, d = image_key
    T = ndwrap.VectorImage[p, d]
    size = small_size(d)
    n = int(np.prod(size)) * components
    values = extreme_values(p, n)
    img = _filled_image(T, size, values, components)
    arr = ndwrap.PyBuffer[T].GetArrayViewFromImage(img)
    assert arr.shape == tuple(reversed(size)) + (components,)
    assert np.array_equal(arr.ravel(), values)
    assert img.GetPixel([0] * d) == tuple(v.item() for v in arr[(0,) * d])
    kept = ndwrap.PyBuffer[T].GetArrayViewFromImage(img, keepAxes=True)
    assert kept.shape == tuple(size) + (components,)
    assert np.shares_memory(kept, arr)
    back = ndwrap.PyBuffer[T].GetImageViewFromArray(arr)
    assert type(back) is T and back.GetNumberOfComponentsPerPixel() == components
    assert np.shares_memory(np.asarray(back), arr)
    auto = ndwrap.image_view_from_array(arr, is_vector=True)
    assert type(auto) is T
    assert list(auto.GetLargestPossibleRegion().GetSize()) == size
