"""DLPack both ways (Module_BridgeDLPack).

Export: every image (and vnl object) has ``__dlpack__(*, stream=None,
max_version=None, dl_device=None, copy=None)`` and ``__dlpack_device__()``,
so ``numpy.from_dlpack(image)`` and ``torch.from_dlpack(image)`` view the
image's pixels, in the image's NumPy axis order (z, y, x[, c]).  A consumer
asking for ``max_version >= (1, 0)`` gets a versioned capsule, read-only
for a read-only image; an unversioned capsule of a read-only image is
refused (``BufferError``: DLPack 0.x cannot say "read-only").  While the
capsule or whatever consumed it lives, the image stays alive and refuses to
re-allocate (``BufferError``), as with a NumPy view.

Import: :func:`from_dlpack` views any CPU DLPack producer (NumPy, PyTorch,
CuPy's host arrays, another ndwrap image) as an image, without a copy.

The C half is ``Modules/Bridge/DLPack`` (the dlpack project's own header,
vendored), the glue ``swig/ndw_py_dlpack.c``.
"""
from __future__ import annotations

from . import _registry as _reg
from . import ndwcore as _core

__all__ = ["from_dlpack", "DLPACK_AVAILABLE"]

#: False when ndwrap was built with Module_BridgeDLPack off.
DLPACK_AVAILABLE = hasattr(_core, "_dlpack_info")

_MAX_VERSION = (1, 0)
_CPU_DEVICES = (1, 3, 11, 13)  # kDLCPU, kDLCUDAHost, kDLROCMHost, kDLCUDAManaged
_CLASSES = {}  # (code, ndim, is_vector) -> image class


def _image_class(code, ndim, is_vector):
    key = (code, ndim, is_vector)
    cls = _CLASSES.get(key)
    if cls is None:
        if is_vector and ndim < 2:
            raise ValueError(f"is_vector=True needs at least 2 dimensions, got {ndim}")
        dim = ndim - 1 if is_vector else ndim
        if dim < 1:
            raise ValueError("a 0-d tensor has no image dimensions")
        cls = _reg.TEMPLATES["VectorImage" if is_vector else "Image"][_reg.ctype(code), dim]
        _CLASSES[key] = cls
    return cls


def _capsule(obj):
    try:
        dlpack = obj.__dlpack__
    except AttributeError:
        raise TypeError(f"{type(obj).__name__} is not a DLPack producer "
                        "(it has no __dlpack__ method)") from None
    try:
        device = obj.__dlpack_device__()
    except AttributeError:
        device = None
    if device is not None and int(device[0]) not in _CPU_DEVICES:
        raise BufferError(
            f"from_dlpack: the {type(obj).__name__} lives on DLPack device {tuple(device)}, "
            "not in CPU memory; ndwrap images view CPU memory (copy it to the CPU first, "
            "e.g. tensor.cpu())")
    try:
        return dlpack(max_version=_MAX_VERSION)
    except TypeError:
        # a producer of the DLPack 0.x protocol (e.g. NumPy < 2.1): no keywords
        return dlpack()


def _from_dlpack_checked(obj, pixel_type, is_vector, copy):
    """from_dlpack with an expected pixel type or a copy (the C function
    handles the plain view and calls this for the rest)."""
    capsule = _capsule(obj)
    code, ndim, _versioned, _readonly = _core._dlpack_info(capsule)
    if pixel_type is not None:
        want = _reg.pixel_type_of(pixel_type)
        if want.code != code:
            raise _reg.DTypeMismatchError(
                f"from_dlpack: the tensor holds {_reg.ctype(code).numpy_name} "
                f"({code}), not {want.numpy_name} ({want.code}); a view cannot convert "
                "(view it as it is, then convert with ndwrap.CastImage)")
    _image_class(code, ndim, bool(is_vector))  # NotWrappedError before consuming
    image = _core._dlpack_image(capsule, bool(is_vector))
    return image._copy() if copy else image


def _unavailable(obj, pixel_type=None, *, is_vector=False, copy=None):
    raise RuntimeError("ndwrap was built without Module_BridgeDLPack "
                       "(reconfigure with -DModule_BridgeDLPack=ON)")



if DLPACK_AVAILABLE:
    # ndwrap.from_dlpack(obj, pixel_type=None, *, is_vector=False, copy=None) is
    # a C function (vectorcall; its docstring is in swig/ndw_dlpack.i); setting
    # it up installs __dlpack__ on every image and vnl class.
    from_dlpack = _core._dlpack_setup()
else:
    from_dlpack = _unavailable
