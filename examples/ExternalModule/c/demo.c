/* The extfilters functions from C: threshold and mean of a small image. */
#include <math.h>
#include <stdio.h>

#include "extfilters_instances.h"

#define CHECK(expr)                                                          \
  do {                                                                       \
    if ((expr) != NDW_OK) {                                                  \
      fprintf(stderr, "%s failed: %s\n", #expr, ndw_last_error());           \
      return 1;                                                              \
    }                                                                        \
  } while (0)

#if !(NDW_WRAP_UC && NDW_WRAP_F && NDW_WRAP_DIM_2)
int main(void) {
  printf("skipped: this demo needs pixel types UC and F and dimension 2 wrapped\n");
  return 0;
}
#else
int main(void) {
  ndw_image_u8_2 *in = NULL, *mask = NULL;
  ndw_image_f32_2 *mean = NULL;
  ndw_size_2 size = {{4, 3}}, radius = {{1, 1}};
  int bad = 0;
  CHECK(ndw_image_u8_2_new(&in));
  CHECK(ndw_image_u8_2_new(&mask));
  CHECK(ndw_image_f32_2_new(&mean));
  CHECK(ndw_image_u8_2_set_size(in, &size));
  CHECK(ndw_image_u8_2_set_size(mask, &size));
  CHECK(ndw_image_f32_2_set_size(mean, &size));
  CHECK(ndw_image_u8_2_allocate(in, 0));
  CHECK(ndw_image_u8_2_allocate(mask, 0));
  CHECK(ndw_image_f32_2_allocate(mean, 0));
  for (int64_t y = 0; y < 3; ++y)
    for (int64_t x = 0; x < 4; ++x) {
      ndw_index_2 i = {{x, y}};
      CHECK(ndw_image_u8_2_set_pixel(in, &i, (uint8_t)(10 * x + y)));
    }
  CHECK(ext_binary_threshold_u8_2(in, mask, 10, 21, 1, 0));
  CHECK(ext_mean_u8_f32_2(in, mean, &radius));
  printf("threshold [10, 21] and 3x3 mean of a 4x3 image (x fastest):\n");
  for (int64_t y = 0; y < 3; ++y) {
    for (int64_t x = 0; x < 4; ++x) {
      ndw_index_2 i = {{x, y}};
      uint8_t m;
      float f;
      CHECK(ndw_image_u8_2_get_pixel(mask, &i, &m));
      CHECK(ndw_image_f32_2_get_pixel(mean, &i, &f));
      printf("  (%lld,%lld) in=%2lld mask=%u mean=%6.3f\n", (long long)x, (long long)y,
             (long long)(10 * x + y), m, f);
      bad |= m != ((10 * x + y) >= 10 && (10 * x + y) <= 21);
    }
  }
  /* the centre pixel (1, 1) averages x in 0..2, y in 0..2: mean 10*1 + 1 = 11 */
  {
    ndw_index_2 c = {{1, 1}};
    float f;
    CHECK(ndw_image_f32_2_get_pixel(mean, &c, &f));
    bad |= fabsf(f - 11.0f) > 1e-5f;
  }
  ndw_image_u8_2_free(in);
  ndw_image_u8_2_free(mask);
  ndw_image_f32_2_free(mean);
  printf(bad ? "FAIL\n" : "ok\n");
  return bad;
}
#endif
