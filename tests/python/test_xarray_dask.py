"""xarray and Dask bridges (optional extras: skipped without them).

xarray: dims are axis letters, coordinates physical, direction an
attribute; views both ways; slices (reversed too) of rotated images with a
start index keep every pixel's physical position.  Dask: blockwise runs of
ndwrap functions and any callable equal the whole-volume run, each block
carrying its own geometry (origin moved to the block); images as dask
sources pickle into the graph.  The multi-process run is examples/dask_volume.py."""
import pickle

import numpy as np
import pytest

import ndwrap
from conftest import WRAPPED_DIMS

needs3d = pytest.mark.skipif(not (ndwrap.F.wrapped and ndwrap.D.wrapped and 3 in WRAPPED_DIMS),
                             reason="needs Image[F/D, 3]")
SPACING = [0.5, 2.0, 3.0]
ORIGIN = [10.0, -20.0, 30.0]
DIRECTION = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])


def physical_points(image):
    """Physical point of every pixel, array of shape (z, y, x, 3) (x first)."""
    a = np.asarray(image)
    d = image.GetImageDimension()
    shape = a.shape[:d]
    idx = np.indices(shape)[::-1].reshape(d, -1).astype(float)
    idx += np.asarray(image.GetLargestPossibleRegion().GetIndex(), dtype=float)[:, None]
    p = np.asarray(image.GetOrigin())[:, None] + np.asarray(image.GetDirection()) @ (
        np.asarray(image.GetSpacing())[:, None] * idx)
    return p.T.reshape(shape + (d,))


def rotated_image():
    image = ndwrap.Image[ndwrap.D, 3].New()
    image.SetRegions(ndwrap.ImageRegion[3]([2, -3, 1], [5, 4, 3]))
    image.Allocate()
    np.asarray(image)[...] = np.arange(60.0).reshape(3, 4, 5)
    image.SetSpacing(SPACING)
    image.SetOrigin(ORIGIN)
    image.SetDirection(DIRECTION.tolist())
    return image


# ---- xarray ----------------------------------------------------------------------

@needs3d
def test_xarray_from_image_is_a_labelled_view():
    xr = pytest.importorskip("xarray")
    image = rotated_image()
    x = ndwrap.xarray_from_image(image)
    assert isinstance(x, xr.DataArray)
    assert x.dims == ("z", "y", "x")
    assert np.shares_memory(x.values, np.asarray(image))
    np.testing.assert_array_equal(x.coords["x"].values, 10.0 + 0.5 * np.arange(2, 7))
    np.testing.assert_array_equal(x.coords["y"].values, -20.0 + 2.0 * np.arange(-3, 1))
    np.testing.assert_array_equal(x.coords["z"].values, 30.0 + 3.0 * np.arange(1, 4))
    np.testing.assert_array_equal(x.attrs["direction"], np.flip(DIRECTION))
    x[0, 0, 0] = -1.0  # writes reach the image
    assert image.GetPixel([2, -3, 1]) == -1.0
    del image  # the DataArray keeps the image alive
    assert float(x[2, 3, 4]) == 59.0


@needs3d
@pytest.mark.parametrize("sl", [np.s_[:, :, :], np.s_[1:, ::2, 1:4], np.s_[::-1, :, ::-2],
                                np.s_[2:, 1:3, ::-1]])
def test_xarray_round_trip_keeps_physical_positions(sl):
    pytest.importorskip("xarray")
    image = rotated_image()
    expect_points = physical_points(image)[sl]
    expect_values = np.asarray(image)[sl]
    back = ndwrap.image_from_xarray(ndwrap.xarray_from_image(image)[sl])
    np.testing.assert_array_equal(np.asarray(back), expect_values)
    np.testing.assert_allclose(physical_points(back), expect_points, atol=1e-9)
    assert np.shares_memory(np.asarray(back), np.asarray(image))  # a view, even reversed
    assert all(s > 0 for s in back.GetSpacing())


@needs3d
def test_image_from_plain_dataarray_and_errors():
    xr = pytest.importorskip("xarray")
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    da = xr.DataArray(data, dims=("z", "y", "x"),
                      coords={"x": [0.0, 0.25, 0.5, 0.75], "z": [5.0, 7.0]})
    image = ndwrap.image_from_xarray(da)
    assert type(image) is ndwrap.Image[ndwrap.F, 3]
    assert image.GetSpacing() == (0.25, 1.0, 2.0) and image.GetOrigin() == (0.0, 0.0, 5.0)
    assert np.shares_memory(np.asarray(image), data)
    t = ndwrap.image_from_xarray(da.transpose("x", "z", "y"))  # any dim order
    np.testing.assert_array_equal(np.asarray(t), data)
    assert not np.shares_memory(np.asarray(ndwrap.image_from_xarray(da, copy=True)), data)
    with pytest.raises(ValueError, match="axis letters"):
        ndwrap.image_from_xarray(xr.DataArray(data, dims=("a", "b", "c")))
    with pytest.raises(ValueError, match="uniformly"):
        ndwrap.image_from_xarray(da.assign_coords(x=[0.0, 1.0, 3.0, 4.0]))
    vec = xr.DataArray(np.zeros((3, 4, 2), np.float32), dims=("y", "x", "c"))
    v = ndwrap.image_from_xarray(vec)
    assert type(v) is ndwrap.VectorImage[ndwrap.F, 2] and v.GetNumberOfComponentsPerPixel() == 2
    assert ndwrap.xarray_from_image(v).dims == ("y", "x", "c")


def test_import_ndwrap_does_not_import_xarray_or_dask():
    import subprocess
    import sys
    code = ("import sys, ndwrap; bad = [m for m in ('xarray', 'dask', 'numpy') if m in sys.modules]; "
            "assert not bad, bad")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# ---- dask ------------------------------------------------------------------------

@pytest.fixture
def dask_array():
    pytest.importorskip("dask.array")
    import ndwrap.dask  # noqa: F401
    return pytest.importorskip("dask.array")


@needs3d
def test_map_blocks_wrapped_function_equals_whole_volume(dask_array):
    da = dask_array
    rng = np.random.default_rng(1)
    full = (rng.random((20, 30, 40)) * 3000 - 1000).astype(np.float32)
    cast = ndwrap.CastImage[ndwrap.Image[ndwrap.F, 3], ndwrap.Image[ndwrap.SS, 3]]
    lazy = ndwrap.dask.map_blocks(cast, da.from_array(full, chunks=(7, 11, 13)))
    assert lazy.dtype == np.int16 and lazy.shape == full.shape
    whole = np.asarray(cast(ndwrap.image_view_from_array(full)))
    np.testing.assert_array_equal(lazy.compute(scheduler="threads"), whole)


@needs3d
@pytest.mark.parametrize("boundary", ["none", "reflect"])
def test_map_overlap_equals_whole_volume(dask_array, boundary):
    ndi = pytest.importorskip("scipy.ndimage")
    da = dask_array
    full = np.random.default_rng(2).random((18, 25, 31))

    def mean(image, size):  # any callable on an image
        return ndi.uniform_filter(np.asarray(image), size=size, mode="reflect")

    lazy = ndwrap.dask.map_overlap(mean, da.from_array(full, chunks=(5, 9, 10)), depth=2,
                                   boundary=boundary, size=5)
    np.testing.assert_allclose(lazy.compute(), ndi.uniform_filter(full, 5, mode="reflect"),
                               rtol=1e-12)
    # an array function takes the NumPy block itself
    plain = ndwrap.dask.map_overlap(ndi.uniform_filter, da.from_array(full, chunks=(5, 9, 10)),
                                    depth=2, boundary=boundary, block="array", size=5,
                                    mode="reflect")
    np.testing.assert_allclose(plain.compute(), ndi.uniform_filter(full, 5, mode="reflect"),
                               rtol=1e-12)


@needs3d
def test_map_overlap_of_an_ndw_add_module_function(dask_array):
    """extfilters.Mean (examples/ExternalModule, made with ndw_add_module);
    runs where that package is importable (run_all.sh's external-module stage)."""
    extfilters = pytest.importorskip("extfilters")
    da = dask_array
    full = np.random.default_rng(4).random((14, 17, 19)).astype(np.float32)
    F3 = ndwrap.Image[ndwrap.F, 3]
    mean = extfilters.Mean[F3, F3]
    lazy = ndwrap.dask.map_overlap(mean, da.from_array(full, chunks=(5, 6, 7)), depth=(1, 2, 1),
                                   radius=[1, 2, 1])
    whole = np.asarray(mean(ndwrap.image_view_from_array(full), radius=[1, 2, 1]))
    np.testing.assert_array_equal(lazy.compute(), whole)


@needs3d
@pytest.mark.parametrize("overlap", [False, True])
def test_blocks_carry_their_geometry(dask_array, overlap):
    da = dask_array
    full = np.zeros((12, 14, 16))
    ref = physical_points(ndwrap.image_view_from_array(full, spacing=SPACING, origin=ORIGIN,
                                                       direction=DIRECTION))

    def where(image):
        assert tuple(image.GetLargestPossibleRegion().GetIndex()) == (0, 0, 0)
        return physical_points(image)

    arr = da.from_array(full, chunks=(5, 6, 7))
    kw = dict(spacing=SPACING, origin=ORIGIN, direction=DIRECTION)
    lazy = (ndwrap.dask.map_overlap(where, arr, depth=(1, 2, 3), **kw) if overlap
            else ndwrap.dask.map_blocks(where, arr, **kw))
    assert lazy.shape == full.shape + (3,)  # a new trailing axis, found by the trial call
    np.testing.assert_allclose(lazy.compute(), ref, atol=1e-9)


@needs3d
def test_vector_blocks_and_image_sources_pickle(dask_array):
    vec = np.random.default_rng(3).random((9, 10, 11, 3)).astype(np.float32)
    image = ndwrap.image_from_array(vec, is_vector=True, spacing=SPACING, origin=ORIGIN)
    arr, geometry = ndwrap.dask.from_image(image, chunks=(4, 5, 6, 3))
    # the graph holds the image itself, and survives pickling (as to a worker)
    graph = pickle.loads(pickle.dumps(dict(arr.__dask_graph__()), protocol=5))
    assert any(isinstance(v, ndwrap.dask._ImageSource) or "ImageSource" in repr(v)
               for v in graph.values())
    norm = ndwrap.dask.map_blocks(lambda im: np.linalg.norm(np.asarray(im), axis=-1), arr,
                                  like=geometry, is_vector=True)
    assert norm.shape == vec.shape[:3] and norm.dtype == np.float32
    out = ndwrap.dask.to_image(norm, like=geometry)
    assert out.GetSpacing() == tuple(SPACING) and out.GetOrigin() == tuple(ORIGIN)
    np.testing.assert_allclose(np.asarray(out), np.linalg.norm(vec, axis=-1), rtol=1e-6)


@needs3d
def test_dask_errors(dask_array):
    da = dask_array
    arr = da.zeros((8, 8, 8), chunks=4)
    with pytest.raises(ValueError, match="spatial shape"):
        ndwrap.dask.map_blocks(lambda im: np.zeros(3), arr)
    with pytest.raises(ValueError, match="component axis"):
        ndwrap.dask.map_overlap(lambda im: im, da.zeros((8, 8, 2), chunks=4), depth={2: 1},
                                is_vector=True)
