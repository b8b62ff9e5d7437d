/* Frames: layout contract, reference counts, pools, wrapping, copies, errors. */
#include <string.h>

#include "test.h"

static int released;
static void on_release(void *opaque) { released += *(int *)opaque; }

/* A pipeline's step: an NV12 and an RGB24 frame made, then released (the
 * RGB24 first when `reverse`). */
static void pipeline_step(ovni_device *dev, int reverse)
{
    ovni_frame *x = NULL, *y = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 320, 240, OVNI_MEMORY_HOST, &x));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 320, 240, OVNI_MEMORY_HOST, &y));
    ovni_frame_unref(reverse ? &y : &x);
    ovni_frame_unref(reverse ? &x : &y);
}

int main(void)
{
    ovni_device *dev = NULL;
    CHECK_OK(ovni_device_open(&dev, "cpu"));

    /* Layout: pitches aligned, planes present as the format says. */
    static const ovni_format fmts[] = {OVNI_FORMAT_NV12, OVNI_FORMAT_P010, OVNI_FORMAT_RGB24, OVNI_FORMAT_RGBA32,
                                       OVNI_FORMAT_GRAY8};
    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        ovni_frame *f = NULL;
        CHECK_OK(ovni_frame_new(dev, fmts[i], 37, 21, OVNI_MEMORY_HOST, &f));
        if (!f) continue;
        CHECK(f->width == 37 && f->height == 21 && f->format == fmts[i] && f->device == dev);
        CHECK(f->pitch[0] % OVNI_PITCH_ALIGN == 0 && f->pitch[0] >= 37u * ovni_format_pixel_bytes(fmts[i]));
        CHECK(((uintptr_t)f->data[0] % OVNI_PITCH_ALIGN) == 0);
        if (ovni_format_planes(fmts[i]) == 2) {
            CHECK(f->data[1] != NULL && f->pitch[1] % OVNI_PITCH_ALIGN == 0);
            CHECK(f->pitch[1] >= 19u * 2 * ovni_format_pixel_bytes(fmts[i]));
            /* plane 1 lies after plane 0 */
            CHECK(f->data[1] >= f->data[0] + f->pitch[0] * 21);
        } else {
            CHECK(f->data[1] == NULL);
        }
        /* Every byte of every row is writable (ASan checks). */
        memset(f->data[0], 1, f->pitch[0] * 21);
        ovni_frame_unref(&f);
        CHECK(f == NULL);
    }

    /* Reference counts: the buffer returns to the pool with the last ref. */
    ovni_device_stats s0, s1;
    ovni_frame *a = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 64, 32, OVNI_MEMORY_HOST, &a));
    ovni_device_get_stats(dev, &s0);
    CHECK(s0.frames_live == 1);
    ovni_frame *b = ovni_frame_ref(a);
    CHECK(b == a);
    ovni_frame_unref(&a);
    ovni_device_get_stats(dev, &s1);
    CHECK(s1.frames_live == 1);
    ovni_frame_unref(&b);
    ovni_device_get_stats(dev, &s1);
    CHECK(s1.frames_live == 0);

    /* Pools: after warm-up a steady pipeline allocates nothing. */
    ovni_device_stats warm, after;
    for (int n = 0; n < 3; n++) pipeline_step(dev, 0);
    ovni_device_get_stats(dev, &warm);
    for (int n = 0; n < 1000; n++) pipeline_step(dev, 1);
    ovni_device_get_stats(dev, &after);
    CHECK_MSG(after.host_allocs == warm.host_allocs, "pool allocated %llu buffers after warm-up",
              (unsigned long long)(after.host_allocs - warm.host_allocs));
    CHECK(warm.host_allocs >= 2);

    /* Distinct sizes do not share buffers. */
    ovni_frame *p = NULL, *q = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 320, 240, OVNI_MEMORY_HOST, &p));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 321, 240, OVNI_MEMORY_HOST, &q));
    CHECK(p && q && p->data[0] != q->data[0]);
    ovni_frame_unref(&p);
    ovni_frame_unref(&q);

    /* Wrapping caller memory: no alignment required, release called once. */
    uint8_t buf[7 * 5 * 3 + 16];
    uint8_t *planes[2] = {buf + 1, NULL};
    size_t pitches[2] = {7 * 3 + 2, 0};
    int one = 1;
    ovni_frame *w = NULL;
    CHECK_ERR(ovni_frame_wrap(dev, OVNI_FORMAT_RGB24, 7, 5, OVNI_MEMORY_HOST, planes, (size_t[2]){20, 0}, NULL, NULL, &w),
              OVNI_EINVAL, "pitch");
    /* P010's 16-bit samples: an odd start is refused by name */
    uint8_t *p010[2] = {buf + 1, buf + 2};
    CHECK_ERR(ovni_frame_wrap(dev, OVNI_FORMAT_P010, 2, 2, OVNI_MEMORY_HOST, p010, (size_t[2]){4, 4}, NULL, NULL, &w),
              OVNI_EINVAL, "2-byte");
    pitches[0] = 21;
    CHECK_OK(ovni_frame_wrap(dev, OVNI_FORMAT_RGB24, 7, 5, OVNI_MEMORY_HOST, planes, pitches, on_release, &one, &w));
    ovni_frame *w2 = ovni_frame_ref(w);
    ovni_frame_unref(&w);
    CHECK(released == 0);
    ovni_frame_unref(&w2);
    CHECK(released == 1);

    /* Copies: host to host, with metadata. */
    ovni_frame *src = NULL, *dst = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 33, 17, OVNI_MEMORY_HOST, &src));
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 33, 17, OVNI_MEMORY_HOST, &dst));
    test_fill_random(src);
    src->pts = 1234;
    src->time_base = (ovni_rational){1, 90000};
    src->matrix = OVNI_MATRIX_BT601;
    src->range = OVNI_RANGE_FULL;
    CHECK_OK(ovni_frame_copy(dst, src));
    int same = 1;
    for (int y = 0; y < 17; y++) same &= !memcmp(src->data[0] + y * src->pitch[0], dst->data[0] + y * dst->pitch[0], 33);
    for (int y = 0; y < 9; y++) same &= !memcmp(src->data[1] + y * src->pitch[1], dst->data[1] + y * dst->pitch[1], 34);
    CHECK(same);
    CHECK(dst->pts == 1234 && dst->time_base.den == 90000 && dst->matrix == OVNI_MATRIX_BT601 && dst->range == OVNI_RANGE_FULL);
    ovni_frame *other = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_NV12, 32, 17, OVNI_MEMORY_HOST, &other));
    CHECK_ERR(ovni_frame_copy(other, src), OVNI_EINVAL, "33x17");
    ovni_frame_unref(&other);
    ovni_frame_unref(&src);
    ovni_frame_unref(&dst);

    /* Bad requests: named errors, no frame. */
    ovni_frame *bad = NULL;
    CHECK_ERR(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 0, 10, OVNI_MEMORY_HOST, &bad), OVNI_EINVAL, "0x10");
    CHECK_ERR(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 10, 100000, OVNI_MEMORY_HOST, &bad), OVNI_EINVAL, "100000");
    CHECK_ERR(ovni_frame_new(dev, (ovni_format)42, 10, 10, OVNI_MEMORY_HOST, &bad), OVNI_EINVAL, "format");
    CHECK_ERR(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 10, 10, OVNI_MEMORY_DEVICE, &bad), OVNI_EINVAL, "CPU device");
    CHECK(bad == NULL);
    ovni_frame *h = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_RGB24, 4, 4, OVNI_MEMORY_HOST, &h));
    CHECK_ERR(ovni_frame_upload(h, &bad), OVNI_EINVAL, "CPU");
    ovni_frame_unref(&h);
    ovni_frame_unref(&bad); /* fine on NULL */

    /* The device outlives its user's reference while frames are live. */
    ovni_frame *keep = NULL;
    CHECK_OK(ovni_frame_new(dev, OVNI_FORMAT_GRAY8, 8, 8, OVNI_MEMORY_HOST, &keep));
    ovni_device_close(&dev);
    memset(keep->data[0], 0, keep->pitch[0] * 8);
    ovni_frame_unref(&keep); /* frees the device (ASan/LSan check) */
    return test_result("frame");
}
