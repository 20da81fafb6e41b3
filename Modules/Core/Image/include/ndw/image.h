/* ndwrap Image: the runtime-typed N-d image and its typed facades.
 *
 * One generic `ndw_image` does the work: pixel type, components per pixel,
 * dimension, size, start index, spacing, origin, direction, a buffer pointer
 * with byte strides per axis, and who owns the buffer.  Allocation gives an
 * x-fastest contiguous buffer; views of foreign memory may be strided.
 *
 * The typed facades (ndw_image_f32_3, ndw_vector_image_u8_2, ...) are thin
 * wrappers generated for every wrapped (pixel type, dimension); a typed
 * handle *is* the generic image, `..._base()` converts at no cost.
 */
#ifndef NDW_IMAGE_H
#define NDW_IMAGE_H

#include "ndw/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ndw_image ndw_image;

/** Called once when an image stops using foreign memory. */
typedef void (*ndw_release_fn)(void *context);

/* ---- lifetime ---------------------------------------------------------- */

/** Pixel layouts, the `vector` argument of ndw_image_new: a scalar image, a
 *  vector image (components per pixel set at run time), or a fixed-size
 *  pixel type of NDW_COMPOUND_TABLE (pixel_types.h): row `id`, `n`
 *  components, laid out as a vector image whose components are fixed. */
#define NDW_LAYOUT_SCALAR 0
#define NDW_LAYOUT_VECTOR 1
#define NDW_LAYOUT_COMPOUND(id, n) (((id) << 8) | (n))
#define NDW_LAYOUT_ID(layout) ((layout) >> 8)
#define NDW_LAYOUT_N(layout) ((layout) & 0xff)

/** Row ids of NDW_COMPOUND_TABLE: NDW_COMPOUND_VF, NDW_COMPOUND_RGBUC, ... */
enum {
#define NDW_X_COMPOUND_ID(code, id, itk, comp, n, on) NDW_COMPOUND_##code = id,
  NDW_COMPOUND_TABLE(NDW_X_COMPOUND_ID)
#undef NDW_X_COMPOUND_ID
  NDW_COMPOUND_NONE = 0
};
/** ITK's template name of compound row `id` ("Vector", "RGBPixel"), NULL
 *  for an unknown id. */
NDW_API const char *ndw_compound_name(int id);

/** New empty image (no region, no buffer).  `vector` is a layout:
 *  NDW_LAYOUT_SCALAR, NDW_LAYOUT_VECTOR (components per pixel set at run
 *  time, default 1) or NDW_LAYOUT_COMPOUND(id, n) (n components, fixed). */
NDW_API ndw_status ndw_image_new(ndw_pixel_type type, unsigned dim, int vector,
                                 ndw_image **out);
/** Free an image and release its buffer.  NDW_E_BUSY (and nothing freed)
 *  while the buffer is exported.  NULL is accepted. */
NDW_API ndw_status ndw_image_free(ndw_image *image);

/* ---- layout and metadata ----------------------------------------------- */

NDW_API ndw_pixel_type ndw_image_pixel_type(const ndw_image *image);
NDW_API unsigned ndw_image_dimension(const ndw_image *image);
/** 1 for vector images and images of fixed-size pixels (components innermost). */
NDW_API int ndw_image_is_vector(const ndw_image *image);
/** The layout given to ndw_image_new (NDW_LAYOUT_*). */
NDW_API int ndw_image_layout(const ndw_image *image);
/** Set the region (start index may be NULL for zeros).  Drops the current
 *  buffer; NDW_E_BUSY while it is exported. */
NDW_API ndw_status ndw_image_set_regions(ndw_image *image, const int64_t *index,
                                         const uint64_t *size);
NDW_API void ndw_image_get_size(const ndw_image *image, uint64_t *size);
NDW_API void ndw_image_get_index(const ndw_image *image, int64_t *index);
/** Move the start index of the region, keeping its size and the buffer (the
 *  first pixel becomes pixel `index`); allowed while exported.
 *  NDW_E_INVALID when the last index would overflow. */
NDW_API ndw_status ndw_image_set_index(ndw_image *image, const int64_t *index);
NDW_API uint64_t ndw_image_number_of_pixels(const ndw_image *image);
/** Components per pixel (1 for scalar images). */
NDW_API unsigned ndw_image_components(const ndw_image *image);
/** Vector images only; drops the buffer when it changes (NDW_E_BUSY while
 *  exported).  Images of a fixed-size pixel accept only their own count
 *  (NDW_E_INVALID otherwise). */
NDW_API ndw_status ndw_image_set_components(ndw_image *image, unsigned n);

NDW_API ndw_status ndw_image_set_spacing(ndw_image *image, const double *spacing);
NDW_API void ndw_image_get_spacing(const ndw_image *image, double *spacing);
NDW_API ndw_status ndw_image_set_origin(ndw_image *image, const double *origin);
NDW_API void ndw_image_get_origin(const ndw_image *image, double *origin);
/** Direction cosines, dim x dim, row-major; must be non-singular. */
NDW_API ndw_status ndw_image_set_direction(ndw_image *image, const double *direction);
NDW_API void ndw_image_get_direction(const ndw_image *image, double *direction);
/** Copy spacing, origin and direction of `src` (same dimension). */
NDW_API ndw_status ndw_image_copy_information(ndw_image *dst, const ndw_image *src);
/** Physical point of a (continuous) index, as ITK's
 *  TransformContinuousIndexToPhysicalPoint: origin + direction * (spacing .*
 *  (index)); `index` and `point` hold dim values. */
NDW_API void ndw_image_index_to_point(const ndw_image *image, const double *index,
                                      double *point);
/** The continuous index of a physical point (the inverse of
 *  ndw_image_index_to_point, solved with partial pivoting).  NDW_E_INVALID
 *  for a non-finite point; a point far outside may give infinite values. */
NDW_API ndw_status ndw_image_point_to_index(const ndw_image *image, const double *point,
                                            double *index);

/* ---- buffer ------------------------------------------------------------ */

/** Allocate an x-fastest contiguous buffer for the region; zeroed when
 *  `initialize` != 0.  NDW_E_BUSY while the old buffer is exported.
 *  Buffers of 64 KiB and more start on a 64-byte boundary. */
NDW_API ndw_status ndw_image_allocate(ndw_image *image, int initialize);
NDW_API int ndw_image_is_allocated(const ndw_image *image);
NDW_API int ndw_image_is_readonly(const ndw_image *image);
/** Is the buffer x-fastest contiguous (the allocation layout)? */
NDW_API int ndw_image_is_contiguous(const ndw_image *image);
/** Address of the first pixel (the start index), NULL when unallocated. */
NDW_API void *ndw_image_buffer(const ndw_image *image);
/** Byte step per axis (x first) and between components. */
NDW_API void ndw_image_get_strides(const ndw_image *image, ptrdiff_t *strides,
                                   ptrdiff_t *component_stride);
/** View foreign memory: `data` is the first pixel, `strides` the byte step
 *  per axis (x first, any sign), `component_stride` the byte step between
 *  components (ignored for 1 component; 0 means the component size).
 *  `release(context)` is called once when the image stops using the memory
 *  (freed, re-allocated, regions changed), and also when this call fails.
 *  The region must be set first. */
NDW_API ndw_status ndw_image_wrap(ndw_image *image, void *data, const ptrdiff_t *strides,
                                  ptrdiff_t component_stride, int readonly,
                                  ndw_release_fn release, void *context);

/** Set the region (size, index 0) and components per pixel and view foreign
 *  memory, in one pass: the same checks and errors as
 *  ndw_image_set_components + ndw_image_set_regions + ndw_image_wrap (which
 *  it replaces for a whole view; nothing changes on failure, and
 *  `release(context)` is called then too). */
NDW_API ndw_status ndw_image_wrap_region(ndw_image *image, const uint64_t *size,
                                         unsigned components, void *data,
                                         const ptrdiff_t *strides, ptrdiff_t component_stride,
                                         int readonly, ndw_release_fn release, void *context);
/** Stop using foreign memory without calling its release function: the
 *  image becomes unallocated and `*release`/`*context` (NULL when the image
 *  held no foreign memory) are the caller's to call, once.  For a caller that
 *  can release more cheaply than the function itself (the Python glue,
 *  which holds the GIL there).  NDW_E_BUSY (nothing changed) while exported. */
NDW_API ndw_status ndw_image_take_release(ndw_image *image, ndw_release_fn *release,
                                          void **context);

/** Count a live export of the buffer (a NumPy view); while any is live the
 *  buffer cannot be re-allocated or freed.  NDW_E_STATE when unallocated. */
NDW_API ndw_status ndw_image_export_acquire(ndw_image *image);
NDW_API void ndw_image_export_release(ndw_image *image);
NDW_API long ndw_image_exports(const ndw_image *image);

/* ---- pixels (runtime typed: `pixel` points at `components` values) ----- */

NDW_API ndw_status ndw_image_get_pixel(const ndw_image *image, const int64_t *index,
                                       void *pixel);
NDW_API ndw_status ndw_image_set_pixel(ndw_image *image, const int64_t *index,
                                       const void *pixel);
/** Address of the pixel at `index` (checked against the region). */
NDW_API ndw_status ndw_image_pixel_pointer(const ndw_image *image, const int64_t *index,
                                           void **out);
NDW_API ndw_status ndw_image_fill(ndw_image *image, const void *pixel);

/* ---- copies ------------------------------------------------------------ */

/** Copy all pixels of `src` into `dst`; same pixel type, dimension, size and
 *  components, any strides on either side. */
NDW_API ndw_status ndw_image_copy_pixels(ndw_image *dst, const ndw_image *src);
/** Copy pixels to / from contiguous memory in the allocation layout
 *  (x fastest, components innermost). */
NDW_API ndw_status ndw_image_copy_to_contiguous(const ndw_image *image, void *dst);
NDW_API ndw_status ndw_image_copy_from_contiguous(ndw_image *image, const void *src);
/** New image with the same type, region and metadata, own contiguous copy
 *  of the pixels. */
NDW_API ndw_status ndw_image_duplicate(const ndw_image *image, ndw_image **out);

/* ---- iteration (for typed code written over images) --------------------- */

/** Walks one or two images of the same size pixel by pixel, x fastest,
 *  following each image's strides:
 *
 *      ndw_iter it;
 *      if ((st = ndw_iter_begin(&it, in, out)) != NDW_OK) return st;
 *      do { ... it.ptr[0] (input pixel), it.ptr[1] (output pixel) ... }
 *      while (ndw_iter_next(&it));
 */
typedef struct ndw_iter {
  unsigned dim;
  uint64_t size[NDW_MAX_DIM];
  uint64_t pos[NDW_MAX_DIM];
  ptrdiff_t strides[2][NDW_MAX_DIM];
  char *ptr[2];
} ndw_iter;

/** Start at the first pixel of `a` (read) and `b` (written; may be NULL).
 *  NDW_E_STATE when unallocated, NDW_E_INVALID for different dimensions or
 *  sizes or an empty region, NDW_E_READONLY when `b` is read-only. */
NDW_API ndw_status ndw_iter_begin(ndw_iter *it, const ndw_image *a, ndw_image *b);
/** Step to the next pixel; 0 after the last one. */
NDW_API int ndw_iter_next(ndw_iter *it);

/* ---- typed facades ------------------------------------------------------
 * For each wrapped (pixel type T, dimension D), e.g. T = f32 (float), D = 3:
 *
 *   ndw_image_f32_3 / ndw_vector_image_f32_3        opaque handles
 *   ..._new(&img) ..._free(img) ..._base(img) ..._from_base(base)
 *   ..._set_regions(img, const ndw_region_3 *)     ..._set_size(img, const ndw_size_3 *)
 *   ..._allocate(img, initialize)                  ..._fill_buffer(img, value)
 *   ..._get_pixel(img, const ndw_index_3 *, float *out)
 *   ..._set_pixel(img, const ndw_index_3 *, float value)
 *   ..._largest_region(img) / ..._buffered_region(img) -> ndw_region_3
 *   ..._set_spacing / _get_spacing / _set_origin / _get_origin (double[3])
 *   ..._set_direction / _get_direction (double[9], row-major)
 *   ..._buffer(img) -> float *                     ..._components(img)
 * Vector images take `const float *value` / `float *out` with
 * ..._components(img) values, and have ..._set_components(img, n).
 */
#define NDW_IMAGE_FACADE_DECLARE(prefix, tok, ctype, D, value_in, value_out)          \
  typedef struct prefix##_##tok##_##D prefix##_##tok##_##D;                        \
  NDW_API ndw_status prefix##_##tok##_##D##_new(prefix##_##tok##_##D **out);        \
  NDW_API ndw_status prefix##_##tok##_##D##_free(prefix##_##tok##_##D *img);        \
  NDW_API ndw_image *prefix##_##tok##_##D##_base(prefix##_##tok##_##D *img);        \
  NDW_API prefix##_##tok##_##D *prefix##_##tok##_##D##_from_base(ndw_image *base);  \
  NDW_API ndw_status prefix##_##tok##_##D##_set_regions(prefix##_##tok##_##D *img,  \
                                                        const ndw_region_##D *r);  \
  NDW_API ndw_status prefix##_##tok##_##D##_set_size(prefix##_##tok##_##D *img,     \
                                                     const ndw_size_##D *s);       \
  NDW_API ndw_status prefix##_##tok##_##D##_allocate(prefix##_##tok##_##D *img,     \
                                                     int initialize);              \
  NDW_API ndw_status prefix##_##tok##_##D##_fill_buffer(prefix##_##tok##_##D *img,  \
                                                        value_in value);           \
  NDW_API ndw_status prefix##_##tok##_##D##_get_pixel(                             \
      const prefix##_##tok##_##D *img, const ndw_index_##D *index, value_out out);  \
  NDW_API ndw_status prefix##_##tok##_##D##_set_pixel(                             \
      prefix##_##tok##_##D *img, const ndw_index_##D *index, value_in value);       \
  NDW_API ndw_region_##D prefix##_##tok##_##D##_largest_region(                    \
      const prefix##_##tok##_##D *img);                                            \
  NDW_API ndw_region_##D prefix##_##tok##_##D##_buffered_region(                   \
      const prefix##_##tok##_##D *img);                                            \
  NDW_API ndw_status prefix##_##tok##_##D##_set_spacing(prefix##_##tok##_##D *img,  \
                                                        const double *v);          \
  NDW_API void prefix##_##tok##_##D##_get_spacing(const prefix##_##tok##_##D *img,  \
                                                  double *v);                      \
  NDW_API ndw_status prefix##_##tok##_##D##_set_origin(prefix##_##tok##_##D *img,   \
                                                       const double *v);           \
  NDW_API void prefix##_##tok##_##D##_get_origin(const prefix##_##tok##_##D *img,   \
                                                 double *v);                       \
  NDW_API ndw_status prefix##_##tok##_##D##_set_direction(prefix##_##tok##_##D *img,\
                                                          const double *v);        \
  NDW_API void prefix##_##tok##_##D##_get_direction(                               \
      const prefix##_##tok##_##D *img, double *v);                                 \
  NDW_API ctype *prefix##_##tok##_##D##_buffer(prefix##_##tok##_##D *img);          \
  NDW_API unsigned prefix##_##tok##_##D##_components(const prefix##_##tok##_##D *img);

#define NDW_X_DECLARE_IMAGE(code, tok, ctype, D)                                   \
  NDW_IMAGE_FACADE_DECLARE(ndw_image, tok, ctype, D, ctype, ctype *)               \
  NDW_IMAGE_FACADE_DECLARE(ndw_vector_image, tok, ctype, D, const ctype *, ctype *) \
  NDW_API ndw_status ndw_vector_image_##tok##_##D##_set_components(                \
      ndw_vector_image_##tok##_##D *img, unsigned n);
NDW_FOR_EACH_IMAGE(NDW_X_DECLARE_IMAGE)
#undef NDW_X_DECLARE_IMAGE

/* Images of fixed-size pixel types (NDW_COMPOUND_TABLE), e.g.
 * ndw_image_vf3_3 (Image<Vector<float, 3>, 3>), ndw_image_rgbuc_2
 * (Image<RGBPixel<unsigned char>, 2>): the vector facade, with pixels passed
 * as `n` components (const float *value / float *out). */
#define NDW_X_DECLARE_COMPOUND(code, itk, tok, ctype, comp, n, D, layout) \
  NDW_IMAGE_FACADE_DECLARE(ndw_image, tok, ctype, D, const ctype *, ctype *)
NDW_FOR_EACH_COMPOUND_IMAGE(NDW_X_DECLARE_COMPOUND)
#undef NDW_X_DECLARE_COMPOUND

#ifdef __cplusplus
}
#endif
#endif
