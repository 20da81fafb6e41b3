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

ndw_status ndw_image_new(ndw_pixel_type type, unsigned dim, int vector, ndw_image **out) {
  ndw_image *im;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndw_image_new: out is NULL");
  *out = NULL;
  if (ndw_pixel_type_info(type) == NULL)
    return ndw_set_error(NDW_E_TYPE, "ndw_image_new: unknown pixel type %d", (int)type);
  if (dim < 1 || dim > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_INVALID, "ndw_image_new: dimension %u is not in 1..%d", dim,
                         NDW_MAX_DIM);
  /* malloc + memset, not calloc: glibc's calloc skips the thread cache, and
   * image objects are made and freed at a high rate (views, DLPack). */
  im = malloc(sizeof *im);
  if (im == NULL) return ndw_set_error(NDW_E_NOMEM, "ndw_image_new: out of memory");
#if defined(__GNUC__)
  /* GCC fuses malloc + memset back into calloc (seen in the Release
   * library's code, issue 16): an empty asm that "changes" the pointer
   * keeps the two calls, and with them the thread cache */
  __asm__ volatile("" : "+r"(im));
#endif
  memset(im, 0, sizeof *im);
  im->type = type;
  im->dim = dim;
  im->vector = vector != 0;
  im->components = 1;
  im->itemsize = ndw_pixel_type_size(type);
  for (unsigned i = 0; i < dim; ++i) {
    im->spacing[i] = 1.0;
    im->direction[i * dim + i] = 1.0;
  }
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
int ndw_image_is_vector(const ndw_image *im) { return im->vector; }
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

ndw_status ndw_image_copy_information(ndw_image *dst, const ndw_image *src) {
  if (dst->dim != src->dim)
    return ndw_set_error(NDW_E_INVALID, "copy_information: dimensions differ (%u, %u)",
                         dst->dim, src->dim);
  memcpy(dst->spacing, src->spacing, sizeof dst->spacing);
  memcpy(dst->origin, src->origin, sizeof dst->origin);
  memcpy(dst->direction, src->direction, sizeof dst->direction);
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
  /* One byte at least, so that an empty region still counts as allocated. */
  mem = initialize ? calloc(1, bytes ? (size_t)bytes : 1) : malloc(bytes ? (size_t)bytes : 1);
  if (mem == NULL)
    return ndw_set_error(NDW_E_NOMEM, "Allocate: cannot allocate %llu bytes",
                         (unsigned long long)bytes);
  ndw_advise_huge(mem, (size_t)bytes);
  ndw_image_drop_buffer(im);
  im->owned = mem;
  im->data = mem;
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

/* A blocked transpose: axes 0 and 1 of a tile context are the two axes
 * that are fastest in one layout each (dst's and src's).  A naive loop
 * walks one of them with a large stride and misses the cache on every
 * pixel.  Here each NDW_TILE x NDW_TILE block is read into a small local
 * buffer along the source's fast axis, then written out along the
 * destination's fast axis: every cache line of either side is touched in
 * one burst, so power-of-two strides (all lines of a block in one cache
 * set) cost no re-reads, and a transposing copy runs near memcpy speed. */
typedef struct ndw_tile_ctx {
  uint64_t n0, n1;
  ptrdiff_t sd0, ss0, sd1, ss1;
  size_t bytes;
  uint64_t tile; /* block edge in pixels */
  char *buf;     /* tile * tile pixels */
} ndw_tile_ctx;

static ptrdiff_t ndw_abs_stride(ptrdiff_t s);

#define NDW_TILE 16
#define NDW_TILE_MAX_PIXEL 32

/* One block of ni x nj pixels of N bytes through `buf`; `src0` / `dst0`:
 * that side's phase walks axis 0 innermost (its faster axis). */
#define NDW_TILE_BLOCK(N)                                                                  \
  do {                                                                                     \
    if (src0) {                                                                            \
      for (uint64_t jj = 0; jj < nj; ++jj) {                                               \
        const char *pb = b + (ptrdiff_t)(j0 + jj) * t->ss1 + (ptrdiff_t)i0 * t->ss0;      \
        for (uint64_t ii = 0; ii < ni; ++ii, pb += t->ss0)                                 \
          memcpy(buf + (ii * T + jj) * (N), pb, N);                                 \
      }                                                                                    \
    } else {                                                                               \
      for (uint64_t ii = 0; ii < ni; ++ii) {                                               \
        const char *pb = b + (ptrdiff_t)(i0 + ii) * t->ss0 + (ptrdiff_t)j0 * t->ss1;      \
        for (uint64_t jj = 0; jj < nj; ++jj, pb += t->ss1)                                 \
          memcpy(buf + (ii * T + jj) * (N), pb, N);                                 \
      }                                                                                    \
    }                                                                                      \
    if (dst0) {                                                                            \
      for (uint64_t jj = 0; jj < nj; ++jj) {                                               \
        char *pa = a + (ptrdiff_t)(j0 + jj) * t->sd1 + (ptrdiff_t)i0 * t->sd0;            \
        for (uint64_t ii = 0; ii < ni; ++ii, pa += t->sd0)                                 \
          memcpy(pa, buf + (ii * T + jj) * (N), N);                                 \
      }                                                                                    \
    } else {                                                                               \
      for (uint64_t ii = 0; ii < ni; ++ii) {                                               \
        char *pa = a + (ptrdiff_t)(i0 + ii) * t->sd0 + (ptrdiff_t)j0 * t->sd1;            \
        for (uint64_t jj = 0; jj < nj; ++jj, pa += t->sd1)                                 \
          memcpy(pa, buf + (ii * T + jj) * (N), N);                                 \
      }                                                                                    \
    }                                                                                      \
  } while (0)

static void ndw_visit_tile(char *a, const char *b, void *ctx) {
  const ndw_tile_ctx *t = ctx;
  const uint64_t T = t->tile;
  char *buf = t->buf;
  /* each phase walks its side's faster axis innermost */
  int src0 = ndw_abs_stride(t->ss0) <= ndw_abs_stride(t->ss1);
  int dst0 = ndw_abs_stride(t->sd0) <= ndw_abs_stride(t->sd1);
  for (uint64_t j0 = 0; j0 < t->n1; j0 += T) {
    uint64_t nj = t->n1 - j0 < T ? t->n1 - j0 : T;
    for (uint64_t i0 = 0; i0 < t->n0; i0 += T) {
      uint64_t ni = t->n0 - i0 < T ? t->n0 - i0 : T;
      switch (t->bytes) {
      case 1: NDW_TILE_BLOCK(1); break;
      case 2: NDW_TILE_BLOCK(2); break;
      case 4: NDW_TILE_BLOCK(4); break;
      case 8: NDW_TILE_BLOCK(8); break;
      case 12: NDW_TILE_BLOCK(12); break;
      case 16: NDW_TILE_BLOCK(16); break;
      case 24: NDW_TILE_BLOCK(24); break;
      case 32: NDW_TILE_BLOCK(32); break;
      default: NDW_TILE_BLOCK(t->bytes); break; /* <= NDW_TILE_MAX_PIXEL: see ndw_tile_axis */
      }
    }
  }
}
#undef NDW_TILE_BLOCK

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
      ndw_tile_ctx tile = {size[0], size[k], sd[0], ss[0], sd[k], ss[k], (size_t)pixel,
                           NDW_TILE, NULL};
      tile.buf = malloc(tile.tile * tile.tile * (size_t)pixel);
      if (tile.buf == NULL) goto untiled; /* no memory for a block: the plain loop */
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
      if (m == 0)
        ndw_visit_tile(dst, src, &tile);
      else
        ndw_visit2(m, osize, dst, osd, src, oss, ndw_visit_tile, &tile);
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
