/*
 * Replay driver: runs a fuzz target over files and directories (every regular file inside, in name order), so that
 * seed corpora and crash reproducers are regression tests under plain gcc. A crash or a failed oracle aborts the
 * process, which is the failure. Exits 1 when an input cannot be read or nothing at all was replayed; a missing
 * argument is skipped (a target without a reproducer directory, say).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger than any input the targets look at (an ALPN list is at most 65537 bytes, a TLS record 16 KiB + 256). */
#define REPLAY_MAX (1u << 20)

static int run_file(const char *path)
{
    static uint8_t buf[REPLAY_MAX + 1];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > REPLAY_MAX) {
        fprintf(stderr, "%s: %s\n", path, bad ? "read error" : "larger than 1 MiB");
        return -1;
    }
    /* An exact-size copy on the heap, so that AddressSanitizer sees any read past the input. */
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
    size_t runs = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue;
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) == 0)
                runs++;
            else
                failed++;
            continue;
        }
        struct dirent **list;
        int n = scandir(argv[i], &list, skip_hidden, by_name);
        if (n < 0) {
            perror(argv[i]);
            failed++;
            continue;
        }
        for (int j = 0; j < n; j++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], list[j]->d_name);
            if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) == 0)
                    runs++;
                else
                    failed++;
            }
            free(list[j]);
        }
        free(list);
    }
    printf("replayed %zu inputs%s\n", runs, failed ? ", some could not be read" : "");
    return runs > 0 && failed == 0 ? 0 : 1;
}
