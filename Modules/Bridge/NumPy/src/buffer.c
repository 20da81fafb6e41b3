/* ndwrap BridgeNumPy: strided-buffer descriptions of images and vnl data. */
#include "ndw/buffer.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

static int ndw_host_is_little(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/* One native letter ("f", "B", "q") and an item size -> type + 1: the
 * formats NumPy gives for native arrays, looked up without the general
 * parse (every array -> image view parses its format; issue 16).  Filled
 * with the general parse's (kind, size) table, so both always agree. */
static signed char ndw_by_letter_size[128][17];
static atomic_int ndw_by_letter_ready; /* set (release) once the table is full */

static ndw_status ndw_buffer_parse_format_full(const char *format, size_t itemsize,
                                               ndw_pixel_type *type, int *native);

ndw_status ndw_buffer_parse_format(const char *format, size_t itemsize, ndw_pixel_type *type,
                                   int *native) {
  if (atomic_load_explicit(&ndw_by_letter_ready, memory_order_acquire) && format != NULL && format[0] > 0 && format[1] == '\0' &&
      itemsize <= 16) {
    signed char t = ndw_by_letter_size[(unsigned char)format[0]][itemsize];
    if (t > 0) {
      *type = (ndw_pixel_type)(t - 1);
      *native = 1;
      return NDW_OK;
    }
  }
  return ndw_buffer_parse_format_full(format, itemsize, type, native);
}

static char ndw_letter_kind(char c) {
  switch (c) {
  case '?': return 'b';
  case 'b': case 'h': case 'i': case 'l': case 'q': case 'n': return 'i';
  case 'B': case 'H': case 'I': case 'L': case 'Q': case 'N': return 'u';
  case 'f': case 'd': return 'f';
  default: return 0;
  }
}

static ndw_status ndw_buffer_parse_format_full(const char *format, size_t itemsize,
                                               ndw_pixel_type *type, int *native) {
  const char *f = format ? format : "B";
  char kind = 0;
  *native = 1;
  switch (*f) {
  case '@': case '=': ++f; break;
  case '<': *native = ndw_host_is_little(); ++f; break;
  case '>': case '!': *native = !ndw_host_is_little(); ++f; break;
  default: break;
  }
  if (f[0] == 'Z' && (f[1] == 'f' || f[1] == 'd') && f[2] == '\0') {
    kind = 'c';
  } else if (f[0] != '\0' && f[1] == '\0') {
    kind = ndw_letter_kind(f[0]);
  }
  if (itemsize == 1 && kind != 0) *native = 1; /* byte order is moot */
  if (kind != 0 && itemsize <= 16) {
    /* (kind, size) -> type + 1, from the table once: every view passes here */
    static signed char by_kind_size[128][17];
    static int ready;
    if (!ready) {
      for (int t = 0; t < NDW_PIXEL_COUNT; ++t) {
        const ndw_pixel_info *info = ndw_pixel_type_info((ndw_pixel_type)t);
        if ((unsigned char)info->kind < 128 && info->size <= 16)
          by_kind_size[(unsigned char)info->kind][info->size] = (signed char)(t + 1);
      }
      for (int c = 1; c < 128; ++c) /* the one-letter table, from the same rows */
        for (size_t n = 0; n <= 16; ++n)
          if (ndw_letter_kind((char)c) != 0)
            ndw_by_letter_size[c][n] = by_kind_size[(unsigned char)ndw_letter_kind((char)c)][n];
      ready = 1;
      atomic_store_explicit(&ndw_by_letter_ready, 1, memory_order_release);
    }
    if (by_kind_size[(unsigned char)kind][itemsize] > 0) {
      *type = (ndw_pixel_type)(by_kind_size[(unsigned char)kind][itemsize] - 1);
      return NDW_OK;
    }
  }
  return ndw_set_error(NDW_E_TYPE, "buffer format '%s' (item size %zu) has no pixel type",
                       format ? format : "B", itemsize);
}

ndw_status ndw_image_describe_buffer(const ndw_image *im, int keep_axes, ndw_buffer_desc *out) {
  unsigned dim = ndw_image_dimension(im);
  uint64_t size[NDW_MAX_DIM];
  ptrdiff_t strides[NDW_MAX_DIM], cstride;
  const ndw_pixel_info *info = ndw_pixel_type_info(ndw_image_pixel_type(im));
  if (!ndw_image_is_allocated(im))
    return ndw_set_error(NDW_E_STATE, "the image is not allocated: call Allocate() first");
  ndw_image_get_size(im, size);
  ndw_image_get_strides(im, strides, &cstride);
  memset(out, 0, sizeof *out);
  out->data = ndw_image_buffer(im);
  out->itemsize = info->size;
  out->format = info->format;
  out->readonly = ndw_image_is_readonly(im);
  out->ndim = (int)dim;
  for (unsigned i = 0; i < dim; ++i) {
    unsigned a = keep_axes ? i : dim - 1 - i;
    out->shape[a] = (int64_t)size[i];
    out->strides[a] = strides[i];
  }
  if (ndw_image_is_vector(im)) {
    out->shape[dim] = ndw_image_components(im);
    out->strides[dim] = cstride;
    out->ndim++;
  }
  return NDW_OK;
}

static int ndw_is_aligned(const ndw_buffer_desc *d, size_t align) {
  if ((align & (align - 1)) == 0) { /* a power of two (every pixel type): a mask, no division */
    uintptr_t mask = (uintptr_t)align - 1;
    if ((uintptr_t)d->data & mask) return 0;
    for (int i = 0; i < d->ndim; ++i)
      if (d->shape[i] > 1 && ((uintptr_t)d->strides[i] & mask)) return 0;
    return 1;
  }
  if ((uintptr_t)d->data % align) return 0;
  for (int i = 0; i < d->ndim; ++i)
    if (d->shape[i] > 1 && d->strides[i] % (ptrdiff_t)align) return 0;
  return 1;
}

/* Natural alignment of a component: complex types align like their parts. */
static size_t ndw_alignment(const ndw_pixel_info *info) {
  return info->kind == 'c' ? info->size / 2 : info->size;
}

ndw_status ndw_buffer_check(const ndw_buffer_desc *d) {
  const uint64_t limit = (uint64_t)PTRDIFF_MAX;
  uint64_t extent;
  /* the description holds NDW_MAX_DIM + 1 axes: never read past them */
  if (d->ndim < 0 || d->ndim > NDW_MAX_DIM + 1)
    return ndw_set_error(NDW_E_INVALID, "an array of %d dimensions is not supported (0..%d)",
                         d->ndim, NDW_MAX_DIM + 1);
  if (d->itemsize == 0 || d->itemsize > limit)
    return ndw_set_error(NDW_E_INVALID, "invalid item size %zu", d->itemsize);
  if (d->data == NULL)
    return ndw_set_error(NDW_E_INVALID, "NULL buffer");
  extent = d->itemsize;
  for (int i = 0; i < d->ndim; ++i) {
    uint64_t n, step;
    if (d->shape[i] < 0)
      return ndw_set_error(NDW_E_INVALID, "shape[%d] = %lld is negative", i,
                           (long long)d->shape[i]);
    if (d->shape[i] <= 1) continue;
    n = (uint64_t)d->shape[i] - 1;
    step = d->strides[i] < 0 ? 0 - (uint64_t)d->strides[i] : (uint64_t)d->strides[i];
#if defined(__GNUC__) || defined(__clang__)
    /* no division: every array -> image view runs this (issue 16) */
    if (__builtin_mul_overflow(n, step, &step) || step > limit - extent)
#else
    if (step > limit / n || (step *= n) > limit - extent)
#endif
      return ndw_set_error(NDW_E_INVALID, "the buffer's byte extent overflows (axis %d)", i);
    extent += step;
  }
  return NDW_OK;
}

static ndw_status ndw_check_rank(const ndw_buffer_desc *d) { return ndw_buffer_check(d); }

static ndw_status ndw_check_format(const ndw_buffer_desc *d, ndw_pixel_type want) {
  ndw_pixel_type got;
  int native;
  const ndw_pixel_info *info = ndw_pixel_type_info(want);
  if (ndw_buffer_parse_format(d->format, d->itemsize, &got, &native) != NDW_OK)
    return NDW_E_TYPE;
  if (got != want)
    return ndw_set_error(NDW_E_TYPE, "buffer of '%s' (%s) cannot be viewed as pixels of '%s' (%s)",
                         ndw_pixel_type_info(got)->numpy, ndw_pixel_type_info(got)->code,
                         info->numpy, info->code);
  if (!native)
    return ndw_set_error(NDW_E_TYPE, "buffer format '%s' has non-native byte order", d->format);
  if (!ndw_is_aligned(d, ndw_alignment(info)))
    return ndw_set_error(NDW_E_TYPE, "buffer is not aligned for '%s'", info->numpy);
  return NDW_OK;
}

ndw_status ndw_image_view_buffer(ndw_image *im, const ndw_buffer_desc *d, int is_vector,
                                 ndw_release_fn release, void *context) {
  unsigned dim = ndw_image_dimension(im);
  int vector = ndw_image_is_vector(im);
  int comp_axis = vector || is_vector;
  uint64_t size[NDW_MAX_DIM];
  ptrdiff_t strides[NDW_MAX_DIM], cstride = 0;
  int64_t ncomp = 1;
  ndw_status st;
  if ((st = ndw_check_rank(d)) != NDW_OK ||
      (st = ndw_check_format(d, ndw_image_pixel_type(im))) != NDW_OK)
    goto fail;
  if (comp_axis && d->ndim < 2) {
    st = ndw_set_error(NDW_E_INVALID,
                       "an array of %d dimension(s) has no room for a component axis "
                       "(is_vector needs at least 2)", d->ndim);
    goto fail;
  }
  if (d->ndim != (int)dim + comp_axis) {
    st = ndw_set_error(NDW_E_INVALID,
                       "a %u-d %simage needs an array of %u dimensions, not %d", dim,
                       comp_axis ? "vector " : "", dim + comp_axis, d->ndim);
    goto fail;
  }
  if (comp_axis) {
    ncomp = d->shape[dim];
    if (ncomp == 0) {
      st = ndw_set_error(NDW_E_INVALID, "a pixel needs at least one component "
                                        "(the component axis has length 0)");
      goto fail;
    }
    cstride = d->strides[dim];
    if (!vector && ncomp != 1) {
      st = ndw_set_error(NDW_E_INVALID,
                         "a scalar image cannot hold %lld components per pixel; "
                         "use a VectorImage", (long long)ncomp);
      goto fail;
    }
    /* ndw_image_wrap reads a component stride of 0 as "the component size" */
    if (ncomp > 1 && cstride == 0) {
      st = ndw_set_error(NDW_E_TYPE, "cannot view a component axis of stride 0 "
                                     "(a broadcast array); copy it first");
      goto fail;
    }
    if (ncomp > UINT32_MAX) {
      st = ndw_set_error(NDW_E_INVALID, "too many components (%lld)", (long long)ncomp);
      goto fail;
    }
  }
  for (unsigned i = 0; i < dim; ++i) {
    size[i] = (uint64_t)d->shape[dim - 1 - i];
    strides[i] = d->strides[dim - 1 - i];
  }
  /* components + region + memory in one pass (it releases on failure) */
  return ndw_image_wrap_region(im, size, (unsigned)ncomp, d->data, strides, cstride,
                               d->readonly, release, context);
fail:
  if (release) release(context);
  return st;
}

ndw_status ndw_vnl_describe_buffer(const ndw_vnl *v, ndw_buffer_desc *out) {
  const ndw_pixel_info *info = ndw_pixel_type_info(ndw_vnl_pixel_type(v));
  memset(out, 0, sizeof *out);
  out->data = ndw_vnl_data(v);
  out->itemsize = info->size;
  out->format = info->format;
  out->readonly = ndw_vnl_is_readonly(v);
  out->shape[0] = (int64_t)ndw_vnl_rows(v);
  if (ndw_vnl_is_matrix(v)) {
    out->ndim = 2;
    out->shape[1] = (int64_t)ndw_vnl_cols(v);
    out->strides[1] = (ptrdiff_t)info->size;
    out->strides[0] = (ptrdiff_t)(info->size * ndw_vnl_cols(v));
  } else {
    out->ndim = 1;
    out->strides[0] = (ptrdiff_t)info->size;
  }
  return NDW_OK;
}

ndw_status ndw_vnl_view_buffer(ndw_vnl *v, const ndw_buffer_desc *d, ndw_vnl_release_fn release,
                               void *context) {
  int want = ndw_vnl_is_matrix(v) ? 2 : 1;
  ndw_status st;
  ptrdiff_t step = (ptrdiff_t)d->itemsize;
  uint64_t dims[2], bytes;
  if ((st = ndw_check_rank(d)) != NDW_OK ||
      (st = ndw_check_format(d, ndw_vnl_pixel_type(v))) != NDW_OK)
    goto fail;
  if (d->ndim != want) {
    st = ndw_set_error(NDW_E_INVALID, "a vnl_%s needs an array of %d dimension(s), not %d",
                       want == 2 ? "matrix" : "vector", want, d->ndim);
    goto fail;
  }
  for (int i = 0; i < d->ndim; ++i) dims[i] = (uint64_t)d->shape[i];
  /* bound the byte count first, so that the stride walk cannot overflow */
  if ((st = ndw_checked_count(dims, (unsigned)d->ndim, d->itemsize, &bytes)) != NDW_OK) goto fail;
  for (int i = d->ndim - 1; i >= 0; --i) {
    if (d->shape[i] > 1 && d->strides[i] != step) {
      st = ndw_set_error(NDW_E_TYPE,
                         "vnl data must be C-contiguous; the array is strided on axis %d", i);
      goto fail;
    }
    step *= (ptrdiff_t)d->shape[i];
  }
  return ndw_vnl_wrap(v, d->data, (uint64_t)d->shape[0], want == 2 ? (uint64_t)d->shape[1] : 1,
                      d->readonly, release, context);
fail:
  if (release) release(context);
  return st;
}
