"""PyVnl: zero-copy conversion between vnl vectors/matrices and NumPy.

Same conventions as PyBuffer (DESIGN.md "Conversion semantics"): a vector
is an array of shape (n,), a matrix of shape (rows, cols), row-major with
``a[r, c] == m.get(r, c)``.  The vnl objects export the buffer protocol, so
``np.asarray(v)`` shares memory too.

What is viewed and what is copied:

* vnl -> array: ``GetArrayViewFromVnl*`` and ``GetArrayFromVnl*(x, copy=None)``
  or ``copy=False`` return a view (it keeps the vnl object alive, and
  ``set_size`` on the object raises ``BufferError`` while it exists);
  ``copy=True`` returns an independent array.
* array -> vnl: vnl data is always contiguous (vnl's ``data_block()``), so
  only a C-contiguous, aligned, native-byte-order array of exactly the
  element type can be viewed (the vnl object then keeps the array's buffer
  alive).  A strided array (``a[::2]``, ``a.T``), a non-native byte order or
  misaligned data is copied when ``copy=None`` and refused with
  ``ndwrap.CopyRequiredError`` (a ``ValueError``) by ``copy=False`` and by the
  ``...View...`` spellings.
  ``copy=True`` always copies.
* Another element type (e.g. float64 for ``PyVnl[F]``) is converted by a
  copy with ``copy=None`` or ``copy=True`` (as PyBuffer does), within the
  kind rules of ``np.can_cast(..., casting="same_kind")``: complex -> float or
  float -> int is a ``TypeError``. ``copy=False`` and the ``...View...``
  spellings raise ``ndwrap.DTypeMismatchError`` (a ``TypeError`` and a
  ``ValueError``).  float16, object, string and
  structured dtypes are a ``TypeError`` listing the wrapped types.
* A read-only array gives a read-only vnl object (``put``/``fill`` raise
  ``ValueError``) whose arrays are read-only too; a copy is writable.
* Module helpers keep ITK 5's meaning: ``array_view_from_vnl_*`` and
  ``vnl_*_view_from_array`` share (never copy); ``array_from_vnl_*`` and
  ``vnl_*_from_array`` always copy.  The helpers pick the element type from
  the object or the array's dtype.
"""
from __future__ import annotations

from . import _registry as _reg
from .pybuffer import _copy_flag, _numpy

__all__ = ["PyVnl", "array_from_vnl_vector", "array_view_from_vnl_vector",
           "vnl_vector_from_array", "vnl_vector_view_from_array", "array_from_vnl_matrix",
           "array_view_from_vnl_matrix", "vnl_matrix_from_array", "vnl_matrix_view_from_array"]


def _view_of(obj):
    return _numpy().asarray(obj)


def _copy_of(obj):
    return _numpy().array(obj, copy=True)


def _from_array(cls, pixel, ndim, arr, copy):
    """vnl object of class `cls` from `arr`; copy None/True/False."""
    np = _numpy()
    kind = "vnl_matrix" if ndim == 2 else "vnl_vector"
    failure = None
    if copy is not True:  # (small exact copies never get here: the C fast path does them)
        try:
            return cls._view(arr)
        except TypeError as e:  # dtype or layout (ValueErrors are final)
            failure = e
    # Slow path: a copy (asked for, or needed); or a precise error.
    a = np.asarray(arr)
    if a.ndim != ndim:
        raise ValueError(f"a {kind} needs an array of {ndim} dimension(s), not {a.ndim}")
    got = _reg.pixel_type_of_dtype(a.dtype)  # TypeError listing wrapped types
    want = pixel.dtype
    if a.dtype.newbyteorder("=") != want:
        # another element type: a converting copy with copy=None or True, within
        # NumPy's same_kind rule (as PyBuffer); views and copy=False refuse
        if copy is False:
            raise _reg.DTypeMismatchError(
                f"{kind}[{pixel.code}] holds {pixel.numpy_name}, the array is {a.dtype}: "
                f"a view needs PyVnl[{got.code}]; copy=None converts")
        if not np.can_cast(a.dtype.newbyteorder("="), want, casting="same_kind"):
            raise TypeError(f"cannot convert an array of {a.dtype} to {kind}[{pixel.code}] "
                            f"({pixel.numpy_name}) without changing the kind of value; "
                            "convert it explicitly")
    elif copy is False:
        raise _reg.CopyRequiredError(f"cannot view the array as {kind}[{pixel.code}] without a "
                                     f"copy: {failure} (copy=False)")
    # a private copy (converted, C-contiguous, native): the vnl is its only user
    return cls._view(np.array(a, dtype=want, order="C", copy=True))


class _PyVnlBase:
    """PyVnl[ElementType]: static conversions for one element type."""

    ElementType = None
    VectorType = None
    MatrixType = None

    @classmethod
    def _check(cls, obj, want):
        if type(obj) is not want:
            raise TypeError(f"PyVnl[{cls.ElementType.code}] expected a {want.__name__}, "
                            f"got {type(obj).__name__}")

    @classmethod
    def GetArrayViewFromVnlVector(cls, v):
        cls._check(v, cls.VectorType)
        return _view_of(v)

    @classmethod
    def GetArrayFromVnlVector(cls, v, copy=None):
        cls._check(v, cls.VectorType)
        copy = _copy_flag(copy)
        return _copy_of(v) if copy else _view_of(v)

    @classmethod
    def GetVnlVectorViewFromArray(cls, arr):
        return _from_array(cls.VectorType, cls.ElementType, 1, arr, False)

    @classmethod
    def GetVnlVectorFromArray(cls, arr, copy=None):
        copy = _copy_flag(copy)
        return _from_array(cls.VectorType, cls.ElementType, 1, arr, copy)

    @classmethod
    def GetArrayViewFromVnlMatrix(cls, m):
        cls._check(m, cls.MatrixType)
        return _view_of(m)

    @classmethod
    def GetArrayFromVnlMatrix(cls, m, copy=None):
        cls._check(m, cls.MatrixType)
        copy = _copy_flag(copy)
        return _copy_of(m) if copy else _view_of(m)

    @classmethod
    def GetVnlMatrixViewFromArray(cls, arr):
        return _from_array(cls.MatrixType, cls.ElementType, 2, arr, False)

    @classmethod
    def GetVnlMatrixFromArray(cls, arr, copy=None):
        copy = _copy_flag(copy)
        return _from_array(cls.MatrixType, cls.ElementType, 2, arr, copy)


class _PyVnlTemplate(_reg._Registry):
    """``PyVnl[ElementType]`` (also ``PyVnl.F``, ITK's spelling): conversions
    between vnl vectors/matrices of that element type and NumPy arrays.
    ``GetArrayFromVnl*`` / ``GetVnl*FromArray`` share memory unless
    ``copy=True`` (ITK 5 copies there: README "Coming from ITK");
    ``...View...`` never copies."""

    __name__ = "PyVnl"

    def __init__(self):
        self._cache = {}  # pixel type -> its PyVnl class

    def _lookup(self, element_type):
        """``PyVnl[key]`` when the C base (``_registry._Registry``) has no
        answer remembered (it remembers exact keys: a PixelType, str or class)."""
        vec = _reg.TEMPLATES["vnl_vector"][element_type]  # NotWrappedError lists types
        pixel = _reg.template(vec)[1][0]
        cls = self._cache.get(pixel)
        if cls is None:
            cls = type(f"PyVnl_{pixel.code}", (_PyVnlBase,), {
                "ElementType": pixel, "VectorType": vec,
                "MatrixType": _reg.TEMPLATES["vnl_matrix"][pixel],
                "__doc__": _PyVnlBase.__doc__})
            _install_fast(cls)
            self._cache[pixel] = cls
        return cls

    def __getattr__(self, name):
        """ITK's attribute spelling: ``PyVnl.F`` is ``PyVnl[ndwrap.F]``."""
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[_reg.ctype(name)]
        except (KeyError, TypeError):
            raise AttributeError(f"PyVnl has no element type {name!r}") from None

    def __repr__(self):
        return "<ndwrap template PyVnl[ElementType]>"


PyVnl = _PyVnlTemplate()


def _install_fast(cls):
    """C fast paths in front of the common calls (see pybuffer._install_fast)."""
    from .pybuffer import (_FAST_VNL_COPY, _FAST_VNL_IMPORT, _FAST_VNL_IMPORT_COPY,
                           _FAST_VNL_VIEW, _fast)

    for kind, T in (("Vector", cls.VectorType), ("Matrix", cls.MatrixType)):
        for name, fast in ((f"GetArrayViewFromVnl{kind}", _FAST_VNL_VIEW),
                           (f"GetArrayFromVnl{kind}", _FAST_VNL_COPY),
                           (f"GetVnl{kind}ViewFromArray", _FAST_VNL_IMPORT),
                           (f"GetVnl{kind}FromArray", _FAST_VNL_IMPORT_COPY)):
            setattr(cls, name, _fast(fast, T, getattr(cls, name)))


def _pyvnl_for(obj):
    name, key = _reg.template(obj)
    if name not in ("vnl_vector", "vnl_matrix"):
        raise TypeError(f"{type(obj).__name__} is not a vnl vector or matrix")
    return PyVnl[key[0]]


_BY_DTYPE = {}  # dtype -> PyVnl class, for the helpers


def _pyvnl_for_array(arr):
    try:
        return _BY_DTYPE[arr.dtype]
    except (AttributeError, KeyError, TypeError):
        pass
    dt = _numpy().asarray(arr).dtype
    cls = PyVnl[_reg.pixel_type_of_dtype(dt)]
    if len(_BY_DTYPE) < 256:
        _BY_DTYPE[dt] = cls
    return cls


def array_view_from_vnl_vector(v):
    """A NumPy view of the vector (shares memory)."""
    return _pyvnl_for(v).GetArrayViewFromVnlVector(v)


def array_from_vnl_vector(v):
    """A NumPy copy of the vector."""
    return _pyvnl_for(v).GetArrayFromVnlVector(v, copy=True)


def vnl_vector_view_from_array(arr):
    """A vnl_vector viewing the array's memory (never a copy)."""
    return _pyvnl_for_array(arr).GetVnlVectorViewFromArray(arr)


def vnl_vector_from_array(arr):
    """A vnl_vector holding a copy of the array."""
    return _pyvnl_for_array(arr).GetVnlVectorFromArray(arr, copy=True)


def array_view_from_vnl_matrix(m):
    """A NumPy view of the matrix, shape (rows, cols) (shares memory)."""
    return _pyvnl_for(m).GetArrayViewFromVnlMatrix(m)


def array_from_vnl_matrix(m):
    """A NumPy copy of the matrix, shape (rows, cols)."""
    return _pyvnl_for(m).GetArrayFromVnlMatrix(m, copy=True)


def vnl_matrix_view_from_array(arr):
    """A vnl_matrix viewing the array's memory (never a copy)."""
    return _pyvnl_for_array(arr).GetVnlMatrixViewFromArray(arr)


def vnl_matrix_from_array(arr):
    """A vnl_matrix holding a copy of the array."""
    return _pyvnl_for_array(arr).GetVnlMatrixFromArray(arr, copy=True)


def array_from_matrix(m):
    """A NumPy copy of a matrix: a ``vnl_matrix``, an image's
    ``GetDirection()`` or any nested sequence of numbers (ITK's
    ``itk.array_from_matrix``); shape (rows, cols)."""
    np = _numpy()
    if isinstance(m, (str, bytes)):
        raise TypeError(f"array_from_matrix() takes a matrix, not {type(m).__name__}")
    a = np.array(m, copy=True)
    if a.ndim != 2 or a.dtype.kind not in "biufc":
        raise ValueError(f"array_from_matrix() takes a 2-d matrix of numbers, got an array "
                         f"of shape {a.shape} and dtype {a.dtype}")
    return a


# ITK 5's module-level CamelCase names: *From* copy, *ViewFrom* share (as the
# snake_case helpers above; PyVnl[T]'s methods share: see the README)
GetArrayFromVnlVector = array_from_vnl_vector
GetArrayViewFromVnlVector = array_view_from_vnl_vector
GetVnlVectorFromArray = vnl_vector_from_array
GetArrayFromVnlMatrix = array_from_vnl_matrix
GetArrayViewFromVnlMatrix = array_view_from_vnl_matrix
GetVnlMatrixFromArray = vnl_matrix_from_array
GetArrayFromMatrix = array_from_matrix

__all__ += ["array_from_matrix", "GetArrayFromVnlVector", "GetArrayViewFromVnlVector",
            "GetVnlVectorFromArray", "GetArrayFromVnlMatrix", "GetArrayViewFromVnlMatrix",
            "GetVnlMatrixFromArray", "GetArrayFromMatrix"]
