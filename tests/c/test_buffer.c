/* C unit tests of the NumPy bridge's plain-C half: buffer formats, image
 * and vnl buffer descriptions, and views of strided buffers.
 *
 * The bridge is Module_BridgeNumPy, off unless it or NDW_WRAP_PYTHON is on.
 * The cases are always registered (ctest lists them from the NDW_TEST lines
 * below); without the module each one only reports that it was skipped. */
#include <stdint.h>
#include <string.h>

#include "ndw/common.h"
#include "ndw_test.h"

#ifdef NDW_HAVE_MODULE_BridgeNumPy
#include "ndw/buffer.h"

#define RUN(fn) fn()

/* Release callback that counts its calls in an int. */
static void count_release(void *context) { ++*(int *)context; }

static int host_is_little(void) {
  const uint16_t one = 1;
  return *(const unsigned char *)&one == 1;
}

/* A new generic image; NULL (and a failed check) when that fails. */
static ndw_image *new_image(ndw_pixel_type type, unsigned dim, int vector) {
  ndw_image *im = NULL;
  CHECK_OK(ndw_image_new(type, dim, vector, &im));
  return im;
}

/* A C-contiguous description of `data` with `ndim` axes of `shape`. */
static ndw_buffer_desc c_order(void *data, int ndim, const int64_t *shape, size_t itemsize,
                               const char *format) {
  ndw_buffer_desc d;
  ptrdiff_t step = (ptrdiff_t)itemsize;
  memset(&d, 0, sizeof d);
  d.data = data;
  d.ndim = ndim;
  d.itemsize = itemsize;
  d.format = format;
  for (int i = ndim - 1; i >= 0; --i) {
    d.shape[i] = shape[i];
    d.strides[i] = step;
    step *= (ptrdiff_t)shape[i];
  }
  return d;
}

/* Parse `format` and compare with the expected type and byte-order flag. */
static int parses_as(const char *format, size_t itemsize, ndw_pixel_type want, int native) {
  ndw_pixel_type t = NDW_PIXEL_COUNT;
  int n = -1;
  ndw_status st = ndw_buffer_parse_format(format, itemsize, &t, &n);
  if (st != NDW_OK) {
    fprintf(stderr, "format '%s' (%zu): %s\n", format ? format : "(null)", itemsize,
                    ndw_last_error());
    return 0;
  }
  return t == want && n == native;
}

/* Is parsing `format` a type error whose message names the format? */
static int rejects(const char *format, size_t itemsize) {
  ndw_pixel_type t = NDW_PIXEL_COUNT;
  int n = -1;
  ndw_clear_error();
  return ndw_buffer_parse_format(format, itemsize, &t, &n) == NDW_E_TYPE &&
         ndw_last_status() == NDW_E_TYPE && strstr(ndw_last_error(), format) != NULL &&
         t == NDW_PIXEL_COUNT;
}

/* ---- formats ----------------------------------------------------------- */

static void parse_format_cases(void) {
  int little = host_is_little();

  CHECK(parses_as("f", 4, NDW_PIXEL_F, 1));
  CHECK(parses_as("@f", 4, NDW_PIXEL_F, 1));
  CHECK(parses_as("<f", 4, NDW_PIXEL_F, little));
  CHECK(parses_as(">f", 4, NDW_PIXEL_F, !little));
  CHECK(parses_as("!f", 4, NDW_PIXEL_F, !little));
  CHECK(parses_as("=d", 8, NDW_PIXEL_D, 1));
  CHECK(parses_as("d", 8, NDW_PIXEL_D, 1));
  CHECK(parses_as("Zf", 8, NDW_PIXEL_CF, 1));
  CHECK(parses_as("Zd", 16, NDW_PIXEL_CD, 1));
  CHECK(parses_as("<Zd", 16, NDW_PIXEL_CD, little));
  CHECK(parses_as("?", 1, NDW_PIXEL_B, 1));
  CHECK(parses_as("b", 1, NDW_PIXEL_SC, 1));
  CHECK(parses_as("B", 1, NDW_PIXEL_UC, 1));
  CHECK(parses_as(">B", 1, NDW_PIXEL_UC, 1)); /* one byte: order is moot */
  CHECK(parses_as("h", 2, NDW_PIXEL_SS, 1));
  CHECK(parses_as("H", 2, NDW_PIXEL_US, 1));
  CHECK(parses_as("i", 4, NDW_PIXEL_SI, 1));
  CHECK(parses_as("I", 4, NDW_PIXEL_UI, 1));
  CHECK(parses_as("q", 8, NDW_PIXEL_SL, 1));
  CHECK(parses_as("<q", 8, NDW_PIXEL_SL, little));
  CHECK(parses_as("Q", 8, NDW_PIXEL_UL, 1));
  /* C long is mapped by its item size: 8 on LP64, 4 on Windows */
  CHECK(parses_as("l", 8, NDW_PIXEL_SL, 1));
  CHECK(parses_as("L", 8, NDW_PIXEL_UL, 1));
  CHECK(parses_as("l", 4, NDW_PIXEL_SI, 1));
  CHECK(parses_as("L", 4, NDW_PIXEL_UI, 1));
  CHECK(parses_as("n", sizeof(ptrdiff_t), sizeof(ptrdiff_t) == 8 ? NDW_PIXEL_SL : NDW_PIXEL_SI, 1));
  CHECK(parses_as(NULL, 1, NDW_PIXEL_UC, 1)); /* no format means unsigned bytes */

  /* float16, objects, structs, strings and the like have no pixel type */
  CHECK(rejects("e", 2));
  CHECK(rejects("<e", 2));
  CHECK(rejects("O", 8));
  CHECK(rejects("T{<f:x:<f:y:}", 8));
  CHECK(rejects("g", 16));
  CHECK(rejects("Zg", 32));
  CHECK(rejects("3s", 3));
  CHECK(rejects("c", 1));
  CHECK(rejects("2f", 8));
  CHECK(rejects("ff", 8));
  CHECK(rejects("<", 4));
  CHECK(rejects("", 1));
  /* a format whose item size no pixel type has */
  CHECK(rejects("i", 3));
}

/* ---- image descriptions ------------------------------------------------- */

static void describe_image_cases(void) {
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0), *vec = new_image(NDW_PIXEL_UC, 2, 1);
  ndw_image *one = new_image(NDW_PIXEL_SS, 2, 1);
  ndw_buffer_desc d;
  int ok = 1;

  memset(&d, 0x5a, sizeof d);
  CHECK_STATUS(ndw_image_describe_buffer(im, 0, &d), NDW_E_STATE);

  CHECK_OK(ndw_image_set_regions(im, (const int64_t[3]){3, -3, 7}, (const uint64_t[3]){4, 3, 2}));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_describe_buffer(im, 0, &d));
  CHECK(d.data == ndw_image_buffer(im));
  CHECK(d.ndim == 3 && d.itemsize == 4 && strcmp(d.format, "f") == 0 && d.readonly == 0);
  CHECK(d.shape[0] == 2 && d.shape[1] == 3 && d.shape[2] == 4); /* (z, y, x) */
  CHECK(d.strides[0] == 48 && d.strides[1] == 16 && d.strides[2] == 4);
  /* array element [k][j][i] is pixel start + (i, j, k) */
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t i = 0; i < 4; ++i) {
        void *p = NULL;
        CHECK_OK(ndw_image_pixel_pointer(im, (const int64_t[3]){3 + i, -3 + j, 7 + k}, &p));
        ok &= (char *)d.data + k * d.strides[0] + j * d.strides[1] + i * d.strides[2] == p;
      }
  CHECK(ok);

  CHECK_OK(ndw_image_describe_buffer(im, 1, &d)); /* keep_axes: (x, y, z) */
  CHECK(d.ndim == 3);
  CHECK(d.shape[0] == 4 && d.shape[1] == 3 && d.shape[2] == 2);
  CHECK(d.strides[0] == 4 && d.strides[1] == 16 && d.strides[2] == 48);
  CHECK(d.data == ndw_image_buffer(im));

  /* vector images: a trailing component axis in both orders */
  CHECK_OK(ndw_image_set_components(vec, 3));
  CHECK_OK(ndw_image_set_regions(vec, NULL, (const uint64_t[2]){5, 2}));
  CHECK_OK(ndw_image_allocate(vec, 1));
  CHECK_OK(ndw_image_describe_buffer(vec, 0, &d));
  CHECK(d.ndim == 3 && d.itemsize == 1 && strcmp(d.format, "B") == 0);
  CHECK(d.shape[0] == 2 && d.shape[1] == 5 && d.shape[2] == 3);
  CHECK(d.strides[0] == 15 && d.strides[1] == 3 && d.strides[2] == 1);
  CHECK_OK(ndw_image_describe_buffer(vec, 1, &d));
  CHECK(d.shape[0] == 5 && d.shape[1] == 2 && d.shape[2] == 3);
  CHECK(d.strides[0] == 3 && d.strides[1] == 15 && d.strides[2] == 1);

  /* ... even of length 1 */
  CHECK_OK(ndw_image_set_regions(one, NULL, (const uint64_t[2]){3, 2}));
  CHECK_OK(ndw_image_allocate(one, 1));
  CHECK_OK(ndw_image_describe_buffer(one, 0, &d));
  CHECK(d.ndim == 3 && d.shape[0] == 2 && d.shape[1] == 3 && d.shape[2] == 1);
  CHECK(d.strides[2] == 2 && strcmp(d.format, "h") == 0);

  /* strided, read-only views are described as they are */
  {
    float mem[2][3][4];
    CHECK_OK(ndw_image_wrap(im, &mem[1][2][3], (const ptrdiff_t[3]){-4, -16, -48}, 0, 1, NULL,
                            NULL));
    CHECK_OK(ndw_image_describe_buffer(im, 0, &d));
    CHECK(d.data == &mem[1][2][3] && d.readonly == 1);
    CHECK(d.strides[0] == -48 && d.strides[1] == -16 && d.strides[2] == -4);
    CHECK_OK(ndw_image_describe_buffer(im, 1, &d));
    CHECK(d.strides[0] == -4 && d.strides[1] == -16 && d.strides[2] == -48);
  }
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(vec));
  CHECK_OK(ndw_image_free(one));
}

/* ---- image views: errors ------------------------------------------------ */

/* View `d` in `im` expecting `want`; the release callback must run once. */
static void expect_view_error(ndw_image *im, const ndw_buffer_desc *d, int is_vector,
                              ndw_status want, int line) {
  int released = 0;
  ndw_status st = ndw_image_view_buffer(im, d, is_vector, count_release, &released);
  if (st != want || released != 1) {
    fprintf(stderr, "%s:%d: view_buffer returned %s (want %s), release ran %d time(s): %s\n",
            __FILE__, line, ndw_status_name(st), ndw_status_name(want), released,
            ndw_last_error());
    ndw_test_failures++;
  }
}
#define EXPECT_VIEW_ERROR(im, d, is_vector, want) \
  expect_view_error(im, d, is_vector, want, __LINE__)

/* ---- empty views ---------------------------------------------------------- */

/* ITK allows empty regions: an empty array is an empty image (a component
 * axis still needs length >= 1); an empty vnl view has size 0. */
NDW_TEST(buffer_view_empty) {
  static float mem[4];
  ndw_buffer_desc d;
  int released = 0;
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0), *vec = new_image(NDW_PIXEL_F, 2, 1);
  ndw_vnl *v = NULL;
  d = c_order(mem, 3, (const int64_t[]){2, 0, 3}, 4, "f");
  CHECK_OK(ndw_image_view_buffer(im, &d, 0, count_release, &released));
  CHECK(ndw_image_is_allocated(im) && ndw_image_number_of_pixels(im) == 0);
  {
    uint64_t size[3];
    ndw_image_get_size(im, size);
    CHECK(size[0] == 3 && size[1] == 0 && size[2] == 2);
  }
  d = c_order(mem, 3, (const int64_t[]){0, 2, 0}, 4, "f");
  EXPECT_VIEW_ERROR(vec, &d, 0, NDW_E_INVALID); /* 0 components */
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_F, 0, &v));
  d = c_order(mem, 1, (const int64_t[]){0}, 4, "f");
  CHECK_OK(ndw_vnl_view_buffer(v, &d, count_release, &released));
  CHECK(ndw_vnl_size(v) == 0);
  CHECK_OK(ndw_vnl_free(v));
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(vec));
  CHECK(released == 2); /* both views let go of their memory */
}


static void view_error_cases(void) {
  float mem[64];
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0), *im2 = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *im1 = new_image(NDW_PIXEL_F, 1, 0), *vec = new_image(NDW_PIXEL_F, 2, 1);
  ndw_buffer_desc d;
  float v = -1.0f;

  memset(mem, 0, sizeof mem);
  /* an image with a buffer, to show that failures leave it alone */
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[3]){2, 2, 2}));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[3]){1, 1, 1}, &(float){5.0f}));

  /* wrong rank */
  d = c_order(mem, 2, (const int64_t[]){4, 4}, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  d = c_order(mem, 4, (const int64_t[]){2, 2, 2, 2}, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  d = c_order(mem, 0, NULL, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  d.ndim = -1;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  /* a rank beyond the description's arrays must not be read */
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  d.ndim = NDW_MAX_DIM + 2;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  d.ndim = 1000;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);

  /* negative shapes (empty ones are valid: buffer_view_empty) */
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  d.shape[2] = -1;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);
  /* a byte extent beyond ptrdiff_t is refused before any stride arithmetic */
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  d.shape[0] = INT64_C(1) << 40;
  d.strides[0] = (ptrdiff_t)1 << 40;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_INVALID);

  /* wrong format, byte order or item type */
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 8, "d");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);
  CHECK(strstr(ndw_last_error(), "float64") != NULL);
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "i");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 2, "e");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, host_is_little() ? ">f" : "<f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);
  CHECK(strstr(ndw_last_error(), "byte order") != NULL);

  /* unaligned data or strides */
  d = c_order((char *)mem + 1, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  d.strides[2] = 6;
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_TYPE);

  /* components: is_vector needs room for a component axis ... */
  d = c_order(mem, 1, (const int64_t[]){4}, 4, "f");
  EXPECT_VIEW_ERROR(im1, &d, 1, NDW_E_INVALID);
  EXPECT_VIEW_ERROR(im2, &d, 1, NDW_E_INVALID);
  /* ... a scalar image takes only a component axis of length 1 ... */
  d = c_order(mem, 3, (const int64_t[]){2, 4, 3}, 4, "f");
  EXPECT_VIEW_ERROR(im2, &d, 1, NDW_E_INVALID);
  CHECK(strstr(ndw_last_error(), "VectorImage") != NULL);
  /* ... and a vector image needs one */
  d = c_order(mem, 2, (const int64_t[]){2, 4}, 4, "f");
  EXPECT_VIEW_ERROR(vec, &d, 0, NDW_E_INVALID);
  EXPECT_VIEW_ERROR(vec, &d, 1, NDW_E_INVALID);
  /* a component axis of stride 0 (a broadcast array) cannot be viewed */
  d = c_order(mem, 3, (const int64_t[]){2, 4, 3}, 4, "f");
  d.strides[2] = 0;
  EXPECT_VIEW_ERROR(vec, &d, 0, NDW_E_TYPE);

  /* the image they were tried on is unchanged */
  CHECK(ndw_image_is_allocated(im) && !ndw_image_is_readonly(im));
  CHECK(ndw_image_number_of_pixels(im) == 8);
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[3]){1, 1, 1}, &v));
  CHECK(v == 5.0f);

  /* an image with live exports cannot start viewing something else */
  CHECK_OK(ndw_image_export_acquire(im));
  d = c_order(mem, 3, (const int64_t[]){2, 2, 2}, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 0, NDW_E_BUSY);
  d = c_order(mem, 4, (const int64_t[]){2, 2, 2, 1}, 4, "f");
  EXPECT_VIEW_ERROR(im, &d, 1, NDW_E_BUSY);
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[3]){1, 1, 1}, &v));
  CHECK(v == 5.0f);
  ndw_image_export_release(im);

  /* a NULL callback is allowed on failure too */
  d = c_order(mem, 2, (const int64_t[]){4, 4}, 4, "f");
  CHECK_STATUS(ndw_image_view_buffer(im, &d, 0, NULL, NULL), NDW_E_INVALID);

  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(im1));
  CHECK_OK(ndw_image_free(im2));
  CHECK_OK(ndw_image_free(vec));
}

/* ---- image views: success ----------------------------------------------- */

static void view_success_cases(void) {
  float a[2][3][4], fort[24];
  uint8_t c[3][5][2];
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0), *vec = new_image(NDW_PIXEL_UC, 2, 1);
  ndw_image *sc = new_image(NDW_PIXEL_UC, 2, 0), *back = NULL;
  ndw_buffer_desc d, e;
  uint64_t size[3];
  int64_t index[3];
  double sp[3];
  int released = 0, ok = 1;

  for (int k = 0; k < 2; ++k)
    for (int j = 0; j < 3; ++j)
      for (int i = 0; i < 4; ++i) a[k][j][i] = (float)(100 * k + 10 * j + i);

  /* metadata is kept, the region restarts at index 0 */
  CHECK_OK(ndw_image_set_spacing(im, (const double[3]){2, 3, 4}));
  CHECK_OK(ndw_image_set_regions(im, (const int64_t[3]){5, 5, 5}, (const uint64_t[3]){1, 1, 1}));

  /* C order: image size (4, 3, 2), pixel (i, j, k) == a[k][j][i] */
  d = c_order(a, 3, (const int64_t[]){2, 3, 4}, 4, "f");
  CHECK_OK(ndw_image_view_buffer(im, &d, 0, count_release, &released));
  CHECK(released == 0);
  CHECK(ndw_image_buffer(im) == a && ndw_image_is_contiguous(im));
  CHECK(!ndw_image_is_readonly(im));
  ndw_image_get_size(im, size);
  ndw_image_get_index(im, index);
  CHECK(size[0] == 4 && size[1] == 3 && size[2] == 2);
  CHECK(index[0] == 0 && index[1] == 0 && index[2] == 0);
  ndw_image_get_spacing(im, sp);
  CHECK(sp[0] == 2 && sp[1] == 3 && sp[2] == 4);
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t i = 0; i < 4; ++i) {
        float v = -1.0f;
        CHECK_OK(ndw_image_get_pixel(im, (const int64_t[3]){i, j, k}, &v));
        ok &= v == a[k][j][i];
      }
  CHECK(ok);
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[3]){3, 1, 0}, &(float){-7.0f}));
  CHECK(a[0][1][3] == -7.0f);

  /* a view describes back as the same array */
  CHECK_OK(ndw_image_describe_buffer(im, 0, &e));
  CHECK(e.data == d.data && e.ndim == 3);
  CHECK(memcmp(e.shape, d.shape, 3 * sizeof e.shape[0]) == 0);
  CHECK(memcmp(e.strides, d.strides, 3 * sizeof e.strides[0]) == 0);

  /* negative and every-other steps: a[::-1, :, ::-2] */
  d.data = &a[1][0][3];
  d.shape[0] = 2, d.shape[1] = 3, d.shape[2] = 2;
  d.strides[0] = -48, d.strides[1] = 16, d.strides[2] = -8;
  CHECK_OK(ndw_image_view_buffer(im, &d, 0, count_release, &released));
  CHECK(released == 1); /* the first view was let go */
  CHECK(!ndw_image_is_contiguous(im));
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t i = 0; i < 2; ++i) {
        float v = -1.0f;
        CHECK_OK(ndw_image_get_pixel(im, (const int64_t[3]){i, j, k}, &v));
        ok &= v == a[1 - k][j][3 - 2 * i];
      }
  CHECK(ok);
  /* a contiguous copy in the allocation layout */
  CHECK_OK(ndw_image_duplicate(im, &back));
  CHECK_OK(ndw_image_describe_buffer(back, 0, &e));
  CHECK(e.strides[0] == 24 && e.strides[1] == 8 && e.strides[2] == 4);
  CHECK(((float *)e.data)[0] == a[1][0][3] && ((float *)e.data)[1] == a[1][0][1]);
  CHECK(((float *)e.data)[11] == a[0][2][1]);
  CHECK_OK(ndw_image_free(back));

  /* Fortran order: shape (2, 3, 4), element [k][j][i] at fort[k + 2j + 6i] */
  for (int n = 0; n < 24; ++n) fort[n] = (float)n;
  d = c_order(fort, 3, (const int64_t[]){2, 3, 4}, 4, "=f");
  d.strides[0] = 4, d.strides[1] = 8, d.strides[2] = 24;
  CHECK_OK(ndw_image_view_buffer(im, &d, 0, count_release, &released));
  CHECK(released == 2);
  for (int64_t k = 0; k < 2; ++k)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t i = 0; i < 4; ++i) {
        float v = -1.0f;
        CHECK_OK(ndw_image_get_pixel(im, (const int64_t[3]){i, j, k}, &v));
        ok &= v == fort[k + 2 * j + 6 * i];
      }
  CHECK(ok);

  /* read-only buffers give read-only images */
  d = c_order(a, 3, (const int64_t[]){2, 3, 4}, 4, "f");
  d.readonly = 1;
  CHECK_OK(ndw_image_view_buffer(im, &d, 0, count_release, &released));
  CHECK(released == 3);
  CHECK(ndw_image_is_readonly(im));
  CHECK_STATUS(ndw_image_set_pixel(im, (const int64_t[3]){0, 0, 0}, &(float){1.0f}),
               NDW_E_READONLY);
  CHECK_OK(ndw_image_describe_buffer(im, 0, &e));
  CHECK(e.readonly == 1);
  CHECK_OK(ndw_image_free(im));
  CHECK(released == 4);

  /* a vector image: the last axis is the components */
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 5; ++x) c[y][x][0] = (uint8_t)(10 * y + x), c[y][x][1] = (uint8_t)(200 + x);
  released = 0;
  d = c_order(c, 3, (const int64_t[]){3, 5, 2}, 1, "B");
  CHECK_OK(ndw_image_view_buffer(vec, &d, 0, count_release, &released));
  CHECK(ndw_image_components(vec) == 2);
  ndw_image_get_size(vec, size);
  CHECK(size[0] == 5 && size[1] == 3);
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 5; ++x) {
      uint8_t px[2] = {0, 0};
      CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){x, y}, px));
      ok &= px[0] == c[y][x][0] && px[1] == c[y][x][1];
    }
  CHECK(ok);
  /* components with a stride: c[..., ::-1] */
  d.data = &c[0][0][1];
  d.strides[2] = -1;
  CHECK_OK(ndw_image_view_buffer(vec, &d, 1, count_release, &released));
  {
    uint8_t px[2] = {0, 0};
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){4, 2}, px));
    CHECK(px[0] == c[2][4][1] && px[1] == c[2][4][0]);
  }
  CHECK_OK(ndw_image_free(vec));
  CHECK(released == 2);

  /* a scalar image accepts is_vector with a component axis of length 1 */
  released = 0;
  d = c_order(c, 3, (const int64_t[]){3, 5, 1}, 1, "B");
  d.strides[1] = 2; /* the first component of c */
  d.strides[0] = 10;
  CHECK_OK(ndw_image_view_buffer(sc, &d, 1, count_release, &released));
  CHECK(ndw_image_components(sc) == 1);
  {
    uint8_t px = 0;
    CHECK_OK(ndw_image_get_pixel(sc, (const int64_t[2]){3, 2}, &px));
    CHECK(px == c[2][3][0]);
  }
  /* a component axis of length 1 may have any stride */
  d.strides[2] = 0;
  CHECK_OK(ndw_image_view_buffer(sc, &d, 1, count_release, &released));
  CHECK(released == 1);
  CHECK_OK(ndw_image_free(sc));
  CHECK(released == 2);
}

/* ---- vnl ---------------------------------------------------------------- */

static void vnl_describe_cases(void) {
  ndw_vnl_vector_f64 *v = NULL;
  ndw_vnl_matrix_i16 *m = NULL;
  ndw_buffer_desc d;

  CHECK_OK(ndw_vnl_vector_f64_new(5, &v));
  CHECK_OK(ndw_vnl_describe_buffer(ndw_vnl_vector_f64_base(v), &d));
  CHECK(d.ndim == 1 && d.shape[0] == 5 && d.strides[0] == 8);
  CHECK(d.itemsize == 8 && strcmp(d.format, "d") == 0 && d.readonly == 0);
  CHECK(d.data == ndw_vnl_vector_f64_data_block(v));
  CHECK_OK(ndw_vnl_vector_f64_free(v));

  CHECK_OK(ndw_vnl_matrix_i16_new(3, 4, &m));
  CHECK_OK(ndw_vnl_matrix_i16_put(m, 2, 1, 21));
  CHECK_OK(ndw_vnl_describe_buffer(ndw_vnl_matrix_i16_base(m), &d));
  CHECK(d.ndim == 2 && d.shape[0] == 3 && d.shape[1] == 4);
  CHECK(d.strides[0] == 8 && d.strides[1] == 2);
  CHECK(d.itemsize == 2 && strcmp(d.format, "h") == 0);
  CHECK(d.data == ndw_vnl_matrix_i16_data_block(m));
  CHECK(*(int16_t *)((char *)d.data + 2 * d.strides[0] + 1 * d.strides[1]) == 21);
  CHECK_OK(ndw_vnl_matrix_i16_free(m));
}

/* View `d` in `v` expecting `want`; the release callback must run once. */
static void expect_vnl_error(ndw_vnl *v, const ndw_buffer_desc *d, ndw_status want, int line) {
  int released = 0;
  ndw_status st = ndw_vnl_view_buffer(v, d, count_release, &released);
  if (st != want || released != 1) {
    fprintf(stderr, "%s:%d: vnl_view_buffer returned %s (want %s), release ran %d time(s): %s\n",
            __FILE__, line, ndw_status_name(st), ndw_status_name(want), released,
            ndw_last_error());
    ndw_test_failures++;
  }
}
#define EXPECT_VNL_ERROR(v, d, want) expect_vnl_error(v, d, want, __LINE__)

static void vnl_view_cases(void) {
  double m[2][3] = {{1, 2, 3}, {4, 5, 6}}, x = 0;
  double vec[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  ndw_vnl *mat = NULL, *v = NULL;
  ndw_buffer_desc d;
  int released = 0, ok = 1;

  CHECK_OK(ndw_vnl_new(NDW_PIXEL_D, 1, &mat));
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_D, 0, &v));

  d = c_order(m, 2, (const int64_t[]){2, 3}, 8, "d");
  CHECK_OK(ndw_vnl_view_buffer(mat, &d, count_release, &released));
  CHECK(released == 0);
  CHECK(ndw_vnl_data(mat) == m && ndw_vnl_rows(mat) == 2 && ndw_vnl_cols(mat) == 3);
  for (uint64_t r = 0; r < 2; ++r)
    for (uint64_t c = 0; c < 3; ++c) {
      CHECK_OK(ndw_vnl_get(mat, r, c, &x));
      ok &= x == m[r][c];
    }
  CHECK(ok);
  CHECK_OK(ndw_vnl_put(mat, 1, 2, &(double){60}));
  CHECK(m[1][2] == 60);
  CHECK_OK(ndw_vnl_free(mat));
  CHECK(released == 1);

  released = 0;
  d = c_order(vec, 1, (const int64_t[]){8}, 8, "<d");
  if (!host_is_little()) d.format = ">d";
  CHECK_OK(ndw_vnl_view_buffer(v, &d, count_release, &released));
  CHECK(ndw_vnl_size(v) == 8 && ndw_vnl_data(v) == vec);
  CHECK_OK(ndw_vnl_get(v, 7, 0, &x));
  CHECK(x == 7);
  /* read-only */
  d.readonly = 1;
  CHECK_OK(ndw_vnl_view_buffer(v, &d, count_release, &released));
  CHECK(released == 1 && ndw_vnl_is_readonly(v));
  CHECK_STATUS(ndw_vnl_put(v, 0, 0, &(double){1}), NDW_E_READONLY);
  /* size-1 axes may have any stride */
  d = c_order(vec, 1, (const int64_t[]){1}, 8, "d");
  d.strides[0] = 24;
  CHECK_OK(ndw_vnl_view_buffer(v, &d, count_release, &released));
  CHECK(released == 2 && ndw_vnl_size(v) == 1);
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_D, 1, &mat));
  d = c_order(vec, 2, (const int64_t[]){1, 4}, 8, "d");
  d.strides[0] = -8;
  CHECK_OK(ndw_vnl_view_buffer(mat, &d, count_release, &released));
  CHECK(ndw_vnl_rows(mat) == 1 && ndw_vnl_cols(mat) == 4);
  CHECK_OK(ndw_vnl_get(mat, 0, 3, &x));
  CHECK(x == 3);

  /* strided data is refused: every other element, a transpose, a flip */
  d = c_order(vec, 1, (const int64_t[]){4}, 8, "d");
  d.strides[0] = 16;
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  CHECK(strstr(ndw_last_error(), "contiguous") != NULL);
  d.data = &vec[7];
  d.strides[0] = -8;
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  d = c_order(m, 2, (const int64_t[]){3, 2}, 8, "d");
  d.strides[0] = 8, d.strides[1] = 24; /* m.T */
  EXPECT_VNL_ERROR(mat, &d, NDW_E_TYPE);
  d = c_order(vec, 2, (const int64_t[]){2, 2}, 8, "d");
  d.strides[0] = 32; /* rows with gaps */
  EXPECT_VNL_ERROR(mat, &d, NDW_E_TYPE);

  /* rank, shape, format, alignment */
  d = c_order(m, 2, (const int64_t[]){2, 3}, 8, "d");
  EXPECT_VNL_ERROR(v, &d, NDW_E_INVALID);
  d = c_order(vec, 1, (const int64_t[]){8}, 8, "d");
  EXPECT_VNL_ERROR(mat, &d, NDW_E_INVALID);
  d.ndim = NDW_MAX_DIM + 2;
  EXPECT_VNL_ERROR(mat, &d, NDW_E_INVALID);
  d.ndim = -3;
  EXPECT_VNL_ERROR(v, &d, NDW_E_INVALID);
  d = c_order(vec, 1, (const int64_t[]){-1}, 8, "d");
  EXPECT_VNL_ERROR(v, &d, NDW_E_INVALID);
  d = c_order(vec, 2, (const int64_t[]){2, -2}, 8, "d");
  EXPECT_VNL_ERROR(mat, &d, NDW_E_INVALID);
  d = c_order(vec, 1, (const int64_t[]){8}, 4, "f");
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  d = c_order(vec, 1, (const int64_t[]){8}, 8, "q");
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  d = c_order(vec, 1, (const int64_t[]){8}, 8, host_is_little() ? ">d" : "<d");
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  d = c_order((char *)vec + 1, 1, (const int64_t[]){4}, 8, "d");
  EXPECT_VNL_ERROR(v, &d, NDW_E_TYPE);
  /* shapes whose byte count overflows are refused, not multiplied out */
  d = c_order(vec, 2, (const int64_t[]){1, 1}, 8, "d");
  d.shape[0] = d.shape[1] = INT64_C(1) << 40;
  d.strides[0] = (ptrdiff_t)8 << 40;
  EXPECT_VNL_ERROR(mat, &d, NDW_E_INVALID);
  d.shape[0] = 2, d.shape[1] = INT64_MAX;
  d.strides[0] = 8;
  EXPECT_VNL_ERROR(mat, &d, NDW_E_INVALID);

  /* failures keep the current view */
  CHECK(ndw_vnl_data(mat) == vec && ndw_vnl_cols(mat) == 4);
  CHECK(ndw_vnl_data(v) == vec && ndw_vnl_size(v) == 1);

  /* exported objects cannot start viewing other memory */
  CHECK_OK(ndw_vnl_export_acquire(v));
  d = c_order(vec, 1, (const int64_t[]){8}, 8, "d");
  EXPECT_VNL_ERROR(v, &d, NDW_E_BUSY);
  ndw_vnl_export_release(v);

  /* the last views of v and mat are let go on free */
  CHECK(released == 2);
  CHECK_OK(ndw_vnl_free(v));
  CHECK_OK(ndw_vnl_free(mat));
  CHECK(released == 4);
}

#else /* !NDW_HAVE_MODULE_BridgeNumPy */

#define RUN(fn) printf("skipped: %s needs Module_BridgeNumPy=ON\n", #fn)

#endif

/* twice: the first call fills the one-letter table of the fast path (issue 16) */
NDW_TEST(buffer_parse_format) {
  RUN(parse_format_cases);
  RUN(parse_format_cases);
}
NDW_TEST(buffer_describe_image) { RUN(describe_image_cases); }
NDW_TEST(buffer_view_image_errors) { RUN(view_error_cases); }
NDW_TEST(buffer_view_image) { RUN(view_success_cases); }
NDW_TEST(buffer_describe_vnl) { RUN(vnl_describe_cases); }
NDW_TEST(buffer_view_vnl) { RUN(vnl_view_cases); }
