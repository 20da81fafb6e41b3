/* ndwrap Image: the layout of the generic image (private to the library). */
#ifndef NDW_IMAGE_PRIVATE_H
#define NDW_IMAGE_PRIVATE_H

#include "ndw/image.h"

struct ndw_image {
  /* the scalars first (ndw_image_zero clears them in one piece); of the
   * direction only the first dim * dim entries are ever written or read */
  ndw_pixel_type type;
  unsigned dim;
  int vector;      /* the layout: NDW_LAYOUT_SCALAR, _VECTOR or _COMPOUND(id, n) */
  unsigned components;
  size_t itemsize; /* bytes per component */
  char *data;                      /* first pixel, NULL when unallocated */
  ptrdiff_t cstride;               /* bytes between components */
  int readonly;
  long exports;                    /* live buffer exports */
  void *owned;                     /* our own allocation, or NULL */
  ndw_release_fn release;          /* foreign memory: called once on release */
  void *release_context;
  uint64_t size[NDW_MAX_DIM];
  int64_t index[NDW_MAX_DIM];
  double spacing[NDW_MAX_DIM];
  double origin[NDW_MAX_DIM];
  double direction[NDW_MAX_DIM * NDW_MAX_DIM]; /* dim x dim, row-major */
  ptrdiff_t strides[NDW_MAX_DIM];  /* bytes per step along each axis */
};

#endif
