"""ITK's fixed-size value types (issue 11): ``Vector[T, N]``,
``CovariantVector[T, N]``, ``Point[T, N]``, ``RGBPixel[T]``,
``RGBAPixel[T]`` as Python values.  Table-driven over every registered
class.  Restates the value parts of ITK's itkPyBufferTest.py
(test_NumPyBridge_itkVectorPixelImage / itkRGBImage / itkRGBAImage build
``itk.Vector[itk.F, 3]`` / ``itk.RGBPixel[itk.UC]`` pixels) and of extras.py
("BridgeNumPy" section: ``itk.Vector[itk.F, 3]``, ``itk.Point``)."""
import copy
import pickle
import subprocess
import sys

import numpy as np
import pytest

import ndwrap as itk

TEMPLATES = ("Vector", "CovariantVector", "Point", "RGBPixel", "RGBAPixel")
ALL = [(t, k, cls) for t in TEMPLATES for k, cls in getattr(itk, t).items()]


def _ids(x):
    return x.__name__ if isinstance(x, type) else str(x)


def _sample(cls):
    """Distinct in-range values for every component."""
    p = cls.ComponentType
    if p.kind in "iu":
        return [i * 3 + 1 for i in range(cls.Length)]
    return [0.5 + i for i in range(cls.Length)]


@pytest.mark.parametrize("tname, key, cls", ALL, ids=[f"{t}-{_ids(c)}" for t, _, c in ALL])
def test_value_roundtrip(tname, key, cls):
    n = cls.Length
    empty = cls()
    assert len(empty) == n and list(empty) == [0] * n
    vals = _sample(cls)
    v = cls(vals)
    assert list(v) == vals and [v[i] for i in range(n)] == vals
    assert v[-1] == vals[-1] and v.GetElement(0) == vals[0]
    v.SetElement(0, vals[-1])
    v[n - 1] = vals[0]
    assert v[0] == vals[-1] and v[n - 1] == vals[0]
    v.Fill(vals[0])
    assert list(v) == [vals[0]] * n
    assert cls(vals[0]) == v  # a number fills
    # ==: same template and values, or a plain sequence
    assert cls(vals) == cls(vals) and cls(vals) == vals and cls(vals) != empty
    # NumPy: a view of the components, of the component dtype
    a = np.asarray(v)
    assert a.shape == (n,) and a.dtype == cls.ComponentType.dtype
    a[0] = vals[-1]
    assert v[0] == vals[-1]
    assert np.shares_memory(np.asarray(v), np.asarray(v))
    assert not np.shares_memory(np.array(v, copy=True), np.asarray(v))
    # pickling and copies are equal, independent values
    for other in (pickle.loads(pickle.dumps(v)), copy.copy(v), copy.deepcopy(v)):
        assert type(other) is cls and other == v
        other[0] = vals[1 % n]
        assert v[0] == vals[-1] or n == 1
    assert repr(v).startswith(f"ndwrap.{tname}[")
    # the registry: template and attribute spelling
    assert itk.template(v) == (tname, key if isinstance(key, tuple) else (key,))
    suffix = "".join(x.code if hasattr(x, "code") else str(x)
                     for x in (key if isinstance(key, tuple) else (key,)))
    assert getattr(getattr(itk, tname), suffix) is cls
    assert cls.Size() == n


@pytest.mark.parametrize("tname, key, cls", ALL, ids=[f"{t}-{_ids(c)}" for t, _, c in ALL])
def test_value_errors(tname, key, cls):
    n = cls.Length
    with pytest.raises(ValueError, match=f"has {n} components, got {n + 1} values"):
        cls([0] * (n + 1))
    with pytest.raises(TypeError, match="takes numbers"):
        cls("abc")
    with pytest.raises(TypeError):
        cls(object())
    with pytest.raises(IndexError, match="out of range"):
        cls()[n]
    with pytest.raises(TypeError):
        cls()[0] = "x"
    if cls.ComponentType.kind == "u":
        with pytest.raises(OverflowError, match="out of the range"):
            cls()[0] = -1
        with pytest.raises(TypeError, match="are integers"):
            cls()[0] = 1.5
    assert hash(type(cls)) is not None
    with pytest.raises(TypeError):
        hash(cls())  # mutable, as a list


def test_itk_spellings_vector():
    """itkPyBufferTest.py test_NumPyBridge_itkVectorPixelImage builds its
    pixel as ``itk.Vector[itk.F, 3]``; extras.py names ``itk.Vector.F3``."""
    V = itk.Vector[itk.F, 3]
    assert V is itk.Vector.F3 is itk.Vector[itk.ctype("float"), 3] is itk.Vector[np.float32, 3]
    assert V.__name__ == "VectorF3" and V.GetVectorDimension() == 3
    v = V([3, 4, 0])
    assert v.GetNorm() == 5.0 and v.GetSquaredNorm() == 25.0
    vnl = v.GetVnlVector()
    assert type(vnl) is itk.vnl_vector[itk.F] and list(np.asarray(vnl)) == [3, 4, 0]
    vnl[0] = 9  # a copy, as ITK's GetVnlVector returns by value
    assert v[0] == 3
    assert list(v + V([1, 1, 1])) == [4, 5, 1] and list(2 * v) == [6, 8, 0]
    assert v * V([1, 1, 1]) == 7.0  # ITK: Vector * Vector is the dot product
    assert V([1.1, 0, 0])[0] == np.float32(1.1)  # stored as float
    assert "Vector" in itk.__all__ and "RGBPixel" in itk.__all__
    with pytest.raises(itk.NotWrappedError, match=r"Vector\[F, 99\] is not wrapped"):
        itk.Vector[itk.F, 99]
    with pytest.raises(TypeError, match="not supported"):
        itk.Vector[itk.CF, 3]


def test_itk_spellings_point_covariant():
    P = itk.Point[itk.D, 3]
    p, q = P([1, 2, 3]), P([1, 2, 5])
    d = q - p
    assert type(d) is itk.Vector[itk.D, 3] and list(d) == [0, 0, 2]
    assert type(p + d) is P and p + d == q
    assert p.EuclideanDistanceTo(q) == 2.0 and P.GetPointDimension() == 3
    assert itk.Point.F2 is itk.Point[itk.F, 2]
    c = itk.CovariantVector[itk.F, 3]([0, 3, 4])
    assert c.Normalize() == 5.0 and list(c) == pytest.approx([0, 0.6, 0.8])
    assert c != itk.Vector[itk.F, 3](list(c))  # another template: not equal


def test_itk_spellings_rgb():
    """itkPyBufferTest.py test_NumPyBridge_itkRGBImage / itkRGBAImage use
    ``itk.RGBPixel[itk.UC]`` / ``itk.RGBAPixel[itk.UC]``."""
    rgb = itk.RGBPixel[itk.UC]([10, 20, 30])
    assert itk.RGBPixel.UC is type(rgb) and type(rgb).__name__ == "RGBPixelUC"
    assert (rgb.GetRed(), rgb.GetGreen(), rgb.GetBlue()) == (10, 20, 30)
    rgb.SetBlue(255)
    assert list(rgb) == [10, 20, 255]
    rgba = itk.RGBAPixel.UC()
    rgba.Set(1, 2, 3, 4)
    assert list(rgba) == [1, 2, 3, 4] and rgba.GetAlpha() == 4 and len(rgba) == 4
    assert itk.RGBPixel[(itk.UC,)] is itk.RGBPixel[itk.UC]


def test_type_aliases():
    """ITK code names unsigned long long ULL (itkPyVectorContainerTest uses
    ``itk.VectorContainer[itk.ULL, ...]``): the 64-bit rows."""
    assert itk.ULL is itk.UL and itk.SLL is itk.SL
    assert itk.ctype("ULL") is itk.UL and itk.ctype("unsigned long long") is itk.UL
    assert "ULL" in itk.__all__


def test_import_stays_free_of_numpy():
    code = ("import sys, ndwrap; v = ndwrap.Vector[ndwrap.F, 3]([1, 2, 3]); "
            "v[0] = 5; assert list(v) == [5, 2, 3]; print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
