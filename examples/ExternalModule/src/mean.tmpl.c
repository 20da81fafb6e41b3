/* Mean over a box of (2 radius[i] + 1) pixels along each axis, mirrored at
 * the borders (scipy.ndimage.uniform_filter with mode='reflect'), from any
 * scalar input type to a real output type; accumulates in double. */
ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output, const NDW_SIZE *radius) {
  ext_walk w;
  int64_t off[NDW_DIM], lo[NDW_DIM];
  double count = 1.0;
  ndw_status st = ext_walk_begin(&w, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  for (unsigned i = 0; i < NDW_DIM; ++i) {
    if (radius->v[i] > (uint64_t)1 << 20)
      return ndw_set_error(NDW_E_INVALID, "Mean: radius[%u] is too large", i);
    lo[i] = -(int64_t)radius->v[i];
    count *= (double)(2 * radius->v[i] + 1);
  }
  do {
    double sum = 0.0;
    memcpy(off, lo, sizeof off);
    for (;;) {
      NDW_IN_CTYPE v = NDW_IN_LOAD(ext_walk_in_at(&w, off));
      sum += (double)v;
      unsigned i = 0;
      for (; i < NDW_DIM; ++i) { /* next offset in the box, x fastest */
        if (++off[i] <= -lo[i]) break;
        off[i] = lo[i];
      }
      if (i == NDW_DIM) break;
    }
    NDW_OUT_CTYPE r = (NDW_OUT_CTYPE)(sum / count);
    memcpy(w.out, &r, sizeof r);
  } while (ext_walk_next(&w));
  return NDW_OK;
}
