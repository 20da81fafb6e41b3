"""ndwrap.ndimage: ndwrap's C kernels as scipy.LowLevelCallable.

Each kernel is checked against the same computation done with a Python
callback through the same SciPy call and, where SciPy has one, against its
built-in, over ranks 1-3 and the boundary modes; then lifetime (parameters
outlive everything that built them), bad parameters, wrong ranks, and SciPy
being optional."""
import gc
import os
import subprocess
import sys

import numpy as np
import pytest

import ndwrap

ndi = pytest.importorskip("scipy.ndimage")
scipy = pytest.importorskip("scipy")
nk = pytest.importorskip("ndwrap.ndimage")  # skipped when built without Module_BridgeNDImage

SHAPES = {1: (13,), 2: (7, 9), 3: (5, 6, 7)}
MODES = ["reflect", "constant", "nearest", "mirror", "wrap"]
RTOL, ATOL = 1e-12, 1e-12


def data(rank, seed=0):
    return np.random.default_rng(seed + rank).standard_normal(SHAPES[rank]) * 3 + 1


# ---- filters -------------------------------------------------------------------

FILTERS = {  # name -> (make, python callback, scipy built-in or None)
    "mean": (nk.mean, np.mean, lambda a, **k: ndi.uniform_filter(a, **k)),
    "minimum": (nk.minimum, np.min, lambda a, **k: ndi.minimum_filter(a, **k)),
    "maximum": (nk.maximum, np.max, lambda a, **k: ndi.maximum_filter(a, **k)),
    "median": (nk.median, np.median, lambda a, **k: ndi.median_filter(a, **k)),
    "variance": (nk.variance, np.var, None),
    "value_range": (nk.value_range, np.ptp, None),
    "count_above": (lambda: nk.count_above(0.75), lambda v: np.sum(v > 0.75), None),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("name", list(FILTERS))
def test_filter_matches_python_callback_and_builtin(name, rank, mode):
    make, py, builtin = FILTERS[name]
    a = data(rank)
    kw = dict(size=3, mode=mode, cval=0.5)
    got = ndi.generic_filter(a, make(), **kw)
    want = ndi.generic_filter(a, py, **kw)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
    if builtin is not None:
        np.testing.assert_allclose(got, builtin(a, **kw), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", ["minimum", "maximum", "median"])
def test_filter_footprint_and_origin_match_builtin(name):
    make, py, builtin = FILTERS[name]
    a = data(3, seed=4)
    fp = ndi.generate_binary_structure(3, 1)  # 7 values, odd: the median is a value
    for origin in (0, (1, 0, -1)):
        kw = dict(footprint=fp, mode="nearest", origin=origin)
        got = ndi.generic_filter(a, make(), **kw)
        np.testing.assert_allclose(got, builtin(a, **kw), rtol=RTOL, atol=ATOL)
        np.testing.assert_allclose(got, ndi.generic_filter(a, py, **kw), rtol=RTOL, atol=ATOL)


def test_median_of_an_even_footprint_is_numpy_median():
    a = data(2, seed=2)
    got = ndi.generic_filter(a, nk.median(), size=(2, 2))
    np.testing.assert_allclose(got, ndi.generic_filter(a, np.median, size=(2, 2)), rtol=RTOL)
    # large footprints (selection over hundreds of values, many ties)
    b = np.round(data(3, seed=3))
    for size in (6, 7):
        np.testing.assert_array_equal(ndi.generic_filter(b, nk.median(), size=size),
                                      ndi.generic_filter(b, np.median, size=size))


def test_float32_and_integer_inputs():
    a = data(2)
    for dt in (np.float32, np.int16, np.uint8):
        x = (np.abs(a) * 20).astype(dt)
        for name in ("mean", "median", "maximum"):
            make, py, _ = FILTERS[name]
            np.testing.assert_allclose(ndi.generic_filter(x, make(), size=3, output=np.float64),
                                       ndi.generic_filter(x, py, size=3, output=np.float64),
                                       rtol=1e-6)


@pytest.mark.parametrize("name", list(FILTERS))
def test_nan_propagates_as_numpy(name):
    make, py, _ = FILTERS[name]
    a = data(2)
    a[3, 4] = np.nan
    a[0, 0] = np.inf
    a[6, 8] = -np.inf
    with np.errstate(invalid="ignore"):
        got = ndi.generic_filter(a, make(), size=3, mode="nearest")
        want = ndi.generic_filter(a, py, size=3, mode="nearest")
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
    if name != "count_above":
        assert np.isnan(got[2:5, 3:6]).all()


def test_variance_is_accurate_far_from_zero():
    """Values near 1e12 with unit spread: the kernel (one pass, shifted by a
    value of the footprint) is within a few ulps of the exact variance
    (rational arithmetic); numpy.var loses ~1e-9 here to its rounded mean."""
    from fractions import Fraction

    a = np.random.default_rng(7).standard_normal((3, 3, 3)) + 1e12
    a[0, 0, 0] += 1e3  # an outlier as the shift
    got = ndi.generic_filter(a, nk.variance(), size=3, mode="nearest")[1, 1, 1]
    v = [Fraction(float(x)) for x in a.ravel()]
    m = sum(v) / len(v)
    exact = float(sum((x - m) ** 2 for x in v) / len(v))
    assert abs(got - exact) <= 1e-14 * exact
    const = ndi.generic_filter(np.full((4, 4), 1e300), nk.variance(), size=3)
    assert np.array_equal(const, np.zeros((4, 4)))  # never negative, exact for constants


def test_filters_with_ties_and_extremes():
    a = np.array([[1e300, -1e300, 1e300], [5, 5, 5], [-0.0, 0.0, 2]], dtype=np.float64)
    for name in ("minimum", "maximum", "median", "value_range", "count_above"):
        make, py, _ = FILTERS[name]
        with np.errstate(over="ignore", invalid="ignore"):
            got = ndi.generic_filter(a, make(), size=2, mode="wrap")
            want = ndi.generic_filter(a, py, size=2, mode="wrap")
        np.testing.assert_array_equal(got, want)


# ---- line filters --------------------------------------------------------------

@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_running_mean_matches_uniform_filter1d(rank, mode):
    a = data(rank)

    def py(iline, oline):
        w = len(iline) - len(oline) + 1
        oline[...] = [iline[i:i + w].mean() for i in range(len(oline))]

    for axis in range(-1, rank - 1):
        for size, origin in ((1, 0), (2, 0), (3, -1), (4, 1), (5, 0)):
            kw = dict(axis=axis, mode=mode, cval=-1.5, origin=origin)
            got = ndi.generic_filter1d(a, nk.running_mean(), size, **kw)
            np.testing.assert_allclose(got, ndi.uniform_filter1d(a, size, **kw), rtol=1e-11,
                                       atol=1e-12)
            np.testing.assert_allclose(got, ndi.generic_filter1d(a, py, size, **kw), rtol=1e-11,
                                       atol=1e-12)


def test_running_mean_is_exact_after_a_huge_value_leaves_the_window():
    a = np.ones(40)
    a[3] = 1e17
    got = ndi.generic_filter1d(a, nk.running_mean(), 4, mode="constant")
    np.testing.assert_array_equal(got[10:-2], 1.0)  # a plain running sum keeps rounding junk
    b = a.copy()
    b[5] = np.inf
    got = ndi.generic_filter1d(b, nk.running_mean(), 4, mode="nearest")
    assert np.isinf(got[4:8]).all() and np.array_equal(got[10:], np.ones(30))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_cumulative_sum_matches_cumsum_and_python(rank, mode):
    a = data(rank)

    def py(iline, oline):
        w = len(iline) - len(oline) + 1
        oline[...] = np.cumsum(iline)[w - 1:]

    for axis in range(rank):
        got = ndi.generic_filter1d(a, nk.cumulative_sum(), 1, axis=axis, mode=mode)
        np.testing.assert_allclose(got, np.cumsum(a, axis=axis), rtol=RTOL, atol=ATOL)
        got = ndi.generic_filter1d(a, nk.cumulative_sum(), 3, axis=axis, mode=mode, cval=2.0)
        want = ndi.generic_filter1d(a, py, 3, axis=axis, mode=mode, cval=2.0)
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-11)


# ---- mappings ------------------------------------------------------------------

MAP_MODES = ["constant", "nearest", "reflect", "mirror", "wrap", "grid-wrap", "grid-constant",
             "grid-mirror"]


def python_mapping(matrix, offset):
    m, c = np.asarray(matrix, float), np.asarray(offset, float)
    return lambda o: tuple(m @ np.asarray(o, float) + c)


@pytest.mark.parametrize("mode", MAP_MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_shift_mapping_matches_shift(rank, mode):
    a = data(rank)
    s = [1.25, -0.5, 2.75][:rank]
    for order in (0, 1, 3):
        kw = dict(order=order, mode=mode, cval=0.25)
        got = ndi.geometric_transform(a, nk.shift_mapping(s), **kw)
        np.testing.assert_allclose(got, ndi.shift(a, s, **kw), rtol=1e-10, atol=1e-10)
        want = ndi.geometric_transform(a, python_mapping(np.eye(rank), -np.array(s)), **kw)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # one shift for every axis: any rank
    got = ndi.geometric_transform(a, nk.shift_mapping(0.5), order=1, mode=mode)
    np.testing.assert_allclose(got, ndi.shift(a, 0.5, order=1, mode=mode), rtol=1e-10,
                               atol=1e-10)


@pytest.mark.parametrize("mode", MAP_MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_zoom_mapping_matches_zoom(rank, mode):
    a = data(rank)
    z = [2.0, 0.6, 1.5][:rank]
    for order in (1, 3):
        kw = dict(order=order, mode=mode, cval=0.25)
        want = ndi.zoom(a, z, **kw)
        m = nk.zoom_mapping(input_shape=a.shape, output_shape=want.shape)
        got = ndi.geometric_transform(a, m, output_shape=want.shape, **kw)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
        scale = (np.array(a.shape) - 1) / np.maximum(np.array(want.shape) - 1, 1)
        py = ndi.geometric_transform(a, python_mapping(np.diag(scale), np.zeros(rank)),
                                     output_shape=want.shape, **kw)
        np.testing.assert_allclose(got, py, rtol=1e-12, atol=1e-12)
    # grid mode: pixel edges aligned, the zoom factor itself
    if mode.startswith("grid-") or mode in ("nearest", "reflect", "mirror"):
        want = ndi.zoom(a, 2.0, order=1, mode=mode, grid_mode=True)
        got = ndi.geometric_transform(a, nk.zoom_mapping(2.0, grid_mode=True),
                                      output_shape=want.shape, order=1, mode=mode)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("mode", MAP_MODES)
@pytest.mark.parametrize("rank", [1, 2, 3])
def test_affine_mapping_matches_affine_transform(rank, mode):
    a = data(rank)
    rng = np.random.default_rng(rank)
    m = np.eye(rank) + rng.uniform(-0.2, 0.2, (rank, rank))
    c = rng.uniform(-1.5, 1.5, rank)
    for order in (0, 1, 3):
        kw = dict(order=order, mode=mode, cval=0.25)
        got = ndi.geometric_transform(a, nk.affine_mapping(m, c), **kw)
        np.testing.assert_allclose(got, ndi.affine_transform(a, m, c, **kw), rtol=1e-10,
                                   atol=1e-10)
        np.testing.assert_allclose(got, ndi.geometric_transform(a, python_mapping(m, c), **kw),
                                   rtol=1e-12, atol=1e-12)
    # the (r, r + 1) form with the offset as last column, and a diagonal
    got = ndi.geometric_transform(a, nk.affine_mapping(np.column_stack([m, c])), order=1)
    np.testing.assert_allclose(got, ndi.affine_transform(a, m, c, order=1), rtol=1e-10,
                               atol=1e-10)
    d = np.linspace(0.8, 1.2, rank)
    got = ndi.geometric_transform(a, nk.affine_mapping(d, 0.5), order=1)
    np.testing.assert_allclose(got, ndi.affine_transform(a, d, 0.5, order=1), rtol=1e-10,
                               atol=1e-10)


# ---- resampling between ndwrap images' grids -------------------------------------

RESAMPLE_DIMS = [d for d in ndwrap.WRAPPED_DIMS if d in (1, 2, 3)]


def rotation(d, angle):
    r = np.eye(d)
    if d >= 2:
        r[:2, :2] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
    return r


def make_image(arr, spacing, origin, direction, index=None):
    img = ndwrap.image_from_array(arr)
    if index is not None:  # a region that does not start at 0
        region = img.GetLargestPossibleRegion()
        region.SetIndex(index)
        view = np.array(arr)
        img = type(img).New()
        img.SetRegions(region)
        img.Allocate()
        np.asarray(img)[...] = view
    img.SetSpacing(spacing)
    img.SetOrigin(origin)
    img.SetDirection(direction)
    return img


def physical_points(img):
    """Physical point of every pixel of img, shape (N, d), in array (C) order."""
    d = img.GetImageDimension()
    size = list(img.GetBufferedRegion().GetSize())
    start = np.array(list(img.GetBufferedRegion().GetIndex()), float)
    grids = np.meshgrid(*[np.arange(n) for n in size[::-1]], indexing="ij")  # (z, y, x)
    idx = np.stack([g.ravel() for g in grids[::-1]], axis=1) + start  # x first
    a = np.asarray(img.GetDirection(), float).reshape(d, d) * np.asarray(img.GetSpacing())
    return idx @ a.T + np.asarray(img.GetOrigin())


def array_coords(img, points):
    d = img.GetImageDimension()
    a = np.asarray(img.GetDirection(), float).reshape(d, d) * np.asarray(img.GetSpacing())
    start = np.array(list(img.GetBufferedRegion().GetIndex()), float)
    idx = np.linalg.solve(a, (points - np.asarray(img.GetOrigin())).T).T - start
    return idx[:, ::-1]  # array order (z, y, x)


@pytest.mark.parametrize("d", RESAMPLE_DIMS)
def test_resample_mapping_goes_through_physical_space(d):
    rng = np.random.default_rng(d)
    moving_arr = rng.standard_normal((9, 8, 7)[:d])
    moving = make_image(moving_arr, [0.9, 1.1, 1.3][:d], [1.0, -2.0, 0.5][:d],
                        rotation(d, 0.2), index=[2, -1, 3][:d])
    fixed = make_image(np.zeros((6, 10, 5)[:d]), [1.2, 0.7, 1.0][:d], [0.5, -1.0, 2.0][:d],
                       rotation(d, -0.1))
    out_shape = np.asarray(fixed).shape
    m = nk.resample_mapping(fixed, moving)
    got = ndi.geometric_transform(moving_arr, m, output_shape=out_shape, order=1, mode="nearest")
    coords = array_coords(moving, physical_points(fixed))
    want = ndi.map_coordinates(moving_arr, coords.T, order=1, mode="nearest").reshape(out_shape)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    # the same with a Python mapping (per point, through physical space)
    fa = np.asarray(fixed.GetDirection()).reshape(d, d) * np.asarray(fixed.GetSpacing())
    fs = np.array(list(fixed.GetBufferedRegion().GetIndex()), float)

    def py(o):
        p = fa @ (np.asarray(o[::-1], float) + fs) + np.asarray(fixed.GetOrigin())
        return tuple(array_coords(moving, p[None])[0])

    want = ndi.geometric_transform(moving_arr, py, output_shape=out_shape, order=1, mode="nearest")
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    # onto its own grid: the identity
    same = ndi.geometric_transform(moving_arr, nk.resample_mapping(moving, moving), order=1)
    np.testing.assert_allclose(same, moving_arr, rtol=1e-12, atol=1e-12)
    p = nk.parameters(nk.resample_mapping(moving, moving))
    np.testing.assert_allclose(p["values"], list(np.eye(d).ravel()) + [0.0] * d, atol=1e-12)
    assert p["kernel"] == "resample_mapping" and p["input_rank"] == d


def test_resample_mapping_rejects_what_it_cannot_map():
    dims = RESAMPLE_DIMS
    if not dims:
        pytest.skip("needs an image dimension of 1, 2 or 3")
    d = dims[0]
    img = make_image(np.zeros((4, 5, 6)[:d]), [1.0] * d, [0.0] * d, np.eye(d))
    with pytest.raises(TypeError, match="ndwrap Image"):
        nk.resample_mapping(np.zeros((4,) * d), img)
    vec = ndwrap.VectorImage[ndwrap.D, d].New()
    with pytest.raises(TypeError, match="VectorImage"):
        nk.resample_mapping(img, vec)
    other = [e for e in ndwrap.WRAPPED_DIMS if e != d]
    if other:
        e = other[0]
        img2 = ndwrap.Image[ndwrap.D, e].New()
        img2.SetRegions([2] * e)
        with pytest.raises(ValueError, match="dimension"):
            nk.resample_mapping(img, img2)
    m = nk.resample_mapping(img, img)
    with pytest.raises(ValueError, match="wrong rank"):
        ndi.geometric_transform(np.zeros((3,) * (d + 1)), m)


# ---- the signatures, and every kernel reachable from Python ------------------------

def test_every_kernel_has_a_python_function_with_the_exact_signature():
    sig = {"filter": nk.FILTER_SIGNATURE, "line": nk.LINE_SIGNATURE,
           "mapping": nk.MAPPING_SIGNATURE}
    assert nk.FILTER_SIGNATURE == "int (double *, intptr_t, double *, void *)"
    assert nk.LINE_SIGNATURE == "int (double *, intptr_t, double *, intptr_t, void *)"
    assert nk.MAPPING_SIGNATURE == "int (intptr_t *, double *, int, int, void *)"
    args = {"count_above": (1.0,), "shift_mapping": ([1.0],), "zoom_mapping": (2.0,),
            "affine_mapping": (np.eye(2),)}
    kernels = nk.kernels()
    assert set(kernels) == set(FILTERS) | {"running_mean", "cumulative_sum", "shift_mapping",
                                           "zoom_mapping", "affine_mapping", "resample_mapping"}
    for name, (kind, doc) in kernels.items():
        assert doc
        if name == "resample_mapping":
            continue  # needs images: tested above
        c = getattr(nk, name)(*args.get(name, ()))
        assert isinstance(c, scipy.LowLevelCallable)
        assert c.signature == sig[kind]
        assert c.function.__class__.__name__ == "PyCapsule"
        info = nk.parameters(c)
        assert info["kernel"] == name and info["kind"] == kind and info["signature"] == sig[kind]


# ---- lifetime: the callable owns its parameters ---------------------------------------

def test_parameters_outlive_everything_that_built_them():
    a = data(2)
    matrix = np.array([[0.9, 0.1], [-0.2, 1.1]])
    offset = [0.5, -1.25]
    want = ndi.affine_transform(a, matrix, offset, order=1)
    threshold = np.float64(0.3)
    shift = np.array([1.5, -0.5])
    callables = [nk.affine_mapping(matrix, offset), nk.count_above(threshold),
                 nk.shift_mapping(shift)]
    del matrix, offset, threshold, shift
    gc.collect()
    noise = [np.full(64, 7.0) for _ in range(200)]  # reuse freed memory
    del noise
    aff, above, sh = callables
    del callables
    gc.collect()
    np.testing.assert_allclose(ndi.geometric_transform(a, aff, order=1), want, rtol=1e-12)
    np.testing.assert_array_equal(ndi.generic_filter(a, above, size=3),
                                  ndi.generic_filter(a, lambda v: np.sum(v > 0.3), size=3))
    np.testing.assert_allclose(ndi.geometric_transform(a, sh, order=1),
                               ndi.shift(a, [1.5, -0.5], order=1), rtol=1e-12)
    # only the capsules kept: a LowLevelCallable rebuilt from them still works
    fn, ud = sh.function, sh.user_data
    del sh, aff, above
    gc.collect()
    again = scipy.LowLevelCallable(fn, ud)
    assert nk.parameters(again)["values"] == (1.5, -0.5)
    np.testing.assert_allclose(ndi.geometric_transform(a, again, order=1),
                               ndi.shift(a, [1.5, -0.5], order=1), rtol=1e-12)


def test_parameter_block_is_freed_with_the_last_holder_and_not_before():
    live = ndwrap.ndwcore._ndimage_live_params
    gc.collect()
    base = live()
    c = nk.affine_mapping(np.eye(3), [1.0, 2.0, 3.0])
    assert live() == base + 1
    fn, ud = c.function, c.user_data
    del c
    gc.collect()
    assert live() == base + 1  # the user_data capsule still holds it
    again = scipy.LowLevelCallable(fn, ud)
    del ud
    gc.collect()
    assert live() == base + 1  # now the new callable does
    assert nk.parameters(again)["values"][-3:] == (1.0, 2.0, 3.0)
    del again
    gc.collect()
    assert live() == base
    # failures free what they made; many callables leave nothing behind
    for bad in ([np.nan], [], [1.0] * 70):
        with pytest.raises(ValueError):
            nk.shift_mapping(bad)
    made = [nk.count_above(float(i)) for i in range(1000)]
    assert live() == base + 1000
    del made
    gc.collect()
    assert live() == base


def test_every_public_function_refuses_junk_without_crashing():
    """Walk ndwrap.ndimage.__all__: wrong types and values raise TypeError or
    ValueError (never a crash, never a callable made from junk)."""
    junk = [None, "x", b"x", object(), [None], {1: 2}, np.nan, [np.inf], True, [True], 1j,
            np.zeros((2, 2, 2)), []]
    for name in nk.__all__:
        fn = getattr(nk, name)
        if not callable(fn):
            assert isinstance(fn, str)
            continue
        for j in junk:
            args = {"zoom_mapping": (j,), "affine_mapping": (j,), "shift_mapping": (j,),
                    "count_above": (j,), "resample_mapping": (j, j), "parameters": (j,)}.get(name)
            if args is None:
                continue  # takes no arguments
            with pytest.raises((TypeError, ValueError)):
                fn(*args)
    for name in ("mean", "median", "running_mean", "kernels"):
        with pytest.raises(TypeError):
            getattr(nk, name)(1)


def test_user_data_capsule_is_owned_by_the_callable_alone():
    c = nk.shift_mapping([1.0, 2.0])
    assert [r for r in gc.get_referrers(c.user_data) if r is not c] == []
    c2 = scipy.LowLevelCallable(c)  # a callable of a callable shares, and holds, the first
    del c
    gc.collect()
    a = data(2)
    np.testing.assert_allclose(ndi.geometric_transform(a, c2, order=1),
                               ndi.shift(a, [1.0, 2.0], order=1), rtol=1e-12)


def test_lifetime_in_a_fresh_process():
    """Build, drop every reference but the callables', churn the allocator,
    run: in a subprocess, so a use-after-free (ASan) cannot take pytest down."""
    code = r"""
import gc, numpy as np, scipy.ndimage as ndi
from ndwrap import ndimage as nk
def build():
    m = np.array([[1.0, 0.2], [0.0, 0.9]]); o = [0.5, 1.0]
    return nk.affine_mapping(m, o), nk.count_above(np.float32(0.1)), nk.zoom_mapping([2.0, 0.5])
cs = [build() for _ in range(50)]
gc.collect()
junk = [bytearray(4096) for _ in range(1000)]; del junk
a = np.arange(36.0).reshape(6, 6)
ref = ndi.affine_transform(a, [[1.0, 0.2], [0.0, 0.9]], [0.5, 1.0], order=1)
for aff, above, zm in cs:
    assert np.allclose(ndi.geometric_transform(a, aff, order=1), ref)
    assert ndi.generic_filter(a, above, size=2).max() == 4
del cs; gc.collect()
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# ---- bad parameters, misuse ---------------------------------------------------------

def test_bad_parameters_raise_clearly():
    bad = [
        (lambda: nk.shift_mapping([]), ValueError, "empty"),
        (lambda: nk.shift_mapping([1.0, np.nan]), ValueError, "finite"),
        (lambda: nk.shift_mapping([[1.0, 2.0]]), ValueError, "one value per axis"),
        (lambda: nk.shift_mapping("ab"), TypeError, "real numbers"),
        (lambda: nk.shift_mapping([0.0] * 65), ValueError, "65"),
        (lambda: nk.count_above(np.nan), ValueError, "finite"),
        (lambda: nk.count_above(np.inf), ValueError, "finite"),
        (lambda: nk.count_above("1"), TypeError, "real number"),
        (lambda: nk.count_above(None), TypeError, "real number"),
        (lambda: nk.zoom_mapping(0.0), ValueError, "finite and > 0"),
        (lambda: nk.zoom_mapping([1.0, -2.0]), ValueError, "zoom\\[1\\]"),
        (lambda: nk.zoom_mapping([1.0, np.inf]), ValueError, "finite"),
        (lambda: nk.zoom_mapping(), TypeError, "either zoom"),
        (lambda: nk.zoom_mapping(2.0, input_shape=(3,), output_shape=(5,)), TypeError, "either"),
        (lambda: nk.zoom_mapping(input_shape=(3, 4), output_shape=(5,)), ValueError, "same"),
        (lambda: nk.zoom_mapping(input_shape=(3, 4)), TypeError, "together"),
        (lambda: nk.zoom_mapping(input_shape=(3, 0), output_shape=(5, 5)), ValueError, "positive"),
        (lambda: nk.affine_mapping(np.eye(2), [1.0, 2.0, 3.0]), ValueError, "wrong length"),
        (lambda: nk.affine_mapping(np.ones((2, 3, 4))), ValueError, "shape"),
        (lambda: nk.affine_mapping(np.ones((2, 5))), ValueError, "shape"),
        (lambda: nk.affine_mapping(np.ones((0, 0))), ValueError, "shape"),
        (lambda: nk.affine_mapping([[1.0, np.nan], [0.0, 1.0]]), ValueError, "finite"),
        (lambda: nk.affine_mapping(np.eye(2), np.inf), ValueError, "finite"),
        (lambda: nk.affine_mapping(np.column_stack([np.eye(2), [1, 1]]), 1.0), ValueError,
         "last column"),
        (lambda: nk.affine_mapping([["a"]]), TypeError, "real numbers"),
        (lambda: nk.affine_mapping(np.eye(65)), ValueError, "65"),
    ]
    for fn, exc, msg in bad:
        with pytest.raises(exc, match=msg):
            fn()


def test_mapping_called_for_another_rank_raises_from_scipy():
    a3 = data(3)
    for m in (nk.shift_mapping([1.0, 2.0]), nk.zoom_mapping([2.0, 2.0]),
              nk.affine_mapping(np.eye(2))):
        with pytest.raises(ValueError, match="wrong rank"):
            ndi.geometric_transform(a3, m)
    # rank-free forms keep the rank
    with pytest.raises(ValueError, match="keeps the rank"):
        ndi.geometric_transform(a3, nk.shift_mapping(1.0), output_shape=(5, 6))


def test_kernels_refuse_foreign_or_missing_user_data():
    a = data(2)
    shift, aff, above = nk.shift_mapping([1.0, 1.0]), nk.affine_mapping(np.eye(2)), nk.count_above(0)
    with pytest.raises(ValueError, match="without its parameters"):
        ndi.geometric_transform(a, scipy.LowLevelCallable(shift.function))
    with pytest.raises(ValueError, match="parameters of 'affine_mapping'"):
        ndi.geometric_transform(a, scipy.LowLevelCallable(shift.function, aff.user_data))
    with pytest.raises(ValueError, match="parameters of 'shift_mapping'"):
        ndi.generic_filter(a, scipy.LowLevelCallable(above.function, shift.user_data), size=3)
    # kernels without parameters need none
    got = ndi.generic_filter(a, scipy.LowLevelCallable(nk.mean().function), size=3)
    np.testing.assert_allclose(got, ndi.uniform_filter(a, 3), rtol=RTOL, atol=ATOL)
    with pytest.raises(TypeError, match="user_data"):
        nk.parameters(scipy.LowLevelCallable(nk.mean().function))


def test_glue_checks_names_and_values():
    core = ndwrap.ndwcore
    with pytest.raises(KeyError, match="nope"):
        core._ndimage_callable("nope", None, 0, 0)
    with pytest.raises(TypeError, match="real number"):
        core._ndimage_callable("count_above", [1j], 0, 0)
    with pytest.raises(TypeError, match="sequence of numbers"):
        core._ndimage_callable("count_above", "1", 0, 0)
    with pytest.raises(TypeError, match="bool"):
        core._ndimage_callable("count_above", True, 0, 0)
    with pytest.raises(TypeError, match="not a real number"):
        core._ndimage_callable("count_above", [False], 0, 0)
    with pytest.raises(ValueError, match="takes 1 parameter value, got 2"):
        core._ndimage_callable("count_above", [1, 2], 0, 0)
    with pytest.raises(ValueError, match="takes 0 parameter values, got 1"):
        core._ndimage_callable("mean", [1], 0, 0)
    with pytest.raises(ValueError, match="at most"):
        core._ndimage_callable("mean", [0.0] * 70000, 0, 0)
    with pytest.raises(ValueError, match="ranks"):
        core._ndimage_callable("shift_mapping", [1.0], -1, -1)
    with pytest.raises(ValueError, match="differ"):
        core._ndimage_callable("shift_mapping", [1.0, 2.0], 2, 3)
    with pytest.raises(ValueError, match="9 values for a 2 x 2 matrix"):
        core._ndimage_callable("affine_mapping", [1.0] * 9, 2, 2)
    with pytest.raises(TypeError, match="grid"):
        core._ndimage_resample((1, 2), ((0,), (1.0,), (0.0,), (1.0,)))
    with pytest.raises(ValueError, match="spacing"):
        core._ndimage_resample(((0,), (-1.0,), (0.0,), (1.0,)), ((0,), (1.0,), (0.0,), (1.0,)))
    with pytest.raises(ValueError, match="singular"):
        core._ndimage_resample(((0, 0), (1.0, 1.0), (0.0, 0.0), (1.0, 1.0, 1.0, 1.0)),
                               ((0, 0), (1.0, 1.0), (0.0, 0.0), (1.0, 2.0, 1.0, 2.0)))


def test_empty_input_and_empty_footprint():
    assert ndi.generic_filter(np.zeros((0, 4)), nk.median(), size=3).shape == (0, 4)
    with pytest.raises((ValueError, RuntimeError)):
        ndi.generic_filter(np.zeros((4, 4)), nk.median(), footprint=np.zeros((3, 3), bool))


# ---- SciPy stays optional ------------------------------------------------------------

def test_ndwrap_imports_without_scipy_and_ndimage_says_what_to_install():
    """Without SciPy, ``import ndwrap`` and ``ndwrap.ndimage`` (an ordinary
    module since issue 16; before, a lazy object whose first attribute
    access imported SciPy) work, and every function that makes a callable
    raises the ImportError naming ``pip install 'ndwrap[ndimage]'`` on its
    first call, before looking at its arguments."""
    code = r"""
import sys
sys.modules['scipy'] = None          # as if SciPy were not installed
import ndwrap
import ndwrap.ndimage as nk
assert 'scipy' not in [m for m in sys.modules if sys.modules[m] is not None]
assert ndwrap.ndimage is nk and type(nk) is type(sys)
calls = [nk.mean, nk.minimum, nk.maximum, nk.median, nk.variance, nk.value_range,
         lambda: nk.count_above(1.0), nk.running_mean, nk.cumulative_sum,
         lambda: nk.shift_mapping([1.0]), lambda: nk.zoom_mapping(2.0),
         lambda: nk.affine_mapping([[1.0]]), lambda: nk.resample_mapping(None, None),
         lambda: nk.shift_mapping("not numbers")]
for call in calls:
    try:
        call()
    except ImportError as e:
        print(e)
    else:
        print("made a callable")
print(sorted(nk.kernels())[:1], 'scipy' in sys.modules and sys.modules['scipy'] is not None)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 15, lines
    assert all("pip install 'ndwrap[ndimage]'" in x for x in lines[:14]), lines
    assert lines[14].endswith("False"), lines  # kernels() reads the table: no SciPy needed


def test_import_ndwrap_does_not_import_scipy_until_ndimage_is_used():
    code = ("import sys, ndwrap; print('scipy' in sys.modules); "
            "c = ndwrap.ndimage.mean(); print('scipy' in sys.modules, type(c).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=os.environ, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True", "LowLevelCallable"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        ndwrap.nope
