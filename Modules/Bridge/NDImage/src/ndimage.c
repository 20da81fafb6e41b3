/* BridgeNDImage: parameter blocks, the error path, ndwrap's kernel table and
 * the physical-space map between two images' grids. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndimage_private.h"

const char *ndw_ndimage_signature(ndw_ndimage_kind kind) {
  switch (kind) {
  case NDW_NDIMAGE_FILTER: return NDW_NDIMAGE_FILTER_SIGNATURE;
  case NDW_NDIMAGE_LINE: return NDW_NDIMAGE_LINE_SIGNATURE;
  case NDW_NDIMAGE_MAPPING: return NDW_NDIMAGE_MAPPING_SIGNATURE;
  default: return NULL;
  }
}

ndw_ndimage_kind ndw_ndimage_kernel_kind(const ndw_ndimage_kernel *k) {
  if (k == NULL) return NDW_NDIMAGE_NONE;
  int n = (k->filter != NULL) + (k->line != NULL) + (k->mapping != NULL);
  if (n != 1) return NDW_NDIMAGE_NONE;
  return k->filter ? NDW_NDIMAGE_FILTER : k->line ? NDW_NDIMAGE_LINE : NDW_NDIMAGE_MAPPING;
}

/* ---- errors -------------------------------------------------------------- */

/* Set once by the Python glue when its module loads (under the GIL). */
static ndw_ndimage_error_handler ndw_ndimage_handler;

ndw_ndimage_error_handler ndw_ndimage_set_error_handler(ndw_ndimage_error_handler handler) {
  ndw_ndimage_error_handler old = ndw_ndimage_handler;
  ndw_ndimage_handler = handler;
  return old;
}

int ndw_ndimage_fail(ndw_status status, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (status == NDW_OK) status = NDW_E_STATE; /* a failure is never OK */
  ndw_set_error(status, "%s", msg);
  if (ndw_ndimage_handler != NULL) ndw_ndimage_handler(status, msg);
  return 0;
}

/* ---- parameter blocks ---------------------------------------------------- */

#if defined(__STDC_NO_ATOMICS__)
static size_t ndw_ndimage_live; /* made and freed under the GIL from Python */
#define NDW_LIVE_INC() (++ndw_ndimage_live)
#define NDW_LIVE_DEC() (--ndw_ndimage_live)
#define NDW_LIVE_GET() ndw_ndimage_live
#else
#include <stdatomic.h>
static atomic_size_t ndw_ndimage_live;
#define NDW_LIVE_INC() atomic_fetch_add(&ndw_ndimage_live, 1)
#define NDW_LIVE_DEC() atomic_fetch_sub(&ndw_ndimage_live, 1)
#define NDW_LIVE_GET() atomic_load(&ndw_ndimage_live)
#endif

size_t ndw_ndimage_params_live(void) { return NDW_LIVE_GET(); }

ndw_status ndw_ndimage_params_new(const ndw_ndimage_kernel *kernel, int output_rank,
                                  int input_rank, const double *values, size_t count,
                                  ndw_ndimage_params **out) {
  ndw_ndimage_params *p;
  ndw_status st;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndimage: no place for the result");
  *out = NULL;
  if (kernel == NULL || kernel->name == NULL)
    return ndw_set_error(NDW_E_INVALID, "ndimage: no kernel");
  if (ndw_ndimage_kernel_kind(kernel) == NDW_NDIMAGE_NONE)
    return ndw_set_error(NDW_E_INVALID,
                         "%s: a kernel row sets exactly one of filter, line and mapping",
                         kernel->name);
  if (kernel->max_values > NDW_NDIMAGE_MAX_VALUES || kernel->min_values > kernel->max_values)
    return ndw_set_error(NDW_E_INVALID, "%s: the row's bounds %zu..%zu are not within 0..%d",
                         kernel->name, kernel->min_values, kernel->max_values,
                         NDW_NDIMAGE_MAX_VALUES);
  if (output_rank < 0 || output_rank > NDW_NDIMAGE_MAX_RANK || input_rank < 0 ||
      input_rank > NDW_NDIMAGE_MAX_RANK)
    return ndw_set_error(NDW_E_INVALID, "%s: ranks %d and %d are not within 0..%d",
                         kernel->name, output_rank, input_rank, NDW_NDIMAGE_MAX_RANK);
  if (count < kernel->min_values || count > kernel->max_values) {
    if (kernel->min_values == kernel->max_values)
      return ndw_set_error(NDW_E_INVALID, "%s: takes %zu parameter value%s, got %zu",
                           kernel->name, kernel->min_values,
                           kernel->min_values == 1 ? "" : "s", count);
    return ndw_set_error(NDW_E_INVALID, "%s: takes %zu to %zu parameter values, got %zu",
                         kernel->name, kernel->min_values, kernel->max_values, count);
  }
  if (count > 0 && values == NULL)
    return ndw_set_error(NDW_E_INVALID, "%s: %zu values announced, none given", kernel->name,
                         count);
  for (size_t i = 0; i < count; ++i) {
    if (!isfinite(values[i]))
      return ndw_set_error(NDW_E_INVALID, "%s: parameter value %zu is %g; values must be finite",
                           kernel->name, i, values[i]);
  }
  /* count <= NDW_NDIMAGE_MAX_VALUES: the size cannot overflow */
  p = malloc(sizeof *p + count * sizeof(double));
  if (p == NULL) return ndw_set_error(NDW_E_NOMEM, "%s: out of memory", kernel->name);
  NDW_LIVE_INC();
  p->magic = NDW_NDIMAGE_MAGIC;
  p->kernel = kernel;
  p->output_rank = output_rank;
  p->input_rank = input_rank;
  p->count = count;
  if (count > 0) memcpy(p->values, values, count * sizeof(double));
  if (kernel->check != NULL && (st = kernel->check(p)) != NDW_OK) {
    if (ndw_last_status() == NDW_OK) ndw_set_error(st, "%s: bad parameters", kernel->name);
    ndw_ndimage_params_free(p);
    return st;
  }
  *out = p;
  return NDW_OK;
}

void ndw_ndimage_params_free(ndw_ndimage_params *params) {
  if (params == NULL) return;
  params->magic = 0; /* a stale pointer is recognised, not trusted */
  free(params);
  NDW_LIVE_DEC();
}

const ndw_ndimage_params *ndw_ndimage_params_get(const void *user_data) {
  const ndw_ndimage_params *p = user_data;
  if (p == NULL) {
    ndw_ndimage_fail(NDW_E_INVALID, "ndimage kernel called without its parameters "
                                    "(user_data is NULL)");
    return NULL;
  }
  if (p->magic != NDW_NDIMAGE_MAGIC) {
    ndw_ndimage_fail(NDW_E_INVALID, "ndimage kernel: user_data is not an ndwrap parameter "
                                    "block (make the callable with ndwrap)");
    return NULL;
  }
  return p;
}

static const ndw_ndimage_params *ndw_ndimage_own(const void *user_data, int match,
                                                 const char *what) {
  const ndw_ndimage_params *p = ndw_ndimage_params_get(user_data);
  if (p != NULL && !match) {
    ndw_ndimage_fail(NDW_E_INVALID, "%s: user_data holds the parameters of '%s'", what,
                     p->kernel->name);
    return NULL;
  }
  return p;
}

const ndw_ndimage_params *ndw_ndimage_mapping_params(const void *user_data,
                                                     ndw_ndimage_mapping_fn self,
                                                     const char *what) {
  const ndw_ndimage_params *p = user_data;
  int match = p != NULL && p->magic == NDW_NDIMAGE_MAGIC && p->kernel->mapping == self;
  return match ? p : ndw_ndimage_own(user_data, 0, what);
}

const ndw_ndimage_params *ndw_ndimage_filter_params(const void *user_data,
                                                    ndw_ndimage_filter_fn self,
                                                    const char *what) {
  const ndw_ndimage_params *p = user_data;
  int match = p != NULL && p->magic == NDW_NDIMAGE_MAGIC && p->kernel->filter == self;
  return match ? p : ndw_ndimage_own(user_data, 0, what);
}

const ndw_ndimage_params *ndw_ndimage_line_params(const void *user_data,
                                                  ndw_ndimage_line_fn self, const char *what) {
  const ndw_ndimage_params *p = user_data;
  int match = p != NULL && p->magic == NDW_NDIMAGE_MAGIC && p->kernel->line == self;
  return match ? p : ndw_ndimage_own(user_data, 0, what);
}

const ndw_ndimage_kernel *ndw_ndimage_params_kernel(const ndw_ndimage_params *params) {
  return params ? params->kernel : NULL;
}

const double *ndw_ndimage_params_values(const ndw_ndimage_params *params, size_t *count) {
  if (count != NULL) *count = params ? params->count : 0;
  return params ? params->values : NULL;
}

int ndw_ndimage_params_output_rank(const ndw_ndimage_params *params) {
  return params ? params->output_rank : 0;
}

int ndw_ndimage_params_input_rank(const ndw_ndimage_params *params) {
  return params ? params->input_rank : 0;
}

/* ---- the table ------------------------------------------------------------- */

/* shift: r values for ranks (r, r), or one for any rank (0, 0). */
static ndw_status ndw_ndimage_check_shift(const ndw_ndimage_params *p) {
  if (p->output_rank != p->input_rank)
    return ndw_set_error(NDW_E_INVALID, "%s: output and input ranks differ (%d, %d)",
                         p->kernel->name, p->output_rank, p->input_rank);
  if (p->input_rank == 0 ? p->count != 1 : p->count != (size_t)p->input_rank)
    return ndw_set_error(NDW_E_INVALID, "%s: %zu shift values for rank %d", p->kernel->name,
                         p->count, p->input_rank);
  return NDW_OK;
}

/* zoom: scale and offset per axis (2r values), or one of each (0, 0). */
static ndw_status ndw_ndimage_check_zoom(const ndw_ndimage_params *p) {
  size_t r = (size_t)p->input_rank;
  if (p->output_rank != p->input_rank)
    return ndw_set_error(NDW_E_INVALID, "%s: output and input ranks differ (%d, %d)",
                         p->kernel->name, p->output_rank, p->input_rank);
  if (p->count != 2 * (r == 0 ? 1 : r))
    return ndw_set_error(NDW_E_INVALID, "%s: %zu values for rank %zu (want a scale and an "
                         "offset per axis)", p->kernel->name, p->count, r);
  for (size_t i = 0; i < p->count / 2; ++i) {
    if (p->values[i] == 0.0)
      return ndw_set_error(NDW_E_INVALID, "%s: scale %zu is 0 (a zoom must be finite and "
                           "non-zero)", p->kernel->name, i);
  }
  return NDW_OK;
}

/* affine: an input_rank x output_rank matrix and an input_rank offset. */
static ndw_status ndw_ndimage_check_affine(const ndw_ndimage_params *p) {
  size_t ri = (size_t)p->input_rank, ro = (size_t)p->output_rank;
  if (ri == 0 || ro == 0)
    return ndw_set_error(NDW_E_INVALID, "%s: needs the output and input ranks (got %zu, %zu)",
                         p->kernel->name, ro, ri);
  if (p->count != ri * ro + ri)
    return ndw_set_error(NDW_E_INVALID, "%s: %zu values for a %zu x %zu matrix and an offset "
                         "of %zu", p->kernel->name, p->count, ri, ro, ri);
  return NDW_OK;
}

static const ndw_ndimage_kernel ndw_ndimage_table[] = {
    {.name = "mean", .filter = ndw_ndimage_mean, .doc = "mean of the footprint's values"},
    {.name = "minimum", .filter = ndw_ndimage_minimum, .doc = "smallest value"},
    {.name = "maximum", .filter = ndw_ndimage_maximum, .doc = "largest value"},
    {.name = "median", .filter = ndw_ndimage_median,
     .doc = "median (mean of the two middle values for an even count)"},
    {.name = "variance", .filter = ndw_ndimage_variance, .doc = "population variance"},
    {.name = "value_range", .filter = ndw_ndimage_value_range, .doc = "largest - smallest"},
    {.name = "count_above", .filter = ndw_ndimage_count_above, .min_values = 1,
     .max_values = 1, .doc = "number of values > threshold"},
    {.name = "running_mean", .line = ndw_ndimage_running_mean,
     .doc = "mean over a window of filter_size values along the line"},
    {.name = "cumulative_sum", .line = ndw_ndimage_cumulative_sum,
     .doc = "running total along the line"},
    {.name = "shift_mapping", .mapping = ndw_ndimage_shift_mapping, .min_values = 1,
     .max_values = NDW_NDIMAGE_MAX_RANK, .check = ndw_ndimage_check_shift,
     .doc = "input = output - shift"},
    {.name = "zoom_mapping", .mapping = ndw_ndimage_zoom_mapping, .min_values = 2,
     .max_values = 2 * NDW_NDIMAGE_MAX_RANK, .check = ndw_ndimage_check_zoom,
     .doc = "input = scale * output + offset, per axis"},
    {.name = "affine_mapping", .mapping = ndw_ndimage_affine_mapping, .min_values = 2,
     .max_values = NDW_NDIMAGE_MAX_RANK * NDW_NDIMAGE_MAX_RANK + NDW_NDIMAGE_MAX_RANK,
     .check = ndw_ndimage_check_affine, .doc = "input = matrix @ output + offset"},
    {.name = "resample_mapping", .mapping = ndw_ndimage_affine_mapping, .min_values = 2,
     .max_values = NDW_MAX_DIM * NDW_MAX_DIM + NDW_MAX_DIM, .check = ndw_ndimage_check_affine,
     .doc = "array coordinates of one image's grid -> another's, through physical space"},
    {.name = NULL},
};

const ndw_ndimage_kernel *ndw_ndimage_kernels(size_t *count) {
  if (count != NULL) *count = sizeof ndw_ndimage_table / sizeof ndw_ndimage_table[0] - 1;
  return ndw_ndimage_table;
}

const ndw_ndimage_kernel *ndw_ndimage_kernel_find(const char *name) {
  if (name == NULL) return NULL;
  for (const ndw_ndimage_kernel *k = ndw_ndimage_table; k->name != NULL; ++k) {
    if (strcmp(k->name, name) == 0) return k;
  }
  return NULL;
}

/* ---- resampling: physical space between two grids -------------------------- */

ndw_status ndw_ndimage_grid_of(const ndw_image *image, ndw_ndimage_grid *out) {
  if (image == NULL || out == NULL) return ndw_set_error(NDW_E_INVALID, "grid: no image");
  memset(out, 0, sizeof *out);
  out->dim = ndw_image_dimension(image);
  if (out->dim < 1 || out->dim > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_INVALID, "grid: dimension %u", out->dim);
  ndw_image_get_index(image, out->index);
  ndw_image_get_spacing(image, out->spacing);
  ndw_image_get_origin(image, out->origin);
  ndw_image_get_direction(image, out->direction);
  return NDW_OK;
}

static ndw_status ndw_ndimage_check_grid(const ndw_ndimage_grid *g, const char *which) {
  unsigned d = g->dim;
  if (d < 1 || d > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_INVALID, "resample_mapping: %s grid has dimension %u (1..%d)",
                         which, d, NDW_MAX_DIM);
  for (unsigned i = 0; i < d; ++i) {
    if (!(isfinite(g->spacing[i]) && g->spacing[i] > 0))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: %s spacing[%u] = %g (must be "
                           "finite and > 0)", which, i, g->spacing[i]);
    if (!isfinite(g->origin[i]))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: %s origin[%u] = %g", which, i,
                           g->origin[i]);
    if (g->index[i] > (INT64_C(1) << 53) || g->index[i] < -(INT64_C(1) << 53))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: %s index[%u] out of range", which,
                           i);
  }
  for (unsigned i = 0; i < d * d; ++i) {
    if (!isfinite(g->direction[i]))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: %s direction has a non-finite "
                           "value", which);
  }
  return NDW_OK;
}

/* Solve A X = B for X (A d x d, B d x m, row-major, overwritten), partial
 * pivoting.  NDW_E_INVALID when A is singular. */
static ndw_status ndw_ndimage_solve(double *a, double *b, unsigned d, unsigned m) {
  double scale = 0;
  for (unsigned i = 0; i < d * d; ++i) scale = fmax(scale, fabs(a[i]));
  for (unsigned c = 0; c < d; ++c) {
    unsigned piv = c;
    for (unsigned r = c + 1; r < d; ++r)
      if (fabs(a[r * d + c]) > fabs(a[piv * d + c])) piv = r;
    if (!(fabs(a[piv * d + c]) > 1e-12 * scale))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: the input grid's direction x "
                           "spacing is singular");
    if (piv != c) {
      for (unsigned j = 0; j < d; ++j) {
        double t = a[c * d + j]; a[c * d + j] = a[piv * d + j]; a[piv * d + j] = t;
      }
      for (unsigned j = 0; j < m; ++j) {
        double t = b[c * m + j]; b[c * m + j] = b[piv * m + j]; b[piv * m + j] = t;
      }
    }
    for (unsigned r = 0; r < d; ++r) {
      if (r == c) continue;
      double f = a[r * d + c] / a[c * d + c];
      if (f == 0) continue;
      for (unsigned j = c; j < d; ++j) a[r * d + j] -= f * a[c * d + j];
      for (unsigned j = 0; j < m; ++j) b[r * m + j] -= f * b[c * m + j];
    }
  }
  for (unsigned r = 0; r < d; ++r)
    for (unsigned j = 0; j < m; ++j) b[r * m + j] /= a[r * d + r];
  return NDW_OK;
}

ndw_status ndw_ndimage_resample_affine(const ndw_ndimage_grid *output,
                                       const ndw_ndimage_grid *input, double *matrix,
                                       double *offset) {
  enum { D = NDW_MAX_DIM };
  double ai[D * D], rhs[D * (D + 1)]; /* [A_o | O_o + A_o idx_o - O_i] */
  ndw_status st;
  unsigned d, m;
  if (output == NULL || input == NULL || matrix == NULL || offset == NULL)
    return ndw_set_error(NDW_E_INVALID, "resample_mapping: NULL argument");
  if ((st = ndw_ndimage_check_grid(output, "output")) != NDW_OK) return st;
  if ((st = ndw_ndimage_check_grid(input, "input")) != NDW_OK) return st;
  if (output->dim != input->dim)
    return ndw_set_error(NDW_E_INVALID, "resample_mapping: the output image has dimension %u, "
                         "the input image %u", output->dim, input->dim);
  d = input->dim;
  m = d + 1;
  for (unsigned r = 0; r < d; ++r) {
    double t = output->origin[r] - input->origin[r];
    for (unsigned c = 0; c < d; ++c) {
      double ao = output->direction[r * d + c] * output->spacing[c];
      ai[r * d + c] = input->direction[r * d + c] * input->spacing[c];
      rhs[r * m + c] = ao;
      t += ao * (double)output->index[c];
    }
    rhs[r * m + d] = t;
  }
  if ((st = ndw_ndimage_solve(ai, rhs, d, m)) != NDW_OK) return st;
  /* rhs = [B | v] with i_i = B (idx_o + u_o) ... in ITK order; array order
   * reverses both axes: M[r][c] = B[d-1-r][d-1-c]. */
  for (unsigned r = 0; r < d; ++r) {
    for (unsigned c = 0; c < d; ++c) matrix[r * d + c] = rhs[(d - 1 - r) * m + (d - 1 - c)];
    offset[r] = rhs[(d - 1 - r) * m + d] - (double)input->index[d - 1 - r];
  }
  for (unsigned i = 0; i < d * d; ++i) {
    if (!isfinite(matrix[i]))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: the map overflows");
  }
  for (unsigned i = 0; i < d; ++i) {
    if (!isfinite(offset[i]))
      return ndw_set_error(NDW_E_INVALID, "resample_mapping: the map overflows");
  }
  return NDW_OK;
}

ndw_status ndw_ndimage_resample_params(const ndw_ndimage_grid *output,
                                       const ndw_ndimage_grid *input,
                                       ndw_ndimage_params **out) {
  double values[NDW_MAX_DIM * NDW_MAX_DIM + NDW_MAX_DIM];
  ndw_status st;
  if (out != NULL) *out = NULL;
  if (output == NULL || input == NULL || out == NULL || input->dim > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_INVALID, "resample_mapping: NULL argument or bad dimension");
  if ((st = ndw_ndimage_resample_affine(output, input, values,
                                        values + (size_t)input->dim * input->dim)) != NDW_OK)
    return st;
  return ndw_ndimage_params_new(ndw_ndimage_kernel_find("resample_mapping"), (int)input->dim,
                                (int)input->dim, values,
                                (size_t)input->dim * input->dim + input->dim, out);
}
