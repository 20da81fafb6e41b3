/* ndwrap IOImageFile: image files over streams.
 *
 * Reading is two steps, each done once:
 *   1. one pass over the header into an ndw_image_file_info (the formats:
 *      ndw/metaimage.h, ndw/nrrd.h; ndw_image_file_read_info sniffs which);
 *   2. one checked read of the pixel data into an image
 *      (ndw_image_file_read_data): the byte count is computed with overflow
 *      checks from the header, and it is never trusted for an allocation
 *      size.  Raw data must fit in what the stream still holds (when the
 *      stream knows its size) before anything is allocated; compressed data
 *      is inflated with the output bounded by the declared size and, when
 *      the input size is known, by what that input could expand to; when a
 *      size is unknown the buffer grows with the data actually read.
 *      Truncated data, lying headers, absurd sizes, unknown types and data
 *      file names that leave the header's folder are NDW_E_FORMAT.
 *
 * ndw_image_file_read / ndw_image_file_write are the one-call forms over a
 * path (format from the extension: .mha .mhd .nrrd .nhdr).
 */
#ifndef NDW_IMAGE_FILE_H
#define NDW_IMAGE_FILE_H

#include "ndw/image.h"
#include "ndw/stream.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ndw_image_format {
  NDW_FORMAT_UNKNOWN = 0,
  NDW_FORMAT_METAIMAGE, /**< .mha (data in the file) and .mhd (+ data file) */
  NDW_FORMAT_NRRD       /**< .nrrd (data in the file) and .nhdr (+ data file) */
} ndw_image_format;

typedef enum ndw_encoding {
  NDW_ENCODING_RAW = 0,
  NDW_ENCODING_ZLIB, /**< MetaImage CompressedData (zlib stream) */
  NDW_ENCODING_GZIP  /**< NRRD gzip (gzip member) */
} ndw_encoding;

/** Longest data file name a header may give. */
#define NDW_DATA_FILE_MAX 1024

/** Everything a header says about an image, in ITK's terms. */
typedef struct ndw_image_file_info {
  ndw_image_format format;
  ndw_pixel_type type;   /**< component type as stored */
  unsigned components;   /**< values per pixel as stored (1 for scalar files) */
  int is_vector;         /**< the file has a component axis (even of length 1) */
  int is_complex;        /**< the components are (real, imaginary) pairs (NRRD kind "complex") */
  unsigned dim;          /**< image dimension (the component axis not counted) */
  uint64_t size[NDW_MAX_DIM];
  double spacing[NDW_MAX_DIM];
  double origin[NDW_MAX_DIM];
  double direction[NDW_MAX_DIM * NDW_MAX_DIM]; /**< dim x dim, row-major (ITK's) */
  int big_endian;        /**< the data is stored most significant byte first */
  ndw_encoding encoding;
  uint64_t compressed_size; /**< bytes of compressed data when the header says (0: unknown) */
  char data_file[NDW_DATA_FILE_MAX]; /**< "" when the data follows the header */
  uint64_t byte_skip;    /**< data file: bytes before the data */
  int skip_to_end;       /**< data file: the data is its last bytes (byte skip -1) */
  uint64_t line_skip;    /**< data file: lines before the data (NRRD) */
  uint64_t header_bytes; /**< bytes of header read (local data starts here) */
} ndw_image_file_info;

/** Bytes of pixel data the header describes (overflow-checked). */
NDW_API ndw_status ndw_image_file_data_bytes(const ndw_image_file_info *info, uint64_t *bytes);

/** Parse the header at the reader's position: NRRD when the first line is
 *  "NRRD000n", MetaImage otherwise.  The reader stops right after the header
 *  (at the first byte of local data). */
NDW_API ndw_status ndw_image_file_read_info(ndw_stream_reader *r, ndw_image_file_info *info);

/** May an image of (`type`, `vector`) hold the file's pixels?  The same
 *  type and component count, or a bool image for unsigned char data (read
 *  as 0/1), or a complex image for pairs of float/double components. */
NDW_API int ndw_image_file_can_read_as(const ndw_image_file_info *info, ndw_pixel_type type,
                                       int vector);

/** Read the pixel data into `image` (created by the caller with a type that
 *  ndw_image_file_can_read_as accepts and the file's dimension): sets the
 *  region, components, spacing, origin and direction, allocates and reads.
 *  Local data comes from `r`; a data file is opened relative to `dir` (the
 *  header's folder; NULL refuses data files).  The read-ahead of `r` is
 *  given back to its stream when it can seek. */
NDW_API ndw_status ndw_image_file_read_data(ndw_stream_reader *r, const ndw_image_file_info *info,
                                            const char *dir, ndw_image *image);

/** Map the data of an uncompressed file instead of reading it: the image
 *  views the file's pages (read-only, or private copy-on-write when
 *  `copy_on_write` != 0) and unmaps them when it lets go of the memory.
 *  `path` is the header's path; `info` its parsed header.  The image has the
 *  file's type (or complex for pairs of float/double).  NDW_E_FORMAT for
 *  compressed or byte-swapped data and for a file shorter than the data. */
NDW_API ndw_status ndw_image_file_map(const char *path, const ndw_image_file_info *info,
                                      int copy_on_write, ndw_image *image);

/** Format of a path from its extension (NDW_FORMAT_UNKNOWN when none);
 *  `*detached` = 1 for .mhd and .nhdr (data in a separate file). */
NDW_API ndw_image_format ndw_image_format_from_path(const char *path, int *detached);

/** Write the header of `image` (and its data when `data` is NULL or equal to
 *  `header`) in `format`; `data_file` names the separate data file the
 *  header points at (written through `data`), NULL for local data.
 *  `compress` writes zlib (MetaImage) or gzip (NRRD) data.  Bool images are
 *  stored as unsigned char, complex pixels as pairs of components. */
NDW_API ndw_status ndw_image_file_write(ndw_stream *header, ndw_stream *data,
                                        const char *data_file, const ndw_image *image,
                                        ndw_image_format format, int compress);

/** One call: read `path` into a new image of the file's own type. */
NDW_API ndw_status ndw_image_file_read(const char *path, ndw_image **out);
/** One call: write `image` to `path` (format from the extension; .mhd and
 *  .nhdr write their data next to them: name.raw, name.zraw, name.raw.gz). */
NDW_API ndw_status ndw_image_file_write_path(const char *path, const ndw_image *image,
                                             int compress);
/** Name of the data file written next to a detached header (in `out`). */
NDW_API ndw_status ndw_image_file_data_name(const char *path, ndw_image_format format,
                                            int compress, char *out, size_t cap);

/* ---- for the format modules (shared helpers) -------------------------------- */

/** Parse exactly `n` numbers separated by blanks (and commas when
 *  `commas`); NDW_E_FORMAT naming `what` otherwise. */
NDW_API ndw_status ndw_image_file_parse_doubles(const char *text, unsigned n, double *out,
                                                const char *what);
NDW_API ndw_status ndw_image_file_parse_u64s(const char *text, unsigned n, uint64_t *out,
                                             const char *what);
/** Count blank-separated words of `text`. */
NDW_API unsigned ndw_image_file_count_words(const char *text);
/** Format `v` with the fewest digits that read back exactly. */
NDW_API void ndw_image_file_format_double(double v, char *out, size_t cap);
/** A header being written: text appended printf-style into a fixed 16 KiB
 *  buffer; an overflow is remembered (len >= cap) and reported once, by
 *  ndw_header_text_finish. */
typedef struct ndw_header_text {
  char *p;
  size_t len, cap;
} ndw_header_text;
NDW_API ndw_status ndw_header_text_init(ndw_header_text *t);
NDW_API void ndw_header_text_add(ndw_header_text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** `before`, the `n` values (exact round-trip digits) joined by `sep`, `after`. */
NDW_API void ndw_header_text_add_doubles(ndw_header_text *t, const char *before, const char *sep,
                                         const double *v, unsigned n, const char *after);
/** A line `key` padded with blanks so that the header, once `tail` more
 *  bytes follow it, ends on a multiple of `align` (0: no line). */
NDW_API void ndw_header_text_pad_line(ndw_header_text *t, const char *key, size_t tail,
                                      unsigned align);
/** Hand the text over (*text owned by the caller), or free it and fail with
 *  NDW_E_INVALID "<format> header too long". */
NDW_API ndw_status ndw_header_text_finish(ndw_header_text *t, const char *format, char **text,
                                          size_t *len);
/** Check spacing (finite, > 0), origin (finite) and direction (finite,
 *  non-singular) of a parsed header; NDW_E_FORMAT otherwise. */
NDW_API ndw_status ndw_image_file_check_geometry(const ndw_image_file_info *info);

#ifdef __cplusplus
}
#endif
#endif
