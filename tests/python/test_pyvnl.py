"""PyVnl semantics (DESIGN.md "Conversion semantics", pyvnl.py's docstring):
vnl_vector[T] / vnl_matrix[T] <-> NumPy for every wrapped element type —
values, shapes, dtypes, sharing, copy=, the View spellings and the snake_case
helpers, exports and BufferError, reference counts, lifetime whatever is
deleted first, and bad input.

Every parametrization comes from the generated table (ndwrap.PIXEL_TYPES
filtered by .wrapped), never from a hand-written list of types."""
import gc
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ndwrap
from conftest import extreme_values

WRAPPED = [p for p in ndwrap.PIXEL_TYPES if p.wrapped]
MULTIBYTE = [p for p in WRAPPED if p.itemsize > 1]

pytestmark = pytest.mark.skipif(not WRAPPED, reason="no element type is wrapped")


def code_id(p):
    return p.code


@pytest.fixture(params=WRAPPED, ids=code_id)
def pixel(request):
    return request.param


def dtype_of(p):
    return np.dtype(p.numpy_name)


def one(p):
    """A value of element type p that differs from 0 / False."""
    return True if p.kind == "b" else 5


def not_zero(p):
    return np.asarray(one(p), dtype=dtype_of(p)).item()


def vals(p, shape):
    """Distinct-as-possible values of p in the given shape (a fresh array)."""
    n = int(np.prod(shape))
    return extreme_values(p, n).reshape(shape).copy()


def make_vector(p, n=8):
    v = ndwrap.vnl_vector[p](n)
    ref = vals(p, (n,))
    for i in range(n):
        v.put(i, ref[i].item())
    return v, ref


def make_matrix(p, rows=3, cols=4):
    """A non-symmetric rows x cols matrix: m.get(r, c) == ref[r, c]."""
    m = ndwrap.vnl_matrix[p](rows, cols)
    ref = vals(p, (rows, cols))
    for r in range(rows):
        for c in range(cols):
            m.put(r, c, ref[r, c].item())
    return m, ref


def vector_values(v):
    return [v.get(i) for i in range(v.size())]


def shares(a, b):
    return np.shares_memory(np.asarray(a), np.asarray(b))


def export_refcount_settled():
    gc.collect()
    gc.collect()


# ----------------------------------------------------------------------------
# vnl -> array


def vector_to_array_views(p, v):
    P = ndwrap.PyVnl[p]
    return {
        "GetArrayFromVnlVector": P.GetArrayFromVnlVector(v),
        "GetArrayFromVnlVector(copy=False)": P.GetArrayFromVnlVector(v, copy=False),
        "GetArrayViewFromVnlVector": P.GetArrayViewFromVnlVector(v),
        "array_view_from_vnl_vector": ndwrap.array_view_from_vnl_vector(v),
        "np.asarray": np.asarray(v),
    }


def vector_to_array_copies(p, v):
    P = ndwrap.PyVnl[p]
    return {
        "GetArrayFromVnlVector(copy=True)": P.GetArrayFromVnlVector(v, copy=True),
        "array_from_vnl_vector": ndwrap.array_from_vnl_vector(v),
    }


def matrix_to_array_views(p, m):
    P = ndwrap.PyVnl[p]
    return {
        "GetArrayFromVnlMatrix": P.GetArrayFromVnlMatrix(m),
        "GetArrayFromVnlMatrix(copy=False)": P.GetArrayFromVnlMatrix(m, copy=False),
        "GetArrayViewFromVnlMatrix": P.GetArrayViewFromVnlMatrix(m),
        "array_view_from_vnl_matrix": ndwrap.array_view_from_vnl_matrix(m),
        "np.asarray": np.asarray(m),
    }


def matrix_to_array_copies(p, m):
    P = ndwrap.PyVnl[p]
    return {
        "GetArrayFromVnlMatrix(copy=True)": P.GetArrayFromVnlMatrix(m, copy=True),
        "array_from_vnl_matrix": ndwrap.array_from_vnl_matrix(m),
    }


def test_vector_to_array_views_share(pixel):
    v, ref = make_vector(pixel)
    views = vector_to_array_views(pixel, v)
    for how, a in views.items():
        assert type(a) is np.ndarray, how
        assert a.shape == (8,), how
        assert a.dtype == dtype_of(pixel), how
        assert a.flags.c_contiguous and a.flags.writeable, how
        np.testing.assert_array_equal(a, ref, err_msg=how)
        assert np.shares_memory(a, np.asarray(v)), how
    # put is visible in every view, a write through a view in the vector
    v.put(3, not_zero(pixel))
    v.put(4, np.zeros((), dtype_of(pixel)).item())
    for how, a in views.items():
        assert a[3] == not_zero(pixel), how
        assert a[4] == 0, how
    views["GetArrayViewFromVnlVector"][5] = not_zero(pixel)
    assert v.get(5) == not_zero(pixel)
    assert views["np.asarray"][5] == not_zero(pixel)


def test_vector_to_array_copies_are_independent(pixel):
    v, ref = make_vector(pixel)
    copies = vector_to_array_copies(pixel, v)
    for how, a in copies.items():
        assert a.shape == (8,) and a.dtype == dtype_of(pixel), how
        assert a.flags.writeable and a.flags.owndata, how
        np.testing.assert_array_equal(a, ref, err_msg=how)
        assert not np.shares_memory(a, np.asarray(v)), how
    v.fill(0)
    v.put(2, one(pixel))
    for how, a in copies.items():
        np.testing.assert_array_equal(a, ref, err_msg=how)  # put not visible
    copies["array_from_vnl_vector"][:] = not_zero(pixel)
    assert vector_values(v) == [0, 0, not_zero(pixel)] + [0] * 5
    assert v._exports() == 0  # a copy holds no export


def test_matrix_to_array_views_share(pixel):
    m, ref = make_matrix(pixel, 3, 4)
    isz = dtype_of(pixel).itemsize
    views = matrix_to_array_views(pixel, m)
    for how, a in views.items():
        assert a.shape == (3, 4), how  # (rows, cols)
        assert a.dtype == dtype_of(pixel), how
        assert a.flags.c_contiguous and a.strides == (4 * isz, isz), how  # row-major
        np.testing.assert_array_equal(a, ref, err_msg=how)
        assert np.shares_memory(a, np.asarray(m)), how
        for r in range(3):
            for c in range(4):
                assert a[r, c] == m.get(r, c), (how, r, c)
    m.put(2, 1, not_zero(pixel))
    m.put(1, 2, np.zeros((), dtype_of(pixel)).item())
    for how, a in views.items():
        assert a[2, 1] == not_zero(pixel) and a[1, 2] == 0, how
    views["array_view_from_vnl_matrix"][0, 3] = not_zero(pixel)
    assert m.get(0, 3) == not_zero(pixel)


def test_matrix_row_major_non_symmetric():
    # an explicit non-symmetric check on the first wrapped real type
    p = next((q for q in WRAPPED if q.kind in "iuf"), None)
    if p is None:
        pytest.skip("no real element type wrapped")
    m = ndwrap.vnl_matrix[p](3, 4)
    for r in range(3):
        for c in range(4):
            m.put(r, c, 10 * r + c)
    a = np.asarray(m)
    assert a.tolist() == [[10 * r + c for c in range(4)] for r in range(3)]
    assert a[1, 2] == 12 and a[2, 1] == 21
    assert (m.rows(), m.cols(), m.size(), len(m)) == (3, 4, 12, 3)


def test_matrix_to_array_copies_are_independent(pixel):
    m, ref = make_matrix(pixel, 3, 4)
    copies = matrix_to_array_copies(pixel, m)
    for how, a in copies.items():
        assert a.shape == (3, 4) and a.dtype == dtype_of(pixel), how
        assert a.flags.c_contiguous and a.flags.writeable, how
        np.testing.assert_array_equal(a, ref, err_msg=how)
        assert not np.shares_memory(a, np.asarray(m)), how
    m.fill(0)
    for how, a in copies.items():
        np.testing.assert_array_equal(a, ref, err_msg=how)
    copies["array_from_vnl_matrix"][...] = not_zero(pixel)
    assert m.get(2, 3) == 0
    assert m._exports() == 0


# ----------------------------------------------------------------------------
# array -> vnl


def array_to_vector_views(p, arr):
    P = ndwrap.PyVnl[p]
    return {
        "GetVnlVectorFromArray": P.GetVnlVectorFromArray(arr),
        "GetVnlVectorFromArray(copy=False)": P.GetVnlVectorFromArray(arr, copy=False),
        "GetVnlVectorViewFromArray": P.GetVnlVectorViewFromArray(arr),
        "vnl_vector_view_from_array": ndwrap.vnl_vector_view_from_array(arr),
    }


def array_to_vector_copies(p, arr):
    P = ndwrap.PyVnl[p]
    return {
        "GetVnlVectorFromArray(copy=True)": P.GetVnlVectorFromArray(arr, copy=True),
        "vnl_vector_from_array": ndwrap.vnl_vector_from_array(arr),
    }


def array_to_matrix_views(p, arr):
    P = ndwrap.PyVnl[p]
    return {
        "GetVnlMatrixFromArray": P.GetVnlMatrixFromArray(arr),
        "GetVnlMatrixFromArray(copy=False)": P.GetVnlMatrixFromArray(arr, copy=False),
        "GetVnlMatrixViewFromArray": P.GetVnlMatrixViewFromArray(arr),
        "vnl_matrix_view_from_array": ndwrap.vnl_matrix_view_from_array(arr),
    }


def array_to_matrix_copies(p, arr):
    P = ndwrap.PyVnl[p]
    return {
        "GetVnlMatrixFromArray(copy=True)": P.GetVnlMatrixFromArray(arr, copy=True),
        "vnl_matrix_from_array": ndwrap.vnl_matrix_from_array(arr),
    }


def test_array_to_vector_views_share(pixel):
    arr = vals(pixel, (100,))
    ref = arr.copy()
    views = array_to_vector_views(pixel, arr)
    for how, v in views.items():
        assert type(v) is ndwrap.vnl_vector[pixel], how
        assert v.size() == 100 and len(v) == 100, how
        assert np.shares_memory(np.asarray(v), arr), how
        assert np.asarray(v).dtype == dtype_of(pixel) and np.asarray(v).shape == (100,), how
        assert vector_values(v) == ref.tolist(), how
        assert v[99] == ref[99].item() and v[-100] == ref[0].item(), how
    arr[7] = not_zero(pixel)
    arr[8] = 0
    for how, v in views.items():
        assert v.get(7) == not_zero(pixel) and v.get(8) == 0, how
    views["GetVnlVectorViewFromArray"].put(9, not_zero(pixel))
    assert arr[9] == not_zero(pixel)


def test_array_to_vector_copies_are_independent(pixel):
    arr = vals(pixel, (100,))
    ref = arr.copy()
    before = sys.getrefcount(arr)
    copies = array_to_vector_copies(pixel, arr)
    assert sys.getrefcount(arr) == before  # a copy does not hold the array
    for how, v in copies.items():
        assert type(v) is ndwrap.vnl_vector[pixel], how
        assert v.size() == 100, how
        assert not np.shares_memory(np.asarray(v), arr), how
        assert vector_values(v) == ref.tolist(), how
    arr[:] = 0
    for how, v in copies.items():
        assert vector_values(v) == ref.tolist(), how
        v.put(0, not_zero(pixel))  # writable and independent
    assert arr[0] == 0


def test_array_to_matrix_views_share(pixel):
    arr = vals(pixel, (100, 100))
    ref = arr.copy()
    views = array_to_matrix_views(pixel, arr)
    for how, m in views.items():
        assert type(m) is ndwrap.vnl_matrix[pixel], how
        assert (m.rows(), m.cols(), m.size()) == (100, 100, 10000), how
        a = np.asarray(m)
        assert a.shape == (100, 100) and a.dtype == dtype_of(pixel), how
        assert np.shares_memory(a, arr), how
        np.testing.assert_array_equal(a, ref, err_msg=how)
        for r, c in ((0, 0), (0, 99), (99, 0), (3, 71), (71, 3), (99, 99)):
            assert m.get(r, c) == ref[r, c].item(), (how, r, c)
    arr[1, 2] = not_zero(pixel)
    arr[2, 1] = 0
    for how, m in views.items():
        assert m.get(1, 2) == not_zero(pixel) and m.get(2, 1) == 0, how
    views["vnl_matrix_view_from_array"].put(98, 97, not_zero(pixel))
    assert arr[98, 97] == not_zero(pixel)


def test_array_to_matrix_copies_are_independent(pixel):
    arr = vals(pixel, (100, 100))
    ref = arr.copy()
    copies = array_to_matrix_copies(pixel, arr)
    for how, m in copies.items():
        assert (m.rows(), m.cols()) == (100, 100), how
        assert not np.shares_memory(np.asarray(m), arr), how
        np.testing.assert_array_equal(np.asarray(m), ref, err_msg=how)
    arr[...] = 0
    for how, m in copies.items():
        np.testing.assert_array_equal(np.asarray(m), ref, err_msg=how)
        m.put(5, 6, not_zero(pixel))
    assert arr[5, 6] == 0


def test_round_trip_vector_and_matrix(pixel):
    v, ref = make_vector(pixel)
    back = ndwrap.vnl_vector_view_from_array(ndwrap.array_view_from_vnl_vector(v))
    assert type(back) is type(v) and shares(back, v)
    assert vector_values(back) == ref.tolist()
    m, mref = make_matrix(pixel)
    mback = ndwrap.vnl_matrix_view_from_array(ndwrap.array_view_from_vnl_matrix(m))
    assert type(mback) is type(m) and shares(mback, m)
    np.testing.assert_array_equal(np.asarray(mback), mref)
    # a vnl object can be viewed directly (it exports the buffer protocol)
    assert shares(ndwrap.PyVnl[pixel].GetVnlVectorViewFromArray(v), v)


# ----------------------------------------------------------------------------
# copy semantics for layouts a vnl object cannot view


def strided_vectors(p):
    big = vals(p, (40,))
    m = vals(p, (6, 5))
    return {"a[::2]": big[::2], "a[::-1]": big[::-1], "a[3:30:3]": big[3:30:3],
            "column m[:, 1]": m[:, 1]}


def strided_matrices(p):
    a = vals(p, (6, 5))
    return {"a.T": a.T, "fortran": np.asfortranarray(a), "a[::2]": a[::2],
            "a[:, ::2]": a[:, ::2], "a[::-1]": a[::-1], "a[:, ::-1]": a[:, ::-1]}


def test_strided_vector_copy_semantics(pixel):
    P = ndwrap.PyVnl[pixel]
    for how, s in strided_vectors(pixel).items():
        assert not s.flags.c_contiguous, how
        for v in (P.GetVnlVectorFromArray(s), P.GetVnlVectorFromArray(s, copy=None),
                  P.GetVnlVectorFromArray(s, copy=True), ndwrap.vnl_vector_from_array(s)):
            assert vector_values(v) == s.tolist(), how
            assert not np.shares_memory(np.asarray(v), s), how
            v.put(0, not_zero(pixel))  # a private, writable copy
        for fn in (lambda: P.GetVnlVectorFromArray(s, copy=False),
                   lambda: P.GetVnlVectorViewFromArray(s),
                   lambda: ndwrap.vnl_vector_view_from_array(s)):
            with pytest.raises(ValueError, match="without a copy"):
                fn()


def test_strided_matrix_copy_semantics(pixel):
    P = ndwrap.PyVnl[pixel]
    for how, s in strided_matrices(pixel).items():
        assert not s.flags.c_contiguous, how
        for m in (P.GetVnlMatrixFromArray(s), P.GetVnlMatrixFromArray(s, copy=True),
                  ndwrap.vnl_matrix_from_array(s)):
            assert (m.rows(), m.cols()) == s.shape, how
            np.testing.assert_array_equal(np.asarray(m), s, err_msg=how)
            assert m.get(1, 0) == s[1, 0].item(), how
            assert not np.shares_memory(np.asarray(m), s), how
        for fn in (lambda: P.GetVnlMatrixFromArray(s, copy=False),
                   lambda: P.GetVnlMatrixViewFromArray(s),
                   lambda: ndwrap.vnl_matrix_view_from_array(s)):
            with pytest.raises(ValueError, match="without a copy"):
                fn()


def test_contiguous_slices_are_still_viewed(pixel):
    big = vals(pixel, (40,))
    v = ndwrap.PyVnl[pixel].GetVnlVectorViewFromArray(big[5:13])
    assert v.size() == 8 and np.shares_memory(np.asarray(v), big)
    a = vals(pixel, (6, 5))
    m = ndwrap.PyVnl[pixel].GetVnlMatrixViewFromArray(a[2:4])  # rows 2..3: contiguous
    assert (m.rows(), m.cols()) == (2, 5) and np.shares_memory(np.asarray(m), a)
    col = ndwrap.vnl_matrix_view_from_array(a[:, :1].copy())  # one column, made contiguous
    assert (col.rows(), col.cols()) == (6, 1)
    # a single row of a larger matrix is contiguous: viewed
    one_row = a[4:5, :]
    assert shares(ndwrap.vnl_matrix_view_from_array(one_row), a)


def test_copy_true_is_independent_even_when_viewable(pixel):
    arr = vals(pixel, (10,))
    v = ndwrap.PyVnl[pixel].GetVnlVectorFromArray(arr, copy=True)
    assert not np.shares_memory(np.asarray(v), arr)
    arr2 = vals(pixel, (10,))
    v2 = ndwrap.PyVnl[pixel].GetVnlVectorFromArray(arr2, copy=None)
    assert np.shares_memory(np.asarray(v2), arr2)
    v3, _ = make_vector(pixel)
    a3 = ndwrap.PyVnl[pixel].GetArrayFromVnlVector(v3, copy=True)
    assert not shares(a3, v3)


def test_view_helpers_never_alias_copy_helpers():
    """ITK once returned a copy from a *view* helper; here each helper keeps
    its meaning (and the helpers are distinct functions)."""
    assert ndwrap.array_view_from_vnl_vector is not ndwrap.array_from_vnl_vector
    assert ndwrap.vnl_vector_view_from_array is not ndwrap.vnl_vector_from_array
    assert ndwrap.array_view_from_vnl_matrix is not ndwrap.array_from_vnl_matrix
    assert ndwrap.vnl_matrix_view_from_array is not ndwrap.vnl_matrix_from_array
    for p in WRAPPED:
        v, _ = make_vector(p)
        m, _ = make_matrix(p)
        arr = vals(p, (12,))
        arr2 = vals(p, (3, 4))
        assert shares(ndwrap.array_view_from_vnl_vector(v), v), p
        assert not shares(ndwrap.array_from_vnl_vector(v), v), p
        assert shares(ndwrap.array_view_from_vnl_matrix(m), m), p
        assert not shares(ndwrap.array_from_vnl_matrix(m), m), p
        assert shares(ndwrap.vnl_vector_view_from_array(arr), arr), p
        assert not shares(ndwrap.vnl_vector_from_array(arr), arr), p
        assert shares(ndwrap.vnl_matrix_view_from_array(arr2), arr2), p
        assert not shares(ndwrap.vnl_matrix_from_array(arr2), arr2), p


def test_copy_argument_is_read_with_truth_rules():
    """copy= follows NumPy: None shares when possible, other values by Python
    truth (np.True_, 2 copy; np.False_, 0 share); strings are refused."""
    p = WRAPPED[0]
    v, _ = make_vector(p)
    P = ndwrap.PyVnl[p]
    for bad in ("yes", "never", b"no"):
        with pytest.raises(ValueError, match="copy"):
            P.GetArrayFromVnlVector(v, copy=bad)
        with pytest.raises(ValueError, match="copy"):
            P.GetVnlVectorFromArray(vals(p, (3,)), copy=bad)
    for yes in (True, np.True_, 2):
        assert not np.shares_memory(P.GetArrayFromVnlVector(v, copy=yes), np.asarray(v))
        a = vals(p, (3,))
        assert not np.shares_memory(np.asarray(P.GetVnlVectorFromArray(a, copy=yes)), a)
    for no in (False, np.False_, 0):
        assert np.shares_memory(P.GetArrayFromVnlVector(v, copy=no), np.asarray(v))
        a = vals(p, (3,))
        assert np.shares_memory(np.asarray(P.GetVnlVectorFromArray(a, copy=no)), a)


# ----------------------------------------------------------------------------
# exports, BufferError, reference counts


def test_set_size_with_live_exports_raises_buffer_error(pixel):
    v, ref = make_vector(pixel)
    m, mref = make_matrix(pixel)
    rv, rm = sys.getrefcount(v), sys.getrefcount(m)
    views = list(vector_to_array_views(pixel, v).values()) + [memoryview(v)]
    mviews = list(matrix_to_array_views(pixel, m).values())
    assert v._exports() > 0 and m._exports() > 0
    assert sys.getrefcount(v) > rv and sys.getrefcount(m) > rm  # the views hold them
    with pytest.raises(BufferError):
        v.set_size(4)
    with pytest.raises(BufferError):
        m.set_size(2, 2)
    # nothing changed, the views are intact
    assert v.size() == 8 and (m.rows(), m.cols()) == (3, 4)
    for a in views[:-1]:
        np.testing.assert_array_equal(a, ref)
    for a in mviews:
        np.testing.assert_array_equal(a, mref)
    del a
    del views[1:]
    export_refcount_settled()
    with pytest.raises(BufferError):
        v.set_size(4)  # one view left
    del views, mviews
    export_refcount_settled()
    assert v._exports() == 0 and m._exports() == 0
    assert sys.getrefcount(v) == rv and sys.getrefcount(m) == rm
    v.set_size(4)
    m.set_size(2, 5)
    assert v.size() == 4 and (m.rows(), m.cols()) == (2, 5)
    assert np.asarray(v).shape == (4,) and np.asarray(m).shape == (2, 5)
    assert sys.getrefcount(v) == rv and sys.getrefcount(m) == rm


def test_copies_do_not_block_set_size(pixel):
    v, _ = make_vector(pixel)
    c = ndwrap.array_from_vnl_vector(v)
    v.set_size(3)
    assert c.shape == (8,)


def test_vnl_view_holds_the_array_and_releases_it(pixel):
    arr = vals(pixel, (100,))
    arr2 = vals(pixel, (100, 100))
    r1, r2 = sys.getrefcount(arr), sys.getrefcount(arr2)
    v = ndwrap.PyVnl[pixel].GetVnlVectorViewFromArray(arr)
    m = ndwrap.PyVnl[pixel].GetVnlMatrixFromArray(arr2)  # copy=None: a view
    assert sys.getrefcount(arr) > r1 and sys.getrefcount(arr2) > r2
    del v, m
    export_refcount_settled()
    assert sys.getrefcount(arr) == r1 and sys.getrefcount(arr2) == r2


def test_set_size_on_a_view_drops_the_array(pixel):
    arr = vals(pixel, (10,))
    ref = arr.copy()
    r = sys.getrefcount(arr)
    v = ndwrap.vnl_vector_view_from_array(arr)
    assert sys.getrefcount(arr) > r
    v.set_size(3)  # no exports of v itself: it reallocates its own memory
    assert sys.getrefcount(arr) == r
    assert not np.shares_memory(np.asarray(v), arr)
    v.fill(not_zero(pixel))
    np.testing.assert_array_equal(arr, ref)


def test_refcounts_after_many_conversions(pixel):
    v, _ = make_vector(pixel)
    arr = vals(pixel, (100,))
    rv, ra = sys.getrefcount(v), sys.getrefcount(arr)
    P = ndwrap.PyVnl[pixel]
    for _ in range(200):
        P.GetArrayViewFromVnlVector(v)
        P.GetArrayFromVnlVector(v, copy=True)
        np.asarray(v)
        P.GetVnlVectorViewFromArray(arr)
        P.GetVnlVectorFromArray(arr, copy=True)
        ndwrap.vnl_vector_view_from_array(P.GetArrayViewFromVnlVector(v))
        try:
            P.GetVnlVectorViewFromArray(arr[::2])
        except ValueError:
            pass
    export_refcount_settled()
    assert sys.getrefcount(v) == rv and sys.getrefcount(arr) == ra
    assert v._exports() == 0


# ----------------------------------------------------------------------------
# lifetime: whatever is deleted first (in a subprocess: a crash must not take
# pytest down)

LIFETIME_CODE = textwrap.dedent("""
    import faulthandler, gc, sys
    faulthandler.enable()
    import numpy as np
    import ndwrap

    P = [p for p in ndwrap.PIXEL_TYPES if p.wrapped]

    def vals(p, n):
        if p.kind == "b":
            return np.arange(n) % 3 == 1
        return (np.arange(n) % 97 + 1).astype(p.numpy_name)

    def churn(p):
        # reuse freed memory so that a dangling view would show other values
        junk = [ndwrap.vnl_vector[p](8) for _ in range(4)]
        junk += [np.zeros(100, p.numpy_name), np.zeros((100, 100), p.numpy_name)]
        for j in junk[:4]:
            j.fill(0)
        return junk

    N = int(sys.argv[1])
    for it in range(N):
        p = P[it % len(P)]
        ref8, ref12 = vals(p, 8), vals(p, 12).reshape(3, 4)
        ref100, ref10k = vals(p, 100), vals(p, 10000).reshape(100, 100)

        # vnl -> array; delete the vnl object first
        v = ndwrap.vnl_vector[p](8)
        for i in range(8):
            v.put(i, ref8[i].item())
        a = ndwrap.array_view_from_vnl_vector(v)
        b = np.asarray(v)
        del v
        junk = churn(p)
        assert np.array_equal(a, ref8) and np.array_equal(b, ref8), (it, a, b)
        a[:] = ref8[::-1]
        assert np.array_equal(b, ref8[::-1])
        del a, b, junk

        m = ndwrap.vnl_matrix[p](3, 4)
        np.asarray(m)[...] = ref12
        a = ndwrap.PyVnl[p].GetArrayFromVnlMatrix(m)
        del m
        junk = churn(p)
        assert np.array_equal(a, ref12), (it, a)
        del a, junk

        # array -> vnl; delete the array first
        arr = ref100.copy()
        v = ndwrap.vnl_vector_view_from_array(arr)
        del arr
        junk = churn(p)
        idx = (0, 1, 50, 99, -1)
        assert [v.get(i) for i in idx] == [ref100[i].item() for i in idx], it
        v.put(3, ref100[4].item())
        assert v.get(3) == ref100[4].item()
        del junk

        arr = ref10k.copy()
        m = ndwrap.PyVnl[p].GetVnlMatrixViewFromArray(arr)
        del arr
        junk = churn(p)
        assert m.get(99, 98) == ref10k[99, 98].item() and m.get(0, 1) == ref10k[0, 1].item(), it
        assert np.array_equal(np.asarray(m), ref10k), it
        del junk

        # chains: array -> vnl -> array -> vnl; drop the middle links
        arr = ref100.copy()
        v1 = ndwrap.vnl_vector_view_from_array(arr)
        a1 = ndwrap.array_view_from_vnl_vector(v1)
        v2 = ndwrap.vnl_vector_view_from_array(a1)
        del arr, v1, a1
        junk = churn(p)
        assert np.array_equal(np.asarray(v2), ref100), it
        del v, m, v2, junk
        if it % 200 == 0:
            gc.collect()
    gc.collect()
    print("ok", N)
""")


def run_python(code, *args):
    env = dict(os.environ)
    pkg_parent = os.path.dirname(os.path.dirname(os.path.abspath(ndwrap.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(x for x in (pkg_parent, env.get("PYTHONPATH")) if x)
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600)


def test_lifetime_whatever_is_deleted_first():
    out = run_python(LIFETIME_CODE, 2000)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    assert out.stdout.strip() == "ok 2000"


# ----------------------------------------------------------------------------
# bad input


def from_array_calls(p, arr, matrix):
    """Every array -> vnl spelling, with its copy mode."""
    P = ndwrap.PyVnl[p]
    if matrix:
        return [("None", lambda: P.GetVnlMatrixFromArray(arr)),
                ("True", lambda: P.GetVnlMatrixFromArray(arr, copy=True)),
                ("False", lambda: P.GetVnlMatrixFromArray(arr, copy=False)),
                ("View", lambda: P.GetVnlMatrixViewFromArray(arr))]
    return [("None", lambda: P.GetVnlVectorFromArray(arr)),
            ("True", lambda: P.GetVnlVectorFromArray(arr, copy=True)),
            ("False", lambda: P.GetVnlVectorFromArray(arr, copy=False)),
            ("View", lambda: P.GetVnlVectorViewFromArray(arr))]


def helper_calls(arr, matrix):
    if matrix:
        return [ndwrap.vnl_matrix_from_array, ndwrap.vnl_matrix_view_from_array]
    return [ndwrap.vnl_vector_from_array, ndwrap.vnl_vector_view_from_array]


@pytest.mark.parametrize("matrix", [False, True], ids=["vector", "matrix"])
def test_wrong_ndim_raises_value_error(pixel, matrix):
    dt = dtype_of(pixel)
    wrong = [np.zeros((), dt), np.zeros((2, 3, 4), dt)]
    wrong.append(np.zeros((2, 3), dt) if not matrix else np.zeros(6, dt))
    for arr in wrong:
        for how, fn in from_array_calls(pixel, arr, matrix):
            with pytest.raises(ValueError, match="dimension"):
                fn()
        for fn in helper_calls(arr, matrix):
            with pytest.raises(ValueError):
                fn(arr)


@pytest.mark.parametrize("matrix", [False, True], ids=["vector", "matrix"])
def test_empty_arrays_convert(pixel, matrix):
    """Empty vectors and matrices exist in vnl: every spelling converts an
    empty array to an empty vnl object of the same shape, and back."""
    dt = dtype_of(pixel)
    shapes = [(0, 3), (3, 0), (0, 0)] if matrix else [(0,)]
    for shape in shapes:
        arr = np.zeros(shape, dt)
        for how, fn in from_array_calls(pixel, arr, matrix):
            out = fn()
            assert np.asarray(out).shape == shape, how
            assert out.size() == 0
        for fn in helper_calls(arr, matrix):
            assert np.asarray(fn(arr)).shape == shape


def test_other_element_type_converts_or_raises(pixel):
    """Another element type: copy=None and copy=True make a converting copy
    within np.can_cast(..., 'same_kind') (as PyBuffer); views and copy=False
    raise DTypeMismatchError, a TypeError and a ValueError."""
    want = dtype_of(pixel)
    for other in WRAPPED:
        if other is pixel:
            continue
        src = (np.arange(6) % 4).astype(other.numpy_name)  # representable in every type
        src2 = src.reshape(2, 3).copy()
        castable = np.can_cast(dtype_of(other), want, casting="same_kind")
        for arr, matrix in ((src, False), (src2, True)):
            calls = dict(from_array_calls(pixel, arr, matrix))
            for how in ("False", "View"):
                with pytest.raises(ndwrap.DTypeMismatchError, match=other.numpy_name) as e:
                    calls[how]()
                assert isinstance(e.value, TypeError) and isinstance(e.value, ValueError)
            for how in ("None", "True"):
                if castable:
                    a = np.asarray(calls[how]())
                    assert a.dtype == want and not np.shares_memory(a, arr)
                    np.testing.assert_array_equal(a, arr.astype(want))
                else:
                    with pytest.raises(TypeError, match="kind"):
                        calls[how]()


def test_other_element_type_for_the_vnl_object_itself(pixel):
    v, _ = make_vector(pixel)
    m, _ = make_matrix(pixel)
    P = ndwrap.PyVnl[pixel]
    with pytest.raises(TypeError):
        P.GetArrayFromVnlVector(m)
    with pytest.raises(TypeError):
        P.GetArrayViewFromVnlMatrix(v)
    for other in WRAPPED:
        if other is not pixel:
            with pytest.raises(TypeError):
                ndwrap.PyVnl[other].GetArrayFromVnlVector(v)
            with pytest.raises(TypeError):
                ndwrap.PyVnl[other].GetArrayViewFromVnlMatrix(m)
            break
    with pytest.raises(TypeError):
        ndwrap.array_view_from_vnl_vector(np.zeros(3))


@pytest.mark.parametrize("pixel", MULTIBYTE, ids=code_id)
def test_non_native_byte_order(pixel):
    dt = dtype_of(pixel).newbyteorder("S")
    for arr, matrix in ((vals(pixel, (6,)).astype(dt), False),
                        (vals(pixel, (2, 3)).astype(dt), True)):
        assert not arr.dtype.isnative
        calls = dict(from_array_calls(pixel, arr, matrix))
        for how in ("None", "True"):
            obj = calls[how]()
            a = np.asarray(obj)
            assert a.dtype == dtype_of(pixel) and a.dtype.isnative
            np.testing.assert_array_equal(a, arr)
            assert not np.shares_memory(a, arr)
        for how in ("False", "View"):
            with pytest.raises(ValueError, match="byte order"):
                calls[how]()
        copy_helper, view_helper = helper_calls(arr, matrix)
        np.testing.assert_array_equal(np.asarray(copy_helper(arr)), arr)
        with pytest.raises(ValueError, match="byte order"):
            view_helper(arr)


def test_big_endian_float_example():
    if not ndwrap.F.wrapped:
        pytest.skip("F not wrapped")
    arr = np.arange(4, dtype=">f4")
    P = ndwrap.PyVnl[ndwrap.F]
    if arr.dtype.isnative:  # a big-endian machine: this is the native case
        assert np.shares_memory(np.asarray(P.GetVnlVectorFromArray(arr)), arr)
        return
    v = P.GetVnlVectorFromArray(arr)
    assert vector_values(v) == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError):
        P.GetVnlVectorFromArray(arr, copy=False)


@pytest.mark.parametrize("pixel", MULTIBYTE, ids=code_id)
def test_misaligned_arrays_are_copied_not_viewed(pixel):
    dt = dtype_of(pixel)
    raw = np.zeros(dt.itemsize * 7 + 1, np.uint8)
    arr = raw[1:].view(dt)
    assert not arr.flags.aligned
    arr[:] = vals(pixel, (7,))
    v = ndwrap.PyVnl[pixel].GetVnlVectorFromArray(arr)
    assert vector_values(v) == arr.tolist()
    assert not np.shares_memory(np.asarray(v), raw)
    with pytest.raises(ValueError, match="align"):
        ndwrap.PyVnl[pixel].GetVnlVectorFromArray(arr, copy=False)


def unsupported_arrays():
    return {"float16": np.zeros(4, np.float16), "object": np.array([1, None, 2, 3], dtype=object),
            "structured": np.zeros(4, dtype=[("a", "f4"), ("b", "i4")]),
            "unicode": np.array(["a", "b", "c", "d"]), "bytes": np.array([b"a", b"b", b"c", b"d"])}


def assert_lists_wrapped(message):
    for p in WRAPPED:
        assert f"{p.code} ({p.numpy_name})" in message, (p, message)


def test_unsupported_dtypes_raise_type_error_listing_wrapped_types(pixel):
    for name, arr in unsupported_arrays().items():
        for matrix, a in ((False, arr), (True, arr.reshape(2, 2))):
            for how, fn in from_array_calls(pixel, a, matrix):
                with pytest.raises(TypeError) as e:
                    fn()
                assert str(a.dtype) in str(e.value) or repr(a.dtype) in str(e.value), (name, how)
                assert_lists_wrapped(str(e.value))
            for fn in helper_calls(a, matrix):
                with pytest.raises(TypeError) as e:
                    fn(a)
                assert_lists_wrapped(str(e.value))


def test_read_only_arrays_give_read_only_vnl(pixel):
    arr = vals(pixel, (10,))
    arr.flags.writeable = False
    arr2 = vals(pixel, (4, 5))
    arr2.flags.writeable = False
    objs = [(v, arr) for v in array_to_vector_views(pixel, arr).values()]
    objs += [(m, arr2) for m in array_to_matrix_views(pixel, arr2).values()]
    for obj, src in objs:
        assert "read-only" in repr(obj)
        assert np.shares_memory(np.asarray(obj), src)
        with pytest.raises(ValueError, match="read-only"):
            obj.fill(0)
        with pytest.raises(ValueError, match="read-only"):
            if src.ndim == 1:
                obj.put(0, one(pixel))
            else:
                obj.put(0, 0, one(pixel))
        if src.ndim == 1:
            outs = vector_to_array_views(pixel, obj)
            copies = vector_to_array_copies(pixel, obj)
        else:
            outs = matrix_to_array_views(pixel, obj)
            copies = matrix_to_array_copies(pixel, obj)
        for how, a in outs.items():
            assert not a.flags.writeable, how
            with pytest.raises(ValueError):
                a[0] = 0
        for how, a in copies.items():
            assert a.flags.writeable, how
            a[0] = 0
        with memoryview(obj) as mv:
            assert mv.readonly
        raw = np.frombuffer(obj, dtype=np.uint8)
        assert not raw.flags.writeable
        with pytest.raises(ValueError):
            raw.setflags(write=True)
    # a copy of a read-only array is writable and independent
    ref = arr.copy()
    for v in array_to_vector_copies(pixel, arr).values():
        assert "read-only" not in repr(v)
        v.put(0, one(pixel))
        v.fill(0)
    np.testing.assert_array_equal(arr, ref)


def test_index_errors_and_negative_indices(pixel):
    v, ref = make_vector(pixel)
    m, mref = make_matrix(pixel, 3, 4)
    x = not_zero(pixel)
    for i in (8, 9, -9, 1 << 40, -(1 << 40)):
        with pytest.raises(IndexError):
            v.get(i)
        with pytest.raises(IndexError):
            v.put(i, x)
        with pytest.raises(IndexError):
            v[i]
    for r, c in ((3, 0), (0, 4), (-4, 0), (0, -5), (3, 4), (100, 100)):
        with pytest.raises(IndexError):
            m.get(r, c)
        with pytest.raises(IndexError):
            m.put(r, c, x)
    # negative indices work like Python's
    for i in range(-8, 0):
        assert v.get(i) == ref[i].item() and v[i] == ref[i].item()
    assert [v[i] for i in range(8)] == ref.tolist() == list(v)
    v.put(-2, x)
    assert v.get(6) == x
    assert m.get(-1, -1) == mref[2, 3].item() and m.get(-3, 0) == mref[0, 0].item()
    assert m.get(0, -4) == mref[0, 0].item() and m.get(-2, 3) == mref[1, 3].item()
    m.put(-1, 0, x)
    assert m.get(2, 0) == x and np.asarray(m)[-1, 0] == x
    # failed puts changed nothing
    assert np.asarray(m)[0, 0] == mref[0, 0]


def test_repeated_copies_to_arrays_own_their_data(pixel):
    """GetArrayFromVnl*(x, copy=True) (issue 16): the first call of a class
    learns NumPy's dtype from a view, later ones make numpy.empty and copy
    into it in C (up to 256 KiB; larger ones, and the first, are
    ndarray.copy of a view).  Every one is an array that owns its data, with
    the values, shape and dtype of the view, and no export left behind."""
    P = ndwrap.PyVnl[pixel]
    itemsize = dtype_of(pixel).itemsize
    big = 256 * 1024 // itemsize
    for n in (0, 1, 8, big, big + 1):
        v, ref = make_vector(pixel, n)
        for _ in range(3):
            a = P.GetArrayFromVnlVector(v, copy=True)
            assert type(a) is np.ndarray and a.shape == (n,) and a.dtype == dtype_of(pixel)
            assert a.flags.owndata and a.flags.writeable and a.flags.c_contiguous
            np.testing.assert_array_equal(a, ref)
            assert n == 0 or not np.shares_memory(a, np.asarray(v))
            assert v._exports() == 0
    for rows, cols in ((3, 4), (1, 1), (0, 5)):
        m, ref = make_matrix(pixel, rows, cols)
        for _ in range(3):
            a = P.GetArrayFromVnlMatrix(m, copy=True)
            assert a.shape == (rows, cols) and a.dtype == dtype_of(pixel) and a.flags.owndata
            np.testing.assert_array_equal(a, ref)
            assert m._exports() == 0


def test_copies_from_arrays_let_the_array_go(pixel):
    """GetVnl*FromArray(x, copy=True) (issue 16): the fast path views the
    array, then the same vnl object takes a private copy and lets the
    array's buffer go at once (the array can be resized right after; the
    copy outlives it and never sees its later writes)."""
    P = ndwrap.PyVnl[pixel]
    for n in (0, 1, 8, 1000):
        arr = vals(pixel, (n,))
        ref = arr.copy()
        v = P.GetVnlVectorFromArray(arr, copy=True)
        arr.resize((n + 3,), refcheck=False)  # raises BufferError while exported
        arr[...] = ref[0] if n else arr[...]
        del arr
        np.testing.assert_array_equal(np.asarray(v), ref)
        assert v.size() == n and v._exports() == 0
        if n:
            v.put(0, not_zero(pixel))
            assert np.asarray(v)[0] == not_zero(pixel)
    arr = vals(pixel, (3, 4))
    ref = arr.copy()
    m = P.GetVnlMatrixFromArray(arr, copy=True)
    arr.resize((20,), refcheck=False)
    del arr
    np.testing.assert_array_equal(np.asarray(m), ref)
