/* C tests of the image file modules (IOImageFile, IOMetaImage, IONRRD),
 * run under AddressSanitizer + UBSan by tests/run_all.sh: round trips in
 * memory and on disk, a table of bad headers and data, and a bounded,
 * deterministic mutation fuzz of valid files (no crash, no sanitizer
 * report, every failure a status). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndw/common.h"
#include "ndw_test.h"

#if defined(NDW_HAVE_MODULE_IOMetaImage) && defined(NDW_HAVE_MODULE_IONRRD)
#include "ndw/image_file.h"

/* A 3-D float image 5 x 4 x 3 with values i * 0.5 - 7 and a rotated,
 * scaled geometry. */
static ndw_image *sample_image(ndw_pixel_type type, int vector, unsigned comps) {
  ndw_image *im = NULL;
  const uint64_t size[3] = {5, 4, 3};
  const double spacing[3] = {0.5, 1.25, 3.0}, origin[3] = {-1.5, 2.0, 10.25};
  const double dir[9] = {0, 1, 0, -1, 0, 0, 0, 0, 1};
  size_t item = ndw_pixel_type_size(type);
  CHECK_OK(ndw_image_new(type, 3, vector, &im));
  if (im == NULL) return NULL;
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  if (vector) CHECK_OK(ndw_image_set_components(im, comps));
  CHECK_OK(ndw_image_set_spacing(im, spacing));
  CHECK_OK(ndw_image_set_origin(im, origin));
  CHECK_OK(ndw_image_set_direction(im, dir));
  CHECK_OK(ndw_image_allocate(im, 1));
  {
    unsigned char *p = (unsigned char *)ndw_image_buffer(im);
    size_t n = 60u * ndw_image_components(im) * item;
    for (size_t i = 0; i < n; ++i) p[i] = (unsigned char)(i * 37u + 11u);
    if (type == NDW_PIXEL_B)
      for (size_t i = 0; i < n; ++i) p[i] &= 1u;
    if (type == NDW_PIXEL_F || type == NDW_PIXEL_CF) /* keep floats finite and exact */
      for (size_t i = 0; i < n / 4; ++i) ((float *)p)[i] = (float)i * 0.5f - 7.0f;
    if (type == NDW_PIXEL_D || type == NDW_PIXEL_CD)
      for (size_t i = 0; i < n / 8; ++i) ((double *)p)[i] = (double)i * 0.25 - 3.0;
  }
  return im;
}

static int same_image(const ndw_image *a, const ndw_image *b) {
  double x[NDW_MAX_DIM * NDW_MAX_DIM], y[NDW_MAX_DIM * NDW_MAX_DIM];
  uint64_t sa[NDW_MAX_DIM], sb[NDW_MAX_DIM];
  size_t n;
  if (ndw_image_dimension(a) != ndw_image_dimension(b) ||
      ndw_image_components(a) != ndw_image_components(b))
    return 0;
  ndw_image_get_size(a, sa);
  ndw_image_get_size(b, sb);
  if (memcmp(sa, sb, ndw_image_dimension(a) * sizeof sa[0]) != 0) return 0;
  ndw_image_get_spacing(a, x);
  ndw_image_get_spacing(b, y);
  if (memcmp(x, y, 3 * sizeof x[0]) != 0) return 0;
  ndw_image_get_origin(a, x);
  ndw_image_get_origin(b, y);
  if (memcmp(x, y, 3 * sizeof x[0]) != 0) return 0;
  ndw_image_get_direction(a, x);
  ndw_image_get_direction(b, y);
  if (memcmp(x, y, 9 * sizeof x[0]) != 0) return 0;
  n = 60u * ndw_image_components(a) * ndw_pixel_type_size(ndw_image_pixel_type(a));
  return memcmp(ndw_image_buffer(a), ndw_image_buffer(b), n) == 0;
}

/* Read a whole file image from memory into a new image of (type, vector). */
static ndw_status read_memory(const void *bytes, size_t n, ndw_pixel_type type, int vector,
                              ndw_image **out) {
  ndw_stream *s = NULL;
  ndw_stream_reader *r = malloc(sizeof *r);
  ndw_image_file_info info;
  ndw_status st;
  *out = NULL;
  if (r == NULL) return NDW_E_NOMEM;
  if ((st = ndw_memory_stream_new(bytes, n, &s)) != NDW_OK) goto done;
  ndw_stream_reader_init(r, s);
  if ((st = ndw_image_file_read_info(r, &info)) != NDW_OK) goto done;
  if ((st = ndw_image_new(type, info.dim, vector, out)) != NDW_OK) goto done;
  st = ndw_image_file_read_data(r, &info, NULL, *out);
done:
  if (st != NDW_OK && *out != NULL) {
    ndw_image_free(*out);
    *out = NULL;
  }
  ndw_stream_free(s);
  free(r);
  return st;
}

static ndw_status write_memory(const ndw_image *im, ndw_image_format f, int compress, ndw_stream **out) {
  ndw_status st = ndw_memory_stream_new(NULL, 0, out);
  if (st != NDW_OK) return st;
  return ndw_image_file_write(*out, NULL, NULL, im, f, compress);
}

NDW_TEST(image_file_round_trips_in_memory) {
  static const ndw_pixel_type types[] = {NDW_PIXEL_UC, NDW_PIXEL_SS, NDW_PIXEL_UL, NDW_PIXEL_F,
                                         NDW_PIXEL_D, NDW_PIXEL_CF, NDW_PIXEL_B};
  for (size_t t = 0; t < sizeof types / sizeof types[0]; ++t)
    for (int vector = 0; vector < 2; ++vector)
      for (int f = NDW_FORMAT_METAIMAGE; f <= NDW_FORMAT_NRRD; ++f)
        for (int compress = 0; compress < 2; ++compress) {
          ndw_image *im = sample_image(types[t], vector, 3), *back = NULL;
          ndw_stream *s = NULL;
          const void *bytes;
          size_t n;
          if (im == NULL) continue;
          CHECK_OK(write_memory(im, (ndw_image_format)f, compress, &s));
          CHECK_OK(ndw_memory_stream_data(s, &bytes, &n));
          CHECK_OK(read_memory(bytes, n, types[t], vector, &back));
          CHECK(back != NULL && same_image(im, back));
          if (back == NULL || !same_image(im, back))
            fprintf(stderr, "  type %s vector %d format %d compress %d\n",
                    ndw_pixel_type_info(types[t])->code, vector, f, compress);
          ndw_image_free(back);
          ndw_stream_free(s);
          ndw_image_free(im);
        }
}

NDW_TEST(image_file_paths_detached_and_mmap) {
  char dir[] = "/tmp/ndw_imgXXXXXX";
  char path[256], raw[256];
  static const char *names[] = {"a.mha", "a.mhd", "a.nrrd", "a.nhdr"};
  if (mkdtemp(dir) == NULL) return;
  for (size_t i = 0; i < 4; ++i) {
    ndw_image *im = sample_image(NDW_PIXEL_F, 0, 1), *back = NULL, *mapped = NULL;
    ndw_stream *s = NULL;
    ndw_stream_reader r;
    ndw_image_file_info info;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    CHECK_OK(ndw_image_file_write_path(path, im, 0));
    CHECK_OK(ndw_image_file_read(path, &back));
    CHECK(back != NULL && same_image(im, back));
    /* mmap: the same pixels, read-only */
    CHECK_OK(ndw_file_stream_open(path, "rb", &s));
    ndw_stream_reader_init(&r, s);
    CHECK_OK(ndw_image_file_read_info(&r, &info));
    CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &mapped));
    CHECK_OK(ndw_image_file_map(path, &info, 0, mapped));
    CHECK(ndw_image_is_readonly(mapped));
    CHECK(same_image(im, mapped));
    ndw_image_free(mapped);
    ndw_stream_free(s);
    ndw_image_free(back);
    /* compressed files cannot be mapped */
    CHECK_OK(ndw_image_file_write_path(path, im, 1));
    CHECK_OK(ndw_image_file_read(path, &back));
    CHECK(back != NULL && same_image(im, back));
    ndw_image_free(back);
    CHECK_OK(ndw_file_stream_open(path, "rb", &s));
    ndw_stream_reader_init(&r, s);
    CHECK_OK(ndw_image_file_read_info(&r, &info));
    CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &mapped));
    CHECK_STATUS(ndw_image_file_map(path, &info, 0, mapped), NDW_E_FORMAT);
    ndw_image_free(mapped);
    ndw_stream_free(s);
    ndw_image_free(im);
    unlink(path);
  }
  snprintf(raw, sizeof raw, "%s/a.raw", dir);
  unlink(raw);
  snprintf(raw, sizeof raw, "%s/a.zraw", dir);
  unlink(raw);
  snprintf(raw, sizeof raw, "%s/a.raw.gz", dir);
  unlink(raw);
  rmdir(dir);
}

/* Headers that must fail with a status (never a crash or a big allocation). */
static const struct {
  const char *text;
  ndw_status want;
} bad_files[] = {
    {"", NDW_E_FORMAT},
    {"garbage without structure\n", NDW_E_FORMAT},
    {"NDims = 3\nDimSize = 2 2 2\nElementType = MET_FLOAT\n", NDW_E_FORMAT}, /* no ElementDataFile */
    {"NDims = 99\nDimSize = 2\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 0\nDimSize = 2\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 0\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_QUATERNION\nElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = LOCAL\nab", NDW_E_FORMAT},
    /* lying sizes: far more pixels than the stream holds, refused before allocating */
    {"NDims = 3\nDimSize = 100000 100000 100000\nElementType = MET_DOUBLE\nElementDataFile = LOCAL\nxyz",
     NDW_E_FORMAT},
    {"NDims = 3\nDimSize = 4294967296 4294967296 4294967296\nElementType = MET_DOUBLE\n"
     "ElementDataFile = LOCAL\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 100000 100000\nElementType = MET_UCHAR\nCompressedData = True\n"
     "ElementDataFile = LOCAL\nxx", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nCompressedData = True\n"
     "ElementDataFile = LOCAL\nnot zlib at all", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementSpacing = 0 1\nElementType = MET_UCHAR\nElementDataFile = LOCAL\nabcd",
     NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nTransformMatrix = 1 0 1 0\nElementType = MET_UCHAR\n"
     "ElementDataFile = LOCAL\nabcd", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementNumberOfChannels = 0\n"
     "ElementDataFile = LOCAL\nabcd", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nBinaryData = False\nElementDataFile = LOCAL\n",
     NDW_E_FORMAT},
    /* data files: from a stream (no folder), escaping, absolute, lists */
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = data.raw\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = LIST\n", NDW_E_FORMAT},
    {"NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = img%03d.raw 1 3 1\n",
     NDW_E_FORMAT},
    {"NRRD0004\n", NDW_E_FORMAT},
    {"NRRD0009\ntype: float\n\n", NDW_E_FORMAT},
    {"NRRD0004\ntype: float\ndimension: 2\nsizes: 2 2\nencoding: raw\n\n", NDW_E_FORMAT}, /* endian */
    {"NRRD0004\ntype: block\ndimension: 2\nsizes: 2 2\nencoding: raw\n\n", NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 2 2\nencoding: ascii\n\n1 2 3 4", NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 3\nsizes: 2 2 2\nspace dimension: 1\n"
     "space directions: none none (1)\nencoding: raw\n\n12345678", NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 2 2\nkinds: domain vector\nencoding: raw\n\nabcd",
     NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 99999999 99999999\nencoding: gzip\n\nxx", NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 2 2\nencoding: raw\ndata file: ../x.raw\n\n",
     NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 2 2\nencoding: raw\nbyte skip: 4\n\nabcdefgh",
     NDW_E_FORMAT},
    {"NRRD0004\ntype: uchar\ndimension: 2\nsizes: 2 2\nspace: RAST\nencoding: raw\n\nabcd", NDW_E_FORMAT},
};

NDW_TEST(image_file_bad_inputs) {
  for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; ++i) {
    ndw_image *im = NULL;
    ndw_status st = read_memory(bad_files[i].text, strlen(bad_files[i].text), NDW_PIXEL_UC, 0, &im);
    if (st == NDW_E_TYPE) /* the header parsed, but the test's UC image does not fit: also refused */
      st = NDW_E_FORMAT;
    if (st != bad_files[i].want)
      fprintf(stderr, "bad file %zu: got %s (%s)\n", i, ndw_status_name(st), ndw_last_error());
    CHECK(st == bad_files[i].want);
    CHECK(im == NULL);
    ndw_image_free(im);
  }
}

NDW_TEST(image_file_data_file_escapes) {
  char dir[] = "/tmp/ndw_escXXXXXX", sub[300], path[400], outside[400];
  FILE *f;
  ndw_image *im = NULL;
  if (mkdtemp(dir) == NULL) return;
  snprintf(sub, sizeof sub, "%s/sub", dir);
  /* a symbolic link inside the folder that points outside of it */
  snprintf(outside, sizeof outside, "%s/outside.raw", dir);
  f = fopen(outside, "wb");
  if (f) {
    fwrite("abcd", 1, 4, f);
    fclose(f);
  }
  if (mkdir(sub, 0700) == 0) {
    char link[400];
    snprintf(link, sizeof link, "%s/link.raw", sub);
    CHECK(symlink(outside, link) == 0);
    snprintf(path, sizeof path, "%s/a.mhd", sub);
    f = fopen(path, "wb");
    if (f) {
      fputs("NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = link.raw\n", f);
      fclose(f);
    }
    CHECK_STATUS(ndw_image_file_read(path, &im), NDW_E_FORMAT);
    CHECK(strstr(ndw_last_error(), "outside") != NULL);
    /* climbing out by name, or an absolute path, is refused too */
    f = fopen(path, "wb");
    if (f) {
      fputs("NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = ../outside.raw\n", f);
      fclose(f);
    }
    CHECK_STATUS(ndw_image_file_read(path, &im), NDW_E_FORMAT);
    f = fopen(path, "wb");
    if (f) {
      fprintf(f, "NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = %s\n", outside);
      fclose(f);
    }
    CHECK_STATUS(ndw_image_file_read(path, &im), NDW_E_FORMAT);
    f = fopen(path, "wb");
    if (f) {
      fputs("NDims = 2\nDimSize = 2 2\nElementType = MET_UCHAR\nElementDataFile = missing.raw\n", f);
      fclose(f);
    }
    CHECK_STATUS(ndw_image_file_read(path, &im), NDW_E_IO);
    CHECK(im == NULL);
    unlink(link);
    unlink(path);
    rmdir(sub);
  }
  unlink(outside);
  rmdir(dir);
}

/* xorshift: a fixed sequence, so that a failure is reproducible */
static uint32_t fuzz_next(uint32_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

NDW_TEST(image_file_mutation_fuzz) {
  static const char *digits[] = {"0", "-1", "1", "4294967297", "99999999999999999999", "1e308", "nan",
                                 "2 2 2 2 2 2 2 2 2", ""};
  uint32_t seed = 12345u;
  for (int f = NDW_FORMAT_METAIMAGE; f <= NDW_FORMAT_NRRD; ++f)
    for (int compress = 0; compress < 2; ++compress) {
      ndw_image *im = sample_image(NDW_PIXEL_SS, 1, 2);
      ndw_stream *s = NULL;
      const void *bytes;
      size_t n;
      if (im == NULL) continue;
      CHECK_OK(write_memory(im, (ndw_image_format)f, compress, &s));
      CHECK_OK(ndw_memory_stream_data(s, &bytes, &n));
      for (int iter = 0; iter < 400; ++iter) {
        unsigned char *m = malloc(n + 64);
        size_t len = n;
        ndw_image *back = NULL;
        int kind = (int)(fuzz_next(&seed) % 4u);
        if (m == NULL) break;
        memcpy(m, bytes, n);
        if (kind == 0) { /* flip a few bytes */
          for (int k = 0; k < 3; ++k) m[fuzz_next(&seed) % len] ^= (unsigned char)(1u << (fuzz_next(&seed) % 8u));
        } else if (kind == 1) { /* truncate */
          len = fuzz_next(&seed) % len;
        } else if (kind == 2) { /* overwrite a number in the header */
          size_t at = fuzz_next(&seed) % 300u;
          const char *d = digits[fuzz_next(&seed) % (sizeof digits / sizeof digits[0])];
          if (at + strlen(d) < len) memcpy(m + at, d, strlen(d));
        } else { /* random bytes in the header */
          for (int k = 0; k < 8; ++k) m[fuzz_next(&seed) % (len < 300 ? len : 300)] = (unsigned char)fuzz_next(&seed);
        }
        {
          /* read as the file's own type whatever the header now says */
          ndw_stream *ms = NULL;
          ndw_stream_reader *r = malloc(sizeof *r);
          ndw_image_file_info info;
          if (r != NULL && ndw_memory_stream_new(m, len, &ms) == NDW_OK) {
            ndw_stream_reader_init(r, ms);
            if (ndw_image_file_read_info(r, &info) == NDW_OK) {
              int vector = info.is_vector || info.components > 1;
              if (ndw_image_new(info.type, info.dim, vector, &back) == NDW_OK)
                (void)ndw_image_file_read_data(r, &info, NULL, back);
            }
          }
          ndw_image_free(back);
          ndw_stream_free(ms);
          free(r);
        }
        free(m);
      }
      ndw_stream_free(s);
      ndw_image_free(im);
    }
}

#else
NDW_TEST(image_file_round_trips_in_memory) { puts("skipped: image file modules are off"); }
NDW_TEST(image_file_paths_detached_and_mmap) { puts("skipped: image file modules are off"); }
NDW_TEST(image_file_bad_inputs) { puts("skipped: image file modules are off"); }
NDW_TEST(image_file_data_file_escapes) { puts("skipped: image file modules are off"); }
NDW_TEST(image_file_mutation_fuzz) { puts("skipped: image file modules are off"); }
#endif
