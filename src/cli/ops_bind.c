/* The op table's machinery: binds a parsed chain to the table (names, keys,
 * types, ranges), evaluates values per frame and runs the ops. The entries
 * themselves are in ops_table.c. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/parseutils.h>

#include "ops_table.h"

const op_def *ops_find(const char *name)
{
    for (int i = 0; cli_ops[i]; i++)
        if (!strcmp(cli_ops[i]->name, name)) return cli_ops[i];
    return NULL;
}

int ops_key_index(const op_def *def, const char *key)
{
    for (int i = 0; def->keys[i].name; i++)
        if (!strcmp(def->keys[i].name, key)) return i;
    return -1;
}

int cli_parse_color(const char *text, uint8_t rgba[4])
{
    /* av_parse_color takes "#RRGGBB", "0xRRGGBBAA", names and "name@alpha" */
    return av_parse_color(rgba, text, -1, NULL) < 0 ? -1 : 0;
}

static int enum_index(const char *choices, const char *value)
{
    size_t len = strlen(value);
    int i = 0;
    for (const char *p = choices; *p; i++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && !strncmp(p, value, n)) return i;
        if (!bar) break;
        p = bar + 1;
    }
    return -1;
}

static const char *type_name(key_type t)
{
    static const char *const names[] = {"number", "integer", "bool", "colour", "text", "file", "choice"};
    return names[t];
}

static void print_range(FILE *to, const op_key *k)
{
    if (k->min > k->max) {
        fprintf(to, "any");
        return;
    }
    fprintf(to, "%g .. %g", k->min, k->max);
}

void ops_store(op_inst *op, int k)
{
    const op_key *key = &op->def->keys[k];
    char *p = (char *)op->params + key->off;
    switch (key->type) {
    case KEY_NUM:
        memcpy(p, &op->val[k], sizeof(double));
        break;
    case KEY_INT:
    case KEY_BOOL:
    case KEY_ENUM: {
        double v = op->val[k];
        int i = key->type == KEY_BOOL ? v != 0 : v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
        memcpy(p, &i, sizeof(int));
        break;
    }
    case KEY_COLOR: {
        cli_color c = {{0}, op->str[k] != NULL};
        memcpy(c.rgba, op->color[k], 4);
        memcpy(p, &c, sizeof(c));
        break;
    }
    case KEY_STR:
    case KEY_FILE: {
        const char *s = op->str[k];
        memcpy(p, &s, sizeof(s));
        break;
    }
    }
}

/* Range check of one evaluated value; `n` < 0: at bind time. */
static int check_value(const op_inst *op, int k, double v, int64_t n, double t)
{
    const op_key *key = &op->def->keys[k];
    int bad = isnan(v) || isinf(v) || (key->min <= key->max && (v < key->min || v > key->max));
    if (!bad) return 0;
    fprintf(stderr, "ovni: op %d (%s): %s = %g", op->index, op->def->name, key->name, v);
    if (!cli_expr_is_const(op->expr[k])) fprintf(stderr, " from '%s'", cli_expr_text(op->expr[k]));
    if (n >= 0) fprintf(stderr, " at frame %lld (t=%.3fs)", (long long)n, t);
    fprintf(stderr, " is out of range ");
    print_range(stderr, key);
    fputc('\n', stderr);
    return -1;
}

static int set_value(op_inst *op, int k, const char *text)
{
    const op_key *key = &op->def->keys[k];
    char err[512];
    switch (key->type) {
    case KEY_NUM:
    case KEY_INT:
    case KEY_BOOL:
        if (cli_expr_parse(&op->expr[k], text, err, sizeof(err)) < 0) {
            fprintf(stderr, "ovni: op %d (%s): %s='%s': %s\n", op->index, op->def->name, key->name,
                    text, err);
            return -1;
        }
        /* a constant out of range is a usage error, found before any work */
        if (cli_expr_is_const(op->expr[k]) && check_value(op, k, cli_expr_eval(op->expr[k], NULL), -1, 0) < 0)
            return -1;
        break;
    case KEY_COLOR:
        if (cli_parse_color(text, op->color[k]) < 0) {
            fprintf(stderr, "ovni: op %d (%s): %s='%s' is not a colour (#RRGGBB, #RRGGBBAA, "
                    "0xRRGGBB, a name like white, or name@alpha)\n", op->index, op->def->name, key->name, text);
            return -1;
        }
        break;
    case KEY_ENUM: {
        int i = enum_index(key->help, text);
        if (i < 0) {
            fprintf(stderr, "ovni: op %d (%s): %s='%s' is not one of %s\n", op->index, op->def->name,
                    key->name, text, key->help);
            return -1;
        }
        op->val[k] = i;
        break;
    }
    case KEY_FILE:
    case KEY_STR:
        break;
    }
    free(op->str[k]);
    op->str[k] = strdup(text);
    return op->str[k] ? 0 : -1;
}

/* ---- "did you mean": FFmpeg's names, then the nearest spelling ---- */

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

/* Up to three names of `names` (NULL-terminated, stride bytes apart) close
 * to `word`: an edit distance of at most a third of its length, or one
 * containing the other. Returns how many, written to out. */
static int nearest(const char *word, const char *const *names, size_t stride, int n_names, const char **out)
{
    int best[3], n = 0;
    for (int i = 0; i < n_names; i++) {
        const char *name = *(const char *const *)((const char *)names + (size_t)i * stride);
        int d = edit_distance(word, name);
        if (strlen(word) >= 3 && (strstr(name, word) || strstr(word, name)) && d > 2) d = 2;
        if (d > (int)strlen(word) / 3 + 1) continue;
        if (n == 3 && d >= best[2]) continue;
        int k = n < 3 ? n++ : 2; /* insertion into the sorted three */
        while (k > 0 && best[k - 1] > d) {
            best[k] = best[k - 1];
            out[k] = out[k - 1];
            k--;
        }
        best[k] = d;
        out[k] = name;
    }
    return n;
}

static const struct {
    const char *ffmpeg, *ovni;
} ffmpeg_names[] = {
    {"hflip", "flip"}, {"vflip", "flip=horizontal=0:vertical=1"}, {"blur", "gaussian_blur"},
    {"gblur", "gaussian_blur"}, {"boxblur", "gaussian_blur"}, {"avgblur", "gaussian_blur"},
    {"smartblur", "gaussian_blur"}, {"eq", "adjust"}, {"colorkey", "chroma_key"}, {"chromakey", "chroma_key"},
    {"pad", "fit"}, {"drawbox", "fill_rect"}, {"subtitles", "ass"}, {"transpose", "rotate"},
    {"zoompan", "scale_translate"}, {"xfade", "crossfade"}, {"format", "format"}, {"yadif", "deinterlace"},
    {"bwdif", "deinterlace"}, {"rotate", "rotate"},
};

static void suggest_op(const char *name)
{
    for (size_t i = 0; i < sizeof(ffmpeg_names) / sizeof(ffmpeg_names[0]); i++)
        if (!strcmp(name, ffmpeg_names[i].ffmpeg)) {
            char base[64];
            snprintf(base, sizeof(base), "%s", ffmpeg_names[i].ovni);
            base[strcspn(base, "=")] = 0;
            if (!ops_find(base)) break;
            fprintf(stderr, "ovni: did you mean \"%s\"? (FFmpeg's %s)\n", ffmpeg_names[i].ovni, name);
            return;
        }
    int n_ops = 0;
    while (cli_ops[n_ops]) n_ops++;
    const char *names[64];
    for (int i = 0; i < n_ops && i < 64; i++) names[i] = cli_ops[i]->name;
    const char *near[3];
    int n = nearest(name, names, sizeof(names[0]), n_ops < 64 ? n_ops : 64, near);
    if (!n) return;
    fprintf(stderr, "ovni: did you mean");
    for (int i = 0; i < n; i++) fprintf(stderr, "%s \"%s\"", i ? (i == n - 1 ? " or" : ",") : "", near[i]);
    fprintf(stderr, "?\n");
}

static int bind_op(op_inst *op, const chain_op *c)
{
    const op_def *def = op->def;
    int positional = 0;
    for (int i = 0; i < c->nkv; i++) {
        const chain_kv *kv = &c->kv[i];
        int k;
        if (kv->key) {
            k = ops_key_index(def, kv->key);
            if (k < 0) {
                fprintf(stderr, "ovni: op %d (%s): unknown key \"%s\"; keys:", op->index, def->name, kv->key);
                for (int j = 0; def->keys[j].name; j++) fprintf(stderr, " %s", def->keys[j].name);
                const char *near[3];
                int n = nearest(kv->key, &def->keys[0].name, sizeof(def->keys[0]), op->nkeys, near);
                if (n) fprintf(stderr, " (did you mean \"%s\"?)", near[0]);
                fprintf(stderr, "\n");
                return -1;
            }
        } else {
            k = positional++;
            if (k >= op->nkeys) {
                fprintf(stderr, "ovni: op %d (%s): too many values: '%s' has no key to go to%s\n",
                        op->index, def->name, kv->value,
                        !strcmp(def->name, "scale") ? " (FFmpeg's scale=W:H is resize=width=W:height=H)" : "");
                return -1;
            }
        }
        if (op->given[k]) {
            fprintf(stderr, "ovni: op %d (%s): key \"%s\" is given twice\n", op->index, def->name,
                    def->keys[k].name);
            return -1;
        }
        op->given[k] = 1;
        if (set_value(op, k, kv->value) < 0) return -1;
    }
    for (int k = 0; k < op->nkeys; k++) {
        if (op->given[k]) continue;
        if (!def->keys[k].def) {
            fprintf(stderr, "ovni: op %d (%s): key \"%s\" is required\n", op->index, def->name,
                    def->keys[k].name);
            return -1;
        }
        /* "" marks an optional fixed value that stays unset (str[k] NULL) */
        if (!def->keys[k].def[0] && def->keys[k].type >= KEY_COLOR) continue;
        if (set_value(op, k, def->keys[k].def) < 0) return -1;
    }
    return 0;
}

int ops_bind(op_chain *oc, const chain *c)
{
    oc->nops = oc->ndecoded = 0;
    oc->ops = calloc((size_t)(c->nops ? c->nops : 1), sizeof(*oc->ops));
    if (!oc->ops) return 1;
    for (int i = 0; i < c->nops; i++) {
        const op_def *def = ops_find(c->ops[i].name);
        if (!def) {
            fprintf(stderr, "ovni: op %d: unknown op \"%s\" (ovni run --help-ops lists them)\n", i + 1,
                    c->ops[i].name);
            suggest_op(c->ops[i].name);
            return 2;
        }
        op_inst *op = &oc->ops[oc->nops++];
        op->def = def;
        op->index = i + 1;
        while (def->keys[op->nkeys].name) op->nkeys++;
        if (!(op->params = calloc(1, def->params_size ? def->params_size : 1))) return 1;
        if (bind_op(op, &c->ops[i]) < 0) return 2;
        for (int k = 0; k < op->nkeys; k++) ops_store(op, k);
        if (def->decoded && oc->ndecoded == i) oc->ndecoded++;
    }
    return 0;
}

int ops_open(op_chain *oc, const cli_env *env)
{
    for (int i = 0; i < oc->nops; i++) {
        op_inst *op = &oc->ops[i];
        if (op->def->open && op->def->open(op, env)) return 1;
    }
    return 0;
}

int ops_preflight(op_chain *oc, const cli_env *env, int w, int h, int max, int *ow, int *oh, int *first_over)
{
    *first_over = -1;
    *ow = w, *oh = h;
    for (int i = 0; i < oc->nops; i++) {
        op_inst *op = &oc->ops[i];
        double vars[EXPR_NVARS] = {0, 0, *ow, *oh, op->src.width, op->src.height};
        for (int k = 0; k < op->nkeys; k++) {
            if (!op->expr[k]) continue;
            if (cli_expr_is_stateful(op->expr[k])) return i;
            double v = cli_expr_eval(op->expr[k], vars);
            if (op->def->keys[k].type == KEY_INT) v = nearbyint(v);
            const op_key *key = &op->def->keys[k];
            if (!(v >= key->min && v <= key->max) && key->min <= key->max) return i; /* frame 0 says so itself */
            op->val[k] = v;
            ops_store(op, k);
        }
        int was_over = *ow > max || *oh > max;
        ops_output_size(op, ow, oh);
        if (*ow > max || *oh > max) {
            if (!was_over) *first_over = i; /* this op makes the frame too large */
        } else {
            *first_over = -1;
        }
    }
    return oc->nops;
}

/* Evaluates op's values for frame n and runs it on *frame. */
static int run_op(op_inst *op, const cli_env *env, ovni_frame **frame, int64_t n)
{
    double t = env->fps.num > 0 ? (double)n * env->fps.den / env->fps.num : 0;
    if (op->src.still || op->src.reader) {
        int r = op_source_step(&op->src);
        if (r == OVNI_EOF) {
            fprintf(stderr, "ovni: op %d (%s): file \"%s\" gave no frame\n", op->index, op->def->name, op->src.path);
            return 1;
        }
        if (r < 0) return ops_error(op, "file");
    }
    double vars[EXPR_NVARS] = {t, (double)n, (*frame)->width, (*frame)->height, op->src.width, op->src.height};
    for (int k = 0; k < op->nkeys; k++) {
        if (!op->expr[k]) continue;
        double v = cli_expr_eval(op->expr[k], vars);
        if (op->def->keys[k].type == KEY_INT) v = nearbyint(v);
        if (check_value(op, k, v, n, t) < 0) return 1;
        op->val[k] = v;
        ops_store(op, k);
    }
    op->t = t;
    return op->def->apply(op, frame, n);
}

int ops_run_decoded(op_chain *oc, const cli_env *env, ovni_frame **frame, int64_t n)
{
    for (int i = 0; i < oc->ndecoded; i++)
        if (run_op(&oc->ops[i], env, frame, n)) return 1;
    return 0;
}

int ops_run(op_chain *oc, const cli_env *env, ovni_frame **frame, int64_t n)
{
    for (int i = oc->ndecoded; i < oc->nops; i++)
        if (run_op(&oc->ops[i], env, frame, n)) return 1;
    return 0;
}

void ops_free(op_chain *oc)
{
    for (int i = 0; i < oc->nops; i++) {
        op_inst *op = &oc->ops[i];
        if (op->def->close) op->def->close(op);
        op_source_close(&op->src);
        for (int k = 0; k < OP_MAX_KEYS; k++) {
            cli_expr_free(&op->expr[k]);
            free(op->str[k]);
        }
        free(op->params);
    }
    free(oc->ops);
    oc->ops = NULL;
    oc->nops = oc->ndecoded = 0;
}

int ops_error(const op_inst *op, const char *what)
{
    /* the library's message already names the op and parameter */
    if (!strcmp(what, "failed")) fprintf(stderr, "ovni: op %d: %s\n", op->index, ovni_last_error());
    else fprintf(stderr, "ovni: op %d (%s): %s: %s\n", op->index, op->def->name, what, ovni_last_error());
    return 1;
}

void ops_print_reference(FILE *to, int md)
{
    for (int i = 0; cli_ops[i]; i++) {
        const op_def *d = cli_ops[i];
        if (md) {
            fprintf(to, "### %s\n\n%s\n\n", d->name, d->help);
            if (!d->keys[0].name) {
                fprintf(to, "No keys.\n\n");
                continue;
            }
            fprintf(to, "| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
        } else {
            fprintf(to, "%s: %s\n", d->name, d->help);
        }
        for (int k = 0; d->keys[k].name; k++) {
            const op_key *key = &d->keys[k];
            int ranged = key->type == KEY_NUM || key->type == KEY_INT;
            const char *meaning = key->type == KEY_ENUM ? "" : key->help;
            if (md) {
                fprintf(to, "| `%s` | %s | %s%s%s | ", key->name, type_name(key->type), key->def ? "`" : "",
                        key->def ? key->def : "required", key->def ? "`" : "");
                if (ranged) print_range(to, key);
                else if (key->type == KEY_ENUM) fprintf(to, "%s", key->help);
                fprintf(to, " | %s |\n", meaning);
            } else {
                fprintf(to, "    %-14s %-8s default %-10s", key->name, type_name(key->type),
                        key->def ? key->def : "(required)");
                if (ranged) {
                    fprintf(to, " range ");
                    print_range(to, key);
                } else if (key->type == KEY_ENUM) {
                    fprintf(to, " one of %s", key->help);
                }
                if (meaning[0]) fprintf(to, "  %s", meaning);
                fputc('\n', to);
            }
        }
        fputc('\n', to);
    }
}
