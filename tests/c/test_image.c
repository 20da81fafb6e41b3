/* C unit tests of the generic image (ndw_image_*) and its typed facades
 * (ndw_image_f32_3_*, ndw_vector_image_u8_2_*, ...). */
#include <complex.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ndw/image.h"
#include "ndw_test.h"

/* Release callback that counts its calls in an int. */
static void count_release(void *context) { ++*(int *)context; }

/* An exact, distinct float for pixel (x, y, z). */
static float pattern3(int64_t x, int64_t y, int64_t z) {
  return (float)(x + 10 * y + 100 * z) + 0.5f;
}

/* A new generic image; NULL (and a failed check) when that fails. */
static ndw_image *new_image(ndw_pixel_type type, unsigned dim, int vector) {
  ndw_image *im = NULL;
  CHECK_OK(ndw_image_new(type, dim, vector, &im));
  return im;
}

/* A new f32 3-d image of `size`, allocated, pixel (x, y, z) = pattern3. */
static ndw_image *new_pattern_f32_3(const uint64_t *size) {
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_allocate(im, 0));
  for (int64_t z = 0; z < (int64_t)size[2]; ++z)
    for (int64_t y = 0; y < (int64_t)size[1]; ++y)
      for (int64_t x = 0; x < (int64_t)size[0]; ++x) {
        int64_t idx[3] = {x, y, z};
        float v = pattern3(x, y, z);
        CHECK_OK(ndw_image_set_pixel(im, idx, &v));
      }
  return im;
}

/* An f32 3-d image of `size` viewing caller-owned memory. */
static ndw_image *wrap_f32_3(void *data, const uint64_t *size, const ptrdiff_t *strides,
                             int readonly) {
  ndw_image *im = new_image(NDW_PIXEL_F, 3, 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_wrap(im, data, strides, 0, readonly, NULL, NULL));
  return im;
}

/* Does every pixel of the f32 3-d image equal pattern3? */
static int holds_pattern3(const ndw_image *im) {
  uint64_t size[3];
  int same = 1;
  ndw_image_get_size(im, size);
  for (int64_t z = 0; z < (int64_t)size[2]; ++z)
    for (int64_t y = 0; y < (int64_t)size[1]; ++y)
      for (int64_t x = 0; x < (int64_t)size[0]; ++x) {
        int64_t idx[3] = {x, y, z};
        float v = -1.0f;
        if (ndw_image_get_pixel(im, idx, &v) != NDW_OK || v != pattern3(x, y, z)) same = 0;
      }
  return same;
}

/* ---- lifetime and layout ----------------------------------------------- */

NDW_TEST(image_new_free) {
  ndw_image *im = NULL, *bad;
  uint64_t size[3] = {9, 9, 9};
  int64_t index[3] = {9, 9, 9};
  double spacing[3], origin[3], direction[9];
  ptrdiff_t strides[3] = {9, 9, 9}, cstride = 9;

  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 3, 0, &im));
  CHECK(im != NULL);
  if (im == NULL) return;
  CHECK(ndw_image_pixel_type(im) == NDW_PIXEL_F);
  CHECK(ndw_image_dimension(im) == 3);
  CHECK(ndw_image_is_vector(im) == 0);
  CHECK(ndw_image_components(im) == 1);
  CHECK(ndw_image_is_allocated(im) == 0);
  CHECK(ndw_image_is_readonly(im) == 0);
  CHECK(ndw_image_is_contiguous(im) == 0);
  CHECK(ndw_image_buffer(im) == NULL);
  CHECK(ndw_image_exports(im) == 0);
  CHECK(ndw_image_number_of_pixels(im) == 0);
  ndw_image_get_size(im, size);
  ndw_image_get_index(im, index);
  ndw_image_get_strides(im, strides, &cstride);
  for (int i = 0; i < 3; ++i) {
    CHECK(size[i] == 0);
    CHECK(index[i] == 0);
    CHECK(strides[i] == 0);
  }
  /* ITK defaults: unit spacing, zero origin, identity direction */
  ndw_image_get_spacing(im, spacing);
  ndw_image_get_origin(im, origin);
  ndw_image_get_direction(im, direction);
  for (int i = 0; i < 3; ++i) {
    CHECK(spacing[i] == 1.0);
    CHECK(origin[i] == 0.0);
    for (int j = 0; j < 3; ++j) CHECK(direction[i * 3 + j] == (i == j ? 1.0 : 0.0));
  }
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(NULL));

  /* a vector image starts with one component per pixel */
  CHECK_OK(ndw_image_new(NDW_PIXEL_UC, 2, 1, &im));
  CHECK(ndw_image_is_vector(im) == 1);
  CHECK(ndw_image_components(im) == 1);
  CHECK_OK(ndw_image_free(im));

  /* the generic core handles 1..NDW_MAX_DIM, whatever is wrapped */
  CHECK_OK(ndw_image_new(NDW_PIXEL_D, 1, 0, &im));
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_new(NDW_PIXEL_D, NDW_MAX_DIM, 0, &im));
  CHECK_OK(ndw_image_free(im));

  /* failures leave *out NULL and record an error */
  bad = (ndw_image *)&bad;
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, 0, 0, &bad), NDW_E_INVALID);
  CHECK(bad == NULL);
  CHECK(ndw_last_status() == NDW_E_INVALID);
  CHECK(ndw_last_error()[0] != '\0');
  bad = (ndw_image *)&bad;
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, NDW_MAX_DIM + 1, 0, &bad), NDW_E_INVALID);
  CHECK(bad == NULL);
  bad = (ndw_image *)&bad;
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_COUNT, 2, 0, &bad), NDW_E_TYPE);
  CHECK(bad == NULL);
  CHECK_STATUS(ndw_image_new((ndw_pixel_type)-1, 2, 0, &bad), NDW_E_TYPE);
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, 2, 0, NULL), NDW_E_INVALID);
}

NDW_TEST(image_typed_handles) {
  ndw_image_f32_3 *f = NULL;
  ndw_vector_image_f32_3 *vf = NULL;
  ndw_image *base;

  CHECK_OK(ndw_image_f32_3_new(&f));
  base = ndw_image_f32_3_base(f);
  CHECK(base == (ndw_image *)f);
  CHECK(ndw_image_pixel_type(base) == NDW_PIXEL_F);
  CHECK(ndw_image_dimension(base) == 3);
  CHECK(!ndw_image_is_vector(base));
  CHECK(ndw_image_f32_3_components(f) == 1);
  /* from_base checks pixel type, dimension and scalar/vector */
  CHECK(ndw_image_f32_3_from_base(base) == f);
  CHECK(ndw_image_f64_3_from_base(base) == NULL);
  CHECK(ndw_image_f32_2_from_base(base) == NULL);
  CHECK(ndw_vector_image_f32_3_from_base(base) == NULL);
  CHECK(ndw_image_f32_3_from_base(NULL) == NULL);

  CHECK_OK(ndw_vector_image_f32_3_new(&vf));
  base = ndw_vector_image_f32_3_base(vf);
  CHECK(ndw_image_is_vector(base));
  CHECK(ndw_vector_image_f32_3_from_base(base) == vf);
  CHECK(ndw_image_f32_3_from_base(base) == NULL);

  CHECK_OK(ndw_image_f32_3_free(f));
  CHECK_OK(ndw_vector_image_f32_3_free(vf));
}

NDW_TEST(image_set_regions_start_index) {
  ndw_image_f32_3 *img = NULL;
  ndw_region_3 region = {{{-2, 5, 10}}, {{4, 3, 2}}}, got;
  ndw_index_3 idx;
  ptrdiff_t strides[3], cstride;
  float v = -1.0f, *buf;

  CHECK_OK(ndw_image_f32_3_new(&img));
  CHECK_OK(ndw_image_f32_3_set_regions(img, &region));
  got = ndw_image_f32_3_largest_region(img);
  CHECK(memcmp(&got, &region, sizeof got) == 0);
  got = ndw_image_f32_3_buffered_region(img);
  CHECK(memcmp(&got, &region, sizeof got) == 0);
  CHECK(ndw_image_number_of_pixels(ndw_image_f32_3_base(img)) == 24);
  CHECK(ndw_image_f32_3_buffer(img) == NULL);

  /* allocate(initialize) zeroes every pixel */
  CHECK_OK(ndw_image_f32_3_allocate(img, 1));
  buf = ndw_image_f32_3_buffer(img);
  CHECK(buf != NULL);
  for (int i = 0; i < 24; ++i) CHECK(buf[i] == 0.0f);
  ndw_image_get_strides(ndw_image_f32_3_base(img), strides, &cstride);
  CHECK(strides[0] == 4 && strides[1] == 16 && strides[2] == 48);
  CHECK(cstride == 4);
  CHECK(ndw_image_is_contiguous(ndw_image_f32_3_base(img)));

  /* the first pixel is the start index */
  idx = (ndw_index_3){{-2, 5, 10}};
  CHECK_OK(ndw_image_f32_3_set_pixel(img, &idx, 1.25f));
  CHECK(buf[0] == 1.25f);
  /* (1, 7, 11) is (3, 2, 1) from the start: offset 3 + 4 * 2 + 12 * 1 */
  idx = (ndw_index_3){{1, 7, 11}};
  CHECK_OK(ndw_image_f32_3_set_pixel(img, &idx, -8.5f));
  CHECK_OK(ndw_image_f32_3_get_pixel(img, &idx, &v));
  CHECK(v == -8.5f);
  CHECK(buf[23] == -8.5f);
  /* zero-based indices are outside this region */
  idx = (ndw_index_3){{0, 0, 0}};
  CHECK_STATUS(ndw_image_f32_3_get_pixel(img, &idx, &v), NDW_E_RANGE);

  /* set_size resets the start index to zero and drops the buffer */
  CHECK_OK(ndw_image_f32_3_set_size(img, &(ndw_size_3){{2, 2, 2}}));
  got = ndw_image_f32_3_largest_region(img);
  CHECK(got.index.v[0] == 0 && got.index.v[1] == 0 && got.index.v[2] == 0);
  CHECK(got.size.v[0] == 2 && got.size.v[1] == 2 && got.size.v[2] == 2);
  CHECK(ndw_image_f32_3_buffer(img) == NULL);

  /* NULL start index on the generic call means zeros */
  {
    ndw_image *im = ndw_image_f32_3_base(img);
    int64_t start[3] = {7, 7, 7};
    uint64_t size[3] = {1, 2, 3};
    CHECK_OK(ndw_image_set_regions(im, start, size));
    CHECK_OK(ndw_image_set_regions(im, NULL, size));
    ndw_image_get_index(im, start);
    CHECK(start[0] == 0 && start[1] == 0 && start[2] == 0);
    CHECK_STATUS(ndw_image_set_regions(im, NULL, NULL), NDW_E_INVALID);
  }
  CHECK_OK(ndw_image_f32_3_free(img));
}

NDW_TEST(image_set_components) {
  ndw_image *sc = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *vec = new_image(NDW_PIXEL_F, 2, 1);
  uint64_t size[2] = {3, 2};
  ptrdiff_t strides[2], cstride;

  /* a scalar image has exactly one component */
  CHECK_OK(ndw_image_set_components(sc, 1));
  CHECK_STATUS(ndw_image_set_components(sc, 2), NDW_E_INVALID);
  CHECK(ndw_image_components(sc) == 1);

  CHECK_STATUS(ndw_image_set_components(vec, 0), NDW_E_INVALID);
  CHECK(ndw_image_components(vec) == 1);
  CHECK_OK(ndw_image_set_regions(vec, NULL, size));
  CHECK_OK(ndw_image_allocate(vec, 1));
  /* the same count keeps the buffer, a new count drops it */
  CHECK_OK(ndw_image_set_components(vec, 1));
  CHECK(ndw_image_is_allocated(vec));
  CHECK_OK(ndw_image_set_components(vec, 5));
  CHECK(ndw_image_components(vec) == 5);
  CHECK(!ndw_image_is_allocated(vec));
  CHECK_OK(ndw_image_allocate(vec, 1));
  ndw_image_get_strides(vec, strides, &cstride);
  CHECK(cstride == 4 && strides[0] == 20 && strides[1] == 60);

  CHECK_OK(ndw_image_free(sc));
  CHECK_OK(ndw_image_free(vec));
}

/* ---- typed pixel round trips ------------------------------------------- */

NDW_TEST(image_pixels_f32_3) {
  ndw_image_f32_3 *img = NULL;
  ndw_region_3 r = {{{0, 0, 0}}, {{3, 4, 5}}};
  float *buf, v;
  int same = 1;

  CHECK_OK(ndw_image_f32_3_new(&img));
  CHECK_OK(ndw_image_f32_3_set_regions(img, &r));
  CHECK_OK(ndw_image_f32_3_allocate(img, 0));
  for (int64_t z = 0; z < 5; ++z)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 3; ++x)
        CHECK_OK(ndw_image_f32_3_set_pixel(img, &(ndw_index_3){{x, y, z}}, pattern3(x, y, z)));
  buf = ndw_image_f32_3_buffer(img);
  for (int64_t z = 0; z < 5; ++z)
    for (int64_t y = 0; y < 4; ++y)
      for (int64_t x = 0; x < 3; ++x) {
        v = 0.0f;
        CHECK_OK(ndw_image_f32_3_get_pixel(img, &(ndw_index_3){{x, y, z}}, &v));
        same &= v == pattern3(x, y, z);
        same &= buf[x + 3 * y + 12 * z] == pattern3(x, y, z); /* x fastest */
      }
  CHECK(same);
  CHECK_OK(ndw_image_f32_3_free(img));
}

NDW_TEST(image_pixels_u8_2) {
  ndw_image_u8_2 *img = NULL;
  uint8_t *buf, v;
  int same = 1;

  CHECK_OK(ndw_image_u8_2_new(&img));
  CHECK_OK(ndw_image_u8_2_set_size(img, &(ndw_size_2){{17, 15}}));
  CHECK_OK(ndw_image_u8_2_allocate(img, 1));
  for (int64_t y = 0; y < 15; ++y)
    for (int64_t x = 0; x < 17; ++x)
      CHECK_OK(ndw_image_u8_2_set_pixel(img, &(ndw_index_2){{x, y}},
                                        (uint8_t)(x * 15 + y))); /* 0..254 */
  buf = ndw_image_u8_2_buffer(img);
  for (int64_t y = 0; y < 15; ++y)
    for (int64_t x = 0; x < 17; ++x) {
      CHECK_OK(ndw_image_u8_2_get_pixel(img, &(ndw_index_2){{x, y}}, &v));
      same &= v == (uint8_t)(x * 15 + y) && buf[x + 17 * y] == v;
    }
  CHECK(same);
  /* the full 8-bit range survives */
  CHECK_OK(ndw_image_u8_2_set_pixel(img, &(ndw_index_2){{16, 14}}, 255));
  CHECK_OK(ndw_image_u8_2_get_pixel(img, &(ndw_index_2){{16, 14}}, &v));
  CHECK(v == 255);
  CHECK_OK(ndw_image_u8_2_free(img));
}

NDW_TEST(image_pixels_c64_2) {
  ndw_image_c64_2 *img = NULL;
  ndw_c64 *buf, v;
  int same = 1;

  CHECK_OK(ndw_image_c64_2_new(&img));
  CHECK_OK(ndw_image_c64_2_set_regions(img, &(ndw_region_2){{{-1, 2}}, {{4, 3}}}));
  CHECK_OK(ndw_image_c64_2_allocate(img, 1));
  CHECK(ndw_pixel_type_size(NDW_PIXEL_CF) == sizeof(ndw_c64));
  for (int64_t y = 2; y < 5; ++y)
    for (int64_t x = -1; x < 3; ++x)
      CHECK_OK(ndw_image_c64_2_set_pixel(img, &(ndw_index_2){{x, y}},
                                         CMPLXF((float)x, -(float)y - 0.5f)));
  buf = ndw_image_c64_2_buffer(img);
  for (int64_t y = 2; y < 5; ++y)
    for (int64_t x = -1; x < 3; ++x) {
      CHECK_OK(ndw_image_c64_2_get_pixel(img, &(ndw_index_2){{x, y}}, &v));
      same &= crealf(v) == (float)x && cimagf(v) == -(float)y - 0.5f;
      same &= buf[(x + 1) + 4 * (y - 2)] == v;
    }
  CHECK(same);
  /* real and imaginary parts are interleaved, real first */
  CHECK(((float *)buf)[0] == -1.0f && ((float *)buf)[1] == -2.5f);
  CHECK_OK(ndw_image_c64_2_free(img));
}

NDW_TEST(image_pixels_b8_4) {
  ndw_image_b8_4 *img = NULL;
  ndw_bool *buf, v;
  int same = 1, trues = 0;

  CHECK_OK(ndw_image_b8_4_new(&img));
  CHECK_OK(ndw_image_b8_4_set_size(img, &(ndw_size_4){{2, 3, 2, 3}}));
  CHECK_OK(ndw_image_b8_4_allocate(img, 1));
  CHECK(sizeof(ndw_bool) == 1);
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t z = 0; z < 2; ++z)
      for (int64_t y = 0; y < 3; ++y)
        for (int64_t x = 0; x < 2; ++x)
          CHECK_OK(ndw_image_b8_4_set_pixel(img, &(ndw_index_4){{x, y, z, t}},
                                            (x + 2 * y + 3 * z + t) % 3 == 0));
  buf = ndw_image_b8_4_buffer(img);
  for (int64_t t = 0; t < 3; ++t)
    for (int64_t z = 0; z < 2; ++z)
      for (int64_t y = 0; y < 3; ++y)
        for (int64_t x = 0; x < 2; ++x) {
          int want = (x + 2 * y + 3 * z + t) % 3 == 0;
          v = !want;
          CHECK_OK(ndw_image_b8_4_get_pixel(img, &(ndw_index_4){{x, y, z, t}}, &v));
          same &= v == want && buf[x + 2 * y + 6 * z + 12 * t] == want;
          trues += want;
        }
  CHECK(same);
  CHECK(trues > 0 && trues < 36);
  CHECK_OK(ndw_image_b8_4_fill_buffer(img, true));
  for (int i = 0; i < 36; ++i) CHECK(buf[i] == true);
  CHECK_OK(ndw_image_b8_4_free(img));
}

NDW_TEST(image_pixels_i64_3) {
  ndw_image_i64_3 *img = NULL;
  int64_t *buf, v;
  int same = 1;

  CHECK_OK(ndw_image_i64_3_new(&img));
  CHECK_OK(ndw_image_i64_3_set_regions(img, &(ndw_region_3){{{10, -10, 0}}, {{2, 3, 4}}}));
  CHECK_OK(ndw_image_i64_3_allocate(img, 0));
  /* values at both ends of the 64-bit range: no truncation anywhere */
  for (int64_t z = 0; z < 4; ++z)
    for (int64_t y = -10; y < -7; ++y)
      for (int64_t x = 10; x < 12; ++x) {
        int64_t lin = (x - 10) + 2 * (y + 10) + 6 * z;
        int64_t want = lin % 2 ? INT64_MAX - lin : INT64_MIN + lin;
        CHECK_OK(ndw_image_i64_3_set_pixel(img, &(ndw_index_3){{x, y, z}}, want));
      }
  buf = ndw_image_i64_3_buffer(img);
  for (int64_t z = 0; z < 4; ++z)
    for (int64_t y = -10; y < -7; ++y)
      for (int64_t x = 10; x < 12; ++x) {
        int64_t lin = (x - 10) + 2 * (y + 10) + 6 * z;
        int64_t want = lin % 2 ? INT64_MAX - lin : INT64_MIN + lin;
        CHECK_OK(ndw_image_i64_3_get_pixel(img, &(ndw_index_3){{x, y, z}}, &v));
        same &= v == want && buf[lin] == want;
      }
  CHECK(same);
  CHECK_OK(ndw_image_i64_3_free(img));
}

NDW_TEST(image_pixels_vector_f32_3) {
  ndw_vector_image_f32_3 *img = NULL;
  float *buf, out[3];
  int same = 1;

  CHECK_OK(ndw_vector_image_f32_3_new(&img));
  CHECK_OK(ndw_vector_image_f32_3_set_components(img, 3));
  CHECK(ndw_vector_image_f32_3_components(img) == 3);
  CHECK_OK(ndw_vector_image_f32_3_set_size(img, &(ndw_size_3){{3, 2, 2}}));
  CHECK_OK(ndw_vector_image_f32_3_allocate(img, 1));
  for (int64_t z = 0; z < 2; ++z)
    for (int64_t y = 0; y < 2; ++y)
      for (int64_t x = 0; x < 3; ++x) {
        float value[3] = {(float)x, (float)y + 0.25f, -(float)z};
        CHECK_OK(ndw_vector_image_f32_3_set_pixel(img, &(ndw_index_3){{x, y, z}}, value));
      }
  buf = ndw_vector_image_f32_3_buffer(img);
  for (int64_t z = 0; z < 2; ++z)
    for (int64_t y = 0; y < 2; ++y)
      for (int64_t x = 0; x < 3; ++x) {
        int64_t p = 3 * (x + 3 * y + 6 * z); /* components innermost */
        CHECK_OK(ndw_vector_image_f32_3_get_pixel(img, &(ndw_index_3){{x, y, z}}, out));
        same &= out[0] == (float)x && out[1] == (float)y + 0.25f && out[2] == -(float)z;
        same &= buf[p] == out[0] && buf[p + 1] == out[1] && buf[p + 2] == out[2];
      }
  CHECK(same);
  CHECK_STATUS(ndw_vector_image_f32_3_get_pixel(img, &(ndw_index_3){{3, 0, 0}}, out),
               NDW_E_RANGE);
  CHECK_OK(ndw_vector_image_f32_3_free(img));
}

NDW_TEST(image_pixels_vector_u8_2) {
  ndw_vector_image_u8_2 *img = NULL;
  uint8_t *buf, out[3], fill[3] = {1, 2, 3};
  int same = 1;

  CHECK_OK(ndw_vector_image_u8_2_new(&img));
  CHECK_OK(ndw_vector_image_u8_2_set_regions(img, &(ndw_region_2){{{5, 5}}, {{4, 3}}}));
  CHECK_OK(ndw_vector_image_u8_2_set_components(img, 3));
  CHECK_OK(ndw_vector_image_u8_2_allocate(img, 1));
  CHECK_OK(ndw_vector_image_u8_2_fill_buffer(img, fill));
  CHECK_OK(ndw_vector_image_u8_2_set_pixel(img, &(ndw_index_2){{8, 7}},
                                           (const uint8_t[3]){200, 201, 255}));
  buf = ndw_vector_image_u8_2_buffer(img);
  for (int64_t y = 5; y < 8; ++y)
    for (int64_t x = 5; x < 9; ++x) {
      int last = x == 8 && y == 7;
      int64_t p = 3 * ((x - 5) + 4 * (y - 5));
      CHECK_OK(ndw_vector_image_u8_2_get_pixel(img, &(ndw_index_2){{x, y}}, out));
      same &= out[0] == (last ? 200 : 1) && out[1] == (last ? 201 : 2) &&
              out[2] == (last ? 255 : 3);
      same &= memcmp(buf + p, out, 3) == 0;
    }
  CHECK(same);
  CHECK_OK(ndw_vector_image_u8_2_free(img));
}

/* ---- fill -------------------------------------------------------------- */

NDW_TEST(image_fill_contiguous) {
  ndw_image_f32_3 *img = NULL;
  ndw_vector_image_u8_2 *vimg = NULL;
  ndw_image *empty;
  float *buf;
  uint8_t *vbuf;
  uint64_t esize[2] = {0, 4};
  int ok = 1;

  /* 105 pixels: not a power of two, exercises the doubling copy */
  CHECK_OK(ndw_image_f32_3_new(&img));
  CHECK_OK(ndw_image_f32_3_set_size(img, &(ndw_size_3){{5, 3, 7}}));
  CHECK_OK(ndw_image_f32_3_allocate(img, 0));
  buf = ndw_image_f32_3_buffer(img);
  CHECK_OK(ndw_image_f32_3_fill_buffer(img, 2.5f));
  for (int i = 0; i < 105; ++i) ok &= buf[i] == 2.5f;
  CHECK(ok);
  CHECK_OK(ndw_image_f32_3_fill_buffer(img, 0.0f));
  for (int i = 0; i < 105; ++i) ok &= buf[i] == 0.0f && !signbit(buf[i]);
  CHECK(ok);
  /* -0.0 is not all-zero bytes */
  CHECK_OK(ndw_image_f32_3_fill_buffer(img, -0.0f));
  for (int i = 0; i < 105; ++i) ok &= buf[i] == 0.0f && signbit(buf[i]);
  CHECK(ok);
  CHECK_OK(ndw_image_f32_3_free(img));

  CHECK_OK(ndw_vector_image_u8_2_new(&vimg));
  CHECK_OK(ndw_vector_image_u8_2_set_components(vimg, 3));
  CHECK_OK(ndw_vector_image_u8_2_set_size(vimg, &(ndw_size_2){{7, 3}}));
  CHECK_OK(ndw_vector_image_u8_2_allocate(vimg, 0));
  vbuf = ndw_vector_image_u8_2_buffer(vimg);
  CHECK_OK(ndw_vector_image_u8_2_fill_buffer(vimg, (const uint8_t[3]){1, 2, 3}));
  for (int p = 0; p < 21; ++p) ok &= vbuf[3 * p] == 1 && vbuf[3 * p + 1] == 2 && vbuf[3 * p + 2] == 3;
  CHECK(ok);
  CHECK_OK(ndw_vector_image_u8_2_fill_buffer(vimg, (const uint8_t[3]){0, 0, 0}));
  for (int i = 0; i < 63; ++i) ok &= vbuf[i] == 0;
  CHECK(ok);
  CHECK_OK(ndw_vector_image_u8_2_free(vimg));

  /* an empty region still allocates and fills */
  empty = new_image(NDW_PIXEL_F, 2, 0);
  CHECK_OK(ndw_image_set_regions(empty, NULL, esize));
  CHECK_OK(ndw_image_allocate(empty, 1));
  CHECK(ndw_image_is_allocated(empty));
  CHECK(ndw_image_number_of_pixels(empty) == 0);
  CHECK_OK(ndw_image_fill(empty, &(float){3.0f}));
  CHECK_STATUS(ndw_image_get_pixel(empty, (const int64_t[2]){0, 0}, &(float){0}), NDW_E_RANGE);
  CHECK_OK(ndw_image_free(empty));
}

NDW_TEST(image_fill_strided_views) {
  float rev[3][4], grid[6][8];
  uint16_t planes[3][2][4];
  uint64_t size2[2] = {4, 3};
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *vec = new_image(NDW_PIXEL_US, 2, 1);
  int ok = 1;

  /* reversed: x and y both run backwards through rev */
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) rev[r][c] = -1.0f;
  CHECK_OK(ndw_image_set_regions(im, NULL, size2));
  CHECK_OK(ndw_image_wrap(im, &rev[2][3], (const ptrdiff_t[2]){-4, -16}, 0, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_fill(im, &(float){7.0f}));
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) ok &= rev[r][c] == 7.0f;
  CHECK(ok);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) rev[r][c] = (float)(r * 4 + c);
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 4; ++x) {
      float v = -1.0f;
      CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){x, y}, &v));
      ok &= v == rev[2 - y][3 - x];
    }
  CHECK(ok);

  /* every other row and column of grid; the rest must stay untouched */
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 8; ++c) grid[r][c] = -1.0f;
  CHECK_OK(ndw_image_wrap(im, grid, (const ptrdiff_t[2]){8, 64}, 0, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_fill(im, &(float){9.0f}));
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 8; ++c) ok &= grid[r][c] == (r % 2 == 0 && c % 2 == 0 ? 9.0f : -1.0f);
  CHECK(ok);
  /* an all-zero value on a strided view must not memset the gaps */
  CHECK_OK(ndw_image_fill(im, &(float){0.0f}));
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 8; ++c) ok &= grid[r][c] == (r % 2 == 0 && c % 2 == 0 ? 0.0f : -1.0f);
  CHECK(ok);

  /* planar components: component c of pixel (x, y) is planes[c][y][x] */
  memset(planes, 0xff, sizeof planes);
  CHECK_OK(ndw_image_set_components(vec, 3));
  CHECK_OK(ndw_image_set_regions(vec, NULL, (const uint64_t[2]){4, 2}));
  CHECK_OK(ndw_image_wrap(vec, planes, (const ptrdiff_t[2]){2, 8}, 16, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(vec));
  CHECK_OK(ndw_image_fill(vec, (const uint16_t[3]){10, 20, 30}));
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 2; ++y)
      for (int x = 0; x < 4; ++x) ok &= planes[c][y][x] == 10 * (c + 1);
  CHECK(ok);
  CHECK_OK(ndw_image_set_pixel(vec, (const int64_t[2]){1, 1}, (const uint16_t[3]){7, 8, 9}));
  CHECK(planes[0][1][1] == 7 && planes[1][1][1] == 8 && planes[2][1][1] == 9);
  {
    uint16_t px[3] = {0, 0, 0};
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){1, 1}, px));
    CHECK(px[0] == 7 && px[1] == 8 && px[2] == 9);
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){3, 0}, px));
    CHECK(px[0] == 10 && px[1] == 20 && px[2] == 30);
  }
  /* negative component stride: components in reverse plane order */
  CHECK_OK(ndw_image_wrap(vec, &planes[2][0][0], (const ptrdiff_t[2]){2, 8}, -16, 0, NULL,
                          NULL));
  {
    uint16_t px[3] = {0, 0, 0};
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){1, 1}, px));
    CHECK(px[0] == 9 && px[1] == 8 && px[2] == 7);
    CHECK_OK(ndw_image_fill(vec, (const uint16_t[3]){1, 2, 3}));
    CHECK(planes[0][0][0] == 3 && planes[1][0][0] == 2 && planes[2][0][0] == 1);
    CHECK(planes[0][1][3] == 3 && planes[2][1][3] == 1);
  }

  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(vec));
}

/* ---- metadata ---------------------------------------------------------- */

NDW_TEST(image_metadata) {
  ndw_image_f64_2 *img = NULL;
  ndw_image *a = new_image(NDW_PIXEL_F, 3, 0), *b = new_image(NDW_PIXEL_F, 3, 1);
  ndw_image *two = new_image(NDW_PIXEL_F, 2, 0);
  double sp[2], org[2], dir[4];
  double sp3[3] = {0.5, 2.0, 3.25}, org3[3] = {-1.0, 0.0, 1e6};
  double rot[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1}, got[9];

  CHECK_OK(ndw_image_f64_2_new(&img));
  CHECK_OK(ndw_image_f64_2_set_spacing(img, (const double[2]){0.25, 4.0}));
  ndw_image_f64_2_get_spacing(img, sp);
  CHECK(sp[0] == 0.25 && sp[1] == 4.0);
  /* zero, negative, NaN and infinite spacing are rejected, unchanged */
  CHECK_STATUS(ndw_image_f64_2_set_spacing(img, (const double[2]){0.0, 1.0}), NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_spacing(img, (const double[2]){1.0, -2.0}), NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_spacing(img, (const double[2]){NAN, 1.0}), NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_spacing(img, (const double[2]){1.0, INFINITY}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_spacing(img, (const double[2]){-0.0, 1.0}), NDW_E_INVALID);
  ndw_image_f64_2_get_spacing(img, sp);
  CHECK(sp[0] == 0.25 && sp[1] == 4.0);

  CHECK_OK(ndw_image_f64_2_set_origin(img, (const double[2]){-3.5, 12.0}));
  ndw_image_f64_2_get_origin(img, org);
  CHECK(org[0] == -3.5 && org[1] == 12.0);
  CHECK_STATUS(ndw_image_f64_2_set_origin(img, (const double[2]){NAN, 0.0}), NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_origin(img, (const double[2]){0.0, -INFINITY}),
               NDW_E_INVALID);
  ndw_image_f64_2_get_origin(img, org);
  CHECK(org[0] == -3.5 && org[1] == 12.0);

  /* direction: row-major, any non-singular matrix (a flip is fine) */
  CHECK_OK(ndw_image_f64_2_set_direction(img, (const double[4]){0, 1, 1, 0}));
  ndw_image_f64_2_get_direction(img, dir);
  CHECK(dir[0] == 0 && dir[1] == 1 && dir[2] == 1 && dir[3] == 0);
  CHECK_OK(ndw_image_f64_2_set_direction(img, (const double[4]){0.6, -0.8, 0.8, 0.6}));
  ndw_image_f64_2_get_direction(img, dir);
  CHECK(dir[0] == 0.6 && dir[1] == -0.8 && dir[2] == 0.8 && dir[3] == 0.6);
  CHECK_STATUS(ndw_image_f64_2_set_direction(img, (const double[4]){1, 2, 2, 4}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_direction(img, (const double[4]){0, 0, 0, 0}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_direction(img, (const double[4]){1, 0, 0, NAN}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f64_2_set_direction(img, (const double[4]){INFINITY, 0, 0, 1}),
               NDW_E_INVALID);
  ndw_image_f64_2_get_direction(img, dir);
  CHECK(dir[0] == 0.6 && dir[1] == -0.8 && dir[2] == 0.8 && dir[3] == 0.6);
  CHECK_OK(ndw_image_f64_2_free(img));

  /* 3-d: a rotation is accepted, a rank-2 matrix is not */
  CHECK_OK(ndw_image_set_direction(a, rot));
  CHECK_STATUS(ndw_image_set_direction(a, (const double[9]){1, 0, 0, 0, 1, 0, 1, 1, 0}),
               NDW_E_INVALID);
  CHECK_OK(ndw_image_set_spacing(a, sp3));
  CHECK_OK(ndw_image_set_origin(a, org3));

  /* copy_information copies all three, even into a vector image */
  CHECK_OK(ndw_image_copy_information(b, a));
  ndw_image_get_direction(b, got);
  CHECK(memcmp(got, rot, sizeof rot) == 0);
  ndw_image_get_spacing(b, got);
  CHECK(memcmp(got, sp3, sizeof sp3) == 0);
  ndw_image_get_origin(b, got);
  CHECK(memcmp(got, org3, sizeof org3) == 0);
  CHECK_STATUS(ndw_image_copy_information(two, a), NDW_E_INVALID);

  /* metadata survives set_regions and allocate */
  CHECK_OK(ndw_image_set_regions(a, NULL, (const uint64_t[3]){2, 2, 2}));
  CHECK_OK(ndw_image_allocate(a, 1));
  ndw_image_get_spacing(a, got);
  CHECK(memcmp(got, sp3, sizeof sp3) == 0);

  CHECK_OK(ndw_image_free(a));
  CHECK_OK(ndw_image_free(b));
  CHECK_OK(ndw_image_free(two));
}

/* index <-> physical point: point = origin + direction * (spacing .* index),
 * and point_to_index inverts it, also where pivoting is needed (a zero on
 * the diagonal of the direction) and at every dimension up to NDW_MAX_DIM */
NDW_TEST(image_index_point_transforms) {
  ndw_image *a = new_image(NDW_PIXEL_F, 3, 0);
  double rot[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1}, sp[3] = {0.5, 2.0, 3.25};
  double org[3] = {-1.0, 0.0, 1e3}, idx[3] = {3, -4, 2.5}, p[3], back[3];
  CHECK_OK(ndw_image_set_direction(a, rot));
  CHECK_OK(ndw_image_set_spacing(a, sp));
  CHECK_OK(ndw_image_set_origin(a, org));
  ndw_image_index_to_point(a, idx, p);
  /* by hand: direction * (1.5, -8, 8.125) = (8, 1.5, 8.125) */
  CHECK(p[0] == -1.0 + 8.0 && p[1] == 1.5 && p[2] == 1e3 + 8.125);
  CHECK_OK(ndw_image_point_to_index(a, p, back));
  for (int i = 0; i < 3; ++i) CHECK(fabs(back[i] - idx[i]) < 1e-12);
  p[1] = NAN;
  CHECK_STATUS(ndw_image_point_to_index(a, p, back), NDW_E_INVALID);
  p[1] = INFINITY;
  CHECK_STATUS(ndw_image_point_to_index(a, p, back), NDW_E_INVALID);
  CHECK_OK(ndw_image_free(a));

  for (unsigned n = 1; n <= NDW_MAX_DIM; ++n) {
    double dir[NDW_MAX_DIM * NDW_MAX_DIM] = {0}, s[NDW_MAX_DIM], o[NDW_MAX_DIM];
    double x[NDW_MAX_DIM], q[NDW_MAX_DIM], y[NDW_MAX_DIM];
    ndw_image *im = new_image(NDW_PIXEL_F, n, 0);
    /* a cyclic permutation with one flipped axis, plus a shear: no usable
     * diagonal, so the solve must pivot */
    for (unsigned r = 0; r < n; ++r) {
      dir[r * n + (r + 1) % n] = r == 0 ? -1.0 : 1.0;
      if (n > 1) dir[r * n + r] += 0.25;
      s[r] = 0.5 + r;
      o[r] = 10.0 * r - 7.0;
      x[r] = (double)r * 1.5 - 2.0;
    }
    CHECK_OK(ndw_image_set_direction(im, dir));
    CHECK_OK(ndw_image_set_spacing(im, s));
    CHECK_OK(ndw_image_set_origin(im, o));
    ndw_image_index_to_point(im, x, q);
    for (unsigned r = 0; r < n; ++r) {
      double sum = o[r];
      for (unsigned c = 0; c < n; ++c) sum += dir[r * n + c] * s[c] * x[c];
      CHECK(fabs(q[r] - sum) < 1e-12);
    }
    CHECK_OK(ndw_image_point_to_index(im, q, y));
    for (unsigned r = 0; r < n; ++r) CHECK(fabs(y[r] - x[r]) < 1e-9);
    CHECK_OK(ndw_image_free(im));
  }
}

/* ---- size and index checks --------------------------------------------- */

NDW_TEST(image_overflowing_sizes) {
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *u8 = new_image(NDW_PIXEL_UC, 2, 0);
  ndw_image *f3 = new_image(NDW_PIXEL_F, 3, 0);
  ndw_image *vec = new_image(NDW_PIXEL_UC, 2, 1);
  ndw_image_f32_2 *typed = NULL;
  uint64_t two40[2] = {UINT64_C(1) << 40, UINT64_C(1) << 40};
  uint64_t size[2];
  const uint64_t ok[2] = {3, 4};

  CHECK_STATUS(ndw_image_set_regions(im, NULL, two40), NDW_E_INVALID);
  ndw_image_get_size(im, size);
  CHECK(size[0] == 0 && size[1] == 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, ok));
  CHECK_OK(ndw_image_allocate(im, 1));
  /* a failed set_regions keeps region and buffer */
  CHECK_STATUS(ndw_image_set_regions(im, NULL, two40), NDW_E_INVALID);
  ndw_image_get_size(im, size);
  CHECK(size[0] == 3 && size[1] == 4);
  CHECK(ndw_image_is_allocated(im));
  CHECK_STATUS(ndw_image_set_regions(im, NULL, (const uint64_t[2]){UINT64_MAX, 1}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_set_regions(im, NULL, (const uint64_t[2]){1, UINT64_MAX}),
               NDW_E_INVALID);
  CHECK_STATUS(
      ndw_image_set_regions(im, NULL, (const uint64_t[2]){(uint64_t)PTRDIFF_MAX + 1, 1}),
      NDW_E_INVALID);
  /* the pixel size counts: 2^62 one-byte pixels fit, 2^62 * 4 bytes do not */
  CHECK_OK(ndw_image_set_regions(u8, NULL, (const uint64_t[2]){UINT64_C(1) << 31,
                                                               UINT64_C(1) << 31}));
  CHECK_STATUS(ndw_image_set_regions(im, NULL, (const uint64_t[2]){UINT64_C(1) << 31,
                                                                   UINT64_C(1) << 31}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_set_regions(f3, NULL, (const uint64_t[3]){UINT64_C(1) << 21,
                                                                   UINT64_C(1) << 21,
                                                                   UINT64_C(1) << 21}),
               NDW_E_INVALID);
  /* the end of the region must stay representable */
  CHECK_STATUS(ndw_image_set_regions(u8, (const int64_t[2]){INT64_MAX - 1, 0}, ok),
               NDW_E_INVALID);
  CHECK_OK(ndw_image_set_regions(u8, (const int64_t[2]){INT64_MAX - 3, INT64_MIN}, ok));

  /* components multiply in: 2^62 bytes fit, 2 components do not */
  CHECK_OK(ndw_image_set_regions(vec, NULL, (const uint64_t[2]){UINT64_C(1) << 31,
                                                                UINT64_C(1) << 31}));
  CHECK_STATUS(ndw_image_set_components(vec, 2), NDW_E_INVALID);
  CHECK(ndw_image_components(vec) == 1);

  CHECK_OK(ndw_image_f32_2_new(&typed));
  CHECK_STATUS(ndw_image_f32_2_set_size(typed, &(ndw_size_2){{UINT64_C(1) << 40,
                                                               UINT64_C(1) << 40}}),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_f32_2_set_regions(typed, &(ndw_region_2){{{INT64_MAX, 0}}, {{1, 1}}}),
               NDW_E_INVALID);

  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(u8));
  CHECK_OK(ndw_image_free(f3));
  CHECK_OK(ndw_image_free(vec));
  CHECK_OK(ndw_image_f32_2_free(typed));
}

NDW_TEST(image_index_out_of_range) {
  ndw_image *im = new_image(NDW_PIXEL_SI, 2, 0);
  int32_t v = 0;
  void *p = NULL;
  const int64_t bad0[][2] = {{4, 0},         {-1, 0},        {0, 3},         {0, -1},
                             {INT64_MIN, 0}, {INT64_MAX, 0}, {0, INT64_MIN}, {0, INT64_MAX},
                             {INT64_MIN, INT64_MIN}, {INT64_MAX, INT64_MAX}};
  const int64_t bad1[][2] = {{-6, 100},       {-1, 100},     {-3, 99},       {-3, 103},
                             {INT64_MIN, 100}, {INT64_MAX, 100}, {-5, INT64_MIN},
                             {-5, INT64_MAX}};

  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){4, 3}));
  CHECK_OK(ndw_image_allocate(im, 1));
  for (size_t i = 0; i < sizeof bad0 / sizeof bad0[0]; ++i) {
    ndw_clear_error();
    CHECK_STATUS(ndw_image_get_pixel(im, bad0[i], &v), NDW_E_RANGE);
    CHECK(ndw_last_status() == NDW_E_RANGE);
    CHECK(strstr(ndw_last_error(), "outside") != NULL);
    CHECK_STATUS(ndw_image_set_pixel(im, bad0[i], &v), NDW_E_RANGE);
    CHECK_STATUS(ndw_image_pixel_pointer(im, bad0[i], &p), NDW_E_RANGE);
  }
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){3, 2}, &v));

  /* a nonzero start index shifts the valid range to [-5, -1] x [100, 102] */
  CHECK_OK(ndw_image_set_regions(im, (const int64_t[2]){-5, 100}, (const uint64_t[2]){4, 3}));
  CHECK_OK(ndw_image_allocate(im, 1));
  for (size_t i = 0; i < sizeof bad1 / sizeof bad1[0]; ++i) {
    CHECK_STATUS(ndw_image_get_pixel(im, bad1[i], &v), NDW_E_RANGE);
    CHECK_STATUS(ndw_image_set_pixel(im, bad1[i], &(int32_t){1}), NDW_E_RANGE);
  }
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[2]){-5, 100}, &(int32_t){11}));
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[2]){-2, 102}, &(int32_t){22}));
  CHECK_OK(ndw_image_pixel_pointer(im, (const int64_t[2]){-2, 102}, &p));
  CHECK(p == (int32_t *)ndw_image_buffer(im) + 11);
  CHECK(((int32_t *)ndw_image_buffer(im))[0] == 11);
  CHECK(*(int32_t *)p == 22);
  /* the rejected writes above wrote nothing */
  {
    int32_t *buf = ndw_image_buffer(im);
    int others = 0;
    for (int i = 1; i < 11; ++i) others |= buf[i];
    CHECK(others == 0);
  }

  /* a region at the very ends of the index range */
  CHECK_OK(ndw_image_set_regions(im, (const int64_t[2]){INT64_MIN, INT64_MAX - 3},
                                 (const uint64_t[2]){2, 3}));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[2]){INT64_MIN + 1, INT64_MAX - 1},
                               &(int32_t){5}));
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){INT64_MIN + 1, INT64_MAX - 1}, &v));
  CHECK(v == 5);
  CHECK(((int32_t *)ndw_image_buffer(im))[5] == 5);
  CHECK_STATUS(ndw_image_get_pixel(im, (const int64_t[2]){INT64_MIN + 2, INT64_MAX - 1}, &v),
               NDW_E_RANGE);
  CHECK_STATUS(ndw_image_get_pixel(im, (const int64_t[2]){INT64_MIN, INT64_MAX}, &v),
               NDW_E_RANGE);
  CHECK_STATUS(ndw_image_get_pixel(im, (const int64_t[2]){INT64_MAX, INT64_MAX - 1}, &v),
               NDW_E_RANGE);
  CHECK_STATUS(ndw_image_get_pixel(im, (const int64_t[2]){INT64_MIN, INT64_MIN}, &v),
               NDW_E_RANGE);
  CHECK_OK(ndw_image_free(im));
}

NDW_TEST(image_access_before_allocate) {
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0), *other = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *dup = (ndw_image *)&dup;
  const int64_t zero[2] = {0, 0};
  const uint64_t size[2] = {2, 2};
  float v = 1.0f, block[4] = {0};
  void *p = NULL;

  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_set_regions(other, NULL, size));
  CHECK_STATUS(ndw_image_get_pixel(im, zero, &v), NDW_E_STATE);
  CHECK(ndw_last_status() == NDW_E_STATE);
  CHECK_STATUS(ndw_image_set_pixel(im, zero, &v), NDW_E_STATE);
  CHECK_STATUS(ndw_image_pixel_pointer(im, zero, &p), NDW_E_STATE);
  CHECK_STATUS(ndw_image_fill(im, &v), NDW_E_STATE);
  CHECK_STATUS(ndw_image_export_acquire(im), NDW_E_STATE);
  CHECK(ndw_image_exports(im) == 0);
  CHECK_STATUS(ndw_image_copy_to_contiguous(im, block), NDW_E_STATE);
  CHECK_STATUS(ndw_image_copy_from_contiguous(im, block), NDW_E_STATE);
  CHECK_STATUS(ndw_image_duplicate(im, &dup), NDW_E_STATE);
  CHECK(dup == NULL);
  CHECK_OK(ndw_image_allocate(other, 1));
  CHECK_STATUS(ndw_image_copy_pixels(im, other), NDW_E_STATE);
  CHECK_STATUS(ndw_image_copy_pixels(other, im), NDW_E_STATE);

  /* set_regions drops the buffer: access fails again */
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_get_pixel(im, zero, &v));
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK(!ndw_image_is_allocated(im));
  CHECK_STATUS(ndw_image_get_pixel(im, zero, &v), NDW_E_STATE);

  /* the typed facade reports the same */
  {
    ndw_image_u8_2 *t = NULL;
    uint8_t b;
    CHECK_OK(ndw_image_u8_2_new(&t));
    CHECK_OK(ndw_image_u8_2_set_size(t, &(ndw_size_2){{1, 1}}));
    CHECK_STATUS(ndw_image_u8_2_get_pixel(t, &(ndw_index_2){{0, 0}}, &b), NDW_E_STATE);
    CHECK_STATUS(ndw_image_u8_2_fill_buffer(t, 1), NDW_E_STATE);
    CHECK(ndw_image_u8_2_buffer(t) == NULL);
    CHECK_OK(ndw_image_u8_2_free(t));
  }
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(other));
}

/* ---- exports and foreign memory ---------------------------------------- */

NDW_TEST(image_export_busy) {
  ndw_image *im = new_image(NDW_PIXEL_UC, 2, 1);
  const uint64_t size[2] = {3, 2}, other[2] = {5, 5};
  uint8_t foreign[6 * 2] = {0}, px[2] = {0, 0};
  int released = 0;
  void *data;

  CHECK_OK(ndw_image_set_components(im, 2));
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_allocate(im, 1));
  data = ndw_image_buffer(im);
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[2]){2, 1}, (const uint8_t[2]){4, 5}));

  CHECK_OK(ndw_image_export_acquire(im));
  CHECK_OK(ndw_image_export_acquire(im));
  CHECK(ndw_image_exports(im) == 2);
  CHECK_STATUS(ndw_image_allocate(im, 1), NDW_E_BUSY);
  CHECK(ndw_last_status() == NDW_E_BUSY);
  CHECK_STATUS(ndw_image_set_regions(im, NULL, other), NDW_E_BUSY);
  CHECK_STATUS(ndw_image_set_regions(im, NULL, size), NDW_E_BUSY);
  CHECK_STATUS(ndw_image_set_components(im, 3), NDW_E_BUSY);
  CHECK_STATUS(ndw_image_free(im), NDW_E_BUSY);
  /* wrapping other memory is a re-allocation too; the callback still runs */
  CHECK_STATUS(ndw_image_wrap(im, foreign, (const ptrdiff_t[2]){2, 6}, 1, 0, count_release,
                              &released),
               NDW_E_BUSY);
  CHECK(released == 1);
  /* nothing moved: same buffer, region, components and pixels */
  CHECK(ndw_image_buffer(im) == data);
  CHECK(ndw_image_components(im) == 2);
  CHECK(ndw_image_number_of_pixels(im) == 6);
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){2, 1}, px));
  CHECK(px[0] == 4 && px[1] == 5);
  /* pixel writes through the same buffer stay allowed */
  CHECK_OK(ndw_image_fill(im, (const uint8_t[2]){1, 1}));

  ndw_image_export_release(im);
  CHECK(ndw_image_exports(im) == 1);
  CHECK_STATUS(ndw_image_allocate(im, 1), NDW_E_BUSY);
  ndw_image_export_release(im);
  CHECK(ndw_image_exports(im) == 0);
  ndw_image_export_release(im); /* no underflow */
  CHECK(ndw_image_exports(im) == 0);

  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_set_components(im, 3));
  CHECK_OK(ndw_image_set_regions(im, NULL, other));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_export_acquire(im));
  ndw_image_export_release(im);
  CHECK_OK(ndw_image_free(im));
}

NDW_TEST(image_wrap_release_once) {
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0), *vec = new_image(NDW_PIXEL_F, 2, 1);
  float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {0}, v = 0.0f;
  const ptrdiff_t strides[2] = {4, 12};
  int ra = 0, rb = 0;

  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  CHECK_OK(ndw_image_wrap(im, a, strides, 0, 0, count_release, &ra));
  CHECK(ndw_image_is_allocated(im) && ndw_image_buffer(im) == a);
  CHECK(ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){2, 1}, &v));
  CHECK(v == 6.0f);
  CHECK_OK(ndw_image_set_pixel(im, (const int64_t[2]){0, 1}, &(float){40.0f}));
  CHECK(a[3] == 40.0f);
  CHECK(ra == 0);

  /* on re-allocate: once, and never again */
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK(ra == 1);
  CHECK(ndw_image_buffer(im) != a);
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK(ra == 1);

  /* on wrap of other memory: the old owner is released, the new one not yet */
  ra = 0;
  CHECK_OK(ndw_image_wrap(im, a, strides, 0, 0, count_release, &ra));
  CHECK_OK(ndw_image_wrap(im, b, strides, 0, 0, count_release, &rb));
  CHECK(ra == 1 && rb == 0);
  /* on set_regions */
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  CHECK(rb == 1 && !ndw_image_is_allocated(im));

  /* on free, even after a refused free while exported */
  ra = 0;
  CHECK_OK(ndw_image_wrap(im, a, strides, 0, 0, count_release, &ra));
  CHECK_OK(ndw_image_export_acquire(im));
  CHECK_STATUS(ndw_image_free(im), NDW_E_BUSY);
  CHECK(ra == 0);
  ndw_image_export_release(im);
  CHECK_OK(ndw_image_free(im));
  CHECK(ra == 1);

  /* when wrap fails (NULL data / NULL strides): once, and the image is empty */
  im = new_image(NDW_PIXEL_F, 2, 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  ra = 0;
  CHECK_STATUS(ndw_image_wrap(im, NULL, strides, 0, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 1);
  CHECK(!ndw_image_is_allocated(im));
  CHECK_STATUS(ndw_image_wrap(im, a, NULL, 0, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 2);
  /* a failed wrap keeps the previous buffer */
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_STATUS(ndw_image_wrap(im, NULL, strides, 0, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 3);
  CHECK(ndw_image_is_allocated(im));
  CHECK_OK(ndw_image_free(im));
  CHECK(ra == 3);

  /* on set_components of a vector image */
  ra = 0;
  CHECK_OK(ndw_image_set_regions(vec, NULL, (const uint64_t[2]){3, 1}));
  CHECK_OK(ndw_image_set_components(vec, 2));
  CHECK_OK(ndw_image_wrap(vec, a, (const ptrdiff_t[2]){8, 24}, 0, 0, count_release, &ra));
  {
    float px[2];
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){1, 0}, px));
    CHECK(px[0] == 3.0f && px[1] == 40.0f);
  }
  CHECK_OK(ndw_image_set_components(vec, 2)); /* unchanged: keeps the view */
  CHECK(ra == 0);
  CHECK_OK(ndw_image_set_components(vec, 3));
  CHECK(ra == 1);
  CHECK_OK(ndw_image_free(vec));
  CHECK(ra == 1);

  /* a NULL callback is fine */
  im = new_image(NDW_PIXEL_F, 2, 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  CHECK_OK(ndw_image_wrap(im, a, strides, 0, 0, NULL, NULL));
  CHECK_OK(ndw_image_free(im));
}

NDW_TEST(image_readonly_wrap) {
  ndw_image *im = new_image(NDW_PIXEL_SS, 2, 0), *src = new_image(NDW_PIXEL_SS, 2, 0);
  int16_t a[6] = {1, 2, 3, 4, 5, 6}, block[6] = {9, 9, 9, 9, 9, 9}, v = 0;
  const uint64_t size[2] = {3, 2};

  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_wrap(im, a, (const ptrdiff_t[2]){2, 6}, 0, 1, NULL, NULL));
  CHECK(ndw_image_is_readonly(im));
  CHECK_STATUS(ndw_image_set_pixel(im, (const int64_t[2]){0, 0}, &(int16_t){7}), NDW_E_READONLY);
  CHECK(ndw_last_status() == NDW_E_READONLY);
  CHECK_STATUS(ndw_image_fill(im, &(int16_t){7}), NDW_E_READONLY);
  CHECK_STATUS(ndw_image_copy_from_contiguous(im, block), NDW_E_READONLY);
  CHECK_OK(ndw_image_set_regions(src, NULL, size));
  CHECK_OK(ndw_image_allocate(src, 1));
  CHECK_STATUS(ndw_image_copy_pixels(im, src), NDW_E_READONLY);
  for (int i = 0; i < 6; ++i) CHECK(a[i] == i + 1);
  /* reads work */
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){1, 1}, &v));
  CHECK(v == 5);
  CHECK_OK(ndw_image_copy_to_contiguous(im, block));
  for (int i = 0; i < 6; ++i) CHECK(block[i] == i + 1);
  CHECK_OK(ndw_image_copy_pixels(src, im));
  CHECK_OK(ndw_image_get_pixel(src, (const int64_t[2]){2, 1}, &v));
  CHECK(v == 6);
  /* an own buffer is writable again */
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK(!ndw_image_is_readonly(im));
  CHECK_OK(ndw_image_fill(im, &(int16_t){7}));
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(src));
}

/* ---- copies ------------------------------------------------------------ */

NDW_TEST(image_copy_strided_views) {
  const uint64_t size[3] = {4, 3, 2};
  float tr[4][3][2];  /* transposed: x slowest */
  float neg[2][3][4]; /* all axes reversed */
  float every[2][3][8]; /* every other element along x */
  float out[24], lin[24];
  ndw_image *src = new_pattern_f32_3(size);
  ndw_image *vt = wrap_f32_3(tr, size, (const ptrdiff_t[3]){24, 8, 4}, 0);
  ndw_image *vn = wrap_f32_3(&neg[1][2][3], size, (const ptrdiff_t[3]){-4, -16, -48}, 0);
  ndw_image *ve = wrap_f32_3(every, size, (const ptrdiff_t[3]){8, 32, 96}, 0);
  ndw_image *back = new_image(NDW_PIXEL_F, 3, 0);
  const float *sbuf = ndw_image_buffer(src);
  int ok = 1;

  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 8; ++x) every[z][y][x] = -1.0f;
  CHECK(ndw_image_is_contiguous(src));
  CHECK(!ndw_image_is_contiguous(vt));
  CHECK(!ndw_image_is_contiguous(vn));
  CHECK(!ndw_image_is_contiguous(ve));

  /* contiguous -> strided */
  CHECK_OK(ndw_image_copy_pixels(vt, src));
  CHECK_OK(ndw_image_copy_pixels(vn, src));
  CHECK_OK(ndw_image_copy_pixels(ve, src));
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) {
        float want = pattern3(x, y, z);
        ok &= tr[x][y][z] == want;
        ok &= neg[1 - z][2 - y][3 - x] == want;
        ok &= every[z][y][2 * x] == want && every[z][y][2 * x + 1] == -1.0f;
      }
  CHECK(ok);
  CHECK(holds_pattern3(vt) && holds_pattern3(vn) && holds_pattern3(ve));

  /* strided -> contiguous memory: the allocation layout, x fastest */
  memset(out, 0, sizeof out);
  CHECK_OK(ndw_image_copy_to_contiguous(vt, out));
  CHECK(memcmp(out, sbuf, sizeof out) == 0);
  memset(out, 0, sizeof out);
  CHECK_OK(ndw_image_copy_to_contiguous(vn, out));
  CHECK(memcmp(out, sbuf, sizeof out) == 0);
  memset(out, 0, sizeof out);
  CHECK_OK(ndw_image_copy_to_contiguous(ve, out));
  CHECK(memcmp(out, sbuf, sizeof out) == 0);
  memset(out, 0, sizeof out);
  CHECK_OK(ndw_image_copy_to_contiguous(src, out));
  CHECK(memcmp(out, sbuf, sizeof out) == 0);

  /* contiguous memory -> strided views */
  for (int i = 0; i < 24; ++i) lin[i] = (float)i * 0.5f;
  CHECK_OK(ndw_image_copy_from_contiguous(vn, lin));
  CHECK_OK(ndw_image_copy_from_contiguous(ve, lin));
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) {
        float want = lin[x + 4 * y + 12 * z], v = -1.0f;
        CHECK_OK(ndw_image_get_pixel(vn, (const int64_t[3]){x, y, z}, &v));
        ok &= v == want && neg[1 - z][2 - y][3 - x] == want;
        ok &= every[z][y][2 * x] == want && every[z][y][2 * x + 1] == -1.0f;
      }
  CHECK(ok);

  /* strided -> strided, and back into a fresh contiguous image */
  CHECK_OK(ndw_image_copy_pixels(vt, vn));
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) ok &= tr[x][y][z] == lin[x + 4 * y + 12 * z];
  CHECK(ok);
  CHECK_OK(ndw_image_set_regions(back, NULL, size));
  CHECK_OK(ndw_image_allocate(back, 1));
  CHECK_OK(ndw_image_copy_pixels(back, vt));
  CHECK(memcmp(ndw_image_buffer(back), lin, sizeof lin) == 0);
  CHECK_OK(ndw_image_copy_pixels(back, src));
  CHECK(holds_pattern3(back));
  CHECK_OK(ndw_image_copy_pixels(back, ve));
  CHECK(memcmp(ndw_image_buffer(back), lin, sizeof lin) == 0);

  CHECK_OK(ndw_image_free(src));
  CHECK_OK(ndw_image_free(vt));
  CHECK_OK(ndw_image_free(vn));
  CHECK_OK(ndw_image_free(ve));
  CHECK_OK(ndw_image_free(back));
}

NDW_TEST(image_copy_size_one_axes) {
  /* size-1 axes with arbitrary strides are skipped by the copy */
  const uint64_t size[3] = {5, 1, 3};
  float mem[3][5], out[15];
  ndw_image *src = new_pattern_f32_3(size);
  ndw_image *v = wrap_f32_3(&mem[2][4], size, (const ptrdiff_t[3]){-4, 12345 * 4, -20}, 0);
  ndw_image *c = wrap_f32_3(mem, size, (const ptrdiff_t[3]){4, -7 * 4, 20}, 0);
  int ok = 1;

  CHECK(!ndw_image_is_contiguous(v));
  CHECK(ndw_image_is_contiguous(c));
  CHECK_OK(ndw_image_copy_pixels(v, src));
  for (int z = 0; z < 3; ++z)
    for (int x = 0; x < 5; ++x) ok &= mem[2 - z][4 - x] == pattern3(x, 0, z);
  CHECK(ok);
  CHECK(holds_pattern3(v));
  CHECK_OK(ndw_image_copy_to_contiguous(v, out));
  CHECK(memcmp(out, ndw_image_buffer(src), sizeof out) == 0);
  CHECK_OK(ndw_image_copy_pixels(c, src));
  CHECK(memcmp(mem, ndw_image_buffer(src), sizeof mem) == 0);
  CHECK_OK(ndw_image_free(src));
  CHECK_OK(ndw_image_free(v));
  CHECK_OK(ndw_image_free(c));
}

NDW_TEST(image_copy_vector_planar) {
  ndw_image *src = new_image(NDW_PIXEL_UC, 2, 1), *planar = new_image(NDW_PIXEL_UC, 2, 1);
  ndw_image *back = new_image(NDW_PIXEL_UC, 2, 1);
  const uint64_t size[2] = {4, 2};
  uint8_t planes[3][2][4], out[24];
  int ok = 1;

  memset(planes, 0, sizeof planes);
  CHECK_OK(ndw_image_set_components(src, 3));
  CHECK_OK(ndw_image_set_regions(src, NULL, size));
  CHECK_OK(ndw_image_allocate(src, 0));
  for (int64_t y = 0; y < 2; ++y)
    for (int64_t x = 0; x < 4; ++x) {
      uint8_t px[3] = {(uint8_t)x, (uint8_t)(10 + y), (uint8_t)(100 + x + 4 * y)};
      CHECK_OK(ndw_image_set_pixel(src, (const int64_t[2]){x, y}, px));
    }
  CHECK_OK(ndw_image_set_components(planar, 3));
  CHECK_OK(ndw_image_set_regions(planar, NULL, size));
  CHECK_OK(ndw_image_wrap(planar, planes, (const ptrdiff_t[2]){1, 4}, 8, 0, NULL, NULL));
  CHECK_OK(ndw_image_copy_pixels(planar, src));
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 4; ++x)
      ok &= planes[0][y][x] == x && planes[1][y][x] == 10 + y && planes[2][y][x] == 100 + x + 4 * y;
  CHECK(ok);
  CHECK_OK(ndw_image_copy_to_contiguous(planar, out));
  CHECK(memcmp(out, ndw_image_buffer(src), sizeof out) == 0);
  CHECK_OK(ndw_image_set_components(back, 3));
  CHECK_OK(ndw_image_set_regions(back, NULL, size));
  CHECK_OK(ndw_image_allocate(back, 1));
  CHECK_OK(ndw_image_copy_pixels(back, planar));
  CHECK(memcmp(ndw_image_buffer(back), ndw_image_buffer(src), sizeof out) == 0);
  for (int i = 0; i < 24; ++i) out[i] = (uint8_t)(200 + i);
  CHECK_OK(ndw_image_copy_from_contiguous(planar, out));
  CHECK(planes[0][0][0] == 200 && planes[1][0][0] == 201 && planes[2][0][0] == 202);
  CHECK(planes[0][1][3] == 221 && planes[2][1][3] == 223);
  CHECK_OK(ndw_image_free(src));
  CHECK_OK(ndw_image_free(planar));
  CHECK_OK(ndw_image_free(back));
}

NDW_TEST(image_copy_mismatch) {
  ndw_image *f = new_image(NDW_PIXEL_F, 2, 0), *d = new_image(NDW_PIXEL_D, 2, 0);
  ndw_image *f3 = new_image(NDW_PIXEL_F, 3, 0), *g = new_image(NDW_PIXEL_F, 2, 0);
  ndw_image *vec = new_image(NDW_PIXEL_F, 2, 1);
  const uint64_t size[2] = {3, 2};

  CHECK_OK(ndw_image_set_regions(f, NULL, size));
  CHECK_OK(ndw_image_set_regions(d, NULL, size));
  CHECK_OK(ndw_image_set_regions(f3, NULL, (const uint64_t[3]){3, 2, 1}));
  CHECK_OK(ndw_image_set_regions(g, NULL, (const uint64_t[2]){2, 3}));
  CHECK_OK(ndw_image_set_components(vec, 2));
  CHECK_OK(ndw_image_set_regions(vec, NULL, size));
  CHECK_OK(ndw_image_allocate(f, 1));
  CHECK_OK(ndw_image_allocate(d, 1));
  CHECK_OK(ndw_image_allocate(f3, 1));
  CHECK_OK(ndw_image_allocate(g, 1));
  CHECK_OK(ndw_image_allocate(vec, 1));
  CHECK_STATUS(ndw_image_copy_pixels(f, d), NDW_E_TYPE);
  CHECK_STATUS(ndw_image_copy_pixels(f, f3), NDW_E_TYPE);
  CHECK_STATUS(ndw_image_copy_pixels(f, vec), NDW_E_TYPE);
  CHECK_STATUS(ndw_image_copy_pixels(f, g), NDW_E_INVALID);
  CHECK_OK(ndw_image_free(f));
  CHECK_OK(ndw_image_free(d));
  CHECK_OK(ndw_image_free(f3));
  CHECK_OK(ndw_image_free(g));
  CHECK_OK(ndw_image_free(vec));
}

NDW_TEST(image_duplicate) {
  const uint64_t size[3] = {4, 3, 2};
  ndw_image *im = new_image(NDW_PIXEL_D, 3, 0), *dup = NULL, *view, *vdup = NULL;
  const int64_t start[3] = {1, -2, 3};
  double sp[3] = {0.5, 1.5, 2.5}, org[3] = {-1, 2, -3}, dir[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
  double got[9];
  int64_t idx[3];
  uint64_t gsize[3];
  float neg[2][3][4];
  int ok = 1;

  CHECK_OK(ndw_image_set_regions(im, start, size));
  CHECK_OK(ndw_image_set_spacing(im, sp));
  CHECK_OK(ndw_image_set_origin(im, org));
  CHECK_OK(ndw_image_set_direction(im, dir));
  CHECK_OK(ndw_image_allocate(im, 0));
  for (int64_t z = 3; z < 5; ++z)
    for (int64_t y = -2; y < 1; ++y)
      for (int64_t x = 1; x < 5; ++x)
        CHECK_OK(ndw_image_set_pixel(im, (const int64_t[3]){x, y, z},
                                     &(double){(double)(x * 100 + y * 10 + z)}));
  CHECK_OK(ndw_image_duplicate(im, &dup));
  CHECK(dup != NULL && dup != im);
  if (dup == NULL) return;
  CHECK(ndw_image_pixel_type(dup) == NDW_PIXEL_D);
  CHECK(ndw_image_dimension(dup) == 3 && !ndw_image_is_vector(dup));
  ndw_image_get_index(dup, idx);
  ndw_image_get_size(dup, gsize);
  CHECK(memcmp(idx, start, sizeof idx) == 0 && memcmp(gsize, size, sizeof gsize) == 0);
  ndw_image_get_spacing(dup, got);
  CHECK(memcmp(got, sp, sizeof sp) == 0);
  ndw_image_get_origin(dup, got);
  CHECK(memcmp(got, org, sizeof org) == 0);
  ndw_image_get_direction(dup, got);
  CHECK(memcmp(got, dir, sizeof dir) == 0);
  CHECK(ndw_image_buffer(dup) != ndw_image_buffer(im));
  CHECK(ndw_image_is_contiguous(dup));
  CHECK(memcmp(ndw_image_buffer(dup), ndw_image_buffer(im), 24 * sizeof(double)) == 0);
  /* independent pixels */
  CHECK_OK(ndw_image_set_pixel(dup, start, &(double){-1.0}));
  CHECK(((double *)ndw_image_buffer(im))[0] == 1 * 100 - 2 * 10 + 3);
  CHECK_OK(ndw_image_free(dup));

  /* a read-only strided view duplicates to a writable contiguous image */
  for (int z = 0; z < 2; ++z)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) neg[z][y][x] = (float)(z * 12 + y * 4 + x);
  view = wrap_f32_3(&neg[1][2][3], size, (const ptrdiff_t[3]){-4, -16, -48}, 1);
  CHECK_OK(ndw_image_duplicate(view, &dup));
  CHECK(ndw_image_is_contiguous(dup) && !ndw_image_is_readonly(dup));
  for (int64_t z = 0; z < 2; ++z)
    for (int64_t y = 0; y < 3; ++y)
      for (int64_t x = 0; x < 4; ++x) {
        float v = -1.0f;
        CHECK_OK(ndw_image_get_pixel(dup, (const int64_t[3]){x, y, z}, &v));
        ok &= v == neg[1 - z][2 - y][3 - x];
      }
  CHECK(ok);
  CHECK_OK(ndw_image_fill(dup, &(float){0.0f}));
  CHECK(neg[0][0][1] == 1.0f && neg[1][2][3] == 23.0f);
  CHECK_OK(ndw_image_free(dup));
  CHECK_OK(ndw_image_free(view));

  /* a vector image keeps its components */
  view = new_image(NDW_PIXEL_SS, 2, 1);
  CHECK_OK(ndw_image_set_components(view, 3));
  CHECK_OK(ndw_image_set_regions(view, NULL, (const uint64_t[2]){2, 2}));
  CHECK_OK(ndw_image_allocate(view, 0));
  CHECK_OK(ndw_image_fill(view, (const int16_t[3]){-1, 0, 1}));
  CHECK_OK(ndw_image_duplicate(view, &vdup));
  CHECK(ndw_image_is_vector(vdup) && ndw_image_components(vdup) == 3);
  {
    int16_t px[3] = {9, 9, 9};
    CHECK_OK(ndw_image_get_pixel(vdup, (const int64_t[2]){1, 1}, px));
    CHECK(px[0] == -1 && px[1] == 0 && px[2] == 1);
  }
  CHECK_OK(ndw_image_free(vdup));
  CHECK_OK(ndw_image_free(view));
  CHECK_OK(ndw_image_free(im));
}

NDW_TEST(image_is_contiguous) {
  ndw_image *im = new_image(NDW_PIXEL_SI, 2, 0), *vec = new_image(NDW_PIXEL_SI, 2, 1);
  int32_t mem[24];

  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  CHECK(!ndw_image_is_contiguous(im)); /* unallocated */
  CHECK_OK(ndw_image_allocate(im, 0));
  CHECK(ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_wrap(im, mem, (const ptrdiff_t[2]){4, 12}, 0, 0, NULL, NULL));
  CHECK(ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_wrap(im, mem, (const ptrdiff_t[2]){8, 24}, 0, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(im));
  CHECK_OK(ndw_image_wrap(im, mem, (const ptrdiff_t[2]){8, 4}, 0, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(im)); /* transposed */
  CHECK_OK(ndw_image_wrap(im, mem + 5, (const ptrdiff_t[2]){-4, -12}, 0, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(im));
  /* the stride of a size-1 axis does not matter */
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 1}));
  CHECK_OK(ndw_image_wrap(im, mem, (const ptrdiff_t[2]){4, -100}, 0, 0, NULL, NULL));
  CHECK(ndw_image_is_contiguous(im));

  CHECK_OK(ndw_image_set_components(vec, 2));
  CHECK_OK(ndw_image_set_regions(vec, NULL, (const uint64_t[2]){3, 2}));
  CHECK_OK(ndw_image_wrap(vec, mem, (const ptrdiff_t[2]){8, 24}, 4, 0, NULL, NULL));
  CHECK(ndw_image_is_contiguous(vec));
  CHECK_OK(ndw_image_wrap(vec, mem, (const ptrdiff_t[2]){8, 24}, 0, 0, NULL, NULL));
  CHECK(ndw_image_is_contiguous(vec)); /* 0 means the component size */
  CHECK_OK(ndw_image_wrap(vec, mem, (const ptrdiff_t[2]){4, 12}, 24, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(vec)); /* planar */
  /* contiguous pixel strides, components reversed: not contiguous, and
   * fill must honour the component stride */
  CHECK_OK(ndw_image_wrap(vec, mem + 1, (const ptrdiff_t[2]){8, 24}, -4, 0, NULL, NULL));
  CHECK(!ndw_image_is_contiguous(vec));
  CHECK_OK(ndw_image_fill(vec, (const int32_t[2]){1, 2}));
  for (int p = 0; p < 6; ++p) CHECK(mem[2 * p] == 2 && mem[2 * p + 1] == 1);
  CHECK_OK(ndw_image_free(im));
  CHECK_OK(ndw_image_free(vec));
}

/* ndw_image_wrap_region (issue 16): components + region + memory in one
 * pass, with the checks and the release rule of the three calls. */
NDW_TEST(image_wrap_region) {
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0), *vec = new_image(NDW_PIXEL_F, 2, 1);
  ndw_image *rgb = new_image(NDW_PIXEL_UC, 2, NDW_LAYOUT_COMPOUND(NDW_COMPOUND_RGBUC, 3));
  float a[6] = {1, 2, 3, 4, 5, 6}, v = 0.0f;
  unsigned char c[12] = {0};
  const ptrdiff_t strides[2] = {4, 12};
  uint64_t size[2] = {0, 0};
  int64_t index[2] = {7, 7};
  int ra = 0;

  /* a region with a start index first: wrap_region resets it to 0 */
  CHECK_OK(ndw_image_set_regions(im, (const int64_t[2]){5, 6}, (const uint64_t[2]){1, 1}));
  CHECK_OK(ndw_image_wrap_region(im, (const uint64_t[2]){3, 2}, 1, a, strides, 0, 1,
                                 count_release, &ra));
  ndw_image_get_size(im, size);
  ndw_image_get_index(im, index);
  CHECK(size[0] == 3 && size[1] == 2 && index[0] == 0 && index[1] == 0);
  CHECK(ndw_image_buffer(im) == a && ndw_image_is_readonly(im) && ra == 0);
  CHECK_OK(ndw_image_get_pixel(im, (const int64_t[2]){2, 1}, &v));
  CHECK(v == 6.0f);
  /* exported: refused, nothing changed, the new owner released */
  CHECK_OK(ndw_image_export_acquire(im));
  {
    int rb = 0;
    CHECK_STATUS(ndw_image_wrap_region(im, (const uint64_t[2]){2, 3}, 1, a, strides, 0, 0,
                                       count_release, &rb),
                 NDW_E_BUSY);
    CHECK(rb == 1 && ra == 0 && ndw_image_buffer(im) == a);
  }
  ndw_image_export_release(im);
  /* a scalar image takes 1 component only; the old view stays */
  CHECK_STATUS(ndw_image_wrap_region(im, (const uint64_t[2]){3, 1}, 2, a, strides, 4, 0,
                                     count_release, &ra),
               NDW_E_INVALID);
  CHECK(ra == 1 && ndw_image_buffer(im) == a);
  /* overflowing sizes and NULL arguments: refused, released */
  CHECK_STATUS(ndw_image_wrap_region(im, (const uint64_t[2]){UINT64_MAX, 2}, 1, a, strides, 0,
                                     0, count_release, &ra),
               NDW_E_INVALID);
  CHECK(ra == 2);
  CHECK_STATUS(ndw_image_wrap_region(im, (const uint64_t[2]){3, 2}, 1, NULL, strides, 0, 0,
                                     count_release, &ra),
               NDW_E_INVALID);
  CHECK(ra == 3);
  CHECK_OK(ndw_image_free(im)); /* the first owner: released on free, once */
  CHECK(ra == 4);

  /* a vector image: components from the call */
  ra = 0;
  CHECK_OK(ndw_image_wrap_region(vec, (const uint64_t[2]){3, 1}, 2, a, (const ptrdiff_t[2]){8, 24},
                                 4, 0, count_release, &ra));
  CHECK(ndw_image_components(vec) == 2);
  {
    float px[2];
    CHECK_OK(ndw_image_get_pixel(vec, (const int64_t[2]){1, 0}, px));
    CHECK(px[0] == 3.0f && px[1] == 4.0f);
  }
  CHECK_STATUS(ndw_image_wrap_region(vec, (const uint64_t[2]){3, 1}, 0, a, strides, 4, 0, NULL,
                                     NULL),
               NDW_E_INVALID);
  CHECK_OK(ndw_image_free(vec));
  CHECK(ra == 1);

  /* a fixed-size pixel type: its own count only */
  CHECK_STATUS(ndw_image_wrap_region(rgb, (const uint64_t[2]){2, 2}, 4, c, (const ptrdiff_t[2]){4, 8},
                                     1, 0, NULL, NULL),
               NDW_E_INVALID);
  CHECK_OK(ndw_image_wrap_region(rgb, (const uint64_t[2]){2, 2}, 3, c, (const ptrdiff_t[2]){3, 6},
                                 1, 0, NULL, NULL));
  CHECK(ndw_image_components(rgb) == 3 && ndw_image_is_contiguous(rgb));
  CHECK_OK(ndw_image_free(rgb));
}

/* ndw_image_take_release: the owner handed back, not called; refused while
 * exported; nothing for owned or no memory. */
NDW_TEST(image_take_release) {
  ndw_image *im = new_image(NDW_PIXEL_F, 2, 0);
  float a[6] = {0};
  const ptrdiff_t strides[2] = {4, 12};
  ndw_release_fn fn = NULL;
  void *ctx = NULL;
  int ra = 0;

  CHECK_OK(ndw_image_take_release(im, &fn, &ctx)); /* unallocated */
  CHECK(fn == NULL && ctx == NULL);
  CHECK_OK(ndw_image_wrap_region(im, (const uint64_t[2]){3, 2}, 1, a, strides, 0, 0,
                                 count_release, &ra));
  CHECK_OK(ndw_image_export_acquire(im));
  CHECK_STATUS(ndw_image_take_release(im, &fn, &ctx), NDW_E_BUSY);
  CHECK(fn == NULL && ra == 0 && ndw_image_buffer(im) == a);
  ndw_image_export_release(im);
  CHECK_OK(ndw_image_take_release(im, &fn, &ctx));
  CHECK(fn == count_release && ctx == &ra && ra == 0 && !ndw_image_is_allocated(im));
  fn(ctx);
  CHECK_OK(ndw_image_free(im));
  CHECK(ra == 1); /* not called again by free */

  /* own memory: nothing to take, the buffer stays */
  im = new_image(NDW_PIXEL_F, 2, 0);
  CHECK_OK(ndw_image_set_regions(im, NULL, (const uint64_t[2]){3, 2}));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_take_release(im, &fn, &ctx));
  CHECK(fn == NULL && ndw_image_is_allocated(im));
  CHECK_OK(ndw_image_free(im));
}

/* ndw_image_new sets only the first dim axes; metadata of every dimension
 * still reads back as the defaults and copies dimension by dimension. */
NDW_TEST(image_new_defaults_every_dim) {
  for (unsigned dim = 1; dim <= NDW_MAX_DIM; ++dim) {
    ndw_image *im = new_image(NDW_PIXEL_D, dim, 0), *other = new_image(NDW_PIXEL_D, dim, 1);
    double sp[NDW_MAX_DIM], org[NDW_MAX_DIM], dir[NDW_MAX_DIM * NDW_MAX_DIM];
    uint64_t size[NDW_MAX_DIM];
    int64_t index[NDW_MAX_DIM];
    ndw_image_get_spacing(im, sp);
    ndw_image_get_origin(im, org);
    ndw_image_get_direction(im, dir);
    ndw_image_get_size(im, size);
    ndw_image_get_index(im, index);
    for (unsigned i = 0; i < dim; ++i) {
      CHECK(sp[i] == 1.0 && org[i] == 0.0 && size[i] == 0 && index[i] == 0);
      for (unsigned j = 0; j < dim; ++j) CHECK(dir[i * dim + j] == (i == j ? 1.0 : 0.0));
      sp[i] = 2.0 + i;
      org[i] = -1.0 - i;
    }
    CHECK(!ndw_image_is_allocated(im) && ndw_image_exports(im) == 0);
    CHECK(ndw_image_components(im) == 1 && ndw_image_components(other) == 1);
    CHECK_OK(ndw_image_set_spacing(im, sp));
    CHECK_OK(ndw_image_set_origin(im, org));
    CHECK_OK(ndw_image_copy_information(other, im));
    ndw_image_get_spacing(other, sp);
    ndw_image_get_origin(other, org);
    ndw_image_get_direction(other, dir);
    for (unsigned i = 0; i < dim; ++i) {
      CHECK(sp[i] == 2.0 + i && org[i] == -1.0 - i);
      for (unsigned j = 0; j < dim; ++j) CHECK(dir[i * dim + j] == (i == j ? 1.0 : 0.0));
    }
    CHECK_OK(ndw_image_free(im));
    CHECK_OK(ndw_image_free(other));
  }
}
