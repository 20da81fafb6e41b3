"""``Matrix[T, Rows, Cols]``: ITK's fixed-size ``itk::Matrix`` (a direction,
a transform's matrix) for ITK code: ``Matrix[ndwrap.D, 3, 3]()``,
``SetIdentity()``, ``m(r, c)``, ``GetVnlMatrix()``, ``np.asarray(m)``, and
``matrix_from_array`` / ``GetMatrixFromArray`` (copies, as ITK 5).

The elements live in a ``vnl_matrix[T]`` of shape (Rows, Cols) (C memory,
row-major); ``GetVnlMatrix()`` returns that object, so it shares memory as
ITK's ``vnl_matrix_fixed_ref`` does.  The shape is fixed: the vnl object
cannot be re-sized through the matrix.  Element types: F and D (ITK wraps
those), sizes 1..4 by 1..4.
"""
from __future__ import annotations

from . import _registry as _reg

__all__ = ["Matrix", "matrix_from_array", "GetMatrixFromArray"]

_SIZES = (1, 2, 3, 4)


def _numpy():
    import numpy

    return numpy


class _MatrixBase:
    """ITK's ``itk::Matrix<T, Rows, Cols>``: a fixed-size matrix over a
    ``vnl_matrix[T]`` (see :mod:`ndwrap.matrix`)."""

    __slots__ = ("_vnl",)
    ElementType = None
    RowDimensions = 0
    ColumnDimensions = 0
    _Vnl = None

    def __init__(self, values=None):
        """``Matrix[T, R, C]()`` is all zeros; ``Matrix[T, R, C](values)``
        copies an (R, C) array-like of numbers."""
        self._vnl = self._Vnl(self.RowDimensions, self.ColumnDimensions, 0)
        if values is not None:
            self._assign(values)

    def _assign(self, values):
        np = _numpy()
        if isinstance(values, (str, bytes)):
            raise TypeError(f"{type(self).__name__} takes numbers, not {type(values).__name__}")
        a = np.asarray(values)
        if a.dtype.kind not in "biuf":
            raise TypeError(f"{type(self).__name__} takes real numbers, not an array of {a.dtype}")
        shape = (self.RowDimensions, self.ColumnDimensions)
        if a.shape != shape:
            raise ValueError(f"{type(self).__name__} needs an array of shape {shape}, not {a.shape}")
        np.asarray(self._vnl)[...] = a

    def SetIdentity(self):
        """Ones on the diagonal, zeros elsewhere (ITK's ``SetIdentity``)."""
        _numpy().asarray(self._vnl)[...] = _numpy().eye(self.RowDimensions,
                                                        self.ColumnDimensions)

    def Fill(self, value):
        """Every element set to ``value``."""
        self._vnl.fill(value)

    def GetVnlMatrix(self):
        """The ``vnl_matrix[T]`` holding the elements (shared, not a copy)."""
        return self._vnl

    def GetTranspose(self):
        """A new ``Matrix[T, Cols, Rows]``, the transpose."""
        t = Matrix[self.ElementType, self.ColumnDimensions, self.RowDimensions]
        return t(_numpy().asarray(self._vnl).T)

    def GetInverse(self):
        """A new matrix, the inverse (``ValueError`` when singular or not square)."""
        np = _numpy()
        if self.RowDimensions != self.ColumnDimensions:
            raise ValueError(f"{type(self).__name__} is not square: no inverse")
        try:
            inv = np.linalg.inv(np.asarray(self._vnl, dtype=float))
        except np.linalg.LinAlgError as e:
            raise ValueError(f"{type(self).__name__} is singular: {e}") from None
        return type(self)(inv)

    def __call__(self, r, c):
        """``m(r, c)``: element (row r, column c)."""
        return self._vnl.get(r, c)

    def __getitem__(self, key):
        """``m[r, c]`` or ``m[r]`` (a row): NumPy indexing of the elements."""
        return _numpy().asarray(self._vnl)[key]

    def __setitem__(self, key, value):
        _numpy().asarray(self._vnl)[key] = value

    def __array__(self, dtype=None, copy=None):
        return self._vnl.__array__(dtype=dtype, copy=copy)

    def __eq__(self, other):
        if not isinstance(other, _MatrixBase):
            return NotImplemented
        np = _numpy()
        return bool(np.array_equal(np.asarray(self._vnl), np.asarray(other._vnl)))

    __hash__ = None  # mutable

    def __repr__(self):
        return f"<ndwrap.{type(self).__name__} {_numpy().asarray(self._vnl).tolist()}>"

    def __reduce__(self):
        return (_rebuild, (self.ElementType.code, self.RowDimensions, self.ColumnDimensions,
                           _numpy().asarray(self._vnl).tolist()))

    def __copy__(self):
        return type(self)(_numpy().asarray(self._vnl))

    def __deepcopy__(self, memo=None):
        return self.__copy__()


def _rebuild(code, rows, cols, values):
    return Matrix[_reg.ctype(code), rows, cols](values)


def _matrix_key(key):
    if not isinstance(key, tuple) or len(key) != 3:
        raise TypeError("expected [ElementType, Rows, Cols], e.g. Matrix[ndwrap.D, 3, 3]")
    return (_reg.pixel_type_of(key[0]), _reg._dim_of(key[1]), _reg._dim_of(key[2]))


def _build():
    entries = {}
    for p in _reg.PIXEL_TYPES:
        if p.code not in ("F", "D") or not p.wrapped:
            continue
        vnl = _reg.TEMPLATES["vnl_matrix"][p]
        for r in _SIZES:
            for c in _SIZES:
                name = f"Matrix{p.code}{r}{c}"
                cls = type(name, (_MatrixBase,), {
                    "__slots__": (), "__module__": __name__, "ElementType": p,
                    "RowDimensions": r, "ColumnDimensions": c, "_Vnl": vnl,
                    "__doc__": f"ITK's itk::Matrix<{p.name}, {r}, {c}> (see ndwrap.matrix)."})
                entries[(p, r, c)] = cls
                _reg._CLASS_INFO[cls] = ("Matrix", (p, r, c))

    def hint(k):
        if k[0].code not in ("F", "D"):
            return "Matrix holds F or D elements."
        if k[1] not in _SIZES or k[2] not in _SIZES:
            return "Matrix sizes are 1..4."
        return _reg._hint_for(k[0], None)

    return _reg.Template("Matrix", "ElementType, Rows, Cols", _matrix_key, entries, hint)


Matrix = _build()


def matrix_from_array(arr):
    """A ``Matrix[T, R, C]`` holding a copy of a 2-d array-like (ITK's
    ``itk.matrix_from_array``): float32 gives ``F``, other real numbers ``D``."""
    np = _numpy()
    if isinstance(arr, (str, bytes)):
        raise TypeError(f"matrix_from_array() takes a 2-d array, not {type(arr).__name__}")
    a = np.asarray(arr)
    if a.ndim != 2 or a.dtype.kind not in "biuf":
        raise ValueError(f"matrix_from_array() takes a 2-d array of real numbers, got shape "
                         f"{a.shape} and dtype {a.dtype}")
    code = "F" if a.dtype == np.float32 else "D"
    return Matrix[_reg.ctype(code), a.shape[0], a.shape[1]](a)


GetMatrixFromArray = matrix_from_array
