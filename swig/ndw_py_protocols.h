/* Glue of the array-ecosystem protocols (swig/ndw_protocols.i): NumPy's
 * shape/ndim/dtype, and the forwarders to ndwrap/_protocols.py. */
#ifndef NDW_PY_PROTOCOLS_H
#define NDW_PY_PROTOCOLS_H

#include "ndw_py.h"

#ifdef __cplusplus
extern "C" {
#endif

/** (z, y, x[, c]): the shape of np.asarray(image), allocated or not. */
PyObject *ndw_py_image_shape(ndw_image *im);
PyObject *ndw_py_image_ndim(ndw_image *im);
/** (n,) or (rows, cols). */
PyObject *ndw_py_vnl_shape(ndw_vnl *v);
/** numpy.dtype of a pixel type (imports NumPy on first use; cached). */
PyObject *ndw_py_dtype(ndw_pixel_type t);
/** ndwrap._protocols.<name>(self, a, b): NULL a/b are passed as None. */
PyObject *ndw_py_protocol_call(const char *name, PyObject *self, PyObject *a, PyObject *b);
/** Move the region's start index, keeping size and buffer. */
PyObject *ndw_py_image_set_start_index(ndw_image *im, PyObject *index);

#ifdef __cplusplus
}
#endif
#endif
