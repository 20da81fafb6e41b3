/* BridgeNDImage from C, without Python: kernels called directly, the one
 * parameter check, the error path, resampling between two images' grids. */
#include <math.h>
#include <string.h>

#include "ndw/image.h"
#include "ndw_test.h"

#if NDW_HAVE_MODULE_BridgeNDImage
#include "ndw/ndimage.h"

static int handler_calls;
static ndw_status handler_status;
static void count_errors(ndw_status status, const char *message) {
  (void)message;
  handler_calls++;
  handler_status = status;
}

static ndw_ndimage_params *make(const char *name, int orank, int irank, const double *v,
                                size_t n) {
  ndw_ndimage_params *p = NULL;
  CHECK_OK(ndw_ndimage_params_new(ndw_ndimage_kernel_find(name), orank, irank, v, n, &p));
  return p;
}

NDW_TEST(ndimage_signatures_and_table) {
  size_t n = 0;
  const ndw_ndimage_kernel *t = ndw_ndimage_kernels(&n);
  CHECK(strcmp(ndw_ndimage_signature(NDW_NDIMAGE_FILTER),
               "int (double *, intptr_t, double *, void *)") == 0);
  CHECK(strcmp(ndw_ndimage_signature(NDW_NDIMAGE_LINE),
               "int (double *, intptr_t, double *, intptr_t, void *)") == 0);
  CHECK(strcmp(ndw_ndimage_signature(NDW_NDIMAGE_MAPPING),
               "int (intptr_t *, double *, int, int, void *)") == 0);
  CHECK(ndw_ndimage_signature(NDW_NDIMAGE_NONE) == NULL);
  CHECK(n == 13);
  for (size_t i = 0; i < n; ++i) {
    CHECK(ndw_ndimage_kernel_kind(&t[i]) != NDW_NDIMAGE_NONE);
    CHECK(ndw_ndimage_kernel_find(t[i].name) == &t[i] || strcmp(t[i].name, "resample_mapping") == 0);
    CHECK(t[i].doc != NULL);
  }
  CHECK(t[n].name == NULL);
  CHECK(ndw_ndimage_kernel_find("nope") == NULL);
  CHECK(ndw_ndimage_kernel_find(NULL) == NULL);
}

NDW_TEST(ndimage_filters_from_c) {
  double r, buf[7];
  const double v[7] = {4, -1, 9, 2.5, 2.5, 7, 0};
#define RUN(fn, ud) (memcpy(buf, v, sizeof v), fn(buf, 7, &r, ud))
  CHECK(RUN(ndw_ndimage_mean, NULL) == 1 && fabs(r - 24.0 / 7) < 1e-15);
  CHECK(RUN(ndw_ndimage_minimum, NULL) == 1 && r == -1);
  CHECK(RUN(ndw_ndimage_maximum, NULL) == 1 && r == 9);
  CHECK(RUN(ndw_ndimage_median, NULL) == 1 && r == 2.5);
  CHECK(RUN(ndw_ndimage_value_range, NULL) == 1 && r == 10);
  CHECK(RUN(ndw_ndimage_variance, NULL) == 1);
  {
    double m = 24.0 / 7, q = 0;
    for (int i = 0; i < 7; ++i) q += (v[i] - m) * (v[i] - m);
    CHECK(fabs(r - q / 7) < 1e-13);
  }
  /* even count: the mean of the two middle values */
  memcpy(buf, v, sizeof v);
  CHECK(ndw_ndimage_median(buf, 6, &r, NULL) == 1 && r == 3.25);
  /* NaN propagates, ties and infinities do not confuse the NaN test */
  double w[4] = {INFINITY, -INFINITY, 1, 2};
  CHECK(ndw_ndimage_minimum(w, 4, &r, NULL) == 1 && r == -INFINITY);
  CHECK(ndw_ndimage_maximum(w, 4, &r, NULL) == 1 && r == INFINITY);
  w[2] = NAN;
  CHECK(ndw_ndimage_minimum(w, 4, &r, NULL) == 1 && isnan(r));
  CHECK(ndw_ndimage_median(w, 4, &r, NULL) == 1 && isnan(r));
  CHECK(ndw_ndimage_value_range(w, 4, &r, NULL) == 1 && isnan(r));
  /* count_above reads its threshold */
  const double t = 2.5;
  ndw_ndimage_params *p = make("count_above", 0, 0, &t, 1);
  CHECK(RUN(ndw_ndimage_count_above, p) == 1 && r == 3);
  ndw_ndimage_params_free(p);
  /* an empty footprint fails with a status and a message */
  CHECK(ndw_ndimage_mean(buf, 0, &r, NULL) == 0);
  CHECK(ndw_last_status() == NDW_E_INVALID && strstr(ndw_last_error(), "empty footprint"));
#undef RUN
}

NDW_TEST(ndimage_median_large_and_adversarial) {
  /* many ties, sorted, reverse sorted, organ-pipe: always the true median */
  enum { N = 1001 };
  static double buf[N];
  double r;
  for (int pattern = 0; pattern < 4; ++pattern) {
    for (int i = 0; i < N; ++i) {
      switch (pattern) {
      case 0: buf[i] = i % 3; break;
      case 1: buf[i] = i; break;
      case 2: buf[i] = N - i; break;
      default: buf[i] = i < N / 2 ? i : N - i; break;
      }
    }
    CHECK(ndw_ndimage_median(buf, N, &r, NULL) == 1);
    double want = pattern == 0 ? 1 : pattern == 1 ? 500 : pattern == 2 ? 501 : 250;
    if (r != want) fprintf(stderr, "pattern %d: median %g, want %g\n", pattern, r, want);
    CHECK(r == want);
  }
}

NDW_TEST(ndimage_lines_from_c) {
  double in[6] = {1, 2, 3, 4, 5, 6}, out[4];
  CHECK(ndw_ndimage_running_mean(in, 6, out, 4, NULL) == 1);
  CHECK(out[0] == 2 && out[1] == 3 && out[2] == 4 && out[3] == 5);
  CHECK(ndw_ndimage_cumulative_sum(in, 6, out, 4, NULL) == 1);
  CHECK(out[0] == 6 && out[1] == 10 && out[2] == 15 && out[3] == 21);
  CHECK(ndw_ndimage_running_mean(in, 3, out, 4, NULL) == 0);
  CHECK(strstr(ndw_last_error(), "input line of 3 values") != NULL);
  CHECK(ndw_ndimage_cumulative_sum(in, 0, out, 0, NULL) == 1);
}

NDW_TEST(ndimage_params_are_checked_in_one_place) {
  ndw_ndimage_params *p = NULL;
  const double nan = NAN, two[2] = {1, 2};
  const ndw_ndimage_kernel *shift = ndw_ndimage_kernel_find("shift_mapping");
  CHECK_STATUS(ndw_ndimage_params_new(NULL, 0, 0, NULL, 0, &p), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_params_new(shift, 0, 0, &nan, 1, &p), NDW_E_INVALID);
  CHECK(strstr(ndw_last_error(), "finite") != NULL);
  CHECK_STATUS(ndw_ndimage_params_new(shift, 0, 0, NULL, 0, &p), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_params_new(shift, 3, 3, two, 2, &p), NDW_E_INVALID);
  CHECK(strstr(ndw_last_error(), "2 shift values for rank 3") != NULL);
  CHECK_STATUS(ndw_ndimage_params_new(shift, 65, 65, two, 2, &p), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_params_new(shift, 2, 2, two, 2, NULL), NDW_E_INVALID);
  CHECK(p == NULL);
  /* a toolkit's row: exactly one function, sane bounds */
  ndw_ndimage_kernel both = {.name = "both", .filter = ndw_ndimage_mean,
                             .line = ndw_ndimage_running_mean};
  ndw_ndimage_kernel bounds = {.name = "bounds", .filter = ndw_ndimage_mean, .min_values = 3,
                               .max_values = 2};
  CHECK(ndw_ndimage_kernel_kind(&both) == NDW_NDIMAGE_NONE);
  CHECK_STATUS(ndw_ndimage_params_new(&both, 0, 0, NULL, 0, &p), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_params_new(&bounds, 0, 0, two, 2, &p), NDW_E_INVALID);
  CHECK_OK(ndw_ndimage_params_new(shift, 2, 2, two, 2, &p));
  size_t n = 0;
  const double *v = ndw_ndimage_params_values(p, &n);
  CHECK(n == 2 && v[0] == 1 && v[1] == 2);
  CHECK(ndw_ndimage_params_output_rank(p) == 2 && ndw_ndimage_params_input_rank(p) == 2);
  CHECK(ndw_ndimage_params_kernel(p) == shift);
  CHECK(ndw_ndimage_params_get(p) == p);
  ndw_ndimage_params_free(p);
  ndw_ndimage_params_free(NULL);
}

NDW_TEST(ndimage_mappings_and_the_error_handler) {
  const double s[2] = {0.5, -1}, z[4] = {2, 0.5, 1, 0}, m[6] = {0, 1, 1, 0, 3, 4};
  ndw_ndimage_params *ps = make("shift_mapping", 2, 2, s, 2);
  ndw_ndimage_params *pz = make("zoom_mapping", 2, 2, z, 4);
  ndw_ndimage_params *pa = make("affine_mapping", 2, 2, m, 6);
  intptr_t o[3] = {3, 5, 7};
  double in[3];
  CHECK(ndw_ndimage_shift_mapping(o, in, 2, 2, ps) == 1 && in[0] == 2.5 && in[1] == 6);
  CHECK(ndw_ndimage_zoom_mapping(o, in, 2, 2, pz) == 1 && in[0] == 7 && in[1] == 2.5);
  CHECK(ndw_ndimage_affine_mapping(o, in, 2, 2, pa) == 1 && in[0] == 8 && in[1] == 7);
  ndw_ndimage_error_handler old = ndw_ndimage_set_error_handler(count_errors);
  handler_calls = 0;
  CHECK(ndw_ndimage_shift_mapping(o, in, 3, 3, ps) == 0);
  CHECK(handler_calls == 1 && handler_status == NDW_E_INVALID);
  CHECK(strstr(ndw_last_error(), "wrong rank") != NULL);
  CHECK(ndw_ndimage_shift_mapping(o, in, 2, 2, pa) == 0); /* another kernel's block */
  CHECK(strstr(ndw_last_error(), "parameters of 'affine_mapping'") != NULL);
  CHECK(ndw_ndimage_affine_mapping(o, in, 2, 2, NULL) == 0);
  CHECK(strstr(ndw_last_error(), "user_data is NULL") != NULL);
  double junk[8] = {0};
  CHECK(ndw_ndimage_zoom_mapping(o, in, 2, 2, junk) == 0);
  CHECK(strstr(ndw_last_error(), "not an ndwrap parameter block") != NULL);
  CHECK(handler_calls == 4);
  CHECK(ndw_ndimage_set_error_handler(old) == count_errors);
  ndw_ndimage_params_free(ps);
  ndw_ndimage_params_free(pz);
  ndw_ndimage_params_free(pa);
}

static ndw_image *grid_image(const int64_t *index, const double *spacing, const double *origin,
                             const double *direction) {
  ndw_image *im = NULL;
  const uint64_t size[2] = {4, 3};
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 2, 0, &im));
  CHECK_OK(ndw_image_set_regions(im, index, size));
  CHECK_OK(ndw_image_set_spacing(im, spacing));
  CHECK_OK(ndw_image_set_origin(im, origin));
  CHECK_OK(ndw_image_set_direction(im, direction));
  return im;
}

NDW_TEST(ndimage_resample_between_two_grids) {
  const int64_t i0[2] = {0, 0}, i1[2] = {2, -1};
  const double eye[4] = {1, 0, 0, 1}, rot[4] = {0, -1, 1, 0};
  const double s1[2] = {2, 0.5}, o1[2] = {10, -3}, s2[2] = {1, 1}, o2[2] = {0, 0};
  ndw_image *a = grid_image(i1, s1, o1, rot), *b = grid_image(i0, s2, o2, eye);
  ndw_ndimage_grid ga, gb;
  double mat[4], off[2];
  CHECK_OK(ndw_ndimage_grid_of(a, &ga));
  CHECK_OK(ndw_ndimage_grid_of(b, &gb));
  CHECK(ga.dim == 2 && ga.index[0] == 2 && ga.spacing[1] == 0.5 && ga.direction[1] == -1);
  /* a's array point (row r, col c) = index (2 + c, -1 + r); physical
   * p = o1 + R diag(2, .5) idx = (10 - .5 (r - 1), -3 + 2 (c + 2)) = b's index (x, y);
   * b's array coordinates are (y, x). */
  CHECK_OK(ndw_ndimage_resample_affine(&ga, &gb, mat, off));
  const intptr_t pts[3][2] = {{0, 0}, {2, 3}, {1, 1}};
  for (int k = 0; k < 3; ++k) {
    double r = (double)pts[k][0], c = (double)pts[k][1];
    double want_y = -3 + 2 * (c + 2), want_x = 10 - 0.5 * (r - 1);
    double y = mat[0] * r + mat[1] * c + off[0], x = mat[2] * r + mat[3] * c + off[1];
    CHECK(fabs(y - want_y) < 1e-12 && fabs(x - want_x) < 1e-12);
  }
  /* as a mapping kernel */
  ndw_ndimage_params *p = NULL;
  CHECK_OK(ndw_ndimage_resample_params(&ga, &gb, &p));
  intptr_t o[2] = {2, 3};
  double in[2];
  CHECK(ndw_ndimage_affine_mapping(o, in, 2, 2, p) == 1);
  CHECK(fabs(in[0] - 7) < 1e-12 && fabs(in[1] - 9.5) < 1e-12);
  ndw_ndimage_params_free(p);
  /* the identity onto its own grid */
  CHECK_OK(ndw_ndimage_resample_affine(&ga, &ga, mat, off));
  CHECK(fabs(mat[0] - 1) < 1e-12 && fabs(mat[1]) < 1e-12 && fabs(off[0]) < 1e-12);
  /* bad grids */
  ga.spacing[0] = 0;
  CHECK_STATUS(ndw_ndimage_resample_affine(&ga, &gb, mat, off), NDW_E_INVALID);
  ga.spacing[0] = 2;
  gb.direction[0] = 0;
  gb.direction[2] = 0; /* singular */
  CHECK_STATUS(ndw_ndimage_resample_affine(&ga, &gb, mat, off), NDW_E_INVALID);
  gb.dim = 3;
  CHECK_STATUS(ndw_ndimage_resample_affine(&ga, &gb, mat, off), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_resample_params(NULL, &gb, &p), NDW_E_INVALID);
  CHECK_STATUS(ndw_ndimage_grid_of(NULL, &ga), NDW_E_INVALID);
  CHECK_OK(ndw_image_free(a));
  CHECK_OK(ndw_image_free(b));
}

#else
NDW_TEST(ndimage_signatures_and_table) {
  printf("skipped: needs Module_BridgeNDImage=ON\n");
}
#endif
