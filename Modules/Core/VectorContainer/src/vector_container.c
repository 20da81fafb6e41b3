/* ndwrap VectorContainer: the generic container; typed facades forward here. */
#include "ndw/vector_container.h"

#include <stdlib.h>
#include <string.h>

#define NDW_VC_MAX_COMPONENTS 64u

struct ndw_vector_container {
  ndw_pixel_type type;
  unsigned components;
  size_t element_size; /* components * component size */
  uint64_t size, capacity;
  char *data;
  long exports;
};

ndw_status ndw_vector_container_new(ndw_pixel_type type, unsigned components,
                                    ndw_vector_container **out) {
  ndw_vector_container *c;
  if (out == NULL) return ndw_set_error(NDW_E_INVALID, "ndw_vector_container_new: out is NULL");
  *out = NULL;
  if (ndw_pixel_type_info(type) == NULL)
    return ndw_set_error(NDW_E_TYPE, "ndw_vector_container_new: unknown element type %d",
                         (int)type);
  if (components < 1 || components > NDW_VC_MAX_COMPONENTS)
    return ndw_set_error(NDW_E_INVALID, "a container element has 1..%u components, not %u",
                         NDW_VC_MAX_COMPONENTS, components);
  if ((c = calloc(1, sizeof *c)) == NULL)
    return ndw_set_error(NDW_E_NOMEM, "ndw_vector_container_new: out of memory");
  c->type = type;
  c->components = components;
  c->element_size = components * ndw_pixel_type_size(type);
  *out = c;
  return NDW_OK;
}

static ndw_status ndw_vc_not_exported(const ndw_vector_container *c, const char *what) {
  if (c->exports > 0)
    return ndw_set_error(NDW_E_BUSY,
                         "%s: the container's data is exported (%ld live view(s)); release "
                         "the views (e.g. delete the NumPy arrays) first",
                         what, c->exports);
  return NDW_OK;
}

ndw_status ndw_vector_container_free(ndw_vector_container *c) {
  if (c == NULL) return NDW_OK;
  if (ndw_vc_not_exported(c, "free") != NDW_OK) return NDW_E_BUSY;
  free(c->data);
  free(c);
  return NDW_OK;
}

ndw_pixel_type ndw_vector_container_pixel_type(const ndw_vector_container *c) { return c->type; }
unsigned ndw_vector_container_components(const ndw_vector_container *c) { return c->components; }
uint64_t ndw_vector_container_size(const ndw_vector_container *c) { return c->size; }
void *ndw_vector_container_data(const ndw_vector_container *c) { return c->data; }
long ndw_vector_container_exports(const ndw_vector_container *c) { return c->exports; }
void ndw_vector_container_export_acquire(ndw_vector_container *c) { c->exports++; }
void ndw_vector_container_export_release(ndw_vector_container *c) {
  if (c->exports > 0) c->exports--;
}

/* Room for n elements (capacity doubles, overflow-checked); size unchanged.
 * A new block comes from calloc (zero pages are not touched until used) and
 * takes the current elements; everything past them is zero. */
static ndw_status ndw_vc_reserve(ndw_vector_container *c, uint64_t n) {
  uint64_t cap = c->capacity < 8 ? 8 : c->capacity, bytes;
  char *mem;
  if (n <= c->capacity) return NDW_OK;
  while (cap < n) cap = cap > UINT64_MAX / 2 ? n : cap * 2;
  if (ndw_checked_count(&cap, 1, c->element_size, &bytes) != NDW_OK) {
    cap = n; /* the doubled capacity overflows; try exactly n */
    if (ndw_checked_count(&cap, 1, c->element_size, &bytes) != NDW_OK) return ndw_last_status();
  }
  if (bytes > (uint64_t)SIZE_MAX || (mem = calloc(1, (size_t)bytes)) == NULL)
    return ndw_set_error(NDW_E_NOMEM, "vector container: cannot allocate %llu bytes",
                         (unsigned long long)bytes);
  if (c->size) memcpy(mem, c->data, (size_t)c->size * c->element_size);
  free(c->data);
  c->data = mem;
  c->capacity = cap;
  return NDW_OK;
}

ndw_status ndw_vector_container_resize(ndw_vector_container *c, uint64_t n) {
  ndw_status st;
  uint64_t old_capacity = c->capacity;
  if (n == c->size) return NDW_OK;
  if ((st = ndw_vc_not_exported(c, "resize")) != NDW_OK) return st;
  if ((st = ndw_vc_reserve(c, n)) != NDW_OK) return st;
  if (n > c->size && c->capacity == old_capacity) /* grown in place: zero what shrinking left */
    memset(c->data + (size_t)c->size * c->element_size, 0,
           (size_t)(n - c->size) * c->element_size);
  c->size = n;
  return NDW_OK;
}

static ndw_status ndw_vc_at(const ndw_vector_container *c, uint64_t i, char **p) {
  if (i >= c->size)
    return ndw_set_error(NDW_E_RANGE, "element %llu is outside the container of size %llu",
                         (unsigned long long)i, (unsigned long long)c->size);
  *p = c->data + (size_t)i * c->element_size;
  return NDW_OK;
}

ndw_status ndw_vector_container_get(const ndw_vector_container *c, uint64_t i, void *out) {
  char *p = NULL;
  ndw_status st = ndw_vc_at(c, i, &p);
  if (st == NDW_OK) memcpy(out, p, c->element_size);
  return st;
}

ndw_status ndw_vector_container_set(ndw_vector_container *c, uint64_t i, const void *value) {
  char *p = NULL;
  ndw_status st = ndw_vc_at(c, i, &p);
  if (st == NDW_OK) memcpy(p, value, c->element_size);
  return st;
}

ndw_status ndw_vector_container_insert(ndw_vector_container *c, uint64_t i, const void *value) {
  ndw_status st;
  if (i >= c->size) {
    if (i == UINT64_MAX)
      return ndw_set_error(NDW_E_INVALID, "insert: identifier %llu is too large",
                           (unsigned long long)i);
    if ((st = ndw_vector_container_resize(c, i + 1)) != NDW_OK) return st;
  }
  return ndw_vector_container_set(c, i, value);
}

ndw_status ndw_vector_container_assign(ndw_vector_container *c, const void *data, uint64_t n) {
  ndw_status st;
  if ((st = ndw_vc_not_exported(c, "assign")) != NDW_OK) return st;
  if (n != 0 && data == NULL)
    return ndw_set_error(NDW_E_INVALID, "assign: NULL data for %llu elements",
                         (unsigned long long)n);
  if ((st = ndw_vc_reserve(c, n)) != NDW_OK) return st;
  if (n) memcpy(c->data, data, (size_t)n * c->element_size);
  c->size = n;
  return NDW_OK;
}
