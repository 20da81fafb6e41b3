/* examples/NDImageKernel: three scipy.ndimage kernels of a toolkit. */
#ifndef NDK_KERNELS_H
#define NDK_KERNELS_H

#include <ndw/ndimage.h>

/** generic_filter: sum of weights[i] * buffer[i] (one weight per footprint
 *  value, in the footprint's C order): scipy.ndimage.correlate. */
int ndk_weighted_sum(double *buffer, intptr_t n, double *result, void *user_data);
/** generic_filter1d: exponential smoothing y[i] = a x[i] + (1 - a) y[i-1]
 *  along the extended line (y[0] = x[0]), its last output_length values. */
int ndk_exponential_smoothing(double *input, intptr_t input_length, double *output,
                              intptr_t output_length, void *user_data);
/** geometric_transform, rank 2: rotation by `angle` (radians) about the
 *  array point (center_row, center_col): input = R (output - c) + c. */
int ndk_rotate_2d(intptr_t *output_coordinates, double *input_coordinates, int output_rank,
                  int input_rank, void *user_data);

/** The table ndw_add_ndimage_kernels(TABLE ndk_kernels) turns into the
 *  Python module `ndkernels`. */
extern const ndw_ndimage_kernel ndk_kernels[];

#endif
