/* ndwrap's Python glue, written once over the runtime-typed core.
 *
 * The SWIG wrappers of every typed class (ImageF3, vnl_vectorUC, Size3, ...)
 * are thin: each method forwards here with the generic object.  Functions
 * returning PyObject* return a new reference, or NULL with a Python
 * exception set; functions returning int return 0 or -1 (exception set).
 * Status codes become exceptions in exactly one place: ndw_py_raise().
 */
#ifndef NDW_PY_H
#define NDW_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "ndw/buffer.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Set the Python exception for `status` (message: ndw_last_error()) and
 *  return NULL.  The one status -> exception mapping of DESIGN.md. */
PyObject *ndw_py_raise(ndw_status status);
/** 0 for NDW_OK, else -1 with the exception set by ndw_py_raise. */
int ndw_py_check(ndw_status status);
/** Py_None for NDW_OK (new reference), else NULL via ndw_py_raise. */
PyObject *ndw_py_status(ndw_status status);

/** TypeError for a NULL pointer argument `argnum` (1-based, `self` first
 *  for methods) of SWIG wrapper `symname`: None was passed, or an object
 *  that was never initialised (T.__new__(T)).  `cls`: the expected class. */
void ndw_py_null_arg(const char *symname, int argnum, const char *cls);

/* ---- conversions ------------------------------------------------------- */
int ndw_py_to_int64s(PyObject *seq, unsigned n, int64_t *out, const char *what);
int ndw_py_to_sizes(PyObject *seq, unsigned n, uint64_t *out, const char *what);
/** `allow_scalar`: a single number is repeated n times. */
int ndw_py_to_doubles(PyObject *obj, unsigned n, double *out, int allow_scalar,
                      const char *what);
PyObject *ndw_py_tuple_int64(const int64_t *v, unsigned n);
PyObject *ndw_py_tuple_uint64(const uint64_t *v, unsigned n);
PyObject *ndw_py_tuple_double(const double *v, unsigned n);
/** One component of pixel type `t` from a Python number (exact: out-of-range
 *  integers raise OverflowError, floats for integer types raise TypeError). */
int ndw_py_to_component(ndw_pixel_type t, PyObject *obj, void *out);
PyObject *ndw_py_from_component(ndw_pixel_type t, const void *p);

/* ---- the one locking rule ------------------------------------------------
 * C work that runs with the GIL released marks every image it touches as
 * exported for its whole duration, exactly as a live NumPy view does, so a
 * concurrent SetRegions / Allocate / SetNumberOfComponentsPerPixel / free
 * gets BufferError and never frees memory under running code:
 *
 *     if (ndw_py_lock(a, b) < 0) return NULL;    (b may be NULL or == a)
 *     Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS
 *     ndw_py_unlock(a, b);
 *
 * ndw_py_lock fails (RuntimeError, nothing held) for an unallocated image. */
int ndw_py_lock(ndw_image *a, ndw_image *b);
/** A `radius` parameter of a module function: each element at most the
 *  input's size on that axis (so the work it drives is bounded by the
 *  image); ValueError naming `what` otherwise. */
int ndw_py_check_radius(const ndw_image *input, const uint64_t *radius, const char *what);
void ndw_py_unlock(ndw_image *a, ndw_image *b);

/* ---- buffers (shared by every bridge's glue) ------------------------------ */
/** The one acquisition path (DESIGN.md "Safety rules"): get `obj`'s buffer
 *  (writable when asked), check it and describe it in `d`.  Returns the
 *  heap Py_buffer to release with PyBuffer_Release + PyMem_Free, or NULL
 *  with an exception set (nothing held). */
Py_buffer *ndw_py_acquire(PyObject *obj, int writable, ndw_buffer_desc *d);
/** Export `d` in `view` for a getbuffer slot of `self`, honouring the
 *  consumer's request flags; view->internal is PyMem_Free'd by the
 *  releasebuffer slot.  The caller counts the export when this returns 0. */
int ndw_py_fill_view(const ndw_buffer_desc *d, PyObject *self, Py_buffer *view, int flags);

/* ---- images -------------------------------------------------------------- */
ndw_image *ndw_py_image_new(ndw_pixel_type t, unsigned dim, int vector);
/** Free an image whose Python object goes away (the GIL held). */
void ndw_py_image_free(ndw_image *im);
PyObject *ndw_py_image_set_regions(ndw_image *im, PyObject *region);
PyObject *ndw_py_image_allocate(ndw_image *im, int initialize);
PyObject *ndw_py_image_fill(ndw_image *im, PyObject *value);
PyObject *ndw_py_image_get_pixel(ndw_image *im, PyObject *index);
/* {layout: value class} of the fixed-size pixel types, for GetPixel */
PyObject *ndw_py_set_pixel_classes(PyObject *classes);
PyObject *ndw_py_image_set_pixel(ndw_image *im, PyObject *index, PyObject *value);
PyObject *ndw_py_image_set_spacing(ndw_image *im, PyObject *value);
PyObject *ndw_py_image_get_spacing(ndw_image *im);
PyObject *ndw_py_image_set_origin(ndw_image *im, PyObject *value);
PyObject *ndw_py_image_get_origin(ndw_image *im);
PyObject *ndw_py_image_set_direction(ndw_image *im, PyObject *value);
PyObject *ndw_py_image_get_direction(ndw_image *im);
PyObject *ndw_py_image_set_components(ndw_image *im, PyObject *value);
PyObject *ndw_py_image_repr(ndw_image *im, const char *pyname);
/** New image of (t, dim, vector) viewing `obj`'s buffer (held until the
 *  image lets go of it).  `writable` demands a writable buffer. */
ndw_image *ndw_py_image_view(ndw_pixel_type t, unsigned dim, int vector, PyObject *obj,
                             int is_vector, int writable);
/** An axes="..." order (issue 12): the array's axis i is the default
 *  array's (z, y, x[, c]) axis perm[i]; `with_c`: a "C" axis is named (for
 *  a scalar image an axis of length 1). */
typedef struct ndw_py_axes {
  int n;
  int perm[NDW_MAX_DIM + 1];
  int with_c;
} ndw_py_axes;
/** The one axes= parser: letters X, Y, Z, T name image dimensions 0..3 and
 *  C the components (lower case accepted) of an image of `dim` dimensions
 *  (`vector`: it has a component axis, which must then be named).  0, or
 *  -1 with TypeError (not a str) / ValueError naming the expected letters. */
int ndw_py_axes_order(PyObject *axes, unsigned dim, int vector, ndw_py_axes *out);
/** The same as Python's pair (perm tuple, with_c bool). */
PyObject *ndw_py_axes_order_tuple(PyObject *axes, unsigned dim, int vector);

/** Options of ndw_py_image_view_ex (all zero: the defaults). */
typedef struct ndw_py_view_opts {
  int writable; /* demand a writable buffer */
  /* the array's axes: NumPy's reversed order by default; `keep`: spatial
   * axes in (x, y, z) order (keepAxes); `axes`: a str of letters
   * (ndw_py_axes_order).  Either one, by permuting the description:
   * strides only. */
  int keep;
  PyObject *axes;
  /* `type` NULL: is (t, dim, vector) wrapped? */
  int (*wrapped)(ndw_pixel_type t, unsigned dim, int vector);
} ndw_py_view_opts;
/** The one function that acquires a buffer and hands it to a new image
 *  (ndw_py_image_view is this with defaults).  `type` NULL takes the pixel
 *  type from the buffer's format and the dimension from its rank (less the
 *  component axis with `is_vector`, which then makes a vector image), when
 *  `opts->wrapped(t, dim, vector)` says that type is wrapped, and
 *  otherwise raises TypeError (the Python layer then explains or copies).
 *  With `axes` naming a "C" axis, that axis holds the components. */
ndw_image *ndw_py_image_view_ex(const ndw_pixel_type *type, unsigned dim, int vector,
                                PyObject *obj, int is_vector, const ndw_py_view_opts *opts);
PyObject *ndw_py_image_rewrap(ndw_image *im, PyObject *obj, int is_vector);
/** New contiguous copy of the pixels (GIL released for large copies). */
ndw_image *ndw_py_image_copy(ndw_image *im);
/** Copy the pixels into a writable C-contiguous buffer of the array shape. */
PyObject *ndw_py_image_copy_into(ndw_image *im, PyObject *target);
int ndw_py_image_getbuffer(ndw_image *im, PyObject *self, Py_buffer *view, int flags);
void ndw_py_image_releasebuffer(ndw_image *im, Py_buffer *view);
/** A memoryview of the image object `self` through its own getbuffer (the
 *  one export path: same export count, same release), whose shape and
 *  strides are already in the order asked: `keep` the spatial axes in
 *  (x, y, z) order (keepAxes), or `order` an axes= order
 *  (ndw_py_axes_order, for this image's dimension and vector-ness; a
 *  scalar image's "C" is an axis of length 1); neither: NumPy's default
 *  (z, y, x[, c]).  No transpose afterwards: NumPy reads the permuted
 *  strides from the buffer.  `self` must be an image object whose
 *  bf_getbuffer is ndw_py_image_getbuffer. */
PyObject *ndw_py_image_memoryview(PyObject *self, int keep, const ndw_py_axes *order);

/* ---- vnl ----------------------------------------------------------------- */
ndw_vnl *ndw_py_vnl_new(ndw_pixel_type t, int matrix, PyObject *rows, PyObject *cols);
void ndw_py_vnl_free(ndw_vnl *v);
PyObject *ndw_py_vnl_set_size(ndw_vnl *v, PyObject *rows, PyObject *cols);
PyObject *ndw_py_vnl_get(ndw_vnl *v, PyObject *row, PyObject *col);
PyObject *ndw_py_vnl_put(ndw_vnl *v, PyObject *row, PyObject *col, PyObject *value);
PyObject *ndw_py_vnl_fill(ndw_vnl *v, PyObject *value);
PyObject *ndw_py_vnl_repr(ndw_vnl *v, const char *pyname);
ndw_vnl *ndw_py_vnl_view(ndw_pixel_type t, int matrix, PyObject *obj, int writable);
/** Make `v` (a view) own a private copy of its elements: one malloc + memcpy,
 *  then the viewed memory is let go (its release runs).  0, or -1 with an
 *  exception (v unchanged). */
int ndw_py_vnl_own(ndw_vnl *v);
ndw_vnl *ndw_py_vnl_copy(ndw_vnl *v);
int ndw_py_vnl_getbuffer(ndw_vnl *v, PyObject *self, Py_buffer *view, int flags);
void ndw_py_vnl_releasebuffer(ndw_vnl *v, Py_buffer *view);

/* ---- geometry (Size, Index: n values; signed for Index) ---------------- */
PyObject *ndw_py_geom_getitem(const void *v, unsigned n, int is_signed, Py_ssize_t i);
int ndw_py_geom_setitem(void *v, unsigned n, int is_signed, Py_ssize_t i, PyObject *value);
ndw_vnl *ndw_py_vnl_filled(ndw_vnl *v, PyObject *value);
int ndw_py_geom_set_axis(void *v, unsigned n, int is_signed, PyObject *axis, PyObject *value);
int ndw_py_geom_init(void *v, unsigned n, int is_signed, PyObject *values);
PyObject *ndw_py_geom_repr(const void *v, unsigned n, int is_signed, const char *pyname);
PyObject *ndw_py_geom_richcompare(const void *v, unsigned n, int is_signed, PyObject *other,
                                  int op);
PyObject *ndw_py_region_repr(const int64_t *index, const uint64_t *size, unsigned n,
                             const char *pyname);
/** Parse ImageRegion(index_or_size=None, size=None) arguments. */
int ndw_py_region_init(int64_t *index, uint64_t *size, unsigned n, PyObject *a, PyObject *b);

#ifdef __cplusplus
}
#endif
#endif
