/* Size<D>, Index<D>, ImageRegion<D>: small value types with ITK's names,
 * sequence behaviour (len, indexing, iteration) and readable reprs. */

%define NDW_WRAP_SEQ(PYNAME, T, D, SIGNED)
%rename(PYNAME) T;
NDW_SEQ_DOCS(PYNAME, T)                         /* ndw_docs.i */
%{
/* len(): a plain slot function (SWIG's lenfunc closure dereferences the
 * NULL result of a failing __len__, e.g. on an uninitialised object) */
static Py_ssize_t ndw_swig_len_##T(PyObject *self) { return ndw_swig_self(self) ? D : -1; }
%}
%feature("python:sq_length", functype="lenfunc") T "ndw_swig_len_" #T;
%feature("python:slot", "sq_item", functype="ssizeargfunc") T::__getitem__;
%feature("python:slot", "sq_ass_item", functype="ssizeobjargproc") T::__setitem__;
%feature("python:slot", "tp_repr", functype="reprfunc") T::__repr__;
%feature("python:compare", "Py_EQ") T::__eq__;
%feature("python:compare", "Py_NE") T::__ne__;
/* mutable sequences that compare equal to lists and tuples: unhashable, as
 * a list (a hash could not stay equal to that of an equal tuple after
 * __setitem__) */
%feature("python:slot", "tp_hash", functype="hashfunc") T::__hash__;
typedef struct T {} T;
%extend T {
  T(PyObject *values = NULL) {
    T *s = (T *)calloc(1, sizeof(T));
    if (s == NULL) {
      PyErr_NoMemory();
      return NULL;
    }
    if (ndw_py_geom_init(s->v, D, SIGNED, values) < 0) {
      free(s);
      return NULL;
    }
    return s;
  }
  ~T() { free($self); }
  void Fill(PyObject *value) {
    for (unsigned i = 0; i < D; ++i)
      if (ndw_py_geom_setitem($self->v, D, SIGNED, (Py_ssize_t)i, value) < 0) return;
  }
  long __len__() { return D; }
  PyObject *__getitem__(long i) { return ndw_py_geom_getitem($self->v, D, SIGNED, i); }
  void __setitem__(long i, PyObject *value) {
    (void)ndw_py_geom_setitem($self->v, D, SIGNED, i, value);
  }
  PyObject *GetElement(long i) { return ndw_py_geom_getitem($self->v, D, SIGNED, i); }
  void SetElement(long i, PyObject *value) {
    (void)ndw_py_geom_setitem($self->v, D, SIGNED, i, value);
  }
  PyObject *__repr__() { return ndw_py_geom_repr($self->v, D, SIGNED, #PYNAME); }
  PyObject *__eq__(PyObject *other) {
    return ndw_py_geom_richcompare($self->v, D, SIGNED, other, Py_EQ);
  }
  PyObject *__ne__(PyObject *other) {
    return ndw_py_geom_richcompare($self->v, D, SIGNED, other, Py_NE);
  }
  Py_hash_t __hash__() {
    PyErr_Format(PyExc_TypeError, "unhashable type: '%s' (a mutable sequence; use tuple(x))",
                 #PYNAME);
    return -1;
  }
  static unsigned int GetSizeDimension() { return D; }
  static unsigned int GetIndexDimension() { return D; }
}
NDW_PUBLIC_DIR(T)
%enddef

/* Wherever a C function takes a Size or Index, a Python sequence (list,
 * tuple, NumPy array) or a single int works as well as the wrapped object. */
%define NDW_GEOMETRY_IN(T, D, SIGNED)
%typemap(in) const T * (T tmp_, void *argp_ = 0) {
  if ($input == Py_None) { /* SWIG would pass NULL */
    PyErr_SetString(PyExc_TypeError, "$symname(): argument $argnum must be a " #T
                    "-like sequence of integers, not None");
    SWIG_fail;
  }
  if (SWIG_IsOK(SWIG_ConvertPtr($input, &argp_, $descriptor(T *), 0)) && argp_ != NULL) {
    $1 = (T *)argp_;
  } else {
    if (ndw_py_geom_init(tmp_.v, D, SIGNED, $input) < 0) SWIG_fail;
    $1 = &tmp_;
  }
}
%enddef

/* D doubles (a spacing, an offset): any sequence or NumPy array of D
 * numbers, or one number for all axes. */
%define NDW_VECTOR_IN(D)
%typemap(in) const ndw_vector_##D * (ndw_vector_##D tmp_) {
  if (ndw_py_to_doubles($input, D, tmp_.v, 1, "vector") < 0) SWIG_fail;
  $1 = &tmp_;
}
%enddef

%define NDW_WRAP_GEOMETRY(D)
NDW_VECTOR_IN(D)
NDW_WRAP_SEQ(Size##D, ndw_size_##D, D, 0)
NDW_WRAP_SEQ(Index##D, ndw_index_##D, D, 1)
NDW_GEOMETRY_IN(ndw_size_##D, D, 0)
NDW_GEOMETRY_IN(ndw_index_##D, D, 1)
%rename(ImageRegion##D) ndw_region_##D;
NDW_REGION_DOCS(D)
%feature("python:slot", "tp_repr", functype="reprfunc") ndw_region_##D::__repr__;
typedef struct ndw_region_##D {} ndw_region_##D;
%extend ndw_region_##D {
  ndw_region_##D(PyObject *index_or_size = NULL, PyObject *size = NULL) {
    ndw_region_##D *r = (ndw_region_##D *)calloc(1, sizeof(ndw_region_##D));
    if (r == NULL) {
      PyErr_NoMemory();
      return NULL;
    }
    if (ndw_py_region_init(r->index.v, r->size.v, D, index_or_size, size) < 0) {
      free(r);
      return NULL;
    }
    return r;
  }
  ~ndw_region_##D() { free($self); }
  ndw_index_##D GetIndex() { return $self->index; }
  ndw_size_##D GetSize() { return $self->size; }
  /* SetIndex(index) or ITK's SetIndex(axis, value); the same for SetSize */
  void SetIndex(PyObject *index, PyObject *value = NULL) {
    if (value == NULL)
      (void)ndw_py_to_int64s(index, D, $self->index.v, "index");
    else
      (void)ndw_py_geom_set_axis($self->index.v, D, 1, index, value);
  }
  void SetSize(PyObject *size, PyObject *value = NULL) {
    if (value == NULL)
      (void)ndw_py_to_sizes(size, D, $self->size.v, "size");
    else
      (void)ndw_py_geom_set_axis($self->size.v, D, 0, size, value);
  }
  /* exact (a Python int): a region object may describe more pixels than
   * any image could hold */
  PyObject *GetNumberOfPixels() {
    PyObject *n = PyLong_FromLong(1);
    for (unsigned i = 0; n != NULL && i < D; ++i) {
      PyObject *s = PyLong_FromUnsignedLongLong($self->size.v[i]), *p;
      p = s ? PyNumber_Multiply(n, s) : NULL;
      Py_XDECREF(s);
      Py_DECREF(n);
      n = p;
    }
    return n;
  }
  static unsigned int GetImageDimension() { return D; }
  PyObject *__repr__() {
    return ndw_py_region_repr($self->index.v, $self->size.v, D, "ImageRegion" #D);
  }
}
NDW_REGION_ITK(D)                               /* ndw_itk.i */
NDW_PUBLIC_DIR(ndw_region_##D)
%enddef
