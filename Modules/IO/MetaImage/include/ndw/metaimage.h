/* ndwrap IOMetaImage: MetaImage headers (ITK's MetaIO format).
 *
 * "Key = Value" lines ending with ElementDataFile (LOCAL: the data follows
 * in the same file, .mha; else a file name relative to the header, .mhd).
 * TransformMatrix lists the columns of the direction matrix; Offset is the
 * origin; ElementNumberOfChannels the components.  Most callers use
 * ndw_image_file_read / ndw_image_file_write (ndw/image_file.h), which
 * dispatch here. */
#ifndef NDW_METAIMAGE_H
#define NDW_METAIMAGE_H

#include "ndw/image_file.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Parse a MetaImage header whose first line was already read (`first`,
 *  or NULL to read it from `r`), up to and including ElementDataFile. */
NDW_API ndw_status ndw_metaimage_parse(ndw_stream_reader *r, const char *first,
                                       ndw_image_file_info *info);
/** The header of `image` as text (malloc'd in *text, to free()).  `align`
 *  > 0 pads it (a Comment line) to a multiple of `align` bytes so that local
 *  data starts aligned. */
NDW_API ndw_status ndw_metaimage_format_header(const ndw_image *image, const char *data_file,
                                               int compress, uint64_t compressed_size,
                                               unsigned align, char **text, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
