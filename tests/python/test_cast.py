"""ndwrap.CastImage: ndwrap's own module built with ndw_add_module(CORE),
checked against NumPy for every wrapped (input, output) pair."""
import numpy as np
import pytest

import ndwrap

if not hasattr(ndwrap, "CastImage"):
    pytest.skip("Module_ImageCast is off in this build", allow_module_level=True)

TYPES = [p for p in ndwrap.PIXEL_TYPES if p.wrapped and p.kind in "biuf"]
D = ndwrap.WRAPPED_DIMS[0]
PAIRS = [(a, b) for a in TYPES for b in TYPES]


def sample(p):
    rng = np.random.default_rng(3)
    shape = (3,) * D
    if p.kind == "b":
        return rng.integers(0, 2, size=shape).astype(bool)
    if p.kind in "iu":
        info = np.iinfo(p.numpy_name)
        v = rng.integers(info.min, info.max, size=shape, dtype=p.numpy_name, endpoint=True)
        v.flat[0], v.flat[1] = info.min, info.max
        return v
    v = (rng.standard_normal(shape) * 1e3).astype(p.numpy_name)
    v.flat[0], v.flat[1], v.flat[2] = np.nan, np.inf, -np.inf
    return v


def expected(a, out):
    dt = np.dtype(out.numpy_name)
    if a.dtype.kind == "f" and dt.kind in "iu":
        info = np.iinfo(dt)
        x = np.nan_to_num(a.astype(np.float64), nan=0.0, posinf=np.inf, neginf=-np.inf)
        # saturate in float64; exact at the 64-bit edges (2**63, 2**64)
        res = np.empty(a.shape, dt)
        lo, hi = float(info.min), float(info.max)
        low, high = x <= lo, x >= hi
        mid = ~(low | high)
        res[low], res[high] = info.min, info.max
        res[mid] = x[mid].astype(dt)
        return res
    if dt.kind == "b":
        return a != 0
    with np.errstate(all="ignore"):
        return a.astype(dt)  # integer wrap-around, as C


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pr: f"{pr[0].code}-{pr[1].code}")
def test_cast_matches_numpy(pair):
    p_in, p_out = pair
    a = sample(p_in)
    T_in, T_out = ndwrap.Image[p_in, D], ndwrap.Image[p_out, D]
    img = ndwrap.PyBuffer[T_in].GetImageViewFromArray(a)
    img.SetOrigin([1.5] * D)
    out = ndwrap.CastImage[T_in, T_out](img)
    assert type(out) is T_out and out.GetOrigin() == (1.5,) * D
    got = np.asarray(out)
    want = expected(a, p_out)
    if p_out.kind == "f":
        np.testing.assert_array_equal(got, want)  # NaN == NaN here
    else:
        assert np.array_equal(got, want), (a, got, want)
    arr = ndwrap.CastImage(a, output_type=T_out)  # arrays in, arrays out
    assert isinstance(arr, np.ndarray) and arr.dtype == np.dtype(p_out.numpy_name)


def test_cast_is_in_libndwrap_and_listed():
    assert len(ndwrap.CastImage) == len(PAIRS) * len(ndwrap.WRAPPED_DIMS)
    if ndwrap.CF.wrapped:
        with pytest.raises(ndwrap.NotWrappedError, match="CastImage"):
            ndwrap.CastImage[ndwrap.Image[ndwrap.CF, D], ndwrap.Image[ndwrap.F, D]]


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pr: f"{pr[0].code}-{pr[1].code}")
def test_cast_vector_image_matches_per_component(pair):
    """CastVectorImage: every component by CastImage's rules, any strides
    (a transposed view), the input's component count."""
    p_in, p_out = pair
    a = np.stack([sample(p_in), sample(p_in)[::-1]], axis=-1)  # D axes + 2 components
    a = np.swapaxes(a, 0, D - 1) if D > 1 else a
    T_in, T_out = ndwrap.VectorImage[p_in, D], ndwrap.VectorImage[p_out, D]
    img = ndwrap.PyBuffer[T_in].GetImageViewFromArray(a, is_vector=True)
    out = ndwrap.CastVectorImage[T_in, T_out](img)
    assert type(out) is T_out and out.GetNumberOfComponentsPerPixel() == 2
    got, want = np.asarray(out), expected(a, p_out)
    if p_out.kind == "f":
        np.testing.assert_array_equal(got, want)
    else:
        assert np.array_equal(got, want), (a, got, want)
