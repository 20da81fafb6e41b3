/* Python glue of the VectorContainer module (see ndw_py_vector_container.h). */
#include "ndw_py_vector_container.h"

#include <string.h>

#include "ndw/buffer.h"

#define NDW_VC_MAX_BYTES (64 * 16) /* 64 components of at most 16 bytes */

ndw_vector_container *ndw_py_vc_new(PyObject *code, int components) {
  ndw_pixel_type t;
  ndw_vector_container *c = NULL;
  const char *name;
  if (!PyUnicode_Check(code)) {
    PyErr_Format(PyExc_TypeError, "the element type is a pixel code string ('F'), not %.100s",
                 Py_TYPE(code)->tp_name);
    return NULL;
  }
  if ((name = PyUnicode_AsUTF8(code)) == NULL) return NULL;
  if (ndw_py_check(ndw_pixel_type_from_name(name, &t)) < 0) return NULL;
  if (components < 1) {
    PyErr_Format(PyExc_ValueError, "a container element has at least 1 component, not %d",
                 components);
    return NULL;
  }
  if (ndw_py_check(ndw_vector_container_new(t, (unsigned)components, &c)) < 0) return NULL;
  return c;
}

void ndw_py_vc_free(ndw_vector_container *c) { (void)ndw_vector_container_free(c); }

/* A non-negative identifier (ITK's unsigned ElementIdentifier). */
static int ndw_py_vc_id(PyObject *obj, uint64_t *out) {
  PyObject *num = PyNumber_Index(obj);
  int overflow = 0;
  long long v;
  if (num == NULL) return -1;
  v = PyLong_AsLongLongAndOverflow(num, &overflow);
  if (v == -1 && overflow == 0 && PyErr_Occurred()) {
    Py_DECREF(num);
    return -1;
  }
  if (overflow < 0 || (overflow == 0 && v < 0)) {
    PyErr_Format(PyExc_IndexError, "element identifier %R is negative", num);
    Py_DECREF(num);
    return -1;
  }
  if (overflow == 0) {
    *out = (uint64_t)v;
    Py_DECREF(num);
    return 0;
  }
  *out = PyLong_AsUnsignedLongLong(num);
  Py_DECREF(num);
  if (*out == (uint64_t)-1 && PyErr_Occurred()) {
    PyErr_Format(PyExc_IndexError, "element identifier %R is out of range", obj);
    return -1;
  }
  return 0;
}

PyObject *ndw_py_vc_resize(ndw_vector_container *c, PyObject *n) {
  uint64_t size;
  if (ndw_py_vc_id(n, &size) < 0) {
    if (PyErr_ExceptionMatches(PyExc_IndexError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_ValueError, "a container size must be >= 0, got %R", n);
    }
    return NULL;
  }
  return ndw_py_status(ndw_vector_container_resize(c, size));
}

PyObject *ndw_py_vc_get(ndw_vector_container *c, PyObject *i) {
  char buf[NDW_VC_MAX_BYTES];
  uint64_t id;
  ndw_pixel_type t = ndw_vector_container_pixel_type(c);
  unsigned n = ndw_vector_container_components(c);
  size_t step = ndw_pixel_type_size(t);
  PyObject *tuple;
  if (ndw_py_vc_id(i, &id) < 0 || ndw_py_check(ndw_vector_container_get(c, id, buf)) < 0)
    return NULL;
  if (n == 1) return ndw_py_from_component(t, buf);
  if ((tuple = PyTuple_New((Py_ssize_t)n)) == NULL) return NULL;
  for (unsigned k = 0; k < n; ++k) {
    PyObject *x = ndw_py_from_component(t, buf + k * step);
    if (x == NULL) {
      Py_DECREF(tuple);
      return NULL;
    }
    PyTuple_SET_ITEM(tuple, (Py_ssize_t)k, x);
  }
  return tuple;
}

PyObject *ndw_py_vc_set(ndw_vector_container *c, PyObject *i, PyObject *value, int insert) {
  char buf[NDW_VC_MAX_BYTES];
  uint64_t id;
  ndw_pixel_type t = ndw_vector_container_pixel_type(c);
  unsigned n = ndw_vector_container_components(c);
  size_t step = ndw_pixel_type_size(t);
  if (ndw_py_vc_id(i, &id) < 0) return NULL;
  if (n == 1) {
    if (ndw_py_to_component(t, value, buf) < 0) return NULL;
  } else {
    PyObject *seq;
    if (PyUnicode_Check(value) || PyBytes_Check(value) ||
        (seq = PySequence_Fast(value, "")) == NULL) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError, "a container element is a sequence of %u numbers (a Point), "
                   "not %.100s", n, Py_TYPE(value)->tp_name);
      return NULL;
    }
    if (PySequence_Fast_GET_SIZE(seq) != (Py_ssize_t)n) {
      PyErr_Format(PyExc_ValueError, "a container element has %u components, got %zd", n,
                   PySequence_Fast_GET_SIZE(seq));
      Py_DECREF(seq);
      return NULL;
    }
    for (unsigned k = 0; k < n; ++k) {
      if (ndw_py_to_component(t, PySequence_Fast_GET_ITEM(seq, (Py_ssize_t)k), buf + k * step) <
          0) {
        Py_DECREF(seq);
        return NULL;
      }
    }
    Py_DECREF(seq);
  }
  return ndw_py_status(insert ? ndw_vector_container_insert(c, id, buf)
                              : ndw_vector_container_set(c, id, buf));
}

PyObject *ndw_py_vc_assign(ndw_vector_container *c, PyObject *obj) {
  ndw_buffer_desc d;
  ndw_pixel_type t, want = ndw_vector_container_pixel_type(c);
  unsigned n = ndw_vector_container_components(c);
  int native = 0, rank = n == 1 ? 1 : 2;
  size_t item = ndw_pixel_type_size(want);
  ndw_status st;
  Py_buffer *pb = ndw_py_acquire(obj, 0, &d);
  if (pb == NULL) return NULL;
  if (ndw_buffer_parse_format(d.format, d.itemsize, &t, &native) != NDW_OK || t != want ||
      !native) {
    PyErr_Format(PyExc_TypeError, "a container of %s needs an array of exactly that type "
                 "(native byte order), not format '%s'", ndw_pixel_type_info(want)->code,
                 d.format);
    goto fail;
  }
  if (d.ndim != rank || (rank == 2 && d.shape[1] != (int64_t)n)) {
    PyErr_Format(PyExc_ValueError, "a container of %u-component elements needs an array of "
                 "shape %s, got %d dimension(s)", n, rank == 1 ? "(n,)" : "(n, components)",
                 d.ndim);
    goto fail;
  }
  if ((d.shape[0] > 1 && d.strides[0] != (ptrdiff_t)(item * n)) ||
      (rank == 2 && n > 1 && d.strides[1] != (ptrdiff_t)item)) {
    PyErr_SetString(PyExc_TypeError, "a container is filled from a C-contiguous array");
    goto fail;
  }
  st = ndw_vector_container_assign(c, d.data, (uint64_t)d.shape[0]);
  PyBuffer_Release(pb);
  PyMem_Free(pb);
  return ndw_py_status(st);
fail:
  PyBuffer_Release(pb);
  PyMem_Free(pb);
  return NULL;
}

int ndw_py_vc_getbuffer(ndw_vector_container *c, PyObject *self, Py_buffer *view, int flags) {
  static char empty[16];
  ndw_buffer_desc d;
  const ndw_pixel_info *info = ndw_pixel_type_info(ndw_vector_container_pixel_type(c));
  unsigned n = ndw_vector_container_components(c);
  view->obj = NULL;
  memset(&d, 0, sizeof d);
  d.data = ndw_vector_container_data(c);
  if (d.data == NULL) d.data = empty; /* an empty container still exports */
  d.itemsize = info->size;
  d.format = info->format;
  d.ndim = n == 1 ? 1 : 2;
  d.shape[0] = (int64_t)ndw_vector_container_size(c);
  d.strides[0] = (ptrdiff_t)(info->size * n);
  d.shape[1] = (int64_t)n;
  d.strides[1] = (ptrdiff_t)info->size;
  if (ndw_py_fill_view(&d, self, view, flags) < 0) return -1;
  ndw_vector_container_export_acquire(c);
  return 0;
}

void ndw_py_vc_releasebuffer(ndw_vector_container *c, Py_buffer *view) {
  ndw_vector_container_export_release(c);
  PyMem_Free(view->internal);
  view->internal = NULL;
}
