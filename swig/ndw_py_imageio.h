/* ndwrap's Python glue for image files (Module IOImageFile): the C halves of
 * ndwrap.imread / ndwrap.imwrite (Wrapping/Python/ndwrap/imageio.py).
 * Functions return a new reference or NULL with an exception set. */
#ifndef NDW_PY_IMAGEIO_H
#define NDW_PY_IMAGEIO_H

#include "ndw_py_stream.h"
#include "ndw/image_file.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Converts a Python image object to its ndw_image (NULL + TypeError). */
typedef ndw_image *(*ndw_py_to_image_fn)(PyObject *obj);

/** Read the header from `s`, call `factory(info)` (info: a dict with
 *  pixel, dim, components, is_vector, is_complex, format, encoding, size,
 *  spacing, origin, direction, data_file) for the image object to fill, then
 *  read the data into it (`map_mode` 1: map read-only, 2: copy-on-write;
 *  `path` is then the header's path).  `dir` (str or None) is the header's
 *  folder for data files.  Returns the factory's object. */
PyObject *ndw_py_imread(ndw_stream *s, PyObject *dir, PyObject *factory, ndw_py_to_image_fn to_image,
                        int map_mode, PyObject *path);
/** Only the header, as the dict above. */
PyObject *ndw_py_imread_info(ndw_stream *s);
/** Write `image` (header to `header`, data to `data` or after the header). */
PyObject *ndw_py_imwrite(ndw_image *image, ndw_stream *header, ndw_stream *data, PyObject *data_file,
                         int format, int compress);

#ifdef __cplusplus
}
#endif
#endif
