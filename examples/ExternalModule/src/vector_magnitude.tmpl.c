/* VectorMagnitude, written once: a VectorImage of reals in, the Euclidean
 * norm of each pixel out (a scalar image); components may be strided. */
#include <math.h>

ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output) {
  ndw_iter it;
  ptrdiff_t strides[NDW_DIM], cstride;
  unsigned n = ndw_image_components((const ndw_image *)input);
  ndw_status st = ndw_iter_begin(&it, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  ndw_image_get_strides((const ndw_image *)input, strides, &cstride);
  do {
    double sum = 0.0;
    for (unsigned c = 0; c < n; ++c) {
      NDW_IN_CTYPE v = NDW_IN_LOAD(it.ptr[0] + c * cstride);
      sum += (double)v * (double)v;
    }
    NDW_OUT_CTYPE r = (NDW_OUT_CTYPE)sqrt(sum);
    memcpy(it.ptr[1], &r, sizeof r);
  } while (ndw_iter_next(&it));
  return NDW_OK;
}
