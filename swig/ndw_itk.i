/* ITK's spellings on images, regions and vnl objects (issue 11, "ITK
 * parity"): what ITK code calls that the core classes do not otherwise
 * have.  Each member is a thin forward, either to the C glue (the geometry
 * transforms: swig/ndw_py_geometry.c) or, where the work is a few lines of
 * Python over the existing API (element access, Graft's bookkeeping), to
 * Wrapping/Python/ndwrap/_protocols.py through ndw_py_protocol_call.  The
 * argument rule applies as everywhere (ndw_args.i): `self` is checked before
 * any member runs. */

%{
#include "ndw_py_geometry.h"
%}

%define NDW_IMAGE_ITK(T, D)
%newobject T::TransformPhysicalPointToIndex;
/* image[z, y, x] (NumPy order, as ITK 5): read and write through a view */
%feature("python:slot", "mp_subscript", functype="binaryfunc") T::__getitem__;
%feature("python:slot", "mp_ass_subscript", functype="objobjargproc") T::__setitem__;
%feature("kwargs") T::__buffer__;
%extend T {
  PyObject *AllocateInitialized() { return ndw_py_image_allocate((ndw_image *)$self, 1); }
  PyObject *Graft(PyObject *ndw_self, PyObject *other) {
    return ndw_py_protocol_call("graft", ndw_self, other, NULL);
  }
  PyObject *Clone(PyObject *ndw_self) {
    return ndw_py_protocol_call("clone", ndw_self, NULL, NULL);
  }
  /* index <-> physical point: parsed and computed in C (ndw_py_geometry.c) */
  PyObject *TransformIndexToPhysicalPoint(PyObject *index) {
    return ndw_py_image_index_to_point((ndw_image *)$self, index, 0);
  }
  PyObject *TransformContinuousIndexToPhysicalPoint(PyObject *index) {
    return ndw_py_image_index_to_point((ndw_image *)$self, index, 1);
  }
  ndw_index_##D *TransformPhysicalPointToIndex(PyObject *point) {
    ndw_index_##D *r = (ndw_index_##D *)calloc(1, sizeof *r);
    if (r == NULL) {
      PyErr_NoMemory();
      return NULL;
    }
    if (ndw_py_image_point_to_index((ndw_image *)$self, point, r->v) < 0) {
      free(r);
      return NULL;
    }
    return r;
  }
  PyObject *TransformPhysicalPointToContinuousIndex(PyObject *point) {
    return ndw_py_image_point_to_continuous_index((ndw_image *)$self, point);
  }
  /* the address of the first pixel, as an int (ITK gives a raw pointer) */
  PyObject *GetBufferPointer() {
    void *p = ndw_image_buffer((ndw_image *)$self);
    if (p == NULL) {
      PyErr_SetString(PyExc_RuntimeError, "the image is not allocated: call Allocate() first");
      return NULL;
    }
    return PyLong_FromVoidPtr(p);
  }
  PyObject *__getitem__(PyObject *ndw_self, PyObject *key) {
    return ndw_py_protocol_call("getitem", ndw_self, key, NULL);
  }
  PyObject *__setitem__(PyObject *ndw_self, PyObject *key, PyObject *value) {
    return ndw_py_protocol_call("setitem", ndw_self, key, value);
  }
  /* PEP 688 (Python 3.12 calls the buffer slot itself; older ones get this) */
  PyObject *__buffer__(PyObject *ndw_self, PyObject *flags = NULL) {
    return ndw_py_protocol_call("buffer", ndw_self, flags, NULL);
  }
  /* for Graft: view `array` (a view of the grafted image) in place */
  PyObject *_rewrap(PyObject *array, int is_vector = 0) {
    return ndw_py_image_rewrap((ndw_image *)$self, array, is_vector);
  }
}
%enddef

/* ImageRegion: ITK's IsInside (an index, or a whole region) */
%define NDW_REGION_ITK(D)
%extend ndw_region_##D {
  PyObject *IsInside(PyObject *index_or_region) {
    int64_t idx[D];
    void *argp = NULL;
    int inside = 1;
    if (SWIG_IsOK(SWIG_ConvertPtr(index_or_region, &argp, $descriptor(ndw_region_##D *), 0)) &&
        argp != NULL) {
      const ndw_region_##D *o = (const ndw_region_##D *)argp;
      int empty = 0;
      for (unsigned i = 0; i < D; ++i) empty |= o->size.v[i] == 0;
      /* o.start >= start and o.start - start + o.size <= size, exactly: the
       * difference of two int64 that is >= 0 fits a uint64 */
      for (unsigned i = 0; !empty && inside && i < D; ++i) {
        uint64_t off = (uint64_t)o->index.v[i] - (uint64_t)$self->index.v[i];
        inside = o->index.v[i] >= $self->index.v[i] && off <= $self->size.v[i] &&
                 o->size.v[i] <= $self->size.v[i] - off;
      }
      return PyBool_FromLong(inside);
    }
    if (ndw_py_to_int64s(index_or_region, D, idx, "index") < 0) return NULL;
    for (unsigned i = 0; inside && i < D; ++i)
      inside = idx[i] >= $self->index.v[i] &&
               (uint64_t)idx[i] - (uint64_t)$self->index.v[i] < $self->size.v[i];
    return PyBool_FromLong(inside);
  }
}
%enddef
