/* extfilters: helpers shared by every instance (plain C, compiled once). */
#ifndef EXT_WALK_H
#define EXT_WALK_H

#include <string.h>

#include "ndw/image.h"

/* Walks two images of the same size pixel by pixel (x fastest). */
typedef struct ext_walk {
  unsigned dim;
  uint64_t size[NDW_MAX_DIM];
  int64_t pos[NDW_MAX_DIM];
  ptrdiff_t in_strides[NDW_MAX_DIM], out_strides[NDW_MAX_DIM];
  const char *in;
  char *out;
  const char *in_base;
} ext_walk;

/* NDW_E_STATE when unallocated, NDW_E_INVALID when the sizes differ or
 * the region is empty, NDW_E_READONLY for a read-only output. */
ndw_status ext_walk_begin(ext_walk *w, const ndw_image *in, ndw_image *out);
/* Advance; 0 after the last pixel. */
int ext_walk_next(ext_walk *w);
/* Address of the input pixel at the current position + offset, mirrored at
 * the borders like scipy.ndimage's mode='reflect' (d c b a | a b c d | d c b a). */
const char *ext_walk_in_at(const ext_walk *w, const int64_t *offset);
/* `i` mirrored into [0, n). */
int64_t ext_reflect(int64_t i, int64_t n);

#endif
