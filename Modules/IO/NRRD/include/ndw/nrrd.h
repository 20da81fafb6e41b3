/* ndwrap IONRRD: NRRD headers (teem's format, NRRD0001..NRRD0005).
 *
 * "field: description" lines after the magic line, "key:=value" pairs and
 * "#" comments, ended by a blank line (the data follows, .nrrd) or by the
 * end of a detached header (.nhdr with "data file:").  Space directions give
 * spacing and direction together; a first axis with direction "none" (or a
 * non-spatial kind such as vector, RGB-color or complex) holds the
 * components.  Most callers use ndw_image_file_read / ndw_image_file_write
 * (ndw/image_file.h), which dispatch here. */
#ifndef NDW_NRRD_H
#define NDW_NRRD_H

#include "ndw/image_file.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Parse a NRRD header whose magic line was already read (`first`, or NULL
 *  to read it from `r`), up to and including the blank line. */
NDW_API ndw_status ndw_nrrd_parse(ndw_stream_reader *r, const char *first,
                                  ndw_image_file_info *info);
/** The header of `image` as text (malloc'd in *text, to free()); `align` as
 *  in ndw_metaimage_format_header (a comment line pads it). */
NDW_API ndw_status ndw_nrrd_format_header(const ndw_image *image, const char *data_file,
                                          int compress, unsigned align, char **text, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
