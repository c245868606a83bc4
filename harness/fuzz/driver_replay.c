/*
 * Replay driver: runs a fuzz target over files and directories (every regular file inside), so that seed corpora
 * and crash reproducers are regression tests under plain gcc. Prints the count; exits non-zero when given nothing
 * to run. A crash or a failed oracle aborts the process, which is the failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX (1u << 20)

static int run_file(const char *path)
{
    static uint8_t buf[REPLAY_MAX];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* An exact-size copy on the heap, so that AddressSanitizer sees any read past the input. */
    uint8_t *copy = malloc(n ? n : 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, buf, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    return 0;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0)
            continue; /* a target without a reproducer directory, say */
        if (!S_ISDIR(st.st_mode)) {
            runs += run_file(argv[i]) == 0;
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            char path[4096];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            runs += run_file(path) == 0;
        }
        if (d != NULL)
            closedir(d);
    }
    printf("replayed %zu inputs\n", runs);
    return runs > 0 ? 0 : 1;
}
