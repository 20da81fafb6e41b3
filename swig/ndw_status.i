/* Errors: the one place where C failures become Python exceptions.
 *
 * - C functions returning ndw_status are mapped by the typemap below
 *   (through ndw_py_raise, the status -> exception table of DESIGN.md).
 * - The glue functions of ndw_py.c return NULL / set an exception; the
 *   %exception below turns any pending exception into a failed call. */
%typemap(out) ndw_status {
  if ($1 != NDW_OK) {
    ndw_py_raise($1);
    SWIG_fail;
  }
  $result = SWIG_Py_Void();
}

%exception {
  $action
  if (PyErr_Occurred()) SWIG_fail;
}
