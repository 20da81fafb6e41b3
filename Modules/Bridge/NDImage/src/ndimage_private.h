/* BridgeNDImage internals: the parameter block's layout and the check every
 * kernel with parameters makes on its user_data. */
#ifndef NDW_NDIMAGE_PRIVATE_H
#define NDW_NDIMAGE_PRIVATE_H

#include "ndw/ndimage.h"

/* "ndwimg01": a block made by ndw_ndimage_params_new. */
#define NDW_NDIMAGE_MAGIC UINT64_C(0x6e6477696d673031)

struct ndw_ndimage_params {
  uint64_t magic;
  const ndw_ndimage_kernel *kernel; /* the row it was made for */
  int output_rank, input_rank;      /* 0: any rank */
  size_t count;
  double values[]; /* count values, same allocation */
};

#endif
