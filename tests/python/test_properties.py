"""Property-based tests of the conversions (hypothesis), over the generated
pixel table: dtype x shape (zero-size included) x strides (negative, zero,
unaligned) x exporter kind (NumPy, memoryview, array.array, bytes,
bytearray, ctypes) x keepAxes x copy x API spelling x deletion order.

Each example builds a source, converts it to an image and back, and checks
values against NumPy's own reading of the same memory, shared memory
against the rules (a view shares, copy=True never does, copy=None shares
exactly when the array is viewable), the exceptions of the refusals, and
that deleting the three objects in any order leaves nothing dangling.

NDW_HYPOTHESIS_EXAMPLES sets the number of examples per test (the test
command runs the full count: >= 10,000 in all).
"""
import array
import ctypes
import os
import sys

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import ndwrap  # noqa: E402
from conftest import WRAPPED_DIMS, WRAPPED_PIXELS  # noqa: E402

EXAMPLES = int(os.environ.get("NDW_HYPOTHESIS_EXAMPLES", "5000"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

# exporters other than NumPy, by kind and item size
ARRAY_CODES = {("i", 1): "b", ("u", 1): "B", ("i", 2): "h", ("u", 2): "H", ("i", 4): "i",
               ("u", 4): "I", ("i", 8): "q", ("u", 8): "Q", ("f", 4): "f", ("f", 8): "d"}
CTYPES = {("b", 1): ctypes.c_bool, ("i", 1): ctypes.c_int8, ("u", 1): ctypes.c_uint8,
          ("i", 2): ctypes.c_int16, ("u", 2): ctypes.c_uint16, ("i", 4): ctypes.c_int32,
          ("u", 4): ctypes.c_uint32, ("i", 8): ctypes.c_int64, ("u", 8): ctypes.c_uint64,
          ("f", 4): ctypes.c_float, ("f", 8): ctypes.c_double}
EXPORTERS = ["numpy", "memoryview", "array", "bytes", "bytearray", "ctypes"]


def values_for(dt, n, data):
    """n values of dtype dt drawn by hypothesis (raw bytes: every bit pattern,
    bool bytes 0..255 included: memory from elsewhere holds anything)."""
    raw = data.draw(st.binary(min_size=n * dt.itemsize, max_size=n * dt.itemsize))
    a = np.frombuffer(raw, dtype=np.uint8).copy()
    return a.view(dt) if dt.kind != "b" else a.view(np.bool_)


@st.composite
def case(draw):
    p = draw(st.sampled_from(WRAPPED_PIXELS))
    d = draw(st.sampled_from(WRAPPED_DIMS))
    vector = draw(st.booleans())
    shape = [draw(st.integers(0, 4)) for _ in range(d)]
    if vector:
        shape.append(draw(st.integers(1, 3)))
    # the source's dtype: usually the pixel type, sometimes another wrapped one
    src_p = p if draw(st.integers(0, 4)) else draw(st.sampled_from(WRAPPED_PIXELS))
    exporter = draw(st.sampled_from(EXPORTERS))
    layout = draw(st.sampled_from(["c", "steps", "transpose", "broadcast", "unaligned",
                                   "byteswap"]))
    steps = [draw(st.sampled_from([1, 2, -1, -2])) for _ in shape]
    keep = draw(st.booleans())
    copy = draw(st.sampled_from([None, True, False]))
    api = draw(st.sampled_from(["PyBuffer", "PyBufferView", "helper", "helper_view"]))
    order = draw(st.permutations(["source", "image", "array"]))
    return dict(p=p, d=d, vector=vector, shape=shape, src_p=src_p, exporter=exporter,
                layout=layout, steps=steps, keep=keep, copy=copy, api=api, order=order)


def make_numpy_source(c, data):
    """The source as a NumPy array of the requested layout (before exporting)."""
    dt = np.dtype(c["src_p"].numpy_name)
    shape = c["shape"]
    n = int(np.prod(shape))
    layout = c["layout"]
    if layout == "steps":
        big = [s * abs(k) for s, k in zip(shape, c["steps"])]
        base = values_for(dt, int(np.prod(big)), data).reshape(big)
        sl = tuple(slice(None, None, k) for k in c["steps"])
        return base[sl][tuple(slice(0, s) for s in shape)]
    if layout == "transpose":
        return values_for(dt, n, data).reshape(shape[::-1]).T
    if layout == "broadcast" and shape:
        axis = data.draw(st.integers(0, len(shape) - 1))
        one = list(shape)
        one[axis] = 1
        base = values_for(dt, int(np.prod(one)), data).reshape(one)
        return np.broadcast_to(base, shape)
    if layout == "unaligned" and dt.itemsize > 1:
        raw = np.zeros(n * dt.itemsize + 1, np.uint8)
        a = raw[1:].view(dt).reshape(shape)
        a[...] = values_for(dt, n, data).reshape(shape)
        return a
    if layout == "byteswap" and dt.itemsize > 1 and dt.kind != "c":
        v = values_for(dt, n, data).reshape(shape)
        return v.astype(dt.newbyteorder("S"))
    return values_for(dt, n, data).reshape(shape)


def export(c, a):
    """Wrap the NumPy source in the exporter of the case; returns (exporter,
    the NumPy reading of the exporter's memory) or None when this exporter
    cannot carry that array."""
    kind = c["exporter"]
    dt = a.dtype
    if kind == "numpy":
        return a, a
    if kind == "memoryview":
        try:
            return memoryview(a), a
        except (ValueError, BufferError, TypeError):
            return None
    # the others hold C-contiguous native data of their own
    if not dt.isnative or a.ndim == 0:
        return None
    flat = np.ascontiguousarray(a)
    if kind == "ctypes":
        ct = CTYPES.get((dt.kind, dt.itemsize))
        if ct is None or 0 in flat.shape:
            return None
        t = ct
        for s in reversed(flat.shape):
            t = t * s
        obj = t.from_buffer_copy(flat.tobytes())
        return obj, np.frombuffer(memoryview(obj).cast("B"), dtype=dt).reshape(flat.shape)
    fmt = ARRAY_CODES.get((dt.kind, dt.itemsize)) if dt.kind != "b" else "?"
    if fmt is None:
        return None
    if kind == "array":
        if fmt == "?":
            return None
        store = array.array(fmt, flat.tobytes())
    elif kind == "bytes":
        store = flat.tobytes()
    else:
        store = bytearray(flat.tobytes())
    mv = memoryview(store).cast("B").cast(fmt, flat.shape) if flat.size else None
    if mv is None:
        return None
    return mv, np.asarray(mv)


def viewable(src, p, vector):
    """May the source's memory be viewed as pixels of p (no copy)?"""
    return (src.dtype == np.dtype(p.numpy_name) and src.dtype.isnative and src.flags.aligned
            and not (vector and src.ndim and src.shape[-1] > 1 and src.strides[-1] == 0))


def convert(c, obj):
    p, d, vector, keep, copy = c["p"], c["d"], c["vector"], c["keep"], c["copy"]
    T = (ndwrap.VectorImage if vector else ndwrap.Image)[p, d]
    PB = ndwrap.PyBuffer[T]
    api = c["api"]
    if api == "PyBuffer":
        return PB.GetImageFromArray(obj, is_vector=vector, copy=copy, keepAxes=keep), copy
    if api == "PyBufferView":
        return PB.GetImageViewFromArray(obj, is_vector=vector, keepAxes=keep), False
    if api == "helper":
        return ndwrap.image_from_array(obj, is_vector=vector, ttype=T, keep_axes=keep), True
    return ndwrap.image_view_from_array(obj, is_vector=vector, ttype=T, keep_axes=keep), False


@given(c=case(), data=st.data())
@SETTINGS
def test_import_export_round_trip(c, data):
    src = make_numpy_source(c, data)
    got = export(c, src)
    if got is None:
        event("exporter cannot carry this array")
        return
    obj, mem = got  # mem: NumPy's reading of the exported memory
    p, vector, keep = c["p"], c["vector"], c["keep"]
    src_view = np.asarray(obj)
    logical = src_view.transpose(*range(c["d"])[::-1], *([c["d"]] if vector else [])) \
        if keep else src_view  # the array in NumPy order (z, y, x[, c])
    can_view = viewable(np.asarray(mem), p, vector) and not isinstance(obj, type(None))
    same_kind = np.can_cast(src.dtype.newbyteorder("="), np.dtype(p.numpy_name), "same_kind")
    try:
        image, mode = convert(c, obj)
    except (ndwrap.CopyRequiredError, TypeError) as e:
        # refused: only a view (or copy=False) of a non-viewable source, or a
        # conversion across kinds
        mode = c["copy"] if c["api"] == "PyBuffer" else (c["api"] == "helper" or False)
        assert (mode is False and not can_view) or not same_kind, (c, e)
        event(f"refused: {type(e).__name__}")
        return
    expected = np.asarray(logical, dtype=np.dtype(p.numpy_name)) if src.dtype != np.dtype(
        p.numpy_name) else logical
    back = ndwrap.PyBuffer[type(image)].GetArrayViewFromImage(image, keepAxes=keep)
    assert back.shape == src_view.shape
    assert back.dtype == np.dtype(p.numpy_name)
    want = np.asarray(src_view, dtype=back.dtype) if src.dtype != back.dtype else src_view
    if back.dtype.kind == "b":  # any non-zero byte reads as true, through GetPixel too
        assert np.array_equal(back.view(np.uint8) != 0, want.view(np.uint8) != 0)
    else:
        assert np.array_equal(back, want, equal_nan=back.dtype.kind in "fc")
    event(f"converted ({c['exporter']}, copy={mode})")
    if back.size:
        idx = tuple(s - 1 for s in back.shape[: c["d"]])  # the last pixel, array order
        index = idx if keep else idx[::-1]                # ITK index, x first
        px = image.GetPixel(index)
        ref = want[idx]
        if vector:
            ref_list = [bool(x) if back.dtype.kind == "b" else x.item() for x in ref]
            assert np.array_equal(np.array(px), np.array(ref_list), equal_nan=True)
        elif back.dtype.kind == "b":
            assert px == bool(np.asarray(ref).view(np.uint8))
        else:
            assert np.array_equal(np.array(px), np.array(ref.item()), equal_nan=True)
        shares = np.shares_memory(back, mem)
        if mode is False:
            assert shares
        elif mode is True:
            assert not shares
        else:
            assert shares == can_view
    # delete in the drawn order: nothing may dangle, whatever goes first
    objs = {"source": [obj, src_view, mem, src, logical, want, expected], "image": [image],
            "array": [back]}
    del obj, src_view, mem, src, logical, want, expected, image, back
    survivors = []
    for name in c["order"]:
        objs.pop(name)  # reference counting frees at once: no gc pass needed
        for rest in objs.values():
            for x in rest:  # everything still held still reads its memory
                if isinstance(x, np.ndarray):
                    x.tobytes()
                elif hasattr(x, "GetLargestPossibleRegion"):
                    np.asarray(x).tobytes()
        survivors.append(name)
    assert len(survivors) == 3


@given(p=st.sampled_from(WRAPPED_PIXELS), d=st.sampled_from(WRAPPED_DIMS),
       vector=st.booleans(), data=st.data(), keep=st.booleans(),
       copy=st.sampled_from([None, True, False, np.True_, np.False_, 1, 0]))
@SETTINGS
def test_export_views_and_copies(p, d, vector, data, keep, copy):
    """Image -> array: a view shares and follows writes, a copy never does;
    copy= read with Python's truth rules (np.True_ copies, np.False_ shares)."""
    T = (ndwrap.VectorImage if vector else ndwrap.Image)[p, d]
    size = [data.draw(st.integers(0, 4)) for _ in range(d)]
    image = T.New()
    if vector:
        image.SetNumberOfComponentsPerPixel(data.draw(st.integers(1, 3)))
    image.SetRegions(size)
    image.Allocate(True)
    arr = ndwrap.PyBuffer[T].GetArrayFromImage(image, keepAxes=keep, copy=copy)
    n_comp = image.GetNumberOfComponentsPerPixel()
    want_shape = tuple(size if keep else size[::-1]) + ((n_comp,) if vector else ())
    assert arr.shape == want_shape
    view = np.asarray(image)
    if arr.size:
        assert np.shares_memory(arr, view) == (not copy)
    del image
    arr.tobytes()  # the image lives on in a view
    assert sys.getrefcount(arr) >= 2
