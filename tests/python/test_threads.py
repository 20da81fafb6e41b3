"""The locking rule under threads (DESIGN.md "Safety rules", docs/design.rst):
C work that runs with the GIL released marks the images it touches as
exported, so a concurrent SetRegions / Allocate / reallocation gets
BufferError and never frees memory under running code.

A stress test (8 threads converting, filling, reallocating and deleting the
same images for a bounded time) and a deterministic one for the lock
itself.  The test command runs this file under ASan + UBSan too.
NDW_STRESS_SECONDS sets the stress duration (default 3 s).
"""
import os
import random
import threading
import time

import numpy as np
import pytest

import ndwrap
from conftest import WRAPPED_DIMS

pytestmark = pytest.mark.skipif(3 not in WRAPPED_DIMS or not ndwrap.F.wrapped,
                                reason="needs Image[F, 3]")
SECONDS = float(os.environ.get("NDW_STRESS_SECONDS", "3"))
# answers a racing thread may legitimately get: the buffer is locked, another
# thread dropped it, or made the region smaller than the index asked for
EXPECTED = (BufferError, RuntimeError, IndexError)  # locked, unallocated, region shrank


def big_image(T, size, value=0.0):
    im = T.New()
    if T is ndwrap.VectorImage[ndwrap.F, 3]:
        im.SetNumberOfComponentsPerPixel(2)
    im.SetRegions(size)
    im.Allocate()
    im.FillBuffer(value)
    return im


def test_fill_holds_the_export_lock():
    """FillBuffer of a large image releases the GIL; while it runs, another
    thread's SetRegions is refused with BufferError and the fill completes."""
    T = ndwrap.Image[ndwrap.F, 3]
    refused = 0
    for _ in range(10):
        im = big_image(T, [256, 256, 256])  # 64 MiB: a fill takes milliseconds
        done = threading.Event()

        def fill():
            im.FillBuffer(1.5)
            done.set()

        t = threading.Thread(target=fill)
        t.start()
        realloc = False
        while not done.is_set():
            try:
                im.SetRegions([256, 256, 256])  # drops the buffer if not locked
                realloc = True
                break
            except BufferError:
                refused += 1
        t.join()
        if not realloc:
            a = np.asarray(im)
            assert a.min() == a.max() == np.float32(1.5)
        if refused:
            break
    assert refused > 0, "SetRegions was never refused during a GIL-released fill"


def test_stress_eight_threads_on_shared_images():
    F3 = ndwrap.Image[ndwrap.F, 3]
    V3 = ndwrap.VectorImage[ndwrap.F, 3]
    pool = [big_image(F3, [40, 40, 40]) for _ in range(3)] + [big_image(V3, [20, 20, 20])]
    pool_lock = threading.Lock()  # only guards the Python list, not the images
    stop = time.monotonic() + SECONDS
    counts = [0] * 8
    errors = []

    def pick(rng):
        with pool_lock:
            return pool[rng.randrange(len(pool))]

    def replace(rng):
        i = rng.randrange(len(pool))
        T = type(pool[i])
        new = big_image(T, [40, 40, 40] if T is F3 else [20, 20, 20])
        with pool_lock:
            pool[i] = new  # the old one dies here, or with its last view

    def cast(im):
        if type(im) is not F3 or not hasattr(ndwrap, "CastImage"):
            return None
        try:
            return ndwrap.CastImage[F3, ndwrap.Image[ndwrap.D, 3]](im)
        except ValueError as e:
            # The output is made from the input's region; another thread may
            # resize the input before the C call, which then refuses the pair.
            if "sizes differ" not in str(e):
                raise

    ops = [
        lambda im, rng: np.asarray(im).sum(),
        lambda im, rng: ndwrap.PyBuffer[type(im)].GetArrayFromImage(im, copy=True).sum(),
        lambda im, rng: ndwrap.array_from_image(im, keep_axes=True).sum(),
        lambda im, rng: im.FillBuffer(float(rng.random()) if type(im) is F3 else 2.0),
        lambda im, rng: im.SetRegions([rng.randrange(1, 45)] * 3),
        lambda im, rng: im.Allocate(True),
        lambda im, rng: ndwrap.image_view_from_array(np.asarray(im), is_vector=type(im) is V3)
        .GetPixel((0, 0, 0)),
        lambda im, rng: ndwrap.image_from_array(np.asarray(im), is_vector=type(im) is V3),
        lambda im, rng: im.SetPixel((1, 1, 1), 3.0 if type(im) is F3 else (3.0, 4.0)),
        lambda im, rng: cast(im),
        lambda im, rng: im.__dlpack__() if hasattr(im, "__dlpack__") else None,
        lambda im, rng: replace(rng),
    ]

    def worker(k):
        rng = random.Random(k)
        while time.monotonic() < stop:
            im = pick(rng)
            op = rng.randrange(len(ops))
            try:
                ops[op](im, rng)
            except EXPECTED:
                pass
            except Exception as e:  # anything else is a defect
                errors.append((op, repr(e)))
            counts[k] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]
    assert all(c > 0 for c in counts), counts
    # no export count was left behind: every image can be reallocated again
    for im in pool:
        im.SetRegions([2, 2, 2])
        im.Allocate(True)
        assert np.asarray(im).sum() == 0
