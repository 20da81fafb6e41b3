/* ndwrap BridgeNumPy: describe images and vnl objects as strided buffers and
 * view strided buffers as images, in plain C (no NumPy, no Python needed).
 * The Python glue (swig/ndw_buffer.i) fills these from a Py_buffer. */
#ifndef NDW_BUFFER_H
#define NDW_BUFFER_H

#include "ndw/image.h"
#include "ndw/vnl.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A strided N-d buffer in array order (slowest axis first, as NumPy). */
typedef struct ndw_buffer_desc {
  void *data;
  int ndim;
  int64_t shape[NDW_MAX_DIM + 1];
  ptrdiff_t strides[NDW_MAX_DIM + 1]; /* bytes, any sign */
  size_t itemsize;
  int readonly;
  const char *format; /* buffer-protocol format of one element */
} ndw_buffer_desc;

/** Check a description before anything reads through it: rank 0..NDW_MAX_DIM+1,
 *  item size > 0, data not NULL (an empty buffer still needs a dummy
 *  address), shapes >= 0, and a byte extent (itemsize + sum of
 *  (shape - 1) * |stride|) that fits a ptrdiff_t.  NDW_E_INVALID otherwise.
 *  The view functions below call it. */
NDW_API ndw_status ndw_buffer_check(const ndw_buffer_desc *desc);

/** Parse a buffer-protocol format ("f", "<i8"-style "<q", "Zd", "=?") into a
 *  pixel type by kind and item size.  `*native` is 0 for a non-native byte
 *  order.  NDW_E_TYPE (message names the format) when no pixel type fits. */
NDW_API ndw_status ndw_buffer_parse_format(const char *format, size_t itemsize,
                                           ndw_pixel_type *type, int *native);

/** Describe the image buffer as an array of shape (z, y, x[, c]); with
 *  `keep_axes`, shape (x, y, z[, c]).  Components are a trailing axis for
 *  vector images (even of length 1).  NDW_E_STATE when unallocated. */
NDW_API ndw_status ndw_image_describe_buffer(const ndw_image *image, int keep_axes,
                                             ndw_buffer_desc *out);

/** Make `image` a view of `desc` (array order, as above): checks the format
 *  against the pixel type (NDW_E_TYPE), the rank against the dimension plus
 *  a trailing component axis for vector images or `is_vector`
 *  (NDW_E_INVALID), the description (ndw_buffer_check) and alignment; an
 *  empty array gives an empty region (a component axis needs length >= 1)
 *  (NDW_E_TYPE).  Sets regions (index 0), components and strides; keeps
 *  spacing, origin and direction.  `release(context)` is called once when the
 *  image lets go of the memory, and when this call fails. */
NDW_API ndw_status ndw_image_view_buffer(ndw_image *image, const ndw_buffer_desc *desc,
                                         int is_vector, ndw_release_fn release,
                                         void *context);

/** Describe a vnl vector (shape (n,)) or matrix (shape (rows, cols)). */
NDW_API ndw_status ndw_vnl_describe_buffer(const ndw_vnl *v, ndw_buffer_desc *out);
/** View a C-contiguous buffer as a vnl vector (ndim 1) or matrix (ndim 2);
 *  NDW_E_TYPE for a strided buffer (vnl data is always contiguous). */
NDW_API ndw_status ndw_vnl_view_buffer(ndw_vnl *v, const ndw_buffer_desc *desc,
                                       ndw_vnl_release_fn release, void *context);

#ifdef __cplusplus
}
#endif
#endif
