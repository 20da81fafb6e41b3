/* The VectorContainer module's handle (Modules/Core/VectorContainer):
 * ndwcore._VectorContainer(code, components), runtime-typed, exporting its
 * elements through the buffer protocol.  ITK's VectorContainer[ULL, T]
 * classes are Python types over it (ndwrap/vectorcontainer.py), as Matrix is
 * over vnl_matrix. */

%{
#include "ndw_py_vector_container.h"
static int ndw_swig_vc_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  ndw_vector_container *p = (ndw_vector_container *)ndw_swig_self(self);
  if (p == NULL) {
    view->obj = NULL;
    return -1;
  }
  return ndw_py_vc_getbuffer(p, self, view, flags);
}
static void ndw_swig_vc_releasebuffer(PyObject *self, Py_buffer *view) {
  ndw_py_vc_releasebuffer((ndw_vector_container *)((SwigPyObject *)self)->ptr, view);
}
%}

%rename(_VectorContainer) ndw_vector_container;
%feature("docstring") ndw_vector_container "_VectorContainer(code, components): the C container
behind ndwrap.VectorContainer[ULL, T] (use that); exports its elements as a buffer of shape (n,)
or (n, components).";
%feature("python:bf_getbuffer", functype="getbufferproc") ndw_vector_container "ndw_swig_vc_getbuffer";
%feature("python:bf_releasebuffer", functype="releasebufferproc") ndw_vector_container "ndw_swig_vc_releasebuffer";
%rename(size) ndw_vector_container::py_size;
%rename(components) ndw_vector_container::py_components;
%rename(resize) ndw_vector_container::py_resize;
%rename(get) ndw_vector_container::py_get;
%rename(set) ndw_vector_container::py_set;
%rename(insert) ndw_vector_container::py_insert;
%rename(assign) ndw_vector_container::py_assign;
typedef struct ndw_vector_container {} ndw_vector_container;
%extend ndw_vector_container {
  ndw_vector_container(PyObject *code, int components) { return ndw_py_vc_new(code, components); }
  ~ndw_vector_container() { ndw_py_vc_free($self); }
  %feature("docstring") py_size "size() -> number of elements.";
  unsigned long long py_size() { return ndw_vector_container_size($self); }
  %feature("docstring") py_components "components() -> values per element.";
  unsigned py_components() { return ndw_vector_container_components($self); }
  %feature("docstring") py_resize "resize(n): exactly n elements, new ones zero (BufferError while exported).";
  PyObject *py_resize(PyObject *n) { return ndw_py_vc_resize($self, n); }
  %feature("docstring") py_get "get(i) -> element i (a number, or a tuple of components).";
  PyObject *py_get(PyObject *i) { return ndw_py_vc_get($self, i); }
  %feature("docstring") py_set "set(i, value): element i (IndexError outside).";
  PyObject *py_set(PyObject *i, PyObject *value) { return ndw_py_vc_set($self, i, value, 0); }
  %feature("docstring") py_insert "insert(i, value): element i, growing to i + 1 elements first.";
  PyObject *py_insert(PyObject *i, PyObject *value) { return ndw_py_vc_set($self, i, value, 1); }
  %feature("docstring") py_assign "assign(array): contents replaced by a copy of a C-contiguous array of the element type.";
  PyObject *py_assign(PyObject *array) { return ndw_py_vc_assign($self, array); }
  %feature("docstring") _exports "_exports() -> live buffer exports.";
  long _exports() { return ndw_vector_container_exports($self); }
}
NDW_PUBLIC_DIR(ndw_vector_container)
