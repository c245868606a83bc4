/* A program of another project using an installed libalpn (tests/install_check.sh builds it with pkg-config, against
 * the shared and the static library): it decodes a ClientHello offer, selects as a server preferring h2, formats the
 * offer as an ALPN header value, and looks the selected name up in the registry. Prints one line per step; the test
 * compares the output. Exit 0 when every call gave what the RFCs require, 1 otherwise. */
#include <alpn.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    /* extension_data offering GREASE 0x3A3A, "http/1.1", then "h2" (client preference: http/1.1 first). */
    static const uint8_t offer[] = {0x00, 0x0f, 0x02, 0x3a, 0x3a, 0x08, 'h', 't', 't',
                                    'p',  '/',  '1',  '.',  '1',  0x02, 'h', '2'};
    /* The same list with its last name's length running past the end. */
    static const uint8_t broken[] = {0x00, 0x04, 0x02, 'h', '2', 0x05};
    const alpn_name server[] = {{(const uint8_t *)"h2", 2}, {(const uint8_t *)"http/1.1", 8}};
    alpn_error err;
    size_t count = 0, sel = 0, idx = 0;
    int ok = 1;

    int rc = alpn_list_validate(offer, sizeof offer, ALPN_ROLE_CLIENT, &count, &err);
    printf("validate: %s, %zu names\n", alpn_strerror(rc), count);
    ok &= rc == ALPN_OK && count == 3;

    alpn_iter it;
    alpn_name n;
    alpn_iter_init(&it, offer, sizeof offer);
    printf("names:");
    while (alpn_iter_next(&it, &n)) {
        if (alpn_is_grease(n.data, n.len))
            printf(" (GREASE)");
        else
            printf(" %.*s", (int)n.len, (const char *)n.data);
    }
    printf("\n");

    rc = alpn_select(server, 2, offer, sizeof offer, ALPN_PREFER_SERVER, &sel, &idx, &err);
    printf("select: %s, server[%zu] = %.*s, client index %zu\n", alpn_strerror(rc), sel, (int)server[sel].len,
           (const char *)server[sel].data, idx);
    ok &= rc == ALPN_OK && sel == 0 && idx == 2;

    rc = alpn_select(server, 2, broken, sizeof broken, ALPN_PREFER_SERVER, &sel, NULL, &err);
    printf("select broken: alert %d (%s), %s at byte %zu\n", rc, alpn_strerror(rc), err.check, err.offset);
    ok &= rc == ALPN_DECODE_ERROR;

    char value[64];
    size_t vlen = 0;
    rc = alpn_header_format(offer, sizeof offer, value, sizeof value, &vlen, &err);
    printf("header: %.*s\n", (int)vlen, value);
    ok &= rc == ALPN_OK;

    const alpn_registry_entry *e = alpn_registry_find((const uint8_t *)"h2", 2);
    printf("registry: h2 is %s (%s)\n", e ? e->protocol : "unknown", e ? e->reference : "-");
    ok &= e != NULL;

    printf("version: %s\n", ALPN_VERSION);
    return ok ? 0 : 1;
}
