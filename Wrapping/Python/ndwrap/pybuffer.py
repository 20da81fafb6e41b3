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


def _array_view(image, keep):
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
    if keep:
        vector = _reg._CLASS_INFO[type(image)][0] == "VectorImage"
        a = a.transpose(_keep_axes_perm(a.ndim, vector)) if vector else a.T
    return a


def _array_copy(image, keep):
    np = _numpy()
    view = _array_view(image, False)
    out = np.empty(view.shape, view.dtype)
    image._copy_into(out)
    if keep:
        out = out.transpose(_keep_axes_perm(out.ndim, _reg.image_info(type(image))[2]))
    return out


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


def _import(image_type, arr, is_vector, copy, keep):
    """Shared body of GetImageFromArray / GetImageViewFromArray.

    `copy` (already read by _copy_flag): None (share if possible), True
    (always copy), False (never)."""
    pixel, dim, vector = _reg.image_info(image_type)
    np = _numpy()
    src = arr
    if keep:
        a0 = np.asarray(arr)
        src = a0.transpose(_keep_axes_perm(a0.ndim, vector or is_vector))
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
    def GetArrayViewFromImage(cls, image, keepAxes=False, keep_axes=None, update=True):
        """A NumPy view of the image's pixels (never a copy).  ``update=`` is
        accepted for ITK code; ndwrap has no pipeline to update."""
        if type(image) is not cls.ImageType:
            raise cls._wrong_type(image)
        return _array_view(image, keepAxes if keep_axes is None else keep_axes)

    @classmethod
    def GetArrayFromImage(cls, image, keepAxes=False, copy=None, keep_axes=None, update=True):
        """The image's pixels as an array: a view unless ``copy=True`` (ITK 5
        copies here: see the README's table of deliberate differences).
        ``update=`` is accepted for ITK code; ndwrap has no pipeline."""
        if type(image) is not cls.ImageType:
            raise cls._wrong_type(image)
        keep = keepAxes if keep_axes is None else keep_axes
        if copy is None or not _copy_flag(copy):
            return _array_view(image, keep)
        return _array_copy(image, keep)

    @classmethod
    def GetImageViewFromArray(cls, arr, is_vector=False, keepAxes=False, keep_axes=None):
        """An image viewing the array's memory (never a copy); the image holds
        the array's buffer for as long as it lives."""
        if not (keepAxes or keep_axes):
            try:
                return cls.ImageType._view(arr, is_vector)
            except TypeError:
                pass  # diagnosed below
        return _import(cls.ImageType, arr, is_vector, False, _pick_keep_axes(keepAxes, keep_axes))

    @classmethod
    def GetImageFromArray(cls, arr, is_vector=False, copy=None, keepAxes=False, keep_axes=None):
        """An image of the array: a view when possible unless ``copy=True``."""
        if copy is None and not (keepAxes or keep_axes):
            try:
                return cls.ImageType._view(arr, is_vector)
            except TypeError:
                pass  # a copy may help: decided below
        return _import(cls.ImageType, arr, is_vector, _copy_flag(copy),
                       _pick_keep_axes(keepAxes, keep_axes))


class _PyBufferTemplate:
    """``PyBuffer[ImageType]``: conversions between images of that type and
    NumPy arrays (``GetArrayFromImage``, ``GetArrayViewFromImage``,
    ``GetImageFromArray``, ``GetImageViewFromArray``).  They share memory
    unless ``copy=True`` (ITK 5 copies there: README "Coming from ITK");
    ``...View...`` never copies."""

    __name__ = "PyBuffer"

    def __init__(self):
        self._cache = {}

    def __getitem__(self, image_type):
        if isinstance(image_type, (tuple, list)) and len(image_type) == 1:
            image_type = image_type[0]  # ITK's PyBuffer[(ImageType,)] / [[ImageType]]
        elif isinstance(image_type, list):
            image_type = tuple(image_type)
        cls = self._cache.get(image_type)
        if cls is None:
            if isinstance(image_type, tuple):  # PyBuffer[F, 3] shorthand
                image_type = _reg.TEMPLATES["Image"][image_type]
                cls = self._cache.get(image_type)
                if cls is not None:  # one PyBuffer class per image type
                    return cls
            _reg.image_info(image_type)  # TypeError for anything else
            cls = type(f"PyBuffer_{image_type.__name__}", (_PyBufferBase,),
                       {"ImageType": image_type, "__doc__": _PyBufferBase.__doc__})
            self._cache[image_type] = cls
        return cls

    def keys(self):
        return list(_reg.TEMPLATES["Image"].values()) + list(_reg.TEMPLATES["VectorImage"].values())

    def __repr__(self):
        return "<ndwrap template PyBuffer[ImageType]>"


PyBuffer = _PyBufferTemplate()


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


def array_view_from_image(image, keep_axes=False, update=True):
    """A NumPy view of the image (shares memory; keeps the image alive).
    ``update=`` is accepted for ITK code; ndwrap has no pipeline."""
    if type(image) not in _reg._CLASS_INFO:
        _reg.image_info(type(image))  # TypeError
    return _array_view(image, keep_axes)


def array_from_image(image, keep_axes=False, update=True, copy=True):
    """A NumPy copy of the image's pixels (as ITK 5); ``copy=None`` or
    ``copy=False`` share instead, as ``PyBuffer[T].GetArrayFromImage``.
    ``update=`` is accepted for ITK code; ndwrap has no pipeline."""
    _reg.image_info(type(image))
    if not _copy_flag(copy):
        return _array_view(image, keep_axes)
    return _array_copy(image, keep_axes)


def image_view_from_array(arr, is_vector=False, ttype=None, keep_axes=False, spacing=None,
                          origin=None, direction=None, isVector=None):
    """An image viewing the array's memory (never a copy).  ``isVector`` is
    SimpleITK's spelling of ``is_vector``."""
    if isVector is not None:
        is_vector = isVector
    t = _image_type_for(arr, is_vector, ttype)
    image = None
    if not keep_axes:
        try:
            image = t._view(arr, is_vector)
        except TypeError:
            pass
    if image is None:
        image = _import(t, arr, is_vector, False, keep_axes)
    if spacing is None and origin is None and direction is None:
        return image
    return _set_metadata(image, spacing, origin, direction)


def image_from_array(arr, is_vector=False, ttype=None, keep_axes=False, spacing=None,
                     origin=None, direction=None, isVector=None):
    """An image holding its own copy of the array (type from dtype and ndim,
    or ``ttype``; a ``ttype`` of another dtype converts when the kind allows).
    ``isVector`` is SimpleITK's spelling of ``is_vector``."""
    if isVector is not None:
        is_vector = isVector
    t = _image_type_for(arr, is_vector, ttype)
    return _set_metadata(_import(t, arr, is_vector, True, keep_axes), spacing, origin, direction)


GetArrayFromImage = array_from_image
GetArrayViewFromImage = array_view_from_image
GetImageFromArray = image_from_array
GetImageViewFromArray = image_view_from_array
