"""DLPack both ways: images as DLPack producers (np.from_dlpack, torch) and
ndwrap.from_dlpack over any CPU producer; capsule rules, lifetime, the
export lock, and bad tensors crafted with ctypes (devices, dtypes, versions,
sizes that would overflow)."""
import ctypes
import gc
import sys

import numpy as np
import pytest

import ndwrap
from conftest import IMAGE_KEYS, WRAPPED_DIMS, WRAPPED_PIXELS, extreme_values, key_id, small_size

pytestmark = pytest.mark.skipif(not ndwrap.dlpack.DLPACK_AVAILABLE,
                                reason="built without Module_BridgeDLPack")

NP_VERSIONED = np.lib.NumpyVersion(np.__version__) >= "2.1.0"  # NumPy asks for max_version
NP_IMPORTS_VERSIONED = NP_VERSIONED
READ_ONLY, IS_COPIED = 1, 2


# ---- ctypes mirror of dlpack.h (to read capsules and craft bad ones) -------

class DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8), ("lanes", ctypes.c_uint16)]


class DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", DLDevice), ("ndim", ctypes.c_int32),
                ("dtype", DLDataType), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)), ("byte_offset", ctypes.c_uint64)]


DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p)


class DLManagedTensor(ctypes.Structure):
    _fields_ = [("dl_tensor", DLTensor), ("manager_ctx", ctypes.c_void_p), ("deleter", DELETER)]


class DLPackVersion(ctypes.Structure):
    _fields_ = [("major", ctypes.c_uint32), ("minor", ctypes.c_uint32)]


class DLManagedTensorVersioned(ctypes.Structure):
    _fields_ = [("version", DLPackVersion), ("manager_ctx", ctypes.c_void_p),
                ("deleter", DELETER), ("flags", ctypes.c_uint64), ("dl_tensor", DLTensor)]


_capsule_new = ctypes.pythonapi.PyCapsule_New
_capsule_new.restype = ctypes.py_object
_capsule_new.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p]
_capsule_get = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_get.restype = ctypes.c_void_p
_capsule_get.argtypes = [ctypes.py_object, ctypes.c_char_p]


def managed_of(capsule):
    name = capsule_name(capsule)
    ptr = _capsule_get(capsule, name.encode())
    cls = DLManagedTensorVersioned if "versioned" in name else DLManagedTensor
    return ctypes.cast(ptr, ctypes.POINTER(cls)).contents


def capsule_name(capsule):
    return repr(capsule).split('"')[1]


class Crafted:
    """A DLPack producer over a ctypes-made tensor; counts deleter calls."""

    NAMES = {True: b"dltensor_versioned", False: b"dltensor"}

    def __init__(self, array, versioned=True, device=(1, 0), code=None, bits=None, lanes=1,
                 shape=None, strides=None, major=1, flags=0):
        self.array = array
        self.deleted = 0
        self.shape = (ctypes.c_int64 * max(1, array.ndim))(*(shape or array.shape))
        st = strides if strides is not None else [s // array.itemsize for s in array.strides]
        self.strides = (ctypes.c_int64 * max(1, array.ndim))(*st)
        kind = {"b": 6, "i": 0, "u": 1, "f": 2, "c": 5}[array.dtype.kind]
        t = DLTensor(array.ctypes.data, DLDevice(*device), array.ndim,
                     DLDataType(kind if code is None else code,
                                8 * array.itemsize if bits is None else bits, lanes),
                     self.shape, self.strides, 0)
        self.deleter = DELETER(self._delete)
        if versioned:
            self.managed = DLManagedTensorVersioned(DLPackVersion(major, 0), None, self.deleter,
                                                    flags, t)
        else:
            self.managed = DLManagedTensor(t, None, self.deleter)
        self.versioned = versioned
        self.device = device
        self.capsule = _capsule_new(ctypes.addressof(self.managed), self.NAMES[versioned], None)

    def _delete(self, _ptr):
        self.deleted += 1

    def __dlpack__(self, **_kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return self.device


class Producer:
    """Hands out one given capsule (to consume it twice)."""

    def __init__(self, capsule):
        self.capsule = capsule

    def __dlpack__(self, **_kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)


def filled(key, vector=False):
    p, d = key
    T = (ndwrap.VectorImage if vector else ndwrap.Image)[p, d]
    image = T.New()
    if vector:
        image.SetNumberOfComponentsPerPixel(3)
    image.SetRegions(small_size(d))
    image.Allocate()
    a = np.asarray(image)
    a[...] = extreme_values(p, a.size).reshape(a.shape)
    return image


# ---- images as producers ----------------------------------------------------

@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
@pytest.mark.parametrize("vector", [False, True], ids=["Image", "VectorImage"])
def test_numpy_from_dlpack_shares_memory(key, vector):
    image = filled(key, vector)
    a = np.from_dlpack(image)
    view = np.asarray(image)
    assert a.shape == view.shape and a.dtype == view.dtype and a.strides == view.strides
    assert np.shares_memory(a, view)
    np.testing.assert_array_equal(a, view)
    if a.flags.writeable:  # NumPy >= 2 keeps ndwrap's versioned capsule writable
        a.flat[0] = a.flat[1]
        assert view.flat[0] == view.flat[1]


def test_torch_from_dlpack_shares_memory():
    torch = pytest.importorskip("torch")
    image = filled((ndwrap.F, 3)) if ndwrap.F.wrapped and 3 in WRAPPED_DIMS else \
        pytest.skip("needs Image[F, 3]")
    t = torch.from_dlpack(image)
    view = np.asarray(image)
    assert tuple(t.shape) == view.shape
    t[0, 0, 0] = 123.0
    assert image.GetPixel([0, 0, 0]) == 123.0
    assert np.shares_memory(t.numpy(), view)
    with pytest.raises(BufferError):
        image.Allocate()
    del view
    gc.collect()
    with pytest.raises(BufferError):  # the tensor alone still holds the image
        image.Allocate()
    del t
    gc.collect()
    image.Allocate()
    # and back: a torch tensor as an image view
    src = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)
    im = ndwrap.from_dlpack(src)
    assert type(im) is ndwrap.Image[ndwrap.F, 3]
    src[1, 2, 3] = -7.0
    assert im.GetPixel([3, 2, 1]) == -7.0


def test_capsule_versions_and_flags():
    image = filled(IMAGE_KEYS[0])
    cap = image.__dlpack__()
    assert capsule_name(cap) == "dltensor"
    cap = image.__dlpack__(max_version=(1, 0))
    assert capsule_name(cap) == "dltensor_versioned"
    m = managed_of(cap)
    assert m.version.major == 1 and m.flags == 0
    t = m.dl_tensor
    view = np.asarray(image)
    assert t.data == view.ctypes.data and t.ndim == view.ndim and t.byte_offset == 0
    assert [t.shape[i] for i in range(t.ndim)] == list(view.shape)
    assert [t.strides[i] for i in range(t.ndim)] == [s // view.itemsize for s in view.strides]
    assert (t.device.device_type, t.device.device_id) == (1, 0)
    assert image.__dlpack_device__() == (1, 0)
    copied = image.__dlpack__(max_version=(1, 0), copy=True)
    mc = managed_of(copied)
    assert mc.flags & IS_COPIED and mc.dl_tensor.data != view.ctypes.data
    del cap, m, t, copied, mc


def test_read_only_image_export():
    arr = extreme_values(WRAPPED_PIXELS[0], 24).reshape(2, 3, 4) if 3 in WRAPPED_DIMS else \
        pytest.skip("needs dimension 3")
    arr.flags.writeable = False
    image = ndwrap.image_view_from_array(arr)
    with pytest.raises(BufferError, match="read-only"):
        image.__dlpack__()
    cap = image.__dlpack__(max_version=(1, 0))
    assert managed_of(cap).flags & READ_ONLY
    del cap
    # a copy may go unversioned: it is the consumer's own, writable memory
    cap = image.__dlpack__(copy=True)
    assert capsule_name(cap) == "dltensor"
    del cap
    if NP_VERSIONED:
        a = np.from_dlpack(image)
        assert not a.flags.writeable and np.shares_memory(a, arr)
    else:
        with pytest.raises(BufferError):
            np.from_dlpack(image)


def test_dlpack_argument_checks():
    image = filled(IMAGE_KEYS[0])
    with pytest.raises(ValueError, match="stream"):
        image.__dlpack__(stream=1)
    with pytest.raises(BufferError, match="device"):
        image.__dlpack__(dl_device=(2, 0))
    image.__dlpack__(dl_device=(1, 0))
    with pytest.raises(TypeError, match="max_version"):
        image.__dlpack__(max_version=1)
    with pytest.raises(TypeError, match="dl_device"):
        image.__dlpack__(dl_device="cpu")
    empty = ndwrap.Image[IMAGE_KEYS[0]].New()
    with pytest.raises(BufferError, match="not allocated"):
        empty.__dlpack__()


def test_unconsumed_capsule_frees_only_what_it_owns():
    image = filled(IMAGE_KEYS[-1])
    before = np.asarray(image).copy()
    r0 = sys.getrefcount(image)
    for kwargs in ({}, {"max_version": (1, 0)}):
        cap = image.__dlpack__(**kwargs)
        assert sys.getrefcount(image) == r0 + 1  # the capsule holds the image
        with pytest.raises(BufferError):
            image.Allocate()
        del cap
        assert sys.getrefcount(image) == r0
        np.testing.assert_array_equal(np.asarray(image), before)  # pixels untouched
    # a copy holds no reference and no export
    cap = image.__dlpack__(copy=True)
    assert sys.getrefcount(image) == r0
    image.Allocate()
    del cap


def test_capsule_consumed_twice_raises():
    image = filled(IMAGE_KEYS[0])
    cap = image.__dlpack__(max_version=(1, 0))
    first = ndwrap.from_dlpack(Producer(cap))
    assert capsule_name(cap) == "used_dltensor_versioned"
    with pytest.raises(ValueError, match="already consumed"):
        ndwrap.from_dlpack(Producer(cap))
    with pytest.raises(ValueError):
        np.from_dlpack(Producer(cap))
    cap2 = image.__dlpack__()
    a = np.from_dlpack(Producer(cap2))
    assert capsule_name(cap2) == "used_dltensor"
    with pytest.raises(ValueError, match="already consumed"):
        ndwrap.from_dlpack(Producer(cap2))
    assert np.shares_memory(np.asarray(first), a)


def test_consumer_keeps_image_alive_and_locked():
    image = filled(IMAGE_KEYS[-1])
    expect = np.asarray(image).copy()
    r0 = sys.getrefcount(image)
    a = np.from_dlpack(image)
    assert sys.getrefcount(image) == r0 + 1
    with pytest.raises(BufferError):
        image.Allocate()
    with pytest.raises(BufferError):
        image.SetRegions(small_size(image.ndim))
    del image
    gc.collect()
    np.testing.assert_array_equal(a, expect)  # the consumer still sees the pixels
    if not a.flags.writeable and not NP_VERSIONED:
        return  # NumPy 1.x cannot re-export a read-only array
    b = ndwrap.from_dlpack(a)  # NumPy re-exports the same memory
    assert np.shares_memory(np.asarray(b), a)
    del a
    gc.collect()
    np.testing.assert_array_equal(np.asarray(b), expect)


def test_image_to_image_through_dlpack():
    image = filled(IMAGE_KEYS[-1])
    other = ndwrap.from_dlpack(image)
    assert type(other) is type(image)
    assert np.shares_memory(np.asarray(other), np.asarray(image))
    with pytest.raises(BufferError):
        image.Allocate()
    del other
    gc.collect()
    image.Allocate()


# ---- ndwrap.from_dlpack -------------------------------------------------------

@pytest.mark.parametrize("key", IMAGE_KEYS, ids=key_id)
def test_from_dlpack_numpy_views(key):
    p, d = key
    shape = tuple(reversed(small_size(d)))
    arr = extreme_values(p, int(np.prod(shape))).reshape(shape)
    r0 = sys.getrefcount(arr)
    image = ndwrap.from_dlpack(arr)
    assert type(image) is ndwrap.Image[p, d]
    assert np.shares_memory(np.asarray(image), arr)
    np.testing.assert_array_equal(np.asarray(image), arr)
    idx = [s - 1 for s in small_size(d)]
    assert image.GetPixel(idx) == arr[tuple(reversed(idx))].item()
    assert image.GetSpacing() == (1.0,) * d and image.GetOrigin() == (0.0,) * d
    assert ndwrap.from_dlpack(arr, pixel_type=p).GetPixel(idx) == image.GetPixel(idx)
    del image
    gc.collect()
    assert sys.getrefcount(arr) == r0  # NumPy's deleter ran: the capsule's reference is gone


def test_from_dlpack_strided_and_vector():
    p = WRAPPED_PIXELS[-1]
    if 3 not in WRAPPED_DIMS or 2 not in WRAPPED_DIMS:
        pytest.skip("needs dimensions 2 and 3")
    base = extreme_values(p, 5 * 6 * 7).reshape(5, 6, 7)
    for arr in (base[::-1], base.transpose(2, 0, 1), base[1:, ::2, ::-3], base[:, 2]):
        image = ndwrap.from_dlpack(arr)
        assert np.shares_memory(np.asarray(image), base)
        np.testing.assert_array_equal(np.asarray(image), arr)
    vec = ndwrap.from_dlpack(base, is_vector=True)
    assert type(vec) is ndwrap.VectorImage[p, 2]
    assert vec.GetNumberOfComponentsPerPixel() == 7
    assert vec.GetPixel([1, 2]) == tuple(base[2, 1].tolist())


def test_from_dlpack_read_only():
    arr = np.arange(12.0).reshape(3, 4)
    arr.flags.writeable = False
    if NP_VERSIONED:
        image = ndwrap.from_dlpack(arr)
        assert not np.asarray(image).flags.writeable
        with pytest.raises(ValueError):
            image.SetPixel([0, 0], 1.0)
    else:
        with pytest.raises(BufferError):
            ndwrap.from_dlpack(arr)


def test_from_dlpack_copy_and_pixel_type():
    arr = np.arange(12.0).reshape(3, 4)
    c = ndwrap.from_dlpack(arr, copy=True)
    assert not np.shares_memory(np.asarray(c), arr)
    np.testing.assert_array_equal(np.asarray(c), arr)
    with pytest.raises(ndwrap.DTypeMismatchError, match="float64"):
        ndwrap.from_dlpack(arr, pixel_type=ndwrap.F)
    with pytest.raises(TypeError, match="float16|no ndwrap pixel type"):
        ndwrap.from_dlpack(arr.astype(np.float16))
    with pytest.raises(ValueError, match="0-d"):
        ndwrap.from_dlpack(np.array(1.0))
    with pytest.raises(TypeError, match="not a DLPack producer"):
        ndwrap.from_dlpack([1.0, 2.0])


def test_from_dlpack_vnl_producer():
    p = WRAPPED_PIXELS[-1]
    m = ndwrap.vnl_matrix[p](3, 4)
    np.asarray(m)[...] = extreme_values(p, 12).reshape(3, 4)
    a = np.from_dlpack(m)
    assert np.shares_memory(a, np.asarray(m))
    with pytest.raises(BufferError):
        m.set_size(2, 2)
    del a
    gc.collect()
    m.set_size(2, 2)


# ---- crafted tensors ------------------------------------------------------------

needs_si2 = pytest.mark.skipif(not (ndwrap.SI.wrapped and 2 in WRAPPED_DIMS),
                               reason="needs Image[SI, 2]")


@needs_si2
def test_crafted_valid_tensor_deleter_runs_once():
    arr = np.arange(24, dtype=np.int32).reshape(4, 6)
    for versioned in (True, False):
        prod = Crafted(arr, versioned=versioned)
        image = ndwrap.from_dlpack(prod)
        assert np.shares_memory(np.asarray(image), arr)
        # DLPack 0.x cannot say "read-only": imported read-only (as NumPy does)
        assert np.asarray(image).flags.writeable == versioned
        assert prod.deleted == 0
        del image
        gc.collect()
        assert prod.deleted == 1
    prod = Crafted(arr, flags=READ_ONLY)
    image = ndwrap.from_dlpack(prod)
    assert not np.asarray(image).flags.writeable
    del image
    gc.collect()
    assert prod.deleted == 1


@needs_si2
@pytest.mark.parametrize("case,exc,match", [
    (dict(device=(2, 0)), BufferError, "CPU"),
    (dict(device=(2, 0), versioned=False), BufferError, "CPU"),
    (dict(code=2, bits=16), TypeError, "no ndwrap pixel type"),     # float16
    (dict(code=4, bits=16), TypeError, "no ndwrap pixel type"),     # bfloat16
    (dict(lanes=2), TypeError, "lanes"),
    (dict(major=2), BufferError, "version"),
    (dict(shape=[2 ** 40, 2 ** 40]), ValueError, "overflow|too many"),
    (dict(shape=[4, -6]), ValueError, "negative"),
    (dict(strides=[2 ** 62, 1]), ValueError, "overflow|addressable"),
    (dict(strides=[2 ** 60, 2 ** 60]), ValueError, "addressable"),
])
def test_crafted_bad_tensors_are_refused_unconsumed(case, exc, match):
    arr = np.arange(24, dtype=np.int32).reshape(4, 6)
    prod = Crafted(arr, **case)
    # the early check reads __dlpack_device__; the capsule's own checks hold alone
    for producer in (prod, Producer(prod.capsule)):
        with pytest.raises(exc, match=match):
            ndwrap.from_dlpack(producer)
        assert capsule_name(prod.capsule) in ("dltensor", "dltensor_versioned")
    with pytest.raises(exc, match=match):
        ndwrap.Image[ndwrap.SI, 2]._from_dlpack(prod.capsule)
    assert capsule_name(prod.capsule) in ("dltensor", "dltensor_versioned")
    assert prod.deleted == 0


def test_wrong_class_leaves_capsule_unconsumed():
    p, d = IMAGE_KEYS[0]
    T = ndwrap.Image[p, d]
    arr = extreme_values(p, 2 * 3 * 4 * 5).reshape((2, 3, 4, 5) if d != 4 else (2, 3, 20))
    r0 = sys.getrefcount(arr)
    cap = arr.__dlpack__()
    with pytest.raises(ValueError, match="dimensions"):
        T._from_dlpack(cap)
    assert capsule_name(cap) == "dltensor"
    with pytest.raises(TypeError, match="DLPack capsule"):
        T._from_dlpack(object())
    del cap
    gc.collect()
    assert sys.getrefcount(arr) == r0


def test_failed_view_releases_the_tensor():
    """A capsule from_dlpack obtained itself is consumed once its checks pass:
    a view that still fails (empty, misaligned) hands the tensor back to its
    deleter, exactly once, and leaks nothing."""
    # an empty tensor is an empty image (ITK allows empty regions), and gives
    # the tensor back when the image goes
    empty = np.zeros((0, 3))
    r0 = sys.getrefcount(empty)
    im = ndwrap.from_dlpack(empty)
    assert np.asarray(im).shape == (0, 3)
    del im
    gc.collect()
    assert sys.getrefcount(empty) == r0
    if not (ndwrap.SI.wrapped and 2 in WRAPPED_DIMS):
        return
    raw = np.zeros(4 * 6 + 1, dtype=np.int32)
    misaligned = np.frombuffer(raw.data.cast("B")[1:4 * 6 * 4 + 1], dtype=np.int32).reshape(4, 6)
    prod = Crafted(misaligned)
    with pytest.raises(TypeError, match="aligned"):
        ndwrap.from_dlpack(prod)
    assert prod.deleted == 1 and capsule_name(prod.capsule) == "used_dltensor_versioned"
    # handed in by the user (T._from_dlpack), a capsule stays unconsumed on failure
    prod = Crafted(misaligned)
    with pytest.raises(TypeError, match="aligned"):
        ndwrap.Image[ndwrap.SI, 2]._from_dlpack(prod.capsule)
    assert prod.deleted == 0 and capsule_name(prod.capsule) == "dltensor_versioned"
