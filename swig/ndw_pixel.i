/* Pixel values passed by value to a module's typed C functions: one
 * typemap family, instantiated for every row of the pixel table by the
 * generator.  Conversion is exact (ndw_py_to_component): out-of-range
 * integers raise OverflowError, floats for integer types raise TypeError. */
%define NDW_PIXEL_TYPEMAPS(CTYPE, PTYPE)
%typemap(in) CTYPE {
  if (ndw_py_to_component(PTYPE, $input, &$1) < 0) SWIG_fail;
}
%enddef

/* A module function: the images are marked as exported for the duration of
 * the call (so no other thread can re-allocate them), and the GIL is
 * released while the C body runs. */
%define NDW_MODULE_CALL(NAME)
%exception NAME {
  ndw_image *ndw_in_ = (ndw_image *)arg1, *ndw_out_ = (ndw_image *)arg2;
  if (ndw_py_check(ndw_image_export_acquire(ndw_in_)) < 0) SWIG_fail;
  if (ndw_py_check(ndw_image_export_acquire(ndw_out_)) < 0) {
    ndw_image_export_release(ndw_in_);
    SWIG_fail;
  }
  Py_BEGIN_ALLOW_THREADS
  $action
  Py_END_ALLOW_THREADS
  ndw_image_export_release(ndw_in_);
  ndw_image_export_release(ndw_out_);
}
%enddef
