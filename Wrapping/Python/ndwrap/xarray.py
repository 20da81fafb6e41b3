"""xarray both ways: images as labelled arrays and back (the ``xarray``
extra; xarray is imported on first use).

Conventions (ITK's ``itk.xarray_from_image``, so ITK code reads the same):

* dims are axis letters in NumPy order: ``("z", "y", "x")`` for a 3-D image;
  the 4th axis is ``"t"``, axes 5-8 are ``"d4"``..``"d7"``; a VectorImage
  adds ``"c"`` (components) last, even with one component;
* each spatial dim has a coordinate ``origin + (index + i) * spacing`` along
  that axis (``index`` the region's start index): the physical position of
  the pixels when the direction is the identity, as ITK has it;
* ``attrs["direction"]`` is the direction matrix in NumPy axis order (ITK's
  ``np.flip`` of the ITK matrix); ``attrs["origin"]`` is the physical origin
  in the same order, which places a slice of a rotated image exactly.

``xarray_from_image`` views the image's pixels (the DataArray's data is the
image's NumPy view, which keeps it alive); ``image_from_xarray`` views the
DataArray's data when the dtype and layout allow (``copy=None`` rules),
reading spacing from the coordinates (uniform steps; a descending axis flips
its direction column) and the origin from the first coordinate.
"""
from __future__ import annotations

import operator

from . import _registry as _reg
from . import pybuffer as _pb

__all__ = ["xarray_from_image", "image_from_xarray", "axis_names"]

_LETTERS = ("x", "y", "z", "t")


def axis_names(dim):
    """Spatial dim names in ITK order (x first): x, y, z, t, d4, ..., d7."""
    dim = operator.index(dim)
    if not 1 <= dim <= 8:
        raise ValueError(f"an image has 1 to 8 dimensions, not {dim}")
    return tuple(_LETTERS[i] if i < len(_LETTERS) else f"d{i}" for i in range(dim))


def _xr():
    try:
        import xarray
    except ImportError:
        raise ImportError("xarray is not installed: pip install 'ndwrap[xarray]'") from None
    return xarray


def xarray_from_image(image, name="image"):
    """A ``xarray.DataArray`` viewing the image's pixels, with physical
    coordinates and the direction as an attribute (see the module doc)."""
    xr = _xr()
    np = _pb._numpy()
    template, (pixel, dim) = _reg.template(image)
    if template not in ("Image", "VectorImage"):
        raise TypeError(f"xarray_from_image expects an ndwrap image, got {type(image).__name__}")
    data = _pb.array_view_from_image(image)
    spacing = np.asarray(image.GetSpacing(), dtype=float)
    origin = np.asarray(image.GetOrigin(), dtype=float)
    direction = np.asarray(image.GetDirection(), dtype=float).reshape(dim, dim)
    index = np.asarray(image.GetLargestPossibleRegion().GetIndex(), dtype=float)
    first = origin + spacing * index
    size = data.shape[:dim][::-1]
    names = axis_names(dim)
    coords = {names[i]: first[i] + spacing[i] * np.arange(size[i], dtype=float)
              for i in range(dim)}
    dims = list(reversed(names))
    if _reg.image_info(type(image))[2]:  # a VectorImage, or fixed-size pixels (Vector[F, 3])
        dims.append("c")
        coords["c"] = np.arange(data.shape[-1])
    attrs = {"direction": np.flip(direction).copy(), "origin": origin[::-1].copy()}
    return xr.DataArray(data, dims=dims, coords=coords, attrs=attrs, name=name)


def image_from_xarray(data_array, copy=None):
    """An image of a ``DataArray`` whose dims are axis letters (any order:
    the view is transposed to NumPy order, without a copy); ``"c"`` makes a
    VectorImage.  ``copy=True`` gives an image owning its pixels."""
    np = _pb._numpy()
    dims = tuple(str(d) for d in data_array.dims)
    vector = "c" in dims
    dim = len(dims) - vector
    names = axis_names(dim)
    want = tuple(reversed(names)) + (("c",) if vector else ())
    if sorted(dims) != sorted(want):
        raise ValueError(f"image_from_xarray: dims {dims} are not the axis letters of a "
                         f"{dim}-d image {want} (x, y, z, t, d4.. and c for components)")
    da = data_array.transpose(*want) if dims != want else data_array
    values = da.data
    if not hasattr(values, "__array_interface__") and not hasattr(values, "__array__"):
        raise TypeError(f"image_from_xarray: the DataArray holds {type(values).__name__}; "
                        "compute it first (e.g. .compute())")
    direction = np.flip(np.array(data_array.attrs.get("direction", np.eye(dim)), dtype=float))
    if direction.shape != (dim, dim):
        raise ValueError(f"attrs['direction'] must be {dim}x{dim}, got {direction.shape}")
    anchor = data_array.attrs.get("origin")
    spacing = np.ones(dim)
    first = np.zeros(dim)
    for i, n in enumerate(names):
        if n not in da.coords:
            continue
        c = np.asarray(da.coords[n].values, dtype=float)
        first[i] = c[0]
        if c.size > 1:
            steps = np.diff(c)
            s = (c[-1] - c[0]) / (c.size - 1)
            if s == 0 or not np.allclose(steps, s, rtol=1e-6, atol=1e-12 * abs(s)):
                raise ValueError(f"image_from_xarray: coordinate {n!r} is not uniformly "
                                 "spaced; an image needs one spacing per axis")
            if s < 0:  # a descending axis: positive spacing, flipped direction column
                direction[:, i] *= -1
            spacing[i] = abs(s)
    if anchor is not None:
        # coordinates are origin + (position along the axis); direction rotates them
        anchor = np.asarray(anchor, dtype=float)[::-1]
        original = np.flip(np.array(data_array.attrs["direction"], dtype=float)) \
            if "direction" in data_array.attrs else np.eye(dim)
        origin = anchor + original @ (first - anchor)
    else:
        origin = first
    if copy is None:
        try:
            image = _pb.image_view_from_array(values, is_vector=vector)
        except (TypeError, ValueError):  # not viewable (dtype, layout): a copy
            image = _pb.image_from_array(values, is_vector=vector)
    elif copy:
        image = _pb.image_from_array(values, is_vector=vector)
    else:
        image = _pb.image_view_from_array(values, is_vector=vector)  # or raises
    image.SetSpacing(spacing.tolist())
    image.SetOrigin(origin.tolist())
    image.SetDirection((direction + 0.0).tolist())  # no -0.0 from flipped columns
    return image
