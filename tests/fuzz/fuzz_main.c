/* A main() for the fuzz targets outside libFuzzer (like libass's fuzz/fuzz.c):
 * runs LLVMFuzzerTestOneInput once on each file named on the command line,
 * or on each file in a named directory, so the corpus of inputs that once
 * crashed runs as a regression test in every build (gcc, ASan, valgrind). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "fuzz: cannot open %s\n", path);
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n, fp)) > 0;) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(buf, cap *= 2);
            if (!bigger) free(buf);
            buf = bigger;
        }
    }
    fclose(fp);
    if (!buf) {
        fprintf(stderr, "fuzz: out of memory reading %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The files of a directory, in name order (so runs are repeatable). */
static int run_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ret = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));
            if (!more) { ret = -1; break; }
            names = more;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) { ret = -1; break; }
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    if (n) qsort(names, n, sizeof(*names), compare);
    for (size_t i = 0; i < n; i++) {
        if (ret == 0 && run_file(names[i]) < 0) ret = -1;
        free(names[i]);
    }
    free(names);
    *count += (int)n;
    return ret;
}

int main(int argc, char **argv)
{
    int count = 0, ret = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz: %s does not exist\n", argv[i]);
            ret = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (run_dir(argv[i], &count) < 0) ret = 1;
        } else {
            if (run_file(argv[i]) < 0) ret = 1;
            count++;
        }
    }
    printf("%s: %d input%s ran\n", argv[0], count, count == 1 ? "" : "s");
    return ret;
}
