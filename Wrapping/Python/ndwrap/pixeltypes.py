"""ITK's fixed-size pixel and point types as Python value types:
``Vector[T, N]``, ``CovariantVector[T, N]``, ``Point[T, N]``,
``RGBPixel[T]`` and ``RGBAPixel[T]``.

    >>> v = ndwrap.Vector[ndwrap.F, 3]([1, 2, 3])     # ITK: itk.Vector[itk.F, 3]
    >>> v[0], len(v), list(v), v == ndwrap.Vector.F3([1, 2, 3])
    (1.0, 3, [1.0, 2.0, 3.0], True)
    >>> ndwrap.RGBPixel.UC([255, 0, 7]).GetRed()
    255

A value holds its components in an ``array.array`` of the component type
(so ``Vector[F, 3]`` rounds to float32, ``RGBPixel[UC]`` refuses 256 and
1.5), makes ``np.asarray(v)`` a view of them (``__array__``), and pickles.
A new value is all zeros (ITK leaves it uninitialised).  No NumPy import
happens here.

The same classes are the pixel types of ``Image``:
``Image[Vector[F, 3], 3]`` (a displacement field) is wrapped when the
pixel-type table's compound rows and the CMake options say so
(see :mod:`ndwrap._registry`); ``GetPixel`` returns these values.
"""
from __future__ import annotations

import operator as _operator

from . import _registry as _reg
from . import _table

__all__ = ["Vector", "CovariantVector", "Point", "RGBPixel", "RGBAPixel", "FixedArray"]

_array = None  # the array module, imported with the first value (it imports
# collections: ~1.3 ms of import ndwrap)


def _array_module():
    global _array
    if _array is None:
        import array

        _array = array
    return _array


# struct format of a table row -> array.array type code (same letters)
_TYPECODES = {"b", "B", "h", "H", "i", "I", "q", "Q", "f", "d"}

# value types for these component rows and sizes (pure Python: cheap, so
# more than the image pixel types, which the pixel table decides)
_REAL = ("F", "D")
_COLOUR = ("UC", "US", "F", "D")
# lengths 1..6, and any longer one an image pixel row uses (NDW_WRAP_VECTOR_COMPONENTS)
_SIZES = tuple(range(1, 1 + max([6] + [row[2] for row in _table.COMPOUND_IMAGES])))


def _numpy():
    import numpy

    return numpy


class FixedArray:
    """Base of ITK's fixed-size value types: ``N`` components of one pixel
    type, zero when constructed empty."""

    __slots__ = ("_data",)
    ComponentType = None  # the PixelType of the components
    Length = 0
    _template = ""

    def __init__(self, values=None):
        """``T()`` is all zeros; ``T(values)`` copies a sequence of
        ``Length`` numbers (or another value of the same length);
        ``T(x)`` with a number fills every component with ``x``."""
        tc = self.ComponentType.format
        n = self.Length
        if values is None:
            array = _array or _array_module()
            self._data = array.array(tc, bytes(self.ComponentType.itemsize * n))
            return
        if isinstance(values, (str, bytes, bytearray)):
            raise TypeError(f"{type(self).__name__} takes numbers, not {type(values).__name__}")
        if isinstance(values, (int, float)) and not isinstance(values, bool):
            values = [values] * n
        try:
            seq = list(values)
        except TypeError:
            raise TypeError(f"{type(self).__name__} takes a sequence of {n} numbers or a "
                            f"number, not {type(values).__name__}") from None
        if len(seq) != n:
            raise ValueError(f"{type(self).__name__} has {n} components, got {len(seq)} values")
        array = _array or _array_module()
        self._data = array.array(tc, [self._check(x) for x in seq])

    def _check(self, x):
        """A component value as Python accepts it for the array, with
        NumPy scalars and integral floats of integer rows mapped."""
        if isinstance(x, bool):
            x = int(x)
        if self.ComponentType.kind in "iu":
            if isinstance(x, float) or not hasattr(x, "__index__"):
                raise TypeError(f"{type(self).__name__} components are integers "
                                f"({self.ComponentType.code}), got {type(x).__name__}")
            x = _operator.index(x)
            lo, hi = _int_range(self.ComponentType)
            if not lo <= x <= hi:
                raise OverflowError(f"{type(self).__name__}: {x} is out of the range "
                                    f"{lo}..{hi} of {self.ComponentType.name}")
            return x
        try:
            return float(x)
        except (TypeError, ValueError):
            raise TypeError(f"{type(self).__name__} components are numbers, got "
                            f"{type(x).__name__}") from None

    # -- sequence ----------------------------------------------------------
    def __len__(self):
        return self.Length

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._data[i].tolist()
        return self._data[self._index(i)]

    def __setitem__(self, i, value):
        self._data[self._index(i)] = self._check(value)

    def _index(self, i):
        i = _operator.index(i)
        if not -self.Length <= i < self.Length:
            raise IndexError(f"{type(self).__name__} index {i} out of range 0..{self.Length - 1}")
        return i

    def __iter__(self):
        return iter(self._data.tolist())

    def GetElement(self, i):
        """Component ``i`` (ITK's ``GetElement``)."""
        return self[i]

    def SetElement(self, i, value):
        """Set component ``i`` (ITK's ``SetElement``)."""
        self[i] = value

    def Fill(self, value):
        """Every component set to ``value``."""
        x = self._check(value)
        for i in range(self.Length):
            self._data[i] = x

    def GetDataPointer(self):
        """The address of the components (ITK's ``GetDataPointer``)."""
        return self._data.buffer_info()[0]

    @classmethod
    def Size(cls):
        """The number of components (ITK's static ``Size()``)."""
        return cls.Length

    # -- comparisons and NumPy ---------------------------------------------
    def __eq__(self, other):
        if isinstance(other, FixedArray):
            if type(other)._template != type(self)._template:
                return NotImplemented
            return self._data.tolist() == other._data.tolist()
        try:
            seq = list(other)
        except TypeError:
            return NotImplemented
        return self._data.tolist() == seq

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = None  # mutable

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(v)``: a 1-d view of the components (a copy with
        ``copy=True`` or another ``dtype``)."""
        np = _numpy()
        a = np.frombuffer(self._data, dtype=self.ComponentType.numpy_name)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise ValueError(f"{type(self).__name__}: a {np.dtype(dtype)} array of "
                                 f"{a.dtype} components needs a copy")
            return a.astype(dtype)
        return a.copy() if copy else a

    def __repr__(self):
        return f"ndwrap.{self._template}{self._key_text()}({self._data.tolist()!r})"

    @classmethod
    def _key_text(cls):
        return f"[{cls.ComponentType.code}]"

    @classmethod
    def _key_text_full(cls):
        """``RGBPixel[UC]``, ``Vector[F, 3]``: the class as a registry key."""
        return cls._template + cls._key_text()

    def __reduce__(self):
        return (_rebuild, (self._template, self.ComponentType.code, self.Length,
                           self._data.tolist()))

    def __copy__(self):
        return type(self)(self._data)

    def __deepcopy__(self, memo=None):
        return self.__copy__()


def _int_range(p):
    bits = 8 * p.itemsize
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if p.kind == "i" else (0, (1 << bits) - 1)


class _VectorLike(FixedArray):
    __slots__ = ()

    @classmethod
    def _key_text(cls):
        return f"[{cls.ComponentType.code}, {cls.Length}]"

    def GetVnlVector(self):
        """A ``vnl_vector[T]`` holding a copy of the components (ITK returns a
        vnl_vector by value)."""
        vnl = _reg.TEMPLATES["vnl_vector"][self.ComponentType]
        v = vnl(self.Length, 0)
        for i, x in enumerate(self._data):
            v[i] = x
        return v

    def SetVnlVector(self, vnl_vector):
        """Copy the components from a ``vnl_vector`` of the same length."""
        n = vnl_vector.size()
        if n != self.Length:
            raise ValueError(f"{type(self).__name__} has {self.Length} components, the "
                             f"vnl_vector {n}")
        for i in range(n):
            self[i] = vnl_vector.get(i)

    def GetSquaredNorm(self):
        """Sum of the squared components."""
        return float(sum(x * x for x in self._data))

    def GetNorm(self):
        """The Euclidean norm."""
        return self.GetSquaredNorm() ** 0.5

    def _other(self, other):
        if isinstance(other, FixedArray):
            if other.Length != self.Length:
                raise ValueError(f"{type(self).__name__} and {type(other).__name__} differ in "
                                 "length")
            return other._data
        return None


class _VectorBase(_VectorLike):
    """ITK's ``itk::Vector<T, N>`` (see :mod:`ndwrap.pixeltypes`)."""

    __slots__ = ()
    _template = "Vector"

    @classmethod
    def GetVectorDimension(cls):
        """N (ITK's static ``GetVectorDimension``)."""
        return cls.Length

    def Normalize(self):
        """Divide by the norm in place (a zero vector stays zero); returns the norm."""
        n = self.GetNorm()
        if n > 0:
            for i in range(self.Length):
                self._data[i] = self._data[i] / n
        return n

    def GetNormalized(self):
        v = self.__copy__()
        v.Normalize()
        return v

    def __add__(self, other):
        o = self._other(other)
        if o is None or not isinstance(other, _VectorBase):
            return NotImplemented
        return type(self)([a + b for a, b in zip(self._data, o)])

    def __sub__(self, other):
        o = self._other(other)
        if o is None or not isinstance(other, _VectorBase):
            return NotImplemented
        return type(self)([a - b for a, b in zip(self._data, o)])

    def __mul__(self, other):
        if isinstance(other, _VectorBase):  # ITK: dot product
            return float(sum(a * b for a, b in zip(self._data, self._other(other))))
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return type(self)([a * other for a in self._data])
        return NotImplemented

    def __rmul__(self, other):
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return type(self)([a * other for a in self._data])
        return NotImplemented

    def __truediv__(self, other):
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return type(self)([a / other for a in self._data])
        return NotImplemented

    def __neg__(self):
        return type(self)([-a for a in self._data])


class _CovariantVectorBase(_VectorLike):
    """ITK's ``itk::CovariantVector<T, N>`` (a gradient: a normal's type)."""

    __slots__ = ()
    _template = "CovariantVector"

    @classmethod
    def GetCovariantVectorDimension(cls):
        """N (ITK's static ``GetCovariantVectorDimension``)."""
        return cls.Length

    Normalize = _VectorBase.Normalize


class _PointBase(_VectorLike):
    """ITK's ``itk::Point<T, N>``: a position (``Point - Point`` is a
    ``Vector``, ``Point + Vector`` a ``Point``)."""

    __slots__ = ()
    _template = "Point"

    @classmethod
    def GetPointDimension(cls):
        """N (ITK's static ``GetPointDimension``)."""
        return cls.Length

    def SquaredEuclideanDistanceTo(self, other):
        """Squared distance to another point (or sequence of N numbers)."""
        o = other._data if isinstance(other, FixedArray) else list(other)
        if len(o) != self.Length:
            raise ValueError(f"{type(self).__name__} has {self.Length} components, got {len(o)}")
        return float(sum((a - b) ** 2 for a, b in zip(self._data, o)))

    def EuclideanDistanceTo(self, other):
        """Distance to another point."""
        return self.SquaredEuclideanDistanceTo(other) ** 0.5

    def __sub__(self, other):
        o = self._other(other)
        if o is None:
            return NotImplemented
        diff = [a - b for a, b in zip(self._data, o)]
        if isinstance(other, _PointBase):
            return Vector[self.ComponentType, self.Length](diff)
        if isinstance(other, _VectorBase):
            return type(self)(diff)
        return NotImplemented

    def __add__(self, other):
        o = self._other(other)
        if o is None or not isinstance(other, _VectorBase):
            return NotImplemented
        return type(self)([a + b for a, b in zip(self._data, o)])


class _RGBPixelBase(FixedArray):
    """ITK's ``itk::RGBPixel<T>``: red, green, blue."""

    __slots__ = ()
    _template = "RGBPixel"

    def GetRed(self):
        return self._data[0]

    def GetGreen(self):
        return self._data[1]

    def GetBlue(self):
        return self._data[2]

    def SetRed(self, value):
        self[0] = value

    def SetGreen(self, value):
        self[1] = value

    def SetBlue(self, value):
        self[2] = value

    def Set(self, red, green, blue, *alpha):
        """Set every channel (RGBA takes a fourth, alpha)."""
        values = (red, green, blue) + alpha
        if len(values) != self.Length:
            raise TypeError(f"{type(self).__name__}.Set takes {self.Length} values")
        for i, x in enumerate(values):
            self[i] = x

    def GetLuminance(self):
        """ITK's luminance: 0.30 R + 0.59 G + 0.11 B, as a float."""
        r, g, b = self._data[0], self._data[1], self._data[2]
        return 0.30 * r + 0.59 * g + 0.11 * b


class _RGBAPixelBase(_RGBPixelBase):
    """ITK's ``itk::RGBAPixel<T>``: red, green, blue, alpha."""

    __slots__ = ()
    _template = "RGBAPixel"

    def GetAlpha(self):
        return self._data[3]

    def SetAlpha(self, value):
        self[3] = value


def _rebuild(template, code, n, values):
    t = TEMPLATES[template]
    key = _reg.ctype(code)
    cls = t[key] if template in ("RGBPixel", "RGBAPixel") else t[key, n]
    return cls(values)


def _component(x):
    p = _reg.pixel_type_of(x)
    if p.format not in _TYPECODES:
        raise TypeError(f"{p.code} components are not supported by fixed-size pixel types")
    return p


def _vector_key(key):
    if not isinstance(key, tuple) or len(key) != 2:
        raise TypeError("expected [ComponentType, Length], e.g. Vector[ndwrap.F, 3]")
    return (_component(key[0]), _reg._dim_of(key[1]))


def _colour_key(key):
    if isinstance(key, tuple):
        if len(key) != 1:
            raise TypeError("expected [ComponentType], e.g. RGBPixel[ndwrap.UC]")
        key = key[0]
    return _component(key)


_CLASS_TEMPLATE = {}  # class -> template name (for the registry)


# ITK's mangling of the template in a type's name (ImageVF33, ImageRGBUC2)
_ITK_PREFIX = {"Vector": "V", "CovariantVector": "CV", "Point": "P", "RGBPixel": "RGB",
               "RGBAPixel": "RGBA"}


def _make(template, base, p, n, itk_name):
    sized = template in ("Vector", "CovariantVector", "Point")
    name = f"{template}{p.code}{n if sized else ''}"
    cls = type(name, (base,), {
        "__slots__": (), "__module__": "ndwrap", "__qualname__": name,
        "ComponentType": p, "Length": n, "Dimension": n,
        "_itk_code": f"{_ITK_PREFIX[template]}{p.code}{n if sized else ''}",
        "__doc__": f"ITK's itk::{itk_name} (see ndwrap.pixeltypes).",
    })
    _CLASS_TEMPLATE[cls] = template
    return cls


def _build():
    out = {}
    by = {c: _reg.ctype(c) for c in set(_REAL + _COLOUR)}
    for template, base in (("Vector", _VectorBase), ("CovariantVector", _CovariantVectorBase),
                           ("Point", _PointBase)):
        entries = {}
        for c in _REAL:
            p = by[c]
            for n in _SIZES:
                cls = _make(template, base, p, n, f"{template}<{p.name}, {n}>")
                entries[(p, n)] = cls
                _reg._CLASS_INFO[cls] = (template, (p, n))
        out[template] = _reg.Template(
            template, "ComponentType, Length", _vector_key, entries,
            lambda k: f"Fixed-size vectors hold {' or '.join(_REAL)} components, length "
                      f"{_SIZES[0]}..{_SIZES[-1]}.")
    for template, base, n in (("RGBPixel", _RGBPixelBase, 3), ("RGBAPixel", _RGBAPixelBase, 4)):
        entries = {}
        for c in _COLOUR:
            p = by[c]
            cls = _make(template, base, p, n, f"{template}<{p.name}>")
            entries[p] = cls
            _reg._CLASS_INFO[cls] = (template, (p,))
        out[template] = _reg.Template(
            template, "ComponentType", _colour_key, entries,
            lambda k: f"Colour pixels hold {', '.join(_COLOUR)} components.")
    return out


TEMPLATES = _build()
Vector = TEMPLATES["Vector"]
CovariantVector = TEMPLATES["CovariantVector"]
Point = TEMPLATES["Point"]
RGBPixel = TEMPLATES["RGBPixel"]
RGBAPixel = TEMPLATES["RGBAPixel"]


def value_class_of(obj):
    """``(template name, class)`` when ``obj`` is one of these value classes
    (or an instance), else None."""
    cls = obj if isinstance(obj, type) else type(obj)
    t = _CLASS_TEMPLATE.get(cls)
    return None if t is None else (t, cls)


def by_itk_code():
    """{ITK code: class}, e.g. ``{"VF3": Vector[F, 3], "RGBUC": RGBPixel[UC]}``."""
    return {cls._itk_code: cls for cls in _CLASS_TEMPLATE}


# ----------------------------------------------------------------------------
# as pixel types of Image (the pixel table's NDW_COMPOUND_TABLE rows)

_ROWS = {row[0]: row for row in _table.COMPOUND_TYPES}


def _value_class(row, n):
    code, _id, itk, comp, n_spec, _on, _wrapped = row
    t, p = TEMPLATES[itk], _reg.ctype(comp)
    return t[p] if itk in ("RGBPixel", "RGBAPixel") else t[p, n]


def register_images(image_template, core, class_info):
    """Add ``Image[Vector[F, 3], 3]`` (class ``ImageVF33``) and the other
    wrapped images of fixed-size pixels to the ``Image`` template, and tell
    the C glue which value class ``GetPixel`` returns for each layout."""
    layouts = {}
    for name, code, n, d, layout in _table.COMPOUND_IMAGES:
        value = _value_class(_ROWS[code], n)
        cls = getattr(core, name)
        image_template._entries[(value, d)] = cls
        class_info[cls] = ("Image", (value, d))
        layouts[layout] = value
    core._set_pixel_classes(layouts)
    plain_hint = image_template._missing_hint

    def hint(k):
        return _image_hint(k) if isinstance(k[0], type) else plain_hint(k)

    image_template._missing_hint = hint


def _image_hint(key):
    from ._sdk import installed_by_pip, option_text

    value, d = key
    pip = installed_by_pip()
    rows = [r for r in _table.COMPOUND_TYPES
            if r[2] == value._template and r[3] == value.ComponentType.code]
    if not rows:
        return (f"No row of the fixed-size pixel table (NDW_COMPOUND_TABLE in "
                f"ndw/pixel_types.h) makes {value._key_text_full()} an image pixel type.")
    code, _id, _itk, comp, n_spec, _on, wrapped = rows[0]
    opts = []
    if not wrapped:
        opts.append(option_text(f"NDW_WRAP_{code}", "ON", pip))
        if not _reg.ctype(comp).wrapped:
            opts.append(option_text(f"NDW_WRAP_{comp}", "ON", pip))
    if n_spec == "dim" and value.Length != d and value.Length not in _table.VECTOR_COMPONENTS:
        lengths = ";".join(str(x) for x in sorted(set(_table.VECTOR_COMPONENTS) | {value.Length}))
        opts.append(option_text("NDW_WRAP_VECTOR_COMPONENTS", lengths, pip))
    elif n_spec != "dim" and value.Length != int(n_spec):
        return f"{value._template} pixels have {n_spec} components."
    if d not in _table.DIMS:
        if d > 8:
            return f"Dimension {d} is beyond ndwrap's limit of 8."
        opts.append(option_text("NDW_WRAP_DIMS",
                                ";".join(str(x) for x in sorted(set(_table.DIMS) | {d})), pip))
    if not opts:
        return ""
    return ("Reinstall" if pip else "Reconfigure") + " ndwrap with " + " ".join(opts) + \
        " to add it."
