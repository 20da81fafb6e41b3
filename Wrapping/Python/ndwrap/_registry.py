"""The type registry: pixel types, ``ctype()``, and the template lookups
``Image[PixelType, Dim]``, ``Size[Dim]``, ``vnl_vector[T]``, ...

Everything here is derived from the generated ``_table`` (itself derived from
the C pixel table and the CMake wrap options). No NumPy import happens here.
"""
from __future__ import annotations

import operator
import sys

from . import _table
from . import ndwcore as _core

__all__ = [
    "PixelType", "NotWrappedError", "CopyRequiredError", "DTypeMismatchError", "ctype",
    "Template", "template",
]


class NotWrappedError(KeyError, TypeError):
    """A type that this build of ndwrap does not wrap.

    Both a ``KeyError`` (a failed registry lookup, as in ITK) and a
    ``TypeError`` (a type the bridge cannot handle). The message lists what
    is wrapped and names the CMake option that would add the type.
    """

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class CopyRequiredError(ValueError):
    """A view (or ``copy=False``) was asked for, but only a copy can do it:
    a non-native byte order, misaligned data, a layout the target cannot
    carry.  A ``ValueError``, as NumPy's ``copy=False``."""


class DTypeMismatchError(CopyRequiredError, TypeError):
    """A view (or ``copy=False``) of an array whose dtype is not the target's
    element type: both a ``TypeError`` (wrong type) and a
    :class:`CopyRequiredError` (``copy=None`` would have converted it)."""


class PixelType:
    """One row of the pixel table: ``ndwrap.F``, ``ndwrap.UC``, ..."""

    __slots__ = ("code", "token", "format", "kind", "itemsize", "numpy_name", "names", "wrapped")

    def __init__(self, code, token, fmt, kind, itemsize, numpy_name, names, wrapped):
        self.code = code
        self.token = token
        self.format = fmt
        self.kind = kind
        self.itemsize = itemsize
        self.numpy_name = numpy_name
        self.names = names
        self.wrapped = wrapped

    @property
    def name(self):
        """ITK's canonical ctype name, e.g. ``'unsigned char'``."""
        return self.names[0]

    @property
    def dtype(self):
        """The NumPy dtype (imports NumPy)."""
        import numpy

        return numpy.dtype(self.numpy_name)

    def __repr__(self):
        return f"<ndwrap.ctype {self.name!r} ({self.code})>"

    def __reduce__(self):
        return (ctype, (self.code,))


PIXEL_TYPES = tuple(PixelType(*row) for row in _table.PIXEL_TYPES)
_BY_CODE = {p.code: p for p in PIXEL_TYPES}
_BY_KIND_SIZE = {(p.kind, p.itemsize): p for p in PIXEL_TYPES}


_PUNCT = frozenset("<>:,")


def _fold(name):
    """'  std::complex < float > ' -> 'std::complex<float>'; runs of blanks ->
    one, none next to ``< > : ,`` (no ``re``: it costs ~5 ms of ``import
    ndwrap``, with enum and functools under it)."""
    words = name.split()
    if len(words) < 2:
        return words[0] if words else ""
    out = words[0]
    for w in words[1:]:
        out += w if out[-1] in _PUNCT or w[0] in _PUNCT else " " + w
    return out


# ITK codes that name one of the rows above (ndwrap.ULL is ndwrap.UL):
# ITK's mangling of unsigned/signed long long, and of long on LP64 systems.
CODE_ALIASES = {"ULL": "UL", "SLL": "SL"}

_BY_NAME = {}
for _p in PIXEL_TYPES:
    _BY_NAME[_p.code] = _p
    for _n in _p.names:
        _BY_NAME[_fold(_n)] = _p
for _a, _c in CODE_ALIASES.items():
    _BY_NAME[_a] = _BY_NAME[_c]


def ctype(name):
    """The pixel type for an ITK C type name (or code): ``ctype('unsigned char')``.

    Names and aliases follow ITK ('signed long long', 'std::complex<float>',
    ...); white space is tolerated. Unknown names raise ``KeyError``.
    """
    if isinstance(name, PixelType):
        return name
    if not isinstance(name, str):
        raise TypeError(f"ctype() takes a type name string, not {type(name).__name__}")
    p = _BY_NAME.get(name)  # a code or a canonical name, as given
    if p is not None:
        return p
    try:
        return _BY_NAME[_fold(name)]
    except KeyError:
        known = ", ".join(repr(p.name) for p in PIXEL_TYPES)
        raise KeyError(f"unknown C type name {name!r}; known: {known}") from None


def wrapped_pixel_types():
    """The pixel types this build wraps (a tuple of PixelType)."""
    return tuple(p for p in PIXEL_TYPES if p.wrapped)


def pixel_type_of(obj):
    """Normalise a pixel-type key: a PixelType, a name/code string, or a NumPy
    dtype / scalar type (mapped by kind and item size)."""
    if isinstance(obj, PixelType):
        return obj
    if isinstance(obj, str):
        return ctype(obj)
    if obj is None:  # np.dtype(None) would be float64
        raise TypeError("not a pixel type: None (use ndwrap.F, ndwrap.ctype('float'), ...)")
    np = sys.modules.get("numpy")
    if np is not None:
        try:
            dt = np.dtype(obj)
        except TypeError:
            dt = None
        if dt is not None and not isinstance(obj, (int, float, complex)):
            return pixel_type_of_dtype(dt)
    raise TypeError(f"not a pixel type: {obj!r} (use ndwrap.F, ndwrap.ctype('float'), ...)")


def _wrapped_codes_text():
    return ", ".join(p.code for p in PIXEL_TYPES if p.wrapped)


def pixel_type_of_dtype(dt):
    """Pixel type for a NumPy dtype by kind and item size; TypeError naming
    the dtype and listing what is wrapped when none fits."""
    kind = "b" if dt.kind == "b" else dt.kind
    p = _BY_KIND_SIZE.get((kind, dt.itemsize)) if dt.fields is None else None
    if p is None or dt.kind not in "biufc":
        raise TypeError(
            f"dtype {dt!r} has no ndwrap pixel type; wrapped pixel types: "
            + ", ".join(f"{p.code} ({p.numpy_name})" for p in PIXEL_TYPES if p.wrapped)
        )
    return p


# ----------------------------------------------------------------------------
# templates


def exact_key(key):
    """True when `key` may be cached by equality: a PixelType, int, str or
    class, or a pair of those, by exact type.  (A float or bool dimension,
    or a NumPy scalar, compares equal to an int but must not resolve like
    one: ``Image[F, 3.0]`` stays a TypeError after ``Image[F, 3]`` was looked
    up.)  The registries' C base (``_Registry``, swig/ndw_py_registry.c)
    applies this rule; this is its statement in Python, for tests."""
    if type(key) is tuple:
        return len(key) == 2 and _exact_part(key[0]) and _exact_part(key[1])
    return _exact_part(key)


def _exact_part(x):
    t = type(x)
    return t is PixelType or t is int or t is str or isinstance(x, type)


# The C base of every registry (issue 16): its ``[]`` answers a repeated
# exact key with one dict hit in C and calls ``self._lookup(key)`` for the
# rest (normalisation, errors), remembering up to 4096 exact keys.
_Registry = _core._registry_base(PixelType)


class Template(_Registry):
    """A registry of wrapped instantiations, indexed like ITK's templates.

    ``Image[ndwrap.F, 3]`` -> the class ``ImageF3``; ITK's attribute spelling
    ``Image.F3`` gives the same class. Iterating gives the keys; ``keys()``,
    ``values()``, ``items()``, ``len()`` and ``in`` work as on a dict, and ITK's
    ``GetTypes()`` / ``GetTypesAsList()`` too. A key that is not wrapped raises
    ``ndwrap.NotWrappedError`` naming the CMake option that would add it.
    """

    def __init__(self, name, params, normalise, entries, missing_hint):
        self.__name__ = name
        self._params = params
        self._normalise = normalise
        self._entries = entries
        self._missing_hint = missing_hint

    def _lookup(self, key):
        """``self[key]`` when the C base has no answer remembered: the
        normalised key's entry, or the registry's TypeError/NotWrappedError."""
        try:
            k = self._normalise(key)
        except NotWrappedError:
            raise
        except (TypeError, ValueError, KeyError) as e:
            raise TypeError(f"ndwrap.{self.__name__}[{self._params}]: {e}") from None
        try:
            return self._entries[k]
        except KeyError:
            pass
        wrapped = ", ".join(f"[{self._key_text(x)}]" for x in self._entries) or "nothing"
        raise NotWrappedError(
            f"ndwrap.{self.__name__}[{self._key_text(k)}] is not wrapped in this build. "
            f"Wrapped: {wrapped}. {self._missing_hint(k)}"
        )

    def _key_text(self, k):
        if isinstance(k, tuple):
            return ", ".join(_part_text(x) for x in k)
        return _part_text(k)

    def __contains__(self, key):
        try:
            return self._normalise(key) in self._entries
        except (TypeError, ValueError, KeyError):
            return False

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def keys(self):
        return self._entries.keys()

    def values(self):
        return self._entries.values()

    def items(self):
        return self._entries.items()

    def GetTypes(self):
        """The wrapped classes (ITK's ``Template.GetTypes()``)."""
        return list(self._entries.values())

    def GetTypesAsList(self):
        """The wrapped keys as strings, e.g. ``"(<ndwrap.ctype 'float' (F)>, 3)"``
        (ITK's ``Template.GetTypesAsList()``)."""
        return [str(k) for k in self._entries]

    def _suffix(self, k):
        if isinstance(k, tuple):
            return "".join(_part_suffix(x) for x in k)
        return _part_suffix(k)

    def __getattr__(self, name):
        """ITK's attribute spelling of a key: ``Image.F3``, ``vnl_vector.D``."""
        if name.startswith("_"):
            raise AttributeError(name)
        by_suffix = self.__dict__.get("_by_suffix")
        if by_suffix is None:
            by_suffix = {self._suffix(k): v for k, v in self._entries.items()}
            self.__dict__["_by_suffix"] = by_suffix
        try:
            return by_suffix[name]
        except KeyError:
            raise AttributeError(
                f"ndwrap.{self.__name__} has no wrapped type {name!r} (attribute spelling "
                f"of a key, e.g. {next(iter(by_suffix), '?')!r})") from None

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | {self._suffix(k) for k in self._entries})

    def __repr__(self):
        return f"<ndwrap template {self.__name__}[{self._params}], {len(self._entries)} wrapped>"


def _part_text(x):
    """A key part as text: F, 3, or Vector[F, 3] for a fixed-size pixel class."""
    if isinstance(x, PixelType):
        return x.code
    text = getattr(x, "_key_text_full", None)
    return text() if text is not None else str(x)


def _part_suffix(x):
    """A key part in ITK's attribute spelling: F, 3, or VF3 (Image.VF33)."""
    if isinstance(x, PixelType):
        return x.code
    return getattr(x, "_itk_code", None) or str(x)


def _dim_of(x):
    d = operator.index(x)
    if d < 1:
        raise ValueError(f"dimension must be >= 1, got {d}")
    return d


def _hint_for(pixel, dim):
    from ._sdk import installed_by_pip, option_text  # pip's spelling for the wheel

    pip = installed_by_pip()
    hints = []
    if pixel is not None and not pixel.wrapped:
        hints.append(option_text(f"NDW_WRAP_{pixel.code}", "ON", pip))
    if dim is not None and dim not in _table.DIMS:
        if dim > 8:
            return f"Dimension {dim} is beyond ndwrap's limit of 8."
        dims = ";".join(str(d) for d in sorted(set(_table.DIMS) | {dim}))
        hints.append(option_text("NDW_WRAP_DIMS", dims, pip))
    if not hints:
        return ""
    return ("Reinstall" if pip else "Reconfigure") + " ndwrap with " + " ".join(hints) + \
        " to add it."


def _image_key(key):
    if not isinstance(key, tuple) or len(key) != 2:
        raise TypeError("expected [PixelType, Dimension], e.g. Image[ndwrap.F, 3]")
    if isinstance(key[0], type) and getattr(key[0], "_itk_code", None):
        return (key[0], _dim_of(key[1]))  # a fixed-size pixel: Image[Vector[F, 3], 3]
    return (pixel_type_of(key[0]), _dim_of(key[1]))


def _pixel_key(key):
    return pixel_type_of(key)


# which template (and key) each wrapped class belongs to
_CLASS_INFO = {}


def _build():
    images, vimages = {}, {}
    sizes, indices, regions = {}, {}, {}
    vvecs, vmats = {}, {}
    for d in _table.DIMS:
        sizes[d] = getattr(_core, f"Size{d}")
        indices[d] = getattr(_core, f"Index{d}")
        regions[d] = getattr(_core, f"ImageRegion{d}")
        for tmpl, t in (("Size", sizes), ("Index", indices), ("ImageRegion", regions)):
            _CLASS_INFO[t[d]] = (tmpl, (d,))
    for p in PIXEL_TYPES:
        if not p.wrapped:
            continue
        vvecs[p] = getattr(_core, f"vnl_vector{p.code}")
        vmats[p] = getattr(_core, f"vnl_matrix{p.code}")
        _CLASS_INFO[vvecs[p]] = ("vnl_vector", (p,))
        _CLASS_INFO[vmats[p]] = ("vnl_matrix", (p,))
        for d in _table.DIMS:
            images[(p, d)] = getattr(_core, f"Image{p.code}{d}")
            vimages[(p, d)] = getattr(_core, f"VectorImage{p.code}{d}")
            _CLASS_INFO[images[(p, d)]] = ("Image", (p, d))
            _CLASS_INFO[vimages[(p, d)]] = ("VectorImage", (p, d))

    def dim_hint(k):
        return _hint_for(None, k)

    def pix_hint(k):
        return _hint_for(k, None)

    def img_hint(k):
        return _hint_for(k[0], k[1])

    return dict(
        Image=Template("Image", "PixelType, Dimension", _image_key, images, img_hint),
        VectorImage=Template("VectorImage", "PixelType, Dimension", _image_key, vimages, img_hint),
        Size=Template("Size", "Dimension", _dim_of, sizes, dim_hint),
        Index=Template("Index", "Dimension", _dim_of, indices, dim_hint),
        ImageRegion=Template("ImageRegion", "Dimension", _dim_of, regions, dim_hint),
        vnl_vector=Template("vnl_vector", "ElementType", _pixel_key, vvecs, pix_hint),
        vnl_matrix=Template("vnl_matrix", "ElementType", _pixel_key, vmats, pix_hint),
    )


TEMPLATES = _build()


def template(obj):
    """``(template name, key)`` of a wrapped class or instance, e.g.
    ``template(ImageF3) == ('Image', (ndwrap.F, 3))``."""
    cls = obj if isinstance(obj, type) else type(obj)
    try:
        return _CLASS_INFO[cls]
    except KeyError:
        raise TypeError(f"{cls.__name__} is not an ndwrap wrapped type") from None


def image_info(cls):
    """(pixel type, dimension, is_vector) of an image class; TypeError if not one."""
    info = _CLASS_INFO.get(cls)
    if info is None or info[0] not in ("Image", "VectorImage"):
        raise TypeError(f"{getattr(cls, '__name__', cls)!r} is not a wrapped ndwrap image type")
    (p, d) = info[1]
    if not isinstance(p, PixelType):  # Image[Vector[F, 3], 3]: a fixed-size vector layout
        return p.ComponentType, d, True
    return p, d, info[0] == "VectorImage"


# Fixed-size pixel types (NDW_COMPOUND_TABLE): Image[Vector[F, 3], 3], ...
# The value classes live in ndwrap.pixeltypes (which imports this module);
# their images join the Image template here, before any module reads it.
_FIXED_BY_CODE = {}


def fixed_pixel_class(code):
    """The fixed-size pixel class of ITK's code ("VF3", "RGBUC"), or None."""
    return _FIXED_BY_CODE.get(code)


def _build_fixed():
    from . import pixeltypes

    _FIXED_BY_CODE.update(pixeltypes.by_itk_code())
    pixeltypes.register_images(TEMPLATES["Image"], _core, _CLASS_INFO)


_build_fixed()
