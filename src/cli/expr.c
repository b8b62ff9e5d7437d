/* av_expr behind a small interface, so the chain never parses arithmetic by
 * hand and the op table only sees "a value of t, n, W, H, w, h". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/avstring.h>
#include <libavutil/eval.h>
#include <libavutil/log.h>

#include "expr.h"

struct cli_expr {
    AVExpr *e;
    int is_const;
    int stateful;   /* st/ld/random...: evaluating it changes it */
    double value;   /* when is_const */
    char *text;
};

static const char *const var_names[EXPR_NVARS + 1] = {"t", "n", "W", "H", "w", "h", NULL};

/* av_expr says what is wrong ("Undefined constant or missing '(' in 'x*2'")
 * only through av_log. While parsing, a capturing callback keeps the first
 * error line for our own message. The chain is parsed before any reader or
 * writer exists, so no other thread logs through FFmpeg meanwhile, and
 * restoring the default callback undoes nothing the library set up. */
void (*cli_expr_log_restore)(void *avcl, int level, const char *fmt, va_list vl) = av_log_default_callback;
static char captured[256];
static int capture_on;

static void capture_log(void *avcl, int level, const char *fmt, va_list vl)
{
    (void)avcl;
    if (!capture_on || level > AV_LOG_ERROR || captured[0]) return;
    vsnprintf(captured, sizeof(captured), fmt, vl);
    size_t len = strlen(captured);
    while (len && (captured[len - 1] == '\n' || captured[len - 1] == '.')) captured[--len] = 0;
}

static int parse(AVExpr **e, const char *text, const char *const *names)
{
    captured[0] = 0;
    capture_on = 1;
    av_log_set_callback(capture_log);
    int ret = av_expr_parse(e, text, names, NULL, NULL, NULL, NULL, 0, NULL);
    av_log_set_callback(cli_expr_log_restore);
    capture_on = 0;
    return ret;
}

/* Functions with hidden state or a clock give a new value at each call even
 * without variables: never fold those into a constant. */
static int has_state(const char *text)
{
    /* matched as bare names: a false match (a longer name that contains
     * one) only skips the folding */
    static const char *const fns[] = {"random", "st", "ld", "time", NULL};
    for (int i = 0; fns[i]; i++)
        if (strstr(text, fns[i])) return 1;
    return 0;
}

/* The text as av_expr_parse reads it: it drops every whitespace character
 * (av_isspace) before parsing, so "whil\re(1,0)" is while(1,0). The checks
 * below run on this copy, never on what the user typed. */
static char *squeeze(const char *text)
{
    char *s = malloc(strlen(text) + 1), *o = s;
    if (!s) return NULL;
    for (; *text; text++)
        if (!av_isspace(*text)) *o++ = *text;
    *o = 0;
    return s;
}

/* How many root( and taylor( calls the text holds. */
static int iterations(const char *text)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, "root")); p++) n++;
    for (const char *p = text; (p = strstr(p, "taylor")); p++) n++;
    return n;
}

/* av_expr_parse refuses, with no message of its own, an expression nested
 * 100 parentheses or calls deep, or with more than 100 operators in one
 * chain ("1+1+...", 101 terms; measured on FFmpeg 5.1: its parser's stack
 * limit). The deepest nesting and the longest chain of the text. */
#define EXPR_MAX_DEPTH 99
#define EXPR_MAX_CHAIN 100
static void expr_size(const char *bare, int *depth, int *chain)
{
    enum { MAXD = 4096 };
    static const char ops[] = "+-*/^";
    int ops_at[MAXD] = {0}, d = 0;
    *depth = *chain = 0;
    for (const char *p = bare; *p; p++) {
        if (*p == '(') {
            if (++d > *depth) *depth = d;
            if (d < MAXD) ops_at[d] = 0;
        } else if (*p == ')' && d > 0) {
            d--;
        } else if (strchr(ops, *p) && p > bare && !strchr("(+-*/^,eE", p[-1]) && d < MAXD) {
            if (++ops_at[d] > *chain) *chain = ops_at[d]; /* binary: after an operand */
        } else if (*p == ',' && d < MAXD) {
            ops_at[d] = 0; /* a new argument */
        }
    }
}

int cli_expr_parse(cli_expr **out, const char *text, char *err, size_t errlen)
{
    *out = NULL;
    cli_expr *e = calloc(1, sizeof(*e));
    if (!e || !(e->text = strdup(text))) {
        free(e);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!text[0]) {
        snprintf(err, errlen, "empty value");
        cli_expr_free(&e);
        return -1;
    }
    /* av_expr's while(cond, body) loops as long as cond is non-zero, so
     * while(1, 0) would hang the run (the chain fuzzer found one); root()
     * and taylor() evaluate their argument about 1000 times, so nested they
     * multiply (three levels: seconds a frame, four: hours). No variable is
     * named like either. */
    char *bare = squeeze(text);
    if (!bare) {
        snprintf(err, errlen, "out of memory");
        cli_expr_free(&e);
        return -1;
    }
    const char *loop = strstr(bare, "while") ? "while loops are" : iterations(bare) > 1 ? "nested root/taylor are" : NULL;
    const int stateful = has_state(bare);
    int depth, chain;
    expr_size(bare, &depth, &chain);
    free(bare);
    if (loop) {
        snprintf(err, errlen, "bad expression: %s: %s not allowed (an expression must finish quickly)", text, loop);
        cli_expr_free(&e);
        return -1;
    }
    if (parse(&e->e, text, var_names) < 0) {
        if (!captured[0] && (depth > EXPR_MAX_DEPTH || chain > EXPR_MAX_CHAIN))
            snprintf(err, errlen, "bad expression: too large for FFmpeg's expression parser, which takes at most %d "
                     "nested parentheses or calls and %d operators in one sum or product (this one: %d nested, %d "
                     "in a row); simplify it or split it over several ops", EXPR_MAX_DEPTH, EXPR_MAX_CHAIN, depth,
                     chain);
        else
            snprintf(err, errlen, "bad expression: %s (variables: t, n, W, H, w, h)",
                     captured[0] ? captured : "syntax error");
        cli_expr_free(&e);
        return -1;
    }
    e->stateful = stateful;
    /* Parsing without variables succeeds only for a constant expression. */
    static const char *const no_vars[] = {NULL};
    AVExpr *c = NULL;
    if (!stateful && parse(&c, text, no_vars) >= 0) {
        e->is_const = 1;
        e->value = av_expr_eval(c, NULL, NULL);
        av_expr_free(c);
    }
    *out = e;
    return 0;
}

double cli_expr_eval(const cli_expr *e, const double *vars)
{
    if (e->is_const) return e->value;
    return av_expr_eval(e->e, vars, NULL);
}

int cli_expr_is_const(const cli_expr *e) { return e->is_const; }

int cli_expr_is_stateful(const cli_expr *e) { return e->stateful; }

const char *cli_expr_text(const cli_expr *e) { return e->text; }

void cli_expr_free(cli_expr **e)
{
    if (!*e) return;
    av_expr_free((*e)->e);
    free((*e)->text);
    free(*e);
    *e = NULL;
}
