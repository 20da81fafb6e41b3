/* ndwrap's own ndw_add_module() module (ImageCast) and ndw_iter. */
#include <math.h>
#include <string.h>

#include "ndw/image.h"
#include "ndw_test.h"

#if NDW_HAVE_MODULE_ImageCast && NDW_WRAP_F && NDW_WRAP_UC && NDW_WRAP_DIM_2
#include "imagecast_instances.h"

NDW_TEST(cast_saturates_reals_into_integers) {
  ndw_image_f32_2 *in = NULL;
  ndw_image_u8_2 *out = NULL;
  ndw_size_2 size = {{5, 1}};
  const float values[5] = {-3.5f, 1.9f, 254.6f, 1e30f, NAN};
  const uint8_t want[5] = {0, 1, 254, 255, 0};
  CHECK_OK(ndw_image_f32_2_new(&in));
  CHECK_OK(ndw_image_u8_2_new(&out));
  CHECK_OK(ndw_image_f32_2_set_size(in, &size));
  CHECK_OK(ndw_image_u8_2_set_size(out, &size));
  CHECK_OK(ndw_image_f32_2_allocate(in, 0));
  CHECK_OK(ndw_image_u8_2_allocate(out, 1));
  memcpy(ndw_image_f32_2_buffer(in), values, sizeof values);
  CHECK_OK(ndw_cast_image_f32_u8_2(in, out));
  CHECK(memcmp(ndw_image_u8_2_buffer(out), want, sizeof want) == 0);
  /* sizes must match */
  size.v[0] = 4;
  CHECK_OK(ndw_image_u8_2_set_size(out, &size));
  CHECK_OK(ndw_image_u8_2_allocate(out, 1));
  CHECK_STATUS(ndw_cast_image_f32_u8_2(in, out), NDW_E_INVALID);
  ndw_image_f32_2_free(in);
  ndw_image_u8_2_free(out);
}
#else
NDW_TEST(cast_saturates_reals_into_integers) {
  printf("skipped: needs Module_ImageCast, pixel types F and UC and dimension 2\n");
}
#endif

NDW_TEST(iter_walks_strided_views_in_x_fastest_order) {
  /* a 3x2 view with reversed x over a caller-owned array */
  int32_t data[6] = {0, 1, 2, 10, 11, 12};
  ndw_image *im = NULL;
  ndw_iter it;
  uint64_t size[2] = {3, 2};
  ptrdiff_t strides[2] = {-(ptrdiff_t)sizeof(int32_t), 3 * (ptrdiff_t)sizeof(int32_t)};
  int32_t seen[6];
  int n = 0;
  CHECK_OK(ndw_image_new(NDW_PIXEL_SI, 2, 0, &im));
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_wrap(im, &data[2], strides, 0, 1, NULL, NULL));
  CHECK_OK(ndw_iter_begin(&it, im, NULL));
  do {
    memcpy(&seen[n++], it.ptr[0], sizeof(int32_t));
  } while (ndw_iter_next(&it) && n < 6);
  CHECK(n == 6);
  CHECK(seen[0] == 2 && seen[1] == 1 && seen[2] == 0 && seen[3] == 12 && seen[5] == 10);
  CHECK_STATUS(ndw_iter_begin(&it, im, im), NDW_E_READONLY);
  ndw_image_free(im);
}
