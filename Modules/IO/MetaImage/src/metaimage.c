/* ndwrap IOMetaImage: parse and write MetaImage headers (see ndw/metaimage.h).
 *
 * The parser makes one pass over the lines, keeping the value text of the
 * fields it knows (the last one wins), and interprets them once the header
 * ended, so the order of fields does not matter except that
 * ElementDataFile ends the header.  Unknown fields are ignored, as MetaIO
 * does. */
#include "ndw/metaimage.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDW_MHA_LINE 8192
#define NDW_MHA_MAX_HEADER ((uint64_t)1 << 20)
#define NDW_MHA_MAX_LINES 10000

enum {
  F_OBJECT_TYPE, F_NDIMS, F_DIM_SIZE, F_SPACING, F_ELEMENT_SIZE, F_OFFSET, F_MATRIX,
  F_BINARY, F_MSB, F_COMPRESSED, F_COMPRESSED_SIZE, F_CHANNELS, F_ELEMENT_TYPE, F_HEADER_SIZE,
  F_DATA_FILE, F_COUNT
};

/* Field names and their synonyms (MetaIO's). */
static const struct {
  const char *name;
  int field;
} ndw_mha_keys[] = {
    {"ObjectType", F_OBJECT_TYPE},
    {"NDims", F_NDIMS},
    {"DimSize", F_DIM_SIZE},
    {"ElementSpacing", F_SPACING},
    {"ElementSize", F_ELEMENT_SIZE},
    {"Offset", F_OFFSET},
    {"Position", F_OFFSET},
    {"Origin", F_OFFSET},
    {"TransformMatrix", F_MATRIX},
    {"Rotation", F_MATRIX},
    {"Orientation", F_MATRIX},
    {"BinaryData", F_BINARY},
    {"BinaryDataByteOrderMSB", F_MSB},
    {"ElementByteOrderMSB", F_MSB},
    {"CompressedData", F_COMPRESSED},
    {"CompressedDataSize", F_COMPRESSED_SIZE},
    {"ElementNumberOfChannels", F_CHANNELS},
    {"ElementType", F_ELEMENT_TYPE},
    {"HeaderSize", F_HEADER_SIZE},
    {"ElementDataFile", F_DATA_FILE},
};

/* MetaIO element types (MET_LONG and MET_ULONG are 4 bytes in MetaIO). */
static const struct {
  const char *name;
  ndw_pixel_type type;
} ndw_mha_types[] = {
    {"MET_CHAR", NDW_PIXEL_SC},       {"MET_UCHAR", NDW_PIXEL_UC},
    {"MET_SHORT", NDW_PIXEL_SS},      {"MET_USHORT", NDW_PIXEL_US},
    {"MET_INT", NDW_PIXEL_SI},        {"MET_UINT", NDW_PIXEL_UI},
    {"MET_LONG", NDW_PIXEL_SI},       {"MET_ULONG", NDW_PIXEL_UI},
    {"MET_LONG_LONG", NDW_PIXEL_SL},  {"MET_ULONG_LONG", NDW_PIXEL_UL},
    {"MET_FLOAT", NDW_PIXEL_F},       {"MET_DOUBLE", NDW_PIXEL_D},
};

typedef struct ndw_mha_fields {
  int have[F_COUNT];
  char value[F_COUNT][NDW_MHA_LINE];
} ndw_mha_fields;

/* Split "Key = Value" (blanks around both trimmed); 0 when not that shape. */
static int ndw_mha_split(char *line, char **key, char **value) {
  char *eq = strchr(line, '='), *end;
  if (eq == NULL) return 0;
  *eq = '\0';
  while (*line == ' ' || *line == '\t') ++line;
  end = eq;
  while (end > line && (end[-1] == ' ' || end[-1] == '\t')) --end;
  *end = '\0';
  ++eq;
  while (*eq == ' ' || *eq == '\t') ++eq;
  end = eq + strlen(eq);
  while (end > eq && (end[-1] == ' ' || end[-1] == '\t')) --end;
  *end = '\0';
  *key = line;
  *value = eq;
  return *line != '\0';
}

static int ndw_mha_bool(const char *v, int *out) {
  if (strcmp(v, "True") == 0 || strcmp(v, "true") == 0 || strcmp(v, "TRUE") == 0 || strcmp(v, "1") == 0)
    return *out = 1, 1;
  if (strcmp(v, "False") == 0 || strcmp(v, "false") == 0 || strcmp(v, "FALSE") == 0 || strcmp(v, "0") == 0)
    return *out = 0, 1;
  return 0;
}

/* Keep one line's field; 1 when it was ElementDataFile (the end). */
static ndw_status ndw_mha_take(ndw_mha_fields *f, char *line, int *end) {
  char *key, *value;
  *end = 0;
  if (line[0] == '\0') return NDW_OK;
  if (!ndw_mha_split(line, &key, &value))
    return ndw_set_error(NDW_E_FORMAT, "not a MetaImage header line: '%.80s'", line);
  for (size_t i = 0; i < sizeof ndw_mha_keys / sizeof ndw_mha_keys[0]; ++i) {
    if (strcmp(key, ndw_mha_keys[i].name) == 0) {
      int k = ndw_mha_keys[i].field;
      f->have[k] = 1;
      strcpy(f->value[k], value); /* value is shorter than the line buffer */
      *end = k == F_DATA_FILE;
      break;
    }
  }
  return NDW_OK;
}

static ndw_status ndw_mha_interpret(ndw_mha_fields *f, ndw_image_file_info *info) {
  uint64_t u[1];
  unsigned d;
  ndw_status st;
  int b;
  if (f->have[F_OBJECT_TYPE] && strcmp(f->value[F_OBJECT_TYPE], "Image") != 0)
    return ndw_set_error(NDW_E_FORMAT, "MetaImage ObjectType '%.40s' is not Image", f->value[F_OBJECT_TYPE]);
  if (!f->have[F_NDIMS]) return ndw_set_error(NDW_E_FORMAT, "MetaImage header without NDims");
  if ((st = ndw_image_file_parse_u64s(f->value[F_NDIMS], 1, u, "NDims")) != NDW_OK) return st;
  if (u[0] < 1 || u[0] > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_FORMAT, "NDims = %llu is not in 1..%d", (unsigned long long)u[0], NDW_MAX_DIM);
  d = info->dim = (unsigned)u[0];
  if (!f->have[F_DIM_SIZE]) return ndw_set_error(NDW_E_FORMAT, "MetaImage header without DimSize");
  if ((st = ndw_image_file_parse_u64s(f->value[F_DIM_SIZE], d, info->size, "DimSize")) != NDW_OK) return st;
  for (unsigned i = 0; i < d; ++i)
    if (info->size[i] == 0) return ndw_set_error(NDW_E_FORMAT, "DimSize[%u] is 0", i);
  for (unsigned i = 0; i < d; ++i) {
    info->spacing[i] = 1.0;
    info->origin[i] = 0.0;
    for (unsigned j = 0; j < d; ++j) info->direction[i * d + j] = i == j;
  }
  if (f->have[F_SPACING]) {
    if ((st = ndw_image_file_parse_doubles(f->value[F_SPACING], d, info->spacing, "ElementSpacing")) != NDW_OK)
      return st;
  } else if (f->have[F_ELEMENT_SIZE]) {
    if ((st = ndw_image_file_parse_doubles(f->value[F_ELEMENT_SIZE], d, info->spacing, "ElementSize")) != NDW_OK)
      return st;
  }
  if (f->have[F_OFFSET] &&
      (st = ndw_image_file_parse_doubles(f->value[F_OFFSET], d, info->origin, "Offset")) != NDW_OK)
    return st;
  if (f->have[F_MATRIX]) {
    double m[NDW_MAX_DIM * NDW_MAX_DIM];
    if ((st = ndw_image_file_parse_doubles(f->value[F_MATRIX], d * d, m, "TransformMatrix")) != NDW_OK)
      return st;
    /* TransformMatrix lists the columns of the direction matrix */
    for (unsigned i = 0; i < d; ++i)
      for (unsigned j = 0; j < d; ++j) info->direction[j * d + i] = m[i * d + j];
  }
  if (f->have[F_BINARY]) {
    if (!ndw_mha_bool(f->value[F_BINARY], &b))
      return ndw_set_error(NDW_E_FORMAT, "BinaryData = '%.20s' is not True or False", f->value[F_BINARY]);
    if (!b) return ndw_set_error(NDW_E_FORMAT, "text MetaImage data (BinaryData = False) is not supported");
  }
  if (f->have[F_MSB] && !ndw_mha_bool(f->value[F_MSB], &info->big_endian))
    return ndw_set_error(NDW_E_FORMAT, "BinaryDataByteOrderMSB = '%.20s' is not True or False", f->value[F_MSB]);
  if (f->have[F_COMPRESSED]) {
    if (!ndw_mha_bool(f->value[F_COMPRESSED], &b))
      return ndw_set_error(NDW_E_FORMAT, "CompressedData = '%.20s' is not True or False",
                           f->value[F_COMPRESSED]);
    info->encoding = b ? NDW_ENCODING_ZLIB : NDW_ENCODING_RAW;
  }
  if (f->have[F_COMPRESSED_SIZE] && info->encoding == NDW_ENCODING_ZLIB) {
    if ((st = ndw_image_file_parse_u64s(f->value[F_COMPRESSED_SIZE], 1, u, "CompressedDataSize")) != NDW_OK)
      return st;
    info->compressed_size = u[0];
  }
  info->components = 1;
  if (f->have[F_CHANNELS]) {
    if ((st = ndw_image_file_parse_u64s(f->value[F_CHANNELS], 1, u, "ElementNumberOfChannels")) != NDW_OK)
      return st;
    if (u[0] < 1 || u[0] > 65535)
      return ndw_set_error(NDW_E_FORMAT, "ElementNumberOfChannels = %llu is not in 1..65535",
                           (unsigned long long)u[0]);
    info->components = (unsigned)u[0];
    info->is_vector = 1; /* a channel axis, even of length 1 */
  }
  if (!f->have[F_ELEMENT_TYPE]) return ndw_set_error(NDW_E_FORMAT, "MetaImage header without ElementType");
  {
    char name[64];
    size_t n = strlen(f->value[F_ELEMENT_TYPE]);
    int found = 0;
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, f->value[F_ELEMENT_TYPE], n);
    name[n] = '\0';
    if (n > 6 && strcmp(name + n - 6, "_ARRAY") == 0) name[n - 6] = '\0'; /* MET_FLOAT_ARRAY */
    for (size_t i = 0; i < sizeof ndw_mha_types / sizeof ndw_mha_types[0]; ++i)
      if (strcmp(name, ndw_mha_types[i].name) == 0) {
        info->type = ndw_mha_types[i].type;
        found = 1;
      }
    if (!found)
      return ndw_set_error(NDW_E_FORMAT, "unsupported MetaImage ElementType '%.40s'", f->value[F_ELEMENT_TYPE]);
  }
  {
    const char *df = f->value[F_DATA_FILE];
    if (strcmp(df, "LOCAL") == 0 || strcmp(df, "Local") == 0 || strcmp(df, "local") == 0) {
      info->data_file[0] = '\0';
    } else if (strncmp(df, "LIST", 4) == 0 || strchr(df, '%') != NULL || strchr(df, ' ') != NULL) {
      return ndw_set_error(NDW_E_FORMAT, "ElementDataFile = '%.80s': lists and patterns of data files "
                           "are not supported", df);
    } else {
      if (strlen(df) >= NDW_DATA_FILE_MAX) return ndw_set_error(NDW_E_FORMAT, "ElementDataFile too long");
      strcpy(info->data_file, df);
      if (f->have[F_HEADER_SIZE]) {
        const char *hs = f->value[F_HEADER_SIZE];
        if (strcmp(hs, "-1") == 0) {
          info->skip_to_end = 1;
        } else {
          if ((st = ndw_image_file_parse_u64s(hs, 1, u, "HeaderSize")) != NDW_OK) return st;
          info->byte_skip = u[0];
        }
      }
    }
  }
  return NDW_OK;
}

ndw_status ndw_metaimage_parse(ndw_stream_reader *r, const char *first, ndw_image_file_info *info) {
  ndw_mha_fields *f;
  char *line;
  ndw_status st = NDW_OK;
  int end = 0;
  unsigned lines = 0;
  if (r == NULL || info == NULL) return ndw_set_error(NDW_E_INVALID, "metaimage_parse: NULL argument");
  f = (ndw_mha_fields *)calloc(1, sizeof *f);
  line = (char *)malloc(NDW_MHA_LINE);
  if (f == NULL || line == NULL) {
    st = ndw_set_error(NDW_E_NOMEM, "out of memory");
    goto done;
  }
  memset(info, 0, sizeof *info);
  info->format = NDW_FORMAT_METAIMAGE;
  if (first != NULL) {
    size_t n = strlen(first);
    if (n >= NDW_MHA_LINE) {
      st = ndw_set_error(NDW_E_FORMAT, "header line too long");
      goto done;
    }
    memcpy(line, first, n + 1);
    if ((st = ndw_mha_take(f, line, &end)) != NDW_OK) {
      st = ndw_set_error(NDW_E_FORMAT, "not an image file: neither NRRD nor MetaImage (first line "
                         "'%.60s')", first);
      goto done;
    }
    lines = 1;
  }
  while (!end) {
    size_t len = 0;
    int at_end = 0;
    if ((st = ndw_stream_reader_line(r, line, NDW_MHA_LINE, &len, &at_end)) != NDW_OK) goto done;
    if (at_end) {
      st = ndw_set_error(NDW_E_FORMAT, lines ? "MetaImage header without ElementDataFile (it ends the header)"
                                             : "not an image file: the stream is empty");
      goto done;
    }
    if (++lines > NDW_MHA_MAX_LINES || r->consumed > NDW_MHA_MAX_HEADER) {
      st = ndw_set_error(NDW_E_FORMAT, "MetaImage header longer than %u lines or 1 MiB", NDW_MHA_MAX_LINES);
      goto done;
    }
    if ((st = ndw_mha_take(f, line, &end)) != NDW_OK) {
      if (lines == 1)
        st = ndw_set_error(NDW_E_FORMAT, "not an image file: neither NRRD nor MetaImage");
      goto done;
    }
  }
  info->header_bytes = r->consumed;
  st = ndw_mha_interpret(f, info);
done:
  free(f);
  free(line);
  return st;
}

/* ---- writing --------------------------------------------------------------- */

ndw_status ndw_metaimage_format_header(const ndw_image *image, const char *data_file, int compress,
                                       uint64_t compressed_size, unsigned align, char **text,
                                       size_t *len) {
  ndw_header_text t;
  unsigned d = ndw_image_dimension(image), comps = ndw_image_components(image);
  ndw_pixel_type type = ndw_image_pixel_type(image);
  double spacing[NDW_MAX_DIM], origin[NDW_MAX_DIM], dir[NDW_MAX_DIM * NDW_MAX_DIM], m[NDW_MAX_DIM * NDW_MAX_DIM];
  uint64_t size[NDW_MAX_DIM];
  const char *et = NULL;
  char last[NDW_DATA_FILE_MAX + 32];
  if (text == NULL || len == NULL) return ndw_set_error(NDW_E_INVALID, "format_header: NULL argument");
  *text = NULL;
  *len = 0;
  switch (type) {
  case NDW_PIXEL_B: case NDW_PIXEL_UC: et = "MET_UCHAR"; break;
  case NDW_PIXEL_SC: et = "MET_CHAR"; break;
  case NDW_PIXEL_SS: et = "MET_SHORT"; break;
  case NDW_PIXEL_US: et = "MET_USHORT"; break;
  case NDW_PIXEL_SI: et = "MET_INT"; break;
  case NDW_PIXEL_UI: et = "MET_UINT"; break;
  case NDW_PIXEL_SL: et = "MET_LONG_LONG"; break;
  case NDW_PIXEL_UL: et = "MET_ULONG_LONG"; break;
  case NDW_PIXEL_F: case NDW_PIXEL_CF: et = "MET_FLOAT"; break;
  case NDW_PIXEL_D: case NDW_PIXEL_CD: et = "MET_DOUBLE"; break;
  default: return ndw_set_error(NDW_E_TYPE, "MetaImage: unsupported pixel type");
  }
  if (type == NDW_PIXEL_CF || type == NDW_PIXEL_CD) comps *= 2; /* (re, im) channels, as ITK */
  ndw_status st = ndw_header_text_init(&t);
  if (st != NDW_OK) return st;
  ndw_image_get_size(image, size);
  ndw_image_get_spacing(image, spacing);
  ndw_image_get_origin(image, origin);
  ndw_image_get_direction(image, dir);
  for (unsigned i = 0; i < d; ++i)
    for (unsigned j = 0; j < d; ++j) m[i * d + j] = dir[j * d + i]; /* columns */
  ndw_header_text_add(&t, "ObjectType = Image\nNDims = %u\nBinaryData = True\nBinaryDataByteOrderMSB = False\n", d);
  ndw_header_text_add(&t, "CompressedData = %s\n", compress ? "True" : "False");
  if (compress) ndw_header_text_add(&t, "CompressedDataSize = %llu\n", (unsigned long long)compressed_size);
  ndw_header_text_add_doubles(&t, "TransformMatrix = ", " ", m, d * d, "\n");
  ndw_header_text_add_doubles(&t, "Offset = ", " ", origin, d, "\n");
  ndw_header_text_add_doubles(&t, "ElementSpacing = ", " ", spacing, d, "\n");
  ndw_header_text_add(&t, "DimSize =");
  for (unsigned i = 0; i < d; ++i) ndw_header_text_add(&t, " %llu", (unsigned long long)size[i]);
  ndw_header_text_add(&t, "\n");
  if (comps > 1 || ndw_image_is_vector(image)) ndw_header_text_add(&t, "ElementNumberOfChannels = %u\n", comps);
  ndw_header_text_add(&t, "ElementType = %s\n", et);
  snprintf(last, sizeof last, "ElementDataFile = %s\n", data_file ? data_file : "LOCAL");
  /* a Comment line pads the header so that the data starts aligned */
  ndw_header_text_pad_line(&t, "Comment = ndwrap: pixel data aligned", strlen(last), align);
  ndw_header_text_add(&t, "%s", last);
  return ndw_header_text_finish(&t, "MetaImage", text, len);
}
