/* DLPack on images (Module_BridgeDLPack): __dlpack__, __dlpack_device__ and
 * the importer _from_dlpack, forwarding to swig/ndw_py_dlpack.c.  The C half
 * is Modules/Bridge/DLPack; the Python half Wrapping/Python/ndwrap/dlpack.py.
 * Without the module the macros expand to nothing. */
#ifdef NDW_HAVE_MODULE_BridgeDLPack
%{
#include "ndw_py_dlpack.h"
%}

%define NDW_IMAGE_DLPACK(T, PTYPE, NDW_D_, VECTOR)
%feature("kwargs") T::__dlpack__;
%feature("kwargs") T::_from_dlpack;
%newobject T::_from_dlpack;
%extend T {
  PyObject *__dlpack__(PyObject *ndw_self, PyObject *stream = NULL, PyObject *max_version = NULL,
                       PyObject *dl_device = NULL, PyObject *copy = NULL) {
    return ndw_py_image_dlpack((ndw_image *)$self, ndw_self, stream, max_version, dl_device, copy);
  }
  PyObject *__dlpack_device__() { return ndw_py_dlpack_device(); }
  static T *_from_dlpack(PyObject *capsule, int is_vector = 0) {
    return (T *)ndw_py_image_from_dlpack(PTYPE, NDW_D_, VECTOR, capsule, is_vector);
  }
}
%enddef

%define NDW_VNL_DLPACK(T)
%feature("kwargs") T::__dlpack__;
%extend T {
  PyObject *__dlpack__(PyObject *ndw_self, PyObject *stream = NULL, PyObject *max_version = NULL,
                       PyObject *dl_device = NULL, PyObject *copy = NULL) {
    return ndw_py_vnl_dlpack((ndw_vnl *)$self, ndw_self, stream, max_version, dl_device, copy);
  }
  PyObject *__dlpack_device__() { return ndw_py_dlpack_device(); }
}
%enddef

/* (pixel code, ndim, versioned, readonly) of an unconsumed DLPack capsule */
%rename(_dlpack_info) ndw_py_dlpack_info;
PyObject *ndw_py_dlpack_info(PyObject *capsule);
#else
%define NDW_IMAGE_DLPACK(T, PTYPE, NDW_D_, VECTOR)
%enddef
%define NDW_VNL_DLPACK(T)
%enddef
#endif
