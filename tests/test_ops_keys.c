/* The CLI op table's keys are bound to fields of each op's parameter
 * struct by offset (src/cli/ops_table.c, AVOption style), not by position:
 * every key has its own in-bounds, aligned field of its type's size, and a
 * chain's values land in the fields their keys name, in whatever order
 * they are given. */
#include <stdalign.h>
#include <string.h>

#include "../src/cli/chain.h"
#include "../src/cli/ops_table.h"
#include "test.h"

static size_t key_size(key_type t, size_t *align)
{
    switch (t) {
    case KEY_NUM: *align = alignof(double); return sizeof(double);
    case KEY_INT:
    case KEY_BOOL:
    case KEY_ENUM: *align = alignof(int); return sizeof(int);
    case KEY_COLOR: *align = alignof(cli_color); return sizeof(cli_color);
    case KEY_STR:
    case KEY_FILE: *align = alignof(const char *); return sizeof(const char *);
    }
    *align = 1;
    return 0;
}

static void test_layout(void)
{
    int nops = 0;
    for (int i = 0; cli_ops[i]; i++, nops++) {
        const op_def *d = cli_ops[i];
        CHECK_MSG(d->params_size > 0 || !d->keys[0].name, "%s: no parameter struct", d->name);
        for (int a = 0; d->keys[a].name; a++) {
            const op_key *ka = &d->keys[a];
            size_t al, sa = key_size(ka->type, &al);
            CHECK_MSG(ka->off + sa <= d->params_size, "%s.%s: field at %zu+%zu outside the %zu-byte struct",
                      d->name, ka->name, ka->off, sa, d->params_size);
            CHECK_MSG(ka->off % al == 0, "%s.%s: field at %zu not aligned for its type", d->name, ka->name, ka->off);
            for (int b = 0; b < a; b++) {
                const op_key *kb = &d->keys[b];
                size_t bl, sb = key_size(kb->type, &bl);
                int overlap = ka->off < kb->off + sb && kb->off < ka->off + sa;
                CHECK_MSG(!overlap, "%s: keys %s and %s share bytes of the parameter struct", d->name, kb->name,
                          ka->name);
                CHECK_MSG(strcmp(ka->name, kb->name) != 0, "%s: key %s twice", d->name, ka->name);
            }
        }
    }
    CHECK(nops >= 20);
}

static const op_key *key_of(const op_def *d, const char *name)
{
    for (int k = 0; d->keys[k].name; k++)
        if (!strcmp(d->keys[k].name, name)) return &d->keys[k];
    return NULL;
}

static double num(const op_inst *op, const char *name)
{
    const op_key *k = key_of(op->def, name);
    double v = -12345;
    if (k) memcpy(&v, (const char *)op->params + k->off, sizeof(v));
    return v;
}

static int integer(const op_inst *op, const char *name)
{
    const op_key *k = key_of(op->def, name);
    int v = -12345;
    if (k) memcpy(&v, (const char *)op->params + k->off, sizeof(v));
    return v;
}

static cli_color colour(const op_inst *op, const char *name)
{
    const op_key *k = key_of(op->def, name);
    cli_color c = {{0}, -1};
    if (k) memcpy(&c, (const char *)op->params + k->off, sizeof(c));
    return c;
}

/* Binds `text` and evaluates frame 0 of a 100x50 frame without running the
 * ops (their values are what ops_run would hand them). */
static int bind_eval(const char *text, op_chain *oc)
{
    chain c;
    char err[256];
    memset(oc, 0, sizeof(*oc));
    if (chain_parse(text, &c, err, sizeof(err)) < 0) return -1;
    int r = ops_bind(oc, &c);
    chain_free(&c);
    if (r) return -1;
    double vars[EXPR_NVARS] = {0, 0, 100, 50, 0, 0};
    for (int i = 0; i < oc->nops; i++) {
        op_inst *op = &oc->ops[i];
        for (int k = 0; k < op->nkeys; k++)
            if (op->expr[k]) {
                op->val[k] = cli_expr_eval(op->expr[k], vars);
                ops_store(op, k);
            }
    }
    return 0;
}

static void test_binding(void)
{
    op_chain a, b;
    /* the same values in two orders, named and positional */
    CHECK(bind_eval("crop=bottom=40:left=10:right=W-5:top=5", &a) == 0);
    CHECK(bind_eval("crop=10:5:95:40", &b) == 0);
    if (a.nops == 1 && b.nops == 1) {
        CHECK(num(&a.ops[0], "left") == 10 && num(&a.ops[0], "top") == 5);
        CHECK(num(&a.ops[0], "right") == 95 && num(&a.ops[0], "bottom") == 40);
        CHECK(memcmp(a.ops[0].params, b.ops[0].params, a.ops[0].def->params_size) == 0);
    }
    ops_free(&a);
    ops_free(&b);

    /* nested fields (corners, chroma key) and optional colours */
    CHECK(bind_eval("round_corners=smoothing=4:radius_br=7:radius=3", &a) == 0);
    if (a.nops == 1) {
        CHECK(num(&a.ops[0], "radius") == 3 && num(&a.ops[0], "radius_br") == 7);
        CHECK(num(&a.ops[0], "radius_tl") == -1 && num(&a.ops[0], "smoothing") == 4);
    }
    ops_free(&a);
    CHECK(bind_eval("chroma_key=spill=0.5:key=red:opacity_t=0.4", &a) == 0);
    if (a.nops == 1) {
        cli_color k = colour(&a.ops[0], "key");
        CHECK(k.set && k.rgba[0] == 255 && k.rgba[1] == 0 && k.rgba[3] == 255);
        CHECK(num(&a.ops[0], "spill") == 0.5 && num(&a.ops[0], "opacity_t") == 0.4);
        CHECK(num(&a.ops[0], "transparency_t") == 0.15);
    }
    ops_free(&a);
    CHECK(bind_eval("rotate=expand=1:degrees=30:fill=white", &a) == 0);
    if (a.nops == 1) {
        CHECK(num(&a.ops[0], "degrees") == 30 && integer(&a.ops[0], "expand") == 1);
        CHECK(num(&a.ops[0], "cx") == 50 && num(&a.ops[0], "cy") == 25);
        CHECK(colour(&a.ops[0], "fill").rgba[2] == 255);
    }
    ops_free(&a);
    CHECK(bind_eval("deinterlace=parity=bff,resize=height=20:width=30", &a) == 0);
    if (a.nops == 2) {
        CHECK(integer(&a.ops[0], "parity") == 2);
        CHECK(integer(&a.ops[1], "width") == 30 && integer(&a.ops[1], "height") == 20);
    }
    ops_free(&a);
}

int main(void)
{
    test_layout();
    test_binding();
    return test_result("ops_keys");
}
