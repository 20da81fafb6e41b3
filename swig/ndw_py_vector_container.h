/* The Python glue of the VectorContainer module (Modules/Core/VectorContainer):
 * the handle ndwcore._VectorContainer exports its elements as a buffer of
 * shape (n,) or (n, components) and counts the export, so resizing the
 * container under a live view is a BufferError; arrays come in through
 * ndw_py_acquire.  Functions follow ndw_py.h's conventions. */
#ifndef NDW_PY_VECTOR_CONTAINER_H
#define NDW_PY_VECTOR_CONTAINER_H

#include "ndw_py.h"
#include "ndw/vector_container.h"

/** New empty container of elements of `components` values of the pixel
 *  type with code `code` ("F"). */
ndw_vector_container *ndw_py_vc_new(PyObject *code, int components);
void ndw_py_vc_free(ndw_vector_container *c);
PyObject *ndw_py_vc_resize(ndw_vector_container *c, PyObject *n);
/** Element `i`: a number (1 component) or a tuple of numbers. */
PyObject *ndw_py_vc_get(ndw_vector_container *c, PyObject *i);
/** Set element `i` from a number or a sequence of `components` numbers;
 *  `insert`: grow to i + 1 first when needed (ITK's InsertElement). */
PyObject *ndw_py_vc_set(ndw_vector_container *c, PyObject *i, PyObject *value, int insert);
/** Replace the contents by a copy of a C-contiguous buffer of exactly the
 *  element type, shape (n,) or (n, components). */
PyObject *ndw_py_vc_assign(ndw_vector_container *c, PyObject *obj);
int ndw_py_vc_getbuffer(ndw_vector_container *c, PyObject *self, Py_buffer *view, int flags);
void ndw_py_vc_releasebuffer(ndw_vector_container *c, Py_buffer *view);

#endif
