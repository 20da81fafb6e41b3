/* The C base of the template registries (swig/ndw_py_registry.c, issue 16):
 * ndwrap._registry takes it once, _registry_base(PixelType), and derives
 * Template, PyBuffer's and PyVnl's registries from it. */
%{
#include "ndw_py_registry.h"
%}

%rename(_registry_base) ndw_py_registry_type;
PyObject *ndw_py_registry_type(PyObject *pixel_type);
