/* Glue of the images' index <-> physical point transforms (ITK's
 * TransformIndexToPhysicalPoint & co., swig/ndw_itk.i): argument parsing and
 * results in C over ndw_image_index_to_point / ndw_image_point_to_index. */
#ifndef NDW_PY_GEOMETRY_H
#define NDW_PY_GEOMETRY_H

#include "ndw_py.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The physical point (a tuple of dim floats) of an index: integers when
 *  `continuous` is 0 (TypeError for a float), real numbers otherwise. */
PyObject *ndw_py_image_index_to_point(ndw_image *im, PyObject *index, int continuous);
/** The continuous index (a tuple of dim floats) of a physical point. */
PyObject *ndw_py_image_point_to_continuous_index(ndw_image *im, PyObject *point);
/** The nearest index of a physical point (ITK's round half up) into `out`
 *  (dim values); -1 with OverflowError when it does not fit an index. */
int ndw_py_image_point_to_index(ndw_image *im, PyObject *point, int64_t *out);

#ifdef __cplusplus
}
#endif
#endif
