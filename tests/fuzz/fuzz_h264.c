/* Fuzz target: the H.264 header reading behind NVDEC's field order
 * (src/io/h264_poc.c: parameter sets from avcC or Annex-B extradata, and
 * access units, length-prefixed or with start codes). Input: byte 0's low
 * bits pick the packets' NAL length size (0: start codes), byte 1 the
 * extradata's length, then the extradata, then the packets, each read in
 * turn as the decoder would. Any bytes must give 0, 1 or 2: never a read
 * outside the buffer or undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>

#include "../../src/io/h264_poc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static h264_poc h;
    if (size < 2) return 0;
    const int length_size = data[0] % 5, xsize = data[1] < size - 2 ? data[1] : (int)(size - 2);
    h264_poc_init(&h, data + 2, xsize);
    h.nal_length_size = length_size;
    (void)h264_poc_progressive(&h);
    /* the rest in up to 4 packets of sizes from the data itself */
    const uint8_t *p = data + 2 + xsize;
    size_t left = size - 2 - (size_t)xsize;
    for (int k = 0; k < 4 && left > 0; k++) {
        size_t n = k == 3 ? left : 1 + (size_t)p[0] % left;
        const int r = h264_poc_order(&h, p, (int)n);
        if (r < 0 || r > 2) abort();
        p += n, left -= n;
    }
    return 0;
}
