"""Index <-> physical point transforms (ITK's TransformIndexToPhysicalPoint,
TransformContinuousIndexToPhysicalPoint, TransformPhysicalPointToIndex,
TransformPhysicalPointToContinuousIndex), computed in C
(ndw_image_index_to_point / ndw_image_point_to_index, swig/ndw_py_geometry.c):
checked against NumPy's formula and solver over random geometry, for every
wrapped dimension and image kind."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndwrap
from conftest import WRAPPED_DIMS, WRAPPED_PIXELS

PIXEL = ndwrap.F if ndwrap.F in WRAPPED_PIXELS else WRAPPED_PIXELS[0]


def _kinds(dim):
    """The scalar image, the VectorImage and (if wrapped) Image[Vector[F, dim], dim]."""
    out = [ndwrap.Image[PIXEL, dim], ndwrap.VectorImage[PIXEL, dim]]
    try:
        out.append(ndwrap.Image[ndwrap.Vector[ndwrap.F, dim], dim])
    except (ndwrap.NotWrappedError, TypeError, KeyError):
        pass
    return out


def _geometry(dim, seed):
    rng = np.random.default_rng(seed)
    while True:  # a random, well-conditioned direction (not orthonormal: a shear too)
        d = rng.normal(size=(dim, dim))
        if np.linalg.cond(d) < 50:
            break
    spacing = rng.uniform(0.1, 5.0, dim)
    origin = rng.uniform(-100, 100, dim)
    return d, spacing, origin


def _image(cls, dim, seed):
    im = cls.New()
    d, spacing, origin = _geometry(dim, seed)
    im.SetDirection(d)
    im.SetSpacing(spacing)
    im.SetOrigin(origin)
    return im, d, spacing, origin


@pytest.mark.parametrize("dim", WRAPPED_DIMS)
@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1),
       index=st.lists(st.integers(-10**6, 10**6), min_size=8, max_size=8),
       frac=st.lists(st.floats(-1e4, 1e4), min_size=8, max_size=8))
def test_transforms_match_numpy(dim, seed, index, frac):
    index, frac = index[:dim], frac[:dim]
    for cls in _kinds(dim):
        im, d, spacing, origin = _image(cls, dim, seed)
        want = origin + d @ (spacing * np.array(index, float))
        p = im.TransformIndexToPhysicalPoint(index)
        assert type(p) is tuple and len(p) == dim and all(type(x) is float for x in p)
        np.testing.assert_allclose(p, want, rtol=1e-12, atol=1e-9)
        # the same from an Index object, a NumPy array and a continuous index
        assert im.TransformIndexToPhysicalPoint(ndwrap.Index[dim](index)) == p
        assert im.TransformIndexToPhysicalPoint(np.array(index, np.int64)) == p
        c = im.TransformContinuousIndexToPhysicalPoint(frac)
        np.testing.assert_allclose(c, origin + d @ (spacing * np.array(frac)), rtol=1e-12,
                                   atol=1e-9)
        # the inverse: NumPy's solver, and back to the index
        back = im.TransformPhysicalPointToContinuousIndex(c)
        np.testing.assert_allclose(back, np.linalg.solve(d * spacing, np.array(c) - origin),
                                   rtol=1e-9, atol=1e-7)
        np.testing.assert_allclose(back, frac, rtol=1e-9, atol=1e-7)
        idx = im.TransformPhysicalPointToIndex(p)
        assert isinstance(idx, ndwrap.Index[dim])
        assert list(idx) == index


@pytest.mark.parametrize("dim", WRAPPED_DIMS)
def test_round_half_up(dim):
    """ITK rounds a continuous index half up: -0.5 -> 0, 2.5 -> 3."""
    im = ndwrap.Image[PIXEL, dim].New()
    im.SetSpacing([2.0] * dim)
    cont = [2.5 if i % 2 == 0 else -0.5 for i in range(dim)]
    p = im.TransformContinuousIndexToPhysicalPoint(cont)
    assert list(im.TransformPhysicalPointToIndex(p)) == [math.floor(x + 0.5) for x in cont]


@pytest.mark.parametrize("dim", WRAPPED_DIMS)
def test_bad_arguments(dim):
    im = ndwrap.Image[PIXEL, dim].New()
    good = [1] * dim
    with pytest.raises(ValueError, match=f"index must have {dim} elements, got {dim + 1}"):
        im.TransformIndexToPhysicalPoint(good + [1])
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        im.TransformIndexToPhysicalPoint([1.5] + good[1:])
    with pytest.raises(TypeError, match=f"index must be a sequence of {dim} numbers, not str"):
        im.TransformIndexToPhysicalPoint("ab")
    with pytest.raises(TypeError, match=f"must be a sequence of {dim} numbers, not int"):
        im.TransformPhysicalPointToIndex(3)
    with pytest.raises(TypeError, match="must be real number, not str"):
        im.TransformPhysicalPointToContinuousIndex(["a"] + good[1:])
    with pytest.raises(TypeError):
        im.TransformContinuousIndexToPhysicalPoint([1j] + good[1:])
    with pytest.raises(OverflowError, match="does not fit a 64-bit integer"):
        im.TransformIndexToPhysicalPoint([2**70] + good[1:])
    # a point too far for any index, and a point that is not finite
    with pytest.raises(OverflowError, match="outside any index range"):
        im.TransformPhysicalPointToIndex([1e300] + good[1:])
    for bad in (math.inf, math.nan):
        with pytest.raises(ValueError, match="is not finite"):
            im.TransformPhysicalPointToContinuousIndex([bad] + good[1:])
        with pytest.raises(ValueError, match="is not finite"):
            im.TransformPhysicalPointToIndex([bad] + good[1:])
    # a failed call leaves no state behind: the next one works
    assert list(im.TransformPhysicalPointToIndex([0.0] * dim)) == [0] * dim


def test_no_reference_leak():
    import sys

    dim = WRAPPED_DIMS[0]
    im = ndwrap.Image[PIXEL, dim].New()
    pt = [0.5] * dim
    before = sys.getrefcount(pt), sys.getrefcount(im)
    for _ in range(1000):
        im.TransformPhysicalPointToIndex(pt)
        im.TransformIndexToPhysicalPoint([1] * dim)
        with pytest.raises(ValueError):
            im.TransformPhysicalPointToIndex([math.nan] * dim)
    assert (sys.getrefcount(pt), sys.getrefcount(im)) == before
