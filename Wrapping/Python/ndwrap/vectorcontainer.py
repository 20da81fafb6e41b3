"""ITK's ``VectorContainer`` and ``PyVectorContainer`` (the VectorContainer
module: C in ``Modules/Core/VectorContainer``, glue in
``swig/ndw_py_vector_container.c``).

    >>> v = ndwrap.VectorContainer[ndwrap.ULL, ndwrap.F].New()   # or VectorContainer.ULLF
    >>> v.Reserve(4); v.SetElement(0, 1.5); v.InsertElement(5, 2)   # size 6 now
    >>> arr = ndwrap.array_view_from_vector_container(v)           # shares memory, shape (6,)
    >>> v.Reserve(10)                                               # BufferError: arr is alive

Elements are the scalars of the pixel table (``VectorContainer[ULL, T]``
for every wrapped ``T``) and points (``VectorContainer[ULL, Point[F, N]]``
and ``Point[D, N]`` for every wrapped dimension N), stored contiguously in
C; a point container is an array of shape (n, N).  The identifier type is
ITK's ``IdentifierType``, ``ULL`` (64 bits); ``VectorContainer[T]`` (ITK's
one-argument alias) is the same class.

Conversions (``PyVectorContainer[T]`` and the module-level names, ITK's
spellings):

* ``array_view_from_vector_container(c)``: a NumPy view (no copy).  The view
  keeps the container's memory alive, and while any view lives every call
  that would resize the container (``Reserve`` beyond the size,
  ``InsertElement`` beyond the end, ``Initialize``, ``CreateIndex`` beyond the
  end) raises ``BufferError`` and changes nothing, as ``vnl``'s
  ``set_size``: no view can dangle.  Element writes show through the view.
* ``array_from_vector_container(c)``: a copy.
* ``vector_container_from_array(arr)``: a new container holding a copy; a
  1-d array gives scalars of its dtype, an (n, N) array of float32/float64
  gives ``Point[F or D, N]`` elements; ``ttype=`` picks the element type
  (a converting copy within NumPy's ``same_kind`` rule).

Where ndwrap differs from ITK (whose behaviour there is undefined or odd):
``GetElement`` / ``SetElement`` / ``ElementAt`` / ``DeleteIndex`` outside the
container raise ``IndexError``; ``ElementAt`` returns the value (a copy for
points, as ``GetElement``); ``Reserve(n)`` grows the size to ``n`` and never
shrinks or clears (ITK's ``Reserve(0)`` empties the container, and
``Reserve(n)`` on a larger one zeroes element ``n - 1``); ``CreateIndex(i)``
zeroes element ``i`` also for ``i == 0``; ``Squeeze()`` does nothing (as ITK).
"""
from __future__ import annotations

import operator as _operator

from . import _registry as _reg
from . import _table
from . import ndwcore as _core

__all__ = ["VectorContainer", "PyVectorContainer", "array_view_from_vector_container",
           "array_from_vector_container", "vector_container_from_array"]

_ULL = _reg.ctype("UL")  # ITK's IdentifierType: unsigned long long, 64 bits


def _numpy():
    import numpy

    return numpy


def _point_template():
    from .pixeltypes import Point

    return Point


class _VectorContainerBase:
    """ITK's ``itk::VectorContainer<IdentifierType, Element>`` (see
    :mod:`ndwrap.vectorcontainer`): a resizable, contiguous array whose data
    NumPy views without a copy."""

    __slots__ = ("_c", "__weakref__")
    ElementIdentifier = _ULL
    Element = None  # a PixelType, or a Point class
    _code = ""
    _components = 1
    _zero = 0

    def __init__(self):
        self._c = _core._VectorContainer(self._code, self._components)

    @classmethod
    def New(cls):
        """A new empty container (ITK's ``New()``)."""
        return cls()

    def _value(self, v):
        return v if self._components == 1 else self.Element(v)

    def Size(self):
        """The number of elements."""
        return self._c.size()

    def __len__(self):
        return self._c.size()

    def Reserve(self, n):
        """Grow to at least ``n`` elements (new ones zero); ITK's ``Reserve``."""
        n = _operator.index(n)
        if n < 0:
            raise ValueError(f"Reserve({n}): a size must be >= 0")
        if n > self._c.size():
            self._c.resize(n)

    def Squeeze(self):
        """Does nothing (as ITK's ``VectorContainer::Squeeze``)."""

    def Initialize(self):
        """Remove every element (size 0)."""
        self._c.resize(0)

    def IndexExists(self, i):
        """Is ``i`` an identifier of an element (0 <= i < Size())?"""
        i = _operator.index(i)
        return 0 <= i < self._c.size()

    def CreateIndex(self, i):
        """Make element ``i`` exist, zero (growing the container when needed)."""
        if _operator.index(i) >= self._c.size():
            self._c.insert(i, self._zero)
        else:
            self._c.set(i, self._zero)

    def DeleteIndex(self, i):
        """Set element ``i`` to zero (ITK cannot delete from a vector either)."""
        self._c.set(i, self._zero)

    def GetElement(self, i):
        """Element ``i`` (a number, or a Point holding a copy); IndexError outside."""
        return self._value(self._c.get(i))

    def ElementAt(self, i):
        """Element ``i``, as ``GetElement`` (ITK returns a reference)."""
        return self._value(self._c.get(i))

    def SetElement(self, i, value):
        """Set element ``i`` (a number, or a Point / N numbers); IndexError outside."""
        self._c.set(i, value)

    def InsertElement(self, i, value):
        """Set element ``i``, growing the container to ``i + 1`` elements when needed."""
        self._c.insert(i, value)

    def CastToSTLContainer(self):
        """The elements as a new list (ITK returns the ``std::vector``)."""
        return [self._value(self._c.get(i)) for i in range(self._c.size())]

    def _index(self, i):
        i = _operator.index(i)
        return i + self._c.size() if i < 0 else i

    def __getitem__(self, i):
        return self._value(self._c.get(self._index(i)))

    def __setitem__(self, i, value):
        self._c.set(self._index(i), value)

    def __iter__(self):
        """The elements one at a time (lazy: ``iter()`` of a big container
        costs nothing; a container that shrinks under it ends the loop)."""
        i = 0
        while i < self._c.size():
            yield self.GetElement(i)
            i += 1

    def __array__(self, dtype=None, copy=None):
        """``np.asarray(c)``: a view of the elements (a copy with ``copy=True``
        or another ``dtype``; ``copy=False`` refuses one)."""
        np = _numpy()
        a = np.asarray(self._c)
        if dtype is not None and np.dtype(dtype) != a.dtype:
            if copy is False:
                raise ValueError(f"{type(self).__name__} holds {a.dtype}, {np.dtype(dtype)} "
                                 "was asked for: that needs a copy (copy=False)")
            return a.astype(dtype)
        return a.copy() if copy else a

    def __repr__(self):
        return f"<ndwrap.{type(self).__name__} size={self._c.size()}>"


def _elem_suffix(elem):
    if isinstance(elem, _reg.PixelType):
        return elem.code
    p, n = _reg.template(elem)[1]
    return f"P{p.code}{n}"


def _elem_text(elem):
    return elem.code if isinstance(elem, _reg.PixelType) else \
        f"Point[{_reg.template(elem)[1][0].code}, {_reg.template(elem)[1][1]}]"


def _normalise(key):
    """(ULL, element) from ``[ULL, T]``, ``[T]`` or ``T``."""
    if isinstance(key, list):
        key = tuple(key)
    if not isinstance(key, tuple):
        key = (key,)
    if len(key) == 1:
        key = (_ULL, key[0])
    if len(key) != 2:
        raise TypeError("expected [ElementIdentifier, Element], e.g. VectorContainer[ULL, F]")
    if _reg.pixel_type_of(key[0]) is not _ULL:
        raise TypeError(f"the element identifier type is ULL (IdentifierType, 64 bits), not "
                        f"{key[0]!r}")
    elem = key[1]
    if isinstance(elem, type) and elem in _reg._CLASS_INFO:
        return (_ULL, elem)
    return (_ULL, _reg.pixel_type_of(elem))


class _Template(_reg.Template):
    def _suffix(self, k):
        return "ULL" + _elem_suffix(k[1])

    def _key_text(self, k):
        return "ULL, " + _elem_text(k[1])


def _hint(k):
    return ("Elements are the wrapped pixel types (NDW_WRAP_<code>) and Point[F or D, N] for "
            f"the wrapped dimensions N ({', '.join(map(str, _table.DIMS))}: NDW_WRAP_DIMS).")


def _elements():
    out = [p for p in _reg.PIXEL_TYPES if p.wrapped and p.kind in "biufc"]
    Point = _point_template()
    for code in ("F", "D"):
        p = _reg.ctype(code)
        if p.wrapped:
            out += [Point[p, d] for d in _table.DIMS]
    return out


def _build():
    containers, converters = {}, {}
    for elem in _elements():
        if isinstance(elem, _reg.PixelType):
            code, comps, zero = elem.code, 1, 0
        else:
            p, n = _reg.template(elem)[1]
            code, comps, zero = p.code, n, (0,) * n
        name = "VectorContainerULL" + _elem_suffix(elem)
        cls = type(name, (_VectorContainerBase,), {
            "__slots__": (), "__module__": "ndwrap", "__qualname__": name,
            "Element": elem, "_code": code, "_components": comps, "_zero": zero,
            "__doc__": f"ITK's VectorContainer<IdentifierType, {_elem_text(elem)}> (see "
                       "ndwrap.vectorcontainer)."})
        _reg._CLASS_INFO[cls] = ("VectorContainer", (_ULL, elem))
        containers[(_ULL, elem)] = cls
        pname = "PyVectorContainerULL" + _elem_suffix(elem)
        converters[(_ULL, elem)] = type(pname, (_PyVectorContainerBase,), {
            "__module__": "ndwrap", "__qualname__": pname, "ContainerType": cls,
            "Element": elem, "__doc__": _PyVectorContainerBase.__doc__})
    return (_Template("VectorContainer", "ElementIdentifier, Element", _normalise, containers,
                      _hint),
            _Template("PyVectorContainer", "ElementIdentifier, Element", _normalise, converters,
                      _hint))


class _PyVectorContainerBase:
    """``PyVectorContainer[T]`` (ITK's ``itk.PyVectorContainer[ULL, T]``):
    ``array_view_from_vector_container`` (a view that keeps the container
    from resizing while it lives), ``array_from_vector_container`` (a copy),
    ``vector_container_from_array`` (a new container holding a copy)."""

    ContainerType = None
    Element = None

    @classmethod
    def _check(cls, container):
        if type(container) is not cls.ContainerType:
            raise TypeError(f"{cls.__name__} takes a {cls.ContainerType.__name__}, not "
                            f"{type(container).__name__}")

    @classmethod
    def array_view_from_vector_container(cls, container):
        """A NumPy view of the elements, shape (n,) or (n, N) for points."""
        cls._check(container)
        return _numpy().asarray(container._c)

    @classmethod
    def array_from_vector_container(cls, container):
        """A NumPy copy of the elements, shape (n,) or (n, N) for points."""
        cls._check(container)
        return _numpy().array(container._c, copy=True)

    @classmethod
    def vector_container_from_array(cls, arr):
        """A new container holding a copy of ``arr`` (shape (n,), or (n, N)
        for points), converted to the element type within ``same_kind``."""
        np = _numpy()
        T = cls.ContainerType
        a = np.asarray(arr)
        want_ndim = 1 if T._components == 1 else 2
        if a.ndim != want_ndim or (want_ndim == 2 and a.shape[1] != T._components):
            shape = "(n,)" if want_ndim == 1 else f"(n, {T._components})"
            raise ValueError(f"{T.__name__} takes an array of shape {shape}, got {a.shape}")
        want = np.dtype(_reg.ctype(T._code).numpy_name)
        got = a.dtype.newbyteorder("=") if a.dtype.byteorder not in "=|" else a.dtype
        _reg.pixel_type_of_dtype(a.dtype)  # TypeError for object, str, float16, ...
        if got != want and not np.can_cast(got, want, casting="same_kind"):
            raise TypeError(f"cannot convert an array of {a.dtype} to {T.__name__} "
                            f"({want}) without changing the kind of value; convert it "
                            "explicitly")
        c = T()
        c._c.assign(np.array(a, dtype=want, order="C", copy=True))
        return c


VectorContainer, PyVectorContainer = _build()


def _ttype_element(ttype):
    if isinstance(ttype, (tuple, list)):
        if len(ttype) != 1:
            raise TypeError("ttype= is the element type, or a tuple of it: (T,)")
        ttype = ttype[0]
    return _normalise(ttype)[1]


def _converter_of(container, ttype):
    info = _reg._CLASS_INFO.get(type(container))
    if info is None or info[0] != "VectorContainer":
        raise TypeError(f"expected an ndwrap VectorContainer, got {type(container).__name__}")
    elem = info[1][1]
    if ttype is not None and _ttype_element(ttype) is not elem:
        raise TypeError(f"ttype={ttype!r} does not match the container's element type "
                        f"{_elem_text(elem)}")
    return PyVectorContainer[_ULL, elem]


def array_view_from_vector_container(container, ttype=None):
    """A NumPy view of a VectorContainer's elements (ITK's name; shares
    memory; the container cannot be resized while the view lives)."""
    return _converter_of(container, ttype).array_view_from_vector_container(container)


def array_from_vector_container(container, ttype=None):
    """A NumPy copy of a VectorContainer's elements (ITK's name)."""
    return _converter_of(container, ttype).array_from_vector_container(container)


def vector_container_from_array(arr, ttype=None):
    """A new VectorContainer holding a copy of ``arr`` (ITK's name): a 1-d
    array gives scalars of its dtype, an (n, N) float array Point[F/D, N]
    elements; ``ttype=`` (T or (T,)) picks the element type."""
    np = _numpy()
    a = np.asarray(arr)
    if ttype is not None:
        elem = _ttype_element(ttype)
    else:
        p = _reg.pixel_type_of_dtype(a.dtype)
        if a.ndim == 1:
            elem = p
        elif a.ndim == 2 and p.code in ("F", "D"):
            elem = _point_template()[p, a.shape[1]]
        else:
            raise ValueError(f"vector_container_from_array() takes a 1-d array, or an (n, N) "
                             f"array of float32/float64 for points; got shape {a.shape} and "
                             f"dtype {a.dtype}")
    return PyVectorContainer[_ULL, elem].vector_container_from_array(a)
