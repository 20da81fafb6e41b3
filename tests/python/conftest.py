"""Shared helpers: every parametrization comes from the generated table
(ndwrap.PIXEL_TYPES / ndwrap.WRAPPED_DIMS), never from a hand-written list."""
import numpy as np
import pytest

import ndwrap

WRAPPED_PIXELS = [p for p in ndwrap.PIXEL_TYPES if p.wrapped]
WRAPPED_DIMS = list(ndwrap.WRAPPED_DIMS)
IMAGE_KEYS = [(p, d) for p in WRAPPED_PIXELS for d in WRAPPED_DIMS]


def key_id(key):
    if isinstance(key, tuple):
        return "".join(x.code if hasattr(x, "code") else str(x) for x in key)
    return key.code if hasattr(key, "code") else str(key)


def extreme_values(p, n):
    """n distinct values of pixel type p that exercise its range exactly."""
    dt = np.dtype(p.numpy_name)
    if p.kind == "b":
        return np.array([(i * 7 + 3) % 2 == 0 for i in range(n)], dtype=dt)
    if p.kind in "iu":
        info = np.iinfo(dt)
        vals = np.array([info.min, info.max, 0, 1], dtype=dt)
        rest = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(min(int(info.max), 2**62))
        return np.concatenate([vals, rest.astype(dt)])[:n].astype(dt)
    if p.kind == "f":
        fi = np.finfo(dt)
        vals = np.array([fi.max, fi.tiny, -0.5, 1e-3], dtype=dt)
        rest = (np.arange(n, dtype=np.float64) * 1.25 - 3.5).astype(dt)
        return np.concatenate([vals, rest])[:n].astype(dt)
    if p.kind == "c":
        re_ = np.arange(n, dtype=np.float64) * 0.5 - 1
        im_ = -np.arange(n, dtype=np.float64) * 0.25 + 2
        return (re_ + 1j * im_).astype(dt)
    raise AssertionError(p)


def small_size(d):
    """A non-symmetric size for dimension d: (2, 3, 4, 2, 3, ...)."""
    return [2 + (i % 3) for i in range(d)]


def counting_vector_image(image_type, size, ncomp):
    """A VectorImage of `image_type` and `size` (x, y, ...) with `ncomp`
    components, every component numbered in buffer order (0, 1, 2, ...,
    wrapping at the pixel type's range); shared by test_axes.py and
    test_itk_parity.py."""
    img = image_type.New()
    img.SetNumberOfComponentsPerPixel(ncomp)
    img.SetRegions(list(size))
    img.Allocate()
    a = ndwrap.PyBuffer[image_type].GetArrayViewFromImage(img)
    a[...] = np.arange(a.size).astype(a.dtype).reshape(a.shape)
    return img


def py_value(x):
    """NumPy scalar -> the Python value GetPixel returns."""
    return x.item()


@pytest.fixture(params=IMAGE_KEYS, ids=key_id)
def image_key(request):
    return request.param


def ticks_during(fn):
    """Run fn() while a second thread ticks every millisecond; returns
    (ticks during fn, seconds fn took).  With the GIL released by fn, the
    ticker keeps running."""
    import threading
    import time

    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        time.sleep(0.02)
        before = len(ticks)
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    return during, elapsed
