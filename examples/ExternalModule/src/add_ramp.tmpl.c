/* AddRamp, written once: adds a linear ramp slope . index (x first); the
 * slope is one double per axis (any sequence or NumPy array from Python). */
ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output, const NDW_VECTOR *slope) {
  ndw_iter it;
  ndw_status st = ndw_iter_begin(&it, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  do {
    NDW_IN_CTYPE v = NDW_IN_LOAD(it.ptr[0]);
    double ramp = 0.0;
    for (unsigned i = 0; i < NDW_DIM; ++i) ramp += slope->v[i] * (double)it.pos[i];
    NDW_OUT_CTYPE r = (NDW_OUT_CTYPE)((double)v + ramp);
    memcpy(it.ptr[1], &r, sizeof r);
  } while (ndw_iter_next(&it));
  return NDW_OK;
}
