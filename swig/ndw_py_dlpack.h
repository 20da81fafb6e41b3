/* Python glue of Module_BridgeDLPack (swig/ndw_dlpack.i): DLPack capsules
 * of images and vnl objects, and images viewing DLPack capsules. */
#ifndef NDW_PY_DLPACK_H
#define NDW_PY_DLPACK_H

#include "ndw_py.h"

#ifdef __cplusplus
extern "C" {
#endif

/** image.__dlpack__(stream=None, max_version=None, dl_device=None, copy=None):
 *  a "dltensor_versioned" capsule when max_version >= (1, 0), else
 *  "dltensor".  The capsule (then its consumer) holds `self` and one export
 *  of the image until the tensor's deleter runs. */
PyObject *ndw_py_image_dlpack(ndw_image *im, PyObject *self, PyObject *stream,
                              PyObject *max_version, PyObject *dl_device, PyObject *copy);
PyObject *ndw_py_vnl_dlpack(ndw_vnl *v, PyObject *self, PyObject *stream, PyObject *max_version,
                            PyObject *dl_device, PyObject *copy);
/** (kDLCPU, 0) */
PyObject *ndw_py_dlpack_device(void);
/** (pixel code, ndim, versioned, readonly) of an unconsumed capsule, without
 *  consuming it; the same errors as the import. */
PyObject *ndw_py_dlpack_info(PyObject *capsule);
/** New image of (t, dim, vector) viewing a capsule handed in by the user
 *  (T._from_dlpack): consumed (renamed "used_dltensor[_versioned]") only on
 *  success. */
ndw_image *ndw_py_image_from_dlpack(ndw_pixel_type t, unsigned dim, int vector,
                                    PyObject *capsule, int is_vector);

/* ---- vectorcall entry points ---------------------------------------------
 * The SWIG side (swig/ndw_dlpack.i, the only code that knows SWIG's object
 * layout) supplies two hooks: the wrapped type of an image kind (NULL when
 * not wrapped) and the wrapping of a new image into its Python object
 * (taking ownership; on failure the image is freed). */
typedef void *(*ndw_py_dlpack_lookup_fn)(ndw_pixel_type t, unsigned dim, int vector);
typedef PyObject *(*ndw_py_dlpack_wrap_fn)(ndw_image *im, void *type);
void ndw_py_dlpack_set_hooks(ndw_py_dlpack_lookup_fn lookup, ndw_py_dlpack_wrap_fn wrap);
/** __dlpack__ as METH_FASTCALL | METH_KEYWORDS (keyword arguments only). */
PyObject *ndw_py_image_dlpack_fast(ndw_image *im, PyObject *self, PyObject *const *args,
                                   Py_ssize_t nargs, PyObject *kwnames);
PyObject *ndw_py_vnl_dlpack_fast(ndw_vnl *v, PyObject *self, PyObject *const *args,
                                 Py_ssize_t nargs, PyObject *kwnames);
/** The image (of the class its dtype and rank pick) viewing a capsule that
 *  the caller obtained itself: consumed once its checks pass, so a view
 *  that still fails releases the tensor through its deleter. */
PyObject *ndw_py_image_from_capsule(PyObject *capsule, int is_vector);
/** ndwrap.from_dlpack(obj, pixel_type=None, *, is_vector=False, copy=None). */
PyObject *ndw_py_from_dlpack_fast(PyObject *module, PyObject *const *args, Py_ssize_t nargsf,
                                  PyObject *kwnames);

#ifdef __cplusplus
}
#endif
#endif
