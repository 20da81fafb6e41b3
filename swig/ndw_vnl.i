/* vnl_vector<T> and vnl_matrix<T>: vnl's method names over the typed
 * handles, exporting the buffer protocol (shape (n,) / (rows, cols)). */

%{
static int ndw_swig_vnl_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  ndw_vnl *p = (ndw_vnl *)ndw_swig_self(self);
  if (p == NULL) {
    view->obj = NULL;
    return -1;
  }
  return ndw_py_vnl_getbuffer(p, self, view, flags);
}
/* len(): a plain slot function (SWIG's lenfunc closure dereferences the
 * NULL result of a failing __len__, e.g. on an uninitialised object) */
static Py_ssize_t ndw_swig_vnl_len(PyObject *self) {
  ndw_vnl *p = (ndw_vnl *)ndw_swig_self(self);
  return p ? (Py_ssize_t)ndw_vnl_rows(p) : -1;
}
static void ndw_swig_vnl_releasebuffer(PyObject *self, Py_buffer *view) {
  ndw_py_vnl_releasebuffer((ndw_vnl *)((SwigPyObject *)self)->ptr, view);
}
%}

%define NDW_WRAP_VNL_COMMON(PYNAME, T, PTYPE, MATRIX)
%rename(PYNAME) T;
NDW_VNL_DOCS(PYNAME, T)                         /* ndw_docs.i */
%feature("python:bf_getbuffer", functype="getbufferproc") T "ndw_swig_vnl_getbuffer";
%feature("python:bf_releasebuffer", functype="releasebufferproc") T "ndw_swig_vnl_releasebuffer";
%feature("python:slot", "tp_repr", functype="reprfunc") T::__repr__;
%feature("python:sq_length", functype="lenfunc") T "ndw_swig_vnl_len";
%rename(fill) T::py_fill;
%rename(size) T::py_size;
%rename(set_size) T::py_set_size;
%rename(get) T::py_get;
%rename(put) T::py_put;
%rename(rows) T::py_rows;
%rename(cols) T::py_cols;
%newobject T::_view;
%newobject T::_copy;
typedef struct T {} T;
%extend T {
  ~T() { ndw_py_vnl_free((ndw_vnl *)$self); }
  PyObject *py_fill(PyObject *value) { return ndw_py_vnl_fill((ndw_vnl *)$self, value); }
  unsigned long long py_size() { return ndw_vnl_size((ndw_vnl *)$self); }
  long __len__() { return (long)ndw_vnl_rows((ndw_vnl *)$self); }
  PyObject *__repr__() { return ndw_py_vnl_repr((ndw_vnl *)$self, #PYNAME); }
  static T *_view(PyObject *array, int writable = 0) {
    return (T *)ndw_py_vnl_view(PTYPE, MATRIX, array, writable);
  }
  T *_copy() { return (T *)ndw_py_vnl_copy((ndw_vnl *)$self); }
  int _exports() { return (int)ndw_vnl_exports((ndw_vnl *)$self); }
}
NDW_VNL_PROTOCOLS(T)                            /* ndw_protocols.i */
NDW_PUBLIC_DIR(T)                               /* ndw_docs.i */
NDW_VNL_DLPACK(T)                               /* ndw_dlpack.i */
%enddef

%define NDW_WRAP_VNL(NDW_CODE_, NDW_TOK_, NDW_CTYPE_)
NDW_WRAP_VNL_COMMON(vnl_vector##NDW_CODE_, ndw_vnl_vector_##NDW_TOK_, NDW_PIXEL_##NDW_CODE_, 0)
%feature("python:slot", "sq_item", functype="ssizeargfunc") ndw_vnl_vector_##NDW_TOK_::__getitem__;
%feature("python:slot", "sq_ass_item", functype="ssizeobjargproc") ndw_vnl_vector_##NDW_TOK_::__setitem__;
%feature("python:slot", "tp_call", functype="ternarycallfunc") ndw_vnl_vector_##NDW_TOK_::__call__;
%newobject ndw_vnl_vector_##NDW_TOK_::as_vector;
%extend ndw_vnl_vector_##NDW_TOK_ {
  /* vnl_vector(n) or vnl's vnl_vector(n, value): n elements set to value */
  ndw_vnl_vector_##NDW_TOK_(PyObject *n = NULL, PyObject *value = NULL) {
    ndw_vnl *v = ndw_py_vnl_new(NDW_PIXEL_##NDW_CODE_, 0, n, NULL);
    return (ndw_vnl_vector_##NDW_TOK_ *)ndw_py_vnl_filled(v, value);
  }
  /* v(i), v[i] = value: vnl's operator() and element assignment */
  /* (two parameters so that SWIG parses tp_call's argument tuple) */
  PyObject *__call__(PyObject *i, PyObject *extra = NULL) {
    if (extra != NULL) {
      PyErr_SetString(PyExc_TypeError, "a vnl_vector takes one index: v(i)");
      return NULL;
    }
    return ndw_py_vnl_get((ndw_vnl *)$self, i, NULL);
  }
  PyObject *__setitem__(long i, PyObject *value) {
    PyObject *index, *r;
    if (value == NULL) {
      PyErr_SetString(PyExc_TypeError, "cannot delete elements of a vnl_vector");
      return NULL;
    }
    if (i < 0) { /* sq_ass_item: CPython has already added len() */
      unsigned long long n = ndw_vnl_rows((ndw_vnl *)$self);
      PyErr_Format(PyExc_IndexError, "index %lld is out of range for length %llu",
                   (long long)i - (long long)n, n);
      return NULL;
    }
    if ((index = PyLong_FromSsize_t(i)) == NULL) return NULL;
    r = ndw_py_vnl_put((ndw_vnl *)$self, index, NULL, value);
    Py_DECREF(index);
    return r;
  }
  /* vnl_vector_fixed::as_vector(): a new vector holding a copy */
  ndw_vnl_vector_##NDW_TOK_ *as_vector() {
    return (ndw_vnl_vector_##NDW_TOK_ *)ndw_py_vnl_copy((ndw_vnl *)$self);
  }
  PyObject *py_set_size(PyObject *n) { return ndw_py_vnl_set_size((ndw_vnl *)$self, n, NULL); }
  PyObject *py_get(PyObject *i) { return ndw_py_vnl_get((ndw_vnl *)$self, i, NULL); }
  PyObject *py_put(PyObject *i, PyObject *value) {
    return ndw_py_vnl_put((ndw_vnl *)$self, i, NULL, value);
  }
  PyObject *__getitem__(long i) {
    PyObject *index, *r;
    if (i < 0) { /* sq_item: CPython has already added len(); do not wrap twice */
      unsigned long long n = ndw_vnl_rows((ndw_vnl *)$self);
      PyErr_Format(PyExc_IndexError, "index %lld is out of range for length %llu",
                   (long long)i - (long long)n, n);
      return NULL;
    }
    if ((index = PyLong_FromSsize_t(i)) == NULL) return NULL;
    r = ndw_py_vnl_get((ndw_vnl *)$self, index, NULL);
    Py_DECREF(index);
    return r;
  }
}
NDW_WRAP_VNL_COMMON(vnl_matrix##NDW_CODE_, ndw_vnl_matrix_##NDW_TOK_, NDW_PIXEL_##NDW_CODE_, 1)
%feature("python:slot", "tp_call", functype="ternarycallfunc") ndw_vnl_matrix_##NDW_TOK_::__call__;
%newobject ndw_vnl_matrix_##NDW_TOK_::as_matrix;
%extend ndw_vnl_matrix_##NDW_TOK_ {
  /* vnl_matrix(rows, cols) or vnl's vnl_matrix(rows, cols, value) */
  ndw_vnl_matrix_##NDW_TOK_(PyObject *rows = NULL, PyObject *cols = NULL, PyObject *value = NULL) {
    ndw_vnl *m = ndw_py_vnl_new(NDW_PIXEL_##NDW_CODE_, 1, rows, cols);
    return (ndw_vnl_matrix_##NDW_TOK_ *)ndw_py_vnl_filled(m, value);
  }
  /* m(r, c): vnl's operator(); columns(): vnl's other name for cols() */
  PyObject *__call__(PyObject *r, PyObject *c) { return ndw_py_vnl_get((ndw_vnl *)$self, r, c); }
  unsigned long long columns() { return ndw_vnl_cols((ndw_vnl *)$self); }
  /* vnl_matrix_fixed::as_matrix() (itkPyVnlTest on Matrix.GetVnlMatrix()):
   * a new matrix holding a copy */
  ndw_vnl_matrix_##NDW_TOK_ *as_matrix() {
    return (ndw_vnl_matrix_##NDW_TOK_ *)ndw_py_vnl_copy((ndw_vnl *)$self);
  }
  PyObject *py_set_size(PyObject *rows, PyObject *cols) {
    return ndw_py_vnl_set_size((ndw_vnl *)$self, rows, cols);
  }
  unsigned long long py_rows() { return ndw_vnl_rows((ndw_vnl *)$self); }
  unsigned long long py_cols() { return ndw_vnl_cols((ndw_vnl *)$self); }
  PyObject *py_get(PyObject *r, PyObject *c) { return ndw_py_vnl_get((ndw_vnl *)$self, r, c); }
  PyObject *py_put(PyObject *r, PyObject *c, PyObject *value) {
    return ndw_py_vnl_put((ndw_vnl *)$self, r, c, value);
  }
}
%enddef
