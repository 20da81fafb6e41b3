/* The example's kernels from C: no Python, no SciPy.  A parameter block from
 * ndw_ndimage_params_new (checked like the Python path), then direct calls. */
#include <math.h>
#include <stdio.h>

#include "ndk/kernels.h"

int main(void) {
  ndw_ndimage_params *p = NULL;
  const double weights[3] = {0.25, 0.5, 0.25};
  double window[3] = {1, 2, 5}, r = 0;
  if (ndw_ndimage_params_new(&ndk_kernels[0], 0, 0, weights, 3, &p) != NDW_OK) {
    fprintf(stderr, "params: %s\n", ndw_last_error());
    return 1;
  }
  if (!ndk_weighted_sum(window, 3, &r, p) || r != 2.5) {
    fprintf(stderr, "weighted_sum gave %g (%s)\n", r, ndw_last_error());
    return 1;
  }
  /* a footprint of another size fails with a message, no crash */
  if (ndk_weighted_sum(window, 2, &r, p) != 0 || ndw_last_status() != NDW_E_INVALID) return 1;
  printf("weighted_sum: %g; with 2 values: %s\n", r, ndw_last_error());
  ndw_ndimage_params_free(p);

  /* the row's own check runs in ndw_ndimage_params_new */
  const double alpha = 1.5;
  if (ndw_ndimage_params_new(&ndk_kernels[1], 0, 0, &alpha, 1, &p) != NDW_E_INVALID) return 1;
  printf("alpha 1.5: %s\n", ndw_last_error());

  const double rot[3] = {acos(-1.0) / 2, 0, 0};
  if (ndw_ndimage_params_new(&ndk_kernels[2], 0, 0, rot, 3, &p) != NDW_OK) return 1;
  intptr_t o[2] = {1, 0};
  double in[2];
  if (!ndk_rotate_2d(o, in, 2, 2, p) || fabs(in[0]) > 1e-12 || fabs(in[1] - 1) > 1e-12) return 1;
  printf("rotate_2d (1, 0) -> (%.3g, %.3g)\n", in[0], in[1]);
  ndw_ndimage_params_free(p);
  return 0;
}
