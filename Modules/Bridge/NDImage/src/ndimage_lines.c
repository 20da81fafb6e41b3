/* BridgeNDImage line filters (generic_filter1d) and mappings
 * (geometric_transform). */
#include <math.h>

#include "ndimage_private.h"

/* ---- line filters ------------------------------------------------------------ */

/* The window w = input_length - output_length + 1, or 0 after failing. */
static intptr_t ndw_window(intptr_t in_len, intptr_t out_len, const char *what) {
  if (out_len < 0 || in_len < out_len) {
    ndw_ndimage_fail(NDW_E_INVALID, "%s: input line of %td values for an output line of %td",
                     what, (ptrdiff_t)in_len, (ptrdiff_t)out_len);
    return 0;
  }
  return in_len - out_len + 1;
}

/* A compensated sum without branches (Knuth's TwoSum): s + c carries the
 * rounding error of s.  A data-dependent branch here (Neumaier's form)
 * mispredicts on random data and cost 5x. */
static inline void ndw_add(double *s, double *c, double x) {
  const double t = *s + x, bp = t - *s;
  *c += (*s - (t - bp)) + (x - bp);
  *s = t;
}

int ndw_ndimage_running_mean(double *in, intptr_t in_len, double *out, intptr_t out_len,
                             void *user_data) {
  (void)user_data;
  const intptr_t w = ndw_window(in_len, out_len, "running_mean");
  if (w == 0) return 0;
  if (out_len == 0) return 1;
  const double inv = 1.0 / (double)w;
  double s = 0, c = 0;
  for (intptr_t j = 0; j < w; ++j) ndw_add(&s, &c, in[j]);
  out[0] = (s + c) * inv;
  for (intptr_t i = 1; i < out_len; ++i) {
    ndw_add(&s, &c, in[i + w - 1]);
    ndw_add(&s, &c, -in[i - 1]);
    out[i] = (s + c) * inv;
  }
  if (!isfinite(s)) { /* inf/NaN poison a running sum: recompute each window */
    for (intptr_t i = 0; i < out_len; ++i) {
      double t = 0;
      for (intptr_t j = 0; j < w; ++j) t += in[i + j];
      out[i] = t * inv;
    }
  }
  return 1;
}

int ndw_ndimage_cumulative_sum(double *in, intptr_t in_len, double *out, intptr_t out_len,
                               void *user_data) {
  (void)user_data;
  const intptr_t w = ndw_window(in_len, out_len, "cumulative_sum");
  if (w == 0) return 0;
  double s = 0;
  for (intptr_t j = 0; j + 1 < w; ++j) s += in[j];
  for (intptr_t i = 0; i < out_len; ++i) {
    s += in[i + w - 1];
    out[i] = s;
  }
  return 1;
}

/* ---- mappings -------------------------------------------------------------------- */

/* Ranks against what the block was made for (0: any, equal ranks). */
static int ndw_ranks_ok(const ndw_ndimage_params *p, int output_rank, int input_rank) {
  if (input_rank < 0 || output_rank < 0) {
    return ndw_ndimage_fail(NDW_E_INVALID, "%s: negative rank (%d, %d)", p->kernel->name,
                            output_rank, input_rank);
  }
  if (p->input_rank == 0) {
    if (output_rank != input_rank)
      return ndw_ndimage_fail(NDW_E_INVALID, "%s: the output has rank %d and the input rank "
                              "%d; this mapping keeps the rank", p->kernel->name, output_rank,
                              input_rank);
    return 1;
  }
  if (output_rank != p->output_rank || input_rank != p->input_rank)
    return ndw_ndimage_fail(NDW_E_INVALID, "%s: made for output rank %d and input rank %d, "
                            "called with output rank %d and input rank %d (wrong rank)",
                            p->kernel->name, p->output_rank, p->input_rank, output_rank,
                            input_rank);
  return 1;
}

int ndw_ndimage_shift_mapping(intptr_t *o, double *in, int output_rank, int input_rank,
                              void *user_data) {
  const ndw_ndimage_params *p =
      ndw_ndimage_mapping_params(user_data, ndw_ndimage_shift_mapping, "shift_mapping");
  if (p == NULL || !ndw_ranks_ok(p, output_rank, input_rank)) return 0;
  if (p->input_rank == 0) {
    for (int i = 0; i < input_rank; ++i) in[i] = (double)o[i] - p->values[0];
  } else {
    for (int i = 0; i < input_rank; ++i) in[i] = (double)o[i] - p->values[i];
  }
  return 1;
}

int ndw_ndimage_zoom_mapping(intptr_t *o, double *in, int output_rank, int input_rank,
                             void *user_data) {
  const ndw_ndimage_params *p =
      ndw_ndimage_mapping_params(user_data, ndw_ndimage_zoom_mapping, "zoom_mapping");
  if (p == NULL || !ndw_ranks_ok(p, output_rank, input_rank)) return 0;
  if (p->input_rank == 0) {
    for (int i = 0; i < input_rank; ++i) in[i] = p->values[0] * (double)o[i] + p->values[1];
  } else {
    const double *scale = p->values, *offset = p->values + input_rank;
    for (int i = 0; i < input_rank; ++i) in[i] = scale[i] * (double)o[i] + offset[i];
  }
  return 1;
}

int ndw_ndimage_affine_mapping(intptr_t *o, double *in, int output_rank, int input_rank,
                               void *user_data) {
  const ndw_ndimage_params *p =
      ndw_ndimage_mapping_params(user_data, ndw_ndimage_affine_mapping, "affine_mapping");
  if (p == NULL || !ndw_ranks_ok(p, output_rank, input_rank)) return 0;
  const double *row = p->values, *offset = p->values + (size_t)input_rank * output_rank;
  for (int i = 0; i < input_rank; ++i, row += output_rank) {
    double t = offset[i];
    for (int j = 0; j < output_rank; ++j) t += row[j] * (double)o[j];
    in[i] = t;
  }
  return 1;
}
