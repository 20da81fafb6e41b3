"""The Python halves of the protocols every image and vnl object speaks.

The wrapped classes are SWIG ``-builtin`` types: their ``__array__``,
``__reduce_ex__``, ``__copy__`` and ``__deepcopy__`` are C methods
(``swig/ndw_protocols.i``) that call the functions here with the object.

* ``__array__(dtype=None, copy=None)`` follows NumPy 2: ``copy=None`` shares
  memory when it can, ``copy=True`` always copies, ``copy=False`` never
  copies and raises ``ValueError`` when only a copy could give ``dtype``.
* Pickling (every protocol): the pixels with the region, start index,
  spacing, origin, direction, components and read-only flag.  At protocol 5
  a contiguous image's pixels travel as a ``pickle.PickleBuffer`` over the
  image's own memory: out of band (no copy) with a ``buffer_callback``,
  in band otherwise.  Loading views the unpickled buffer when it may (a
  writable buffer, or a read-only image) and copies once otherwise.
* ``copy.copy`` and ``copy.deepcopy`` both give an independent image with
  its own pixels (as ``numpy.ndarray`` and ``arr.copy()``); see
  :func:`copy_image`.

Loading a pickled image needs NumPy; dumping one does not.
"""
from __future__ import annotations

import pickle

from . import _registry as _reg

_np = None


def _numpy():
    global _np
    if _np is None:
        import numpy

        _np = numpy
    return _np


def _check_copy(copy):
    """Python's truth rules; None is the only third state (DESIGN.md)."""
    return None if copy is None else bool(copy)


def astype(obj, pixel_type, _unused=None):
    """``image.astype(pixel_type)`` (ITK's): the image itself for its own
    pixel type, else a cast (see :mod:`ndwrap.imagecast`)."""
    from . import imagecast

    return imagecast.astype(obj, pixel_type)


def array(obj, dtype=None, copy=None):
    """``obj.__array__(dtype=None, copy=None)`` for images and vnl objects."""
    np = _numpy()
    copy = _check_copy(copy)
    info = _reg._CLASS_INFO.get(type(obj))
    if info is not None and info[0] in ("Image", "VectorImage") and not obj._is_allocated():
        raise RuntimeError(f"{type(obj).__name__}: the image is not allocated: "
                           "call Allocate() first")
    a = np.asarray(obj)  # the buffer protocol: a view
    if dtype is not None:
        want = np.dtype(dtype)
        if want != a.dtype:
            if copy is False:
                raise ValueError(
                    f"Unable to avoid a copy: {type(obj).__name__} holds {a.dtype}, "
                    f"{want} was asked for (copy=False)")
            return a.astype(want)
    return a.copy() if copy else a


# ----------------------------------------------------------------------------
# pickling


def _pixels_for_pickle(obj, protocol, contiguous):
    """The pixel bytes: a PickleBuffer over obj's memory at protocol 5 (when
    contiguous), else a C-order copy."""
    if protocol is not None and protocol >= 5 and contiguous:
        return pickle.PickleBuffer(obj)
    with memoryview(obj) as m:
        return m.tobytes()


def reduce_image(image, protocol=None, _unused=None):
    template, (pixel, dim) = _reg._CLASS_INFO[type(image)]
    region = image.GetLargestPossibleRegion()
    state = {
        "size": tuple(int(s) for s in region.GetSize()),
        "index": tuple(int(i) for i in region.GetIndex()),
        "spacing": image.GetSpacing(),
        "origin": image.GetOrigin(),
        "direction": image.GetDirection(),
        "components": image.GetNumberOfComponentsPerPixel(),
        "readonly": False,
        "pixels": None,
    }
    if image._is_allocated():
        with memoryview(image) as m:
            state["readonly"] = m.readonly
        state["pixels"] = _pixels_for_pickle(image, protocol, image._is_contiguous())
    return (_rebuild_image, (template, _reg._part_suffix(pixel), dim, state))


def _as_direction(direction, dim):
    if len(direction) == dim and all(hasattr(r, "__len__") for r in direction):
        return [list(r) for r in direction]
    flat = list(direction)
    return [flat[i * dim:(i + 1) * dim] for i in range(dim)]


def _pixel_array(pixels, dtype, shape, readonly):
    """An array over the unpickled pixels: a view when the buffer may be
    used as is, else one copy (a writable image from immutable bytes)."""
    np = _numpy()
    m = memoryview(pixels)
    want = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if m.nbytes != want:
        raise ValueError(f"pickled pixel data holds {m.nbytes} bytes; an image of shape "
                         f"{tuple(shape)} and {dtype} needs {want}")
    if not m.c_contiguous:
        m = memoryview(m.tobytes())
    if not readonly and m.readonly:
        m = memoryview(bytearray(m))
    a = np.frombuffer(m.cast("B"), dtype=dtype).reshape(shape)
    if not a.flags.aligned:
        # out-of-band frames may arrive at any offset (dask.distributed's do):
        # pixels are only viewed where they are aligned for their type
        a = a.copy()
    if readonly and a.flags.writeable:
        a.flags.writeable = False
    return a


def _rebuild_image(template, code, dim, state):
    fixed = _reg.fixed_pixel_class(code)  # "VF3": Image[Vector[F, 3], dim]
    cls = _reg.TEMPLATES[template][fixed or _reg.ctype(code), dim]
    pixels = state.get("pixels")
    vector = template == "VectorImage" or fixed is not None
    if fixed is not None:
        code = fixed.ComponentType.code
    if pixels is None:
        image = cls.New()
        if vector and fixed is None:
            image.SetNumberOfComponentsPerPixel(state["components"])
        image.SetRegions(_reg.TEMPLATES["ImageRegion"][dim](state["index"], state["size"]))
    else:
        np = _numpy()
        shape = tuple(reversed(state["size"])) + ((state["components"],) if vector else ())
        dtype = np.dtype(_reg.ctype(code).numpy_name)
        a = _pixel_array(pixels, dtype, shape, state.get("readonly", False))
        image = cls._view(a, 0, not state.get("readonly", False))
        if any(state["index"]):
            image._set_start_index(state["index"])
    image.SetSpacing(state["spacing"])
    image.SetOrigin(state["origin"])
    image.SetDirection(_as_direction(state["direction"], dim))
    return image


def reduce_vnl(v, protocol=None, _unused=None):
    template, (pixel,) = _reg._CLASS_INFO[type(v)]
    shape = tuple(v.shape)
    with memoryview(v) as m:
        readonly = m.readonly
    state = {"shape": shape, "readonly": readonly,
             "pixels": _pixels_for_pickle(v, protocol, True)}
    return (_rebuild_vnl, (template, pixel.code, state))


def _rebuild_vnl(template, code, state):
    cls = _reg.TEMPLATES[template][_reg.ctype(code)]
    shape = tuple(state["shape"])
    if 0 in shape:  # an empty vector or matrix: nothing to view
        return cls(*shape)
    np = _numpy()
    dtype = np.dtype(_reg.ctype(code).numpy_name)
    readonly = state.get("readonly", False)
    return cls._view(_pixel_array(state["pixels"], dtype, shape, readonly), not readonly)


# ----------------------------------------------------------------------------
# copying


def copy_image(image, _a=None, _b=None):
    """``copy.copy(image)`` and ``copy.deepcopy(image)``: a new image with its
    own copy of the pixels (writable, contiguous) and the same region, start
    index, spacing, origin, direction and components.  An image has no
    sub-objects but its pixels, so shallow and deep copies are the same
    thing (as for ``numpy.ndarray``); a copy of a view owns its pixels."""
    if image._is_allocated():
        return image._copy()
    return _rebuild_image(*reduce_image(image, 2)[1])


def copy_vnl(v, _a=None, _b=None):
    """``copy.copy`` / ``copy.deepcopy`` of a vnl object: its own copy."""
    return v._copy()


def deepcopy(obj, memo=None, _unused=None):
    info = _reg._CLASS_INFO[type(obj)]
    result = copy_image(obj) if info[0] in ("Image", "VectorImage") else copy_vnl(obj)
    if memo is not None:
        memo[id(obj)] = result
    return result


# ----------------------------------------------------------------------------
# ITK's spellings on images (swig/ndw_itk.i forwards here)


def _is_vector_image(image):
    return _reg.image_info(type(image))[2]  # VectorImage, or a fixed-size pixel


def graft(image, other, _unused=None):
    """``image.Graft(other)``: ``image`` takes ``other``'s region, start
    index, spacing, origin, direction and *the same pixel memory* (no copy).
    ``image`` keeps that memory alive whatever is deleted first; ``other``
    counts it as exported (it cannot be re-allocated while ``image`` shows
    it). Grafting an unallocated image copies its geometry and leaves
    ``image`` unallocated."""
    if type(other) is not type(image):
        raise TypeError(f"{type(image).__name__}.Graft() takes a {type(image).__name__}, "
                        f"not {type(other).__name__}")
    region = other.GetLargestPossibleRegion()
    if other._is_allocated():
        image._rewrap(_numpy().asarray(other), 1 if _is_vector_image(image) else 0)
        image._set_start_index(region.GetIndex())
    else:
        if _reg._CLASS_INFO[type(image)][0] == "VectorImage":
            image.SetNumberOfComponentsPerPixel(other.GetNumberOfComponentsPerPixel())
        image.SetRegions(region)
    image.CopyInformation(other)
    return None


def clone(image, _a=None, _b=None):
    """``image.Clone()`` as ITK: a new, empty image of the same type (ITK's
    ``Clone`` is ``CreateAnother``; it copies neither geometry nor pixels).
    ``copy.copy(image)`` copies both."""
    return type(image).New()


def getitem(image, key, _unused=None):
    """``image[z, y, x]``: NumPy indexing of the pixel array (NumPy axis
    order, as ITK 5), a scalar for one pixel, a view for slices."""
    if isinstance(key, (str, bytes)):
        raise TypeError(f"{type(image).__name__} indices are NumPy indices (image[z, y, x]); "
                        f"metadata keys such as {key!r} are not supported")
    return array(image)[key]


def setitem(image, key, value):
    """``image[z, y, x] = value``: NumPy assignment into the pixel memory
    (a read-only image raises ``ValueError``)."""
    if isinstance(key, (str, bytes)):
        raise TypeError(f"{type(image).__name__} indices are NumPy indices (image[z, y, x]); "
                        f"metadata keys such as {key!r} are not supported")
    array(image)[key] = value
    return None


def buffer(image, flags=None, _unused=None):
    """``image.__buffer__(flags)`` (PEP 688): a memoryview of the pixels."""
    if flags is not None:
        import operator

        flags = operator.index(flags)
    if not image._is_allocated():
        raise RuntimeError(f"{type(image).__name__}: the image is not allocated: "
                           "call Allocate() first")
    m = memoryview(image)
    if flags is not None and flags & 1 and m.readonly:  # PyBUF_WRITABLE
        m.release()
        raise BufferError("the image is read-only")
    return m


_SWIG_INTERNALS = frozenset(("this", "thisown", "acquire", "append", "disown", "next", "own"))


def public_dir(obj, _a=None, _b=None):
    """``dir()`` of a wrapped object without SWIG's internals."""
    return sorted(n for n in object.__dir__(obj) if n not in _SWIG_INTERNALS)
