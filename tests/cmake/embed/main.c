/* Consumer test (d): the toolkit's own program, built against ndwrap embedded
 * with Module_BridgeNumPy=OFF, NDW_WRAP_DIMS=2 and NDW_WRAP_CD=OFF.  The
 * checks below are compile-time where they can be. */
#include <stdio.h>

#include <ndw/image.h>
#include <ndw/vnl.h>

#if defined(NDW_HAVE_MODULE_BridgeNumPy)
#error "Module_BridgeNumPy=OFF, yet NDW_HAVE_MODULE_BridgeNumPy is defined"
#endif
#if !defined(NDW_HAVE_MODULE_Image) || !defined(NDW_HAVE_MODULE_Vnl)
#error "NDW_HAVE_MODULE_Image / NDW_HAVE_MODULE_Vnl should be defined"
#endif
#if defined(__has_include)
#if __has_include(<ndw/buffer.h>)
#error "ndw/buffer.h (BridgeNumPy) is on the include path although the module is off"
#endif
#endif
#if NDW_WRAP_CD != 0 || NDW_WRAP_F != 1
#error "NDW_WRAP_CD=OFF / NDW_WRAP_F=ON not honoured"
#endif

/* Exactly one wrapped dimension, and it is 2. */
#define TOOLKIT_COUNT_DIM(D) +1
#define TOOLKIT_SUM_DIM(D) +D
_Static_assert(0 NDW_FOR_EACH_DIM(TOOLKIT_COUNT_DIM) == 1, "NDW_WRAP_DIMS=2 not honoured");
_Static_assert(0 NDW_FOR_EACH_DIM(TOOLKIT_SUM_DIM) == 2, "NDW_WRAP_DIMS=2 not honoured");

/* The toolkit's own typed code, one function per pixel type ndwrap wraps
 * (the sum of a 2-d image's buffer), and a run-time dispatch over them. */
#define TOOLKIT_SUM(code, tok, ctype)                                        \
  static double toolkit_sum_##tok(ndw_image *base) {                         \
    ndw_image_##tok##_2 *img = ndw_image_##tok##_2_from_base(base);          \
    const ctype *p = img != NULL ? ndw_image_##tok##_2_buffer(img) : NULL;   \
    uint64_t n = ndw_image_number_of_pixels(base), i;                        \
    double s = 0.0;                                                          \
    for (i = 0; p != NULL && i < n; ++i) s += (double)p[i];                  \
    return s;                                                                \
  }
NDW_FOR_EACH_PIXEL(TOOLKIT_SUM)
#undef TOOLKIT_SUM

static double toolkit_sum(ndw_image *base) {
  switch (ndw_image_pixel_type(base)) {
#define TOOLKIT_CASE(code, tok, ctype) \
  case NDW_PIXEL_##code:               \
    return toolkit_sum_##tok(base);
    NDW_FOR_EACH_PIXEL(TOOLKIT_CASE)
#undef TOOLKIT_CASE
  default:
    return -1.0;
  }
}

/* ... and a name table from the same list. */
#define TOOLKIT_NAME(code, tok, ctype) #code,
static const char *const toolkit_types[] = {NDW_FOR_EACH_PIXEL(TOOLKIT_NAME)};
#undef TOOLKIT_NAME

int main(void) {
  int failures = 0;
  ndw_image_u8_2 *img = NULL;
  ndw_size_2 size = {{3, 2}};
  ndw_index_2 at = {{2, 1}};
  size_t ntypes = sizeof toolkit_types / sizeof toolkit_types[0];
  double sum;

  /* The same facts at run time, from the library itself. */
  if (!ndw_dim_is_wrapped(2) || ndw_dim_is_wrapped(3) || ndw_dim_is_wrapped(4)) {
    printf("toolkit: the library does not wrap exactly dimension 2\n");
    ++failures;
  }
  if (ndw_pixel_type_is_wrapped(NDW_PIXEL_CD) || !ndw_pixel_type_is_wrapped(NDW_PIXEL_CF)) {
    printf("toolkit: NDW_WRAP_CD=OFF not honoured by the library\n");
    ++failures;
  }
  if (ntypes != NDW_PIXEL_COUNT - 1) {
    printf("toolkit: %u wrapped pixel types, expected %d\n", (unsigned)ntypes,
           NDW_PIXEL_COUNT - 1);
    ++failures;
  }

  if (ndw_image_u8_2_new(&img) != NDW_OK || ndw_image_u8_2_set_size(img, &size) != NDW_OK ||
      ndw_image_u8_2_allocate(img, 1) != NDW_OK || ndw_image_u8_2_fill_buffer(img, 2) != NDW_OK ||
      ndw_image_u8_2_set_pixel(img, &at, 200) != NDW_OK) {
    printf("toolkit: image calls failed: %s\n", ndw_last_error());
    ++failures;
  }
  sum = toolkit_sum(ndw_image_u8_2_base(img));
  if (sum != 5 * 2 + 200) {
    printf("toolkit: sum %g, expected 210\n", sum);
    ++failures;
  }
  ndw_image_u8_2_free(img);

  printf("toolkit: %u pixel types (%s .. %s), sum %g\n", (unsigned)ntypes, toolkit_types[0],
         toolkit_types[ntypes - 1], sum);
  if (failures != 0) return 1;
  printf("toolkit: OK\n");
  return 0;
}
