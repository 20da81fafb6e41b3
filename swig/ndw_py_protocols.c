/* Glue of the array-ecosystem protocols (see ndw_py_protocols.h). */
#include "ndw_py_protocols.h"

PyObject *ndw_py_image_shape(ndw_image *im) {
  unsigned dim = ndw_image_dimension(im), vector = ndw_image_is_vector(im) != 0;
  uint64_t size[NDW_MAX_DIM + 1], shape[NDW_MAX_DIM + 1];
  ndw_image_get_size(im, size);
  for (unsigned i = 0; i < dim; ++i) shape[i] = size[dim - 1 - i];
  if (vector) shape[dim] = ndw_image_components(im);
  return ndw_py_tuple_uint64(shape, dim + vector);
}

PyObject *ndw_py_image_ndim(ndw_image *im) {
  return PyLong_FromLong((long)ndw_image_dimension(im) + (ndw_image_is_vector(im) != 0));
}

PyObject *ndw_py_vnl_shape(ndw_vnl *v) {
  uint64_t shape[2] = {ndw_vnl_rows(v), ndw_vnl_cols(v)};
  return ndw_py_tuple_uint64(shape, ndw_vnl_is_matrix(v) ? 2 : 1);
}

PyObject *ndw_py_dtype(ndw_pixel_type t) {
  static PyObject *cache[NDW_PIXEL_COUNT];
  const ndw_pixel_info *info = ndw_pixel_type_info(t);
  if (info == NULL) {
    PyErr_SetString(PyExc_TypeError, "unknown pixel type");
    return NULL;
  }
  if (cache[t] == NULL) {
    PyObject *numpy = PyImport_ImportModule("numpy");
    if (numpy == NULL) return NULL;
    cache[t] = PyObject_CallMethod(numpy, "dtype", "s", info->numpy);
    Py_DECREF(numpy);
    if (cache[t] == NULL) return NULL;
  }
  Py_INCREF(cache[t]);
  return cache[t];
}

PyObject *ndw_py_protocol_call(const char *name, PyObject *self, PyObject *a, PyObject *b) {
  static PyObject *module;
  PyObject *fn, *r;
  if (module == NULL && (module = PyImport_ImportModule("ndwrap._protocols")) == NULL)
    return NULL;
  if ((fn = PyObject_GetAttrString(module, name)) == NULL) return NULL;
  r = PyObject_CallFunctionObjArgs(fn, self, a ? a : Py_None, b ? b : Py_None, NULL);
  Py_DECREF(fn);
  return r;
}

PyObject *ndw_py_image_set_start_index(ndw_image *im, PyObject *index) {
  int64_t idx[NDW_MAX_DIM];
  if (ndw_py_to_int64s(index, ndw_image_dimension(im), idx, "index") < 0) return NULL;
  return ndw_py_status(ndw_image_set_index(im, idx));
}
