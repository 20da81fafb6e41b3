/* The array ecosystem's protocols on images and vnl objects: NumPy's
 * __array__ / shape / ndim / dtype, pickling (__reduce_ex__) and copying
 * (__copy__, __deepcopy__).  SWIG -builtin types take no Python attributes,
 * so each is a thin %extend member forwarding to swig/ndw_py_protocols.c;
 * the Python halves live in Wrapping/Python/ndwrap/_protocols.py.  The
 * getters are read-only getset descriptors (%immutable members). */

%{
#include "ndw_py_protocols.h"
%}

/* The Python object a method was called on (-builtin wrappers get it as
 * `self`): for methods whose result must keep the object alive. */
%typemap(in, numinputs=0) PyObject *ndw_self "$1 = self;";

%define NDW_IMAGE_PROTOCOLS(T)
%feature("kwargs") T::__array__;
%immutable T::shape;
%immutable T::ndim;
%immutable T::dtype;
%{
static PyObject *T##_shape_get(T *s) { return ndw_py_image_shape((ndw_image *)s); }
static PyObject *T##_ndim_get(T *s) { return ndw_py_image_ndim((ndw_image *)s); }
static PyObject *T##_dtype_get(T *s) {
  return ndw_py_dtype(ndw_image_pixel_type((ndw_image *)s));
}
%}
%extend T {
  /* NumPy order (z, y, x[, c]), as np.asarray(image).shape */
  PyObject *shape;
  PyObject *ndim;
  PyObject *dtype;
  PyObject *__array__(PyObject *ndw_self, PyObject *dtype = NULL, PyObject *copy = NULL) {
    return ndw_py_protocol_call("array", ndw_self, dtype, copy);
  }
  PyObject *__reduce_ex__(PyObject *ndw_self, PyObject *protocol) {
    return ndw_py_protocol_call("reduce_image", ndw_self, protocol, NULL);
  }
  PyObject *__copy__(PyObject *ndw_self) {
    return ndw_py_protocol_call("copy_image", ndw_self, NULL, NULL);
  }
  PyObject *__deepcopy__(PyObject *ndw_self, PyObject *memo) {
    return ndw_py_protocol_call("deepcopy", ndw_self, memo, NULL);
  }
  /* ITK's image.astype(pixel_type): ndwrap/imagecast.py */
  PyObject *astype(PyObject *ndw_self, PyObject *pixel_type) {
    return ndw_py_protocol_call("astype", ndw_self, pixel_type, NULL);
  }
  PyObject *_set_start_index(PyObject *index) {
    return ndw_py_image_set_start_index((ndw_image *)$self, index);
  }
  PyObject *_is_contiguous() { return PyBool_FromLong(ndw_image_is_contiguous((ndw_image *)$self)); }
}
%enddef

%define NDW_VNL_PROTOCOLS(T)
%feature("kwargs") T::__array__;
%immutable T::shape;
%immutable T::ndim;
%immutable T::dtype;
%{
static PyObject *T##_shape_get(T *s) { return ndw_py_vnl_shape((ndw_vnl *)s); }
static PyObject *T##_ndim_get(T *s) {
  return PyLong_FromLong(ndw_vnl_is_matrix((ndw_vnl *)s) ? 2 : 1);
}
static PyObject *T##_dtype_get(T *s) { return ndw_py_dtype(ndw_vnl_pixel_type((ndw_vnl *)s)); }
%}
%extend T {
  PyObject *shape;
  PyObject *ndim;
  PyObject *dtype;
  PyObject *__array__(PyObject *ndw_self, PyObject *dtype = NULL, PyObject *copy = NULL) {
    return ndw_py_protocol_call("array", ndw_self, dtype, copy);
  }
  PyObject *__reduce_ex__(PyObject *ndw_self, PyObject *protocol) {
    return ndw_py_protocol_call("reduce_vnl", ndw_self, protocol, NULL);
  }
  PyObject *__copy__(PyObject *ndw_self) {
    return ndw_py_protocol_call("copy_vnl", ndw_self, NULL, NULL);
  }
  PyObject *__deepcopy__(PyObject *ndw_self, PyObject *memo) {
    return ndw_py_protocol_call("deepcopy", ndw_self, memo, NULL);
  }
}
%enddef
