/* ndwrap IONRRD: parse and write NRRD headers (see ndw/nrrd.h), after
 * teem's format description (http://teem.sourceforge.net/nrrd/format.html).
 * One pass keeps the value text of the fields ndwrap uses; they are
 * interpreted once the header ended. */
#include "ndw/nrrd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDW_NRRD_LINE 8192
#define NDW_NRRD_MAX_HEADER ((uint64_t)1 << 20)
#define NDW_NRRD_MAX_LINES 10000
#define NDW_NRRD_MAX_AXES (NDW_MAX_DIM + 1)

enum {
  N_DIMENSION, N_TYPE, N_SIZES, N_ENCODING, N_ENDIAN, N_SPACE, N_SPACE_DIMENSION, N_DIRECTIONS,
  N_ORIGIN, N_SPACINGS, N_KINDS, N_DATA_FILE, N_BYTE_SKIP, N_LINE_SKIP, N_COUNT
};

static const struct {
  const char *name;
  int field;
} ndw_nrrd_keys[] = {
    {"dimension", N_DIMENSION},   {"type", N_TYPE},
    {"sizes", N_SIZES},           {"encoding", N_ENCODING},
    {"endian", N_ENDIAN},         {"space", N_SPACE},
    {"space dimension", N_SPACE_DIMENSION},
    {"space directions", N_DIRECTIONS},
    {"space origin", N_ORIGIN},   {"spacings", N_SPACINGS},
    {"kinds", N_KINDS},           {"data file", N_DATA_FILE},
    {"datafile", N_DATA_FILE},    {"byte skip", N_BYTE_SKIP},
    {"byteskip", N_BYTE_SKIP},    {"line skip", N_LINE_SKIP},
    {"lineskip", N_LINE_SKIP},
};

/* teem's type names and their synonyms. */
static const struct {
  const char *name;
  ndw_pixel_type type;
} ndw_nrrd_types[] = {
    {"signed char", NDW_PIXEL_SC}, {"int8", NDW_PIXEL_SC}, {"int8_t", NDW_PIXEL_SC},
    {"uchar", NDW_PIXEL_UC}, {"unsigned char", NDW_PIXEL_UC}, {"uint8", NDW_PIXEL_UC},
    {"uint8_t", NDW_PIXEL_UC},
    {"short", NDW_PIXEL_SS}, {"short int", NDW_PIXEL_SS}, {"signed short", NDW_PIXEL_SS},
    {"signed short int", NDW_PIXEL_SS}, {"int16", NDW_PIXEL_SS}, {"int16_t", NDW_PIXEL_SS},
    {"ushort", NDW_PIXEL_US}, {"unsigned short", NDW_PIXEL_US},
    {"unsigned short int", NDW_PIXEL_US}, {"uint16", NDW_PIXEL_US}, {"uint16_t", NDW_PIXEL_US},
    {"int", NDW_PIXEL_SI}, {"signed int", NDW_PIXEL_SI}, {"int32", NDW_PIXEL_SI},
    {"int32_t", NDW_PIXEL_SI},
    {"uint", NDW_PIXEL_UI}, {"unsigned int", NDW_PIXEL_UI}, {"uint32", NDW_PIXEL_UI},
    {"uint32_t", NDW_PIXEL_UI},
    {"longlong", NDW_PIXEL_SL}, {"long long", NDW_PIXEL_SL}, {"long long int", NDW_PIXEL_SL},
    {"signed long long", NDW_PIXEL_SL}, {"signed long long int", NDW_PIXEL_SL},
    {"int64", NDW_PIXEL_SL}, {"int64_t", NDW_PIXEL_SL},
    {"ulonglong", NDW_PIXEL_UL}, {"unsigned long long", NDW_PIXEL_UL},
    {"unsigned long long int", NDW_PIXEL_UL}, {"uint64", NDW_PIXEL_UL}, {"uint64_t", NDW_PIXEL_UL},
    {"float", NDW_PIXEL_F}, {"double", NDW_PIXEL_D},
};

typedef struct ndw_nrrd_fields {
  int have[N_COUNT];
  char value[N_COUNT][NDW_NRRD_LINE];
} ndw_nrrd_fields;

static ndw_status ndw_nrrd_take(ndw_nrrd_fields *f, const char *line) {
  const char *colon = strchr(line, ':');
  size_t n;
  if (line[0] == '#') return NDW_OK;
  if (colon == NULL) return ndw_set_error(NDW_E_FORMAT, "not a NRRD header line: '%.80s'", line);
  if (colon[1] == '=') return NDW_OK; /* key:=value pairs */
  if (colon[1] != ' ' && colon[1] != '\0')
    return ndw_set_error(NDW_E_FORMAT, "not a NRRD header line: '%.80s'", line);
  n = (size_t)(colon - line);
  for (size_t i = 0; i < sizeof ndw_nrrd_keys / sizeof ndw_nrrd_keys[0]; ++i) {
    if (strlen(ndw_nrrd_keys[i].name) == n && strncmp(line, ndw_nrrd_keys[i].name, n) == 0) {
      const char *v = colon + 1;
      char *dst = f->value[ndw_nrrd_keys[i].field];
      size_t len;
      while (*v == ' ' || *v == '\t') ++v;
      len = strlen(v);
      while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t')) --len;
      memcpy(dst, v, len);
      dst[len] = '\0';
      f->have[ndw_nrrd_keys[i].field] = 1;
      break;
    }
  }
  return NDW_OK;
}

/* Next blank-separated word of *p into out (0 at the end). */
static int ndw_nrrd_word(const char **p, char *out, size_t cap) {
  const char *s = *p;
  size_t n = 0;
  while (*s == ' ' || *s == '\t') ++s;
  if (*s == '\0') return 0;
  while (*s && *s != ' ' && *s != '\t') {
    if (n + 1 < cap) out[n++] = *s;
    ++s;
  }
  out[n] = '\0';
  *p = s;
  return 1;
}

/* "(a,b,c)" with `n` numbers at *p, or "none" (*none = 1). */
static ndw_status ndw_nrrd_vector(const char **p, unsigned n, double *out, int *none, const char *what) {
  const char *s = *p, *close;
  char buf[1024];
  size_t len;
  while (*s == ' ' || *s == '\t') ++s;
  *none = 0;
  if (strncmp(s, "none", 4) == 0) {
    *none = 1;
    *p = s + 4;
    return NDW_OK;
  }
  if (*s != '(') return ndw_set_error(NDW_E_FORMAT, "%s: expected '(' or none in '%.80s'", what, *p);
  close = strchr(s, ')');
  if (close == NULL) return ndw_set_error(NDW_E_FORMAT, "%s: missing ')'", what);
  len = (size_t)(close - s - 1);
  if (len >= sizeof buf) return ndw_set_error(NDW_E_FORMAT, "%s: vector too long", what);
  memcpy(buf, s + 1, len);
  buf[len] = '\0';
  *p = close + 1;
  return ndw_image_file_parse_doubles(buf, n, out, what);
}

static int ndw_nrrd_spatial_kind(const char *k) {
  return strcmp(k, "domain") == 0 || strcmp(k, "space") == 0 || strcmp(k, "time") == 0 ||
         strcmp(k, "???") == 0 || strcmp(k, "none") == 0;
}

static ndw_status ndw_nrrd_interpret(const ndw_nrrd_fields *f, ndw_image_file_info *info) {
  uint64_t u[NDW_NRRD_MAX_AXES];
  uint64_t sizes[NDW_NRRD_MAX_AXES];
  unsigned n, comp = 0, d, sdim = 0;
  char kinds[NDW_NRRD_MAX_AXES][32];
  int have_kinds = 0, flip_x = 0, flip_y = 0;
  double dirs[NDW_NRRD_MAX_AXES][NDW_MAX_DIM];
  int none[NDW_NRRD_MAX_AXES];
  ndw_status st;
  if (!f->have[N_DIMENSION]) return ndw_set_error(NDW_E_FORMAT, "NRRD header without dimension");
  if ((st = ndw_image_file_parse_u64s(f->value[N_DIMENSION], 1, u, "dimension")) != NDW_OK) return st;
  if (u[0] < 1 || u[0] > NDW_NRRD_MAX_AXES)
    return ndw_set_error(NDW_E_FORMAT, "NRRD dimension %llu is not in 1..%d", (unsigned long long)u[0],
                         NDW_NRRD_MAX_AXES);
  n = (unsigned)u[0];
  if (!f->have[N_SIZES]) return ndw_set_error(NDW_E_FORMAT, "NRRD header without sizes");
  if ((st = ndw_image_file_parse_u64s(f->value[N_SIZES], n, sizes, "sizes")) != NDW_OK) return st;
  for (unsigned i = 0; i < n; ++i)
    if (sizes[i] == 0) return ndw_set_error(NDW_E_FORMAT, "NRRD sizes[%u] is 0", i);
  if (!f->have[N_TYPE]) return ndw_set_error(NDW_E_FORMAT, "NRRD header without type");
  {
    int found = 0;
    for (size_t i = 0; i < sizeof ndw_nrrd_types / sizeof ndw_nrrd_types[0]; ++i)
      if (strcmp(f->value[N_TYPE], ndw_nrrd_types[i].name) == 0) {
        info->type = ndw_nrrd_types[i].type;
        found = 1;
      }
    if (!found) return ndw_set_error(NDW_E_FORMAT, "unsupported NRRD type '%.40s'", f->value[N_TYPE]);
  }
  /* the space: its dimension and its axis conventions relative to ITK's LPS */
  if (f->have[N_SPACE]) {
    const char *s = f->value[N_SPACE];
    if (!strcmp(s, "left-posterior-superior") || !strcmp(s, "LPS") || !strcmp(s, "scanner-xyz") ||
        !strcmp(s, "3D-right-handed") || !strcmp(s, "3D-left-handed")) {
      sdim = 3;
    } else if (!strcmp(s, "right-anterior-superior") || !strcmp(s, "RAS")) {
      sdim = 3, flip_x = flip_y = 1;
    } else if (!strcmp(s, "left-anterior-superior") || !strcmp(s, "LAS")) {
      sdim = 3, flip_y = 1;
    } else {
      return ndw_set_error(NDW_E_FORMAT, "unsupported NRRD space '%.60s'", s);
    }
  }
  if (f->have[N_SPACE_DIMENSION]) {
    if ((st = ndw_image_file_parse_u64s(f->value[N_SPACE_DIMENSION], 1, u, "space dimension")) != NDW_OK)
      return st;
    if (u[0] < 1 || u[0] > NDW_MAX_DIM || (sdim && u[0] != sdim))
      return ndw_set_error(NDW_E_FORMAT, "bad NRRD space dimension %llu", (unsigned long long)u[0]);
    sdim = (unsigned)u[0];
  }
  if (f->have[N_KINDS]) {
    const char *p = f->value[N_KINDS];
    /* kinds may be multi-word ("covariant-vector" is one); words as teem writes them */
    for (unsigned i = 0; i < n; ++i)
      if (!ndw_nrrd_word(&p, kinds[i], sizeof kinds[i]))
        return ndw_set_error(NDW_E_FORMAT, "NRRD kinds: expected %u words", n);
    have_kinds = 1;
  }
  /* which axis holds the components */
  if (f->have[N_DIRECTIONS]) {
    const char *p = f->value[N_DIRECTIONS];
    unsigned nones = 0;
    if (sdim == 0) return ndw_set_error(NDW_E_FORMAT, "NRRD space directions without a space");
    for (unsigned i = 0; i < n; ++i) {
      if ((st = ndw_nrrd_vector(&p, sdim, dirs[i], &none[i], "space directions")) != NDW_OK) return st;
      nones += (unsigned)none[i];
    }
    if (nones > 1 || (nones == 1 && !none[0]))
      return ndw_set_error(NDW_E_FORMAT, "NRRD: only the first axis may be non-spatial (components)");
    comp = nones;
  } else if (have_kinds && !ndw_nrrd_spatial_kind(kinds[0])) {
    comp = 1;
  }
  if (have_kinds)
    for (unsigned i = comp; i < n; ++i)
      if (!ndw_nrrd_spatial_kind(kinds[i]))
        return ndw_set_error(NDW_E_FORMAT, "NRRD: axis %u of kind '%.30s' is not supported "
                             "(only the first axis may hold components)", i, kinds[i]);
  d = n - comp;
  if (d < 1 || d > NDW_MAX_DIM)
    return ndw_set_error(NDW_E_FORMAT, "NRRD image dimension %u is not in 1..%d", d, NDW_MAX_DIM);
  info->dim = d;
  if (comp && sizes[0] > 65535)
    return ndw_set_error(NDW_E_FORMAT, "NRRD: %llu components per pixel is too many", (unsigned long long)sizes[0]);
  info->components = comp ? (unsigned)sizes[0] : 1u;
  info->is_vector = comp != 0;
  info->is_complex = comp && have_kinds && strcmp(kinds[0], "complex") == 0 && sizes[0] == 2;
  for (unsigned i = 0; i < d; ++i) {
    info->size[i] = sizes[i + comp];
    info->spacing[i] = 1.0;
    info->origin[i] = 0.0;
    for (unsigned j = 0; j < d; ++j) info->direction[i * d + j] = i == j;
  }
  if (f->have[N_DIRECTIONS]) {
    if (sdim != d)
      return ndw_set_error(NDW_E_FORMAT, "NRRD: a %u-D image in a %u-D space is not supported", d, sdim);
    for (unsigned j = 0; j < d; ++j) {
      const double *v = dirs[j + comp];
      double norm = 0.0;
      for (unsigned i = 0; i < d; ++i) norm += v[i] * v[i];
      norm = sqrt(norm);
      if (!(norm > 0.0) || !isfinite(norm))
        return ndw_set_error(NDW_E_FORMAT, "NRRD space direction of axis %u has length %g", j + comp, norm);
      info->spacing[j] = norm;
      for (unsigned i = 0; i < d; ++i) info->direction[i * d + j] = v[i] / norm;
    }
  } else if (f->have[N_SPACINGS]) {
    double s[NDW_NRRD_MAX_AXES];
    if ((st = ndw_image_file_parse_doubles(f->value[N_SPACINGS], n, s, "spacings")) != NDW_OK) return st;
    for (unsigned j = 0; j < d; ++j) info->spacing[j] = isnan(s[j + comp]) ? 1.0 : fabs(s[j + comp]);
  }
  if (f->have[N_ORIGIN]) {
    const char *p = f->value[N_ORIGIN];
    int is_none = 0;
    if (sdim != d)
      return ndw_set_error(NDW_E_FORMAT, "NRRD space origin of a %u-D space for a %u-D image", sdim, d);
    if ((st = ndw_nrrd_vector(&p, d, info->origin, &is_none, "space origin")) != NDW_OK) return st;
    if (is_none)
      for (unsigned i = 0; i < d; ++i) info->origin[i] = 0.0;
  }
  if (flip_x || flip_y) {
    for (unsigned j = 0; j < d; ++j) {
      if (flip_x) info->direction[0 * d + j] = -info->direction[0 * d + j];
      if (flip_y) info->direction[1 * d + j] = -info->direction[1 * d + j];
    }
    if (flip_x) info->origin[0] = -info->origin[0];
    if (flip_y) info->origin[1] = -info->origin[1];
  }
  /* data */
  if (!f->have[N_ENCODING]) return ndw_set_error(NDW_E_FORMAT, "NRRD header without encoding");
  {
    const char *e = f->value[N_ENCODING];
    if (!strcmp(e, "raw")) info->encoding = NDW_ENCODING_RAW;
    else if (!strcmp(e, "gzip") || !strcmp(e, "gz")) info->encoding = NDW_ENCODING_GZIP;
    else return ndw_set_error(NDW_E_FORMAT, "unsupported NRRD encoding '%.30s' (raw and gzip are)", e);
  }
  if (f->have[N_ENDIAN]) {
    if (!strcmp(f->value[N_ENDIAN], "big")) info->big_endian = 1;
    else if (!strcmp(f->value[N_ENDIAN], "little")) info->big_endian = 0;
    else return ndw_set_error(NDW_E_FORMAT, "NRRD endian '%.20s' is not little or big", f->value[N_ENDIAN]);
  } else if (ndw_pixel_type_size(info->type) > 1) {
    return ndw_set_error(NDW_E_FORMAT, "NRRD header without endian for %zu-byte values",
                         ndw_pixel_type_size(info->type));
  }
  if (f->have[N_DATA_FILE]) {
    const char *df = f->value[N_DATA_FILE];
    if (strncmp(df, "LIST", 4) == 0 || strchr(df, ' ') != NULL || strchr(df, '%') != NULL)
      return ndw_set_error(NDW_E_FORMAT, "NRRD data file '%.80s': lists and patterns are not supported", df);
    if (strlen(df) >= NDW_DATA_FILE_MAX) return ndw_set_error(NDW_E_FORMAT, "NRRD data file name too long");
    strcpy(info->data_file, df);
  }
  if (f->have[N_BYTE_SKIP]) {
    if (!strcmp(f->value[N_BYTE_SKIP], "-1")) {
      info->skip_to_end = 1;
    } else {
      if ((st = ndw_image_file_parse_u64s(f->value[N_BYTE_SKIP], 1, u, "byte skip")) != NDW_OK) return st;
      info->byte_skip = u[0];
    }
  }
  if (f->have[N_LINE_SKIP]) {
    if ((st = ndw_image_file_parse_u64s(f->value[N_LINE_SKIP], 1, u, "line skip")) != NDW_OK) return st;
    info->line_skip = u[0];
  }
  if (info->data_file[0] == '\0' && (info->byte_skip || info->skip_to_end || info->line_skip))
    return ndw_set_error(NDW_E_FORMAT, "NRRD byte/line skip with attached data is not supported");
  return NDW_OK;
}

ndw_status ndw_nrrd_parse(ndw_stream_reader *r, const char *first, ndw_image_file_info *info) {
  ndw_nrrd_fields *f;
  char *line;
  ndw_status st = NDW_OK;
  unsigned lines = 1;
  if (r == NULL || info == NULL) return ndw_set_error(NDW_E_INVALID, "nrrd_parse: NULL argument");
  f = (ndw_nrrd_fields *)calloc(1, sizeof *f);
  line = (char *)malloc(NDW_NRRD_LINE);
  if (f == NULL || line == NULL) {
    st = ndw_set_error(NDW_E_NOMEM, "out of memory");
    goto done;
  }
  memset(info, 0, sizeof *info);
  info->format = NDW_FORMAT_NRRD;
  if (first == NULL) {
    size_t len = 0;
    int at_end = 0;
    if ((st = ndw_stream_reader_line(r, line, NDW_NRRD_LINE, &len, &at_end)) != NDW_OK) goto done;
    first = line;
  }
  if (strncmp(first, "NRRD000", 7) != 0 || first[7] < '1' || first[7] > '5' || first[8] != '\0') {
    st = ndw_set_error(NDW_E_FORMAT, "not a NRRD file (magic '%.20s')", first);
    goto done;
  }
  for (;;) {
    size_t len = 0;
    int at_end = 0;
    if ((st = ndw_stream_reader_line(r, line, NDW_NRRD_LINE, &len, &at_end)) != NDW_OK) goto done;
    if (at_end || len == 0) break; /* end of a detached header, or the blank line */
    if (++lines > NDW_NRRD_MAX_LINES || r->consumed > NDW_NRRD_MAX_HEADER) {
      st = ndw_set_error(NDW_E_FORMAT, "NRRD header longer than %u lines or 1 MiB", NDW_NRRD_MAX_LINES);
      goto done;
    }
    if ((st = ndw_nrrd_take(f, line)) != NDW_OK) goto done;
  }
  info->header_bytes = r->consumed;
  st = ndw_nrrd_interpret(f, info);
done:
  free(f);
  free(line);
  return st;
}

/* ---- writing ------------------------------------------------------------------- */

ndw_status ndw_nrrd_format_header(const ndw_image *image, const char *data_file, int compress,
                                  unsigned align, char **text, size_t *len) {
  ndw_header_text t;
  unsigned d = ndw_image_dimension(image), comps = ndw_image_components(image);
  ndw_pixel_type type = ndw_image_pixel_type(image);
  int is_complex = type == NDW_PIXEL_CF || type == NDW_PIXEL_CD;
  int comp_axis = ndw_image_is_vector(image) || is_complex;
  double spacing[NDW_MAX_DIM], origin[NDW_MAX_DIM], dir[NDW_MAX_DIM * NDW_MAX_DIM];
  uint64_t size[NDW_MAX_DIM];
  const char *tn = NULL;
  size_t item = ndw_pixel_type_size(type);
  if (text == NULL || len == NULL) return ndw_set_error(NDW_E_INVALID, "format_header: NULL argument");
  *text = NULL;
  *len = 0;
  switch (type) {
  case NDW_PIXEL_B: case NDW_PIXEL_UC: tn = "unsigned char"; break;
  case NDW_PIXEL_SC: tn = "signed char"; break;
  case NDW_PIXEL_SS: tn = "short"; break;
  case NDW_PIXEL_US: tn = "unsigned short"; break;
  case NDW_PIXEL_SI: tn = "int"; break;
  case NDW_PIXEL_UI: tn = "unsigned int"; break;
  case NDW_PIXEL_SL: tn = "long long int"; break;
  case NDW_PIXEL_UL: tn = "unsigned long long int"; break;
  case NDW_PIXEL_F: case NDW_PIXEL_CF: tn = "float"; break;
  case NDW_PIXEL_D: case NDW_PIXEL_CD: tn = "double"; break;
  default: return ndw_set_error(NDW_E_TYPE, "NRRD: unsupported pixel type");
  }
  if (is_complex) {
    comps *= 2;
    item /= 2;
  }
  ndw_status st = ndw_header_text_init(&t);
  if (st != NDW_OK) return st;
  ndw_image_get_size(image, size);
  ndw_image_get_spacing(image, spacing);
  ndw_image_get_origin(image, origin);
  ndw_image_get_direction(image, dir);
  ndw_header_text_add(&t, "NRRD0004\n# Complete NRRD file format specification at:\n"
                   "# http://teem.sourceforge.net/nrrd/format.html\n");
  ndw_header_text_add(&t, "type: %s\ndimension: %u\n", tn, d + (comp_axis ? 1u : 0u));
  if (d == 3) ndw_header_text_add(&t, "space: left-posterior-superior\n");
  else ndw_header_text_add(&t, "space dimension: %u\n", d);
  ndw_header_text_add(&t, "sizes:");
  if (comp_axis) ndw_header_text_add(&t, " %u", comps);
  for (unsigned i = 0; i < d; ++i) ndw_header_text_add(&t, " %llu", (unsigned long long)size[i]);
  ndw_header_text_add(&t, "\nspace directions:");
  if (comp_axis) ndw_header_text_add(&t, " none");
  for (unsigned j = 0; j < d; ++j) {
    double v[NDW_MAX_DIM];
    for (unsigned i = 0; i < d; ++i) v[i] = dir[i * d + j] * spacing[j];
    ndw_header_text_add_doubles(&t, " (", ",", v, d, ")");
  }
  ndw_header_text_add(&t, "\nkinds:");
  if (comp_axis) ndw_header_text_add(&t, " %s", is_complex && comps == 2 ? "complex" : "vector");
  for (unsigned j = 0; j < d; ++j) ndw_header_text_add(&t, " domain");
  ndw_header_text_add(&t, "\n");
  if (item > 1) {
    const uint16_t one = 1;
    ndw_header_text_add(&t, "endian: %s\n", *(const unsigned char *)&one ? "little" : "big");
  }
  ndw_header_text_add(&t, "encoding: %s\n", compress ? "gzip" : "raw");
  ndw_header_text_add_doubles(&t, "space origin: (", ",", origin, d, ")\n");
  if (data_file != NULL) ndw_header_text_add(&t, "data file: %s\n", data_file);
  /* a comment line pads the header so that the data starts aligned */
  ndw_header_text_pad_line(&t, "# ndwrap: pixel data aligned", 1 /* the blank line */, align);
  ndw_header_text_add(&t, "\n");
  return ndw_header_text_finish(&t, "NRRD", text, len);
}
