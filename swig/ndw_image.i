/* Image<T, D> and VectorImage<T, D>: ITK's method names over the typed
 * handles; every method forwards to the generic glue in ndw_py.c.  The
 * classes export the buffer protocol (zero-copy NumPy views). */

%{
/* -builtin instances are SwigPyObjects: ptr is the ndw_image. */
static int ndw_swig_image_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  ndw_image *p = (ndw_image *)ndw_swig_self(self);
  if (p == NULL) {
    view->obj = NULL;
    return -1;
  }
  return ndw_py_image_getbuffer(p, self, view, flags);
}
static void ndw_swig_image_releasebuffer(PyObject *self, Py_buffer *view) {
  ndw_py_image_releasebuffer((ndw_image *)((SwigPyObject *)self)->ptr, view);
}
/* tp_dealloc of every image class (issue 16): what SWIG's destructor
 * closure does (weak references, the instance dict, the owned image freed
 * with any pending exception kept, the object freed), without calling the
 * delete_<Class> wrapper through a Python-call frame (argument tuple
 * unpacking, SWIG_ConvertPtr's type check, Py_None).  The release of the
 * image's held buffer and the export accounting are ndw_py_image_free's, as
 * before. */
static void ndw_swig_image_dealloc(PyObject *self) {
  SwigPyObject *s = (SwigPyObject *)self;
  if (s->weakreflist != NULL) PyObject_ClearWeakRefs(self);
  Py_CLEAR(s->swigdict);
  if (s->own) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    s->own = 0;
    ndw_py_image_free((ndw_image *)s->ptr);
    s->ptr = NULL;
    PyErr_Restore(type, value, tb);
  }
  if (PyType_IS_GC(Py_TYPE(self)))
    PyObject_GC_Del(self);
  else
    PyObject_Free(self);
}
%}

%define NDW_WRAP_IMAGE_CLASS(PYNAME, T, PTYPE, NDW_D_, VECTOR)
%rename(PYNAME) T;
NDW_IMAGE_DOCS(PYNAME, T)                       /* ndw_docs.i */
%feature("python:bf_getbuffer", functype="getbufferproc") T "ndw_swig_image_getbuffer";
%feature("python:bf_releasebuffer", functype="releasebufferproc") T "ndw_swig_image_releasebuffer";
%feature("python:slot", "tp_repr", functype="reprfunc") T::__repr__;
%feature("python:tp_dealloc") T "ndw_swig_image_dealloc";
%feature("kwargs") T::Allocate;
%newobject T::New;
%newobject T::_view;
%newobject T::_copy;
typedef struct T {} T;
%extend T {
  T() { return (T *)ndw_py_image_new(PTYPE, NDW_D_, VECTOR); }
  ~T() { ndw_py_image_free((ndw_image *)$self); }
  static T *New() { return (T *)ndw_py_image_new(PTYPE, NDW_D_, VECTOR); }
  PyObject *SetRegions(PyObject *region) {
    return ndw_py_image_set_regions((ndw_image *)$self, region);
  }
  PyObject *Allocate(int initialize = 0) {
    return ndw_py_image_allocate((ndw_image *)$self, initialize);
  }
  PyObject *FillBuffer(PyObject *value) { return ndw_py_image_fill((ndw_image *)$self, value); }
  PyObject *GetPixel(PyObject *index) { return ndw_py_image_get_pixel((ndw_image *)$self, index); }
  PyObject *SetPixel(PyObject *index, PyObject *value) {
    return ndw_py_image_set_pixel((ndw_image *)$self, index, value);
  }
  ndw_region_##NDW_D_ GetLargestPossibleRegion() { return T##_largest_region($self); }
  ndw_region_##NDW_D_ GetBufferedRegion() { return T##_buffered_region($self); }
  PyObject *SetSpacing(PyObject *spacing) {
    return ndw_py_image_set_spacing((ndw_image *)$self, spacing);
  }
  PyObject *GetSpacing() { return ndw_py_image_get_spacing((ndw_image *)$self); }
  PyObject *SetOrigin(PyObject *origin) {
    return ndw_py_image_set_origin((ndw_image *)$self, origin);
  }
  PyObject *GetOrigin() { return ndw_py_image_get_origin((ndw_image *)$self); }
  PyObject *SetDirection(PyObject *direction) {
    return ndw_py_image_set_direction((ndw_image *)$self, direction);
  }
  PyObject *GetDirection() { return ndw_py_image_get_direction((ndw_image *)$self); }
  PyObject *SetNumberOfComponentsPerPixel(PyObject *n) {
    return ndw_py_image_set_components((ndw_image *)$self, n);
  }
  unsigned int GetNumberOfComponentsPerPixel() {
    return ndw_image_components((ndw_image *)$self);
  }
  static unsigned int GetImageDimension() { return NDW_D_; }
  PyObject *__repr__() { return ndw_py_image_repr((ndw_image *)$self, #PYNAME); }
  /* for ndwrap's Python layer (PyBuffer) */
  static T *_view(PyObject *array, int is_vector = 0, int writable = 0) {
    return (T *)ndw_py_image_view(PTYPE, NDW_D_, VECTOR, array, is_vector, writable);
  }
  T *_copy() { return (T *)ndw_py_image_copy((ndw_image *)$self); }
  PyObject *_copy_into(PyObject *target) {
    return ndw_py_image_copy_into((ndw_image *)$self, target);
  }
  bool _is_allocated() { return ndw_image_is_allocated((ndw_image *)$self) != 0; }
  PyObject *CopyInformation(T *other) {
    return ndw_py_status(ndw_image_copy_information((ndw_image *)$self, (ndw_image *)other));
  }
}
NDW_IMAGE_PROTOCOLS(T)                          /* ndw_protocols.i */
NDW_IMAGE_ITK(T, NDW_D_)                        /* ndw_itk.i */
NDW_PUBLIC_DIR(T)                               /* ndw_docs.i */
NDW_IMAGE_DLPACK(T, PTYPE, NDW_D_, VECTOR)      /* ndw_dlpack.i */
%enddef

%define NDW_WRAP_IMAGE(NDW_CODE_, NDW_TOK_, NDW_CTYPE_, NDW_DIM_)
NDW_WRAP_IMAGE_CLASS(Image##NDW_CODE_##NDW_DIM_, ndw_image_##NDW_TOK_##_##NDW_DIM_,
                     NDW_PIXEL_##NDW_CODE_, NDW_DIM_, 0)
NDW_WRAP_IMAGE_CLASS(VectorImage##NDW_CODE_##NDW_DIM_, ndw_vector_image_##NDW_TOK_##_##NDW_DIM_,
                     NDW_PIXEL_##NDW_CODE_, NDW_DIM_, 1)
%enddef

/* Fixed-size pixel types (NDW_COMPOUND_TABLE): an image class is made by
 * the generator as NDW_WRAP_IMAGE_CLASS(ImageVF33, ndw_image_vf3_3,
 * NDW_PIXEL_F, 3, NDW_LAYOUT_COMPOUND(id, n)); ndwrap._registry gives the C
 * glue the value class of each layout, which GetPixel returns. */
%rename(_set_pixel_classes) ndw_py_set_pixel_classes;
PyObject *ndw_py_set_pixel_classes(PyObject *classes);
