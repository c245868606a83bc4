#include "vec_buf.h"

#include <stdlib.h>
#include <string.h>

#include "hex.h"

/* Room for n more bytes. */
static int reserve(vbuf *b, size_t n)
{
    if (n > SIZE_MAX / 2 - b->len)
        return -1;
    if (b->len + n <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
        cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (p == NULL)
        return -1;
    b->p = p;
    b->cap = cap;
    return 0;
}

int vbuf_put(vbuf *b, const void *data, size_t n)
{
    if (reserve(b, n))
        return -1;
    if (n > 0)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    return 0;
}

int vbuf_str(vbuf *b, const char *s)
{
    return vbuf_put(b, s, strlen(s));
}

int vbuf_put_unhex(vbuf *b, const char *s, size_t n, unsigned flags, size_t *bad_at)
{
    if (reserve(b, n / 2 + 1))
        return HEX_TOO_LONG;
    long got = hex_decode(s, n, flags, b->p + b->len, n / 2 + 1, bad_at);
    if (got < 0)
        return (int)got;
    b->len += (size_t)got;
    return 0;
}

int vbuf_put_hex(vbuf *b, const uint8_t *p, size_t n)
{
    if (reserve(b, 2 * n + 1)) /* hex_encode ends with a NUL, which is not kept */
        return -1;
    b->len += hex_encode(p, n, (char *)b->p + b->len);
    return 0;
}

int vbuf_eq(const vbuf *a, const vbuf *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

void vbuf_free(vbuf *b)
{
    free(b->p);
    *b = (vbuf){0};
}

int names_add(vbuf *names, const uint8_t *name, size_t n)
{
    uint8_t hdr[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    return vbuf_put(names, hdr, 4) || vbuf_put(names, name, n) ? -1 : 0;
}

int names_next(const vbuf *names, size_t *pos, const uint8_t **name, size_t *n)
{
    if (*pos + 4 > names->len)
        return 0;
    const uint8_t *h = names->p + *pos;
    *n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
    *name = h + 4;
    *pos += 4 + *n;
    return 1;
}

alpn_name *names_array(const vbuf *names, size_t *n)
{
    size_t count = 0, pos = 0, len;
    const uint8_t *name;
    while (names_next(names, &pos, &name, &len))
        count++;
    alpn_name *arr = calloc(count ? count : 1, sizeof *arr);
    if (arr == NULL)
        return NULL;
    pos = 0;
    for (size_t i = 0; names_next(names, &pos, &name, &len); i++)
        arr[i] = (alpn_name){name, len};
    *n = count;
    return arr;
}

int names_put_ext(vbuf *names, const uint8_t *ext, size_t len)
{
    alpn_iter it;
    alpn_name nm;
    alpn_iter_init(&it, ext, len);
    while (alpn_iter_next(&it, &nm))
        if (names_add(names, nm.data, nm.len))
            return -1;
    return 0;
}

int names_of_ext(const vbuf *ext, vbuf *names)
{
    names->len = 0;
    if (alpn_list_validate(ext->p, ext->len, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK)
        return -1;
    return names_put_ext(names, ext->p, ext->len);
}

int ext_from_names(const vbuf *names, vbuf *ext)
{
    size_t pos = 0, n, total = 0;
    const uint8_t *name;
    ext->len = 0;
    uint8_t zero[2] = {0, 0};
    if (vbuf_put(ext, zero, 2))
        return -1;
    while (names_next(names, &pos, &name, &n)) {
        if (n > ALPN_NAME_MAX)
            return -1;
        uint8_t l = (uint8_t)n;
        if (vbuf_put(ext, &l, 1) || vbuf_put(ext, name, n))
            return -1;
        total += 1 + n;
    }
    if (total > ALPN_LIST_MAX)
        return -1;
    ext->p[0] = (uint8_t)(total >> 8);
    ext->p[1] = (uint8_t)total;
    return 0;
}
