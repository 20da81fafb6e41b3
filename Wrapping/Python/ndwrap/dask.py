"""Run ndwrap's functions blockwise over dask arrays, past one machine.

``ndwrap.dask.map_blocks(func, array, ...)`` and
``ndwrap.dask.map_overlap(func, array, depth=..., ...)`` call ``func`` on
every block of a ``dask.array`` as an ndwrap image viewing the block (no
copy), with the block's own physical geometry: the spacing and direction of
the whole volume and the origin moved to the block's first pixel
(``origin + direction @ (spacing * offset)``, the start index stays 0, as
ITK's RegionOfInterestImageFilter does).  ``func`` is any callable taking
an image and returning an image or an array of the block's spatial shape:
ndwrap's wrapped functions (``ndwrap.CastImage[InType, OutType]``), the
functions of a module made with ``ndw_add_module`` (``extfilters.Mean``),
``ndwrap.ndimage`` kernels, or your own.  Results stay lazy (dask arrays).

Geometry comes from ``like=`` (an image) or ``spacing=``/``origin=``/
``direction=`` (ITK order: x first), and defaults to spacing 1, origin 0,
identity direction.  ``is_vector=True`` reads the last axis as components.
``block="array"`` hands ``func`` the NumPy block itself instead of an image
(for array functions such as ``scipy.ndimage.uniform_filter``; no geometry).

``map_overlap`` adds halos of ``depth`` pixels (per spatial axis; never on
the component axis) so that neighbourhood filters see their neighbours;
with ``boundary="none"`` (the default) the volume is not padded, so a
filter's own border rule applies at the volume's border, exactly as on the
whole volume.  A filter of radius r needs ``depth >= r``.

Functions must be local (pointwise, or within ``depth``) and may depend on
position only through the image's geometry, not through the pixel index.

Images pickle (``ndwrap.dask.from_image`` puts an image itself into the
graph; workers receive it pickled, the pixels out of band), so images can
also be arguments of ``func``.
"""
from __future__ import annotations

import numpy as np

try:
    import dask
    import dask.array as da
    from dask.array.overlap import coerce_boundary, coerce_depth, ensure_minimum_chunksize
except ImportError as _e:  # pragma: no cover - exercised without the extra
    raise ImportError("ndwrap.dask needs dask: pip install 'ndwrap[dask]'") from _e

from . import _registry as _reg
from . import pybuffer as _pb

__all__ = ["Geometry", "map_blocks", "map_overlap", "from_image", "to_image"]


class Geometry:
    """Spacing, origin and direction of a volume (ITK order: x first)."""

    __slots__ = ("spacing", "origin", "direction")

    def __init__(self, dim, like=None, spacing=None, origin=None, direction=None):
        if like is not None:
            spacing = like.GetSpacing() if spacing is None else spacing
            origin = like.GetOrigin() if origin is None else origin
            direction = like.GetDirection() if direction is None else direction
        self.spacing = np.broadcast_to(np.asarray(1.0 if spacing is None else spacing,
                                                  dtype=float), (dim,)).copy()
        self.origin = np.broadcast_to(np.asarray(0.0 if origin is None else origin,
                                                 dtype=float), (dim,)).copy()
        self.direction = (np.eye(dim) if direction is None
                          else np.asarray(direction, dtype=float).reshape(dim, dim))

    def shifted(self, offset_xyz):
        """Origin of the pixel at `offset_xyz` (x first)."""
        return self.origin + self.direction @ (self.spacing * np.asarray(offset_xyz, float))

    def apply(self, image, offset_xyz):
        image.SetSpacing(self.spacing.tolist())
        image.SetOrigin(self.shifted(offset_xyz).tolist())
        image.SetDirection(self.direction.tolist())
        return image

    def __repr__(self):
        return (f"Geometry(spacing={self.spacing.tolist()}, origin={self.origin.tolist()}, "
                f"direction={self.direction.tolist()})")


def _block_image(block, geometry, offset_np, is_vector):
    """An image viewing `block` (a copy only when a view is impossible)."""
    image = _pb.image_view_from_array(block, is_vector=is_vector) if block.flags.aligned \
        else _pb.image_from_array(block, is_vector=is_vector)
    return geometry.apply(image, list(reversed(offset_np)))


def _as_array(result):
    """An image's array view (which keeps the image alive), or the array."""
    return np.asarray(result)


def _block_of(kind, block, geometry, offset_np, is_vector):
    if kind == "array":
        return block
    if kind != "image":
        raise ValueError(f"ndwrap.dask: block must be 'image' or 'array', not {kind!r}")
    return _block_image(block, geometry, offset_np, is_vector)


def _trial(func, dtype, shape, is_vector, geometry, args, kwargs, kind):
    """Run func on a small zero block: the output dtype and trailing axes."""
    block = np.zeros(shape, dtype=dtype)
    out = _as_array(func(_block_of(kind, block, geometry, [0] * (len(shape) - is_vector),
                                   is_vector), *args, **kwargs))
    spatial = len(shape) - is_vector
    if out.shape[:spatial] != tuple(shape[:spatial]):
        raise ValueError(f"ndwrap.dask: func returned shape {out.shape} for a block of shape "
                         f"{tuple(shape)}; blockwise functions keep the spatial shape")
    return out.dtype, out.shape[spatial:]


def _prepare(func, array, like, spacing, origin, direction, is_vector, dtype, args, kwargs,
             min_shape, kind):
    """Geometry, and the output dtype and component axis from a trial call
    on a zero block of at most `min_shape` (spatial axes)."""
    is_vector = bool(is_vector)
    dim = array.ndim - is_vector
    if dim < 1:
        raise ValueError(f"ndwrap.dask: an array of {array.ndim} dimension(s) has no image "
                         f"dimensions (is_vector={is_vector})")
    geometry = like if isinstance(like, Geometry) else \
        Geometry(dim, like, spacing, origin, direction)
    trial_shape = tuple(min(n, m) for n, m in zip(array.shape[:dim], min_shape)) + \
        ((array.shape[-1],) if is_vector else ())
    out_dtype, tail = _trial(func, array.dtype, trial_shape, is_vector, geometry, args, kwargs,
                             kind)
    if dtype is not None:
        out_dtype = np.dtype(dtype)
    return array, is_vector, dim, geometry, out_dtype, tail


def _axes_change(array, dim, is_vector, tail):
    """map_blocks arguments for a change of the component axis."""
    if len(tail) > 1:
        raise ValueError("ndwrap.dask: func may return one component axis at most")
    extra = {}
    if is_vector and not tail:
        extra["drop_axis"] = [dim]
    elif is_vector and tail:
        extra["chunks"] = array.chunks[:dim] + ((tail[0],),)
    elif not is_vector and tail:
        extra["new_axis"] = [dim]
        extra["chunks"] = array.chunks[:dim] + ((tail[0],),)
    return extra


def map_blocks(func, array, *args, like=None, spacing=None, origin=None, direction=None,
               is_vector=False, dtype=None, block="image", **kwargs):
    """``func(image_of_block, *args, **kwargs)`` on every block; a lazy dask
    array of the results (the blocks' arrays, or the arrays of their images).

    The output dtype and component axis are found by calling ``func`` once
    on a small zero block (give ``dtype=`` to override the dtype)."""
    array = array if isinstance(array, da.Array) else da.asarray(array)
    array, is_vector, dim, geometry, out_dtype, tail = _prepare(
        func, array, like, spacing, origin, direction, is_vector, dtype, args, kwargs,
        (4,) * array.ndim, block)
    kind = block

    def run(block, block_info=None):
        info = block_info[0]
        offset = [start for start, _ in info["array-location"][:dim]]
        out = _as_array(func(_block_of(kind, block, geometry, offset, is_vector), *args, **kwargs))
        return out.astype(out_dtype, copy=False)

    extra = _axes_change(array, dim, is_vector, tail)
    meta = np.empty((0,) * (dim + len(tail)), dtype=out_dtype)
    return da.map_blocks(run, array, dtype=out_dtype, meta=meta, **extra)


def map_overlap(func, array, *args, depth, boundary="none", like=None, spacing=None,
                origin=None, direction=None, is_vector=False, dtype=None, block="image",
                **kwargs):
    """``map_blocks`` with halos: each block is extended by ``depth`` pixels
    per spatial axis (an int, a per-axis sequence in NumPy order, or dask's
    dict form) from its neighbours, ``func`` runs on the extended block
    (whose origin is that of its first, halo, pixel), and the halos are cut
    from the results.  ``boundary`` is dask's: ``"none"`` (default; no
    padding at the volume's border, where the function's own border rule
    applies), ``"reflect"``, ``"nearest"``, ``"periodic"`` or a constant."""
    array = array if isinstance(array, da.Array) else da.asarray(array)
    nv = bool(is_vector)
    dim = array.ndim - nv
    if not isinstance(depth, dict) and not np.isscalar(depth):
        depth = tuple(depth) + ((0,) if nv and len(depth) == dim else ())
    elif np.isscalar(depth):
        depth = (int(depth),) * dim + ((0,) if nv else ())
    depth = coerce_depth(array.ndim, depth)
    if nv and depth.get(dim, 0):
        raise ValueError("ndwrap.dask.map_overlap: no halo on the component axis")
    boundary = coerce_boundary(array.ndim, boundary)
    # every chunk at least as large as its halo, as dask's own map_overlap does
    new_chunks = tuple(ensure_minimum_chunksize(depth[i], c) if depth[i] else c
                       for i, c in enumerate(array.chunks))
    if new_chunks != array.chunks:
        array = array.rechunk(new_chunks)
    array, nv, dim, geometry, out_dtype, tail = _prepare(
        func, array, like, spacing, origin, direction, nv, dtype, args, kwargs,
        tuple(2 * depth[i] + 4 for i in range(array.ndim)), block)
    kind = block
    starts = [np.cumsum((0,) + c[:-1]) for c in array.chunks]
    pads_outer = [boundary[i] != "none" for i in range(array.ndim)]

    def run(block, block_info=None):
        loc = block_info[0]["chunk-location"]
        offset = [int(starts[a][i]) - (depth[a] if (i > 0 or pads_outer[a]) else 0)
                  for a, i in enumerate(loc[:dim])]
        out = _as_array(func(_block_of(kind, block, geometry, offset, nv), *args, **kwargs))
        return out.astype(out_dtype, copy=False)

    grown = da.overlap.overlap(array, depth=depth, boundary=boundary)
    extra = _axes_change(grown, dim, nv, tail)
    meta = np.empty((0,) * (dim + len(tail)), dtype=out_dtype)
    result = da.map_blocks(run, grown, dtype=out_dtype, meta=meta, **extra)
    out_depth = {i: depth[i] for i in range(dim)}
    out_boundary = {i: boundary[i] for i in range(dim)}
    if tail:
        out_depth[dim], out_boundary[dim] = 0, "none"
    return da.overlap.trim_internal(result, out_depth, boundary=out_boundary)


class _ImageSource:
    """What dask.array.from_array slices: the image itself travels in the
    graph (pickled to the workers that need it)."""

    def __init__(self, image):
        self.image = image
        a = np.asarray(image)
        self.shape, self.dtype, self.ndim = a.shape, a.dtype, a.ndim

    def __getitem__(self, key):
        return np.asarray(self.image)[key]


def from_image(image, chunks="auto"):
    """A dask array over an image's pixels (NumPy order), and the image's
    Geometry for ``like=``: ``arr, geo = from_image(image, chunks=64)``."""
    info = _reg._CLASS_INFO.get(type(image), ("",))
    if info[0] not in ("Image", "VectorImage"):
        raise TypeError(f"from_image expects an ndwrap image, got {type(image).__name__}")
    dim = info[1][1]
    arr = da.from_array(_ImageSource(image), chunks=chunks, asarray=True,
                        name=f"ndwrap-image-{dask.base.tokenize(np.asarray(image))}",
                        meta=np.empty((0,) * np.asarray(image).ndim,
                                      dtype=np.asarray(image).dtype))
    return arr, Geometry(dim, like=image)


def to_image(array, like=None, spacing=None, origin=None, direction=None, is_vector=False,
             **compute_kwargs):
    """Compute a dask array into an image with the given geometry (the
    image views the computed array)."""
    a = array.compute(**compute_kwargs) if hasattr(array, "compute") else np.asarray(array)
    dim = a.ndim - bool(is_vector)
    g = like if isinstance(like, Geometry) else Geometry(dim, like, spacing, origin, direction)
    image = _pb.image_view_from_array(np.ascontiguousarray(a), is_vector=is_vector)
    return g.apply(image, [0] * dim)
