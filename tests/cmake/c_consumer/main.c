/* Consumer test (a)/(b): a plain C11 program using the installed ndwrap.
 * Prints "c-consumer: OK" and exits 0 when every check holds. */
#include <stdio.h>
#include <string.h>

#include <ndw/image.h>
#include <ndw/vnl.h>
#ifdef NDW_HAVE_MODULE_BridgeNumPy
#include <ndw/buffer.h>
#endif

static int failures = 0;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: check failed: %s (last error: %s)\n",  \
              __FILE__, __LINE__, #cond, ndw_last_error());           \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

int main(void) {
  ndw_image_f32_3 *img = NULL;
  ndw_region_3 region = {{{0, 0, 0}}, {{4, 3, 2}}};
  ndw_index_3 at = {{1, 2, 1}};
  ndw_index_3 outside = {{4, 0, 0}};
  double spacing[3] = {0.5, 0.5, 2.0}, got_spacing[3] = {0, 0, 0};
  float value = 0.0f, sum = 0.0f;
  const float *px;
  uint64_t i;

  printf("ndwrap %s\n", NDW_VERSION);
  CHECK(NDW_VERSION_MAJOR == 0 && NDW_VERSION_MINOR == 1);
  CHECK(ndw_dim_is_wrapped(3));
  CHECK(ndw_pixel_type_is_wrapped(NDW_PIXEL_F));

  CHECK(ndw_image_f32_3_new(&img) == NDW_OK);
  CHECK(ndw_image_f32_3_set_regions(img, &region) == NDW_OK);
  CHECK(ndw_image_f32_3_set_spacing(img, spacing) == NDW_OK);
  CHECK(ndw_image_f32_3_allocate(img, 1) == NDW_OK);
  CHECK(ndw_image_f32_3_fill_buffer(img, 1.0f) == NDW_OK);
  CHECK(ndw_image_f32_3_set_pixel(img, &at, 42.0f) == NDW_OK);
  CHECK(ndw_image_f32_3_get_pixel(img, &at, &value) == NDW_OK && value == 42.0f);
  ndw_image_f32_3_get_spacing(img, got_spacing);
  CHECK(got_spacing[2] == 2.0);

  /* Errors are statuses with a message, never aborts. */
  CHECK(ndw_image_f32_3_get_pixel(img, &outside, &value) == NDW_E_RANGE);
  CHECK(strlen(ndw_last_error()) > 0);
  CHECK(strcmp(ndw_status_name(NDW_E_RANGE), "NDW_E_RANGE") == 0);

  px = ndw_image_f32_3_buffer(img);
  CHECK(px != NULL);
  for (i = 0; px != NULL && i < ndw_image_number_of_pixels(ndw_image_f32_3_base(img)); ++i)
    sum += px[i];
  CHECK(sum == 23.0f + 42.0f);
  printf("sum = %g\n", (double)sum);

#ifdef NDW_HAVE_MODULE_BridgeNumPy
  {
    ndw_buffer_desc desc;
    CHECK(ndw_image_describe_buffer(ndw_image_f32_3_base(img), 0, &desc) == NDW_OK);
    CHECK(desc.ndim == 3 && desc.shape[0] == 2 && desc.shape[1] == 3 && desc.shape[2] == 4);
    CHECK(desc.itemsize == sizeof(float) && strcmp(desc.format, "f") == 0);
    printf("buffer shape (%lld, %lld, %lld)\n", (long long)desc.shape[0],
           (long long)desc.shape[1], (long long)desc.shape[2]);
  }
#endif
  CHECK(ndw_image_f32_3_free(img) == NDW_OK);

  {
    ndw_vnl_vector_f64 *v = NULL;
    double x = 0.0;
    CHECK(ndw_vnl_vector_f64_new(3, &v) == NDW_OK);
    CHECK(ndw_vnl_vector_f64_put(v, 2, 2.5) == NDW_OK);
    CHECK(ndw_vnl_vector_f64_get(v, 2, &x) == NDW_OK && x == 2.5);
    CHECK(ndw_vnl_vector_f64_get(v, 3, &x) == NDW_E_RANGE);
    CHECK(ndw_vnl_vector_f64_free(v) == NDW_OK);
  }

  if (failures != 0) {
    printf("c-consumer: %d check(s) FAILED\n", failures);
    return 1;
  }
  printf("c-consumer: OK\n");
  return 0;
}
