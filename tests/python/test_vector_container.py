"""VectorContainer[ULL, T] and PyVectorContainer[T] (issue 11): ITK's
itkPyVectorContainerTest restated (InsightSoftwareConsortium/ITK,
Modules/Bridge/NumPy/wrapping/test/itkPyVectorContainerTest.py), then the
rules ndwrap adds: views that cannot dangle, copies that are copies, every
wrapped element type, clear errors."""
import gc
import weakref

import numpy as np
import pytest

import ndwrap as itk

if not hasattr(itk, "VectorContainer"):
    pytest.skip("Module_VectorContainer is off in this build", allow_module_level=True)

ELEMENTS = list(itk.VectorContainer.keys())


def _id(key):
    return itk.VectorContainer[key].__name__


def test_itk_vector_container_test_scalars():
    """itkPyVectorContainerTest::test_NumPyBridge_VectorContainer, scalar part:
    Reserve/SetElement, a float32 view, vector_container_from_array, the view
    sees SetElement, array_from_vector_container and vector_container_from_array
    copy."""
    assert hasattr(itk.VectorContainer, "ULLF") and hasattr(itk.PyVectorContainer, "ULLF")
    v1 = itk.VectorContainer[itk.ULL, itk.F].New()
    v1.Reserve(4)
    for i, x in enumerate((1.2, 2, 4, 5)):
        v1.SetElement(i, x)
    arr = itk.array_view_from_vector_container(v1)
    assert arr.dtype == np.float32 and arr.shape == (4,)
    v2 = itk.vector_container_from_array(arr)
    assert type(v2) is type(v1) and v1.Size() == v2.Size() == 4
    assert [v1.GetElement(i) for i in range(4)] == list(arr) == [v2.GetElement(i) for i in range(4)]
    v1.SetElement(0, 1)
    assert arr[0] == 1 and v2.GetElement(0) == np.float32(1.2)  # view vs copy
    arr_cp = itk.array_from_vector_container(v1)
    assert not np.shares_memory(arr_cp, arr)
    v1.SetElement(0, 0)
    assert arr_cp[0] == 1
    v2_cp = itk.vector_container_from_array(arr_cp)
    arr_cp[0] = 2
    assert v2_cp.GetElement(0) == 1


def test_itk_vector_container_test_points():
    """itkPyVectorContainerTest, Point part: VectorContainer[ULL, Point[F, N]]
    for N = 3 and 2 views as an (n, N) array."""
    cases = [(n, rows) for n, rows in ((3, [[1.0, 2.0, 4.0], [6.0, 8.0, 9.0]]),
                                        (2, [[1.0, 2.0], [6.0, 8.0]]))
             if n in itk.WRAPPED_DIMS]  # Point containers follow the wrapped dims
    if not cases:
        pytest.skip("neither dimension 2 nor 3 is wrapped")
    for n, rows in cases:
        PointType = itk.Point[itk.F, n]
        assert hasattr(itk.VectorContainer, f"ULLPF{n}")
        v = itk.VectorContainer[itk.ULL, PointType].New()
        v.Reserve(2)
        point = PointType()
        for i, row in enumerate(rows):
            for k, x in enumerate(row):
                point[k] = x
            v.SetElement(i, point)
        arr = itk.array_view_from_vector_container(v)
        assert arr.dtype == np.float32 and np.array_equal(arr, np.array(rows))
        got = v.GetElement(1)
        assert type(got) is PointType and list(got) == rows[1]
        got[0] = 99  # a copy, as ITK's GetElement
        assert arr[1, 0] == rows[1][0]
        arr[1, 0] = 5  # the view writes through
        assert v.ElementAt(1)[0] == 5


@pytest.mark.parametrize("key", ELEMENTS, ids=_id)
def test_every_element_type_round_trips(key):
    T = itk.VectorContainer[key]
    elem = key[1]
    assert itk.template(T.New()) == ("VectorContainer", key)
    assert itk.PyVectorContainer[key].ContainerType is T
    if isinstance(elem, itk.PixelType):
        a = np.arange(5).astype(elem.numpy_name)
    else:
        p, n = itk.template(elem)[1]
        # a Point of length 1 (dims 1 of a trimmed build) is one number: (n,)
        a = np.arange(5 * n).astype(p.numpy_name).reshape((5, n) if n > 1 else (5,))
    c = itk.PyVectorContainer[key].vector_container_from_array(a)
    assert type(c) is T and c.Size() == 5
    view = itk.PyVectorContainer[key].array_view_from_vector_container(c)
    assert view.dtype == a.dtype and np.array_equal(view, a) and not np.shares_memory(view, a)
    assert np.array_equal(np.asarray(c), a) and np.array_equal(c.CastToSTLContainer()[4], a[4])


def test_views_cannot_dangle():
    """Resizing under a live view is a BufferError that changes nothing (as
    vnl's set_size); writes are allowed; the view keeps the memory alive."""
    v = itk.VectorContainer[itk.D].New()
    v.Reserve(3)
    a = itk.array_view_from_vector_container(v)
    for resize in (lambda: v.Reserve(4), lambda: v.InsertElement(3, 1.0), v.Initialize,
                   lambda: v.CreateIndex(10)):
        with pytest.raises(BufferError, match="exported"):
            resize()
    assert v.Size() == 3 and a.shape == (3,)
    v.Reserve(2)  # no change: allowed
    v.SetElement(2, 4.5)
    v.CreateIndex(2)  # in range: zeroes, allowed
    v.InsertElement(1, 7.0)  # in range: allowed
    assert a.tolist() == [0.0, 7.0, 0.0]
    b = np.asarray(v)
    del a
    gc.collect()
    with pytest.raises(BufferError):
        v.Reserve(10)
    del b
    gc.collect()
    v.Reserve(10)
    assert v.Size() == 10
    # the view outlives the Python container object
    a = itk.array_view_from_vector_container(v)
    ref = weakref.ref(v)
    del v
    gc.collect()
    assert ref() is None and a[1] == 7.0
    a[:] = 1  # still valid memory


def test_itk_container_methods():
    """ITK's VectorContainer methods, with ndwrap's rules where ITK's are
    undefined (README "Coming from ITK")."""
    v = itk.VectorContainer.ULLSS.New()
    assert v.Size() == 0 and not v.IndexExists(0)
    v.InsertElement(2, -3)
    assert v.Size() == 3 and v.IndexExists(2) and not v.IndexExists(3)
    assert v.CastToSTLContainer() == [0, 0, -3] and list(v) == [0, 0, -3] and len(v) == 3
    assert v[-1] == -3
    v[0] = 5
    v.DeleteIndex(2)
    v.CreateIndex(4)
    assert v.CastToSTLContainer() == [5, 0, 0, 0, 0]
    v.Reserve(2)  # never shrinks
    v.Squeeze()
    assert v.Size() == 5
    v.Initialize()
    assert v.Size() == 0
    with pytest.raises(IndexError):
        v.GetElement(0)
    with pytest.raises(IndexError):
        v.SetElement(0, 1)
    with pytest.raises(IndexError, match="negative"):
        v.InsertElement(-1, 1)
    with pytest.raises(OverflowError):
        v.InsertElement(0, 2**15)
    with pytest.raises(TypeError):
        v.InsertElement(0, 1.5)
    with pytest.raises(ValueError):
        v.Reserve(-1)
    p = itk.VectorContainer[itk.ULL, itk.Point[itk.D, 2]].New()
    with pytest.raises(ValueError, match="2 components"):
        p.InsertElement(0, [1, 2, 3])
    with pytest.raises(TypeError, match="sequence of 2 numbers"):
        p.InsertElement(0, 1.0)
    assert p.Size() == 0


def test_lookup_and_conversion_errors():
    assert itk.VectorContainer[itk.F] is itk.VectorContainer[itk.ULL, itk.F]
    assert itk.VectorContainer[np.float32] is itk.VectorContainer.ULLF
    assert itk.PyVectorContainer[itk.F] is itk.PyVectorContainer.ULLF
    with pytest.raises(TypeError, match="ULL"):
        itk.VectorContainer[itk.UC, itk.F]
    with pytest.raises(itk.NotWrappedError, match="Point"):
        itk.VectorContainer[itk.ULL, itk.Point[itk.F, 6]]
    v = itk.VectorContainer.ULLF.New()
    with pytest.raises(TypeError, match="takes a VectorContainerULLD, not VectorContainerULLF"):
        itk.PyVectorContainer[itk.D].array_view_from_vector_container(v)
    with pytest.raises(TypeError, match="does not match"):
        itk.array_from_vector_container(v, ttype=itk.D)
    assert itk.array_from_vector_container(v, ttype=(itk.F,)).shape == (0,)
    with pytest.raises(TypeError, match="VectorContainer"):
        itk.array_view_from_vector_container(np.zeros(3))
    with pytest.raises(ValueError, match="shape"):
        itk.PyVectorContainer[itk.F].vector_container_from_array(np.zeros((2, 2), np.float32))
    with pytest.raises(TypeError, match="kind"):
        itk.PyVectorContainer[itk.SS].vector_container_from_array(np.zeros(2))
    with pytest.raises(TypeError):
        itk.vector_container_from_array(np.array(["a"]))
    with pytest.raises(ValueError, match="1-d array"):
        itk.vector_container_from_array(np.zeros((2, 2), np.int32))
    # ttype= picks the element type (a converting copy within same_kind)
    c = itk.vector_container_from_array(np.array([1, 2], np.int8), ttype=itk.SS)
    assert type(c) is itk.VectorContainer.ULLSS and c.CastToSTLContainer() == [1, 2]
    c = itk.vector_container_from_array(np.arange(4.0)[::2])  # strided input: copied
    assert c.CastToSTLContainer() == [0.0, 2.0]
    assert np.asarray(c, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="copy=False"):
        c.__array__(dtype=np.float32, copy=False)
