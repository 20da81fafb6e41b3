#include <string.h>

/* CastImage, written once; instantiated for every (input, output) pair of
 * wrapped integer, real and bool pixel types and every wrapped dimension.
 *
 * C leaves a real -> integer conversion out of range undefined, so it
 * saturates here (NaN -> 0); integer -> integer wraps modulo 2^n as in C and
 * NumPy; any non-zero value is true. */
ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output) {
  ndw_iter it;
  ndw_status st = ndw_iter_begin(&it, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  do {
    NDW_IN_CTYPE v = NDW_IN_LOAD(it.ptr[0]); /* a bool byte of 2 reads as true */
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
    memcpy(it.ptr[1], &r, sizeof r);
  } while (ndw_iter_next(&it));
  return NDW_OK;
}
