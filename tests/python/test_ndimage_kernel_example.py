"""examples/NDImageKernel: a toolkit's own C kernels built with
ndw_add_ndimage_kernels() (by tests/run_all.sh), used through SciPy and
checked against SciPy's built-ins and Python callbacks."""
import gc

import numpy as np
import pytest

ndk = pytest.importorskip("ndkernels", reason="built by tests/run_all.sh (examples/NDImageKernel)")
ndi = pytest.importorskip("scipy.ndimage")
scipy = pytest.importorskip("scipy")
nk = pytest.importorskip("ndwrap.ndimage")


def test_module_lists_its_kernels_with_their_kinds():
    assert ndk.KERNELS == {"weighted_sum": "filter", "exponential_smoothing": "line",
                           "rotate_2d": "mapping"}
    assert "correlate" in ndk.weighted_sum.__doc__
    c = ndk.weighted_sum([1.0])
    assert isinstance(c, scipy.LowLevelCallable)
    assert c.signature == nk.FILTER_SIGNATURE
    assert ndk.exponential_smoothing(0.5).signature == nk.LINE_SIGNATURE
    assert ndk.rotate_2d([0.1, 0, 0]).signature == nk.MAPPING_SIGNATURE
    info = nk.parameters(ndk.rotate_2d([0.1, 2, 3]))
    assert info["kernel"] == "rotate_2d" and info["values"] == (0.1, 2.0, 3.0)


@pytest.mark.parametrize("mode", ["reflect", "constant", "nearest", "wrap"])
@pytest.mark.parametrize("shape", [(15,), (6, 7), (4, 5, 6)])
def test_weighted_sum_is_correlate(shape, mode):
    rng = np.random.default_rng(len(shape))
    a = rng.standard_normal(shape)
    w = rng.standard_normal((3,) * len(shape))
    weights = w.ravel()  # generic_filter hands the footprint's values in C order
    got = ndi.generic_filter(a, ndk.weighted_sum(weights), size=3, mode=mode, cval=0.5)
    np.testing.assert_allclose(got, ndi.correlate(a, w, mode=mode, cval=0.5), rtol=1e-12,
                               atol=1e-12)
    py = ndi.generic_filter(a, lambda v: float(np.dot(v, weights)), size=3, mode=mode, cval=0.5)
    np.testing.assert_allclose(got, py, rtol=1e-12, atol=1e-12)


def test_exponential_smoothing_matches_python():
    a = np.random.default_rng(5).standard_normal((6, 20))

    def py(iline, oline):
        y = np.empty_like(iline)
        y[0] = iline[0]
        for i in range(1, len(iline)):
            y[i] = 0.3 * iline[i] + 0.7 * y[i - 1]
        oline[...] = y[len(iline) - len(oline):]

    for size in (1, 4):
        got = ndi.generic_filter1d(a, ndk.exponential_smoothing(0.3), size, axis=1)
        np.testing.assert_allclose(got, ndi.generic_filter1d(a, py, size, axis=1), rtol=1e-12)


def test_rotate_2d_is_affine_transform():
    a = np.random.default_rng(6).standard_normal((12, 10))
    angle, c = 0.4, np.array([5.5, 4.0])
    r = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    m = ndk.rotate_2d([angle, *c])
    del angle  # the callable owns its parameters
    gc.collect()
    got = ndi.geometric_transform(a, m, order=1, mode="nearest")
    want = ndi.affine_transform(a, r, c - r @ c, order=1, mode="nearest")
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_errors_from_checks_and_from_inside_scipy():
    with pytest.raises(ValueError, match="alpha = 1.5"):
        ndk.exponential_smoothing(1.5)  # the row's check
    with pytest.raises(ValueError, match="takes 1 parameter value, got 2"):
        ndk.exponential_smoothing([0.1, 0.2])
    with pytest.raises(ValueError, match="takes 3 parameter values, got 1"):
        ndk.rotate_2d(0.1)
    with pytest.raises(ValueError, match="finite"):
        ndk.weighted_sum([1.0, float("nan")])
    with pytest.raises(ValueError, match="takes 1 to 65536"):
        ndk.weighted_sum()
    with pytest.raises(TypeError):
        ndk.weighted_sum([1.0], 2)
    with pytest.raises(TypeError, match="bool"):
        ndk.exponential_smoothing(True)
    with pytest.raises(TypeError, match="not a real number"):
        ndk.weighted_sum(["1"])
    a = np.zeros((5, 5))
    with pytest.raises(ValueError, match="9 weights for a footprint of 4 values"):
        ndi.generic_filter(a, ndk.weighted_sum(np.ones(9)), size=2)
    with pytest.raises(ValueError, match="works on 2-d arrays"):
        ndi.geometric_transform(np.zeros((3, 3, 3)), ndk.rotate_2d([0.1, 0, 0]))
    with pytest.raises(ValueError, match="parameters of 'rotate_2d'"):
        ndi.generic_filter(a, scipy.LowLevelCallable(ndk.weighted_sum([1.0]).function,
                                                     ndk.rotate_2d([0, 0, 0]).user_data), size=1)
