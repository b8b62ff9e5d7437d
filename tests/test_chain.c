/* The CLI's chain parser and expression wrapper, compiled in directly
 * (src/cli/chain.c, expr.c): syntax, quoting, escaping, errors. */
#include <math.h>
#include <string.h>

#include "../src/cli/chain.h"
#include "../src/cli/expr.h"
#include "test.h"

static char err[512];

static int parse_ok(const char *text, chain *c)
{
    int r = chain_parse(text, c, err, sizeof(err));
    if (r < 0) fprintf(stderr, "parse of \"%s\" failed: %s\n", text, err);
    return r;
}

static void test_syntax(void)
{
    chain c;
    CHECK(parse_ok("flip", &c) == 0);
    CHECK(c.nops == 1 && !strcmp(c.ops[0].name, "flip") && c.ops[0].nkv == 0);
    chain_free(&c);

    CHECK(parse_ok("crop=left=10:top=20 , resize=w=640:h=360,vignette", &c) == 0);
    CHECK(c.nops == 3);
    if (c.nops == 3) {
        CHECK(!strcmp(c.ops[0].name, "crop") && c.ops[0].nkv == 2);
        CHECK(!strcmp(c.ops[0].kv[0].key, "left") && !strcmp(c.ops[0].kv[0].value, "10"));
        CHECK(!strcmp(c.ops[0].kv[1].key, "top") && !strcmp(c.ops[0].kv[1].value, "20"));
        CHECK(!strcmp(c.ops[1].name, "resize") && !strcmp(c.ops[1].kv[1].value, "360"));
        CHECK(!strcmp(c.ops[2].name, "vignette"));
    }
    chain_free(&c);

    /* the example: a quoted expression holding a comma */
    CHECK(parse_ok("scale_translate=s='1.6*pow(1.2/1.6,n/299)':tx='-500+500*n/299':ty='-100*n/299'", &c) == 0);
    CHECK(c.nops == 1 && c.ops[0].nkv == 3);
    if (c.nops == 1 && c.ops[0].nkv == 3) {
        CHECK(!strcmp(c.ops[0].kv[0].value, "1.6*pow(1.2/1.6,n/299)"));
        CHECK(!strcmp(c.ops[0].kv[2].value, "-100*n/299"));
    }
    chain_free(&c);

    /* backslash escapes outside quotes; quotes keep spaces; positional values */
    CHECK(parse_ok("ass=file=my\\,dir/a\\:b.ass,resize=1280:720,text=t=' a b ':x=1\\=2", &c) == 0);
    CHECK(c.nops == 3);
    if (c.nops == 3) {
        CHECK(!strcmp(c.ops[0].kv[0].value, "my,dir/a:b.ass"));
        CHECK(c.ops[1].kv[0].key == NULL && !strcmp(c.ops[1].kv[0].value, "1280"));
        CHECK(c.ops[1].kv[1].key == NULL && !strcmp(c.ops[1].kv[1].value, "720"));
        CHECK(!strcmp(c.ops[2].kv[0].value, " a b "));
        CHECK(!strcmp(c.ops[2].kv[1].value, "1=2"));
    }
    chain_free(&c);

    /* a value may contain '=' unescaped (only the first '=' splits) and be empty */
    CHECK(parse_ok("op=k=a=b:e=", &c) == 0);
    CHECK(c.nops == 1 && c.ops[0].nkv == 2);
    if (c.nops == 1 && c.ops[0].nkv == 2) {
        CHECK(!strcmp(c.ops[0].name, "op"));
        CHECK(!strcmp(c.ops[0].kv[0].key, "k") && !strcmp(c.ops[0].kv[1].key, "e"));
        CHECK(!strcmp(c.ops[0].kv[0].value, "a=b"));
        CHECK(!strcmp(c.ops[0].kv[1].value, ""));
    }
    chain_free(&c);
}

static void expect_error(const char *text, const char *word)
{
    chain c;
    int r = chain_parse(text, &c, err, sizeof(err));
    CHECK_MSG(r < 0 && strstr(err, word), "\"%s\" gave %d \"%s\", wanted an error naming \"%s\"", text, r,
              r < 0 ? err : "", word);
    CHECK(c.nops == 0 && c.ops == NULL);
    if (r == 0) chain_free(&c);
}

static void test_errors(void)
{
    expect_error("", "empty");
    expect_error("flip,", "missing at character 6");
    expect_error("a=b=1,,c", "missing at character 7");
    expect_error("crop=left='10", "not closed");
    expect_error("crop=left=10\\", "backslash");
    expect_error("crop=left=1:left=2", "twice");
    expect_error("crop=left=1:=2", "no key");
    expect_error("crop:left=1", "before any '='");
    expect_error("crop=left=1::top=2", "empty value");
}

static void test_expr(void)
{
    cli_expr *e;
    double vars[EXPR_NVARS] = {2.0, 60, 1920, 1080, 400, 300};
    CHECK(cli_expr_parse(&e, "1.5", err, sizeof(err)) == 0);
    CHECK(e && cli_expr_is_const(e) && cli_expr_eval(e, vars) == 1.5);
    cli_expr_free(&e);
    CHECK(e == NULL);

    CHECK(cli_expr_parse(&e, "2*PI", err, sizeof(err)) == 0);
    CHECK(e && cli_expr_is_const(e) && fabs(cli_expr_eval(e, NULL) - 2 * M_PI) < 1e-12);
    cli_expr_free(&e);

    CHECK(cli_expr_parse(&e, "1.6*pow(1.2/1.6,n/299)", err, sizeof(err)) == 0);
    CHECK(e && !cli_expr_is_const(e));
    if (e) CHECK(fabs(cli_expr_eval(e, vars) - 1.6 * pow(0.75, 60.0 / 299)) < 1e-12);
    cli_expr_free(&e);

    CHECK(cli_expr_parse(&e, "W-w-t*10+H/h+if(gt(n,30),1,0)", err, sizeof(err)) == 0);
    if (e) CHECK(fabs(cli_expr_eval(e, vars) - (1920 - 400 - 20 + 1080.0 / 300 + 1)) < 1e-12);
    cli_expr_free(&e);

    /* random() gives a new value per call: never folded into a constant */
    CHECK(cli_expr_parse(&e, "random(0)", err, sizeof(err)) == 0);
    CHECK(e && !cli_expr_is_const(e));
    cli_expr_free(&e);

    /* errors carry av_expr's own reason */
    CHECK(cli_expr_parse(&e, "1+", err, sizeof(err)) < 0 && e == NULL);
    CHECK_MSG(strstr(err, "bad expression"), "%s", err);
    CHECK(cli_expr_parse(&e, "x*2", err, sizeof(err)) < 0);
    CHECK_MSG(strstr(err, "x*2") && strstr(err, "variables"), "%s", err);
    CHECK(cli_expr_parse(&e, "", err, sizeof(err)) < 0);
    CHECK(cli_expr_parse(&e, "sin(", err, sizeof(err)) < 0);
    /* av_expr's size limits (it says nothing itself, so ovni names them):
     * 100 nested parentheses or calls, a sum of 102 terms; one less parses */
    {
        static char big[1024];
        int k = 0;
        for (int i = 0; i < 100; i++) k += sprintf(big + k, "(");
        k += sprintf(big + k, "t");
        for (int i = 0; i < 100; i++) k += sprintf(big + k, ")");
        CHECK(cli_expr_parse(&e, big, err, sizeof(err)) < 0 && e == NULL);
        CHECK_MSG(strstr(err, "too large for FFmpeg's expression parser") && strstr(err, "100 nested"), "%s", err);
        CHECK(cli_expr_parse(&e, big + 1, err, sizeof(err)) < 0); /* one ')' too many: a plain syntax error */
        CHECK_MSG(!strstr(err, "too large"), "%s", err);
        big[200] = 0;
        CHECK_MSG(cli_expr_parse(&e, big + 1, err, sizeof(err)) == 0, "99 nested: %s", err);
        cli_expr_free(&e);
        k = 0;
        for (int i = 0; i < 101; i++) k += sprintf(big + k, "1+");
        sprintf(big + k, "t");
        CHECK(cli_expr_parse(&e, big, err, sizeof(err)) < 0 && e == NULL);
        CHECK_MSG(strstr(err, "too large for FFmpeg's expression parser") && strstr(err, "101 in a row"), "%s", err);
        CHECK_MSG(cli_expr_parse(&e, big + 2, err, sizeof(err)) == 0, "a sum of 101 terms: %s", err);
        cli_expr_free(&e);
    }
    /* a loop that would never end (found by the chain fuzzer) */
    CHECK(cli_expr_parse(&e, "while(1,n/299)", err, sizeof(err)) < 0 && e == NULL);
    CHECK_MSG(strstr(err, "while loops are not allowed"), "%s", err);
    CHECK(cli_expr_parse(&e, "while\r(\r.6,n)", err, sizeof(err)) < 0);
    /* av_expr drops whitespace inside names too: "whil\re" is while */
    CHECK(cli_expr_parse(&e, "whil\re(\r.5,n/299)", err, sizeof(err)) < 0 && e == NULL);
    CHECK_MSG(strstr(err, "while loops are not allowed"), "%s", err);
    CHECK(cli_expr_parse(&e, "ro ot(ro\tot(t-1,2)-1,2)", err, sizeof(err)) < 0);
    CHECK(cli_expr_parse(&e, "s t(0, l d(0)+1)", err, sizeof(err)) == 0);
    CHECK(e && !cli_expr_is_const(e));
    cli_expr_free(&e);
    /* nested root()/taylor() multiply their ~1000 evaluations */
    CHECK(cli_expr_parse(&e, "root(root(t-1,2)-1,2)", err, sizeof(err)) < 0);
    CHECK_MSG(strstr(err, "nested root/taylor"), "%s", err);
    CHECK(cli_expr_parse(&e, "root(t-1,2)", err, sizeof(err)) == 0);
    cli_expr_free(&e);
    /* ld with a space before "(" still has state: not folded */
    CHECK(cli_expr_parse(&e, "st (0, ld (0)+1)", err, sizeof(err)) == 0);
    CHECK(e && !cli_expr_is_const(e));
    cli_expr_free(&e);
}

int main(void)
{
    test_syntax();
    test_errors();
    test_expr();
    return test_result("chain");
}
