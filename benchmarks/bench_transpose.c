/* Transposing copies against memcpy of the same bytes, in one process.
 *
 *   cc -O2 -I<ndwrap include dirs> benchmarks/bench_transpose.c -lndwrap -o bench_transpose
 *   ./bench_transpose [edge=256] [rounds=7] [components=1] [pixel=F|UC|SS|D]
 *
 * Rows (median of interleaved rounds, and the ratio to the floor):
 *   memcpy, fresh dst     malloc (+ MADV_HUGEPAGE from 4 MiB, as an image's
 *                         Allocate) + memcpy + free: the floor of a copy into
 *                         new memory (what np.copyto(np.empty_like(a), a) does)
 *   memcpy, warm dst      into memory already touched
 *   x<->z, fresh dst      Allocate a new image, copy_pixels from a view of the
 *                         source whose fastest axis is z (keep_axes import)
 *   x<->z, warm dst       the same copy into an allocated, touched image
 *   y<->x, warm dst       a 2-axis swap (axes="YXZ")
 *   populate + x<->z      the fresh-dst copy after madvise(MADV_POPULATE_WRITE)
 *                         of the new image's buffer (all pages faulted and zeroed
 *                         in address order first); Linux >= 5.14 only
 *   pattern, fresh/warm   the lower bound of the kernel's memory traffic: the
 *                         same tiles in the same order (ta source runs of 1 KiB
 *                         into an L2 buffer with the next tile prefetched, then
 *                         tb destination rows of ta pixels, non-temporal from
 *                         8 MiB as in the library), but each destination row
 *                         is copied from a contiguous piece of the buffer: no
 *                         data rearrangement, so the output is not a transpose
 *   src tiles, dst seq    the same source reads, the destination written
 *                         sequentially (what is left with scattered reads only)
 * Figures are for information only (benchmarks/ is never pass/fail). */
#define _DEFAULT_SOURCE
#include <ndw/image.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void *alloc_like_image(size_t n) {
  void *p = malloc(n);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (p != NULL && n >= ((size_t)4 << 20)) {
    uintptr_t s = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (e > s) (void)madvise((void *)s, e - s, MADV_HUGEPAGE);
  }
#endif
  return p;
}

static void *volatile sink; /* keeps the fresh copy from being optimised away */

/* Fault and zero every page of p[0, n) in address order; 0 when unsupported. */
static int populate(void *p, size_t n) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  uintptr_t s = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
  uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)4095;
  return e > s && madvise((void *)s, e - s, MADV_POPULATE_WRITE) == 0;
#else
  (void)p;
  (void)n;
  return 0;
#endif
}

/* Store n bytes (a multiple of 16 when streaming) from `from` to `to`. */
static void store(char *to, const char *from, size_t n, int stream) {
#if defined(__SSE2__)
  if (stream && ((uintptr_t)to & 15) == 0 && n % 16 == 0) {
    for (size_t k = 0; k < n; k += 16)
      _mm_stream_si128((__m128i *)(void *)(to + k),
                       _mm_loadu_si128((const __m128i *)(const void *)(from + k)));
    return;
  }
#endif
  (void)stream;
  memcpy(to, from, n);
}

/* The x<->z copy's memory access pattern without the transpose (see the
 * header): dst gets the source's bytes in the kernel's tile order. */
static void pattern(char *dst, const char *src, uint64_t n, size_t pix, char *buf, int dst_seq) {
  /* the library's tile (image.c, ndw_copy_strided): 64 pixels and at least
   * 256 bytes along the destination's fast axis, 1 KiB of source run */
  uint64_t ta = pix * 64 >= 256 ? 64 : 256 / pix, tb = 1024 / pix > 0 ? 1024 / pix : 1;
  if (ta > n) ta = n;
  if (tb > n) tb = n;
  const size_t pitch = ((tb * pix + 63) / 64 * 64) | 64; /* an odd number of lines */
  const ptrdiff_t sx = (ptrdiff_t)(n * n * pix), sy = (ptrdiff_t)(n * pix);
  const int stream = n * n * n * pix >= ((size_t)8 << 20);
  char *seq = dst;
  for (uint64_t y = 0; y < n; ++y)
    for (uint64_t j0 = 0; j0 < n; j0 += tb)
      for (uint64_t i0 = 0; i0 < n; i0 += ta) {
        uint64_t na = n - i0 < ta ? n - i0 : ta, nb = n - j0 < tb ? n - j0 : tb;
        const char *b = src + (ptrdiff_t)y * sy + (ptrdiff_t)(j0 * pix) + (ptrdiff_t)i0 * sx;
        const char *pf = i0 + ta < n ? b + (ptrdiff_t)ta * sx
                         : j0 + tb < n ? src + (ptrdiff_t)y * sy + (ptrdiff_t)((j0 + tb) * pix)
                         : y + 1 < n ? src + (ptrdiff_t)(y + 1) * sy : NULL;
        for (uint64_t r = 0; r < na; ++r) {
#if defined(__GNUC__)
          if (pf != NULL)
            for (uint64_t c = 0; c < nb * pix; c += 64)
              __builtin_prefetch(pf + (ptrdiff_t)r * sx + (ptrdiff_t)c, 0, 3);
#endif
          memcpy(buf + r * pitch, b + (ptrdiff_t)r * sx, nb * pix);
        }
        for (uint64_t j = 0; j < nb; ++j) {
          char *d = dst_seq ? seq : dst + (ptrdiff_t)((j0 + j) * n * n * pix) + (ptrdiff_t)y * sy +
                                        (ptrdiff_t)(i0 * pix);
          /* na * pix contiguous buffer bytes from a row chosen by j (kept
           * inside the tile's na * pitch bytes) */
          size_t off = (size_t)(j % na) * pitch;
          if (off > na * pitch - na * pix) off = na * pitch - na * pix;
          store(d, buf + off, na * pix, stream);
          seq += na * pix;
        }
      }
#if defined(__SSE2__)
  if (stream) _mm_sfence();
#endif
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#define NROWS 9
#define MAXR 64

int main(int argc, char **argv) {
  uint64_t n = argc > 1 ? (uint64_t)atoi(argv[1]) : 256;
  int rounds = argc > 2 ? atoi(argv[2]) : 7;
  unsigned comps = argc > 3 ? (unsigned)atoi(argv[3]) : 1;
  const char *code = argc > 4 ? argv[4] : "F";
  ndw_pixel_type type = NDW_PIXEL_F;
  size_t item = 4;
  if (strcmp(code, "UC") == 0) type = NDW_PIXEL_UC, item = 1;
  else if (strcmp(code, "SS") == 0) type = NDW_PIXEL_SS, item = 2;
  else if (strcmp(code, "D") == 0) type = NDW_PIXEL_D, item = 8;
  else if (strcmp(code, "F") != 0) return 2;
  if (rounds < 1 || rounds > MAXR || comps < 1 || n < 1) return 2;
  const uint64_t size[3] = {n, n, n};
  const ptrdiff_t pix = (ptrdiff_t)(item * comps);
  const size_t bytes = (size_t)(n * n * n) * (size_t)pix;
  /* source: the same region, z fastest (an array in X, Y, Z order) */
  const ptrdiff_t s_xyz[3] = {pix * (ptrdiff_t)(n * n), pix * (ptrdiff_t)n, pix};
  const ptrdiff_t s_yxz[3] = {pix * (ptrdiff_t)n, pix, pix * (ptrdiff_t)(n * n)};
  char *src = alloc_like_image(bytes), *warm = alloc_like_image(bytes);
  char *tilebuf = calloc(1, (size_t)2 << 20);
  ndw_image *view = NULL, *view2 = NULL, *dst = NULL;
  double t[NROWS][MAXR];
  static const char *names[NROWS] = {"memcpy, fresh dst", "memcpy, warm dst",
                                     "x<->z transpose, fresh dst", "x<->z transpose, warm dst",
                                     "x<->y swap, warm dst", "populate + x<->z, fresh dst",
                                     "pattern alone, fresh dst", "pattern alone, warm dst",
                                     "src tiles, dst seq, warm dst"};
  int populated = 1;
  if (src == NULL || warm == NULL || tilebuf == NULL) return 1;
  for (size_t i = 0; i < bytes; ++i) src[i] = (char)(i * 7 + (i >> 12));
  memset(warm, 0, bytes);
  if (ndw_image_new(type, 3, comps > 1, &view) != NDW_OK ||
      ndw_image_new(type, 3, comps > 1, &view2) != NDW_OK ||
      ndw_image_new(type, 3, comps > 1, &dst) != NDW_OK)
    return 1;
  ndw_image *all[3] = {view, view2, dst};
  for (int i = 0; i < 3; ++i) {
    if (comps > 1) ndw_image_set_components(all[i], comps);
    ndw_image_set_regions(all[i], NULL, size);
  }
  if (ndw_image_wrap(view, src, s_xyz, 0, 1, NULL, NULL) != NDW_OK ||
      ndw_image_wrap(view2, src, s_yxz, 0, 1, NULL, NULL) != NDW_OK ||
      ndw_image_allocate(dst, 0) != NDW_OK)
    return 1;
  memset(ndw_image_buffer(dst), 0, bytes);
  for (int r = 0; r < rounds; ++r) {
    double t0 = now();
    char *fresh = alloc_like_image(bytes);
    if (fresh == NULL) return 1;
    memcpy(fresh, src, bytes);
    sink = fresh;
    free(sink);
    double t1 = now();
    memcpy(warm, src, bytes);
    double t2 = now();
    ndw_image *img = NULL;
    ndw_image_new(type, 3, comps > 1, &img);
    if (comps > 1) ndw_image_set_components(img, comps);
    ndw_image_set_regions(img, NULL, size);
    ndw_image_allocate(img, 0);
    ndw_image_copy_pixels(img, view);
    ndw_image_free(img);
    double t3 = now();
    ndw_image_copy_pixels(dst, view);
    double t4 = now();
    ndw_image_copy_pixels(dst, view2);
    double t5 = now();
    img = NULL;
    ndw_image_new(type, 3, comps > 1, &img);
    if (comps > 1) ndw_image_set_components(img, comps);
    ndw_image_set_regions(img, NULL, size);
    ndw_image_allocate(img, 0);
    populated &= populate(ndw_image_buffer(img), bytes);
    ndw_image_copy_pixels(img, view);
    ndw_image_free(img);
    double t6 = now();
    fresh = alloc_like_image(bytes);
    if (fresh == NULL) return 1;
    pattern(fresh, src, n, (size_t)pix, tilebuf, 0);
    sink = fresh;
    free(sink);
    double t7 = now();
    pattern(warm, src, n, (size_t)pix, tilebuf, 0);
    double t8 = now();
    pattern(warm, src, n, (size_t)pix, tilebuf, 1);
    double t9 = now();
    t[5][r] = t6 - t5;
    t[6][r] = t7 - t6;
    t[7][r] = t8 - t7;
    t[8][r] = t9 - t8;
    t[0][r] = t1 - t0;
    t[1][r] = t2 - t1;
    t[2][r] = t3 - t2;
    t[3][r] = t4 - t3;
    t[4][r] = t5 - t4;
  }
  printf("%s %llu^3, %u component(s), %.0f MiB, %d rounds\n", code, (unsigned long long)n, comps,
         (double)bytes / (1 << 20), rounds);
  double med[NROWS];
  for (int k = 0; k < NROWS; ++k) {
    qsort(t[k], (size_t)rounds, sizeof(double), cmp);
    med[k] = t[k][rounds / 2];
  }
  for (int k = 0; k < NROWS; ++k) {
    double floor = k == 0 || k == 2 || k == 5 || k == 6 ? med[0] : med[1];
    if (k == 5 && !populated) continue;
    printf("%-28s %9.3f ms  (min %9.3f)  %5.2fx its memcpy\n", names[k], med[k] * 1e3,
           t[k][0] * 1e3, med[k] / floor);
  }
  ndw_image_free(view);
  ndw_image_free(view2);
  ndw_image_free(dst);
  free(src);
  free(warm);
  free(tilebuf);
  return 0;
}
