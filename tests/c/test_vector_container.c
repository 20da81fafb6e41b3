/* C unit tests of the VectorContainer module (ndw_vector_container_* and
 * the typed ndw_vector_container_<tok> facades). */
#include <stdint.h>
#include <string.h>

#include "ndw/config.h"
#include "ndw_test.h"

#if NDW_HAVE_MODULE_VectorContainer && NDW_WRAP_F && NDW_WRAP_D
#include "ndw/vector_container.h"

NDW_TEST(vector_container_basics) {
  ndw_vector_container *c = (ndw_vector_container *)&c;
  ndw_vector_container_f32 *t = NULL;
  float x = 0;
  CHECK_STATUS(ndw_vector_container_new(NDW_PIXEL_COUNT, 1, &c), NDW_E_TYPE);
  CHECK(c == NULL);
  CHECK_STATUS(ndw_vector_container_new(NDW_PIXEL_F, 0, &c), NDW_E_INVALID);
  CHECK_STATUS(ndw_vector_container_new(NDW_PIXEL_F, 65, &c), NDW_E_INVALID);
  CHECK_OK(ndw_vector_container_free(NULL));

  CHECK_OK(ndw_vector_container_f32_new(&t));
  CHECK(ndw_vector_container_f32_size(t) == 0);
  CHECK_STATUS(ndw_vector_container_f32_get(t, 0, &x), NDW_E_RANGE);
  CHECK_STATUS(ndw_vector_container_f32_set(t, 0, 1.0f), NDW_E_RANGE);
  CHECK_OK(ndw_vector_container_f32_resize(t, 4));
  CHECK_OK(ndw_vector_container_f32_set(t, 3, 2.5f));
  CHECK_OK(ndw_vector_container_f32_insert(t, 99, 7.0f)); /* grows to 100 */
  CHECK(ndw_vector_container_f32_size(t) == 100);
  CHECK_OK(ndw_vector_container_f32_get(t, 3, &x));
  CHECK(x == 2.5f);
  CHECK(ndw_vector_container_f32_data(t)[99] == 7.0f && ndw_vector_container_f32_data(t)[50] == 0);
  /* shrink, then grow in place: the re-exposed elements are zero again */
  CHECK_OK(ndw_vector_container_f32_resize(t, 2));
  CHECK_OK(ndw_vector_container_f32_resize(t, 5));
  CHECK_OK(ndw_vector_container_f32_get(t, 3, &x));
  CHECK(x == 0.0f);
  CHECK_STATUS(ndw_vector_container_f32_insert(t, UINT64_MAX, 1.0f), NDW_E_INVALID);
  CHECK_STATUS(ndw_vector_container_f32_resize(t, UINT64_MAX), NDW_E_INVALID);
  CHECK(ndw_vector_container_f32_size(t) == 5);
  CHECK_OK(ndw_vector_container_f32_free(t));
}

NDW_TEST(vector_container_points_and_exports) {
  ndw_vector_container *c = NULL;
  double p[3] = {1, 2, 3}, q[3] = {0, 0, 0}, src[6] = {1, 2, 3, 4, 5, 6};
  CHECK_OK(ndw_vector_container_new(NDW_PIXEL_D, 3, &c));
  CHECK(ndw_vector_container_components(c) == 3 && ndw_vector_container_pixel_type(c) == NDW_PIXEL_D);
  CHECK_OK(ndw_vector_container_insert(c, 1, p));
  CHECK_OK(ndw_vector_container_get(c, 1, q));
  CHECK(memcmp(p, q, sizeof p) == 0);
  CHECK_OK(ndw_vector_container_get(c, 0, q));
  CHECK(q[0] == 0 && q[1] == 0 && q[2] == 0);
  /* while exported: writes work, size changes fail and change nothing */
  ndw_vector_container_export_acquire(c);
  CHECK(ndw_vector_container_exports(c) == 1);
  CHECK_OK(ndw_vector_container_set(c, 0, p));
  CHECK_OK(ndw_vector_container_resize(c, 2)); /* the same size */
  CHECK_STATUS(ndw_vector_container_resize(c, 3), NDW_E_BUSY);
  CHECK_STATUS(ndw_vector_container_insert(c, 5, p), NDW_E_BUSY);
  CHECK_STATUS(ndw_vector_container_assign(c, src, 2), NDW_E_BUSY);
  CHECK_STATUS(ndw_vector_container_free(c), NDW_E_BUSY);
  CHECK(ndw_vector_container_size(c) == 2);
  ndw_vector_container_export_release(c);
  CHECK_OK(ndw_vector_container_assign(c, src, 2));
  CHECK(ndw_vector_container_size(c) == 2 && ((double *)ndw_vector_container_data(c))[5] == 6);
  CHECK_STATUS(ndw_vector_container_assign(c, NULL, 1), NDW_E_INVALID);
  CHECK_OK(ndw_vector_container_free(c));
}
#else
NDW_TEST(vector_container_basics) { printf("skipped: needs Module_VectorContainer, F and D\n"); }
NDW_TEST(vector_container_points_and_exports) {
  printf("skipped: needs Module_VectorContainer, F and D\n");
}
#endif
