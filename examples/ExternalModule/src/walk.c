#include "ext/walk.h"

#include <string.h>

ndw_status ext_walk_begin(ext_walk *w, const ndw_image *in, ndw_image *out) {
  uint64_t osize[NDW_MAX_DIM];
  ptrdiff_t cs;
  memset(w, 0, sizeof *w);
  if (!ndw_image_is_allocated(in) || !ndw_image_is_allocated(out))
    return ndw_set_error(NDW_E_STATE, "extfilters: input and output must be allocated");
  if (ndw_image_is_readonly(out))
    return ndw_set_error(NDW_E_READONLY, "extfilters: the output image is read-only");
  w->dim = ndw_image_dimension(in);
  if (ndw_image_dimension(out) != w->dim)
    return ndw_set_error(NDW_E_INVALID, "extfilters: input and output dimensions differ");
  ndw_image_get_size(in, w->size);
  ndw_image_get_size(out, osize);
  for (unsigned i = 0; i < w->dim; ++i) {
    if (w->size[i] != osize[i])
      return ndw_set_error(NDW_E_INVALID, "extfilters: input and output sizes differ on axis %u", i);
    if (w->size[i] == 0) return ndw_set_error(NDW_E_INVALID, "extfilters: the region is empty");
  }
  ndw_image_get_strides(in, w->in_strides, &cs);
  ndw_image_get_strides(out, w->out_strides, &cs);
  w->in = w->in_base = ndw_image_buffer(in);
  w->out = ndw_image_buffer(out);
  return NDW_OK;
}

int ext_walk_next(ext_walk *w) {
  for (unsigned i = 0; i < w->dim; ++i) {
    w->in += w->in_strides[i];
    w->out += w->out_strides[i];
    if ((uint64_t)++w->pos[i] < w->size[i]) return 1;
    w->in -= w->in_strides[i] * (ptrdiff_t)w->size[i];
    w->out -= w->out_strides[i] * (ptrdiff_t)w->size[i];
    w->pos[i] = 0;
  }
  return 0;
}

int64_t ext_reflect(int64_t i, int64_t n) {
  int64_t period = 2 * n;
  i %= period;
  if (i < 0) i += period;
  return i < n ? i : period - 1 - i;
}

const char *ext_walk_in_at(const ext_walk *w, const int64_t *offset) {
  const char *p = w->in_base;
  for (unsigned i = 0; i < w->dim; ++i)
    p += ext_reflect(w->pos[i] + offset[i], (int64_t)w->size[i]) * w->in_strides[i];
  return p;
}
