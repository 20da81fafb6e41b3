/* Fast paths of the conversion spellings (issue 16).
 *
 * Each fast callable stands in front of one Python spelling (its
 * `fallback`): it takes the common call itself (the right object, no
 * keywords or only a plain keepAxes/keep_axes/copy flag) with no Python
 * frame, and hands every other call, unchanged, to the Python spelling,
 * which keeps all of the rules, diagnostics and slow paths.  Buffers are
 * acquired only through ndw_py.c (ndw_py_image_view, ndw_py_vnl_view,
 * ndw_py_image_view_ex) and exported only through the types' own getbuffer
 * (memoryview), so the acquisition and export rules are those of every
 * other spelling.
 *
 * Only ndw_convert.i knows SWIG's object layout: it gives the hooks and the
 * (pixel type, dimension, vector) of a class. */
#ifndef NDW_PY_CONVERT_H
#define NDW_PY_CONVERT_H

#include "ndw_py.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  NDW_FAST_IMAGE_VIEW = 0, /* image -> array view (keep flag allowed) */
  NDW_FAST_VNL_VIEW,       /* vnl -> array view */
  NDW_FAST_VNL_COPY,       /* vnl -> array copy (copy=True) */
  NDW_FAST_IMAGE_IMPORT,   /* array -> image view (keep flag allowed) */
  NDW_FAST_VNL_IMPORT,     /* array -> vnl view */
  NDW_FAST_VNL_IMPORT_COPY, /* array -> vnl copy (copy=True) */
  NDW_FAST_IMAGE_IMPORT_COPY, /* array -> new image (image_from_array): view, then copy */
  NDW_FAST_IMAGE_EXPORT_COPY  /* image -> new array (array_from_image): view, copy, reorder */
};

typedef struct ndw_py_convert_hooks {
  /** The C object of a SWIG instance (NULL for one never initialised). */
  void *(*ptr)(PyObject *obj);
  /** The SWIG type of an image class, or NULL when not wrapped. */
  void *(*image_type)(ndw_pixel_type t, unsigned dim, int vector);
  /** A new Python object owning `im` / `v` (freed on failure). */
  PyObject *(*wrap_image)(ndw_image *im, void *swig_type);
  PyObject *(*wrap_vnl)(ndw_vnl *v, void *swig_type);
} ndw_py_convert_hooks;

void ndw_py_convert_set_hooks(const ndw_py_convert_hooks *hooks);

/** A new fast callable of `kind` for `cls` (NULL: any image class, the
 *  pixel type and dimension then come from the array); `swig_type`, `t`,
 *  `dim`, `vector` (or matrix for vnl) describe `cls`.  `image_types` is a
 *  dict whose keys are every image class (for cls NULL).  The callable is
 *  named after the fallback; its doc is `doc` when that is a str (it may
 *  carry a text signature), else the fallback's. */
PyObject *ndw_py_convert_new(int kind, PyObject *cls, void *swig_type, ndw_pixel_type t,
                             unsigned dim, int vector, PyObject *fallback,
                             PyObject *image_types, PyObject *doc);

#ifdef __cplusplus
}
#endif
#endif
