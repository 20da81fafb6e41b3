/* ndwrap Common: errors, pixel-type lookups, checked arithmetic. */
#include "ndw/common.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char ndw_error_text[512];
static _Thread_local ndw_status ndw_error_status = NDW_OK;
static _Thread_local int ndw_error_errno = 0;

const char *ndw_last_error(void) { return ndw_error_text; }

ndw_status ndw_last_status(void) { return ndw_error_status; }

void ndw_clear_error(void) {
  ndw_error_text[0] = '\0';
  ndw_error_status = NDW_OK;
  ndw_error_errno = 0;
}

int ndw_last_os_error(void) { return ndw_error_errno; }

ndw_status ndw_set_os_error(int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ndw_error_text, sizeof ndw_error_text, fmt, ap);
  va_end(ap);
  ndw_error_status = NDW_E_IO;
  ndw_error_errno = errnum;
  return NDW_E_IO;
}

ndw_status ndw_set_error(ndw_status status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ndw_error_text, sizeof ndw_error_text, fmt, ap);
  va_end(ap);
  ndw_error_status = status;
  ndw_error_errno = 0;
  return status;
}

const char *ndw_status_name(ndw_status status) {
  switch (status) {
  case NDW_OK: return "NDW_OK";
  case NDW_E_NOMEM: return "NDW_E_NOMEM";
  case NDW_E_INVALID: return "NDW_E_INVALID";
  case NDW_E_TYPE: return "NDW_E_TYPE";
  case NDW_E_RANGE: return "NDW_E_RANGE";
  case NDW_E_BUSY: return "NDW_E_BUSY";
  case NDW_E_READONLY: return "NDW_E_READONLY";
  case NDW_E_STATE: return "NDW_E_STATE";
  case NDW_E_IO: return "NDW_E_IO";
  case NDW_E_FORMAT: return "NDW_E_FORMAT";
  }
  return "NDW_E_UNKNOWN";
}

static const ndw_pixel_info ndw_pixel_infos[NDW_PIXEL_COUNT] = {
#define NDW_X_INFO(code, tok, ctype, fmt, kind, size, np, names) \
  {#code, #tok, fmt, #kind[0], size, np, names},
    NDW_PIXEL_TABLE(NDW_X_INFO)
#undef NDW_X_INFO
};

/* The table's size column must match the C type on this platform. */
#define NDW_X_CHECK(code, tok, ctype, fmt, kind, size, np, names) \
  _Static_assert(sizeof(ctype) == size, "pixel table: size of " #ctype);
NDW_PIXEL_TABLE(NDW_X_CHECK)
#undef NDW_X_CHECK

static const int ndw_pixel_wrapped[NDW_PIXEL_COUNT] = {
#define NDW_X_WRAPPED(code, tok, ctype, fmt, kind, size, np, names) NDW_WRAP_##code,
    NDW_PIXEL_TABLE(NDW_X_WRAPPED)
#undef NDW_X_WRAPPED
};

const ndw_pixel_info *ndw_pixel_type_info(ndw_pixel_type type) {
  if ((int)type < 0 || type >= NDW_PIXEL_COUNT) return NULL;
  return &ndw_pixel_infos[type];
}

size_t ndw_pixel_type_size(ndw_pixel_type type) {
  const ndw_pixel_info *info = ndw_pixel_type_info(type);
  return info ? info->size : 0;
}

int ndw_pixel_type_is_wrapped(ndw_pixel_type type) {
  if ((int)type < 0 || type >= NDW_PIXEL_COUNT) return 0;
  return ndw_pixel_wrapped[type];
}

int ndw_dim_is_wrapped(unsigned dim) {
#define NDW_X_DIM(D) if (dim == D) return 1;
  NDW_FOR_EACH_DIM(NDW_X_DIM)
#undef NDW_X_DIM
  return 0;
}

/* Copy `src` into `dst` with runs of white space folded to one blank and
 * leading/trailing blanks dropped; returns 0 when it does not fit. */
static int ndw_fold_space(const char *src, char *dst, size_t cap) {
  size_t n = 0;
  int pending = 0;
  for (; *src; ++src) {
    if (isspace((unsigned char)*src)) {
      pending = n > 0;
      continue;
    }
    /* no blank next to the punctuation of "std::complex<float>" */
    if (pending && strchr("<>:", *src) == NULL && (n == 0 || strchr("<>:", dst[n - 1]) == NULL)) {
      if (n + 1 >= cap) return 0;
      dst[n++] = ' ';
    }
    pending = 0;
    if (n + 1 >= cap) return 0;
    dst[n++] = *src;
  }
  dst[n] = '\0';
  return 1;
}

ndw_status ndw_pixel_type_from_name(const char *name, ndw_pixel_type *out) {
  char want[64];
  if (name == NULL || out == NULL)
    return ndw_set_error(NDW_E_INVALID, "ndw_pixel_type_from_name: NULL argument");
  if (!ndw_fold_space(name, want, sizeof want))
    return ndw_set_error(NDW_E_TYPE, "unknown pixel type name (too long)");
  for (int t = 0; t < NDW_PIXEL_COUNT; ++t) {
    const ndw_pixel_info *info = &ndw_pixel_infos[t];
    if (strcmp(want, info->code) == 0) {
      *out = (ndw_pixel_type)t;
      return NDW_OK;
    }
    const char *p = info->names;
    size_t len = strlen(want);
    while (*p) {
      const char *bar = strchr(p, '|');
      size_t n = bar ? (size_t)(bar - p) : strlen(p);
      if (n == len && strncmp(p, want, n) == 0) {
        *out = (ndw_pixel_type)t;
        return NDW_OK;
      }
      p += n + (bar ? 1 : 0);
    }
  }
  return ndw_set_error(NDW_E_TYPE, "unknown pixel type name '%s'", want);
}

ndw_status ndw_checked_count(const uint64_t *sizes, unsigned n, uint64_t unit,
                             uint64_t *out) {
  /* Keep every byte count and every stride representable as a ptrdiff_t.
   * An empty axis makes the product 0, but the other axes still give the
   * strides: bound the product of the non-zero sizes too, so that a region
   * such as (0, 2^62, 2^62) is refused rather than overflowing later. */
  const uint64_t limit = (uint64_t)PTRDIFF_MAX;
  uint64_t extent = unit;
  int empty = 0;
  if (unit == 0 || unit > limit)
    return ndw_set_error(NDW_E_INVALID, "invalid element size %llu",
                         (unsigned long long)unit);
  for (unsigned i = 0; i < n; ++i) {
    if (sizes[i] > limit)
      return ndw_set_error(NDW_E_INVALID, "size[%u] = %llu is too large", i,
                           (unsigned long long)sizes[i]);
    if (sizes[i] == 0) {
      empty = 1;
      continue;
    }
#if defined(__GNUC__) || defined(__clang__)
    /* no division: this runs for every view made (a few ns matter there) */
    if (__builtin_mul_overflow(extent, sizes[i], &extent) || extent > limit)
#else
    if (extent > limit / sizes[i] || (extent *= sizes[i]) > limit)
#endif
      return ndw_set_error(NDW_E_INVALID,
                           "size overflows: the buffer would exceed %llu bytes",
                           (unsigned long long)limit);
  }
  *out = empty ? 0 : extent;
  return NDW_OK;
}
