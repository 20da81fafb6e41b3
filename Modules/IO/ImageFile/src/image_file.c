/* ndwrap IOImageFile: what the image file formats share (see
 * ndw/image_file.h): bounded data reads (raw, zlib, gzip), data-file paths
 * confined to the header's folder, mmap, writing, and the dispatch over the
 * enabled formats. */
#if !defined(_WIN32)
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* MAP_NORESERVE */
#endif
#include "ndw/image_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#ifdef NDW_HAVE_MODULE_IOMetaImage
#include "ndw/metaimage.h"
#endif
#ifdef NDW_HAVE_MODULE_IONRRD
#include "ndw/nrrd.h"
#endif

/* Inflate can expand its input at most 1032 times (zlib's deflate limit). */
#define NDW_INFLATE_MAX_RATIO 1032u
#define NDW_IO_CHUNK ((size_t)1 << 16)
/* Growing buffers (sizes unknown) start here and double. */
#define NDW_GROW_START ((size_t)1 << 20)
/* ndwrap's writers align local raw data to this many bytes (for mmap). */
#define NDW_DATA_ALIGN 64u

/* ---- small shared helpers ------------------------------------------------ */

ndw_status ndw_image_file_data_bytes(const ndw_image_file_info *info, uint64_t *bytes) {
  size_t item = ndw_pixel_type_size(info->type);
  if (item == 0) return ndw_set_error(NDW_E_FORMAT, "unknown pixel type in the header");
  if (info->dim < 1 || info->dim > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_FORMAT, "image dimension %u is not in 1..%d", info->dim, NDW_MAX_DIM);
  if (info->components < 1 || info->components > 65535u)
    return ndw_set_error(NDW_E_FORMAT, "%u components per pixel is not in 1..65535", info->components);
  if (ndw_checked_count(info->size, info->dim, (uint64_t)info->components * item, bytes) != NDW_OK)
    return ndw_set_error(NDW_E_FORMAT, "the image size in the header overflows: %s", ndw_last_error());
  return NDW_OK;
}

unsigned ndw_image_file_count_words(const char *text) {
  unsigned n = 0;
  int in = 0;
  for (; *text; ++text) {
    int blank = *text == ' ' || *text == '\t';
    if (!blank && !in) ++n;
    in = !blank;
  }
  return n;
}

ndw_status ndw_image_file_parse_doubles(const char *text, unsigned n, double *out, const char *what) {
  const char *p = text;
  for (unsigned i = 0; i < n; ++i) {
    char *end;
    while (*p == ' ' || *p == '\t' || *p == ',') ++p;
    errno = 0;
    out[i] = strtod(p, &end);
    if (end == p || errno == ERANGE)
      return ndw_set_error(NDW_E_FORMAT, "%s: expected %u numbers in '%.80s'", what, n, text);
    p = end;
  }
  while (*p == ' ' || *p == '\t' || *p == ',') ++p;
  if (*p != '\0')
    return ndw_set_error(NDW_E_FORMAT, "%s: expected %u numbers in '%.80s'", what, n, text);
  return NDW_OK;
}

ndw_status ndw_image_file_parse_u64s(const char *text, unsigned n, uint64_t *out, const char *what) {
  const char *p = text;
  for (unsigned i = 0; i < n; ++i) {
    char *end;
    while (*p == ' ' || *p == '\t') ++p;
    if (*p < '0' || *p > '9')
      return ndw_set_error(NDW_E_FORMAT, "%s: expected %u non-negative integers in '%.80s'", what, n,
                           text);
    errno = 0;
    out[i] = (uint64_t)strtoull(p, &end, 10);
    if (end == p || errno == ERANGE)
      return ndw_set_error(NDW_E_FORMAT, "%s: number out of range in '%.80s'", what, text);
    p = end;
  }
  while (*p == ' ' || *p == '\t') ++p;
  if (*p != '\0')
    return ndw_set_error(NDW_E_FORMAT, "%s: expected %u integers in '%.80s'", what, n, text);
  return NDW_OK;
}

void ndw_image_file_format_double(double v, char *out, size_t cap) {
  for (int prec = 6; prec <= 17; ++prec) {
    snprintf(out, cap, "%.*g", prec, v);
    if (strtod(out, NULL) == v) return;
  }
}

ndw_status ndw_header_text_init(ndw_header_text *t) {
  t->cap = 16384;
  t->len = 0;
  t->p = (char *)malloc(t->cap);
  return t->p ? NDW_OK : ndw_set_error(NDW_E_NOMEM, "out of memory");
}

void ndw_header_text_add(ndw_header_text *t, const char *fmt, ...) {
  va_list ap;
  int n;
  if (t->len >= t->cap) return;
  va_start(ap, fmt);
  n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
  va_end(ap);
  t->len = n < 0 ? t->cap : t->len + (size_t)n;
}

void ndw_header_text_add_doubles(ndw_header_text *t, const char *before, const char *sep,
                                 const double *v, unsigned n, const char *after) {
  char num[40];
  ndw_header_text_add(t, "%s", before);
  for (unsigned i = 0; i < n; ++i) {
    ndw_image_file_format_double(v[i], num, sizeof num);
    ndw_header_text_add(t, "%s%s", i ? sep : "", num);
  }
  ndw_header_text_add(t, "%s", after);
}

void ndw_header_text_pad_line(ndw_header_text *t, const char *key, size_t tail, unsigned align) {
  if (align == 0) return;
  size_t base = t->len + strlen(key) + 1 + tail; /* key, blanks, "\n", then the tail */
  size_t pad = (align - base % align) % align;
  ndw_header_text_add(t, "%s%*s\n", key, (int)pad, "");
}

ndw_status ndw_header_text_finish(ndw_header_text *t, const char *format, char **text,
                                  size_t *len) {
  if (t->len >= t->cap) {
    free(t->p);
    t->p = NULL;
    return ndw_set_error(NDW_E_INVALID, "%s header too long", format);
  }
  *text = t->p;
  *len = t->len;
  return NDW_OK;
}

/* Determinant by Gaussian elimination with partial pivoting. */
static double ndw_det(const double *m, unsigned n) {
  double a[NDW_MAX_DIM * NDW_MAX_DIM], det = 1.0;
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

ndw_status ndw_image_file_check_geometry(const ndw_image_file_info *info) {
  unsigned d = info->dim;
  for (unsigned i = 0; i < d; ++i) {
    if (!isfinite(info->spacing[i]) || info->spacing[i] <= 0.0)
      return ndw_set_error(NDW_E_FORMAT, "spacing[%u] = %g must be finite and > 0", i, info->spacing[i]);
    if (!isfinite(info->origin[i]))
      return ndw_set_error(NDW_E_FORMAT, "origin[%u] is not finite", i);
  }
  for (unsigned i = 0; i < d * d; ++i)
    if (!isfinite(info->direction[i]))
      return ndw_set_error(NDW_E_FORMAT, "the direction matrix is not finite");
  if (!isfinite(ndw_det(info->direction, d)) || fabs(ndw_det(info->direction, d)) < 1e-12)
    return ndw_set_error(NDW_E_FORMAT, "the direction matrix is singular");
  return NDW_OK;
}

/* ---- format dispatch ------------------------------------------------------ */

ndw_status ndw_image_file_read_info(ndw_stream_reader *r, ndw_image_file_info *info) {
  char first[512];
  size_t len = 0;
  int at_end = 0;
  ndw_status st;
  if (r == NULL || info == NULL) return ndw_set_error(NDW_E_INVALID, "read_info: NULL argument");
  memset(info, 0, sizeof *info);
  st = ndw_stream_reader_line(r, first, sizeof first, &len, &at_end);
  if (st == NDW_E_FORMAT) return ndw_set_error(NDW_E_FORMAT, "not an image file: %s", ndw_last_error());
  if (st != NDW_OK) return st;
  if (at_end) return ndw_set_error(NDW_E_FORMAT, "not an image file: the stream is empty");
  if (strncmp(first, "NRRD000", 7) == 0) {
#ifdef NDW_HAVE_MODULE_IONRRD
    return ndw_nrrd_parse(r, first, info);
#else
    return ndw_set_error(NDW_E_FORMAT, "a NRRD file, but Module_IONRRD is off in this build");
#endif
  }
#ifdef NDW_HAVE_MODULE_IOMetaImage
  return ndw_metaimage_parse(r, first, info);
#else
  return ndw_set_error(NDW_E_FORMAT, "not a NRRD file (MetaImage files would need Module_IOMetaImage, "
                                     "off in this build)");
#endif
}

static int ndw_ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  if (k > n) return 0;
  for (size_t i = 0; i < k; ++i) {
    char a = s[n - k + i], b = suffix[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

ndw_image_format ndw_image_format_from_path(const char *path, int *detached) {
  int det = 0;
  ndw_image_format f = NDW_FORMAT_UNKNOWN;
  if (path != NULL) {
    if (ndw_ends_with(path, ".mha")) f = NDW_FORMAT_METAIMAGE;
    else if (ndw_ends_with(path, ".mhd")) f = NDW_FORMAT_METAIMAGE, det = 1;
    else if (ndw_ends_with(path, ".nrrd")) f = NDW_FORMAT_NRRD;
    else if (ndw_ends_with(path, ".nhdr")) f = NDW_FORMAT_NRRD, det = 1;
  }
  if (detached) *detached = det;
  return f;
}

ndw_status ndw_image_file_data_name(const char *path, ndw_image_format format, int compress,
                                    char *out, size_t cap) {
  const char *base = strrchr(path, '/');
  const char *dot;
  size_t stem;
  base = base ? base + 1 : path;
  dot = strrchr(base, '.');
  stem = dot ? (size_t)(dot - base) : strlen(base);
  const char *ext = format == NDW_FORMAT_METAIMAGE ? (compress ? ".zraw" : ".raw")
                                                    : (compress ? ".raw.gz" : ".raw");
  if (stem == 0 || stem + strlen(ext) + 1 > cap || stem + strlen(ext) >= NDW_DATA_FILE_MAX)
    return ndw_set_error(NDW_E_INVALID, "cannot name a data file for '%.200s'", path);
  memcpy(out, base, stem);
  strcpy(out + stem, ext);
  return NDW_OK;
}

/* ---- reading pixel data ---------------------------------------------------- */

int ndw_image_file_can_read_as(const ndw_image_file_info *info, ndw_pixel_type type, int vector) {
  unsigned comps = info->components;
  if (ndw_pixel_type_info(type) == NULL) return 0;
  if (type == info->type) return vector ? 1 : comps == 1 && !info->is_vector;
  if (type == NDW_PIXEL_B && info->type == NDW_PIXEL_UC)
    return vector ? 1 : comps == 1 && !info->is_vector;
  if ((type == NDW_PIXEL_CF && info->type == NDW_PIXEL_F) ||
      (type == NDW_PIXEL_CD && info->type == NDW_PIXEL_D)) {
    if (comps % 2 != 0) return 0;
    return vector ? 1 : comps == 2;
  }
  return 0;
}

/* Is `rel` a plain relative path that stays inside its folder? */
static ndw_status ndw_check_data_name(const char *rel) {
  const char *p = rel;
  if (rel[0] == '\0') return ndw_set_error(NDW_E_FORMAT, "empty data file name");
  if (rel[0] == '/' || strchr(rel, '\\') != NULL || strchr(rel, ':') != NULL)
    return ndw_set_error(NDW_E_FORMAT,
                         "data file '%.200s' is not a relative path inside the header's folder", rel);
  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);
    if (n == 2 && p[0] == '.' && p[1] == '.')
      return ndw_set_error(NDW_E_FORMAT, "data file '%.200s' escapes the header's folder", rel);
    p += n + (slash ? 1 : 0);
  }
  return NDW_OK;
}

/* dir + "/" + rel into out, checked lexically and then against symbolic
 * links (the real path must stay under the real folder). */
static ndw_status ndw_data_path(const char *dir, const char *rel, char *out, size_t cap) {
  char real_dir[PATH_MAX], real_file[PATH_MAX];
  size_t nd;
  ndw_status st;
  if ((st = ndw_check_data_name(rel)) != NDW_OK) return st;
  if (dir == NULL)
    return ndw_set_error(NDW_E_FORMAT,
                         "the header names a data file ('%.200s'): read it from a path, not a stream",
                         rel);
  if (snprintf(out, cap, "%s/%s", dir[0] ? dir : ".", rel) >= (int)cap)
    return ndw_set_error(NDW_E_FORMAT, "data file path too long");
  if (realpath(dir[0] ? dir : ".", real_dir) == NULL)
    return ndw_set_os_error(errno, "%s: '%.200s'", strerror(errno), dir);
  if (realpath(out, real_file) == NULL)
    return ndw_set_os_error(errno, "data file: %s: '%.400s'", strerror(errno), out);
  nd = strlen(real_dir);
  if (strncmp(real_file, real_dir, nd) != 0 || (real_file[nd] != '/' && nd > 1))
    return ndw_set_error(NDW_E_FORMAT, "data file '%.200s' resolves outside the header's folder", rel);
  return NDW_OK;
}

static ndw_status ndw_truncated(uint64_t want, uint64_t have) {
  return ndw_set_error(NDW_E_FORMAT, "truncated data: the header describes %llu bytes of pixels, "
                                     "the file holds %llu", (unsigned long long)want,
                       (unsigned long long)have);
}

static void ndw_free_release(void *p) { free(p); }

/* Bytes the reader can still deliver, when its stream knows its size. */
static int ndw_reader_available(ndw_stream_reader *r, uint64_t *n) {
  uint64_t rest = 0;
  if (ndw_stream_remaining(r->stream, &rest) != NDW_OK) {
    ndw_clear_error();
    return 0;
  }
  *n = rest + (uint64_t)(r->len - r->pos);
  return 1;
}

/* The destination of pixel bytes: a buffer of the full size when the size
 * was checked up front, else one that grows with the bytes that arrive; it
 * becomes the image's memory at the end (freed with free()).  Plain malloc,
 * not ndw_image_allocate: its huge-page advice makes read(2) into fresh
 * memory about 2x slower on Linux (measured, benchmarks/RESULTS.md). */
typedef struct ndw_sink {
  ndw_image *image;
  uint64_t want;
  unsigned char *data;
  size_t cap;
} ndw_sink;

/* Make room for at least `need` bytes (need <= want). */
static ndw_status ndw_sink_reserve(ndw_sink *k, size_t need) {
  size_t cap;
  unsigned char *p;
  if (need <= k->cap) return NDW_OK;
  cap = k->cap ? k->cap : NDW_GROW_START;
  while (cap < need) cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
  if (cap > k->want || need == k->want) cap = (size_t)k->want;
  p = (unsigned char *)realloc(k->data, cap ? cap : 1);
  if (p == NULL) return ndw_set_error(NDW_E_NOMEM, "out of memory for %zu bytes of pixels", cap);
  k->data = p;
  k->cap = cap;
  return NDW_OK;
}

static ndw_status ndw_sink_open(ndw_sink *k, ndw_image *image, uint64_t want, int checked) {
  ndw_status st;
  memset(k, 0, sizeof *k);
  k->image = image;
  k->want = want;
  if (want > (uint64_t)PTRDIFF_MAX) return ndw_set_error(NDW_E_FORMAT, "image too large");
  /* `checked`: the stream can fill `want` bytes, so take them at once */
  if (checked && want > 0 && (st = ndw_sink_reserve(k, (size_t)want)) != NDW_OK) return st;
  return NDW_OK;
}

static ndw_status ndw_sink_close(ndw_sink *k) {
  ptrdiff_t strides[NDW_MAX_DIM], step;
  ndw_image *im = k->image;
  unsigned d = ndw_image_dimension(im);
  ndw_status st;
  uint64_t size[NDW_MAX_DIM];
  if (k->data == NULL && (st = ndw_sink_reserve(k, 1)) != NDW_OK) return st;
  ndw_image_get_size(im, size);
  step = (ptrdiff_t)(ndw_pixel_type_size(ndw_image_pixel_type(im)) * ndw_image_components(im));
  for (unsigned i = 0; i < d; ++i) {
    strides[i] = step;
    step *= (ptrdiff_t)size[i];
  }
  st = ndw_image_wrap(im, k->data, strides, 0, 0, ndw_free_release, k->data);
  k->data = NULL; /* owned by the image now (or released on failure) */
  return st;
}

static void ndw_sink_abort(ndw_sink *k) {
  free(k->data);
  k->data = NULL;
}

static ndw_status ndw_read_raw(ndw_stream_reader *r, ndw_sink *k) {
  uint64_t have = 0;
  ndw_status st;
  while (have < k->want) {
    size_t got = 0, ask;
    if ((st = ndw_sink_reserve(k, (size_t)(have + 1))) != NDW_OK) return st;
    ask = k->cap - (size_t)have;
    if ((st = ndw_stream_reader_read(r, k->data + have, ask, &got)) != NDW_OK) return st;
    have += got;
    if (got < ask) return ndw_truncated(k->want, have);
  }
  return NDW_OK;
}

/* Inflate (zlib or gzip, detected from the stream) until `want` bytes came
 * out; `in_limit` bounds the compressed bytes read (UINT64_MAX: none). */
static ndw_status ndw_read_inflate(ndw_stream_reader *r, ndw_sink *k, uint64_t in_limit) {
  z_stream z;
  unsigned char *in;
  uint64_t out = 0, in_used = 0;
  ndw_status st = NDW_OK;
  int zr;
  in = (unsigned char *)malloc(NDW_IO_CHUNK);
  if (in == NULL) return ndw_set_error(NDW_E_NOMEM, "out of memory for inflate");
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 15 + 32) != Z_OK) {
    free(in);
    return ndw_set_error(NDW_E_NOMEM, "inflateInit failed");
  }
  while (out < k->want) {
    if (z.avail_in == 0) {
      size_t got = 0, ask = NDW_IO_CHUNK;
      if (in_limit - in_used < ask) ask = (size_t)(in_limit - in_used);
      if (ask > 0 && (st = ndw_stream_reader_read(r, in, ask, &got)) != NDW_OK) break;
      if (got == 0) {
        st = ndw_set_error(NDW_E_FORMAT, "truncated compressed data: %llu of %llu bytes of pixels "
                                         "inflated when the input ended",
                           (unsigned long long)out, (unsigned long long)k->want);
        break;
      }
      in_used += got;
      z.next_in = in;
      z.avail_in = (uInt)got;
    }
    /* the output is bounded before each step: never past `want` */
    if ((st = ndw_sink_reserve(k, (size_t)(out + 1))) != NDW_OK) break;
    {
      size_t room = k->cap - (size_t)out;
      if (room > (size_t)UINT_MAX) room = UINT_MAX;
      z.next_out = k->data + out;
      z.avail_out = (uInt)room;
      zr = inflate(&z, Z_NO_FLUSH);
      out += room - z.avail_out;
    }
    if (zr == Z_STREAM_END && out < k->want) {
      st = ndw_set_error(NDW_E_FORMAT, "the compressed data holds %llu bytes; the header describes %llu",
                         (unsigned long long)out, (unsigned long long)k->want);
      break;
    }
    if (zr == Z_NEED_DICT || zr == Z_DATA_ERROR) {
      st = ndw_set_error(NDW_E_FORMAT, "corrupt compressed data: %s", z.msg ? z.msg : "inflate failed");
      break;
    }
    if (zr == Z_MEM_ERROR) {
      st = ndw_set_error(NDW_E_NOMEM, "out of memory in inflate");
      break;
    }
  }
  inflateEnd(&z);
  free(in);
  return st;
}

/* In-place byte swap of `n` items of `size` bytes. */
static void ndw_swap_bytes(unsigned char *p, uint64_t n, size_t size) {
  if (size < 2) return;
  for (uint64_t i = 0; i < n; ++i, p += size)
    for (size_t a = 0, b = size - 1; a < b; ++a, --b) {
      unsigned char t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
}

static int ndw_host_big_endian(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 0;
}

/* Region, components and geometry of `image` from the header. */
static ndw_status ndw_image_file_setup(const ndw_image_file_info *info, ndw_image *image) {
  ndw_pixel_type t = ndw_image_pixel_type(image);
  int vector = ndw_image_is_vector(image);
  ndw_status st;
  if (!ndw_image_file_can_read_as(info, t, vector))
    return ndw_set_error(NDW_E_TYPE, "the file holds %u x %s per pixel; it cannot be read into a %s "
                         "image of %s", info->components, ndw_pixel_type_info(info->type)->code,
                         vector ? "vector" : "scalar", ndw_pixel_type_info(t)->code);
  if (ndw_image_dimension(image) != info->dim)
    return ndw_set_error(NDW_E_TYPE, "the file is %u-D; the image is %u-D", info->dim,
                         ndw_image_dimension(image));
  if ((st = ndw_image_file_check_geometry(info)) != NDW_OK) return st;
  if ((st = ndw_image_set_regions(image, NULL, info->size)) != NDW_OK) return st;
  if (vector) {
    unsigned c = (t == NDW_PIXEL_CF || t == NDW_PIXEL_CD) && t != info->type ? info->components / 2
                                                                            : info->components;
    if ((st = ndw_image_set_components(image, c)) != NDW_OK) return st;
  }
  if ((st = ndw_image_set_spacing(image, info->spacing)) != NDW_OK ||
      (st = ndw_image_set_origin(image, info->origin)) != NDW_OK ||
      (st = ndw_image_set_direction(image, info->direction)) != NDW_OK)
    return ndw_set_error(NDW_E_FORMAT, "bad geometry in the header: %s", ndw_last_error());
  return NDW_OK;
}

/* Skip `n` lines of the data file (NRRD line skip). */
static ndw_status ndw_skip_lines(ndw_stream_reader *r, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    int at_end = 0;
    for (;;) {
      unsigned char c;
      size_t got = 0;
      ndw_status st = ndw_stream_reader_read(r, &c, 1, &got);
      if (st != NDW_OK) return st;
      if (got == 0) {
        at_end = 1;
        break;
      }
      if (c == '\n') break;
    }
    if (at_end) return ndw_set_error(NDW_E_FORMAT, "line skip %llu passes the end of the data file",
                                     (unsigned long long)n);
  }
  return NDW_OK;
}

/* Skip `n` bytes through the reader (seeking when it can). */
static ndw_status ndw_skip_bytes(ndw_stream_reader *r, uint64_t n) {
  unsigned char tmp[4096];
  uint64_t avail;
  if (ndw_reader_available(r, &avail) && n > avail)
    return ndw_set_error(NDW_E_FORMAT, "byte skip %llu passes the end of the data file",
                         (unsigned long long)n);
  while (n > 0) {
    size_t got = 0, ask = n < sizeof tmp ? (size_t)n : sizeof tmp;
    ndw_status st = ndw_stream_reader_read(r, tmp, ask, &got);
    if (st != NDW_OK) return st;
    if (got < ask) return ndw_set_error(NDW_E_FORMAT, "byte skip passes the end of the data file");
    n -= got;
  }
  return NDW_OK;
}

ndw_status ndw_image_file_read_data(ndw_stream_reader *r, const ndw_image_file_info *info,
                                    const char *dir, ndw_image *image) {
  uint64_t want, avail = 0;
  int known;
  ndw_stream *file = NULL;
  ndw_stream_reader *fr = NULL, *src = r;
  ndw_sink sink;
  ndw_status st;
  char path[PATH_MAX];
  memset(&sink, 0, sizeof sink);
  if (r == NULL || info == NULL || image == NULL)
    return ndw_set_error(NDW_E_INVALID, "read_data: NULL argument");
  if ((st = ndw_image_file_data_bytes(info, &want)) != NDW_OK) return st;
  if ((st = ndw_image_file_setup(info, image)) != NDW_OK) return st;
  if (info->data_file[0] != '\0') {
    if ((st = ndw_data_path(dir, info->data_file, path, sizeof path)) != NDW_OK) return st;
    if ((st = ndw_file_stream_open(path, "rb", &file)) != NDW_OK) return st;
    fr = (ndw_stream_reader *)malloc(sizeof *fr);
    if (fr == NULL) {
      st = ndw_set_error(NDW_E_NOMEM, "out of memory");
      goto done;
    }
    ndw_stream_reader_init(fr, file);
    src = fr;
    if (info->skip_to_end) {
      uint64_t total = 0;
      if (info->encoding != NDW_ENCODING_RAW) {
        st = ndw_set_error(NDW_E_FORMAT, "byte skip -1 is only defined for raw data");
        goto done;
      }
      if ((st = ndw_stream_remaining(file, &total)) != NDW_OK) goto done;
      if (total < want) {
        st = ndw_truncated(want, total);
        goto done;
      }
      if ((st = ndw_stream_seek(file, (int64_t)(total - want), NDW_SEEK_SET, NULL)) != NDW_OK) goto done;
    } else {
      if ((st = ndw_skip_lines(src, info->line_skip)) != NDW_OK) goto done;
      if ((st = ndw_skip_bytes(src, info->byte_skip)) != NDW_OK) goto done;
    }
  }
  known = ndw_reader_available(src, &avail);
  if (info->encoding == NDW_ENCODING_RAW) {
    /* never allocate more than the stream can fill */
    if (known && avail < want) {
      st = ndw_truncated(want, avail);
      goto done;
    }
    if ((st = ndw_sink_open(&sink, image, want, known)) != NDW_OK) goto done;
    if ((st = ndw_read_raw(src, &sink)) != NDW_OK) goto done;
  } else {
    uint64_t in_limit = UINT64_MAX;
    int bounded = 0;
    if (info->compressed_size > 0) in_limit = info->compressed_size;
    if (known && avail < in_limit) in_limit = avail;
    if (in_limit != UINT64_MAX) {
      uint64_t max_out = in_limit > UINT64_MAX / NDW_INFLATE_MAX_RATIO
                             ? UINT64_MAX
                             : in_limit * NDW_INFLATE_MAX_RATIO + 1024u;
      if (want > max_out) {
        st = ndw_set_error(NDW_E_FORMAT, "the header describes %llu bytes of pixels; %llu bytes of "
                           "compressed data can hold at most %llu", (unsigned long long)want,
                           (unsigned long long)in_limit, (unsigned long long)max_out);
        goto done;
      }
      bounded = 1;
    }
    if ((st = ndw_sink_open(&sink, image, want, bounded)) != NDW_OK) goto done;
    if ((st = ndw_read_inflate(src, &sink, in_limit)) != NDW_OK) goto done;
  }
  {
    unsigned char *p = sink.data;
    size_t tsize = ndw_pixel_type_size(info->type);
    if (info->big_endian != ndw_host_big_endian()) ndw_swap_bytes(p, want / tsize, tsize);
    if (ndw_image_pixel_type(image) == NDW_PIXEL_B)
      for (uint64_t i = 0; i < want; ++i) p[i] = p[i] != 0;
  }
  st = ndw_sink_close(&sink);
done:
  if (st != NDW_OK) ndw_sink_abort(&sink); /* the image stays unallocated */
  if (file != NULL) ndw_stream_free(file);
  free(fr);
  if (st == NDW_OK && info->data_file[0] == '\0') st = ndw_stream_reader_finish(r);
  return st;
}

/* ---- mmap ------------------------------------------------------------------- */

typedef struct ndw_mapping {
  void *base;
  size_t length;
} ndw_mapping;

static void ndw_unmap(void *ctx) {
  ndw_mapping *m = (ndw_mapping *)ctx;
  munmap(m->base, m->length);
  free(m);
}

ndw_status ndw_image_file_map(const char *path, const ndw_image_file_info *info, int copy_on_write,
                              ndw_image *image) {
  char dir[PATH_MAX], data_path[PATH_MAX];
  const char *file_path = path;
  uint64_t want, offset = 0, fsize;
  ndw_status st;
  struct stat sb;
  int fd;
  long page;
  uint64_t aligned;
  size_t length;
  void *base;
  ndw_mapping *m;
  ptrdiff_t strides[NDW_MAX_DIM], step;
  size_t item;
  if (path == NULL || info == NULL || image == NULL)
    return ndw_set_error(NDW_E_INVALID, "map: NULL argument");
  if (info->encoding != NDW_ENCODING_RAW)
    return ndw_set_error(NDW_E_FORMAT, "mmap needs uncompressed data; this file is compressed");
  if (info->big_endian != ndw_host_big_endian())
    return ndw_set_error(NDW_E_FORMAT, "mmap needs data in the machine's byte order");
  /* the file's bytes as they are: its own type, or complex pairs; never the
   * bool reading of unsigned char (that needs 0/1 normalisation) */
  if (!ndw_image_file_can_read_as(info, ndw_image_pixel_type(image), ndw_image_is_vector(image)) ||
      (ndw_image_pixel_type(image) == NDW_PIXEL_B && info->type != NDW_PIXEL_B))
    return ndw_set_error(NDW_E_TYPE, "mmap shows the file's own pixel type (%s) only",
                         ndw_pixel_type_info(info->type)->code);
  if ((st = ndw_image_file_data_bytes(info, &want)) != NDW_OK) return st;
  if ((st = ndw_image_file_setup(info, image)) != NDW_OK) return st;
  if (info->data_file[0] != '\0') {
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof dir) return ndw_set_error(NDW_E_INVALID, "path too long");
    memcpy(dir, path, n);
    dir[n] = '\0';
    if (slash == path) strcpy(dir, "/");
    if ((st = ndw_data_path(slash ? dir : ".", info->data_file, data_path, sizeof data_path)) != NDW_OK)
      return st;
    file_path = data_path;
    if (info->line_skip > 0)
      return ndw_set_error(NDW_E_FORMAT, "mmap does not support line skip; read without mmap");
    offset = info->byte_skip;
  } else {
    offset = info->header_bytes;
  }
  do {
    fd = open(file_path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return ndw_set_os_error(errno, "%s: '%.400s'", strerror(errno), file_path);
  if (fstat(fd, &sb) != 0) {
    st = ndw_set_os_error(errno, "%s: '%.400s'", strerror(errno), file_path);
    close(fd);
    return st;
  }
  fsize = (uint64_t)sb.st_size;
  if (info->skip_to_end) {
    if (fsize < want) {
      close(fd);
      return ndw_truncated(want, fsize);
    }
    offset = fsize - want;
  }
  if (offset > fsize || fsize - offset < want) {
    close(fd);
    return ndw_truncated(want, offset > fsize ? 0 : fsize - offset);
  }
  item = ndw_pixel_type_size(info->type);
  if (item > 1 && offset % (item > 8 ? 8 : item) != 0) {
    close(fd);
    return ndw_set_error(NDW_E_FORMAT, "mmap: the pixel data starts at byte %llu, not aligned for "
                         "%zu-byte values; read without mmap (files ndwrap writes are aligned)",
                         (unsigned long long)offset, item);
  }
  page = sysconf(_SC_PAGESIZE);
  if (page <= 0) page = 4096;
  aligned = offset - offset % (uint64_t)page;
  if (want + (offset - aligned) > (uint64_t)SIZE_MAX) {
    close(fd);
    return ndw_set_error(NDW_E_FORMAT, "mmap: the data is too large for this address space");
  }
  length = (size_t)(want + (offset - aligned));
  if (length == 0) length = 1;
  base = mmap(NULL, length, copy_on_write ? PROT_READ | PROT_WRITE : PROT_READ,
              MAP_PRIVATE | (copy_on_write ? MAP_NORESERVE : 0), fd, (off_t)aligned);
  close(fd); /* the mapping keeps the file */
  if (base == MAP_FAILED) return ndw_set_os_error(errno, "mmap failed: %s", strerror(errno));
  m = (ndw_mapping *)malloc(sizeof *m);
  if (m == NULL) {
    munmap(base, length);
    return ndw_set_error(NDW_E_NOMEM, "out of memory");
  }
  m->base = base;
  m->length = length;
  step = (ptrdiff_t)(ndw_pixel_type_size(ndw_image_pixel_type(image)) * ndw_image_components(image));
  for (unsigned i = 0; i < info->dim; ++i) {
    strides[i] = step;
    step *= (ptrdiff_t)info->size[i];
  }
  return ndw_image_wrap(image, (char *)base + (offset - aligned), strides, 0, !copy_on_write,
                        ndw_unmap, m);
}

/* ---- writing ------------------------------------------------------------------ */

/* Deflate `n` bytes to `out` (gzip wrapper when `gzip`, else zlib), in chunks. */
static ndw_status ndw_deflate_to(ndw_stream *out, const unsigned char *p, uint64_t n, int gzip,
                                 uint64_t *written) {
  z_stream z;
  unsigned char *buf;
  ndw_status st = NDW_OK;
  int zr, flush;
  uint64_t done = 0;
  *written = 0;
  buf = (unsigned char *)malloc(NDW_IO_CHUNK);
  if (buf == NULL) return ndw_set_error(NDW_E_NOMEM, "out of memory for deflate");
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip ? 15 + 16 : 15, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    free(buf);
    return ndw_set_error(NDW_E_NOMEM, "deflateInit failed");
  }
  do {
    uint64_t left = n - done;
    z.next_in = (unsigned char *)(uintptr_t)(p + done);
    z.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
    done += z.avail_in;
    flush = done == n ? Z_FINISH : Z_NO_FLUSH;
    do {
      size_t have;
      z.next_out = buf;
      z.avail_out = (uInt)NDW_IO_CHUNK;
      zr = deflate(&z, flush);
      if (zr == Z_STREAM_ERROR) {
        st = ndw_set_error(NDW_E_STATE, "deflate failed");
        goto out;
      }
      have = NDW_IO_CHUNK - z.avail_out;
      if (have && (st = ndw_stream_write_all(out, buf, have)) != NDW_OK) goto out;
      *written += have;
    } while (z.avail_out == 0);
  } while (flush != Z_FINISH);
out:
  deflateEnd(&z);
  free(buf);
  return st;
}

ndw_status ndw_image_file_write(ndw_stream *header, ndw_stream *data, const char *data_file,
                                const ndw_image *image, ndw_image_format format, int compress) {
  ndw_image *copy = NULL;
  const unsigned char *bytes;
  uint64_t nbytes, csize = 0, wrote = 0;
  ndw_stream *mem = NULL;
  ndw_status st;
  char *text = NULL;
  size_t text_len = 0;
  uint64_t size[NDW_MAX_DIM];
  if (header == NULL || image == NULL) return ndw_set_error(NDW_E_INVALID, "write: NULL argument");
  if (data == NULL) data = header;
  if (!ndw_image_is_allocated(image)) return ndw_set_error(NDW_E_STATE, "write: the image is not allocated");
  ndw_image_get_size(image, size);
  if ((st = ndw_checked_count(size, ndw_image_dimension(image),
                              (uint64_t)ndw_pixel_type_size(ndw_image_pixel_type(image)) *
                                  ndw_image_components(image),
                              &nbytes)) != NDW_OK)
    return st;
  if (ndw_image_is_contiguous(image)) {
    bytes = (const unsigned char *)ndw_image_buffer(image);
  } else {
    if ((st = ndw_image_duplicate(image, &copy)) != NDW_OK) return st;
    bytes = (const unsigned char *)ndw_image_buffer(copy);
  }
  if (compress && format == NDW_FORMAT_METAIMAGE) {
    /* the header states the compressed size: compress first, into memory */
    const void *cdata;
    size_t clen;
    if ((st = ndw_memory_stream_new(NULL, 0, &mem)) != NDW_OK) goto done;
    if ((st = ndw_deflate_to(mem, bytes, nbytes, 0, &csize)) != NDW_OK) goto done;
    if ((st = ndw_memory_stream_data(mem, &cdata, &clen)) != NDW_OK) goto done;
    (void)clen;
  }
  switch (format) {
#ifdef NDW_HAVE_MODULE_IOMetaImage
  case NDW_FORMAT_METAIMAGE:
    st = ndw_metaimage_format_header(image, data_file, compress, csize,
                                     data_file == NULL && !compress ? NDW_DATA_ALIGN : 0, &text,
                                     &text_len);
    break;
#endif
#ifdef NDW_HAVE_MODULE_IONRRD
  case NDW_FORMAT_NRRD:
    st = ndw_nrrd_format_header(image, data_file, compress,
                                data_file == NULL && !compress ? NDW_DATA_ALIGN : 0, &text, &text_len);
    break;
#endif
  default:
    st = ndw_set_error(NDW_E_INVALID, "write: unknown or disabled file format %d", (int)format);
  }
  if (st != NDW_OK) goto done;
  if ((st = ndw_stream_write_all(header, text, text_len)) != NDW_OK) goto done;
  if (mem != NULL) {
    const void *cdata;
    size_t clen;
    if ((st = ndw_memory_stream_data(mem, &cdata, &clen)) != NDW_OK) goto done;
    st = ndw_stream_write_all(data, cdata, clen);
  } else if (compress) {
    st = ndw_deflate_to(data, bytes, nbytes, 1, &wrote);
  } else {
    /* in steps, so that a huge image is not one giant call */
    uint64_t done_bytes = 0;
    while (st == NDW_OK && done_bytes < nbytes) {
      uint64_t step = nbytes - done_bytes > ((uint64_t)1 << 30) ? ((uint64_t)1 << 30) : nbytes - done_bytes;
      st = ndw_stream_write_all(data, bytes + done_bytes, (size_t)step);
      done_bytes += step;
    }
  }
  if (st == NDW_OK) st = ndw_stream_flush(data);
  if (st == NDW_OK && data != header) st = ndw_stream_flush(header);
done:
  free(text);
  ndw_stream_free(mem);
  if (copy != NULL) ndw_image_free(copy);
  return st;
}

/* ---- one-call forms over paths ---------------------------------------------------- */

static void ndw_dir_of(const char *path, char *dir, size_t cap) {
  const char *slash = strrchr(path, '/');
  size_t n = slash ? (size_t)(slash - path) : 0;
  if (slash == path) n = 1;
  if (n >= cap) n = cap - 1;
  memcpy(dir, path, n);
  dir[n] = '\0';
  if (!slash) strcpy(dir, ".");
}

ndw_status ndw_image_file_read(const char *path, ndw_image **out) {
  ndw_stream *s = NULL;
  ndw_stream_reader *r;
  ndw_image_file_info *info;
  ndw_image *im = NULL;
  ndw_status st;
  char dir[PATH_MAX];
  if (path == NULL || out == NULL) return ndw_set_error(NDW_E_INVALID, "read: NULL argument");
  *out = NULL;
  r = (ndw_stream_reader *)malloc(sizeof *r);
  info = (ndw_image_file_info *)malloc(sizeof *info);
  if (r == NULL || info == NULL) {
    free(r);
    free(info);
    return ndw_set_error(NDW_E_NOMEM, "out of memory");
  }
  if ((st = ndw_file_stream_open(path, "rb", &s)) != NDW_OK) goto done;
  ndw_stream_reader_init(r, s);
  if ((st = ndw_image_file_read_info(r, info)) != NDW_OK) goto done;
  {
    ndw_pixel_type t = info->is_complex && info->type == NDW_PIXEL_F   ? NDW_PIXEL_CF
                       : info->is_complex && info->type == NDW_PIXEL_D ? NDW_PIXEL_CD
                                                                       : info->type;
    int vector = info->is_complex ? info->components > 2 : info->is_vector || info->components > 1;
    if ((st = ndw_image_new(t, info->dim, vector, &im)) != NDW_OK) goto done;
  }
  ndw_dir_of(path, dir, sizeof dir);
  if ((st = ndw_image_file_read_data(r, info, dir, im)) != NDW_OK) goto done;
  *out = im;
  im = NULL;
done:
  if (im != NULL) ndw_image_free(im);
  ndw_stream_free(s);
  free(r);
  free(info);
  return st;
}

ndw_status ndw_image_file_write_path(const char *path, const ndw_image *image, int compress) {
  int detached = 0;
  ndw_image_format f = ndw_image_format_from_path(path, &detached);
  ndw_stream *h = NULL, *d = NULL;
  ndw_status st, st2;
  char name[NDW_DATA_FILE_MAX], dir[PATH_MAX], data_path[PATH_MAX];
  if (path == NULL || image == NULL) return ndw_set_error(NDW_E_INVALID, "write: NULL argument");
  if (f == NDW_FORMAT_UNKNOWN)
    return ndw_set_error(NDW_E_INVALID, "cannot tell the format of '%.200s' (use .mha, .mhd, .nrrd or .nhdr)",
                         path);
  if (detached) {
    if ((st = ndw_image_file_data_name(path, f, compress, name, sizeof name)) != NDW_OK) return st;
    ndw_dir_of(path, dir, sizeof dir);
    if (snprintf(data_path, sizeof data_path, "%s/%s", dir, name) >= (int)sizeof data_path)
      return ndw_set_error(NDW_E_INVALID, "path too long");
    if ((st = ndw_file_stream_open(data_path, "wb", &d)) != NDW_OK) return st;
  }
  if ((st = ndw_file_stream_open(path, "wb", &h)) != NDW_OK) {
    ndw_stream_free(d);
    return st;
  }
  st = ndw_image_file_write(h, d, detached ? name : NULL, image, f, compress);
  st2 = ndw_stream_close(h);
  if (st == NDW_OK) st = st2;
  if (d != NULL) {
    st2 = ndw_stream_close(d);
    if (st == NDW_OK) st = st2;
  }
  ndw_stream_free(h);
  ndw_stream_free(d);
  return st;
}
