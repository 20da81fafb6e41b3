"""Transposing copies (issue 16): ``image_from_array(a, axes=...)`` /
``keep_axes=True`` and ``array_from_image(img, axes=...)`` copy through the
core's blocked transpose (``ndw_copy_strided``); each result must equal
NumPy's own transpose of the same data, for every axis order, pixel size,
odd size, negative stride and step slice Hypothesis comes up with."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import ndwrap

DTYPES = [d for d in (np.uint8, np.int16, np.float32, np.float64, np.complex128)
          if ndwrap._registry.pixel_type_of_dtype(np.dtype(d)).wrapped]
DIMS = [d for d in (2, 3, 4) if d in ndwrap.WRAPPED_DIMS]
pytestmark = pytest.mark.skipif(not DTYPES or not DIMS, reason="trimmed build")

SPATIAL = "XYZT"


@st.composite
def cases(draw):
    dim = draw(st.sampled_from(DIMS))
    dtype = draw(st.sampled_from(DTYPES))
    comps = draw(st.sampled_from([0, 1, 2, 3, 5]))  # 0: a scalar image
    pool = [1, 2, 3, 15, 17, 33, 70] if dim < 4 else [1, 2, 3, 15, 17]
    sizes = [draw(st.sampled_from(pool)) for _ in range(dim)]
    letters = list(SPATIAL[:dim]) + (["C"] if comps else [])
    order = draw(st.permutations(letters))
    shape = [comps if L == "C" else sizes[SPATIAL.index(L)] for L in order]
    # a larger parent array, then flips and steps: negative and non-unit strides
    flips = [draw(st.booleans()) for _ in shape]
    steps = [draw(st.sampled_from([1, 1, 2])) for _ in shape]
    return dim, dtype, comps, "".join(order), shape, flips, steps


def make_array(dtype, shape, flips, steps, seed):
    rng = np.random.default_rng(seed)
    parent_shape = [n * s for n, s in zip(shape, steps)]
    parent = (rng.integers(0, 250, size=parent_shape) + 1).astype(dtype)
    if np.dtype(dtype).kind == "c":
        parent = parent + 1j * (parent[::-1] if parent.ndim else parent)
    key = tuple(slice(None, None, -s if f else s) for f, s in zip(flips, steps))
    a = parent[key]
    assert a.shape == tuple(shape)
    return a


def canonical(dim, comps):
    """NumPy axis order of an image's array: Z, Y, X (T first), then C."""
    return SPATIAL[:dim][::-1] + ("C" if comps else "")


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(0, 2**16))
def test_axes_copies_match_numpy(case, seed):
    dim, dtype, comps, order, shape, flips, steps = case
    a = make_array(dtype, shape, flips, steps, seed)
    canon = canonical(dim, comps)
    want = np.transpose(a, [order.index(L) for L in canon])
    img = ndwrap.image_from_array(a, bool(comps), axes=order)
    got = np.asarray(ndwrap.array_view_from_image(img))
    assert got.shape == want.shape
    assert np.array_equal(got, want)
    assert not np.shares_memory(got, a)
    # back out in the same axis order: a copy equal to the input
    back = ndwrap.array_from_image(img, axes=order)
    assert back.shape == a.shape and np.array_equal(back, a)
    assert not np.shares_memory(back, got)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DIMS), st.sampled_from(DTYPES), st.sampled_from([0, 3]),
       st.integers(0, 2**16))
def test_keep_axes_copy_is_the_reversed_array(dim, dtype, comps, seed):
    rng = np.random.default_rng(seed)
    pool = [1, 5, 17, 33, 65] if dim < 4 else [1, 5, 17]
    shape = [int(n) for n in rng.choice(pool, size=dim)] + ([comps] if comps else [])
    a_xyz = (rng.integers(0, 250, size=shape) + 1).astype(dtype)
    perm = tuple(range(dim))[::-1] + ((dim,) if comps else ())
    img = ndwrap.image_from_array(a_xyz, bool(comps), keep_axes=True)
    assert np.array_equal(ndwrap.array_view_from_image(img), a_xyz.transpose(perm))
    out = ndwrap.array_from_image(img, keep_axes=True)
    assert np.array_equal(out, a_xyz)


@pytest.mark.skipif(3 not in DIMS or np.float32 not in DTYPES, reason="needs Image[F, 3]")
@pytest.mark.parametrize("vec", [False, True])
def test_large_transposing_copy(vec):
    """Above 8 MiB the copy streams its stores past the caches: still exact."""
    n = 130
    shape = (n, n + 1, n + 2, 3) if vec else (n, n + 1, n + 2)
    a = np.arange(np.prod(shape), dtype=np.float32).reshape(shape)
    assert a.nbytes >= 8 << 20
    tr = (2, 1, 0, 3) if vec else (2, 1, 0)
    img = ndwrap.image_from_array(a, vec, keep_axes=True)
    assert np.array_equal(ndwrap.array_view_from_image(img), a.transpose(tr))
    img2 = ndwrap.image_from_array(a[::-1, :, ::-1], vec, keep_axes=True)
    assert np.array_equal(ndwrap.array_view_from_image(img2), a[::-1, :, ::-1].transpose(tr))
