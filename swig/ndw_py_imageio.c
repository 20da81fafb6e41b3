/* ndwrap's Python glue for image files (see ndw_py_imageio.h). */
#include "ndw_py_imageio.h"

#include <stdlib.h>
#include <string.h>

static PyObject *ndw_py_info_dict(const ndw_image_file_info *info) {
  const ndw_pixel_info *p = ndw_pixel_type_info(info->type);
  unsigned d = info->dim;
  PyObject *size = ndw_py_tuple_uint64(info->size, d);
  PyObject *spacing = ndw_py_tuple_double(info->spacing, d);
  PyObject *origin = ndw_py_tuple_double(info->origin, d);
  PyObject *direction = ndw_py_tuple_double(info->direction, d * d);
  PyObject *dict = NULL;
  if (size && spacing && origin && direction)
    dict = Py_BuildValue(
        "{s:s,s:I,s:I,s:O,s:O,s:s,s:s,s:O,s:O,s:O,s:O,s:s}", "pixel", p ? p->code : "?", "dim", d,
        "components", info->components, "is_vector", info->is_vector ? Py_True : Py_False,
        "is_complex", info->is_complex ? Py_True : Py_False, "format",
        info->format == NDW_FORMAT_NRRD ? "nrrd" : "metaimage", "encoding",
        info->encoding == NDW_ENCODING_RAW ? "raw" : info->encoding == NDW_ENCODING_ZLIB ? "zlib" : "gzip",
        "size", size, "spacing", spacing, "origin", origin, "direction", direction, "data_file",
        info->data_file);
  Py_XDECREF(size);
  Py_XDECREF(spacing);
  Py_XDECREF(origin);
  Py_XDECREF(direction);
  return dict;
}

typedef struct ndw_py_read_state {
  ndw_stream_reader reader;
  ndw_image_file_info info;
} ndw_py_read_state;

/* Parse the header (GIL released for C streams); the stream is locked. */
static int ndw_py_read_header(ndw_stream *s, ndw_py_read_state *rs) {
  ndw_status st;
  ndw_stream_reader_init(&rs->reader, s);
  if (ndw_py_stream_is_python(s)) {
    st = ndw_image_file_read_info(&rs->reader, &rs->info);
  } else {
    Py_BEGIN_ALLOW_THREADS
    st = ndw_image_file_read_info(&rs->reader, &rs->info);
    Py_END_ALLOW_THREADS
  }
  if (st != NDW_OK) {
    ndw_py_stream_raise(s, st);
    return -1;
  }
  return 0;
}

PyObject *ndw_py_imread_info(ndw_stream *s) {
  ndw_py_read_state *rs;
  PyObject *res = NULL;
  if (s == NULL) return PyErr_SetString(PyExc_TypeError, "an initialised ndwrap stream is required"), NULL;
  if (ndw_py_check(ndw_stream_lock(s)) < 0) return NULL;
  rs = (ndw_py_read_state *)PyMem_RawMalloc(sizeof *rs);
  if (rs == NULL) {
    PyErr_NoMemory();
  } else if (ndw_py_read_header(s, rs) == 0) {
    (void)ndw_stream_reader_finish(&rs->reader);
    res = ndw_py_info_dict(&rs->info);
  }
  PyMem_RawFree(rs);
  ndw_stream_unlock(s);
  return res;
}

PyObject *ndw_py_imread(ndw_stream *s, PyObject *dir, PyObject *factory, ndw_py_to_image_fn to_image,
                        int map_mode, PyObject *path) {
  ndw_py_read_state *rs;
  PyObject *dir_bytes = NULL, *path_bytes = NULL, *info = NULL, *obj = NULL;
  ndw_image *image;
  ndw_status st;
  if (s == NULL) return PyErr_SetString(PyExc_TypeError, "an initialised ndwrap stream is required"), NULL;
  if (dir != Py_None && !PyUnicode_FSConverter(dir, &dir_bytes)) return NULL;
  if (map_mode && !PyUnicode_FSConverter(path, &path_bytes)) {
    Py_XDECREF(dir_bytes);
    return NULL;
  }
  if (ndw_py_check(ndw_stream_lock(s)) < 0) {
    Py_XDECREF(dir_bytes);
    Py_XDECREF(path_bytes);
    return NULL;
  }
  rs = (ndw_py_read_state *)PyMem_RawMalloc(sizeof *rs);
  if (rs == NULL) {
    PyErr_NoMemory();
    goto fail;
  }
  if (ndw_py_read_header(s, rs) < 0) goto fail;
  if ((info = ndw_py_info_dict(&rs->info)) == NULL) goto fail;
  if ((obj = PyObject_CallFunctionObjArgs(factory, info, NULL)) == NULL) goto fail;
  if ((image = to_image(obj)) == NULL) goto fail;
  if (ndw_image_exports(image) > 0) {
    PyErr_SetString(PyExc_BufferError, "imread: the image to fill is exported");
    goto fail;
  }
  if (map_mode) {
    const char *p = PyBytes_AS_STRING(path_bytes);
    Py_BEGIN_ALLOW_THREADS
    st = ndw_image_file_map(p, &rs->info, map_mode == 2, image);
    Py_END_ALLOW_THREADS
  } else {
    const char *d = dir_bytes ? PyBytes_AS_STRING(dir_bytes) : NULL;
    if (ndw_py_stream_is_python(s)) {
      st = ndw_image_file_read_data(&rs->reader, &rs->info, d, image);
    } else {
      Py_BEGIN_ALLOW_THREADS
      st = ndw_image_file_read_data(&rs->reader, &rs->info, d, image);
      Py_END_ALLOW_THREADS
    }
  }
  if (st != NDW_OK) {
    ndw_py_stream_raise(s, st);
    goto fail;
  }
  PyMem_RawFree(rs);
  ndw_stream_unlock(s);
  Py_XDECREF(dir_bytes);
  Py_XDECREF(path_bytes);
  Py_DECREF(info);
  return obj;
fail:
  PyMem_RawFree(rs);
  ndw_stream_unlock(s);
  Py_XDECREF(dir_bytes);
  Py_XDECREF(path_bytes);
  Py_XDECREF(info);
  Py_XDECREF(obj);
  return NULL;
}

PyObject *ndw_py_imwrite(ndw_image *image, ndw_stream *header, ndw_stream *data, PyObject *data_file,
                         int format, int compress) {
  PyObject *name = NULL;
  ndw_status st;
  int python = 0;
  if (image == NULL || header == NULL)
    return PyErr_SetString(PyExc_TypeError, "imwrite: an image and an initialised stream are required"), NULL;
  if (data_file != Py_None && !PyUnicode_FSConverter(data_file, &name)) return NULL;
  if (!ndw_image_is_allocated(image)) {
    Py_XDECREF(name);
    PyErr_SetString(PyExc_RuntimeError, "the image is not allocated: call Allocate() first");
    return NULL;
  }
  if (ndw_py_check(ndw_stream_lock(header)) < 0) {
    Py_XDECREF(name);
    return NULL;
  }
  if (data != NULL && data != header && ndw_py_check(ndw_stream_lock(data)) < 0) {
    ndw_stream_unlock(header);
    Py_XDECREF(name);
    return NULL;
  }
  /* the image counts as exported while C reads it: no re-allocation meanwhile */
  (void)ndw_image_export_acquire(image);
  python = ndw_py_stream_is_python(header) || (data != NULL && ndw_py_stream_is_python(data));
  if (python) {
    st = ndw_image_file_write(header, data, name ? PyBytes_AS_STRING(name) : NULL, image,
                              (ndw_image_format)format, compress);
  } else {
    Py_BEGIN_ALLOW_THREADS
    st = ndw_image_file_write(header, data, name ? PyBytes_AS_STRING(name) : NULL, image,
                              (ndw_image_format)format, compress);
    Py_END_ALLOW_THREADS
  }
  ndw_image_export_release(image);
  if (data != NULL && data != header) ndw_stream_unlock(data);
  ndw_stream_unlock(header);
  Py_XDECREF(name);
  if (st != NDW_OK) {
    /* the stream whose Python object raised, if any */
    if (data != NULL && data != header && ndw_py_stream_restore(data)) return NULL;
    return ndw_py_stream_raise(header, st);
  }
  Py_RETURN_NONE;
}
