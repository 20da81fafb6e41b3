"""Pickling and copying images and vnl objects.

Every protocol 0..5 round-trips pixels, region (size and start index),
spacing, origin, direction, components and the read-only flag; at protocol
5 a contiguous image's pixels go out of band as a PickleBuffer over the
image's own memory (no copy).  copy.copy and copy.deepcopy both give an
independent image owning its pixels.  ITK's itkImageTest.py and extras.py
pickle images ("pickle.dumps(image)" / "copy.deepcopy(image)"); these tests
restate what they check."""
import copy
import pickle

import numpy as np
import pytest

import ndwrap
from conftest import IMAGE_KEYS, WRAPPED_PIXELS, extreme_values, key_id, small_size

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


def make_image(key, vector=False, components=3):
    p, d = key
    T = (ndwrap.VectorImage if vector else ndwrap.Image)[p, d]
    image = T.New()
    if vector:
        image.SetNumberOfComponentsPerPixel(components)
    size = small_size(d)
    index = [(-1) ** i * (i + 2) for i in range(d)]
    image.SetRegions(ndwrap.ImageRegion[d](index, size))
    image.Allocate()
    a = np.asarray(image)
    a[...] = extreme_values(p, a.size).reshape(a.shape)
    image.SetSpacing([0.5 + i for i in range(d)])
    image.SetOrigin([-3.25 * (i + 1) for i in range(d)])
    direction = np.eye(d)[::-1]  # a permutation: non-singular
    direction[0, :] *= -1
    image.SetDirection(direction.tolist())
    return image


def assert_same_image(a, b):
    assert type(a) is type(b)
    ra, rb = a.GetLargestPossibleRegion(), b.GetLargestPossibleRegion()
    assert tuple(ra.GetSize()) == tuple(rb.GetSize())
    assert tuple(ra.GetIndex()) == tuple(rb.GetIndex())
    assert a.GetSpacing() == b.GetSpacing()
    assert a.GetOrigin() == b.GetOrigin()
    np.testing.assert_array_equal(np.asarray(a.GetDirection()), np.asarray(b.GetDirection()))
    assert a.GetNumberOfComponentsPerPixel() == b.GetNumberOfComponentsPerPixel()
    if a._is_allocated():
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert np.asarray(a).dtype == np.asarray(b).dtype
        assert np.asarray(a).flags.writeable == np.asarray(b).flags.writeable
    else:
        assert not b._is_allocated()


@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_image_round_trip(key, protocol):
    image = make_image(key)
    back = pickle.loads(pickle.dumps(image, protocol=protocol))
    assert_same_image(image, back)
    assert not np.shares_memory(np.asarray(back), np.asarray(image))
    back.SetPixel(list(back.GetLargestPossibleRegion().GetIndex()), 1)  # writable


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("key", IMAGE_KEYS[:: max(1, len(IMAGE_KEYS) // 7)], ids=key_id)
def test_vector_image_round_trip(key, protocol):
    image = make_image(key, vector=True)
    assert_same_image(image, pickle.loads(pickle.dumps(image, protocol=protocol)))


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_read_only_and_strided_views(protocol):
    p = WRAPPED_PIXELS[-1]
    d = ndwrap.WRAPPED_DIMS[-1]
    arr = extreme_values(p, 4 ** d * 2).reshape((4,) * (d - 1) + (8,))
    strided = ndwrap.image_view_from_array(arr[..., ::-2], spacing=[2.0] * d)
    assert not strided._is_contiguous()
    back = pickle.loads(pickle.dumps(strided, protocol=protocol))
    assert_same_image(strided, back)
    assert back._is_contiguous()
    ro = arr.copy()
    ro.flags.writeable = False
    image = ndwrap.image_view_from_array(ro)
    back = pickle.loads(pickle.dumps(image, protocol=protocol))
    assert_same_image(image, back)
    assert not np.asarray(back).flags.writeable
    with pytest.raises(ValueError):
        back.FillBuffer(0)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_unallocated_image(protocol):
    p, d = IMAGE_KEYS[0]
    image = ndwrap.Image[p, d].New()
    image.SetRegions(ndwrap.ImageRegion[d]([3] * d, [5] * d))
    image.SetSpacing([2.0] * d)
    back = pickle.loads(pickle.dumps(image, protocol=protocol))
    assert_same_image(image, back)


def test_protocol5_out_of_band_does_not_copy():
    p, d = IMAGE_KEYS[-1]
    n = int(np.ceil(4096 ** (1 / d)))
    image = ndwrap.image_from_array(extreme_values(p, n ** d).reshape((n,) * d))
    buffers = []
    data = pickle.dumps(image, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1
    (pb,) = buffers
    assert isinstance(pb, pickle.PickleBuffer)
    view = np.asarray(image)
    raw = np.asarray(pb.raw())
    assert np.shares_memory(raw, view)  # the pickle buffer is the image's memory
    assert len(data) < 1000 < view.nbytes  # the pixels are not in the pickle
    back = pickle.loads(data, buffers=buffers)
    assert_same_image(image, back)
    # loading from the caller's buffers views them (what NumPy does too)
    assert np.shares_memory(np.asarray(back), view)
    # the PickleBuffer holds an export: the image cannot re-allocate under it
    del back, raw
    with pytest.raises(BufferError):
        image.Allocate()
    pb.release()
    del buffers, pb, view
    image.Allocate()
    # in band at protocol 5: one copy into the pickle, none at load
    data = pickle.dumps(image, protocol=5)
    back = pickle.loads(data)
    assert_same_image(image, back)


def test_out_of_band_frames_at_any_offset():
    """dask.distributed hands out-of-band frames back at arbitrary offsets: a
    frame misaligned for the pixel type is copied, never refused."""
    for p, d in IMAGE_KEYS:
        if p.itemsize == 1:
            continue
        image = ndwrap.image_from_array(extreme_values(p, 2 ** d).reshape((2,) * d))
        buffers = []
        data = pickle.dumps(image, protocol=5, buffer_callback=buffers.append)
        raw = bytes(buffers[0].raw())
        shifted = memoryview(bytearray(b"\0" + raw))[1:]  # one byte off alignment
        back = pickle.loads(data, buffers=[shifted])
        assert_same_image(image, back)


def test_bad_pickled_pixels_raise():
    p, d = IMAGE_KEYS[0]
    image = make_image((p, d))
    fn, (template, code, dim, state) = image.__reduce_ex__(2)
    state = dict(state, pixels=state["pixels"][:-1])
    with pytest.raises(ValueError, match="bytes"):
        fn(template, code, dim, state)


@pytest.mark.parametrize("key", IMAGE_KEYS[:: max(1, len(IMAGE_KEYS) // 5)], ids=key_id)
def test_copy_and_deepcopy_are_independent(key):
    image = make_image(key)
    for c in (copy.copy(image), copy.deepcopy(image)):
        assert_same_image(image, c)
        assert not np.shares_memory(np.asarray(c), np.asarray(image))
    # a copy of a read-only view owns writable pixels (as ndarray.copy())
    ro = np.asarray(image).copy()
    ro.flags.writeable = False
    view = ndwrap.image_view_from_array(ro)
    c = copy.copy(view)
    assert np.asarray(c).flags.writeable and not np.shares_memory(np.asarray(c), ro)
    memo = {}
    holder = [image, image]
    dc = copy.deepcopy(holder, memo)
    assert dc[0] is dc[1] and dc[0] is not image


@pytest.mark.parametrize("p", WRAPPED_PIXELS, ids=key_id)
@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_vnl_round_trip(p, protocol):
    v = ndwrap.vnl_vector[p](7)
    m = ndwrap.vnl_matrix[p](3, 5)
    for obj in (v, m):
        a = np.asarray(obj)
        a[...] = extreme_values(p, a.size).reshape(a.shape)
        back = pickle.loads(pickle.dumps(obj, protocol=protocol))
        assert type(back) is type(obj)
        np.testing.assert_array_equal(np.asarray(back), a)
        assert not np.shares_memory(np.asarray(back), a)
        for c in (copy.copy(obj), copy.deepcopy(obj)):
            np.testing.assert_array_equal(np.asarray(c), a)
            assert not np.shares_memory(np.asarray(c), a)
    empty = pickle.loads(pickle.dumps(ndwrap.vnl_vector[p](0), protocol=protocol))
    assert empty.size() == 0


def test_vnl_protocol5_out_of_band():
    p = WRAPPED_PIXELS[-1]
    m = ndwrap.vnl_matrix[p](4, 4)
    buffers = []
    data = pickle.dumps(m, protocol=5, buffer_callback=buffers.append)
    assert len(buffers) == 1 and np.shares_memory(np.asarray(buffers[0].raw()), np.asarray(m))
    back = pickle.loads(data, buffers=buffers)
    np.testing.assert_array_equal(np.asarray(back), np.asarray(m))
