/* BridgeNDImage filters: the generic_filter kernels.
 *
 * SciPy calls a filter once per output point, with the footprint's values
 * just written into `buffer` by 8-byte stores.  The reductions therefore read
 * it with scalar loads and keep two independent accumulators (wide loads of
 * freshly stored doubles stall on store-to-load forwarding; this file is
 * compiled without auto-vectorization, see CMakeLists.txt).
 *
 * NaN anywhere in the footprint gives NaN, as NumPy's reductions: the
 * minimum/maximum loops detect it through a running sum (one add per
 * value), and look closer only when that sum is NaN.
 */
#include <math.h>

#include "ndimage_private.h"

#define NDW_EMPTY(name)                                                                  \
  ndw_ndimage_fail(NDW_E_INVALID, "%s: empty footprint (filter_size %td)", name, (ptrdiff_t)n)

static int ndw_has_nan(const double *b, intptr_t n) {
  for (intptr_t i = 0; i < n; ++i)
    if (isnan(b[i])) return 1;
  return 0;
}

static double ndw_sum(const double *b, intptr_t n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  intptr_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += b[i];
    s1 += b[i + 1];
    s2 += b[i + 2];
    s3 += b[i + 3];
  }
  for (; i < n; ++i) s0 += b[i];
  return (s0 + s1) + (s2 + s3);
}

int ndw_ndimage_mean(double *b, intptr_t n, double *result, void *user_data) {
  (void)user_data;
  if (n < 1) return NDW_EMPTY("mean");
  *result = ndw_sum(b, n) / (double)n;
  return 1;
}

/* Smallest and largest value; *nan when a NaN is among them. */
static double ndw_min(const double *b, intptr_t n, int *nan) {
  double m0 = b[0], m1 = b[0], s0 = 0, s1 = 0;
  intptr_t i = 0;
  for (; i + 2 <= n; i += 2) {
    double a0 = b[i], a1 = b[i + 1];
    m0 = a0 < m0 ? a0 : m0;
    m1 = a1 < m1 ? a1 : m1;
    s0 += a0;
    s1 += a1;
  }
  if (i < n) {
    m0 = b[i] < m0 ? b[i] : m0;
    s0 += b[i];
  }
  *nan = isnan(s0 + s1) && ndw_has_nan(b, n); /* the sum is NaN for +inf + -inf too */
  return m1 < m0 ? m1 : m0;
}

static double ndw_max(const double *b, intptr_t n, int *nan) {
  double m0 = b[0], m1 = b[0], s0 = 0, s1 = 0;
  intptr_t i = 0;
  for (; i + 2 <= n; i += 2) {
    double a0 = b[i], a1 = b[i + 1];
    m0 = a0 > m0 ? a0 : m0;
    m1 = a1 > m1 ? a1 : m1;
    s0 += a0;
    s1 += a1;
  }
  if (i < n) {
    m0 = b[i] > m0 ? b[i] : m0;
    s0 += b[i];
  }
  *nan = isnan(s0 + s1) && ndw_has_nan(b, n);
  return m1 > m0 ? m1 : m0;
}

int ndw_ndimage_minimum(double *b, intptr_t n, double *result, void *user_data) {
  int nan;
  (void)user_data;
  if (n < 1) return NDW_EMPTY("minimum");
  double m = ndw_min(b, n, &nan);
  *result = nan ? NAN : m;
  return 1;
}

int ndw_ndimage_maximum(double *b, intptr_t n, double *result, void *user_data) {
  int nan;
  (void)user_data;
  if (n < 1) return NDW_EMPTY("maximum");
  double m = ndw_max(b, n, &nan);
  *result = nan ? NAN : m;
  return 1;
}

int ndw_ndimage_value_range(double *b, intptr_t n, double *result, void *user_data) {
  double lo = b[0], hi = b[0], s0 = 0, s1 = 0;
  intptr_t i = 0;
  (void)user_data;
  if (n < 1) return NDW_EMPTY("value_range");
  for (; i + 2 <= n; i += 2) {
    double a0 = b[i], a1 = b[i + 1];
    lo = a0 < lo ? a0 : lo;
    hi = a0 > hi ? a0 : hi;
    lo = a1 < lo ? a1 : lo;
    hi = a1 > hi ? a1 : hi;
    s0 += a0;
    s1 += a1;
  }
  if (i < n) {
    lo = b[i] < lo ? b[i] : lo;
    hi = b[i] > hi ? b[i] : hi;
    s0 += b[i];
  }
  *result = isnan(s0 + s1) && ndw_has_nan(b, n) ? NAN : hi - lo;
  return 1;
}

/* One pass over values shifted by K = b[0]: var = (q - s^2/n) / n with
 * s = sum(x - K), q = sum((x - K)^2).  K is one of the values, so
 * (mean - K)^2 <= n var and the cancellation costs at most a factor n + 1 of
 * rounding error (about 6e-15 relative for 27 values); two passes would be
 * exact too but 1.5x slower here. */
int ndw_ndimage_variance(double *b, intptr_t n, double *result, void *user_data) {
  double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
  intptr_t i = 0;
  (void)user_data;
  if (n < 1) return NDW_EMPTY("variance");
  const double k = b[0];
  for (; i + 2 <= n; i += 2) {
    const double d0 = b[i] - k, d1 = b[i + 1] - k;
    s0 += d0;
    s1 += d1;
    q0 += d0 * d0;
    q1 += d1 * d1;
  }
  if (i < n) {
    const double d0 = b[i] - k;
    s0 += d0;
    q0 += d0 * d0;
  }
  const double s = s0 + s1, v = ((q0 + q1) - s * s / (double)n) / (double)n;
  *result = v < 0 ? 0 : v; /* rounding of a near-constant footprint */
  return 1;
}

int ndw_ndimage_count_above(double *b, intptr_t n, double *result, void *user_data) {
  const ndw_ndimage_params *p = user_data;
  intptr_t c0 = 0, c1 = 0, i = 0; /* integer adds of the comparison: gcc -O3 turns the
                                      `x > t ? 1.0 : 0.0` form into a data-dependent branch */
  /* the common case inline (this runs once per pixel); the exported check
   * for the messages */
  if (p == NULL || p->magic != NDW_NDIMAGE_MAGIC || p->kernel->filter != ndw_ndimage_count_above)
    p = ndw_ndimage_filter_params(user_data, ndw_ndimage_count_above, "count_above");
  if (p == NULL) return 0;
  if (n < 1) return NDW_EMPTY("count_above");
  const double t = p->values[0];
  for (; i + 2 <= n; i += 2) {
    c0 += b[i] > t;
    c1 += b[i + 1] > t;
  }
  if (i < n) c0 += b[i] > t;
  *result = (double)(c0 + c1);
  return 1;
}

/* ---- median: a branch-free quickselect ----------------------------------------
 * Lomuto partitions written without data-dependent branches (the compare
 * result moves the boundary), a median-of-three pivot, and a heap sort of
 * what is left once the rounds exceed 2 log2(n) + 4: O(n) expected, O(n log n)
 * at worst, never unbounded.  Values are NaN-free here. */

static void ndw_sort2(double *a, double *b) {
  double x = *a, y = *b;
  *a = y < x ? y : x;
  *b = y < x ? x : y;
}

static void ndw_sift_down(double *a, intptr_t start, intptr_t end) {
  intptr_t root = start;
  while (2 * root + 1 <= end) {
    intptr_t child = 2 * root + 1, swap = root;
    if (a[swap] < a[child]) swap = child;
    if (child + 1 <= end && a[swap] < a[child + 1]) swap = child + 1;
    if (swap == root) return;
    double t = a[root];
    a[root] = a[swap];
    a[swap] = t;
    root = swap;
  }
}

static void ndw_heap_sort(double *a, intptr_t n) {
  if (n < 2) return;
  for (intptr_t start = (n - 2) / 2; start >= 0; --start) ndw_sift_down(a, start, n - 1);
  for (intptr_t end = n - 1; end > 0; --end) {
    double t = a[0];
    a[0] = a[end];
    a[end] = t;
    ndw_sift_down(a, 0, end - 1);
  }
}

/* The k-th smallest of a[0..n); afterwards a[i] <= a[k] <= a[j] for i < k < j. */
static double ndw_select(double *a, intptr_t n, intptr_t k) {
  intptr_t lo = 0, hi = n - 1;
  int budget = 4;
  for (intptr_t m = n; m > 1; m >>= 1) budget += 2;
  while (hi - lo > 2) {
    if (budget-- == 0) {
      ndw_heap_sort(a + lo, hi - lo + 1);
      return a[k];
    }
    intptr_t mid = lo + (hi - lo) / 2;
    ndw_sort2(&a[lo], &a[mid]);
    ndw_sort2(&a[mid], &a[hi]);
    ndw_sort2(&a[lo], &a[mid]);
    /* a[lo] <= pivot <= a[hi]: put the pivot last, partition a[lo..hi) */
    const double pivot = a[mid];
    a[mid] = a[hi];
    a[hi] = pivot;
    intptr_t i = lo;
    for (intptr_t j = lo; j < hi; ++j) {
      const double v = a[j];
      const intptr_t smaller = v < pivot;
      a[j] = a[i];
      a[i] = v;
      i += smaller;
    }
    a[hi] = a[i];
    a[i] = pivot;
    if (k == i) return pivot;
    if (k < i)
      hi = i - 1;
    else
      lo = i + 1;
  }
  if (hi - lo >= 1) {
    ndw_sort2(&a[lo], &a[lo + 1]);
    if (hi - lo == 2) {
      ndw_sort2(&a[lo + 1], &a[hi]);
      ndw_sort2(&a[lo], &a[lo + 1]);
    }
  }
  return a[k];
}

int ndw_ndimage_median(double *b, intptr_t n, double *result, void *user_data) {
  (void)user_data;
  if (n < 1) return NDW_EMPTY("median");
  if (ndw_has_nan(b, n)) {
    *result = NAN;
    return 1;
  }
  const intptr_t k = (n - 1) / 2;
  const double lower = ndw_select(b, n, k);
  if (n % 2) {
    *result = lower;
  } else { /* the upper middle is the smallest value above position k */
    double upper = b[k + 1];
    for (intptr_t i = k + 2; i < n; ++i) upper = b[i] < upper ? b[i] : upper;
    *result = (lower + upper) / 2;
  }
  return 1;
}
