/* ndwrap C example: a 3-d float image with physical metadata; paint a small
 * box, then report its voxel count, sum and centroid in physical space.
 *
 * Every ndwrap call returns an ndw_status (NDW_OK == 0); on failure
 * ndw_last_error() says why.  The typed API ndw_image_f32_3_* exists for
 * every wrapped (pixel type, dimension); see ndw/image.h. */
#include <stdio.h>

#include <ndw/image.h>

/* Bail out to the cleanup label with a message on any failed call. */
#define TRY(call)                                                         \
  do {                                                                    \
    status = (call);                                                      \
    if (status != NDW_OK) {                                               \
      fprintf(stderr, "%s failed: %s: %s\n", #call, ndw_status_name(status), \
              ndw_last_error());                                          \
      goto done;                                                          \
    }                                                                     \
  } while (0)

int main(void) {
  ndw_status status = NDW_OK;
  ndw_image_f32_3 *image = NULL;
  const ndw_size_3 size = {{8, 6, 4}};
  const double spacing[3] = {0.5, 0.5, 2.0};
  const double origin[3] = {-2.0, 0.0, 10.0};
  const double direction[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double sum = 0.0, centroid[3] = {0.0, 0.0, 0.0};
  uint64_t count = 0;
  int64_t x, y, z;
  float value = 0.0f;

  printf("ndwrap %s: ndw_image_f32_3, size %llu x %llu x %llu\n", NDW_VERSION,
         (unsigned long long)size.v[0], (unsigned long long)size.v[1],
         (unsigned long long)size.v[2]);

  /* Create, describe and allocate (zero-filled) the image. */
  TRY(ndw_image_f32_3_new(&image));
  TRY(ndw_image_f32_3_set_size(image, &size));
  TRY(ndw_image_f32_3_set_spacing(image, spacing));
  TRY(ndw_image_f32_3_set_origin(image, origin));
  TRY(ndw_image_f32_3_set_direction(image, direction));
  TRY(ndw_image_f32_3_allocate(image, 1));

  /* Background 1, then a 2 x 2 x 2 box of 5 at index (2..3, 1..2, 1..2). */
  TRY(ndw_image_f32_3_fill_buffer(image, 1.0f));
  for (z = 1; z <= 2; ++z)
    for (y = 1; y <= 2; ++y)
      for (x = 2; x <= 3; ++x) {
        const ndw_index_3 at = {{x, y, z}};
        TRY(ndw_image_f32_3_set_pixel(image, &at, 5.0f));
      }

  /* Read the pixels back: voxels above 1, their sum and physical centroid
   * (point = origin + spacing * index, the direction being the identity). */
  for (z = 0; z < (int64_t)size.v[2]; ++z)
    for (y = 0; y < (int64_t)size.v[1]; ++y)
      for (x = 0; x < (int64_t)size.v[0]; ++x) {
        const ndw_index_3 at = {{x, y, z}};
        TRY(ndw_image_f32_3_get_pixel(image, &at, &value));
        if (value > 1.0f) {
          ++count;
          sum += value;
          centroid[0] += origin[0] + spacing[0] * (double)x;
          centroid[1] += origin[1] + spacing[1] * (double)y;
          centroid[2] += origin[2] + spacing[2] * (double)z;
        }
      }
  printf("box voxels: %llu\n", (unsigned long long)count);
  printf("box sum: %g\n", sum);
  printf("box centroid (mm): (%g, %g, %g)\n", centroid[0] / (double)count,
         centroid[1] / (double)count, centroid[2] / (double)count);

  /* Errors are statuses, never aborts: this index is outside the image. */
  {
    const ndw_index_3 outside = {{8, 0, 0}};
    ndw_status st = ndw_image_f32_3_get_pixel(image, &outside, &value);
    printf("get_pixel(8, 0, 0): %s\n", ndw_status_name(st));
  }

done:
  ndw_image_f32_3_free(image);
  return status == NDW_OK ? 0 : 1;
}
