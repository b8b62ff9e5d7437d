/* Frame-rate conversion schedule: which source frame each output frame
 * shows. Pure integer arithmetic on the rates as rationals (128-bit
 * intermediates), so frame 10^12 is placed as exactly as frame 1.
 *
 * Output n is at time n / dst; source k at k / src. With P = dst.den * src.num
 * and Q = dst.num * src.den, output n's time in source frames is x = n P / Q,
 * and it shows the nearest source frame, ties to the earlier one:
 *   index(n) = ceil(x - 1/2) = floor((2 n P + Q - 1) / (2 Q)).
 * The first output showing source k (or a later one) is
 *   F(k) = ceil(((2k - 1) Q + 1) / (2 P))  (0 for k = 0),
 * so source k is shown F(k+1) - F(k) times and N source frames give F(N)
 * outputs. */
#include <stdint.h>

#include "op_internal.h"

__extension__ typedef __int128 fps_i128;

static int fps_check(ovni_rational src, ovni_rational dst, int64_t n, const char *what, const char *name)
{
    if (src.num <= 0 || src.den <= 0)
        return ovni_error(OVNI_EINVAL, "%s: src_rate=%d/%d must be a positive rate (num, den > 0)", what, src.num,
                          src.den);
    if (dst.num <= 0 || dst.den <= 0)
        return ovni_error(OVNI_EINVAL, "%s: dst_rate=%d/%d must be a positive rate (num, den > 0)", what, dst.num,
                          dst.den);
    if (n < 0) return ovni_error(OVNI_EINVAL, "%s: %s=%lld must be >= 0", what, name, (long long)n);
    return 0;
}

static int64_t fps_result(fps_i128 v, const char *what, const char *name)
{
    if (v > (fps_i128)INT64_MAX)
        return ovni_error(OVNI_EINVAL, "%s: %s is too large: the result does not fit in 64 bits", what, name);
    return (int64_t)v;
}

/* F(k): the number of outputs that show a source frame before k. */
static fps_i128 fps_first_output(ovni_rational src, ovni_rational dst, int64_t k)
{
    if (k == 0) return 0;
    fps_i128 p = (fps_i128)dst.den * src.num, q = (fps_i128)dst.num * src.den;
    fps_i128 a = (2 * (fps_i128)k - 1) * q + 1, b = 2 * p;
    return (a + b - 1) / b;
}

int64_t ovni_fps_source_index(ovni_rational src_rate, ovni_rational dst_rate, int64_t out_index)
{
    int ret = fps_check(src_rate, dst_rate, out_index, "fps_source_index", "out_index");
    if (ret < 0) return ret;
    fps_i128 p = (fps_i128)dst_rate.den * src_rate.num, q = (fps_i128)dst_rate.num * src_rate.den;
    return fps_result((2 * (fps_i128)out_index * p + q - 1) / (2 * q), "fps_source_index", "out_index");
}

int64_t ovni_fps_output_count(ovni_rational src_rate, ovni_rational dst_rate, int64_t src_count)
{
    int ret = fps_check(src_rate, dst_rate, src_count, "fps_output_count", "src_count");
    if (ret < 0) return ret;
    return fps_result(fps_first_output(src_rate, dst_rate, src_count), "fps_output_count", "src_count");
}

int64_t ovni_fps_repeat(ovni_rational src_rate, ovni_rational dst_rate, int64_t src_index)
{
    int ret = fps_check(src_rate, dst_rate, src_index, "fps_repeat", "src_index");
    if (ret < 0) return ret;
    if (src_index == INT64_MAX) return ovni_error(OVNI_EINVAL, "fps_repeat: src_index is too large");
    fps_i128 a = fps_first_output(src_rate, dst_rate, src_index);
    fps_i128 b = fps_first_output(src_rate, dst_rate, src_index + 1);
    return fps_result(b - a, "fps_repeat", "src_index");
}
