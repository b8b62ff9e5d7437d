/* The chain parser (syntax in chain.h). Kept free of the library so the unit
 * test compiles it alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"

/* A growing string; -1 on allocation failure. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static int sbuf_put(sbuf *b, char ch)
{
    if (b->len + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        char *s = realloc(b->s, cap);
        if (!s) return -1;
        b->s = s;
        b->cap = cap;
    }
    b->s[b->len++] = ch;
    b->s[b->len] = 0;
    return 0;
}

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* Reads one token starting at text[*pos] up to an unquoted, unescaped char of
 * `stops` (left unread) or the end. Leading and trailing unquoted whitespace
 * is dropped; quoted or escaped whitespace is kept. */
static int read_token(const char *text, int *pos, const char *stops, char **out,
                      char *err, size_t errlen)
{
    sbuf b = {0};
    size_t keep = 0; /* length up to the last char that must be kept */
    int i = *pos;
    while (is_space(text[i])) i++;
    if (sbuf_put(&b, 0) < 0) goto nomem; /* allocate, so "" is a real string */
    b.len = 0;
    while (text[i] && !strchr(stops, text[i])) {
        if (text[i] == '\\') {
            if (!text[i + 1]) {
                snprintf(err, errlen, "a backslash ends the chain at character %d", i + 1);
                free(b.s);
                return -1;
            }
            if (sbuf_put(&b, text[i + 1]) < 0) goto nomem;
            keep = b.len;
            i += 2;
        } else if (text[i] == '\'') {
            int start = i++;
            while (text[i] && text[i] != '\'') {
                if (sbuf_put(&b, text[i++]) < 0) goto nomem;
            }
            if (!text[i]) {
                snprintf(err, errlen, "the quote at character %d is not closed", start + 1);
                free(b.s);
                return -1;
            }
            i++;
            keep = b.len;
        } else {
            if (sbuf_put(&b, text[i]) < 0) goto nomem;
            if (!is_space(text[i])) keep = b.len;
            i++;
        }
    }
    b.s[keep] = 0;
    *out = b.s;
    *pos = i;
    return 0;
nomem:
    free(b.s);
    snprintf(err, errlen, "out of memory");
    return -1;
}

void chain_free(chain *c)
{
    for (int i = 0; i < c->nops; i++) {
        chain_op *op = &c->ops[i];
        free(op->name);
        for (int k = 0; k < op->nkv; k++) {
            free(op->kv[k].key);
            free(op->kv[k].value);
        }
        free(op->kv);
    }
    free(c->ops);
    c->ops = NULL;
    c->nops = 0;
}

static int add_kv(chain_op *op, char *key, char *value, int offset)
{
    chain_kv *kv = realloc(op->kv, (size_t)(op->nkv + 1) * sizeof(*kv));
    if (!kv) return -1;
    op->kv = kv;
    kv[op->nkv++] = (chain_kv){key, value, offset};
    return 0;
}

/* Parses one op's "key=value:..." list, from text[*pos] to a ',' or the end. */
static int parse_args(const char *text, int *pos, chain_op *op, char *err, size_t errlen)
{
    for (;;) {
        int start = *pos;
        while (is_space(text[start])) start++;
        char *first = NULL, *value = NULL;
        if (read_token(text, pos, "=:,", &first, err, errlen) < 0) return -1;
        if (text[*pos] == '=') {
            (*pos)++;
            if (!first[0]) {
                snprintf(err, errlen, "%s: a value at character %d has no key before its '='",
                         op->name, start + 1);
                free(first);
                return -1;
            }
            int vstart = *pos;
            while (is_space(text[vstart])) vstart++;
            if (read_token(text, pos, ":,", &value, err, errlen) < 0) {
                free(first);
                return -1;
            }
            for (int k = 0; k < op->nkv; k++)
                if (op->kv[k].key && !strcmp(op->kv[k].key, first)) {
                    snprintf(err, errlen, "%s: key \"%s\" is given twice", op->name, first);
                    free(first);
                    free(value);
                    return -1;
                }
            if (add_kv(op, first, value, vstart) < 0) goto nomem;
        } else {
            if (!first[0] && text[start] != '\'') {
                /* "op=" with nothing, or "a::b": an empty positional is a typo */
                snprintf(err, errlen, "%s: empty value at character %d", op->name, start + 1);
                free(first);
                return -1;
            }
            if (add_kv(op, NULL, first, start) < 0) goto nomem;
        }
        if (text[*pos] != ':') return 0;
        (*pos)++;
        continue;
    nomem:
        free(first);
        free(value);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
}

int chain_parse(const char *text, chain *c, char *err, size_t errlen)
{
    c->nops = 0;
    c->ops = NULL;
    int pos = 0;
    for (;;) {
        int start = pos;
        while (is_space(text[start])) start++;
        char *name = NULL;
        if (read_token(text, &pos, "=,:", &name, err, errlen) < 0) goto fail;
        if (!name[0]) {
            snprintf(err, errlen, "an op name is missing at character %d%s", start + 1,
                     text[0] ? "" : " (the chain is empty)");
            free(name);
            goto fail;
        }
        if (text[pos] == ':') {
            snprintf(err, errlen, "%s: ':' at character %d before any '=' (write %s=key=value:...)",
                     name, pos + 1, name);
            free(name);
            goto fail;
        }
        chain_op *ops = realloc(c->ops, (size_t)(c->nops + 1) * sizeof(*ops));
        if (!ops) {
            free(name);
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        c->ops = ops;
        c->ops[c->nops++] = (chain_op){name, start, 0, NULL};
        if (text[pos] == '=') {
            pos++;
            if (parse_args(text, &pos, &c->ops[c->nops - 1], err, errlen) < 0) goto fail;
        }
        if (!text[pos]) return 0;
        pos++; /* the ',' */
    }
fail:
    chain_free(c);
    return -1;
}
