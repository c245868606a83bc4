/* A deliberately broken target: on input starting "BOOM" it reads one byte past the input. It must be caught —
 * proof that the sanitizers are really on (make check runs it under ASan and expects the failure). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

volatile uint8_t fuzz_negative_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 4 && memcmp(data, "BOOM", 4) == 0)
        fuzz_negative_sink = data[size]; /* the deliberate over-read */
    return 0;
}
