/* Fuzz target: the ovni command's --vf chain (src/cli/chain.c), bound to the
 * op table with its expressions parsed (ops_bind, expr.c), then every
 * expression evaluated for a few frames. Bytes are taken as the chain text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/log.h>

#include "../../src/cli/chain.h"
#include "../../src/cli/expr.h"
#include "../../src/cli/ops_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* ops_bind prints usage errors on stderr: scripts/fuzz.sh runs this target
     * with -close_fd_mask=2 (sanitizer reports still come through). */
    av_log_set_level(AV_LOG_QUIET);
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    chain c;
    char err[512];
    if (chain_parse(text, &c, err, sizeof(err)) == 0) {
        op_chain oc = {0};
        if (ops_bind(&oc, &c) == 0) {
            for (int i = 0; i < oc.nops; i++)
                for (int k = 0; k < oc.ops[i].nkeys; k++) {
                    const cli_expr *e = oc.ops[i].expr[k];
                    if (!e) continue;
                    (void)cli_expr_is_const(e);
                    (void)cli_expr_text(e);
                    for (int n = 0; n < 3; n++) {
                        double vars[EXPR_NVARS] = {n / 30.0, n, 1920, 1080, 640, 360};
                        (void)cli_expr_eval(e, vars);
                    }
                }
        }
        ops_free(&oc);
        chain_free(&c);
    }
    free(text);
    return 0;
}
