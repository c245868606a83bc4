/*
 * alpn-adapter-nghttp2: nghttp2's ALPN selection helper behind the vector line protocol (vectors/FORMAT.md).
 *
 * nghttp2_select_alpn (nghttp2 >= 1.58; on older versions such as Debian 12's 1.52, nghttp2_select_next_protocol,
 * which does the same job) takes only the client's list: its server side is fixed, h2 first, then http/1.1. So the
 * adapter answers a `select` request only when the group's server list, once GREASE values are dropped (a server
 * never selects them, RFC 8701 §3), is
 *   h2, http/1.1   the function's own preference: its answer is reported as it is;
 *   h2             an h2 selection is reported; anything else (http/1.1 or nothing) is no overlap for this server;
 * and skips every other server list with the reason. The client's list is passed as the protocol_name_list body
 * (the 2-byte length is stripped without checking it, an offer under 2 bytes becomes an empty body); the function
 * validates nothing, and what it does with a malformed offer is reported. No selection gives `error 120`
 * (no_application_protocol, RFC 7301 §3.2).
 */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <string.h>

#include "adapter_io.h"

static int is_grease(const uint8_t *p, size_t n)
{
    return n == 2 && p[0] == p[1] && (p[0] & 0x0f) == 0x0a;
}

/* 2: the server list is h2, http/1.1; 1: h2 alone; 0: anything else (or malformed). */
static int server_shape(const uint8_t *ext, size_t len)
{
    static const char *const want[] = {"h2", "http/1.1"};
    size_t n = 0, pos = 2;
    if (len < 2 || (size_t)(ext[0] << 8 | ext[1]) != len - 2)
        return 0;
    while (pos < len) {
        size_t l = ext[pos];
        if (l == 0 || pos + 1 + l > len)
            return 0;
        const uint8_t *p = ext + pos + 1;
        pos += 1 + l;
        if (is_grease(p, l))
            continue;
        if (n >= 2 || l != strlen(want[n]) || memcmp(p, want[n], l) != 0)
            return 0;
        n++;
    }
    return (int)n;
}

static int select_fn(const unsigned char **out, unsigned char *outlen, const unsigned char *in, unsigned int inlen)
{
#if NGHTTP2_VERSION_NUM >= 0x013a00
    return nghttp2_select_alpn(out, outlen, in, inlen);
#else
    unsigned char *o = NULL;
    int rc = nghttp2_select_next_protocol(&o, outlen, in, inlen);
    *out = o;
    return rc;
#endif
}

static void do_select(const adapter_select_args *a)
{
    int shape = server_shape(a->server, a->server_len);
    if (shape == 0) {
        adapter_skip("server list is not h2,http/1.1 or h2 (nghttp2's preference is fixed: h2, then http/1.1)");
        return;
    }
    const unsigned char *out = NULL;
    unsigned char outlen = 0;
    int rc = select_fn(&out, &outlen, a->client_body, a->client_body_len);
    /* rc 1: h2 selected, 0: http/1.1, -1: nothing. With a server of h2 alone only rc 1 is a selection. */
    adapter_selected(rc == 1 || (rc == 0 && shape == 2) ? out : NULL, outlen);
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "nghttp2-%s", nghttp2_version(0)->version_str);
    adapter_select_loop("alpn-adapter-nghttp2", name, do_select, "nghttp2 has no public function for this family");
    return 0;
}
