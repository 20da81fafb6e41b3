#include <string.h>

/* CastImage and CastVectorImage, written once; instantiated for every
 * (input, output) pair of wrapped integer, real and bool pixel types and
 * every wrapped dimension, over Image and (NDW_IN_IS_VECTOR) VectorImage.
 *
 * C leaves a real -> integer conversion out of range undefined, so it
 * saturates here (NaN -> 0); integer -> integer wraps modulo 2^n as in C and
 * NumPy; any non-zero value is true.  A vector pixel converts component by
 * component (the caller gives the output the input's component count). */
ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output) {
  ndw_iter it;
  ndw_status st;
  unsigned n = 1;
  ptrdiff_t cs[2] = {0, 0};
#if NDW_IN_IS_VECTOR
  {
    ptrdiff_t strides[NDW_MAX_DIM];
    n = ndw_image_components((const ndw_image *)input);
    if (ndw_image_components((const ndw_image *)output) != n)
      return ndw_set_error(NDW_E_INVALID, "cast: %u input components, %u output components", n,
                           ndw_image_components((const ndw_image *)output));
    ndw_image_get_strides((const ndw_image *)input, strides, &cs[0]);
    ndw_image_get_strides((const ndw_image *)output, strides, &cs[1]);
  }
#endif
  st = ndw_iter_begin(&it, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  do {
    for (unsigned c = 0; c < n; ++c) {
      NDW_IN_CTYPE v = NDW_IN_LOAD(it.ptr[0] + (ptrdiff_t)c * cs[0]); /* a bool byte of 2 is true */
      NDW_OUT_CTYPE r;
#if NDW_IN_IS_REAL && NDW_OUT_IS_INTEGER
      {
        double x = (double)v;
        r = x != x                        ? (NDW_OUT_CTYPE)0
            : x <= (double)NDW_OUT_MIN    ? (NDW_OUT_CTYPE)NDW_OUT_MIN
            : x >= (double)NDW_OUT_MAX    ? (NDW_OUT_CTYPE)NDW_OUT_MAX
                                          : (NDW_OUT_CTYPE)x;
      }
#elif NDW_OUT_IS_BOOL
      r = v != 0;
#else
      r = (NDW_OUT_CTYPE)v;
#endif
      memcpy(it.ptr[1] + (ptrdiff_t)c * cs[1], &r, sizeof r);
    }
  } while (ndw_iter_next(&it));
  return NDW_OK;
}
