/* ndwrap BridgeNDImage: C kernels for scipy.ndimage's low-level callbacks.
 *
 * scipy.ndimage.generic_filter, generic_filter1d and geometric_transform call
 * a C function through a scipy.LowLevelCallable when the function's capsule
 * carries exactly one of the signature strings below.  This header gives
 *
 *   - the three signatures (typedefs and the exact strings SciPy matches),
 *   - ndwrap's kernels (mean, median, ..., shift, zoom, affine mappings),
 *   - the parameter block every kernel reads from its `void *user_data`,
 *   - the kernel table a toolkit writes to ship its own kernels
 *     (ndw_add_ndimage_kernels() in CMake makes the Python module),
 *   - the error path: a kernel returns 1 on success; on failure it returns
 *     0 through ndw_ndimage_fail(), which records the message (ndw_last_error)
 *     and, under Python, sets the Python exception SciPy then raises.
 *
 * Plain C: nothing here needs Python.  The Python glue (capsules, the
 * LowLevelCallable, the exception) is swig/ndw_py_ndimage.c.
 *
 * Arrays are in NumPy order (axis 0 slowest): a mapping receives the output
 * coordinates of one point (output_rank integers) and fills the input
 * coordinates (input_rank doubles) where scipy interpolates the input.
 */
#ifndef NDW_NDIMAGE_H
#define NDW_NDIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ndw/common.h"
#include "ndw/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the signatures SciPy matches (capsule names) ----------------------- */

/** scipy.ndimage.generic_filter: the footprint's values as doubles in, one
 *  result out.  SciPy passes a scratch copy: a kernel may reorder it. */
#define NDW_NDIMAGE_FILTER_SIGNATURE "int (double *, intptr_t, double *, void *)"
/** scipy.ndimage.generic_filter1d: one extended input line (output_length +
 *  filter_size - 1 values) in, one output line out. */
#define NDW_NDIMAGE_LINE_SIGNATURE "int (double *, intptr_t, double *, intptr_t, void *)"
/** scipy.ndimage.geometric_transform: output coordinates in, input
 *  coordinates out. */
#define NDW_NDIMAGE_MAPPING_SIGNATURE "int (intptr_t *, double *, int, int, void *)"

typedef int (*ndw_ndimage_filter_fn)(double *buffer, intptr_t filter_size, double *result,
                                     void *user_data);
typedef int (*ndw_ndimage_line_fn)(double *input_line, intptr_t input_length,
                                   double *output_line, intptr_t output_length,
                                   void *user_data);
typedef int (*ndw_ndimage_mapping_fn)(intptr_t *output_coordinates,
                                      double *input_coordinates, int output_rank,
                                      int input_rank, void *user_data);

typedef enum ndw_ndimage_kind {
  NDW_NDIMAGE_NONE = 0,
  NDW_NDIMAGE_FILTER = 1,  /**< generic_filter */
  NDW_NDIMAGE_LINE = 2,    /**< generic_filter1d */
  NDW_NDIMAGE_MAPPING = 3  /**< geometric_transform */
} ndw_ndimage_kind;

/** The signature string of a kind (NULL for NDW_NDIMAGE_NONE). */
NDW_API const char *ndw_ndimage_signature(ndw_ndimage_kind kind);

/* ---- kernels and their parameters -------------------------------------- */

/** Bounds checked before anything is allocated. */
#define NDW_NDIMAGE_MAX_RANK 64
#define NDW_NDIMAGE_MAX_VALUES 65536

typedef struct ndw_ndimage_params ndw_ndimage_params;

/** One kernel: exactly one of `filter`, `line`, `mapping` is set.  A
 *  toolkit describes its kernels in a table ending with a row whose `name`
 *  is NULL, and ndw_add_ndimage_kernels() turns each row into a Python
 *  function returning a ready scipy.LowLevelCallable. */
typedef struct ndw_ndimage_kernel {
  const char *name; /**< Python name, e.g. "weighted_sum" */
  ndw_ndimage_filter_fn filter;
  ndw_ndimage_line_fn line;
  ndw_ndimage_mapping_fn mapping;
  size_t min_values; /**< parameters accepted: at least ... */
  size_t max_values; /**< ... and at most (<= NDW_NDIMAGE_MAX_VALUES) */
  /** Optional: more checks of a new parameter block (lengths against ranks,
   *  signs, ...); NDW_OK, or a status with ndw_set_error's message. */
  ndw_status (*check)(const ndw_ndimage_params *params);
  const char *doc; /**< one line for the Python docstring */
} ndw_ndimage_kernel;

/** Kind of a kernel row (NDW_NDIMAGE_NONE unless exactly one function). */
NDW_API ndw_ndimage_kind ndw_ndimage_kernel_kind(const ndw_ndimage_kernel *kernel);

/** New parameter block for `kernel`: `count` values (copied) and the ranks
 *  a mapping is made for (0: any rank).  Checks, in this one place for
 *  every caller: the row, the ranks within 0..NDW_NDIMAGE_MAX_RANK, the
 *  count against the row's bounds, every value finite, then the row's own
 *  `check`.  NDW_E_INVALID with a message naming the kernel. */
NDW_API ndw_status ndw_ndimage_params_new(const ndw_ndimage_kernel *kernel, int output_rank,
                                          int input_rank, const double *values, size_t count,
                                          ndw_ndimage_params **out);
/** Free a block (NULL is accepted).  Whoever hands it to SciPy as
 *  user_data keeps it alive for as long as the callable can run. */
NDW_API void ndw_ndimage_params_free(ndw_ndimage_params *params);
/** Blocks made and not yet freed by this copy of the library (tests and
 *  leak checks). */
NDW_API size_t ndw_ndimage_params_live(void);

/** The block behind `user_data`, or NULL (after ndw_ndimage_fail) when
 *  `user_data` is NULL or not an ndwrap parameter block. */
NDW_API const ndw_ndimage_params *ndw_ndimage_params_get(const void *user_data);
/** The block behind `user_data` when it was made for a row whose function
 *  is `self` (a kernel passes itself); else NULL after ndw_ndimage_fail,
 *  whose message starts with `what`.  A kernel with parameters begins:
 *      const ndw_ndimage_params *p = ndw_ndimage_filter_params(ud, my_fn, "my_fn");
 *      if (p == NULL) return 0; */
NDW_API const ndw_ndimage_params *ndw_ndimage_filter_params(const void *user_data,
                                                            ndw_ndimage_filter_fn self,
                                                            const char *what);
NDW_API const ndw_ndimage_params *ndw_ndimage_line_params(const void *user_data,
                                                          ndw_ndimage_line_fn self,
                                                          const char *what);
NDW_API const ndw_ndimage_params *ndw_ndimage_mapping_params(const void *user_data,
                                                             ndw_ndimage_mapping_fn self,
                                                             const char *what);
NDW_API const ndw_ndimage_kernel *ndw_ndimage_params_kernel(const ndw_ndimage_params *params);
NDW_API const double *ndw_ndimage_params_values(const ndw_ndimage_params *params,
                                                size_t *count);
NDW_API int ndw_ndimage_params_output_rank(const ndw_ndimage_params *params);
NDW_API int ndw_ndimage_params_input_rank(const ndw_ndimage_params *params);

/* ---- errors -------------------------------------------------------------- */

/** Called by ndw_ndimage_fail with the status and message; the Python glue
 *  installs one that sets the Python exception (ValueError for
 *  NDW_E_INVALID, as ndwrap's other errors). */
typedef void (*ndw_ndimage_error_handler)(ndw_status status, const char *message);
/** Install `handler` (NULL: none) for this copy of the library; returns the
 *  previous one. */
NDW_API ndw_ndimage_error_handler ndw_ndimage_set_error_handler(ndw_ndimage_error_handler handler);
/** Record the error (ndw_set_error), call the handler, return 0: a kernel's
 *  failure is `return ndw_ndimage_fail(NDW_E_INVALID, "...", ...);`. */
NDW_API int ndw_ndimage_fail(ndw_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- ndwrap's kernels -------------------------------------------------------
 * Filters (generic_filter; no parameters unless said): NaN in the footprint
 * gives NaN (as NumPy's reductions); an empty footprint fails.            */

/** Arithmetic mean. */
NDW_API int ndw_ndimage_mean(double *buffer, intptr_t n, double *result, void *user_data);
/** Smallest value. */
NDW_API int ndw_ndimage_minimum(double *buffer, intptr_t n, double *result, void *user_data);
/** Largest value. */
NDW_API int ndw_ndimage_maximum(double *buffer, intptr_t n, double *result, void *user_data);
/** Median as numpy.median: the middle value, or the mean of the two middle
 *  values for an even count.  Reorders `buffer`. */
NDW_API int ndw_ndimage_median(double *buffer, intptr_t n, double *result, void *user_data);
/** Population variance (ddof 0, numpy.var): one pass over the values shifted
 *  by the first one (relative error within (n + 1) x rounding). */
NDW_API int ndw_ndimage_variance(double *buffer, intptr_t n, double *result, void *user_data);
/** Largest minus smallest value (numpy.ptp). */
NDW_API int ndw_ndimage_value_range(double *buffer, intptr_t n, double *result,
                                    void *user_data);
/** Number of values strictly above the block's one value, the threshold. */
NDW_API int ndw_ndimage_count_above(double *buffer, intptr_t n, double *result,
                                    void *user_data);

/* Line filters (generic_filter1d), window w = input_length - output_length + 1. */

/** output[i] = mean(input[i .. i + w - 1]) (scipy.ndimage.uniform_filter1d
 *  for the same filter size); a compensated running sum. */
NDW_API int ndw_ndimage_running_mean(double *input, intptr_t input_length, double *output,
                                     intptr_t output_length, void *user_data);
/** output[i] = input[0] + ... + input[i + w - 1]: with filter_size 1 this is
 *  numpy.cumsum along the axis; a larger size adds the extended border. */
NDW_API int ndw_ndimage_cumulative_sum(double *input, intptr_t input_length, double *output,
                                       intptr_t output_length, void *user_data);

/* Mappings (geometric_transform); every one reads its parameter block and
 * fails when called for other ranks than it was made for.               */

/** input = output - shift.  Values: the shift per axis (ranks r, r), or one
 *  shift for every axis (ranks 0, 0). */
NDW_API int ndw_ndimage_shift_mapping(intptr_t *output_coordinates, double *input_coordinates,
                                      int output_rank, int input_rank, void *user_data);
/** input[i] = scale[i] * output[i] + offset[i].  Values: scale then offset
 *  per axis (2r values, ranks r, r), or one scale and one offset (0, 0). */
NDW_API int ndw_ndimage_zoom_mapping(intptr_t *output_coordinates, double *input_coordinates,
                                     int output_rank, int input_rank, void *user_data);
/** input = matrix @ output + offset.  Values: the input_rank x output_rank
 *  matrix (row-major) then the input_rank offset. */
NDW_API int ndw_ndimage_affine_mapping(intptr_t *output_coordinates,
                                       double *input_coordinates, int output_rank,
                                       int input_rank, void *user_data);

/** ndwrap's kernel table (mean, minimum, ..., affine, resample), ending with
 *  a NULL-name row; `count` (may be NULL) gets the number of kernels. */
NDW_API const ndw_ndimage_kernel *ndw_ndimage_kernels(size_t *count);
/** A row of ndwrap's table by name, or NULL. */
NDW_API const ndw_ndimage_kernel *ndw_ndimage_kernel_find(const char *name);

/* ---- resampling between two images' grids ------------------------------- */

/** The physical grid of an image: its buffered region's start index,
 *  spacing, origin and direction (row-major), x first as in ITK. */
typedef struct ndw_ndimage_grid {
  unsigned dim;
  int64_t index[NDW_MAX_DIM];
  double spacing[NDW_MAX_DIM];
  double origin[NDW_MAX_DIM];
  double direction[NDW_MAX_DIM * NDW_MAX_DIM];
} ndw_ndimage_grid;

/** The grid of an image (scalar or vector; NDW_E_INVALID for NULL). */
NDW_API ndw_status ndw_ndimage_grid_of(const ndw_image *image, ndw_ndimage_grid *out);
/** The affine map, in array order (axis 0 = slowest = ITK's last axis), from
 *  array coordinates of `output`'s grid to array coordinates of `input`'s
 *  grid through physical space:  p = origin_o + D_o S_o (index_o + i_o),
 *  i_i = (D_i S_i)^-1 (p - origin_i) - index_i.  `matrix` gets dim x dim
 *  values, `offset` dim.  NDW_E_INVALID for other dimensions, non-finite or
 *  non-positive spacing, or a singular direction. */
NDW_API ndw_status ndw_ndimage_resample_affine(const ndw_ndimage_grid *output,
                                               const ndw_ndimage_grid *input, double *matrix,
                                               double *offset);
/** Parameter block of the "resample" kernel (an affine mapping) from
 *  `output`'s grid to `input`'s grid. */
NDW_API ndw_status ndw_ndimage_resample_params(const ndw_ndimage_grid *output,
                                               const ndw_ndimage_grid *input,
                                               ndw_ndimage_params **out);

#ifdef __cplusplus
}
#endif
#endif
