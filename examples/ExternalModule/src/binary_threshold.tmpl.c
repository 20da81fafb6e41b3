/* BinaryThreshold, written once; included once per instance by the
 * generated extfilters_instances.c with NDW_FUNC, NDW_IN_CTYPE, NDW_OUT_CTYPE,
 * NDW_IN_IMAGE, NDW_OUT_IMAGE, NDW_DIM, ... defined (see ndw_add_module). */
ndw_status NDW_FUNC(const NDW_IN_IMAGE *input, NDW_OUT_IMAGE *output, NDW_IN_CTYPE lower,
                    NDW_IN_CTYPE upper, NDW_OUT_CTYPE inside, NDW_OUT_CTYPE outside) {
  ext_walk w;
  ndw_status st = ext_walk_begin(&w, (const ndw_image *)input, (ndw_image *)output);
  if (st != NDW_OK) return st;
  do {
    NDW_IN_CTYPE v = NDW_IN_LOAD(w.in);
    NDW_OUT_CTYPE r = (lower <= v && v <= upper) ? inside : outside;
    memcpy(w.out, &r, sizeof r);
  } while (ext_walk_next(&w));
  return NDW_OK;
}
