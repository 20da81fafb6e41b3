/* Strided and transposing copies (ndw_copy_strided through the public
 * copy calls): every axis permutation of 2-d, 3-d and 4-d images, with and
 * without components, pixel sizes 1..16 (and 20, 32, 40 bytes), odd sizes
 * and tile tails, negative strides, unaligned destinations, and copies
 * large enough for the non-temporal stores.  Each pixel's bytes encode its
 * x-fastest index, so a misplaced or torn pixel is caught byte by byte. */
#include "ndw_test.h"

#include <ndw/image.h>

#include <stdlib.h>
#include <string.h>

static unsigned char pixel_byte(uint64_t lin, size_t byte) {
  uint64_t h = (lin + 1) * 0x9E3779B97F4A7C15ull + byte * 0xBF58476D1CE4E5B9ull;
  return (unsigned char)(h >> 56);
}

typedef struct layout {
  unsigned dim;
  uint64_t size[4];
  ptrdiff_t strides[4];
  size_t bytes;    /* memory span */
  ptrdiff_t first; /* byte offset of pixel (0, ..., 0) in the span */
} layout;

/* A dense layout of pixel size `pix` whose fastest axis is perm[0]; axes in
 * `flip` run backwards (negative strides). */
static layout make_layout(unsigned dim, const uint64_t *size, const unsigned *perm,
                          unsigned flip, size_t pix) {
  layout l;
  ptrdiff_t step = (ptrdiff_t)pix;
  memset(&l, 0, sizeof l);
  l.dim = dim;
  for (unsigned i = 0; i < dim; ++i) l.size[i] = size[i];
  for (unsigned i = 0; i < dim; ++i) {
    unsigned ax = perm[i];
    l.strides[ax] = step;
    step *= (ptrdiff_t)size[ax];
  }
  l.bytes = (size_t)step;
  for (unsigned i = 0; i < dim; ++i)
    if (flip & (1u << i)) {
      l.first += l.strides[i] * (ptrdiff_t)(size[i] - 1);
      l.strides[i] = -l.strides[i];
    }
  return l;
}

/* Byte offset of the pixel with x-fastest index `lin`. */
static ptrdiff_t offset_of(const layout *l, uint64_t lin) {
  ptrdiff_t off = l->first;
  for (unsigned i = 0; i < l->dim; ++i) {
    off += (ptrdiff_t)(lin % l->size[i]) * l->strides[i];
    lin /= l->size[i];
  }
  return off;
}

static uint64_t count_of(const layout *l) {
  uint64_t n = 1;
  for (unsigned i = 0; i < l->dim; ++i) n *= l->size[i];
  return n;
}

static ndw_image *wrap(ndw_pixel_type type, unsigned comps, const layout *l, char *mem) {
  ndw_image *im = NULL;
  CHECK_OK(ndw_image_new(type, l->dim, comps > 1, &im));
  if (im == NULL) return NULL;
  if (comps > 1) CHECK_OK(ndw_image_set_components(im, comps));
  CHECK_OK(ndw_image_set_regions(im, NULL, l->size));
  CHECK_OK(ndw_image_wrap(im, mem + l->first, l->strides, 0, 0, NULL, NULL));
  return im;
}

static void fill(const layout *l, char *mem, size_t pix) {
  uint64_t n = count_of(l);
  for (uint64_t lin = 0; lin < n; ++lin) {
    unsigned char *p = (unsigned char *)mem + offset_of(l, lin);
    for (size_t b = 0; b < pix; ++b) p[b] = pixel_byte(lin, b);
  }
}

static int holds(const layout *l, const char *mem, size_t pix) {
  uint64_t n = count_of(l);
  for (uint64_t lin = 0; lin < n; ++lin) {
    const unsigned char *p = (const unsigned char *)mem + offset_of(l, lin);
    for (size_t b = 0; b < pix; ++b)
      if (p[b] != pixel_byte(lin, b)) return 0;
  }
  return 1;
}

/* One case: a source in layout (perm, flip) copied to contiguous memory, from
 * contiguous memory into that layout, and into a second layout (the reversed
 * permutation, unflipped), through `dst_shift` bytes of misalignment. */
static int check_case(ndw_pixel_type type, unsigned comps, size_t itemsize, unsigned dim,
                      const uint64_t *size, const unsigned *perm, unsigned flip,
                      size_t dst_shift) {
  size_t pix = itemsize * comps;
  unsigned rev[4], id[4];
  for (unsigned i = 0; i < dim; ++i) {
    rev[i] = perm[dim - 1 - i];
    id[i] = i;
  }
  layout ls = make_layout(dim, size, perm, flip, pix);
  layout lc = make_layout(dim, size, id, 0, pix);
  layout lr = make_layout(dim, size, rev, 0, pix);
  char *src = malloc(ls.bytes), *con = malloc(lc.bytes + dst_shift);
  char *oth = malloc(lr.bytes + dst_shift);
  int ok = 0;
  if (src == NULL || con == NULL || oth == NULL) goto done;
  fill(&ls, src, pix);
  ndw_image *is = wrap(type, comps, &ls, src);
  ndw_image *ir = wrap(type, comps, &lr, oth + dst_shift);
  if (is == NULL || ir == NULL) goto done_images;
  /* strided -> contiguous */
  memset(con, 0xA5, lc.bytes + dst_shift);
  CHECK_OK(ndw_image_copy_to_contiguous(is, con + dst_shift));
  ok = holds(&lc, con + dst_shift, pix);
  /* contiguous -> strided (source layout) */
  memset(src, 0x5A, ls.bytes);
  CHECK_OK(ndw_image_copy_from_contiguous(is, con + dst_shift));
  ok &= holds(&ls, src, pix);
  /* strided -> strided (another permutation) */
  memset(oth, 0xC3, lr.bytes + dst_shift);
  CHECK_OK(ndw_image_copy_pixels(ir, is));
  ok &= holds(&lr, oth + dst_shift, pix);
done_images:
  ndw_image_free(is);
  ndw_image_free(ir);
done:
  free(src);
  free(con);
  free(oth);
  return ok;
}

/* Every permutation of 0..dim-1 in turn (Heap's algorithm, iterative). */
static unsigned permutations(unsigned dim, unsigned out[][4]) {
  unsigned a[4] = {0, 1, 2, 3}, c[4] = {0, 0, 0, 0}, n = 0, i = 1;
  memcpy(out[n++], a, sizeof a);
  while (i < dim) {
    if (c[i] < i) {
      unsigned j = i % 2 == 0 ? 0 : c[i], t = a[j];
      a[j] = a[i];
      a[i] = t;
      memcpy(out[n++], a, sizeof a);
      ++c[i];
      i = 1;
    } else {
      c[i] = 0;
      ++i;
    }
  }
  return n;
}

typedef struct pixel_kind {
  ndw_pixel_type type;
  unsigned comps;
  size_t itemsize;
} pixel_kind;

static const pixel_kind kinds[] = {
    {NDW_PIXEL_UC, 1, 1},  {NDW_PIXEL_SS, 1, 2},  {NDW_PIXEL_F, 1, 4},   {NDW_PIXEL_D, 1, 8},
    {NDW_PIXEL_CD, 1, 16}, {NDW_PIXEL_UC, 3, 1},  {NDW_PIXEL_UC, 5, 1},  {NDW_PIXEL_UC, 6, 1},
    {NDW_PIXEL_UC, 7, 1},  {NDW_PIXEL_UC, 9, 1},  {NDW_PIXEL_UC, 10, 1}, {NDW_PIXEL_UC, 11, 1},
    {NDW_PIXEL_UC, 13, 1}, {NDW_PIXEL_UC, 14, 1}, {NDW_PIXEL_UC, 15, 1}, {NDW_PIXEL_F, 3, 4},
    {NDW_PIXEL_F, 2, 4},   {NDW_PIXEL_D, 2, 8},   {NDW_PIXEL_F, 5, 4},   {NDW_PIXEL_SS, 16, 2},
    {NDW_PIXEL_D, 5, 8}, /* 40 bytes: above the tiled sizes */
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static void sweep(unsigned dim, const uint64_t *size) {
  unsigned perms[24][4];
  unsigned np = permutations(dim, perms);
  int ok = 1;
  for (size_t k = 0; k < NKINDS; ++k)
    for (unsigned p = 0; p < np; ++p)
      for (unsigned flip = 0; flip < 2; ++flip) {
        /* flip 1: every other axis reversed, starting with the first */
        unsigned mask = flip ? 0x5u : 0u;
        int one = check_case(kinds[k].type, kinds[k].comps, kinds[k].itemsize, dim, size,
                             perms[p], mask, (size_t)(p % 3));
        if (!one)
          fprintf(stderr, "  copy mismatch: dim %u, pixel %zu bytes, perm %u%u%u%u, flip %x\n",
                  dim, kinds[k].itemsize * kinds[k].comps, perms[p][0], perms[p][1],
                  perms[p][2], perms[p][3], mask);
        ok &= one;
      }
  CHECK(ok);
}

NDW_TEST(copy_permutations_2d) {
  sweep(2, (const uint64_t[]){17, 33});
  sweep(2, (const uint64_t[]){1, 15});
  sweep(2, (const uint64_t[]){4, 4});
  /* tile tails: 64 rows along the destination's axis, up to 1 KiB runs */
  sweep(2, (const uint64_t[]){300, 70});
  sweep(2, (const uint64_t[]){65, 1030});
}

NDW_TEST(copy_permutations_3d) {
  sweep(3, (const uint64_t[]){15, 17, 33});
  sweep(3, (const uint64_t[]){5, 1, 70});
  sweep(3, (const uint64_t[]){70, 3, 260});
}

NDW_TEST(copy_permutations_4d) {
  sweep(4, (const uint64_t[]){3, 5, 7, 9});
  sweep(4, (const uint64_t[]){17, 2, 1, 33});
}

/* Copies of 8 MiB and more use non-temporal stores: transposes of 1-, 2-,
 * 4-, 5-, 8-, 12- and 16-byte pixels at aligned and unaligned destinations
 * and row strides. */
NDW_TEST(copy_transpose_streaming) {
  static const struct {
    pixel_kind kind;
    uint64_t size[2];
  } cases[] = {
      {{NDW_PIXEL_F, 1, 4}, {1500, 1501}},   /* 16-byte aligned destination rows */
      {{NDW_PIXEL_F, 1, 4}, {1501, 1500}},   /* rows 6004 bytes apart: staged */
      {{NDW_PIXEL_D, 1, 8}, {1100, 1030}},
      {{NDW_PIXEL_D, 1, 8}, {1101, 1030}},
      {{NDW_PIXEL_F, 3, 4}, {1001, 999}},
      {{NDW_PIXEL_UC, 1, 1}, {3001, 2900}},
      {{NDW_PIXEL_SS, 1, 2}, {2048, 2100}},
      {{NDW_PIXEL_CD, 1, 16}, {801, 700}},
      {{NDW_PIXEL_UC, 5, 1}, {1400, 1300}}, /* 5-byte pixels: the generic gather */
  };
  const unsigned perm[2] = {1, 0};
  int ok = 1;
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c)
    for (size_t shift = 0; shift < 8; shift += 4) {
      int one = check_case(cases[c].kind.type, cases[c].kind.comps, cases[c].kind.itemsize, 2,
                           cases[c].size, perm, (unsigned)shift / 4, shift);
      if (!one) fprintf(stderr, "  streaming copy mismatch: case %zu, shift %zu\n", c, shift);
      ok &= one;
    }
  CHECK(ok);
}

/* Allocated buffers of 64 KiB and more start on a cache line, so a
 * transposing copy into a new image whose rows are whole lines streams
 * straight into it (no staging): check that path's pixels. */
NDW_TEST(copy_transpose_into_allocated_image) {
  static const struct {
    pixel_kind kind;
    uint64_t size[2];
  } cases[] = {
      {{NDW_PIXEL_F, 1, 4}, {2048, 1100}},  /* 4 rows at a time */
      {{NDW_PIXEL_D, 1, 8}, {1024, 1100}},  /* 2 rows */
      {{NDW_PIXEL_F, 3, 4}, {1024, 700}},   /* 1 row of 12-byte pixels */
      {{NDW_PIXEL_UC, 1, 1}, {4096, 2100}}, /* staged: 16 rows at a time */
  };
  const unsigned perm[2] = {1, 0}, id[2] = {0, 1};
  int ok = 1;
  ndw_image *small = NULL;
  CHECK_OK(ndw_image_new(NDW_PIXEL_UC, 2, 0, &small));
  CHECK_OK(ndw_image_set_regions(small, NULL, (const uint64_t[]){3, 5}));
  CHECK_OK(ndw_image_allocate(small, 1));
  CHECK(ndw_image_buffer(small) != NULL && ((const unsigned char *)ndw_image_buffer(small))[14] == 0);
  ndw_image_free(small);
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; ++c) {
    const pixel_kind *k = &cases[c].kind;
    size_t pix = k->itemsize * k->comps;
    layout ls = make_layout(2, cases[c].size, perm, 0, pix);
    layout lc = make_layout(2, cases[c].size, id, 0, pix);
    char *src = malloc(ls.bytes);
    ndw_image *view = NULL, *img = NULL;
    if (src == NULL) {
      CHECK(src != NULL);
      continue;
    }
    fill(&ls, src, pix);
    view = wrap(k->type, k->comps, &ls, src);
    CHECK_OK(ndw_image_new(k->type, 2, k->comps > 1, &img));
    if (view != NULL && img != NULL) {
      if (k->comps > 1) CHECK_OK(ndw_image_set_components(img, k->comps));
      CHECK_OK(ndw_image_set_regions(img, NULL, cases[c].size));
      CHECK_OK(ndw_image_allocate(img, 0));
      CHECK(((uintptr_t)ndw_image_buffer(img) & 63) == 0);
      CHECK_OK(ndw_image_copy_pixels(img, view));
      int one = holds(&lc, ndw_image_buffer(img), pix);
      if (!one) fprintf(stderr, "  copy into an allocated image: case %zu differs\n", c);
      ok &= one;
    }
    ndw_image_free(view);
    ndw_image_free(img);
    free(src);
  }
  CHECK(ok);
}
