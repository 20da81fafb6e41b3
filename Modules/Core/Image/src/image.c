/* ndwrap Image: the generic, runtime-typed image.  All logic lives here; the
 * typed facades (image_facade.inc) only forward. */
#define _DEFAULT_SOURCE /* madvise */
#include "image_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

const char *ndw_compound_name(int id) {
  switch (id) {
#define NDW_X_COMPOUND_NAME(code, id_, itk, comp, n, on) \
  case id_:                                             \
    return #itk;
    NDW_COMPOUND_TABLE(NDW_X_COMPOUND_NAME)
#undef NDW_X_COMPOUND_NAME
    default:
      return NULL;
  }
}

/* Zero the scalars and the per-axis arrays (fixed sizes: stored inline,
 * no `rep stos`, whose start-up cost was most of it); the direction matrix
 * (NDW_MAX_DIM^2 entries) is written as the identity over its first
 * dim * dim entries only, the part ever read. */
static void ndw_image_zero(ndw_image *im, unsigned dim) {
  memset(im, 0, offsetof(ndw_image, size));
  memset(im->size, 0, sizeof im->size);
  memset(im->index, 0, sizeof im->index);
  memset(im->origin, 0, sizeof im->origin);
  memset(im->strides, 0, sizeof im->strides);
  for (unsigned i = 0; i < NDW_MAX_DIM; ++i) im->spacing[i] = 1.0;
  for (unsigned i = 0; i < dim; ++i)
    for (unsigned j = 0; j < dim; ++j) im->direction[i * dim + j] = i == j ? 1.0 : 0.0;
}

ndw_status ndw_image_new(ndw_pixel_type type, unsigned dim, int vector, ndw_image **out) {
  ndw_image *im;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndw_image_new: out is NULL");
  *out = NULL;
  if (ndw_pixel_type_info(type) == NULL)
    return ndw_set_error(NDW_E_TYPE, "ndw_image_new: unknown pixel type %d", (int)type);
  if (dim < 1 || dim > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_INVALID, "ndw_image_new: dimension %u is not in 1..%d", dim,
                         NDW_MAX_DIM);
  if (vector < 0 || (vector > NDW_LAYOUT_VECTOR &&
                     (ndw_compound_name(NDW_LAYOUT_ID(vector)) == NULL ||
                      NDW_LAYOUT_N(vector) == 0)))
    return ndw_set_error(NDW_E_INVALID, "ndw_image_new: unknown pixel layout %d", vector);
  /* malloc, not calloc: glibc's calloc skips the thread cache, and image
   * objects are made and freed at a high rate (views, DLPack).  Not one
   * memset of the whole struct either (~900 bytes: GCC fused it with the
   * malloc into calloc, and as `rep stos` it was ~4 % of an array -> image
   * view; issue 16): ndw_image_zero writes what is ever read. */
  im = malloc(sizeof *im);
  if (im == NULL) return ndw_set_error(NDW_E_NOMEM, "ndw_image_new: out of memory");
  ndw_image_zero(im, dim);
  im->type = type;
  im->dim = dim;
  im->vector = vector;
  im->components = vector > NDW_LAYOUT_VECTOR ? (unsigned)NDW_LAYOUT_N(vector) : 1;
  im->itemsize = ndw_pixel_type_size(type);
  *out = im;
  return NDW_OK;
}

/* Let go of the buffer (own or foreign).  Callers check exports first. */
static void ndw_image_drop_buffer(ndw_image *im) {
  if (im->owned != NULL) free(im->owned);
  if (im->release != NULL) im->release(im->release_context);
  im->owned = NULL;
  im->release = NULL;
  im->release_context = NULL;
  im->data = NULL;
  im->readonly = 0;
}

static ndw_status ndw_image_check_not_exported(const ndw_image *im, const char *what) {
  if (im->exports > 0)
    return ndw_set_error(NDW_E_BUSY,
                         "%s: the image buffer is exported (%ld live view(s)); "
                         "release the views (e.g. delete the NumPy arrays) first",
                         what, im->exports);
  return NDW_OK;
}

ndw_status ndw_image_free(ndw_image *im) {
  if (im == NULL) return NDW_OK;
  if (ndw_image_check_not_exported(im, "ndw_image_free") != NDW_OK) return NDW_E_BUSY;
  ndw_image_drop_buffer(im);
  free(im);
  return NDW_OK;
}

ndw_pixel_type ndw_image_pixel_type(const ndw_image *im) { return im->type; }
unsigned ndw_image_dimension(const ndw_image *im) { return im->dim; }
int ndw_image_is_vector(const ndw_image *im) { return im->vector != NDW_LAYOUT_SCALAR; }
int ndw_image_layout(const ndw_image *im) { return im->vector; }
unsigned ndw_image_components(const ndw_image *im) { return im->components; }
int ndw_image_is_allocated(const ndw_image *im) { return im->data != NULL; }
int ndw_image_is_readonly(const ndw_image *im) { return im->readonly; }
void *ndw_image_buffer(const ndw_image *im) { return im->data; }
long ndw_image_exports(const ndw_image *im) { return im->exports; }

void ndw_image_get_size(const ndw_image *im, uint64_t *size) {
  memcpy(size, im->size, im->dim * sizeof *size);
}

void ndw_image_get_index(const ndw_image *im, int64_t *index) {
  memcpy(index, im->index, im->dim * sizeof *index);
}

uint64_t ndw_image_number_of_pixels(const ndw_image *im) {
  uint64_t n = 1;
  for (unsigned i = 0; i < im->dim; ++i) n *= im->size[i];
  return n;
}

void ndw_image_get_strides(const ndw_image *im, ptrdiff_t *strides, ptrdiff_t *cstride) {
  if (strides) memcpy(strides, im->strides, im->dim * sizeof *strides);
  if (cstride) *cstride = im->cstride;
}

/* Byte count of the whole region; checks overflow of size * components. */
static ndw_status ndw_image_byte_count(const ndw_image *im, const uint64_t *size,
                                       unsigned components, uint64_t *bytes) {
  return ndw_checked_count(size, im->dim, (uint64_t)components * im->itemsize, bytes);
}

ndw_status ndw_image_set_regions(ndw_image *im, const int64_t *index, const uint64_t *size) {
  uint64_t bytes;
  ndw_status st;
  if (im == NULL || size == NULL)
    return ndw_set_error(NDW_E_INVALID, "SetRegions: NULL argument");
  if ((st = ndw_image_check_not_exported(im, "SetRegions")) != NDW_OK) return st;
  if ((st = ndw_image_byte_count(im, size, im->components, &bytes)) != NDW_OK) return st;
  if (index) {
    for (unsigned i = 0; i < im->dim; ++i) {
      /* the last index of the region must stay representable */
      if (index[i] > 0 && size[i] > (uint64_t)(INT64_MAX - index[i]))
        return ndw_set_error(NDW_E_INVALID, "SetRegions: index[%u] + size[%u] overflows", i, i);
    }
  }
  ndw_image_drop_buffer(im);
  for (unsigned i = 0; i < im->dim; ++i) {
    im->size[i] = size[i];
    im->index[i] = index ? index[i] : 0;
  }
  return NDW_OK;
}

ndw_status ndw_image_set_index(ndw_image *im, const int64_t *index) {
  if (im == NULL || index == NULL)
    return ndw_set_error(NDW_E_INVALID, "set_index: NULL argument");
  for (unsigned i = 0; i < im->dim; ++i)
    if (index[i] > 0 && im->size[i] > (uint64_t)(INT64_MAX - index[i]))
      return ndw_set_error(NDW_E_INVALID, "set_index: index[%u] + size[%u] overflows", i, i);
  for (unsigned i = 0; i < im->dim; ++i) im->index[i] = index[i];
  return NDW_OK;
}

ndw_status ndw_image_set_components(ndw_image *im, unsigned n) {
  uint64_t bytes;
  ndw_status st;
  if (n == 0) return ndw_set_error(NDW_E_INVALID, "components per pixel must be >= 1");
  if (!im->vector && n != 1)
    return ndw_set_error(NDW_E_INVALID,
                         "a scalar image has 1 component per pixel; use a VectorImage for %u", n);
  if (n == im->components) return NDW_OK;
  if (im->vector > NDW_LAYOUT_VECTOR)
    return ndw_set_error(NDW_E_INVALID,
                         "an image of %s pixels (of %s) has %u components per pixel, fixed by "
                         "its pixel type; got %u",
                         ndw_compound_name(NDW_LAYOUT_ID(im->vector)),
                         ndw_pixel_type_info(im->type)->code, im->components, n);
  if ((st = ndw_image_check_not_exported(im, "SetNumberOfComponentsPerPixel")) != NDW_OK)
    return st;
  if ((st = ndw_image_byte_count(im, im->size, n, &bytes)) != NDW_OK) return st;
  ndw_image_drop_buffer(im);
  im->components = n;
  return NDW_OK;
}

ndw_status ndw_image_set_spacing(ndw_image *im, const double *spacing) {
  for (unsigned i = 0; i < im->dim; ++i)
    if (!isfinite(spacing[i]) || spacing[i] <= 0.0)
      return ndw_set_error(NDW_E_INVALID, "spacing[%u] = %g must be finite and > 0", i,
                           spacing[i]);
  memcpy(im->spacing, spacing, im->dim * sizeof *spacing);
  return NDW_OK;
}

void ndw_image_get_spacing(const ndw_image *im, double *spacing) {
  memcpy(spacing, im->spacing, im->dim * sizeof *spacing);
}

ndw_status ndw_image_set_origin(ndw_image *im, const double *origin) {
  for (unsigned i = 0; i < im->dim; ++i)
    if (!isfinite(origin[i]))
      return ndw_set_error(NDW_E_INVALID, "origin[%u] is not finite", i);
  memcpy(im->origin, origin, im->dim * sizeof *origin);
  return NDW_OK;
}

void ndw_image_get_origin(const ndw_image *im, double *origin) {
  memcpy(origin, im->origin, im->dim * sizeof *origin);
}

/* Determinant by Gaussian elimination with partial pivoting. */
static double ndw_determinant(const double *m, unsigned n) {
  double a[NDW_MAX_DIM * NDW_MAX_DIM];
  double det = 1.0;
  memcpy(a, m, n * n * sizeof *a);
  for (unsigned c = 0; c < n; ++c) {
    unsigned p = c;
    for (unsigned r = c + 1; r < n; ++r)
      if (fabs(a[r * n + c]) > fabs(a[p * n + c])) p = r;
    if (a[p * n + c] == 0.0) return 0.0;
    if (p != c) {
      for (unsigned k = 0; k < n; ++k) {
        double t = a[c * n + k];
        a[c * n + k] = a[p * n + k];
        a[p * n + k] = t;
      }
      det = -det;
    }
    det *= a[c * n + c];
    for (unsigned r = c + 1; r < n; ++r) {
      double f = a[r * n + c] / a[c * n + c];
      for (unsigned k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return det;
}

ndw_status ndw_image_set_direction(ndw_image *im, const double *direction) {
  unsigned n = im->dim;
  for (unsigned i = 0; i < n * n; ++i)
    if (!isfinite(direction[i]))
      return ndw_set_error(NDW_E_INVALID, "direction has a non-finite entry");
  /* singular up to rounding, whatever the scale: |det| against the product
   * of the row norms (Hadamard's bound; 1 for a rotation) */
  double bound = 1.0;
  for (unsigned r = 0; r < n; ++r) {
    double norm = 0.0;
    for (unsigned c = 0; c < n; ++c) norm += direction[r * n + c] * direction[r * n + c];
    bound *= sqrt(norm);
  }
  if (!(bound > 0.0) || !(fabs(ndw_determinant(direction, n)) > 1e-12 * bound))
    return ndw_set_error(NDW_E_INVALID, "direction matrix is singular (determinant 0)");
  memcpy(im->direction, direction, n * n * sizeof *direction);
  return NDW_OK;
}

void ndw_image_get_direction(const ndw_image *im, double *direction) {
  memcpy(direction, im->direction, im->dim * im->dim * sizeof *direction);
}

void ndw_image_index_to_point(const ndw_image *im, const double *index, double *point) {
  unsigned n = im->dim;
  double scaled[NDW_MAX_DIM];
  for (unsigned c = 0; c < n; ++c) scaled[c] = im->spacing[c] * index[c];
  for (unsigned r = 0; r < n; ++r) {
    double sum = im->origin[r];
    for (unsigned c = 0; c < n; ++c) sum += im->direction[r * n + c] * scaled[c];
    point[r] = sum;
  }
}

ndw_status ndw_image_point_to_index(const ndw_image *im, const double *point, double *index) {
  /* solve (direction * diag(spacing)) x = point - origin by Gaussian
   * elimination with partial pivoting: dim <= NDW_MAX_DIM, and the matrix is
   * non-singular (set_direction and set_spacing check it) */
  unsigned n = im->dim;
  double a[NDW_MAX_DIM][NDW_MAX_DIM + 1];
  for (unsigned r = 0; r < n; ++r) {
    if (!isfinite(point[r]))
      return ndw_set_error(NDW_E_INVALID, "point[%u] = %g is not finite", r, point[r]);
    for (unsigned c = 0; c < n; ++c) a[r][c] = im->direction[r * n + c] * im->spacing[c];
    a[r][n] = point[r] - im->origin[r];
  }
  for (unsigned k = 0; k < n; ++k) {
    unsigned p = k;
    for (unsigned r = k + 1; r < n; ++r)
      if (fabs(a[r][k]) > fabs(a[p][k])) p = r;
    if (p != k)
      for (unsigned c = k; c <= n; ++c) {
        double t = a[k][c];
        a[k][c] = a[p][c];
        a[p][c] = t;
      }
    for (unsigned r = k + 1; r < n; ++r) {
      double f = a[r][k] / a[k][k];
      for (unsigned c = k; c <= n; ++c) a[r][c] -= f * a[k][c];
    }
  }
  for (unsigned k = n; k-- > 0;) {
    double sum = a[k][n];
    for (unsigned c = k + 1; c < n; ++c) sum -= a[k][c] * index[c];
    index[k] = sum / a[k][k];
  }
  return NDW_OK;
}

ndw_status ndw_image_copy_information(ndw_image *dst, const ndw_image *src) {
  if (dst->dim != src->dim)
    return ndw_set_error(NDW_E_INVALID, "copy_information: dimensions differ (%u, %u)",
                         dst->dim, src->dim);
  /* the first dim entries only: nothing past them is set (ndw_image_new) */
  memcpy(dst->spacing, src->spacing, dst->dim * sizeof dst->spacing[0]);
  memcpy(dst->origin, src->origin, dst->dim * sizeof dst->origin[0]);
  memcpy(dst->direction, src->direction, dst->dim * dst->dim * sizeof dst->direction[0]);
  return NDW_OK;
}

/* x-fastest contiguous strides with components innermost. */
static void ndw_image_contiguous_strides(const ndw_image *im, ptrdiff_t *strides,
                                         ptrdiff_t *cstride) {
  ptrdiff_t step = (ptrdiff_t)(im->components * im->itemsize);
  *cstride = (ptrdiff_t)im->itemsize;
  for (unsigned i = 0; i < im->dim; ++i) {
    strides[i] = step;
    step *= (ptrdiff_t)im->size[i];
  }
}

/* Large buffers: ask for transparent huge pages, as NumPy does.  With 4 KiB
 * pages the first touch of a big buffer costs about half the bandwidth of a
 * copy into it. */
static void ndw_advise_huge(void *mem, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t threshold = (size_t)4 << 20;
  long page = sysconf(_SC_PAGESIZE);
  if (bytes < threshold || page <= 0) return;
  uintptr_t start = ((uintptr_t)mem + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
  uintptr_t end = ((uintptr_t)mem + bytes) & ~((uintptr_t)page - 1);
  if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
  (void)mem;
  (void)bytes;
#endif
}

ndw_status ndw_image_allocate(ndw_image *im, int initialize) {
  uint64_t bytes;
  ndw_status st;
  void *mem;
  if ((st = ndw_image_check_not_exported(im, "Allocate")) != NDW_OK) return st;
  if ((st = ndw_image_byte_count(im, im->size, im->components, &bytes)) != NDW_OK) return st;
  /* One byte at least, so that an empty region still counts as allocated.
   * Buffers from 64 KiB start on a cache line (64 bytes more): rows of the
   * transposing copy's streamed stores are then whole lines. */
  size_t pad = bytes >= ((uint64_t)64 << 10) && bytes <= SIZE_MAX - 64 ? 64 : 0;
  size_t n = (bytes ? (size_t)bytes : 1) + pad;
  mem = initialize ? calloc(1, n) : malloc(n);
  if (mem == NULL)
    return ndw_set_error(NDW_E_NOMEM, "Allocate: cannot allocate %llu bytes",
                         (unsigned long long)bytes);
  ndw_advise_huge(mem, n);
  ndw_image_drop_buffer(im);
  im->owned = mem;
  im->data = pad ? (char *)mem + ((64 - ((uintptr_t)mem & 63)) & 63) : mem;
  ndw_image_contiguous_strides(im, im->strides, &im->cstride);
  return NDW_OK;
}

int ndw_image_is_contiguous(const ndw_image *im) {
  ptrdiff_t s[NDW_MAX_DIM], cs;
  if (im->data == NULL) return 0;
  ndw_image_contiguous_strides(im, s, &cs);
  if (im->components > 1 && im->cstride != cs) return 0;
  for (unsigned i = 0; i < im->dim; ++i)
    if (im->size[i] > 1 && im->strides[i] != s[i]) return 0;
  return 1;
}

ndw_status ndw_image_wrap(ndw_image *im, void *data, const ptrdiff_t *strides,
                          ptrdiff_t cstride, int readonly, ndw_release_fn release,
                          void *context) {
  uint64_t bytes;
  ndw_status st;
  if ((st = ndw_image_check_not_exported(im, "wrap")) != NDW_OK ||
      (st = ndw_image_byte_count(im, im->size, im->components, &bytes)) != NDW_OK) {
    if (release) release(context);
    return st;
  }
  if (data == NULL || strides == NULL) {
    if (release) release(context);
    return ndw_set_error(NDW_E_INVALID, "wrap: NULL data or strides");
  }
  ndw_image_drop_buffer(im);
  im->data = data;
  memcpy(im->strides, strides, im->dim * sizeof *strides);
  im->cstride = cstride ? cstride : (ptrdiff_t)im->itemsize;
  im->readonly = readonly != 0;
  im->release = release;
  im->release_context = context;
  return NDW_OK;
}

/* set_components + set_regions (index 0) + wrap in one pass: one export
 * check, one byte count, one buffer drop (issue 16: every array -> image
 * view comes here).  The same checks and messages as the three calls. */
ndw_status ndw_image_wrap_region(ndw_image *im, const uint64_t *size, unsigned components,
                                 void *data, const ptrdiff_t *strides, ptrdiff_t cstride,
                                 int readonly, ndw_release_fn release, void *context) {
  uint64_t bytes;
  ndw_status st;
  if (im == NULL || size == NULL || data == NULL || strides == NULL) {
    st = ndw_set_error(NDW_E_INVALID, "wrap_region: NULL argument");
    goto fail;
  }
  if (components != im->components) {
    if (components == 0) {
      st = ndw_set_error(NDW_E_INVALID, "components per pixel must be >= 1");
      goto fail;
    }
    if (!im->vector) {
      st = ndw_set_error(NDW_E_INVALID,
                         "a scalar image has 1 component per pixel; use a VectorImage for %u",
                         components);
      goto fail;
    }
    if (im->vector > NDW_LAYOUT_VECTOR) {
      st = ndw_set_error(NDW_E_INVALID,
                         "an image of %s pixels (of %s) has %u components per pixel, fixed by "
                         "its pixel type; got %u",
                         ndw_compound_name(NDW_LAYOUT_ID(im->vector)),
                         ndw_pixel_type_info(im->type)->code, im->components, components);
      goto fail;
    }
  }
  if ((st = ndw_image_check_not_exported(im, "SetRegions")) != NDW_OK ||
      (st = ndw_image_byte_count(im, size, components, &bytes)) != NDW_OK)
    goto fail;
  ndw_image_drop_buffer(im);
  im->components = components;
  for (unsigned i = 0; i < im->dim; ++i) {
    im->size[i] = size[i];
    im->index[i] = 0;
    im->strides[i] = strides[i];
  }
  im->data = data;
  im->cstride = cstride ? cstride : (ptrdiff_t)im->itemsize;
  im->readonly = readonly != 0;
  im->release = release;
  im->release_context = context;
  return NDW_OK;
fail:
  if (release) release(context);
  return st;
}

ndw_status ndw_image_take_release(ndw_image *im, ndw_release_fn *release, void **context) {
  ndw_status st;
  *release = NULL;
  *context = NULL;
  if ((st = ndw_image_check_not_exported(im, "take_release")) != NDW_OK) return st;
  if (im->release == NULL) return NDW_OK;
  *release = im->release;
  *context = im->release_context;
  im->release = NULL; /* the caller calls it now */
  im->release_context = NULL;
  ndw_image_drop_buffer(im);
  return NDW_OK;
}

ndw_status ndw_image_export_acquire(ndw_image *im) {
  if (im->data == NULL)
    return ndw_set_error(NDW_E_STATE, "the image is not allocated: call Allocate() first");
  im->exports++;
  return NDW_OK;
}

void ndw_image_export_release(ndw_image *im) {
  if (im->exports > 0) im->exports--;
}

ndw_status ndw_image_pixel_pointer(const ndw_image *im, const int64_t *index, void **out) {
  ptrdiff_t offset = 0;
  if (im->data == NULL)
    return ndw_set_error(NDW_E_STATE, "the image is not allocated: call Allocate() first");
  for (unsigned i = 0; i < im->dim; ++i) {
    /* compare in unsigned space: no signed overflow for any index */
    uint64_t rel = (uint64_t)index[i] - (uint64_t)im->index[i];
    if (index[i] < im->index[i] || rel >= im->size[i])
      return ndw_set_error(NDW_E_RANGE,
                           "index[%u] = %lld is outside the buffered region [%lld, %lld)", i,
                           (long long)index[i], (long long)im->index[i],
                           (long long)(im->index[i] + (int64_t)im->size[i]));
    offset += (ptrdiff_t)rel * im->strides[i];
  }
  *out = im->data + offset;
  return NDW_OK;
}

/* Copy one pixel between two (possibly strided-component) places. */
static void ndw_pixel_copy(char *dst, ptrdiff_t dcs, const char *src, ptrdiff_t scs,
                           unsigned n, size_t itemsize) {
  if ((size_t)dcs == itemsize && (size_t)scs == itemsize) {
    memcpy(dst, src, n * itemsize);
    return;
  }
  for (unsigned c = 0; c < n; ++c) memcpy(dst + c * dcs, src + c * scs, itemsize);
}

ndw_status ndw_image_get_pixel(const ndw_image *im, const int64_t *index, void *pixel) {
  void *p = NULL;
  ndw_status st = ndw_image_pixel_pointer(im, index, &p);
  if (st != NDW_OK) return st;
  ndw_pixel_copy(pixel, (ptrdiff_t)im->itemsize, p, im->cstride, im->components, im->itemsize);
  if (ndw_pixel_type_info(im->type)->kind == 'b') /* foreign memory may hold any byte */
    for (unsigned c = 0; c < im->components; ++c) {
      unsigned char *b = (unsigned char *)pixel + c;
      *b = *b != 0;
    }
  return NDW_OK;
}

ndw_status ndw_image_set_pixel(ndw_image *im, const int64_t *index, const void *pixel) {
  void *p = NULL;
  ndw_status st;
  if (im->readonly)
    return ndw_set_error(NDW_E_READONLY, "SetPixel: the image views read-only memory");
  if ((st = ndw_image_pixel_pointer(im, index, &p)) != NDW_OK) return st;
  ndw_pixel_copy(p, im->cstride, pixel, (ptrdiff_t)im->itemsize, im->components, im->itemsize);
  return NDW_OK;
}

/* ---- strided iteration ------------------------------------------------- */

/* Visit every pixel of a `dim`-d region in x-fastest order, calling `fn`
 * with the addresses of the pixel in up to two layouts. */
typedef void (*ndw_visit_fn)(char *a, const char *b, void *ctx);

static void ndw_visit2(unsigned dim, const uint64_t *size, char *a, const ptrdiff_t *sa,
                       const char *b, const ptrdiff_t *sb, ndw_visit_fn fn, void *ctx) {
  uint64_t pos[NDW_MAX_DIM] = {0};
  uint64_t total = 1;
  for (unsigned i = 0; i < dim; ++i) total *= size[i];
  for (uint64_t n = 0; n < total; ++n) {
    fn(a, b, ctx);
    for (unsigned i = 0; i < dim; ++i) {
      a += sa[i];
      b += sb ? sb[i] : 0;
      if (++pos[i] < size[i]) break;
      a -= sa[i] * (ptrdiff_t)size[i];
      b -= sb ? sb[i] * (ptrdiff_t)size[i] : 0;
      pos[i] = 0;
    }
  }
}

/* Merge axes that are contiguous in both layouts and drop size-1 axes, so
 * that a contiguous copy becomes one memcpy.  Returns the new rank. */
static unsigned ndw_collapse(unsigned dim, const uint64_t *size_in, const ptrdiff_t *sa_in,
                             const ptrdiff_t *sb_in, uint64_t *size, ptrdiff_t *sa,
                             ptrdiff_t *sb) {
  unsigned n = 0;
  for (unsigned i = 0; i < dim; ++i) {
    if (size_in[i] == 1) continue;
    if (n > 0 && sa[n - 1] * (ptrdiff_t)size[n - 1] == sa_in[i] &&
        (sb == NULL || sb[n - 1] * (ptrdiff_t)size[n - 1] == sb_in[i])) {
      size[n - 1] *= size_in[i];
      continue;
    }
    size[n] = size_in[i];
    sa[n] = sa_in[i];
    if (sb) sb[n] = sb_in[i];
    ++n;
  }
  return n;
}

typedef struct ndw_copy_ctx {
  size_t bytes;       /* bytes per visited element */
  unsigned components;
  size_t itemsize;
  ptrdiff_t dcs, scs; /* component strides */
  const char *value;  /* fill value */
} ndw_copy_ctx;

static void ndw_visit_memcpy(char *a, const char *b, void *ctx) {
  memcpy(a, b, ((ndw_copy_ctx *)ctx)->bytes);
}

/* One innermost row of whole pixels of 1, 2, 4, 8 or 16 bytes, any strides:
 * a tight loop with a constant-size copy instead of a call per pixel. */
typedef struct ndw_row_ctx {
  uint64_t n;
  ptrdiff_t sa, sb;
  size_t bytes;
} ndw_row_ctx;

#define NDW_ROW_LOOP(N)                                    \
  for (uint64_t i = 0; i < r->n; ++i, a += r->sa, b += r->sb) \
    memcpy(a, b, N);

static void ndw_visit_row(char *a, const char *b, void *ctx) {
  const ndw_row_ctx *r = ctx;
  switch (r->bytes) {
  case 1: NDW_ROW_LOOP(1) break;
  case 2: NDW_ROW_LOOP(2) break;
  case 4: NDW_ROW_LOOP(4) break;
  case 8: NDW_ROW_LOOP(8) break;
  default: NDW_ROW_LOOP(16) break;
  }
}
#undef NDW_ROW_LOOP

/* A two-level blocked transpose.  Axes `a` and `b` of a tile context are
 * the two axes that are fastest in one layout each: `a` in the destination,
 * `b` in the source.  A naive loop walks one of them with a large stride
 * and misses the cache on every pixel; a small (16 x 16) block still reads
 * one cache line per source row, at a stride the hardware prefetchers do
 * not follow, and measured 3.5-5x a memcpy.  Here each tile of ta x tb
 * pixels is
 *   1. read into a buffer that stays in L2, one source run of tb pixels
 *      (up to 1 KiB) per row, while the next tile's runs are prefetched;
 *   2. written out as destination rows (ta pixels along `a`) from buffer
 *      columns, through SSE2 in-register transposes for pixels of 1, 2, 4,
 *      8, 12 and 16 bytes (a gather for other sizes), with non-temporal
 *      stores of whole cache lines when the copy is larger than the caches,
 *      so the destination is not read for ownership.
 * Both sides then move in runs of 256 B-1 KiB.  Design and figures:
 * docs/design.rst, "Transposing copies". */
typedef struct ndw_tile_ctx {
  uint64_t na, nb;       /* sizes of axes a and b */
  ptrdiff_t sda, ssa, sdb, ssb;
  size_t bytes;          /* bytes per pixel */
  uint64_t ta, tb;       /* tile edges in pixels along a and b */
  size_t pitch;          /* bytes per buffer row */
  int stream;            /* non-temporal stores for the destination */
  char *buf;             /* ta rows of tb pixels */
  char *row;             /* staging: 16 / bytes (at least 1) rows of ta pixels */
} ndw_tile_ctx;

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define NDW_SSE2 1
#endif
#if defined(__GNUC__) || defined(__clang__)
#define NDW_PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define NDW_PREFETCH(p) ((void)(p))
#endif

#define NDW_TILE_RUN_BYTES 1024      /* a source run per buffer row */
#define NDW_TILE_ROWS 64             /* buffer rows (destination run): 64 pixels, */
#define NDW_TILE_ROW_BYTES 256       /* and 256 bytes at least */
#define NDW_TILE_MAX_PIXEL 32
#define NDW_STREAM_MIN ((size_t)8 << 20) /* non-temporal stores from 8 MiB copied */

static ptrdiff_t ndw_abs_stride(ptrdiff_t s);

/* Store n bytes from `from` (L1) to `to`: whole 64-byte lines streamed
 * (non-temporal), the partial lines at either end with plain stores, so
 * that no cache line is both streamed and written normally. */
static void ndw_store_run(char *to, const char *from, size_t n, int stream) {
#if defined(NDW_SSE2)
  if (stream && n >= 128) {
    size_t head = (size_t)(-(uintptr_t)to & 63);
    memcpy(to, from, head);
    to += head;
    from += head;
    n -= head;
    for (; n >= 64; n -= 64, to += 64, from += 64)
      for (int k = 0; k < 64; k += 16)
        _mm_stream_si128((__m128i *)(void *)(to + k),
                         _mm_loadu_si128((const __m128i *)(const void *)(from + k)));
    memcpy(to, from, n);
    return;
  }
#else
  (void)stream;
#endif
  memcpy(to, from, n);
}

/* n pixels of N bytes, `step` bytes apart, into contiguous `q`. */
static void ndw_gather(char *q, const char *p, ptrdiff_t step, uint64_t n, size_t N) {
#define NDW_GATHER(K)                                    \
  for (uint64_t i = 0; i < n; ++i, p += step, q += (K))  \
    memcpy(q, p, K);
  switch (N) {
  case 1: NDW_GATHER(1) break;
  case 2: NDW_GATHER(2) break;
  case 4: NDW_GATHER(4) break;
  case 8: NDW_GATHER(8) break;
  case 12: NDW_GATHER(12) break;
  case 16: NDW_GATHER(16) break;
  default: NDW_GATHER(N) break;
  }
#undef NDW_GATHER
}

/* Phase 1: ta source runs of tb pixels into the buffer; prefetch the runs
 * of the next tile (`pf`, NULL for none) as we go. */
static void ndw_tile_load(const ndw_tile_ctx *t, const char *b, uint64_t ta, uint64_t tb,
                          const char *pf, uint64_t pf_ta, uint64_t pf_tb) {
  const size_t N = t->bytes;
  ptrdiff_t step = ndw_abs_stride(t->ssb);
  uint64_t pf_step = step >= 64 ? 1 : (uint64_t)(64 / (step > 0 ? step : 1));
  for (uint64_t r = 0; r < ta; ++r) {
    const char *pb = b + (ptrdiff_t)r * t->ssa;
    char *q = t->buf + r * t->pitch;
    if (pf != NULL && r < pf_ta) {
      const char *pr = pf + (ptrdiff_t)r * t->ssa;
      for (uint64_t c = 0; c < pf_tb; c += pf_step) NDW_PREFETCH(pr + (ptrdiff_t)c * t->ssb);
    }
    if ((size_t)t->ssb == N) {
      memcpy(q, pb, (size_t)tb * N);
      continue;
    }
    ndw_gather(q, pb, t->ssb, tb, N);
  }
}

#if defined(NDW_SSE2)
/* Phase 2 kernels: destination rows j0 .. j0 + nj - 1 of a tile (buffer
 * columns), row jj at d + jj * sd; `nt`: streaming stores (d and sd are
 * then 16-byte aligned). */
typedef void (*ndw_tile_kernel)(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                                uint64_t j0, uint64_t nj, int nt);

#define NDW_STORE16(nt, p, v)                                                    \
  do {                                                                           \
    if (nt)                                                                      \
      _mm_stream_si128((__m128i *)(void *)(p), _mm_castps_si128(v));             \
    else                                                                         \
      _mm_storeu_ps((float *)(void *)(p), (v));                                  \
  } while (0)
#define NDW_LOADPS(p) _mm_loadu_ps((const float *)(const void *)(p))

/* Pixels the kernels leave over (a tail of fewer than a block): plain copies. */
static void ndw_tile_rest(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t i0,
                          uint64_t i1, uint64_t j0, uint64_t jj0, uint64_t jj1) {
  const size_t N = t->bytes;
  for (uint64_t jj = jj0; jj < jj1; ++jj)
    for (uint64_t i = i0; i < i1; ++i)
      memcpy(d + (ptrdiff_t)jj * sd + i * N, t->buf + i * t->pitch + (j0 + jj) * N, N);
}

/* 4-byte pixels: 4 x 4 transposes. */
static void ndw_tile_k4(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                        uint64_t j0, uint64_t nj, int nt) {
  const size_t P = t->pitch;
  uint64_t jj = 0, i = 0;
  for (; jj + 4 <= nj; jj += 4) {
    char *o = d + (ptrdiff_t)jj * sd;
    for (i = 0; i + 4 <= ta; i += 4) {
      const char *s = t->buf + i * P + (j0 + jj) * 4;
      __m128 r0 = NDW_LOADPS(s), r1 = NDW_LOADPS(s + P);
      __m128 r2 = NDW_LOADPS(s + 2 * P), r3 = NDW_LOADPS(s + 3 * P);
      __m128 t0 = _mm_unpacklo_ps(r0, r1), t1 = _mm_unpacklo_ps(r2, r3);
      __m128 t2 = _mm_unpackhi_ps(r0, r1), t3 = _mm_unpackhi_ps(r2, r3);
      NDW_STORE16(nt, o + i * 4, _mm_movelh_ps(t0, t1));
      NDW_STORE16(nt, o + sd + (ptrdiff_t)i * 4, _mm_movehl_ps(t1, t0));
      NDW_STORE16(nt, o + 2 * sd + (ptrdiff_t)i * 4, _mm_movelh_ps(t2, t3));
      NDW_STORE16(nt, o + 3 * sd + (ptrdiff_t)i * 4, _mm_movehl_ps(t3, t2));
    }
    ndw_tile_rest(t, d, sd, i, ta, j0, jj, jj + 4);
  }
  ndw_tile_rest(t, d, sd, 0, ta, j0, jj, nj);
}

/* 8-byte pixels: 2 x 2 transposes of pixel pairs. */
static void ndw_tile_k8(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                        uint64_t j0, uint64_t nj, int nt) {
  const size_t P = t->pitch;
  uint64_t jj = 0, i = 0;
  for (; jj + 2 <= nj; jj += 2) {
    char *o = d + (ptrdiff_t)jj * sd;
    for (i = 0; i + 2 <= ta; i += 2) {
      const char *s = t->buf + i * P + (j0 + jj) * 8;
      __m128 r0 = NDW_LOADPS(s), r1 = NDW_LOADPS(s + P);
      NDW_STORE16(nt, o + i * 8, _mm_movelh_ps(r0, r1));
      NDW_STORE16(nt, o + sd + (ptrdiff_t)i * 8, _mm_movehl_ps(r1, r0));
    }
    ndw_tile_rest(t, d, sd, i, ta, j0, jj, jj + 2);
  }
  ndw_tile_rest(t, d, sd, 0, ta, j0, jj, nj);
}

/* 12-byte pixels (3 x 4 bytes): four pixels from four buffer rows make
 * three 16-byte stores.  The loads read 4 bytes past a pixel, inside the
 * buffer row's padding, and drop them. */
static void ndw_tile_k12(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                         uint64_t j0, uint64_t nj, int nt) {
  const size_t P = t->pitch;
  for (uint64_t jj = 0; jj < nj; ++jj) {
    char *o = d + (ptrdiff_t)jj * sd;
    uint64_t i = 0;
    for (; i + 4 <= ta; i += 4) {
      const char *s = t->buf + i * P + (j0 + jj) * 12;
      __m128 p0 = NDW_LOADPS(s), p1 = NDW_LOADPS(s + P);
      __m128 p2 = NDW_LOADPS(s + 2 * P), p3 = NDW_LOADPS(s + 3 * P);
      __m128 u = _mm_shuffle_ps(p0, p1, _MM_SHUFFLE(0, 0, 2, 2)); /* a2 a2 b0 b0 */
      __m128 v = _mm_shuffle_ps(p2, p3, _MM_SHUFFLE(0, 0, 2, 2)); /* c2 c2 d0 d0 */
      NDW_STORE16(nt, o + i * 12, _mm_shuffle_ps(p0, u, _MM_SHUFFLE(2, 0, 1, 0)));      /* a0 a1 a2 b0 */
      NDW_STORE16(nt, o + i * 12 + 16, _mm_shuffle_ps(p1, p2, _MM_SHUFFLE(1, 0, 2, 1))); /* b1 b2 c0 c1 */
      NDW_STORE16(nt, o + i * 12 + 32, _mm_shuffle_ps(v, p3, _MM_SHUFFLE(2, 1, 2, 0)));  /* c2 d0 d1 d2 */
    }
    ndw_tile_rest(t, d, sd, i, ta, j0, jj, jj + 1);
  }
}

/* 16-byte pixels: one load and one store each. */
static void ndw_tile_k16(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                         uint64_t j0, uint64_t nj, int nt) {
  for (uint64_t jj = 0; jj < nj; ++jj)
    for (uint64_t i = 0; i < ta; ++i)
      NDW_STORE16(nt, d + (ptrdiff_t)jj * sd + i * 16,
                  NDW_LOADPS(t->buf + i * t->pitch + (j0 + jj) * 16));
}

/* 1- and 2-byte pixels: n x n in-register transposes (n = 16 / N pixels
 * per register) by log2(n) rounds of interleaving registers q and q + n/2;
 * after the last round register c holds column c. */
static inline void ndw_tile_knarrow(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta,
                                    uint64_t j0, uint64_t nj, int nt, const size_t N) {
  const size_t P = t->pitch;
  const unsigned n = (unsigned)(16 / N), h = n / 2;
  uint64_t jj = 0, i = 0;
  for (; jj + n <= nj; jj += n) {
    for (i = 0; i + n <= ta; i += n) {
      __m128i x[16], y[16];
      for (unsigned r = 0; r < n; ++r)
        x[r] = _mm_loadu_si128((const __m128i *)(const void *)(t->buf + (i + r) * P + (j0 + jj) * N));
      for (unsigned m = 1; m < n; m *= 2) {
        for (unsigned q = 0; q < h; ++q) {
          y[2 * q] = N == 1 ? _mm_unpacklo_epi8(x[q], x[q + h]) : _mm_unpacklo_epi16(x[q], x[q + h]);
          y[2 * q + 1] =
              N == 1 ? _mm_unpackhi_epi8(x[q], x[q + h]) : _mm_unpackhi_epi16(x[q], x[q + h]);
        }
        memcpy(x, y, n * sizeof x[0]);
      }
      for (unsigned c = 0; c < n; ++c)
        NDW_STORE16(nt, d + (ptrdiff_t)(jj + c) * sd + i * N, _mm_castsi128_ps(x[c]));
    }
    ndw_tile_rest(t, d, sd, i, ta, j0, jj, jj + n);
  }
  ndw_tile_rest(t, d, sd, 0, ta, j0, jj, nj);
}
static void ndw_tile_k1(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta, uint64_t j0,
                        uint64_t nj, int nt) {
  ndw_tile_knarrow(t, d, sd, ta, j0, nj, nt, 1);
}
static void ndw_tile_k2(const ndw_tile_ctx *t, char *d, ptrdiff_t sd, uint64_t ta, uint64_t j0,
                        uint64_t nj, int nt) {
  ndw_tile_knarrow(t, d, sd, ta, j0, nj, nt, 2);
}
#undef NDW_STORE16
#undef NDW_LOADPS

/* Phase 2 through a kernel that fills `group` destination rows at a time.
 * Streaming stores go straight to the destination only when its rows are
 * whole cache lines and at most 4 rows fill at once; otherwise the rows are
 * staged in `row` (L1) and each is stored whole: streaming 16 bytes into
 * many rows in turn leaves the write-combining buffers partly filled. */
static int ndw_tile_store_simd(const ndw_tile_ctx *t, char *a, uint64_t ta, uint64_t tb) {
  static const ndw_tile_kernel kernels[17] = {
      NULL, ndw_tile_k1, ndw_tile_k2, NULL, ndw_tile_k4, NULL, NULL, NULL, ndw_tile_k8,
      NULL, NULL, NULL, ndw_tile_k12, NULL, NULL, NULL, ndw_tile_k16};
  const size_t N = t->bytes;
  if ((size_t)t->sda != N || N > 16 || kernels[N] == NULL) return 0;
  const ndw_tile_kernel k = kernels[N];
  const uint64_t group = N <= 4 ? 16 / N : N == 8 ? 2 : 1;
  /* whole lines: a tile's rows start on a line and span whole lines */
  const int aligned = ((uintptr_t)a & 63) == 0 && (t->sdb & 63) == 0 && (ta * N) % 64 == 0;
  if (!t->stream || (aligned && group <= 4)) {
    k(t, a, t->sdb, ta, 0, tb, t->stream);
    return 1;
  }
  const size_t rb = (size_t)ta * N;
  for (uint64_t j = 0; j < tb; j += group) {
    uint64_t nj = tb - j < group ? tb - j : group;
    k(t, t->row, (ptrdiff_t)rb, ta, j, nj, 0);
    for (uint64_t c = 0; c < nj; ++c)
      ndw_store_run(a + (ptrdiff_t)(j + c) * t->sdb, t->row + c * rb, rb, 1);
  }
  return 1;
}
#endif

/* Phase 2, any pixel size: each destination row gathered from a buffer
 * column into `row`, then stored as one run (or pixel by pixel when the
 * destination's axis a is not contiguous). */
static void ndw_tile_store(const ndw_tile_ctx *t, char *a, uint64_t ta, uint64_t tb) {
  const size_t N = t->bytes, P = t->pitch;
  int contiguous = (size_t)t->sda == N;
  for (uint64_t j = 0; j < tb; ++j) {
    char *d = a + (ptrdiff_t)j * t->sdb;
    const char *s = t->buf + j * N;
    if (!contiguous) {
      for (uint64_t i = 0; i < ta; ++i, d += t->sda, s += P) memcpy(d, s, N);
      continue;
    }
    ndw_gather(t->row, s, (ptrdiff_t)P, ta, N);
    ndw_store_run(d, t->row, (size_t)ta * N, t->stream);
  }
}

/* All tiles of one plane (axes a, b) at a / b; `next` is the source of the
 * next plane (NULL for none), for the prefetch of the plane's last tile. */
static void ndw_visit_tile(char *a, const char *b, const char *next, const ndw_tile_ctx *t) {
  for (uint64_t j0 = 0; j0 < t->nb; j0 += t->tb) {
    uint64_t tb = t->nb - j0 < t->tb ? t->nb - j0 : t->tb;
    for (uint64_t i0 = 0; i0 < t->na; i0 += t->ta) {
      uint64_t ta = t->na - i0 < t->ta ? t->na - i0 : t->ta;
      /* the next tile: along a, else the next block along b, else the next plane */
      const char *pf = next;
      uint64_t pf_ta = t->ta < t->na ? t->ta : t->na, pf_tb = t->tb < t->nb ? t->tb : t->nb;
      if (i0 + t->ta < t->na) {
        pf = b + (ptrdiff_t)(i0 + t->ta) * t->ssa + (ptrdiff_t)j0 * t->ssb;
        pf_ta = t->na - i0 - t->ta < t->ta ? t->na - i0 - t->ta : t->ta;
        pf_tb = tb;
      } else if (j0 + t->tb < t->nb) {
        pf = b + (ptrdiff_t)(j0 + t->tb) * t->ssb;
        pf_tb = t->nb - j0 - t->tb < t->tb ? t->nb - j0 - t->tb : t->tb;
      }
      ndw_tile_load(t, b + (ptrdiff_t)i0 * t->ssa + (ptrdiff_t)j0 * t->ssb, ta, tb, pf, pf_ta,
                    pf_tb);
      char *d = a + (ptrdiff_t)i0 * t->sda + (ptrdiff_t)j0 * t->sdb;
#if defined(NDW_SSE2)
      if (ndw_tile_store_simd(t, d, ta, tb)) continue;
#endif
      ndw_tile_store(t, d, ta, tb);
    }
  }
}

/* Every plane of the remaining m axes, in x-fastest order. */
static void ndw_copy_tiled(const ndw_tile_ctx *t, unsigned m, const uint64_t *size, char *a,
                           const ptrdiff_t *sa, const char *b, const ptrdiff_t *sb) {
  uint64_t pos[NDW_MAX_DIM] = {0};
  uint64_t total = 1;
  for (unsigned i = 0; i < m; ++i) total *= size[i];
  for (uint64_t n = 0; n < total; ++n) {
    char *a_next = a;
    const char *b_next = b;
    int last = n + 1 == total;
    for (unsigned i = 0; i < m; ++i) { /* advance the odometer */
      a_next += sa[i];
      b_next += sb[i];
      if (++pos[i] < size[i]) break;
      a_next -= sa[i] * (ptrdiff_t)size[i];
      b_next -= sb[i] * (ptrdiff_t)size[i];
      pos[i] = 0;
    }
    ndw_visit_tile(a, b, last ? NULL : b_next, t);
    a = a_next;
    b = b_next;
  }
#if defined(NDW_SSE2)
  if (t->stream) _mm_sfence(); /* order the non-temporal stores before returning */
#endif
}

static ptrdiff_t ndw_abs_stride(ptrdiff_t s) { return s < 0 ? -s : s; }

/* Axis (1..n-1) to tile with axis 0, or 0 for none: the fastest axis of
 * the layout whose fastest axis is not axis 0, when it is faster than
 * that layout's axis 0. */
static unsigned ndw_tile_axis(unsigned n, const ptrdiff_t *sd, const ptrdiff_t *ss,
                              const uint64_t *size, size_t pixel) {
  const ptrdiff_t *which[2] = {ss, sd};
  if (pixel > NDW_TILE_MAX_PIXEL) return 0;
  for (int w = 0; w < 2; ++w) {
    const ptrdiff_t *s = which[w];
    unsigned k = 0;
    for (unsigned i = 1; i < n; ++i)
      if (size[i] > 1 && ndw_abs_stride(s[i]) < ndw_abs_stride(s[k])) k = i;
    if (k != 0 && size[0] >= 4 && size[k] >= 4) return k;
  }
  return 0;
}

static void ndw_visit_pixel(char *a, const char *b, void *ctx) {
  ndw_copy_ctx *c = ctx;
  ndw_pixel_copy(a, c->dcs, b, c->scs, c->components, c->itemsize);
}

/* The core strided copy: dst and src describe the same region. */
static void ndw_copy_strided(unsigned dim, const uint64_t *size_in, char *dst,
                             const ptrdiff_t *sd_in, ptrdiff_t dcs, const char *src,
                             const ptrdiff_t *ss_in, ptrdiff_t scs, unsigned components,
                             size_t itemsize) {
  uint64_t size[NDW_MAX_DIM];
  ptrdiff_t sd[NDW_MAX_DIM], ss[NDW_MAX_DIM];
  ptrdiff_t pixel = (ptrdiff_t)(components * itemsize);
  int dense_pixels = components == 1 || ((size_t)dcs == itemsize && (size_t)scs == itemsize);
  unsigned n = ndw_collapse(dim, size_in, sd_in, ss_in, size, sd, ss);
  ndw_copy_ctx ctx = {(size_t)pixel, components, itemsize, dcs, scs, NULL};
  if (n == 0) { /* a single pixel */
    ndw_pixel_copy(dst, dcs, src, scs, components, itemsize);
    return;
  }
  if (dense_pixels && sd[0] == pixel && ss[0] == pixel) {
    /* innermost axis is a contiguous run in both: memcpy whole rows */
    ctx.bytes = (size_t)size[0] * (size_t)pixel;
    if (n == 1) {
      memcpy(dst, src, ctx.bytes);
      return;
    }
    ndw_visit2(n - 1, size + 1, dst, sd + 1, src, ss + 1, ndw_visit_memcpy, &ctx);
    return;
  }
  if (dense_pixels && n >= 2) {
    unsigned k = ndw_tile_axis(n, sd, ss, size, (size_t)pixel);
    if (k != 0) {
      /* axis a: the destination's faster of (0, k); axis b: the other */
      unsigned ia = ndw_abs_stride(sd[0]) <= ndw_abs_stride(sd[k]) ? 0 : k, ib = ia == 0 ? k : 0;
      uint64_t total = 1;
      for (unsigned i = 0; i < n; ++i) total *= size[i];
      ndw_tile_ctx tile = {size[ia], size[ib], sd[ia], ss[ia], sd[ib], ss[ib], (size_t)pixel,
                           NDW_TILE_ROWS, NDW_TILE_RUN_BYTES / (size_t)pixel, 0, 0, NULL, NULL};
      if (tile.ta * (uint64_t)pixel < NDW_TILE_ROW_BYTES) tile.ta = NDW_TILE_ROW_BYTES / (size_t)pixel;
      if (tile.ta > tile.na) tile.ta = tile.na;
      if (tile.tb > tile.nb) tile.tb = tile.nb;
      /* buffer rows an odd number of cache lines apart: a column walk
       * through them uses distinct L1 sets */
      tile.pitch = ((size_t)tile.tb * (size_t)pixel + 63) / 64 * 64;
      if ((tile.pitch / 64) % 2 == 0) tile.pitch += 64;
      tile.stream = total * (uint64_t)pixel >= NDW_STREAM_MIN;
      /* the staging rows of phase 2: 16 / pixel of them (at least one) */
      size_t rows = pixel < 16 ? 16 / (size_t)pixel : 1;
      tile.buf = malloc(tile.pitch * (size_t)tile.ta + rows * (size_t)tile.ta * (size_t)pixel);
      if (tile.buf == NULL) goto untiled; /* no memory for a tile: the plain loop */
      tile.row = tile.buf + tile.pitch * (size_t)tile.ta;
      uint64_t osize[NDW_MAX_DIM];
      ptrdiff_t osd[NDW_MAX_DIM], oss[NDW_MAX_DIM];
      unsigned m = 0;
      for (unsigned i = 1; i < n; ++i) {
        if (i == k) continue;
        osize[m] = size[i];
        osd[m] = sd[i];
        oss[m] = ss[i];
        ++m;
      }
      ndw_copy_tiled(&tile, m, osize, dst, osd, src, oss);
      free(tile.buf);
      return;
    }
  }
untiled:
  if (dense_pixels && (pixel == 1 || pixel == 2 || pixel == 4 || pixel == 8 || pixel == 16)) {
    ndw_row_ctx row = {size[0], sd[0], ss[0], (size_t)pixel};
    if (n == 1) {
      ndw_visit_row(dst, src, &row);
      return;
    }
    ndw_visit2(n - 1, size + 1, dst, sd + 1, src, ss + 1, ndw_visit_row, &row);
    return;
  }
  ndw_visit2(n, size, dst, sd, src, ss, dense_pixels ? ndw_visit_memcpy : ndw_visit_pixel,
             &ctx);
}

static ndw_status ndw_image_check_allocated(const ndw_image *im, const char *what) {
  if (im->data == NULL)
    return ndw_set_error(NDW_E_STATE, "%s: the image is not allocated: call Allocate() first",
                         what);
  return NDW_OK;
}

static void ndw_visit_fill(char *a, const char *b, void *ctx) {
  ndw_copy_ctx *c = ctx;
  (void)b;
  ndw_pixel_copy(a, c->dcs, c->value, (ptrdiff_t)c->itemsize, c->components, c->itemsize);
}

ndw_status ndw_image_fill(ndw_image *im, const void *pixel) {
  ndw_status st;
  size_t pbytes = im->components * im->itemsize;
  if ((st = ndw_image_check_allocated(im, "FillBuffer")) != NDW_OK) return st;
  if (im->readonly)
    return ndw_set_error(NDW_E_READONLY, "FillBuffer: the image views read-only memory");
  if (ndw_image_is_contiguous(im)) {
    char *p = im->data;
    size_t all = (size_t)ndw_image_number_of_pixels(im) * pbytes, done = pbytes;
    int zero = 1;
    for (size_t i = 0; i < pbytes; ++i) zero &= ((const char *)pixel)[i] == 0;
    if (zero || all == 0) {
      memset(p, 0, all);
      return NDW_OK;
    }
    /* fill by doubling copies from the first pixel */
    memcpy(p, pixel, pbytes);
    while (done < all) {
      size_t chunk = done < all - done ? done : all - done;
      memcpy(p + done, p, chunk);
      done += chunk;
    }
    return NDW_OK;
  }
  {
    ndw_copy_ctx ctx = {pbytes, im->components, im->itemsize, im->cstride,
                        (ptrdiff_t)im->itemsize, pixel};
    ndw_visit2(im->dim, im->size, im->data, im->strides, NULL, NULL, ndw_visit_fill, &ctx);
  }
  return NDW_OK;
}

static ndw_status ndw_image_check_same_layout(const ndw_image *a, const ndw_image *b) {
  if (a->type != b->type || a->dim != b->dim || a->components != b->components)
    return ndw_set_error(NDW_E_TYPE, "copy: images differ in pixel type, dimension or components");
  for (unsigned i = 0; i < a->dim; ++i)
    if (a->size[i] != b->size[i])
      return ndw_set_error(NDW_E_INVALID, "copy: sizes differ on axis %u", i);
  return NDW_OK;
}

ndw_status ndw_image_copy_pixels(ndw_image *dst, const ndw_image *src) {
  ndw_status st;
  if ((st = ndw_image_check_same_layout(dst, src)) != NDW_OK ||
      (st = ndw_image_check_allocated(dst, "copy")) != NDW_OK ||
      (st = ndw_image_check_allocated(src, "copy")) != NDW_OK)
    return st;
  if (dst->readonly) return ndw_set_error(NDW_E_READONLY, "copy: destination is read-only");
  ndw_copy_strided(dst->dim, dst->size, dst->data, dst->strides, dst->cstride, src->data,
                   src->strides, src->cstride, src->components, src->itemsize);
  return NDW_OK;
}

ndw_status ndw_image_copy_to_contiguous(const ndw_image *im, void *dst) {
  ptrdiff_t s[NDW_MAX_DIM], cs;
  ndw_status st;
  if ((st = ndw_image_check_allocated(im, "copy")) != NDW_OK) return st;
  ndw_image_contiguous_strides(im, s, &cs);
  ndw_copy_strided(im->dim, im->size, dst, s, cs, im->data, im->strides, im->cstride,
                   im->components, im->itemsize);
  return NDW_OK;
}

ndw_status ndw_image_copy_from_contiguous(ndw_image *im, const void *src) {
  ptrdiff_t s[NDW_MAX_DIM], cs;
  ndw_status st;
  if ((st = ndw_image_check_allocated(im, "copy")) != NDW_OK) return st;
  if (im->readonly) return ndw_set_error(NDW_E_READONLY, "copy: the image is read-only");
  ndw_image_contiguous_strides(im, s, &cs);
  ndw_copy_strided(im->dim, im->size, im->data, im->strides, im->cstride, src, s, cs,
                   im->components, im->itemsize);
  return NDW_OK;
}

ndw_status ndw_image_duplicate(const ndw_image *im, ndw_image **out) {
  ndw_image *copy = NULL;
  ndw_status st;
  *out = NULL;
  if ((st = ndw_image_check_allocated(im, "duplicate")) != NDW_OK) return st;
  if ((st = ndw_image_new(im->type, im->dim, im->vector, &copy)) != NDW_OK) return st;
  copy->components = im->components;
  if ((st = ndw_image_set_regions(copy, im->index, im->size)) != NDW_OK) goto fail;
  if ((st = ndw_image_copy_information(copy, im)) != NDW_OK) goto fail;
  if ((st = ndw_image_allocate(copy, 0)) != NDW_OK) goto fail;
  if ((st = ndw_image_copy_pixels(copy, im)) != NDW_OK) goto fail;
  *out = copy;
  return NDW_OK;
fail:
  ndw_image_free(copy);
  return st;
}

/* ---- iteration ------------------------------------------------------------ */

ndw_status ndw_iter_begin(ndw_iter *it, const ndw_image *a, ndw_image *b) {
  memset(it, 0, sizeof *it);
  if (a->data == NULL || (b != NULL && b->data == NULL))
    return ndw_set_error(NDW_E_STATE, "iteration over an unallocated image");
  if (b != NULL && b->readonly)
    return ndw_set_error(NDW_E_READONLY, "the output image views read-only memory");
  if (b != NULL && b->dim != a->dim)
    return ndw_set_error(NDW_E_INVALID, "images of dimensions %u and %u", a->dim, b->dim);
  it->dim = a->dim;
  for (unsigned i = 0; i < a->dim; ++i) {
    if (b != NULL && b->size[i] != a->size[i])
      return ndw_set_error(NDW_E_INVALID, "image sizes differ on axis %u", i);
    if (a->size[i] == 0) return ndw_set_error(NDW_E_INVALID, "the region is empty");
    it->size[i] = a->size[i];
    it->strides[0][i] = a->strides[i];
    it->strides[1][i] = b != NULL ? b->strides[i] : 0;
  }
  it->ptr[0] = a->data;
  it->ptr[1] = b != NULL ? b->data : NULL;
  return NDW_OK;
}

int ndw_iter_next(ndw_iter *it) {
  for (unsigned i = 0; i < it->dim; ++i) {
    it->ptr[0] += it->strides[0][i];
    if (it->ptr[1]) it->ptr[1] += it->strides[1][i];
    if (++it->pos[i] < it->size[i]) return 1;
    it->ptr[0] -= it->strides[0][i] * (ptrdiff_t)it->size[i];
    if (it->ptr[1]) it->ptr[1] -= it->strides[1][i] * (ptrdiff_t)it->size[i];
    it->pos[i] = 0;
  }
  return 0;
}
