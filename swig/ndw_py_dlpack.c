/* Python glue of Module_BridgeDLPack (see ndw_py_dlpack.h).
 *
 * Capsule rules (the DLPack Python specification):
 * - a producer's capsule is named "dltensor" (DLManagedTensor) or
 *   "dltensor_versioned" (DLManagedTensorVersioned);
 * - a consumer that takes the tensor renames the capsule "used_dltensor" /
 *   "used_dltensor_versioned" and from then on calls the tensor's deleter
 *   itself, once, when it is done with the memory;
 * - the capsule's destructor calls the deleter only when the capsule was
 *   never consumed (still under its original name).
 */
#include "ndw_py_dlpack.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndw/dlpack_bridge.h"

static const char NDW_DLTENSOR[] = "dltensor";
static const char NDW_DLTENSOR_USED[] = "used_dltensor";
static const char NDW_DLTENSOR_V[] = "dltensor_versioned";
static const char NDW_DLTENSOR_V_USED[] = "used_dltensor_versioned";

/* ---- export ------------------------------------------------------------- */

/* What a tensor made here keeps alive until its deleter runs. */
typedef struct ndw_py_dlpack_owner {
  PyObject *obj;      /* the exporting Python object (a new reference) */
  ndw_image *image;   /* its image, holding one export, or NULL */
  ndw_vnl *vnl;       /* its vnl, holding one export, or NULL */
  ndw_image *copy;    /* a private copy exported instead (copy=True), or NULL */
  ndw_vnl *vnl_copy;  /* the same for vnl objects */
} ndw_py_dlpack_owner;

/* The tensor's deleter: consumers may call it on any thread, with or
 * without the GIL; the export counts and the reference need the GIL. */
static void ndw_py_dlpack_owner_release(void *context) {
  ndw_py_dlpack_owner *o = context;
  PyGILState_STATE g;
  if (!Py_IsInitialized()) return; /* interpreter gone: leak, as NumPy does */
  g = PyGILState_Ensure();
  if (o->image) ndw_image_export_release(o->image);
  if (o->vnl) ndw_vnl_export_release(o->vnl);
  if (o->copy) ndw_image_free(o->copy);
  if (o->vnl_copy) ndw_vnl_free(o->vnl_copy);
  Py_XDECREF(o->obj);
  free(o);
  PyGILState_Release(g);
}

static void ndw_py_dlpack_capsule_destructor(PyObject *capsule) {
  const char *name = PyCapsule_GetName(capsule);
  void *p;
  if (name == NULL) {
    PyErr_WriteUnraisable(capsule);
    return;
  }
  if (strcmp(name, NDW_DLTENSOR_V) != 0 && strcmp(name, NDW_DLTENSOR) != 0)
    return; /* consumed: the consumer calls the deleter */
  if ((p = PyCapsule_GetPointer(capsule, name)) == NULL) {
    PyErr_WriteUnraisable(capsule);
    return;
  }
  if (strcmp(name, NDW_DLTENSOR_V) == 0) {
    DLManagedTensorVersioned *m = p;
    if (m->deleter) m->deleter(m);
  } else {
    DLManagedTensor *m = p;
    if (m->deleter) m->deleter(m);
  }
}

/* The keyword arguments of __dlpack__, checked: *versioned and *copy
 * (-1 for None, else 0/1). */
static int ndw_py_dlpack_args(PyObject *stream, PyObject *max_version, PyObject *dl_device,
                              PyObject *copy, int *versioned, int *copy_mode) {
  *versioned = 0;
  *copy_mode = -1;
  if (stream != NULL && stream != Py_None) {
    PyErr_SetString(PyExc_ValueError,
                    "__dlpack__: ndwrap images are CPU memory; stream must be None");
    return -1;
  }
  if (max_version != NULL && max_version != Py_None) {
    long major;
    if (!PyTuple_Check(max_version) || PyTuple_GET_SIZE(max_version) != 2) {
      PyErr_SetString(PyExc_TypeError,
                      "__dlpack__: max_version must be None or a (major, minor) tuple");
      return -1;
    }
    major = PyLong_AsLong(PyTuple_GET_ITEM(max_version, 0));
    if (major == -1 && PyErr_Occurred()) return -1;
    *versioned = major >= 1;
  }
  if (dl_device != NULL && dl_device != Py_None) {
    int type, id;
    if (!PyTuple_Check(dl_device) || !PyArg_ParseTuple(dl_device, "ii", &type, &id)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_TypeError, "__dlpack__: dl_device must be None or a (type, id) tuple");
      return -1;
    }
    if (type != kDLCPU || id != 0) {
      PyErr_Format(PyExc_BufferError,
                   "__dlpack__: cannot export to device (%d, %d): ndwrap images live in "
                   "CPU memory (%d, 0)", type, id, (int)kDLCPU);
      return -1;
    }
  }
  if (copy != NULL && copy != Py_None) {
    if ((*copy_mode = PyObject_IsTrue(copy)) < 0) return -1;
  }
  return 0;
}

/* Wrap a managed tensor in its capsule; on failure the tensor is deleted. */
static PyObject *ndw_py_dlpack_capsule(void *managed, int versioned) {
  PyObject *capsule = PyCapsule_New(managed, versioned ? NDW_DLTENSOR_V : NDW_DLTENSOR,
                                    ndw_py_dlpack_capsule_destructor);
  if (capsule == NULL) {
    if (versioned) {
      DLManagedTensorVersioned *m = managed;
      m->deleter(m);
    } else {
      DLManagedTensor *m = managed;
      m->deleter(m);
    }
  }
  return capsule;
}

static int ndw_py_dlpack_whole_strides(const ndw_buffer_desc *d) {
  for (int i = 0; i < d->ndim; ++i)
    if (d->shape[i] > 1 && d->strides[i] % (ptrdiff_t)d->itemsize != 0) return 0;
  return 1;
}

PyObject *ndw_py_image_dlpack(ndw_image *im, PyObject *self, PyObject *stream,
                              PyObject *max_version, PyObject *dl_device, PyObject *copy) {
  int versioned, copy_mode, copied;
  ndw_buffer_desc d;
  ndw_py_dlpack_owner *o;
  ndw_status st;
  uint64_t flags = 0;
  void *managed = NULL;
  if (ndw_py_dlpack_args(stream, max_version, dl_device, copy, &versioned, &copy_mode) < 0)
    return NULL;
  if (ndw_image_describe_buffer(im, 0, &d) != NDW_OK) {
    PyErr_Format(PyExc_BufferError, "__dlpack__: %s", ndw_last_error());
    return NULL;
  }
  /* DLPack counts strides in elements: a view whose strides are not whole
   * elements is exported as a copy, unless copy=False forbids it. */
  copied = copy_mode == 1 || (copy_mode == -1 && !ndw_py_dlpack_whole_strides(&d));
  if (!copied && copy_mode == 0 && !ndw_py_dlpack_whole_strides(&d)) {
    PyErr_SetString(PyExc_BufferError,
                    "__dlpack__: the image's strides are not whole elements, which DLPack "
                    "cannot describe; a copy is needed (copy=False)");
    return NULL;
  }
  if (!copied && d.readonly) {
    if (!versioned) {
      PyErr_SetString(PyExc_BufferError,
                      "__dlpack__: cannot export a read-only image as an unversioned DLPack "
                      "tensor (only DLPack >= 1.0 carries the read-only flag: ask with "
                      "max_version=(1, 0), or copy=True)");
      return NULL;
    }
    flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
  }
  if ((o = calloc(1, sizeof *o)) == NULL) return PyErr_NoMemory();
  if (copied) {
    Py_BEGIN_ALLOW_THREADS
    st = ndw_image_duplicate(im, &o->copy);
    Py_END_ALLOW_THREADS
    if (st != NDW_OK || (st = ndw_image_describe_buffer(o->copy, 0, &d)) != NDW_OK) {
      ndw_image_free(o->copy);
      free(o);
      return ndw_py_raise(st);
    }
    flags |= DLPACK_FLAG_BITMASK_IS_COPIED;
  } else {
    if (ndw_py_check(ndw_image_export_acquire(im)) < 0) {
      free(o);
      return NULL;
    }
    o->image = im;
    o->obj = self;
    Py_INCREF(self);
  }
  /* from here on the owner is released by the tensor's deleter */
  st = ndw_dlpack_export_desc(&d, versioned, flags, ndw_py_dlpack_owner_release, o, &managed);
  if (st != NDW_OK) {
    ndw_py_raise(st);
    ndw_py_dlpack_owner_release(o);
    return NULL;
  }
  return ndw_py_dlpack_capsule(managed, versioned);
}

PyObject *ndw_py_vnl_dlpack(ndw_vnl *v, PyObject *self, PyObject *stream, PyObject *max_version,
                            PyObject *dl_device, PyObject *copy) {
  int versioned, copy_mode;
  ndw_buffer_desc d;
  ndw_py_dlpack_owner *o;
  ndw_status st;
  uint64_t flags = 0;
  void *managed = NULL;
  static char empty;
  if (ndw_py_dlpack_args(stream, max_version, dl_device, copy, &versioned, &copy_mode) < 0)
    return NULL;
  if (copy_mode == 1 && (v = ndw_py_vnl_copy(v)) == NULL) return NULL; /* owned below */
  ndw_vnl_describe_buffer(v, &d);
  if (d.data == NULL) d.data = &empty; /* an empty vector still exports */
  if (copy_mode == 1) {
    flags |= DLPACK_FLAG_BITMASK_IS_COPIED;
  } else if (d.readonly) {
    if (!versioned) {
      PyErr_SetString(PyExc_BufferError,
                      "__dlpack__: cannot export a read-only vnl object as an unversioned "
                      "DLPack tensor (ask with max_version=(1, 0))");
      return NULL;
    }
    flags |= DLPACK_FLAG_BITMASK_READ_ONLY;
  }
  if ((o = calloc(1, sizeof *o)) == NULL) {
    if (copy_mode == 1) ndw_vnl_free(v);
    return PyErr_NoMemory();
  }
  if (copy_mode == 1) {
    o->vnl_copy = v;
  } else {
    (void)ndw_vnl_export_acquire(v);
    o->vnl = v;
    o->obj = self;
    Py_INCREF(self);
  }
  st = ndw_dlpack_export_desc(&d, versioned, flags, ndw_py_dlpack_owner_release, o, &managed);
  if (st != NDW_OK) {
    ndw_py_raise(st);
    ndw_py_dlpack_owner_release(o);
    return NULL;
  }
  return ndw_py_dlpack_capsule(managed, versioned);
}

PyObject *ndw_py_dlpack_device(void) { return Py_BuildValue("(ii)", (int)kDLCPU, 0); }

/* ---- import ------------------------------------------------------------- */

/* The tensor of an unconsumed capsule, checked: name, version, device. */
static DLTensor *ndw_py_dlpack_open(PyObject *capsule, void **managed, int *versioned,
                                    int *readonly) {
  const char *name;
  if (!PyCapsule_CheckExact(capsule)) {
    PyErr_Format(PyExc_TypeError, "expected a DLPack capsule, got %.100s",
                 Py_TYPE(capsule)->tp_name);
    return NULL;
  }
  if ((name = PyCapsule_GetName(capsule)) == NULL && PyErr_Occurred()) return NULL;
  if (name != NULL && name[0] == 'u' && (strcmp(name, NDW_DLTENSOR_USED) == 0 ||
                                         strcmp(name, NDW_DLTENSOR_V_USED) == 0)) {
    PyErr_SetString(PyExc_ValueError,
                    "this DLPack capsule was already consumed (a capsule can be imported once; "
                    "call __dlpack__() again for another)");
    return NULL;
  }
  if (name == NULL || (strcmp(name, NDW_DLTENSOR) != 0 && strcmp(name, NDW_DLTENSOR_V) != 0)) {
    PyErr_Format(PyExc_TypeError, "not a DLPack capsule (its name is %s%s%s)",
                 name ? "'" : "", name ? name : "NULL", name ? "'" : "");
    return NULL;
  }
  *versioned = strcmp(name, NDW_DLTENSOR_V) == 0;
  if ((*managed = PyCapsule_GetPointer(capsule, name)) == NULL) return NULL;
  if (*versioned) {
    DLManagedTensorVersioned *m = *managed;
    if (m->version.major > DLPACK_MAJOR_VERSION) {
      PyErr_Format(PyExc_BufferError,
                   "the DLPack tensor has version %u.%u; ndwrap reads major version %d",
                   (unsigned)m->version.major, (unsigned)m->version.minor, DLPACK_MAJOR_VERSION);
      return NULL;
    }
    *readonly = (m->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
    if (!ndw_dlpack_device_is_cpu(m->dl_tensor.device)) goto not_cpu;
    return &m->dl_tensor;
  } else {
    DLManagedTensor *m = *managed;
    /* DLPack 0.x cannot say "read-only": assume it is (as NumPy does) */
    *readonly = 1;
    if (!ndw_dlpack_device_is_cpu(m->dl_tensor.device)) goto not_cpu;
    return &m->dl_tensor;
  }
not_cpu:
  {
    DLTensor *t = *versioned ? &((DLManagedTensorVersioned *)*managed)->dl_tensor
                             : &((DLManagedTensor *)*managed)->dl_tensor;
    PyErr_Format(PyExc_BufferError,
                 "the DLPack tensor is on device type %d (id %d), not in CPU memory; "
                 "ndwrap images view CPU memory (copy it to the CPU first, e.g. tensor.cpu())",
                 (int)t->device.device_type, (int)t->device.device_id);
  }
  return NULL;
}

PyObject *ndw_py_dlpack_info(PyObject *capsule) {
  void *managed;
  int versioned, readonly;
  ndw_pixel_type t;
  DLTensor *tensor = ndw_py_dlpack_open(capsule, &managed, &versioned, &readonly);
  if (tensor == NULL) return NULL;
  if (ndw_py_check(ndw_dlpack_pixel_type(tensor->dtype, &t)) < 0) return NULL;
  return Py_BuildValue("(sill)", ndw_pixel_type_info(t)->code, (int)tensor->ndim,
                       (long)versioned, (long)readonly);
}

/* The consumer's side: once armed, the image's release calls the deleter. */
typedef struct ndw_py_dlpack_import {
  void *managed;
  int versioned;
  int armed;
} ndw_py_dlpack_import;

static void ndw_py_dlpack_import_release(void *context) {
  ndw_py_dlpack_import *c = context;
  if (c->armed) {
    if (c->versioned) {
      DLManagedTensorVersioned *m = c->managed;
      if (m->deleter) m->deleter(m);
    } else {
      DLManagedTensor *m = c->managed;
      if (m->deleter) m->deleter(m);
    }
  }
  free(c);
}

/* Release of a consumed tensor: the context is the managed tensor's address
 * with the low bit set for a versioned one (the structs hold pointers, so
 * their addresses are even). */
static void ndw_py_dlpack_owned_release(void *context) {
  uintptr_t p = (uintptr_t)context;
  if (p & 1) {
    DLManagedTensorVersioned *m = (DLManagedTensorVersioned *)(p & ~(uintptr_t)1);
    if (m->deleter) m->deleter(m);
  } else {
    DLManagedTensor *m = (DLManagedTensor *)p;
    if (m->deleter) m->deleter(m);
  }
}

/* A new image viewing an opened capsule's tensor, described in `d`; the
 * capsule is consumed (renamed) only on success. */
static ndw_image *ndw_py_dlpack_view(ndw_pixel_type t, unsigned dim, int vector, int is_vector,
                                     PyObject *capsule, void *managed, int versioned,
                                     const ndw_buffer_desc *d) {
  ndw_image *im;
  ndw_py_dlpack_import *c;
  if ((im = ndw_py_image_new(t, dim, vector)) == NULL) return NULL;
  if ((c = malloc(sizeof *c)) == NULL) {
    ndw_image_free(im);
    PyErr_NoMemory();
    return NULL;
  }
  c->managed = managed;
  c->versioned = versioned;
  c->armed = 0; /* unarmed, a failing view only frees `c`: the capsule keeps the tensor */
  if (ndw_py_check(ndw_image_view_buffer(im, d, is_vector, ndw_py_dlpack_import_release, c)) < 0) {
    ndw_image_free(im);
    return NULL;
  }
  if (PyCapsule_SetName(capsule, versioned ? NDW_DLTENSOR_V_USED : NDW_DLTENSOR_USED) < 0) {
    ndw_image_free(im); /* still unarmed: the capsule keeps the tensor */
    return NULL;
  }
  c->armed = 1; /* consumed: the image now calls the deleter when done */
  return im;
}

ndw_image *ndw_py_image_from_dlpack(ndw_pixel_type t, unsigned dim, int vector,
                                    PyObject *capsule, int is_vector) {
  void *managed;
  int versioned, readonly;
  ndw_buffer_desc d;
  DLTensor *tensor = ndw_py_dlpack_open(capsule, &managed, &versioned, &readonly);
  if (tensor == NULL) return NULL;
  if (ndw_py_check(ndw_dlpack_describe(tensor, readonly, &d)) < 0) return NULL;
  return ndw_py_dlpack_view(t, dim, vector, is_vector, capsule, managed, versioned, &d);
}

/* ---- fast entry points (METH_FASTCALL | METH_KEYWORDS) ------------------
 * NumPy and PyTorch call __dlpack__ with keywords; SWIG's keyword parsing
 * costs more than the rest of the export, so __dlpack__ and from_dlpack are
 * vectorcall functions of their own (installed by swig/ndw_dlpack.i). */

static ndw_py_dlpack_lookup_fn ndw_py_dlpack_lookup;
static ndw_py_dlpack_wrap_fn ndw_py_dlpack_wrap;

void ndw_py_dlpack_set_hooks(ndw_py_dlpack_lookup_fn lookup, ndw_py_dlpack_wrap_fn wrap) {
  ndw_py_dlpack_lookup = lookup;
  ndw_py_dlpack_wrap = wrap;
}

/* Sort keyword arguments into `out` by name (interned pointers first). */
static int ndw_py_dlpack_keywords(const char *fn, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kwnames, const char *const *names,
                                  PyObject **interned, int n, PyObject **out) {
  Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t k = 0; k < nk; ++k) {
    PyObject *key = PyTuple_GET_ITEM(kwnames, k);
    int i = 0;
    while (i < n && key != interned[i]) ++i;
    if (i == n)
      for (i = 0; i < n && PyUnicode_CompareWithASCIIString(key, names[i]) != 0; ++i) {
      }
    if (i == n) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", fn, key);
      return -1;
    }
    if (out[i] != NULL) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fn, names[i]);
      return -1;
    }
    out[i] = args[nargs + k];
  }
  return 0;
}

static int ndw_py_dlpack_intern(const char *const *names, PyObject **interned, int n) {
  for (int i = 0; i < n; ++i)
    if (interned[i] == NULL && (interned[i] = PyUnicode_InternFromString(names[i])) == NULL)
      return -1;
  return 0;
}

static const char *const ndw_py_dlpack_export_names[4] = {"stream", "max_version", "dl_device",
                                                          "copy"};
static PyObject *ndw_py_dlpack_export_interned[4];

static int ndw_py_dlpack_export_args(PyObject *self, void *obj, PyObject *const *args,
                                     Py_ssize_t nargs, PyObject *kwnames, PyObject **v) {
  if (obj == NULL) {
    PyErr_Format(PyExc_TypeError, "__dlpack__: the %.100s object is not initialised",
                 Py_TYPE(self)->tp_name);
    return -1;
  }
  if (nargs != 0) {
    PyErr_SetString(PyExc_TypeError, "__dlpack__() takes keyword arguments only");
    return -1;
  }
  if (ndw_py_dlpack_intern(ndw_py_dlpack_export_names, ndw_py_dlpack_export_interned, 4) < 0)
    return -1;
  return ndw_py_dlpack_keywords("__dlpack__", args, nargs, kwnames, ndw_py_dlpack_export_names,
                                ndw_py_dlpack_export_interned, 4, v);
}

PyObject *ndw_py_image_dlpack_fast(ndw_image *im, PyObject *self, PyObject *const *args,
                                   Py_ssize_t nargs, PyObject *kwnames) {
  PyObject *v[4] = {NULL, NULL, NULL, NULL};
  if (ndw_py_dlpack_export_args(self, im, args, nargs, kwnames, v) < 0) return NULL;
  return ndw_py_image_dlpack(im, self, v[0], v[1], v[2], v[3]);
}

PyObject *ndw_py_vnl_dlpack_fast(ndw_vnl *vnl, PyObject *self, PyObject *const *args,
                                 Py_ssize_t nargs, PyObject *kwnames) {
  PyObject *v[4] = {NULL, NULL, NULL, NULL};
  if (ndw_py_dlpack_export_args(self, vnl, args, nargs, kwnames, v) < 0) return NULL;
  return ndw_py_vnl_dlpack(vnl, self, v[0], v[1], v[2], v[3]);
}

/* ndwrap.dlpack.<name>(args...): the Python half for what C leaves to it. */
static PyObject *ndw_py_dlpack_python(const char *name, PyObject *const *args, size_t n) {
  PyObject *module = PyImport_ImportModule("ndwrap.dlpack"), *fn, *r;
  if (module == NULL) return NULL;
  fn = PyObject_GetAttrString(module, name);
  Py_DECREF(module);
  if (fn == NULL) return NULL;
  r = PyObject_Vectorcall(fn, args, n, NULL);
  Py_DECREF(fn);
  return r;
}

PyObject *ndw_py_image_from_capsule(PyObject *capsule, int is_vector) {
  void *managed, *type;
  int versioned, readonly;
  ndw_pixel_type t;
  ndw_buffer_desc d;
  ndw_image *im;
  unsigned dim;
  DLTensor *tensor = ndw_py_dlpack_open(capsule, &managed, &versioned, &readonly);
  if (tensor == NULL) return NULL;
  if (ndw_py_check(ndw_dlpack_pixel_type(tensor->dtype, &t)) < 0) return NULL;
  if (tensor->ndim - (is_vector != 0) < 1 || ndw_py_dlpack_lookup == NULL ||
      (type = ndw_py_dlpack_lookup(t, (unsigned)(tensor->ndim - (is_vector != 0)),
                                   is_vector != 0)) == NULL) {
    /* not wrapped (or 0-d): the registry says why, naming the CMake option */
    PyObject *a[3], *r;
    a[0] = PyUnicode_FromString(ndw_pixel_type_info(t)->code);
    a[1] = PyLong_FromLong(tensor->ndim);
    a[2] = PyBool_FromLong(is_vector != 0);
    r = (a[0] && a[1] && a[2]) ? ndw_py_dlpack_python("_image_class", a, 3) : NULL;
    Py_XDECREF(a[0]);
    Py_XDECREF(a[1]);
    Py_XDECREF(a[2]);
    if (r != NULL) {
      Py_DECREF(r);
      PyErr_SetString(PyExc_TypeError, "from_dlpack: this image type is not wrapped");
    }
    return NULL;
  }
  if (ndw_py_check(ndw_dlpack_describe(tensor, readonly, &d)) < 0) return NULL;
  dim = (unsigned)(tensor->ndim - (is_vector != 0));
  /* The capsule came from the caller's own __dlpack__ call (from_dlpack):
   * consume it first, then a failing view simply lets the tensor go through
   * its deleter (no bookkeeping allocation on this hot path). */
  if ((im = ndw_py_image_new(t, dim, is_vector != 0)) == NULL) return NULL;
  if (PyCapsule_SetName(capsule, versioned ? NDW_DLTENSOR_V_USED : NDW_DLTENSOR_USED) < 0) {
    ndw_image_free(im);
    return NULL;
  }
  if (ndw_py_check(ndw_image_view_buffer(im, &d, is_vector != 0, ndw_py_dlpack_owned_release,
                                         (void *)((uintptr_t)managed | (uintptr_t)versioned))) < 0) {
    ndw_image_free(im);
    return NULL;
  }
  return ndw_py_dlpack_wrap(im, type);
}

static const char *const ndw_py_from_names[4] = {"obj", "pixel_type", "is_vector", "copy"};
static PyObject *ndw_py_from_interned[4];

PyObject *ndw_py_from_dlpack_fast(PyObject *module, PyObject *const *args, Py_ssize_t nargsf,
                                  PyObject *kwnames) {
  static PyObject *dlpack_name, *max_version, *max_version_kw;
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  PyObject *v[4] = {NULL, NULL, NULL, NULL}, *capsule, *image, *call[2];
  int is_vector = 0;
  (void)module;
  if (nargs > 2) {
    PyErr_Format(PyExc_TypeError, "from_dlpack() takes at most 2 positional arguments (%zd given)",
                 nargs);
    return NULL;
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) v[i] = args[i];
  if (ndw_py_dlpack_intern(ndw_py_from_names, ndw_py_from_interned, 4) < 0 ||
      ndw_py_dlpack_keywords("from_dlpack", args, nargs, kwnames, ndw_py_from_names,
                             ndw_py_from_interned, 4, v) < 0)
    return NULL;
  if (kwnames != NULL)
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(kwnames); ++k) {
      PyObject *key = PyTuple_GET_ITEM(kwnames, k);
      if (nargs > 0 && PyUnicode_CompareWithASCIIString(key, "obj") == 0) {
        PyErr_SetString(PyExc_TypeError, "from_dlpack() got multiple values for argument 'obj'");
        return NULL;
      }
      if (nargs > 1 && PyUnicode_CompareWithASCIIString(key, "pixel_type") == 0) {
        PyErr_SetString(PyExc_TypeError,
                        "from_dlpack() got multiple values for argument 'pixel_type'");
        return NULL;
      }
    }
  if (v[0] == NULL) {
    PyErr_SetString(PyExc_TypeError, "from_dlpack() missing required argument 'obj'");
    return NULL;
  }
  if ((v[1] != NULL && v[1] != Py_None) || (v[3] != NULL && v[3] != Py_None)) {
    /* an expected pixel type, or a copy: the Python half */
    PyObject *a[4] = {v[0], v[1] ? v[1] : Py_None, v[2] ? v[2] : Py_False, v[3] ? v[3] : Py_None};
    return ndw_py_dlpack_python("_from_dlpack_checked", a, 4);
  }
  if (v[2] != NULL && (is_vector = PyObject_IsTrue(v[2])) < 0) return NULL;
  if (dlpack_name == NULL) {
    if ((dlpack_name = PyUnicode_InternFromString("__dlpack__")) == NULL) return NULL;
    if ((max_version = Py_BuildValue("(ii)", 1, 0)) == NULL) return NULL;
    /* an interned name: producers match keywords by identity first */
    PyObject *name = PyUnicode_InternFromString("max_version");
    if (name == NULL || (max_version_kw = PyTuple_Pack(1, name)) == NULL) {
      Py_XDECREF(name);
      return NULL;
    }
    Py_DECREF(name);
  }
  call[0] = v[0];
  call[1] = max_version;
  capsule = PyObject_VectorcallMethod(dlpack_name, call, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                      max_version_kw);
  if (capsule == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
    /* a producer of the DLPack 0.x protocol (NumPy < 2.1): no keywords */
    PyErr_Clear();
    capsule = PyObject_VectorcallMethod(dlpack_name, call, 1 | PY_VECTORCALL_ARGUMENTS_OFFSET,
                                        NULL);
  }
  if (capsule == NULL) {
    if (PyErr_ExceptionMatches(PyExc_AttributeError) &&
        !PyObject_HasAttrString(v[0], "__dlpack__")) {
      PyErr_Clear();
      PyErr_Format(PyExc_TypeError,
                   "%.100s is not a DLPack producer (it has no __dlpack__ method)",
                   Py_TYPE(v[0])->tp_name);
    }
    return NULL;
  }
  image = ndw_py_image_from_capsule(capsule, is_vector);
  Py_DECREF(capsule);
  return image;
}
