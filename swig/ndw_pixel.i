/* Pixel values passed by value to a module's typed C functions: one
 * typemap family, instantiated for every row of the pixel table by the
 * generator.  Conversion is exact (ndw_py_to_component): out-of-range
 * integers raise OverflowError, floats for integer types raise TypeError. */
%define NDW_PIXEL_TYPEMAPS(CTYPE, PTYPE)
%typemap(in) CTYPE {
  if (ndw_py_to_component(PTYPE, $input, &$1) < 0) SWIG_fail;
}
%enddef

/* A module function runs its C body with the GIL released, under the one
 * locking rule (ndw_py_lock): both images count as exported for the whole
 * call, so no other thread can re-allocate or free them meanwhile. */
/* CHECKS: code run first, with the GIL (user sizes bounded before any work:
 * ndw_py_check_radius for `radius` parameters). */
%define NDW_MODULE_CALL(NAME, CHECKS)
%exception NAME {
  ndw_image *ndw_in_ = (ndw_image *)arg1, *ndw_out_ = (ndw_image *)arg2;
  CHECKS
  if (ndw_py_lock(ndw_in_, ndw_out_) < 0) SWIG_fail;
  Py_BEGIN_ALLOW_THREADS
  $action
  Py_END_ALLOW_THREADS
  ndw_py_unlock(ndw_in_, ndw_out_);
}
%enddef
