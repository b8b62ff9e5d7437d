/* The op table: one entry per op the chain can name, as data (keys with
 * their C-API names, types, defaults and ranges) plus the functions that
 * call the library. docs/cli.md and `ovni run --help-ops` are written from
 * the same table. */
#ifndef OVNI_CLI_OPS_TABLE_H
#define OVNI_CLI_OPS_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chain.h"
#include "expr.h"
#include "ovni/ovni.h"

typedef enum key_type {
    KEY_NUM,    /* double, expression of t, n, W, H, w, h */
    KEY_INT,    /* expression, rounded to the nearest integer */
    KEY_BOOL,   /* expression: 0 false, anything else true */
    KEY_COLOR,  /* fixed: #RRGGBB[AA], 0xRRGGBB[AA], a name ("white"), name@0.5 */
    KEY_STR,    /* fixed text */
    KEY_FILE,   /* fixed path, checked to exist when the chain opens */
    KEY_ENUM,   /* fixed, one of `choices`, separated by '|'; the value is its index */
} key_type;

/* A KEY_COLOR value in an op's parameter struct. */
typedef struct cli_color {
    uint8_t rgba[4];
    int set;            /* 0: an optional colour left out (default "") */
} cli_color;

/* A key, bound to a field of the op's parameter struct by offset (as
 * AVOption does), so the order of keys in a table means nothing to the op.
 * The field's type follows the key's: NUM double, INT/BOOL/ENUM int (ENUM:
 * the choice's index), COLOR cli_color, STR/FILE const char * (NULL when an
 * optional one is left out). */
typedef struct op_key {
    const char *name;
    key_type type;
    const char *def;    /* default as chain text; NULL: required */
    double min, max;    /* inclusive range of NUM/INT; ignored if min > max */
    const char *help;   /* KEY_ENUM: the choices, "a|b|c" */
    size_t off;         /* offsetof(the op's parameter struct, field) */
} op_key;

#define OP_MAX_KEYS 20

/* What ops see of the job. */
typedef struct cli_env {
    ovni_device *dev;
    ovni_memory memory;     /* where the chain's frames live */
    ovni_rational fps;      /* output frame rate */
    int width, height;      /* the frame entering the chain */
    int64_t frames;         /* frames the job will make; 0 if unknown */
    int allow_playlists;    /* file= sources: --allow-playlists */
    int64_t max_memory;     /* file= sources: --max-memory */
} cli_env;

/* A source image or video named by file= (overlay, blend, warp, crossfade):
 * op_source.c. */
typedef struct op_source {
    const char *path;       /* the op's file= value (for messages) */
    ovni_frame *still;      /* an image: RGBA32, in the chain's memory */
    ovni_reader *reader;    /* a video: read one frame per output frame, looped */
    ovni_frame *current;    /* the frame of this step (RGBA32) */
    int width, height;
} op_source;

typedef struct op_def op_def;

typedef struct op_inst {
    const op_def *def;
    int index;                      /* position in the chain, from 1 */
    int nkeys;
    cli_expr *expr[OP_MAX_KEYS];    /* NUM/INT/BOOL */
    char *str[OP_MAX_KEYS];         /* STR/FILE/ENUM/COLOR as given */
    double val[OP_MAX_KEYS];        /* this frame's values; ENUM: the choice's index */
    uint8_t color[OP_MAX_KEYS][4];  /* COLOR: R, G, B, A */
    int given[OP_MAX_KEYS];         /* 1: set in the chain, 0: default */
    void *params;                   /* the op's parameter struct (def->params_size bytes), this frame's values */
    double t;                       /* this frame's time in seconds */
    op_source src;
    void *state;                    /* op-specific, freed by close */
} op_inst;

struct op_def {
    const char *name;
    const char *help;
    const op_key *keys;             /* ends with a {NULL} entry */
    /* Optional: opens files, checks fixed values. Errors print their message. */
    int (*open)(op_inst *op, const cli_env *env);
    /* Replaces *frame with the op's result (or edits it in place). */
    int (*apply)(op_inst *op, ovni_frame **frame, int64_t n);
    void (*close)(op_inst *op);
    /* 1: takes any frame format, and at the head of the chain runs on the
     * decoder's frame (NV12/P010) before the chain's RGB conversion */
    int decoded;
    size_t params_size;             /* sizeof the struct the keys' offsets point into */
};

extern const op_def *const cli_ops[];

const op_def *ops_find(const char *name);
int ops_key_index(const op_def *def, const char *key);

/* The instantiated chain. */
typedef struct op_chain {
    int nops;
    int ndecoded;   /* leading ops with `decoded` set: ops_run_decoded's */
    op_inst *ops;
} op_chain;

/* Checks names, keys and values against the table and parses expressions:
 * usage errors, so it returns 2 with a message on stderr naming the op and
 * key. No file is opened yet. */
int ops_bind(op_chain *oc, const chain *c);
/* Opens the ops' files and sources: 1 on error (message printed). */
int ops_open(op_chain *oc, const cli_env *env);
/* ops_table.c: the size of op's output for a *w x *h input, from the values
 * stored in its parameters. */
void ops_output_size(const op_inst *op, int *w, int *h);
/* The chain's first output frame: its size for a w x h input, where every
 * value the sizes depend on can be evaluated ahead (no st/ld/random), from
 * frame 0's values. Returns the number of ops walked (all: nops; fewer: the
 * size is not known past that op, *ow x *oh is its input). *op is the op
 * after which the frame stays over max x max (-1: none, or the input itself
 * is). After ops_open. */
int ops_preflight(op_chain *oc, const cli_env *env, int w, int h, int max, int *ow, int *oh, int *op);
/* Evaluates every value for frame n and runs the ops on *frame. Returns 0 or
 * 1 with a message naming the op, key, expression and frame.
 * ops_run_decoded runs the chain's leading `decoded` ops (deinterlace) on
 * the decoder's frame; ops_run runs the others, on the frame converted to
 * RGB24 from what ops_run_decoded left. A job calls both, in that order. */
/* Writes key k's current value (val/color/str) into the op's parameter
 * struct at the key's offset; ops_bind and ops_run call it. */
void ops_store(op_inst *op, int k);
int ops_run_decoded(op_chain *oc, const cli_env *env, ovni_frame **frame, int64_t n);
int ops_run(op_chain *oc, const cli_env *env, ovni_frame **frame, int64_t n);
void ops_free(op_chain *oc);

/* Prints the chain reference (every op, key, type, range, default) as
 * Markdown tables or as plain text. */
void ops_print_reference(FILE *to, int markdown);

/* Helpers for ops' apply functions. */
int ops_error(const op_inst *op, const char *what);  /* prints "op #i name: what: last error", returns 1 */
/* op_source.c: opens `path` (kept, not copied) as an image or a looped
 * video; steps to this frame's RGBA32 picture (OVNI_EOF: the file gave
 * none); closes. Other errors are codes with ovni_last_error() set. */
int op_source_open(op_source *s, const cli_env *env, const char *path);
int op_source_step(op_source *s);
void op_source_close(op_source *s);
/* Parses a colour as KEY_COLOR does; -1 if it is not one. */
int cli_parse_color(const char *text, uint8_t rgba[4]);

#endif
