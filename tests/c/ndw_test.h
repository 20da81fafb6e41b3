/* A tiny test harness: NDW_TEST(name) defines a case; the runner finds
 * cases through a linker-independent registry built by constructors. */
#ifndef NDW_TEST_H
#define NDW_TEST_H

#include <stdio.h>
#include <stdlib.h>

typedef void (*ndw_test_fn)(void);
void ndw_test_register(const char *name, ndw_test_fn fn);
extern int ndw_test_failures;

#define NDW_TEST(name)                                                          \
  static void ndw_test_##name(void);                                            \
  __attribute__((constructor)) static void ndw_test_reg_##name(void) {          \
    ndw_test_register(#name, ndw_test_##name);                                  \
  }                                                                             \
  static void ndw_test_##name(void)

#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);  \
      ndw_test_failures++;                                                      \
    }                                                                           \
  } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, NDW_OK)
#define CHECK_STATUS(expr, want)                                                \
  do {                                                                          \
    ndw_status st_ = (expr);                                                    \
    if (st_ != (want)) {                                                        \
      fprintf(stderr, "%s:%d: %s returned %s, want %s (%s)\n", __FILE__,        \
              __LINE__, #expr, ndw_status_name(st_), ndw_status_name(want),     \
              ndw_last_error());                                                \
      ndw_test_failures++;                                                      \
    }                                                                           \
  } while (0)

#endif
