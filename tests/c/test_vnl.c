/* C unit tests of the vnl-style vector and matrix (ndw_vnl_* and the typed
 * ndw_vnl_vector_<tok> / ndw_vnl_matrix_<tok> facades). */
#include <complex.h>
#include <stdint.h>
#include <string.h>

#include "ndw/vnl.h"
#include "ndw_test.h"

/* Release callback that counts its calls in an int. */
static void count_release(void *context) { ++*(int *)context; }

NDW_TEST(vnl_new_errors) {
  ndw_vnl *v = (ndw_vnl *)&v;
  ndw_vnl_vector_f32 *tv = (ndw_vnl_vector_f32 *)&tv;
  ndw_vnl_matrix_f32 *tm = (ndw_vnl_matrix_f32 *)&tm;

  CHECK_STATUS(ndw_vnl_new(NDW_PIXEL_COUNT, 0, &v), NDW_E_TYPE);
  CHECK(v == NULL);
  CHECK_STATUS(ndw_vnl_new((ndw_pixel_type)-1, 1, &v), NDW_E_TYPE);
  CHECK_STATUS(ndw_vnl_new(NDW_PIXEL_F, 0, NULL), NDW_E_INVALID);
  CHECK_OK(ndw_vnl_free(NULL));

  /* an empty generic vector has one column, an empty matrix none */
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_F, 0, &v));
  CHECK(ndw_vnl_pixel_type(v) == NDW_PIXEL_F && !ndw_vnl_is_matrix(v));
  CHECK(ndw_vnl_rows(v) == 0 && ndw_vnl_cols(v) == 1 && ndw_vnl_size(v) == 0);
  CHECK(ndw_vnl_data(v) == NULL && !ndw_vnl_is_readonly(v) && ndw_vnl_exports(v) == 0);
  CHECK_OK(ndw_vnl_free(v));
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_F, 1, &v));
  CHECK(ndw_vnl_is_matrix(v) && ndw_vnl_rows(v) == 0 && ndw_vnl_cols(v) == 0);
  CHECK_OK(ndw_vnl_free(v));

  /* typed constructors check the size and leave NULL on failure */
  CHECK_STATUS(ndw_vnl_vector_f32_new(UINT64_MAX, &tv), NDW_E_INVALID);
  CHECK(tv == NULL);
  CHECK_STATUS(ndw_vnl_matrix_f32_new(UINT64_C(1) << 40, UINT64_C(1) << 40, &tm),
               NDW_E_INVALID);
  CHECK(tm == NULL);
}

NDW_TEST(vnl_vector_basics) {
  ndw_vnl_vector_f64 *v = NULL;
  ndw_vnl *base;
  double *block, x = -1.0;
  int ok = 1;

  CHECK_OK(ndw_vnl_vector_f64_new(5, &v));
  base = ndw_vnl_vector_f64_base(v);
  CHECK(base == (ndw_vnl *)v);
  CHECK(ndw_vnl_pixel_type(base) == NDW_PIXEL_D && !ndw_vnl_is_matrix(base));
  CHECK(ndw_vnl_vector_f64_size(v) == 5);
  CHECK(ndw_vnl_rows(base) == 5 && ndw_vnl_cols(base) == 1);
  block = ndw_vnl_vector_f64_data_block(v);
  CHECK(block != NULL && block == ndw_vnl_data(base));
  for (int i = 0; i < 5; ++i) ok &= block[i] == 0.0; /* zero-filled */
  CHECK(ok);

  for (uint64_t i = 0; i < 5; ++i) CHECK_OK(ndw_vnl_vector_f64_put(v, i, 1.5 * (double)i - 2));
  for (uint64_t i = 0; i < 5; ++i) {
    CHECK_OK(ndw_vnl_vector_f64_get(v, i, &x));
    ok &= x == 1.5 * (double)i - 2 && block[i] == x;
  }
  CHECK(ok);

  /* range errors leave the data alone */
  CHECK_STATUS(ndw_vnl_vector_f64_get(v, 5, &x), NDW_E_RANGE);
  CHECK(ndw_last_status() == NDW_E_RANGE);
  CHECK(strstr(ndw_last_error(), "5") != NULL);
  CHECK_STATUS(ndw_vnl_vector_f64_get(v, UINT64_MAX, &x), NDW_E_RANGE);
  CHECK_STATUS(ndw_vnl_vector_f64_put(v, 5, 9.0), NDW_E_RANGE);
  CHECK_STATUS(ndw_vnl_vector_f64_put(v, UINT64_MAX, 9.0), NDW_E_RANGE);
  /* the generic call rejects column 1 of a vector */
  CHECK_STATUS(ndw_vnl_get(base, 0, 1, &x), NDW_E_RANGE);
  CHECK(block[4] == 4.0);

  CHECK_OK(ndw_vnl_vector_f64_fill(v, 3.5));
  for (int i = 0; i < 5; ++i) ok &= block[i] == 3.5;
  CHECK(ok);

  /* set_size re-allocates zero-filled; a vector has one column */
  CHECK_OK(ndw_vnl_vector_f64_set_size(v, 3));
  CHECK(ndw_vnl_vector_f64_size(v) == 3);
  block = ndw_vnl_vector_f64_data_block(v);
  CHECK(block[0] == 0.0 && block[1] == 0.0 && block[2] == 0.0);
  CHECK_STATUS(ndw_vnl_set_size(base, 3, 2), NDW_E_INVALID);
  CHECK_STATUS(ndw_vnl_set_size(base, 3, 0), NDW_E_INVALID);
  CHECK(ndw_vnl_vector_f64_size(v) == 3);
  CHECK_STATUS(ndw_vnl_vector_f64_set_size(v, UINT64_MAX / 4), NDW_E_INVALID);
  CHECK(ndw_vnl_vector_f64_size(v) == 3 && ndw_vnl_vector_f64_data_block(v) == block);

  /* an empty vector has no data and no valid element */
  CHECK_OK(ndw_vnl_vector_f64_set_size(v, 0));
  CHECK(ndw_vnl_vector_f64_size(v) == 0);
  CHECK(ndw_vnl_vector_f64_data_block(v) == NULL);
  CHECK_STATUS(ndw_vnl_vector_f64_get(v, 0, &x), NDW_E_RANGE);
  CHECK_OK(ndw_vnl_vector_f64_fill(v, 1.0));
  CHECK_OK(ndw_vnl_vector_f64_free(v));
}

NDW_TEST(vnl_matrix_row_major) {
  ndw_vnl_matrix_i32 *m = NULL;
  int32_t *block, x = -1;
  int ok = 1;

  CHECK_OK(ndw_vnl_matrix_i32_new(3, 4, &m));
  CHECK(ndw_vnl_is_matrix(ndw_vnl_matrix_i32_base(m)));
  CHECK(ndw_vnl_matrix_i32_rows(m) == 3 && ndw_vnl_matrix_i32_cols(m) == 4);
  CHECK(ndw_vnl_matrix_i32_size(m) == 12);
  for (uint64_t r = 0; r < 3; ++r)
    for (uint64_t c = 0; c < 4; ++c)
      CHECK_OK(ndw_vnl_matrix_i32_put(m, r, c, (int32_t)(10 * r + c) - 100));
  block = ndw_vnl_matrix_i32_data_block(m);
  /* data_block is row-major: element (r, c) at r * cols + c */
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 4; ++c) {
      CHECK_OK(ndw_vnl_matrix_i32_get(m, (uint64_t)r, (uint64_t)c, &x));
      ok &= x == 10 * r + c - 100 && block[r * 4 + c] == x;
    }
  CHECK(ok);
  CHECK(block[4] == -90); /* (1, 0) follows (0, 3) */

  CHECK_STATUS(ndw_vnl_matrix_i32_get(m, 3, 0, &x), NDW_E_RANGE);
  CHECK_STATUS(ndw_vnl_matrix_i32_get(m, 0, 4, &x), NDW_E_RANGE);
  CHECK_STATUS(ndw_vnl_matrix_i32_get(m, UINT64_MAX, UINT64_MAX, &x), NDW_E_RANGE);
  CHECK_STATUS(ndw_vnl_matrix_i32_put(m, 2, 4, 1), NDW_E_RANGE);
  /* (0, 4) would alias (1, 0) in a flat index: still rejected, untouched */
  CHECK_STATUS(ndw_vnl_matrix_i32_put(m, 0, 4, 1), NDW_E_RANGE);
  CHECK(block[4] == -90);

  CHECK_OK(ndw_vnl_matrix_i32_fill(m, 7));
  for (int i = 0; i < 12; ++i) ok &= block[i] == 7;
  CHECK(ok);

  CHECK_OK(ndw_vnl_matrix_i32_set_size(m, 2, 5));
  CHECK(ndw_vnl_matrix_i32_rows(m) == 2 && ndw_vnl_matrix_i32_cols(m) == 5);
  block = ndw_vnl_matrix_i32_data_block(m);
  for (int i = 0; i < 10; ++i) ok &= block[i] == 0;
  CHECK(ok);
  CHECK_OK(ndw_vnl_matrix_i32_put(m, 1, 4, 42));
  CHECK(block[9] == 42);
  CHECK_STATUS(ndw_vnl_matrix_i32_set_size(m, UINT64_C(1) << 40, UINT64_C(1) << 40),
               NDW_E_INVALID);
  CHECK(ndw_vnl_matrix_i32_rows(m) == 2 && ndw_vnl_matrix_i32_cols(m) == 5);
  CHECK(ndw_vnl_matrix_i32_data_block(m) == block && block[9] == 42);

  CHECK_OK(ndw_vnl_matrix_i32_set_size(m, 0, 3));
  CHECK(ndw_vnl_matrix_i32_size(m) == 0 && ndw_vnl_matrix_i32_data_block(m) == NULL);
  CHECK_STATUS(ndw_vnl_matrix_i32_get(m, 0, 0, &x), NDW_E_RANGE);
  CHECK_OK(ndw_vnl_matrix_i32_free(m));
}

NDW_TEST(vnl_other_types) {
  ndw_vnl_vector_c128 *v = NULL;
  ndw_vnl_matrix_b8 *m = NULL;
  ndw_vnl_matrix_u64 *u = NULL;
  ndw_c128 z = 0;
  ndw_bool b = false;
  uint64_t w = 0;

  CHECK_OK(ndw_vnl_vector_c128_new(2, &v));
  CHECK_OK(ndw_vnl_vector_c128_put(v, 1, CMPLX(1.5, -2.0)));
  CHECK_OK(ndw_vnl_vector_c128_get(v, 1, &z));
  CHECK(creal(z) == 1.5 && cimag(z) == -2.0);
  CHECK(((double *)ndw_vnl_vector_c128_data_block(v))[2] == 1.5);
  CHECK(((double *)ndw_vnl_vector_c128_data_block(v))[3] == -2.0);
  CHECK_OK(ndw_vnl_vector_c128_free(v));

  CHECK_OK(ndw_vnl_matrix_b8_new(2, 2, &m));
  CHECK_OK(ndw_vnl_matrix_b8_put(m, 1, 0, true));
  CHECK_OK(ndw_vnl_matrix_b8_get(m, 1, 0, &b));
  CHECK(b == true);
  CHECK_OK(ndw_vnl_matrix_b8_get(m, 0, 1, &b));
  CHECK(b == false);
  CHECK(ndw_vnl_matrix_b8_data_block(m)[2] == true);
  CHECK_OK(ndw_vnl_matrix_b8_free(m));

  CHECK_OK(ndw_vnl_matrix_u64_new(1, 3, &u));
  CHECK_OK(ndw_vnl_matrix_u64_put(u, 0, 2, UINT64_MAX));
  CHECK_OK(ndw_vnl_matrix_u64_get(u, 0, 2, &w));
  CHECK(w == UINT64_MAX);
  CHECK_OK(ndw_vnl_matrix_u64_free(u));
}

NDW_TEST(vnl_export_busy) {
  ndw_vnl_matrix_f32 *m = NULL;
  ndw_vnl *base;
  float *block, x = 0.0f, foreign[4] = {0};
  int released = 0;

  CHECK_OK(ndw_vnl_matrix_f32_new(2, 3, &m));
  base = ndw_vnl_matrix_f32_base(m);
  CHECK_OK(ndw_vnl_matrix_f32_put(m, 1, 2, 6.0f));
  block = ndw_vnl_matrix_f32_data_block(m);
  CHECK_OK(ndw_vnl_export_acquire(base));
  CHECK_OK(ndw_vnl_export_acquire(base));
  CHECK(ndw_vnl_exports(base) == 2);
  CHECK_STATUS(ndw_vnl_matrix_f32_set_size(m, 4, 4), NDW_E_BUSY);
  CHECK(ndw_last_status() == NDW_E_BUSY);
  CHECK_STATUS(ndw_vnl_matrix_f32_set_size(m, 2, 3), NDW_E_BUSY);
  CHECK_STATUS(ndw_vnl_matrix_f32_free(m), NDW_E_BUSY);
  CHECK_STATUS(ndw_vnl_wrap(base, foreign, 2, 2, 0, count_release, &released), NDW_E_BUSY);
  CHECK(released == 1);
  /* unchanged, and element writes still go through */
  CHECK(ndw_vnl_matrix_f32_rows(m) == 2 && ndw_vnl_matrix_f32_cols(m) == 3);
  CHECK(ndw_vnl_matrix_f32_data_block(m) == block);
  CHECK_OK(ndw_vnl_matrix_f32_get(m, 1, 2, &x));
  CHECK(x == 6.0f);
  CHECK_OK(ndw_vnl_matrix_f32_put(m, 0, 0, 1.0f));
  CHECK(block[0] == 1.0f);

  ndw_vnl_export_release(base);
  CHECK_STATUS(ndw_vnl_matrix_f32_set_size(m, 4, 4), NDW_E_BUSY);
  ndw_vnl_export_release(base);
  ndw_vnl_export_release(base); /* no underflow */
  CHECK(ndw_vnl_exports(base) == 0);
  CHECK_OK(ndw_vnl_matrix_f32_set_size(m, 4, 4));
  CHECK(ndw_vnl_matrix_f32_size(m) == 16);

  /* the same for vectors */
  {
    ndw_vnl_vector_u16 *v = NULL;
    CHECK_OK(ndw_vnl_vector_u16_new(3, &v));
    CHECK_OK(ndw_vnl_export_acquire(ndw_vnl_vector_u16_base(v)));
    CHECK_STATUS(ndw_vnl_vector_u16_set_size(v, 8), NDW_E_BUSY);
    CHECK_STATUS(ndw_vnl_vector_u16_free(v), NDW_E_BUSY);
    CHECK(ndw_vnl_vector_u16_size(v) == 3);
    ndw_vnl_export_release(ndw_vnl_vector_u16_base(v));
    CHECK_OK(ndw_vnl_vector_u16_free(v));
  }
  CHECK_OK(ndw_vnl_matrix_f32_free(m));
}

NDW_TEST(vnl_wrap_release_once) {
  ndw_vnl *m = NULL, *v = NULL;
  float a[6] = {1, 2, 3, 4, 5, 6}, b[2] = {7, 8}, x = 0.0f;
  int ra = 0, rb = 0;

  CHECK_OK(ndw_vnl_new(NDW_PIXEL_F, 1, &m));
  CHECK_OK(ndw_vnl_wrap(m, a, 2, 3, 0, count_release, &ra));
  CHECK(ndw_vnl_data(m) == a && ndw_vnl_rows(m) == 2 && ndw_vnl_cols(m) == 3);
  /* foreign data is read row-major, and writes go through */
  CHECK_OK(ndw_vnl_get(m, 1, 0, &x));
  CHECK(x == 4.0f);
  CHECK_OK(ndw_vnl_put(m, 0, 2, &(float){30.0f}));
  CHECK(a[2] == 30.0f);
  CHECK(ra == 0);
  CHECK_OK(ndw_vnl_free(m));
  CHECK(ra == 1);

  /* on set_size: once; wrapping other data releases the previous owner */
  ra = 0;
  CHECK_OK(ndw_vnl_new(NDW_PIXEL_F, 0, &v));
  CHECK_OK(ndw_vnl_wrap(v, a, 6, 1, 0, count_release, &ra));
  CHECK_OK(ndw_vnl_wrap(v, b, 2, 1, 0, count_release, &rb));
  CHECK(ra == 1 && rb == 0);
  CHECK_OK(ndw_vnl_get(v, 1, 0, &x));
  CHECK(x == 8.0f);
  CHECK_OK(ndw_vnl_set_size(v, 4, 1));
  CHECK(rb == 1 && ndw_vnl_data(v) != b);
  CHECK_OK(ndw_vnl_set_size(v, 2, 1));
  CHECK(ra == 1 && rb == 1);

  /* when wrap fails: once, and the old data stays */
  ra = 0;
  CHECK_STATUS(ndw_vnl_wrap(v, a, 3, 2, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 1);
  CHECK(ndw_vnl_rows(v) == 2 && ndw_vnl_data(v) != a);
  CHECK_STATUS(ndw_vnl_wrap(v, a, UINT64_MAX, 1, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 2);
  /* NULL data for a non-empty shape is rejected, not dereferenced later */
  CHECK_STATUS(ndw_vnl_wrap(v, NULL, 2, 1, 0, count_release, &ra), NDW_E_INVALID);
  CHECK(ra == 3);
  CHECK(ndw_vnl_data(v) != NULL && ndw_vnl_rows(v) == 2);
  CHECK_OK(ndw_vnl_get(v, 1, 0, &x));

  /* read-only data rejects put and fill */
  ra = 0;
  CHECK_OK(ndw_vnl_wrap(v, a, 6, 1, 1, count_release, &ra));
  CHECK(ndw_vnl_is_readonly(v));
  CHECK_STATUS(ndw_vnl_put(v, 0, 0, &(float){-1.0f}), NDW_E_READONLY);
  CHECK_STATUS(ndw_vnl_fill(v, &(float){-1.0f}), NDW_E_READONLY);
  CHECK(a[0] == 1.0f && a[5] == 6.0f);
  CHECK_OK(ndw_vnl_get(v, 5, 0, &x));
  CHECK(x == 6.0f);
  /* own data is writable again */
  CHECK_OK(ndw_vnl_set_size(v, 1, 1));
  CHECK(ra == 1 && !ndw_vnl_is_readonly(v));
  CHECK_OK(ndw_vnl_put(v, 0, 0, &(float){-1.0f}));

  /* an empty wrap needs no data */
  CHECK_OK(ndw_vnl_wrap(v, NULL, 0, 1, 0, NULL, NULL));
  CHECK(ndw_vnl_size(v) == 0);
  CHECK_OK(ndw_vnl_free(v));
}
