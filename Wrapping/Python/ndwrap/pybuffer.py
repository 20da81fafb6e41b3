"""PyBuffer: zero-copy conversion between ndwrap images and NumPy arrays.

The semantics are DESIGN.md's "Conversion semantics":

* an image of size (x, y, z) is an array of shape (z, y, x) over the same
  memory; ``keepAxes=True`` gives shape (x, y, z), a stride-reversed view;
  components are a trailing axis for vector images;
* ``copy=None`` shares when possible and copies otherwise, ``copy=True``
  always copies, ``copy=False`` never copies and raises ``ValueError`` when
  it would have to; the ``...View...`` spellings never copy;
* views keep their owner alive (the image holds the array's buffer, the
  array holds the image) and re-allocating an exported image raises
  ``BufferError``.

NumPy is imported on first use, not when ``ndwrap`` is imported.
"""
from __future__ import annotations

from . import _registry as _reg

_np = None


def _numpy():
    global _np
    if _np is None:
        import numpy

        _np = numpy
    return _np


_PERMS = {}


def _keep_axes_perm(ndim, vector):
    """Axis order that turns (z, y, x[, c]) into (x, y, z[, c])."""
    perm = _PERMS.get((ndim, vector))
    if perm is None:
        spatial = ndim - 1 if vector else ndim
        perm = tuple(range(spatial - 1, -1, -1)) + ((spatial,) if vector else ())
        _PERMS[ndim, vector] = perm
    return perm


# ----------------------------------------------------------------------------
# axes="...": the one parser every conversion spelling passes through.
#
# An order is None (NumPy's reversed order, the default) or a pair
# (perm, with_c): perm[i] is the position, in the default array (spatial
# axes reversed, then the component axis), of the axis the i-th letter
# names; with_c says a "C" axis is named (for a scalar image an axis of
# length 1).  Export is ``default_view.transpose(perm)``, import
# ``array.transpose(inverse(perm))``: strides only, never a copy.

_ORDERS = {}  # (axes, dim, vector) -> order


def _axes_order(axes, dim, vector):
    """Parse ``axes=`` for an image of `dim` dimensions (`vector`: it has a
    component axis, which must then be named).  Letters X, Y, Z, T name
    image dimensions 0..3 and C the components; lower case is accepted.
    The parser is C's (swig/ndw_py.c ndw_py_axes_order), shared with the
    fast paths, so both give the same orders and the same messages."""
    try:
        order = _ORDERS.get((axes, dim, vector))
    except TypeError:  # unhashable
        order = None
    if order is not None:
        return order
    order = _reg._core._axes_order(axes, dim, vector)
    if len(_ORDERS) < 4096:
        _ORDERS[axes, dim, vector] = order
    return order


def _keep_order(dim, vector):
    """keepAxes=True: the order "XYZ..." (+ "C"), any dimension."""
    return (_keep_axes_perm(dim + 1 if vector else dim, vector), vector)


def _order(axes, keep, dim, vector):
    """The order of a conversion from its ``axes=`` and ``keepAxes=``."""
    if axes is None:
        return _keep_order(dim, vector) if keep else None
    if keep:
        raise ValueError("give keepAxes=True or axes=..., not both (keepAxes=True is axes='XYZ...')")
    return _axes_order(axes, dim, vector)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


def _pick_keep_axes(keepAxes, keep_axes):
    return bool(keep_axes) if keep_axes is not None else bool(keepAxes)


def _copy_flag(copy):
    """``copy=`` read once: None stays None (share when possible), anything
    else by Python's truth rules (``np.True_``, ``1`` and ``True`` copy;
    ``np.False_``, ``0`` and ``False`` never copy); strings are refused,
    as NumPy refuses them (``copy="no"`` would otherwise read as true)."""
    if copy is None:
        return None
    if isinstance(copy, (str, bytes)):
        raise ValueError(f"copy must be None, True or False, not {copy!r}")
    return bool(copy)


def _ordered_view(image, order, axes, keep):
    """The view in `order`, the checked order of ``axes=`` / ``keepAxes=``
    (_export_order), made by the C fast path: the image's own getbuffer
    describes the buffer in that order, no NumPy transpose."""
    if order is None:
        return _array_view(image, None)
    if type(image) in _IMAGE_CLASSES and image._is_allocated():
        if axes is not None:
            return _fast_array_view(image, axes=axes)
        return _fast_array_view(image, True)
    return _array_view(image, order)  # raises the reason


def _array_view(image, order):
    if order is not None:  # the C fast path's view, then the permutation
        return _reorder(_fast_array_view(image), order)
    # np.asarray() of an exporter whose getbuffer fails silently falls back
    # to a 0-d object array: check first (the common, cheap case) ...
    if not image._is_allocated():
        raise RuntimeError(f"{type(image).__name__}: the image is not allocated: "
                           "call Allocate() first")
    a = (_np or _numpy()).asarray(image)
    if a.dtype.hasobject:
        # ... and after: another thread may have dropped the buffer in between.
        # memoryview() raises the exporter's own error.
        memoryview(image).release()
        raise BufferError(f"{type(image).__name__}: the image changed during the export")
    return a


def _reorder(a, order):
    perm, with_c = order
    if len(perm) != a.ndim:  # a scalar image's "C": an axis of length 1
        a = a[..., None]
    return a.transpose(perm)


def _array_copy(image, order):
    np = _numpy()
    view = _array_view(image, None)
    out = np.empty(view.shape, view.dtype)
    image._copy_into(out)
    if order is not None:
        return _reorder(out, order)
    return out


def _export_order(image, axes, keep):
    _, dim, vector = _reg.image_info(type(image))
    return _order(axes, keep, dim, vector)


def _why_not_viewable(np, a, pixel, vector):
    """The reason an array cannot be viewed as pixels of `pixel`, or None."""
    if a.dtype.fields is not None or a.dtype.kind not in "biufc":
        return None
    if a.dtype.itemsize != pixel.itemsize or _reg.pixel_type_of_dtype(a.dtype) is not pixel:
        return f"its dtype {a.dtype} differs from the pixel type {pixel.code} ({pixel.numpy_name})"
    if not a.dtype.isnative:
        return f"its dtype {a.dtype.str} has non-native byte order"
    if not a.flags.aligned:
        return "its data is not aligned"
    if vector and a.ndim and a.shape[-1] > 1 and a.strides[-1] == 0:
        return "its component axis is broadcast (stride 0)"
    return None


def _import(image_type, arr, is_vector, copy, keep, axes=None):
    """Shared body of GetImageFromArray / GetImageViewFromArray.

    `copy` (already read by _copy_flag): None (share if possible), True
    (always copy), False (never).  `keep` / `axes`: how the array's axes
    are named (None, False: NumPy's reversed order)."""
    pixel, dim, vector = _reg.image_info(image_type)
    np = _numpy()
    src = arr
    if keep and axes is None:
        a0 = np.asarray(arr)
        src = a0.transpose(_keep_axes_perm(a0.ndim, vector or is_vector))
    elif axes is not None:
        order = _order(axes, keep, dim, bool(vector or is_vector))
        a0 = np.asarray(arr)
        perm, with_c = order
        if a0.ndim != len(perm):
            raise ValueError(f"axes={axes!r} names {len(perm)} axes; the array has {a0.ndim}")
        src = a0.transpose(_inverse(perm))
        is_vector = is_vector or with_c
    failure = None
    if copy is not True:
        try:
            return image_type._view(src, is_vector)
        except TypeError as e:
            failure = e
    # Slow path: a copy (asked for, or needed); or a precise error.
    a = np.asarray(src)
    _reg.pixel_type_of_dtype(a.dtype)  # TypeError naming the dtype and listing wrapped types
    private = not _has_buffer(src)  # a list, a scalar...: np.asarray made a new array
    reason = _why_not_viewable(np, a, pixel, vector or is_vector)
    if failure is not None and reason is None and not private:
        raise failure  # not about dtype or layout: nothing a copy fixes
    if copy is False:
        if private:
            raise TypeError(
                f"cannot view a {type(src).__name__} as {image_type.__name__}: it has no "
                "memory to share (no buffer protocol); GetImageFromArray / image_from_array copy")
        error = _reg.DTypeMismatchError if a.dtype.newbyteorder("=") != pixel.dtype \
            else _reg.CopyRequiredError
        raise error(f"cannot view the array as {image_type.__name__} without a copy: {reason} "
                    "(copy=False)")
    want = pixel.dtype
    if a.dtype.newbyteorder("=") != want and not np.can_cast(
            a.dtype.newbyteorder("="), want, casting="same_kind"):
        raise TypeError(
            f"cannot convert an array of {a.dtype} to {image_type.__name__} pixels "
            f"({pixel.numpy_name}) without changing the kind of value; convert it explicitly")
    if reason is None:
        if private:  # np.asarray made it: the image may keep it
            return image_type._view(a, is_vector)
        return image_type._view(a, is_vector)._copy()  # ndwrap's copy, GIL released
    # another dtype or byte order, misaligned data, a broadcast component
    # axis: NumPy's converting copy into C order, which the image then owns
    return image_type._view(np.array(a, dtype=want, order="C", copy=True), is_vector)


def _has_buffer(obj):
    try:
        memoryview(obj).release()
    except TypeError:
        return False
    return True


def _set_metadata(image, spacing=None, origin=None, direction=None):
    if spacing is not None:
        image.SetSpacing(spacing)
    if origin is not None:
        image.SetOrigin(origin)
    if direction is not None:
        image.SetDirection(_numpy().asarray(direction, dtype=float).tolist())
    return image


class _PyBufferBase:
    """PyBuffer[ImageType]: static conversions for one image type.

    The methods keep their common case (a view, default arguments) short:
    one type check, one allocation check, one buffer export."""

    ImageType = None

    @classmethod
    def _wrong_type(cls, image):
        return TypeError(
            f"PyBuffer[{cls.ImageType.__name__}] expected a {cls.ImageType.__name__}, "
            f"got {type(image).__name__}")

    @classmethod
    def GetArrayViewFromImage(cls, image, keepAxes=False, keep_axes=None, update=True, axes=None):
        """A NumPy view of the image's pixels (never a copy); ``axes="XYZC"``
        (any order of the letters) names the array's axes.  ``update=`` is
        accepted for ITK code; ndwrap has no pipeline to update."""
        if type(image) is not cls.ImageType:
            raise cls._wrong_type(image)
        keep = keepAxes if keep_axes is None else keep_axes
        if axes is None and not keep:
            return _array_view(image, None)
        return _ordered_view(image, _export_order(image, axes, keep), axes, keep)

    @classmethod
    def GetArrayFromImage(cls, image, keepAxes=False, copy=None, keep_axes=None, update=True,
                          axes=None):
        """The image's pixels as an array: a view unless ``copy=True`` (ITK 5
        copies here: see the README's table of deliberate differences).
        ``update=`` is accepted for ITK code; ndwrap has no pipeline."""
        if type(image) is not cls.ImageType:
            raise cls._wrong_type(image)
        keep = keepAxes if keep_axes is None else keep_axes
        order = None if axes is None and not keep else _export_order(image, axes, keep)
        if copy is None or not _copy_flag(copy):
            return _ordered_view(image, order, axes, keep)
        return _array_copy(image, order)

    @classmethod
    def GetImageViewFromArray(cls, arr, is_vector=False, keepAxes=False, keep_axes=None,
                              axes=None):
        """An image viewing the array's memory (never a copy); the image holds
        the array's buffer for as long as it lives.  ``axes="YXC"`` names
        the array's axes (strides, no copy)."""
        if not (keepAxes or keep_axes) and axes is None:
            try:
                return cls.ImageType._view(arr, is_vector)
            except TypeError:
                pass  # diagnosed below
        return _import(cls.ImageType, arr, is_vector, False, _pick_keep_axes(keepAxes, keep_axes),
                       axes)

    @classmethod
    def GetImageFromArray(cls, arr, is_vector=False, copy=None, keepAxes=False, keep_axes=None,
                          axes=None):
        """An image of the array: a view when possible unless ``copy=True``
        (then a copy in canonical, x-fastest layout)."""
        if copy is None and not (keepAxes or keep_axes) and axes is None:
            try:
                return cls.ImageType._view(arr, is_vector)
            except TypeError:
                pass  # a copy may help: decided below
        return _import(cls.ImageType, arr, is_vector, _copy_flag(copy),
                       _pick_keep_axes(keepAxes, keep_axes), axes)


class _PyBufferTemplate(_reg._Registry):
    """``PyBuffer[ImageType]``: conversions between images of that type and
    NumPy arrays (``GetArrayFromImage``, ``GetArrayViewFromImage``,
    ``GetImageFromArray``, ``GetImageViewFromArray``).  They share memory
    unless ``copy=True`` (ITK 5 copies there: README "Coming from ITK");
    ``...View...`` never copies."""

    __name__ = "PyBuffer"

    def __init__(self):
        self._cache = {}  # image class -> its PyBuffer class

    def _lookup(self, image_type):
        """``PyBuffer[key]`` when the C base (``_registry._Registry``) has no
        answer remembered; it remembers this one for an exact key (an image
        class, or an exact (PixelType, int) pair: (F, 3.0) never hits (F, 3))."""
        if isinstance(image_type, (tuple, list)) and len(image_type) == 1:
            image_type = image_type[0]  # ITK's PyBuffer[(ImageType,)] / [[ImageType]]
        elif isinstance(image_type, list):
            image_type = tuple(image_type)
        if isinstance(image_type, tuple):  # PyBuffer[F, 3] shorthand
            image_type = _reg.TEMPLATES["Image"][image_type]
        _reg.image_info(image_type)  # TypeError for anything else
        cls = self._cache.get(image_type)
        if cls is None:  # one PyBuffer class per image type
            cls = type(f"PyBuffer_{image_type.__name__}", (_PyBufferBase,),
                       {"ImageType": image_type, "__doc__": _PyBufferBase.__doc__})
            _install_fast(cls, image_type)
            self._cache[image_type] = cls
        return cls

    def keys(self):
        return list(_reg.TEMPLATES["Image"].values()) + list(_reg.TEMPLATES["VectorImage"].values())

    def __repr__(self):
        return "<ndwrap template PyBuffer[ImageType]>"


PyBuffer = _PyBufferTemplate()


# ----------------------------------------------------------------------------
# Fast paths (issue 16): a C callable stands in front of each spelling; it
# takes the common call (the right object, no keyword but a plain
# keepAxes/keep_axes flag) with no Python frame and hands every other call,
# unchanged, to the Python spelling it fronts (swig/ndw_py_convert.c).

_FAST_IMAGE_VIEW, _FAST_VNL_VIEW, _FAST_VNL_COPY = 0, 1, 2
_FAST_IMAGE_IMPORT, _FAST_VNL_IMPORT, _FAST_VNL_IMPORT_COPY = 3, 4, 5
_FAST_IMAGE_IMPORT_COPY, _FAST_IMAGE_EXPORT_COPY = 6, 7
_IMAGE_CLASSES = {c: True for c, (name, _) in _reg._CLASS_INFO.items()
                  if name in ("Image", "VectorImage")}


def _fast(kind, cls, fallback):
    # the spelling's signature as a builtin's text signature, so that
    # help() and inspect.signature() show what the Python spelling takes
    doc = f"{_text_signature(fallback)}\n--\n\n{fallback.__doc__ or ''}"
    return _reg._core._fast_conversion(kind, cls, fallback, _IMAGE_CLASSES, doc)


def _text_signature(fn):
    """``name(a, b=False, ...)`` of a function or bound classmethod, without
    importing inspect (import time): positional-or-keyword parameters with
    literal defaults, as the conversion spellings have."""
    f = getattr(fn, "__func__", fn)
    code = f.__code__
    names = list(code.co_varnames[:code.co_argcount])
    if f is not fn:
        names = names[1:]  # bound: cls
    defaults = f.__defaults__ or ()
    first_default = len(names) - len(defaults)
    parts = [n if i < first_default else f"{n}={defaults[i - first_default]!r}"
             for i, n in enumerate(names)]
    return f"{fn.__name__}({', '.join(parts)})"


def _install_fast(cls, image_type):
    for name, kind in (("GetArrayViewFromImage", _FAST_IMAGE_VIEW),
                       ("GetArrayFromImage", _FAST_IMAGE_VIEW),
                       ("GetImageViewFromArray", _FAST_IMAGE_IMPORT),
                       ("GetImageFromArray", _FAST_IMAGE_IMPORT)):
        setattr(cls, name, _fast(kind, image_type, getattr(cls, name)))


# ----------------------------------------------------------------------------
# ITK 5's snake_case helpers: *_from_* copy, *_view_from_* share.


_AUTO_TYPES = {}  # (dtype, ndim, is_vector) -> image type, for the helpers


def _image_type_for(arr, is_vector, ttype):
    if ttype is None:
        try:
            return _AUTO_TYPES[arr.dtype, arr.ndim, bool(is_vector)]
        except (AttributeError, KeyError, TypeError):
            pass
    if ttype is not None:
        if isinstance(ttype, (tuple, list)) and len(ttype) == 1:
            ttype = ttype[0]  # ITK's ttype=(ImageType,) / [ImageType]
        if isinstance(ttype, tuple):
            return _reg.TEMPLATES["VectorImage" if is_vector else "Image"][ttype]
        _reg.image_info(ttype)
        return ttype
    np = _numpy()
    a = arr if hasattr(arr, "dtype") and hasattr(arr, "ndim") else np.asarray(arr)
    pixel = _reg.pixel_type_of_dtype(a.dtype)
    if is_vector and a.ndim < 2:
        raise ValueError(f"is_vector=True needs at least 2 dimensions, got {a.ndim}")
    dim = a.ndim - 1 if is_vector else a.ndim
    if dim < 1:
        raise ValueError("a 0-d array has no image dimensions")
    t = _reg.TEMPLATES["VectorImage" if is_vector else "Image"][pixel, dim]
    _AUTO_TYPES[a.dtype, a.ndim, bool(is_vector)] = t
    return t


def array_view_from_image(image, keep_axes=False, update=True, axes=None):
    """A NumPy view of the image (shares memory; keeps the image alive);
    ``axes="XYZC"`` (any order) names the array's axes.  ``update=`` is
    accepted for ITK code; ndwrap has no pipeline."""
    if type(image) not in _reg._CLASS_INFO:
        _reg.image_info(type(image))  # TypeError
    if axes is None and not keep_axes:
        return _array_view(image, None)
    return _ordered_view(image, _export_order(image, axes, keep_axes), axes, keep_axes)


def array_from_image(image, keep_axes=False, update=True, copy=True, axes=None):
    """A NumPy copy of the image's pixels (as ITK 5); ``copy=None`` or
    ``copy=False`` share instead, as ``PyBuffer[T].GetArrayFromImage``.
    ``update=`` is accepted for ITK code; ndwrap has no pipeline."""
    _reg.image_info(type(image))
    order = None if axes is None and not keep_axes else _export_order(image, axes, keep_axes)
    if not _copy_flag(copy):
        return _ordered_view(image, order, axes, keep_axes)
    return _array_copy(image, order)


def _axes_vector(is_vector, axes):
    """is_vector for the helpers: a named "C" axis means a vector image."""
    if axes is None or is_vector:
        return is_vector
    return isinstance(axes, str) and "C" in axes.upper()


def image_view_from_array(arr, is_vector=False, ttype=None, keep_axes=False, spacing=None,
                          origin=None, direction=None, isVector=None, axes=None):
    """An image viewing the array's memory (never a copy).  ``isVector`` is
    SimpleITK's spelling of ``is_vector``; ``axes="YXC"`` names the array's
    axes (a "C" means a vector image)."""
    if isVector is not None:
        is_vector = isVector
    is_vector = _axes_vector(is_vector, axes)
    t = _image_type_for(arr, is_vector, ttype)
    image = None
    if not keep_axes and axes is None:
        try:
            image = t._view(arr, is_vector)
        except TypeError:
            pass
    if image is None:
        image = _import(t, arr, is_vector, False, keep_axes, axes)
    if spacing is None and origin is None and direction is None:
        return image
    return _set_metadata(image, spacing, origin, direction)


def image_from_array(arr, is_vector=False, ttype=None, keep_axes=False, spacing=None,
                     origin=None, direction=None, isVector=None, axes=None):
    """An image holding its own copy of the array (type from dtype and ndim,
    or ``ttype``; a ``ttype`` of another dtype converts when the kind allows),
    in canonical (x-fastest) layout whatever ``axes=`` / ``keep_axes=`` say.
    ``isVector`` is SimpleITK's spelling of ``is_vector``."""
    if isVector is not None:
        is_vector = isVector
    is_vector = _axes_vector(is_vector, axes)
    t = _image_type_for(arr, is_vector, ttype)
    return _set_metadata(_import(t, arr, is_vector, True, keep_axes, axes), spacing, origin,
                         direction)


array_view_from_image = _fast(_FAST_IMAGE_VIEW, None, array_view_from_image)
_fast_array_view = array_view_from_image
image_view_from_array = _fast(_FAST_IMAGE_IMPORT, None, image_view_from_array)
image_from_array = _fast(_FAST_IMAGE_IMPORT_COPY, None, image_from_array)
array_from_image = _fast(_FAST_IMAGE_EXPORT_COPY, None, array_from_image)

GetArrayFromImage = array_from_image
GetArrayViewFromImage = array_view_from_image
GetImageFromArray = image_from_array
GetImageViewFromArray = image_view_from_array
