"""The generator as a product: examples/ExternalModule's functions, built by
tests/run_all.sh with ndw_add_module(), for every wrapped type, checked
against NumPy/SciPy on images and on arrays passed directly."""
import threading
import time

import numpy as np
import pytest

import ndwrap

ef = pytest.importorskip("extfilters", reason="built by tests/run_all.sh (examples/ExternalModule)")
scipy_ndimage = pytest.importorskip("scipy.ndimage")

SCALARS = [p for p in ndwrap.PIXEL_TYPES if p.wrapped and p.kind in "iuf"]
REALS = [p for p in ndwrap.PIXEL_TYPES if p.wrapped and p.kind == "f"]
DIMS = list(ndwrap.WRAPPED_DIMS)


def sample(p, d, rng):
    shape = tuple(3 + (i % 3) for i in range(d))[::-1]
    dt = np.dtype(p.numpy_name)
    if p.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(max(info.min, -100), min(info.max, 100), size=shape, endpoint=True).astype(dt)
    return (rng.standard_normal(shape) * 10).astype(dt)


def test_every_scalar_type_and_dim_is_wrapped():
    for p in SCALARS:
        for d in DIMS:
            T = ndwrap.Image[p, d]
            assert ef.BinaryThreshold[T].InputImageType is T
            for r in REALS:
                inst = ef.Mean[T, ndwrap.Image[r, d]]
                assert inst.OutputImageType is ndwrap.Image[r, d]
    assert len(ef.BinaryThreshold) == len(SCALARS) * len(DIMS)
    assert len(ef.Mean) == len(SCALARS) * len(REALS) * len(DIMS)


@pytest.mark.parametrize("p", SCALARS, ids=lambda p: p.code)
@pytest.mark.parametrize("d", DIMS)
def test_binary_threshold_matches_numpy(p, d):
    rng = np.random.default_rng(0)
    a = sample(p, d, rng)
    lo, hi = a.flat[0], a.flat[-1]
    lo, hi = min(lo, hi), max(lo, hi)
    expect = np.where((a >= lo) & (a <= hi), 1, 0).astype(a.dtype)
    T = ndwrap.Image[p, d]
    img = ndwrap.PyBuffer[T].GetImageViewFromArray(a)
    img.SetSpacing([0.5] * d)
    out = ef.BinaryThreshold[T](img, lo.item(), hi.item(), 1, 0)
    assert type(out) is T
    assert np.array_equal(np.asarray(out), expect)
    assert out.GetSpacing() == (0.5,) * d  # geometry follows the input
    arr_out = ef.BinaryThreshold(a, lower=lo.item(), upper=hi.item(), inside=1, outside=0)
    assert isinstance(arr_out, np.ndarray) and np.array_equal(arr_out, expect)


@pytest.mark.parametrize("p", SCALARS, ids=lambda p: p.code)
@pytest.mark.parametrize("d", DIMS)
def test_mean_matches_scipy_uniform_filter(p, d):
    rng = np.random.default_rng(1)
    a = sample(p, d, rng)
    radius = [1 + (i % 2) for i in range(d)]  # x first
    size = [2 * r + 1 for r in radius][::-1]  # array axis order
    expect = scipy_ndimage.uniform_filter(a.astype(np.float64), size=size, mode="reflect")
    for r in REALS:
        T_in, T_out = ndwrap.Image[p, d], ndwrap.Image[r, d]
        out = ef.Mean[T_in, T_out](ndwrap.PyBuffer[T_in].GetImageViewFromArray(a), radius)
        got = np.asarray(out)
        assert got.dtype == np.dtype(r.numpy_name)
        tol = 1e-4 if r.itemsize == 4 else 1e-10
        np.testing.assert_allclose(got, expect, rtol=tol, atol=tol * 100)
    # arrays in, arrays out; the radius as a NumPy array; a strided view as input.
    # Given the input alone, a real input keeps its type; an integer one has
    # two wrapped outputs (F, D) and needs output_type=
    if p.kind != "f":
        with pytest.raises(TypeError, match="ambiguous"):
            ef.Mean(a[..., ::-1], radius=np.array(radius))
    got = ef.Mean(a[..., ::-1], radius=np.array(radius), output_type=ndwrap.Image[REALS[0], d])
    expect_rev = scipy_ndimage.uniform_filter(a[..., ::-1].astype(np.float64), size=size,
                                              mode="reflect")
    np.testing.assert_allclose(got, expect_rev, rtol=1e-4, atol=1e-2)


def test_errors_list_the_wrapped_instantiations():
    if not ndwrap.CF.wrapped:
        pytest.skip("needs CF")
    with pytest.raises(ndwrap.NotWrappedError, match=r"BinaryThreshold\[ImageCF\d\] is not wrapped"):
        ef.BinaryThreshold[ndwrap.Image[ndwrap.CF, DIMS[0]]]
    shape = (3,) * DIMS[0]
    first = SCALARS[0]
    with pytest.raises(TypeError, match=f"Wrapped: .*Image{first.code}{DIMS[0]}"):
        ef.BinaryThreshold(np.zeros(shape, np.complex64), 0, 1, 1, 0)
    ints = np.zeros(shape, np.dtype(first.numpy_name))
    with pytest.raises(TypeError, match="missing parameter"):
        ef.BinaryThreshold(ints, 0, 1)
    with pytest.raises(TypeError, match="no parameter 'upperr'"):
        ef.BinaryThreshold(ints, 0, 1, 1, 0, upperr=3)
    with pytest.raises(OverflowError):
        ef.BinaryThreshold(ints, 0, 2**70, 1, 0)


needs_f3 = pytest.mark.skipif(3 not in DIMS or not ndwrap.F.wrapped, reason="needs Image[F, 3]")


@needs_f3
def test_long_calls_release_the_gil():
    from conftest import ticks_during

    a = np.random.default_rng(2).standard_normal((60, 60, 60)).astype(np.float32)
    T = ndwrap.Image[ndwrap.F, 3]
    img = ndwrap.PyBuffer[T].GetImageViewFromArray(a)
    during, elapsed = ticks_during(lambda: ef.Mean[T, T](img, [3, 3, 3]))  # ~75M reads
    assert elapsed > 0.05
    assert during >= 0.25 * elapsed * 1e3, f"the ticker ran {during} times in {elapsed:.3f}s"


@needs_f3
def test_images_are_locked_during_a_call():
    """While the C body runs (GIL released), the images count as exported."""
    a = np.zeros((80, 80, 80), np.float32)
    T = ndwrap.Image[ndwrap.F, 3]
    img = ndwrap.PyBuffer[T].GetImageFromArray(a, copy=True)
    errors = []

    def realloc():
        time.sleep(0.02)
        try:
            img.Allocate()
        except BufferError as e:
            errors.append(e)

    t = threading.Thread(target=realloc)
    t.start()
    ef.Mean[T, T](img, [3, 3, 3])
    t.join()
    assert errors, "Allocate during the call should have raised BufferError"


@pytest.mark.parametrize("p", REALS, ids=lambda p: p.code)
@pytest.mark.parametrize("d", DIMS)
def test_vector_magnitude_over_vector_images(p, d):
    """A 'vector:' type set: VectorImage in, scalar image out."""
    rng = np.random.default_rng(4)
    shape = tuple(2 + (i % 3) for i in range(d))[::-1] + (3,)
    a = rng.standard_normal(shape).astype(p.numpy_name)
    T_in = ndwrap.VectorImage[p, d]
    for r in REALS:
        T_out = ndwrap.Image[r, d]
        out = ef.VectorMagnitude[T_in, T_out](ndwrap.PyBuffer[T_in].GetImageViewFromArray(a))
        assert type(out) is T_out and out.GetNumberOfComponentsPerPixel() == 1
        np.testing.assert_allclose(np.asarray(out), np.linalg.norm(a.astype(np.float64), axis=-1),
                                   rtol=1e-5)
    # arrays in (the last axis is the components), arrays out; strided components
    got = ef.VectorMagnitude(a[..., ::-1])
    np.testing.assert_allclose(got, np.linalg.norm(a.astype(np.float64), axis=-1), rtol=1e-5)


@pytest.mark.parametrize("d", DIMS)
def test_vector_parameters_take_sequences_arrays_and_numbers(d):
    """A 'vector' parameter (D doubles) takes a list, a NumPy array or a number."""
    a = np.zeros(tuple(2 + (i % 3) for i in range(d))[::-1], np.float64)
    slope = np.arange(1, d + 1, dtype=np.float64)  # x first
    idx = np.indices(a.shape)  # array axes: (z, y, x) -> reverse for x first
    want = sum(slope[i] * idx[d - 1 - i] for i in range(d))
    for s in (list(slope), slope, tuple(slope.tolist())):
        np.testing.assert_allclose(ef.AddRamp(a, slope=s), want)
    np.testing.assert_allclose(ef.AddRamp(a, 2.0), 2.0 * sum(idx))
    with pytest.raises(ValueError, match=f"must have {d} elements"):
        ef.AddRamp(a, list(slope) + [1.0])
