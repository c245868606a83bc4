/*
 * AFL++ driver in persistent mode: one process runs many inputs from shared memory (__AFL_LOOP), built with
 * afl-clang-fast. Compiled by another compiler (a stray build), it reads one input from a file argument or standard
 * input instead, so the same binary still reproduces a finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* read(): __AFL_FUZZ_TESTCASE_LEN falls back to standard input without the shared memory */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Larger than any input the targets look at. */
#define AFL_INPUT_MAX (1u << 20)

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

/* The targets see an exact-size heap copy, as under libFuzzer, so that an ASan build (AFL_USE_ASAN=1) catches a read
 * one byte past the input; the shared-memory buffer itself is much larger than the input. */
static void run(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
}

int main(int argc, char **argv)
{
#ifdef __AFL_FUZZ_TESTCASE_LEN
    (void)argc;
    (void)argv;
    __AFL_INIT();
    const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF; /* after __AFL_INIT, never inside the loop */
    while (__AFL_LOOP(100000)) {
        size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
        run(buf, len > AFL_INPUT_MAX ? AFL_INPUT_MAX : len);
    }
    return 0;
#else
    static uint8_t buf[AFL_INPUT_MAX];
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : stdin;
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }
    size_t n = fread(buf, 1, sizeof buf, f);
    if (f != stdin)
        fclose(f);
    run(buf, n);
    return 0;
#endif
}
