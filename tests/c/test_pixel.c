/* C unit tests of the fixed-size pixel types (NDW_COMPOUND_TABLE in
 * ndw/pixel_types.h): the compound layout of the generic image and the
 * generated facades ndw_image_vf3_3_*, ndw_image_rgbuc_2_*, ... (one per
 * wrapped row and dimension, walked through NDW_FOR_EACH_COMPOUND_IMAGE). */
#include <stdint.h>
#include <string.h>

#include "ndw/image.h"
#include "ndw_test.h"

NDW_TEST(compound_layout) {
  ndw_image *im = NULL, *copy = NULL;
  uint64_t size[2] = {3, 2};
  float v[3] = {1.5f, 2.5f, 3.5f}, out[3] = {0};
  int64_t idx[2] = {2, 1};
  CHECK(ndw_compound_name(NDW_COMPOUND_VF) != NULL &&
        strcmp(ndw_compound_name(NDW_COMPOUND_VF), "Vector") == 0);
  CHECK(strcmp(ndw_compound_name(NDW_COMPOUND_RGBAUC), "RGBAPixel") == 0);
  CHECK(ndw_compound_name(0) == NULL && ndw_compound_name(255) == NULL);
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 2, NDW_LAYOUT_COMPOUND(NDW_COMPOUND_VF, 3), &im));
  if (im == NULL) return;
  CHECK(ndw_image_components(im) == 3);  /* fixed from the start */
  CHECK(ndw_image_is_vector(im) == 1);
  CHECK(ndw_image_layout(im) == NDW_LAYOUT_COMPOUND(NDW_COMPOUND_VF, 3));
  CHECK_OK(ndw_image_set_components(im, 3));
  CHECK_STATUS(ndw_image_set_components(im, 2), NDW_E_INVALID);
  CHECK(strstr(ndw_last_error(), "fixed by its pixel type") != NULL);
  CHECK(ndw_image_components(im) == 3);
  CHECK_OK(ndw_image_set_regions(im, NULL, size));
  CHECK_OK(ndw_image_allocate(im, 1));
  CHECK_OK(ndw_image_set_pixel(im, idx, v));
  CHECK_OK(ndw_image_duplicate(im, &copy));  /* the copy keeps the layout */
  if (copy != NULL) {
    CHECK(ndw_image_layout(copy) == ndw_image_layout(im));
    CHECK_OK(ndw_image_get_pixel(copy, idx, out));
    CHECK(memcmp(v, out, sizeof v) == 0);
    CHECK_STATUS(ndw_image_set_components(copy, 4), NDW_E_INVALID);
  }
  ndw_image_free(copy);
  ndw_image_free(im);
}

NDW_TEST(compound_layout_rejects_unknown_rows) {
  ndw_image *im = (ndw_image *)&im;
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, 2, NDW_LAYOUT_COMPOUND(250, 3), &im), NDW_E_INVALID);
  CHECK(im == NULL);
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, 2, NDW_LAYOUT_COMPOUND(NDW_COMPOUND_VF, 0), &im),
               NDW_E_INVALID);
  CHECK_STATUS(ndw_image_new(NDW_PIXEL_F, 2, -1, &im), NDW_E_INVALID);
  /* a plain vector image still takes any count */
  CHECK_OK(ndw_image_new(NDW_PIXEL_F, 2, NDW_LAYOUT_VECTOR, &im));
  CHECK_OK(ndw_image_set_components(im, 7));
  CHECK(ndw_image_layout(im) == NDW_LAYOUT_VECTOR);
  ndw_image_free(im);
}

/* Every generated facade: new (components fixed), set_size, allocate,
 * set_pixel / get_pixel of n components, fill_buffer, from_base accepting
 * its own images only (not a vector image of the same component type). */
#define NDW_X_FACADE_CHECK(code, itk, tok, ctype, comp, n, D, layout)                    \
  do {                                                                              \
    ndw_image_##tok##_##D *img = NULL;                                              \
    ndw_image *other = NULL;                                                        \
    ndw_size_##D s;                                                                 \
    ndw_index_##D ix;                                                               \
    ctype in[n], out[n], fill[n];                                                   \
    for (unsigned i = 0; i < (D); ++i) {                                            \
      s.v[i] = 2;                                                                   \
      ix.v[i] = 0;                                                                  \
    }                                                                               \
    ix.v[0] = 1;                                                                    \
    for (unsigned c = 0; c < (n); ++c) {                                            \
      in[c] = (ctype)(c + 1);                                                       \
      fill[c] = (ctype)(2 * c + 3);                                                 \
      out[c] = (ctype)0;                                                            \
    }                                                                               \
    CHECK_OK(ndw_image_##tok##_##D##_new(&img));                                    \
    if (img == NULL) break;                                                         \
    ++walked;                                                                       \
    CHECK(ndw_image_##tok##_##D##_components(img) == (n));                          \
    CHECK(ndw_image_layout(ndw_image_##tok##_##D##_base(img)) == (layout));         \
    CHECK(ndw_image_pixel_type(ndw_image_##tok##_##D##_base(img)) == NDW_PIXEL_##comp); \
    CHECK_OK(ndw_image_##tok##_##D##_set_size(img, &s));                            \
    CHECK_OK(ndw_image_##tok##_##D##_allocate(img, 1));                             \
    CHECK_OK(ndw_image_##tok##_##D##_fill_buffer(img, fill));                       \
    CHECK_OK(ndw_image_##tok##_##D##_set_pixel(img, &ix, in));                      \
    CHECK_OK(ndw_image_##tok##_##D##_get_pixel(img, &ix, out));                     \
    CHECK(memcmp(in, out, sizeof in) == 0);                                         \
    ix.v[0] = 0;                                                                    \
    CHECK_OK(ndw_image_##tok##_##D##_get_pixel(img, &ix, out));                     \
    CHECK(memcmp(fill, out, sizeof fill) == 0);                                     \
    CHECK(ndw_image_##tok##_##D##_buffer(img) != NULL);                             \
    CHECK(ndw_image_##tok##_##D##_from_base(ndw_image_##tok##_##D##_base(img)) == img); \
    CHECK_OK(ndw_image_new(NDW_PIXEL_##comp, D, NDW_LAYOUT_VECTOR, &other));        \
    CHECK(ndw_image_##tok##_##D##_from_base(other) == NULL);                        \
    ndw_image_free(other);                                                          \
    CHECK_STATUS(ndw_image_set_components(ndw_image_##tok##_##D##_base(img), (n) + 1), \
                 NDW_E_INVALID);                                                    \
    CHECK_OK(ndw_image_##tok##_##D##_free(img));                                    \
  } while (0);

NDW_TEST(compound_facades) {
  int walked = 0, want = 0;
#define NDW_X_COUNT(code, itk, tok, ctype, comp, n, D, layout) ++want;
  NDW_FOR_EACH_COMPOUND_IMAGE(NDW_X_COUNT)
#undef NDW_X_COUNT
  NDW_FOR_EACH_COMPOUND_IMAGE(NDW_X_FACADE_CHECK)
  CHECK(walked == want);
#if NDW_WRAP_VF && NDW_WRAP_F && NDW_WRAP_DIM_3
  CHECK(want > 0);
  {
    ndw_image_vf3_3 *field = NULL; /* Image<Vector<float, 3>, 3>: a displacement field */
    CHECK_OK(ndw_image_vf3_3_new(&field));
    CHECK(ndw_image_vf3_3_components(field) == 3);
    ndw_image_vf3_3_free(field);
  }
#endif
}
