/* The `--vf` chain syntax, FFmpeg-like: `name=key=value:key=value,name2=...`.
 *
 * One level of quoting, as in one FFmpeg filter's option string: inside
 * '...' every character is literal; outside quotes a backslash makes the
 * next character literal. So a value holding `,` `:` `=` `'` or spaces is
 * quoted or escaped: s='1.6*pow(1.2/1.6,n/299)'. Unquoted whitespace around
 * names, keys and values is dropped. A value without `key=` is positional:
 * it goes to the op's keys in the order the op table lists them. */
#ifndef OVNI_CLI_CHAIN_H
#define OVNI_CLI_CHAIN_H

#include <stddef.h>

typedef struct chain_kv {
    char *key;      /* NULL: positional */
    char *value;    /* unquoted, unescaped; may be "" */
    int offset;     /* where the value starts in the chain text (for messages) */
} chain_kv;

typedef struct chain_op {
    char *name;
    int offset;
    int nkv;
    chain_kv *kv;
} chain_op;

typedef struct chain {
    int nops;
    chain_op *ops;
} chain;

/* Parses `text` into *c. On error returns -1 and writes a message naming the
 * position and the problem into err; *c is left empty. */
int chain_parse(const char *text, chain *c, char *err, size_t errlen);
void chain_free(chain *c);

#endif
