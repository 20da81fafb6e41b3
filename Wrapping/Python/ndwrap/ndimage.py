"""SciPy ndimage callables: ndwrap's C kernels as ``scipy.LowLevelCallable``.

``scipy.ndimage.generic_filter``, ``generic_filter1d`` and
``geometric_transform`` call a Python callback once per pixel (or line); the
callables made here run ndwrap's C kernels instead, at C speed::

    import scipy.ndimage as ndi
    from ndwrap import ndimage as nk

    ndi.generic_filter(a, nk.median(), size=3)
    ndi.generic_filter1d(a, nk.running_mean(), filter_size=5, axis=0)
    ndi.geometric_transform(a, nk.shift_mapping([1.5, -2.0, 0.0]))
    ndi.geometric_transform(moving_array, nk.resample_mapping(fixed, moving),
                            output_shape=fixed_array.shape)

Each function returns a ready ``scipy.LowLevelCallable``: its function is a
capsule named with SciPy's exact signature string (``FILTER_SIGNATURE``,
``LINE_SIGNATURE``, ``MAPPING_SIGNATURE``) and its ``user_data`` a capsule
owning the kernel's parameters, freed with the callable and never before.
Parameters are checked when the callable is made (length, rank, finite
values: ``ValueError``); a mapping called for another rank than it was made
for raises ``ValueError`` from inside SciPy's call.

Filters see the footprint's values as doubles; NaN among them gives NaN (as
NumPy's reductions).  Line filters see one extended line (``filter_size - 1``
more values than the output line).  Mappings get output coordinates (NumPy
axis order) and fill input coordinates.

Your own kernels in C: ``ndw_add_ndimage_kernels()`` (CMake) and
``<ndw/ndimage.h>``; see ``examples/NDImageKernel``.

Needs SciPy (``pip install 'ndwrap[ndimage]'``): ``import ndwrap`` imports
this module but not SciPy; each function that makes a callable imports SciPy
on its first call and raises ``ImportError`` naming that command when SciPy
is missing (``parameters`` and ``kernels`` only read, and need no SciPy).
"""
from __future__ import annotations

import sys as _sys

from . import ndwcore as _core
from ._registry import template as _template

TYPE_CHECKING = False  # as typing.TYPE_CHECKING: import ndwrap imports no typing
if TYPE_CHECKING:  # the annotations' names, for type checkers only
    from typing import Any, Dict, Optional, Sequence, Tuple, Union

    from scipy import LowLevelCallable

    _Real = Union[float, int]
    _Values = Union[_Real, Sequence[_Real], Any]  # a number, a sequence or a 1-D array

if not hasattr(_core, "_ndimage_callable"):  # pragma: no cover - a build option
    raise ImportError("ndwrap.ndimage: this ndwrap was built without Module_BridgeNDImage "
                      "(configure with -DModule_BridgeNDImage=ON)")

__all__ = [
    "FILTER_SIGNATURE", "LINE_SIGNATURE", "MAPPING_SIGNATURE",
    "mean", "minimum", "maximum", "median", "variance", "value_range", "count_above",
    "running_mean", "cumulative_sum",
    "shift_mapping", "zoom_mapping", "affine_mapping", "resample_mapping",
    "parameters", "kernels",
]

FILTER_SIGNATURE = "int (double *, intptr_t, double *, void *)"
LINE_SIGNATURE = "int (double *, intptr_t, double *, intptr_t, void *)"
MAPPING_SIGNATURE = "int (intptr_t *, double *, int, int, void *)"


def _need_scipy():
    """Import SciPy (once), or the ImportError saying what to install."""
    if _sys.modules.get("scipy") is not None:
        return
    try:
        import scipy  # noqa: F401  (the callables are scipy.LowLevelCallable)
    except ImportError as e:
        raise ImportError(
            "ndwrap.ndimage needs SciPy: pip install 'ndwrap[ndimage]' (or pip install scipy)"
        ) from e


def _make(name: str, values=None, output_rank: int = 0, input_rank: int = 0) -> LowLevelCallable:
    return _core._ndimage_callable(name, values, output_rank, input_rank)


def _real(x, what):
    import numbers

    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        try:  # NumPy scalars and 0-d arrays
            import numpy as np

            arr = np.asarray(x)
            if arr.ndim == 0 and arr.dtype.kind in "iuf":
                return float(arr)
        except ImportError:  # pragma: no cover
            pass
        raise TypeError(f"{what} must be a real number, not {type(x).__name__}")
    return float(x)


def _vector(x, what):
    """A number -> (value, None); a 1-D sequence -> (list, rank)."""
    import numpy as np

    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf" or arr.dtype == np.bool_:
        raise TypeError(f"{what} must be real numbers, got dtype {arr.dtype}")
    if arr.ndim == 0:
        return [float(arr)], None
    if arr.ndim != 1:
        raise ValueError(f"{what} must be a number or one value per axis, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty: give one value per axis")
    return [float(v) for v in arr], arr.size


# ---- filters (scipy.ndimage.generic_filter) --------------------------------

def mean() -> LowLevelCallable:
    """Mean of the footprint's values (``uniform_filter`` for a box)."""
    _need_scipy()
    return _make("mean")


def minimum() -> LowLevelCallable:
    """Smallest value (``minimum_filter``)."""
    _need_scipy()
    return _make("minimum")


def maximum() -> LowLevelCallable:
    """Largest value (``maximum_filter``)."""
    _need_scipy()
    return _make("maximum")


def median() -> LowLevelCallable:
    """Median as ``numpy.median``: for an odd footprint ``median_filter``; for an
    even one the mean of the two middle values."""
    _need_scipy()
    return _make("median")


def variance() -> LowLevelCallable:
    """Population variance (``numpy.var``, ddof 0)."""
    _need_scipy()
    return _make("variance")


def value_range() -> LowLevelCallable:
    """Largest minus smallest value (``numpy.ptp``)."""
    _need_scipy()
    return _make("value_range")


def count_above(threshold: _Real) -> LowLevelCallable:
    """Number of values strictly above ``threshold`` (finite)."""
    _need_scipy()
    return _make("count_above", [_real(threshold, "threshold")])


# ---- line filters (scipy.ndimage.generic_filter1d) ---------------------------

def running_mean() -> LowLevelCallable:
    """Mean over a window of ``filter_size`` values: window = input length -
    output length + 1.  Equals ``uniform_filter1d`` with the same size, mode
    and origin."""
    _need_scipy()
    return _make("running_mean")


def cumulative_sum() -> LowLevelCallable:
    """``out[i] = in[0] + ... + in[i + w - 1]`` over the extended line, w =
    input length - output length + 1: with ``filter_size=1`` it is
    ``numpy.cumsum`` along the axis."""
    _need_scipy()
    return _make("cumulative_sum")


# ---- mappings (scipy.ndimage.geometric_transform) ----------------------------

def shift_mapping(shift: _Values) -> LowLevelCallable:
    """``input = output - shift`` (``scipy.ndimage.shift``).  ``shift``: one
    value per axis (the mapping is then for that rank only), or one number
    for every axis of any rank."""
    _need_scipy()
    values, rank = _vector(shift, "shift")
    return _make("shift_mapping", values, rank or 0, rank or 0)


def zoom_mapping(zoom: Optional[_Values] = None, *, input_shape: Optional[Sequence[int]] = None,
                 output_shape: Optional[Sequence[int]] = None,
                 grid_mode: bool = False) -> LowLevelCallable:
    """Scale coordinates per axis.

    ``zoom_mapping(zoom)``: ``input = output / zoom`` (one zoom per axis, or
    one for all axes); with ``grid_mode=True`` pixel edges rather than
    centres line up, ``input = (output + 0.5) / zoom - 0.5``.

    ``zoom_mapping(input_shape=s, output_shape=t)``: exactly the mapping of
    ``scipy.ndimage.zoom`` from shape ``s`` to ``t`` (its corner-aligned
    factor ``(s - 1) / (t - 1)``, or ``s / t`` with ``grid_mode=True``), so
    ``geometric_transform(x, zoom_mapping(input_shape=x.shape, output_shape=t),
    output_shape=t)`` equals ``scipy.ndimage.zoom(x, z)`` whose shape is t.
    """
    _need_scipy()
    if (zoom is None) == (input_shape is None and output_shape is None):
        raise TypeError("zoom_mapping: give either zoom or both input_shape and output_shape")
    if zoom is not None:
        import math

        values, rank = _vector(zoom, "zoom")
        for i, z in enumerate(values):
            if not (math.isfinite(z) and z > 0):
                raise ValueError(f"zoom_mapping: zoom[{i}] = {z!r}; a zoom must be finite and > 0")
        scale = [1.0 / z for z in values]
    else:
        if input_shape is None or output_shape is None:
            raise TypeError("zoom_mapping: input_shape and output_shape go together")
        ins, rank = _vector(input_shape, "input_shape")
        outs, orank = _vector(output_shape, "output_shape")
        if rank is None or orank != rank:
            raise ValueError(f"zoom_mapping: input_shape {tuple(input_shape)!r} and output_shape "
                             f"{tuple(output_shape)!r} must have one length per axis, the same")
        for s in ins + outs:
            if not (s >= 1 and s == int(s)):
                raise ValueError("zoom_mapping: shapes are positive integers")
        if grid_mode:
            scale = [i / o for i, o in zip(ins, outs)]
        else:  # scipy.ndimage.zoom: corners aligned; factor 1 for a length-1 output
            scale = [(i - 1) / (o - 1) if o > 1 else 1.0 for i, o in zip(ins, outs)]
    offset = [0.5 * s - 0.5 if grid_mode else 0.0 for s in scale]
    return _make("zoom_mapping", scale + offset, rank or 0, rank or 0)


def affine_mapping(matrix: Any, offset: _Values = 0.0) -> LowLevelCallable:
    """``input = matrix @ output + offset`` (``scipy.ndimage.affine_transform``).

    ``matrix``: (r, r), or (r, r + 1) whose last column is the offset (then
    ``offset`` must be left at 0), or a length-r diagonal.  ``offset``: one
    value per axis or one for all.  Made for rank r only.
    """
    _need_scipy()
    import numpy as np

    m = np.asarray(matrix)
    if m.dtype.kind not in "iuf" or m.dtype == np.bool_:
        raise TypeError(f"affine_mapping: matrix must be real numbers, got dtype {m.dtype}")
    m = m.astype(np.float64)
    if m.ndim == 1:
        if m.size == 0:
            raise ValueError("affine_mapping: empty matrix")
        m = np.diag(m)
    if m.ndim != 2 or m.shape[0] == 0:
        raise ValueError(f"affine_mapping: matrix must be (r, r), (r, r + 1) or a diagonal, "
                         f"got shape {m.shape}")
    r = m.shape[0]
    if m.shape == (r, r + 1):
        if np.any(np.asarray(offset) != 0):
            raise ValueError("affine_mapping: the matrix's last column is the offset; "
                             "do not give offset as well")
        m, off = m[:, :r], m[:, r]
    elif m.shape == (r, r):
        off, orank = _vector(offset, "offset")
        if orank is None:
            off = off * r
        elif orank != r:
            raise ValueError(f"affine_mapping: offset has {orank} values for a {r} x {r} matrix "
                             "(wrong length)")
    else:
        raise ValueError(f"affine_mapping: matrix must be (r, r), (r, r + 1) or a diagonal, "
                         f"got shape {m.shape}")
    values = [float(v) for v in m.ravel()] + [float(v) for v in np.asarray(off).ravel()]
    return _make("affine_mapping", values, r, r)


def _grid(image, what):
    try:
        name, key = _template(type(image))
    except (KeyError, TypeError):
        name = None
    if name != "Image":
        if name == "VectorImage":
            raise TypeError(f"resample_mapping: the {what} image is a VectorImage; give a scalar "
                            "Image (resample each component's array with the same mapping)")
        raise TypeError(f"resample_mapping: the {what} image must be an ndwrap Image, not "
                        f"{type(image).__name__}")
    region = image.GetBufferedRegion()
    return (tuple(region.GetIndex()), tuple(image.GetSpacing()), tuple(image.GetOrigin()),
            tuple(image.GetDirection()))


def resample_mapping(output_image: Any, input_image: Any) -> LowLevelCallable:
    """The mapping from ``output_image``'s grid to ``input_image``'s through
    physical space (start index, spacing, origin, direction of each), so that
    ``geometric_transform(input_array, resample_mapping(out_img, in_img),
    output_shape=<out_img's array shape>)`` resamples the input image onto the
    output image's grid (``input_array``: the input image's array, shape
    (z, y, x)).  Both images must have the same dimension."""
    _need_scipy()
    return _core._ndimage_resample(_grid(output_image, "output"), _grid(input_image, "input"))


# ---- introspection -----------------------------------------------------------

def parameters(callable_: Any) -> Dict[str, Any]:
    """What a callable made here runs: ``{"kernel", "kind", "signature",
    "output_rank", "input_rank", "values"}`` read from its ``user_data``."""
    return _core._ndimage_describe(getattr(callable_, "user_data", callable_))


def kernels() -> Dict[str, Tuple[str, str]]:
    """ndwrap's kernels: ``{name: (kind, doc)}``."""
    return {name: (kind, doc) for name, kind, doc in _core._ndimage_kernels()}
