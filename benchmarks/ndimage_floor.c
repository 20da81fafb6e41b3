/* Floors for benchmarks/bench_ndimage.py: the cheapest C callbacks SciPy's
 * machinery can run, so a kernel's time can be read against the cost of the
 * call itself (gathering the footprint, the line buffers, the spline
 * interpolation).  Compiled by the benchmark with the system C compiler and
 * loaded through ctypes: independent of ndwrap's own glue. */
#include <stdint.h>

/* generic_filter: return the first footprint value. */
int floor_filter(double *buffer, intptr_t n, double *result, void *user_data) {
  (void)n;
  (void)user_data;
  *result = buffer[0];
  return 1;
}

/* generic_filter1d: output[i] = input[i] (fill the output line, nothing else). */
int floor_line(double *input, intptr_t input_length, double *output, intptr_t output_length,
               void *user_data) {
  (void)input_length;
  (void)user_data;
  for (intptr_t i = 0; i < output_length; ++i) output[i] = input[i];
  return 1;
}

/* geometric_transform: the identity mapping. */
int floor_mapping(intptr_t *output_coordinates, double *input_coordinates, int output_rank,
                  int input_rank, void *user_data) {
  (void)output_rank;
  (void)user_data;
  for (int i = 0; i < input_rank; ++i) input_coordinates[i] = (double)output_coordinates[i];
  return 1;
}
