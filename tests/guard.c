#include "guard.h"

#include "hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint8_t *region;      /* readable pages followed by one PROT_NONE page */
static size_t region_data;   /* bytes of the readable part */

static void guard_init(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    region_data = (GUARD_MAX + page - 1) / page * page;
    void *m = mmap(NULL, region_data + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect((uint8_t *)m + region_data, page, PROT_NONE) != 0) {
        perror("guard: mmap/mprotect");
        abort();
    }
    region = m;
}

const uint8_t *guard_place(const void *data, size_t len)
{
    if (region == NULL)
        guard_init();
    if (len > GUARD_MAX) {
        fprintf(stderr, "guard: input of %zu bytes exceeds GUARD_MAX\n", len);
        abort();
    }
    uint8_t *p = region + region_data - len;
    if (len > 0)
        memcpy(p, data, len);
    return p;
}

size_t guard_hex(const char *hex, uint8_t *out, size_t out_cap)
{
    long n = hex_decode(hex, strlen(hex), HEX_LOOSE, out, out_cap, NULL);
    return n < 0 ? (size_t)-1 : (size_t)n;
}
