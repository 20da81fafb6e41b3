/* examples/NDImageKernel: a toolkit's own scipy.ndimage kernels.
 *
 * Each kernel has exactly SciPy's signature, reads its parameters through
 * ndw_ndimage_*_params (which also checks that user_data is a block made for
 * this kernel), returns 1 on success and fails with ndw_ndimage_fail, which
 * becomes a Python exception under SciPy and a status + ndw_last_error() in C.
 */
#include <math.h>

#include "ndk/kernels.h"

int ndk_weighted_sum(double *buffer, intptr_t n, double *result, void *user_data) {
  const ndw_ndimage_params *p = ndw_ndimage_filter_params(user_data, ndk_weighted_sum,
                                                          "weighted_sum");
  size_t count;
  if (p == NULL) return 0;
  const double *w = ndw_ndimage_params_values(p, &count);
  if ((size_t)n != count)
    return ndw_ndimage_fail(NDW_E_INVALID, "weighted_sum: %zu weights for a footprint of %td "
                            "values", count, (ptrdiff_t)n);
  double s = 0;
  for (intptr_t i = 0; i < n; ++i) s += w[i] * buffer[i];
  *result = s;
  return 1;
}

int ndk_exponential_smoothing(double *input, intptr_t input_length, double *output,
                              intptr_t output_length, void *user_data) {
  const ndw_ndimage_params *p =
      ndw_ndimage_line_params(user_data, ndk_exponential_smoothing, "exponential_smoothing");
  if (p == NULL) return 0;
  if (output_length > input_length)
    return ndw_ndimage_fail(NDW_E_INVALID, "exponential_smoothing: line too short");
  const double a = ndw_ndimage_params_values(p, NULL)[0];
  const intptr_t skip = input_length - output_length;
  double y = input[0];
  for (intptr_t i = 0; i < input_length; ++i) {
    y = i == 0 ? input[0] : a * input[i] + (1 - a) * y;
    if (i >= skip) output[i - skip] = y;
  }
  return 1;
}

int ndk_rotate_2d(intptr_t *o, double *in, int output_rank, int input_rank, void *user_data) {
  const ndw_ndimage_params *p = ndw_ndimage_mapping_params(user_data, ndk_rotate_2d,
                                                           "rotate_2d");
  if (p == NULL) return 0;
  if (output_rank != 2 || input_rank != 2)
    return ndw_ndimage_fail(NDW_E_INVALID, "rotate_2d: works on 2-d arrays, not rank %d -> %d",
                            output_rank, input_rank);
  const double *v = ndw_ndimage_params_values(p, NULL);
  const double c = cos(v[0]), s = sin(v[0]);
  const double dr = (double)o[0] - v[1], dc = (double)o[1] - v[2];
  in[0] = c * dr - s * dc + v[1];
  in[1] = s * dr + c * dc + v[2];
  return 1;
}

/* Checked once, when the callable is made (after count and finiteness). */
static ndw_status ndk_check_alpha(const ndw_ndimage_params *p) {
  const double a = ndw_ndimage_params_values(p, NULL)[0];
  if (!(a > 0 && a <= 1))
    return ndw_set_error(NDW_E_INVALID, "exponential_smoothing: alpha = %g, want 0 < alpha <= 1",
                         a);
  return NDW_OK;
}

const ndw_ndimage_kernel ndk_kernels[] = {
    {.name = "weighted_sum", .filter = ndk_weighted_sum, .min_values = 1,
     .max_values = NDW_NDIMAGE_MAX_VALUES,
     .doc = "weighted_sum(weights): sum of weights * footprint values (scipy.ndimage.correlate)"},
    {.name = "exponential_smoothing", .line = ndk_exponential_smoothing, .min_values = 1,
     .max_values = 1, .check = ndk_check_alpha,
     .doc = "exponential_smoothing(alpha): y = alpha x + (1 - alpha) y_previous along the line"},
    {.name = "rotate_2d", .mapping = ndk_rotate_2d, .min_values = 3, .max_values = 3,
     .doc = "rotate_2d([angle, center_row, center_col]): rotation about a point, 2-d arrays"},
    {.name = NULL},
};
