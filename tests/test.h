/* A minimal test harness: CHECK records a failure and goes on; SKIP records a
 * part not checked here (no GPU, no 10-bit encoder, no font) on a counted
 * "SKIP:" line; a test program returns test_result(): 0 pass, 1 fail, 77 skip
 * (meson's code) when nothing was checked and something was skipped. */
#ifndef OVNI_TESTS_TEST_H
#define OVNI_TESTS_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "ovni/ovni.h"

static int test_failures;
static int test_checks;
static int test_skips;

/* A part of the test that cannot run here: one counted line, never a pass. */
#define SKIP(...)                                                                       \
    do {                                                                                \
        test_skips++;                                                                   \
        printf("SKIP: ");                                                               \
        printf(__VA_ARGS__);                                                            \
        putchar('\n');                                                                  \
        fflush(stdout);                                                                 \
    } while (0)

#define CHECK(cond)                                                                     \
    do {                                                                                \
        test_checks++;                                                                  \
        if (!(cond)) {                                                                  \
            test_failures++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

#define CHECK_MSG(cond, ...)                                                            \
    do {                                                                                \
        test_checks++;                                                                  \
        if (!(cond)) {                                                                  \
            test_failures++;                                                            \
            fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                               \
            fputc('\n', stderr);                                                        \
        }                                                                               \
    } while (0)

/* An ovni call that must succeed; prints the library's message if not. */
#define CHECK_OK(call)                                                                  \
    do {                                                                                \
        int check_ok_r_ = (call);                                                       \
        test_checks++;                                                                  \
        if (check_ok_r_ < 0) {                                                          \
            test_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s returned %d (%s): %s\n", __FILE__, __LINE__,     \
                    #call, check_ok_r_, ovni_strerror(check_ok_r_), ovni_last_error()); \
        }                                                                               \
    } while (0)

/* An ovni call that must fail with `code`, and name `word` in its message. */
#define CHECK_ERR(call, code, word)                                                     \
    do {                                                                                \
        int check_err_r_ = (call);                                                      \
        test_checks++;                                                                  \
        if (check_err_r_ != (code) || !strstr(ovni_last_error(), (word))) {             \
            test_failures++;                                                            \
            fprintf(stderr, "%s:%d: %s gave %d \"%s\", wanted %d naming \"%s\"\n",      \
                    __FILE__, __LINE__, #call, check_err_r_, ovni_last_error(),         \
                    (code), (word));                                                    \
        }                                                                               \
    } while (0)

static inline int test_result(const char *name)
{
    if (test_failures) {
        fprintf(stderr, "%s: FAIL (%d of %d checks)\n", name, test_failures, test_checks);
        return 1;
    }
    if (!test_checks && test_skips) {
        printf("%s: SKIP (nothing checked, %d parts skipped)\n", name, test_skips);
        return 77;
    }
    if (test_skips)
        printf("%s: PASS (%d checks; %d SKIP, see the SKIP lines)\n", name, test_checks, test_skips);
    else
        printf("%s: PASS (%d checks)\n", name, test_checks);
    return 0;
}

/* Deterministic pseudo-random numbers (xorshift64*), seeded per test. */
static uint64_t test_rng_state = 0x9E3779B97F4A7C15ull;
static inline void test_seed(uint64_t s) { test_rng_state = s ? s : 1; }
static inline uint32_t test_rand(void)
{
    test_rng_state ^= test_rng_state >> 12;
    test_rng_state ^= test_rng_state << 25;
    test_rng_state ^= test_rng_state >> 27;
    return (uint32_t)((test_rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}
static inline double test_uniform(double lo, double hi) { return lo + (hi - lo) * (test_rand() / 4294967296.0); }

/* Fills a host frame with random bytes (all planes, whole rows). */
static inline void test_fill_random(ovni_frame *f)
{
    int planes = ovni_format_planes(f->format);
    for (int p = 0; p < planes; p++) {
        int rows = p == 0 ? f->height : (f->height + 1) / 2;
        size_t bytes = p == 0 ? (size_t)f->width * ovni_format_pixel_bytes(f->format)
                              : (size_t)((f->width + 1) / 2) * 2 * ovni_format_pixel_bytes(f->format);
        for (int y = 0; y < rows; y++)
            for (size_t x = 0; x < bytes; x++) f->data[p][y * f->pitch[p] + x] = (uint8_t)test_rand();
    }
}

/* A new host frame on dev filled with random bytes (NULL, and a failed
 * check, if it cannot be made). */
static inline ovni_frame *test_new_random(ovni_device *dev, ovni_format fmt, int w, int h)
{
    ovni_frame *f = NULL;
    CHECK_OK(ovni_frame_new(dev, fmt, w, h, OVNI_MEMORY_HOST, &f));
    if (f) test_fill_random(f);
    return f;
}

#endif
