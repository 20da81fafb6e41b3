/* Glue of the index <-> physical point transforms (see ndw_py_geometry.h). */
#include "ndw_py_geometry.h"

#include <math.h>

PyObject *ndw_py_image_index_to_point(ndw_image *im, PyObject *index, int continuous) {
  unsigned n = ndw_image_dimension(im);
  double c[NDW_MAX_DIM], p[NDW_MAX_DIM];
  if (continuous) {
    if (ndw_py_to_doubles(index, n, c, 0, "continuous index") < 0) return NULL;
  } else {
    int64_t i[NDW_MAX_DIM];
    if (ndw_py_to_int64s(index, n, i, "index") < 0) return NULL;
    for (unsigned k = 0; k < n; ++k) c[k] = (double)i[k];
  }
  ndw_image_index_to_point(im, c, p);
  return ndw_py_tuple_double(p, n);
}

static int ndw_py_continuous_index(ndw_image *im, PyObject *point, double *c) {
  unsigned n = ndw_image_dimension(im);
  double p[NDW_MAX_DIM];
  ndw_status st;
  if (ndw_py_to_doubles(point, n, p, 0, "point") < 0) return -1;
  if ((st = ndw_image_point_to_index(im, p, c)) != NDW_OK) {
    ndw_py_raise(st);
    return -1;
  }
  return 0;
}

PyObject *ndw_py_image_point_to_continuous_index(ndw_image *im, PyObject *point) {
  double c[NDW_MAX_DIM];
  if (ndw_py_continuous_index(im, point, c) < 0) return NULL;
  return ndw_py_tuple_double(c, ndw_image_dimension(im));
}

int ndw_py_image_point_to_index(ndw_image *im, PyObject *point, int64_t *out) {
  unsigned n = ndw_image_dimension(im);
  double c[NDW_MAX_DIM];
  if (ndw_py_continuous_index(im, point, c) < 0) return -1;
  for (unsigned k = 0; k < n; ++k) {
    /* round half up, as ITK (Math::RoundHalfIntegerUp) */
    double r = floor(c[k] + 0.5);
    if (!(fabs(r) < 4611686018427387904.0)) { /* 2**62: any region's index fits */
      PyObject *t = ndw_py_tuple_double(c, n);
      if (t != NULL) {
        PyErr_Format(PyExc_OverflowError,
                     "the point is outside any index range (continuous index %R)", t);
        Py_DECREF(t);
      }
      return -1;
    }
    out[k] = (int64_t)r;
  }
  return 0;
}
