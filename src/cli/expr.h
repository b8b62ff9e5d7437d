/* Numeric values of the chain: a number or an expression evaluated per frame
 * by libavutil's av_expr (its functions: sin, pow, min, clip, if, lerp, ...).
 * Variables: t (seconds), n (frame index), W, H (the frame entering the op),
 * w, h (the op's source image or video, where it has one; else 0). */
#ifndef OVNI_CLI_EXPR_H
#define OVNI_CLI_EXPR_H

#include <stdarg.h>
#include <stddef.h>

/* The av_log callback put back after a parse (main.c sets ovni's own). */
extern void (*cli_expr_log_restore)(void *avcl, int level, const char *fmt, va_list vl);

enum { EXPR_T, EXPR_N, EXPR_W, EXPR_H, EXPR_SW, EXPR_SH, EXPR_NVARS };

typedef struct cli_expr cli_expr;

/* Parses `text`. On error returns -1 and writes av_expr's reason into err. */
int cli_expr_parse(cli_expr **e, const char *text, char *err, size_t errlen);
/* vars[EXPR_T..EXPR_SH]. */
double cli_expr_eval(const cli_expr *e, const double *vars);
/* 1 when the expression uses no variable, so one evaluation holds for all frames. */
int cli_expr_is_const(const cli_expr *e);
/* 1 when evaluating it changes its state (st, ld, random, ...): it must not
 * be evaluated ahead of its frame. */
int cli_expr_is_stateful(const cli_expr *e);
const char *cli_expr_text(const cli_expr *e);
void cli_expr_free(cli_expr **e);

#endif
