/*
 * alpn-adapter-openssl: OpenSSL's SSL_select_next_proto behind the vector line protocol (vectors/FORMAT.md).
 *
 * Only `select` is announced: OpenSSL has no public parser of a ProtocolNameList to offer for `list` (its
 * extension parser is internal to the handshake), and nothing for the HTTP header.
 *
 * What is tested is the function as an ALPN server callback calls it, unchanged:
 *   SSL_select_next_proto(&out, &outlen, server, server_len, client, client_len)
 * with the server's list first (its preference decides, RFC 7301 §3.2) and both lists as protocol_name_list bodies
 * (no 2-byte length: the adapter strips it without checking it; an offer under 2 bytes becomes an empty body). The
 * function validates nothing: whatever it returns for a malformed offer is reported as it is. OPENSSL_NPN_NEGOTIATED
 * gives `ok NAME`; OPENSSL_NPN_NO_OVERLAP (for which it points out at the client's first name, the NPN fallback)
 * gives `error 120`, the alert an ALPN server sends for no overlap (RFC 7301 §3.2).
 */
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter_io.h"

#define HEX_MAX (ADAPTER_LINE_MAX / 2)

static char line[ADAPTER_LINE_MAX + 2];
static uint8_t server[HEX_MAX], client[HEX_MAX];

static void do_select(const adapter_request *req)
{
    if (req->n != 4) {
        fprintf(stderr, "alpn-adapter-openssl: select needs TCID SERVERNAMESHEX CLIENTEXTHEX\n");
        adapter_error("-");
        return;
    }
    long sl = adapter_hex(req->field[2], server, sizeof server);
    long cl = adapter_hex(req->field[3], client, sizeof client);
    if (sl < 0 || cl < 0) {
        fprintf(stderr, "alpn-adapter-openssl: tcId %s: bad hex\n", req->field[1]);
        adapter_error("-");
        return;
    }
    if (sl < 2) {
        adapter_skip("server list under 2 bytes");
        return;
    }
    unsigned char *out = NULL, outlen = 0;
    const unsigned char *body = cl >= 2 ? client + 2 : client;
    unsigned int body_len = cl >= 2 ? (unsigned int)(cl - 2) : 0;
    int rc = SSL_select_next_proto(&out, &outlen, server + 2, (unsigned int)(sl - 2), body, body_len);
    if (rc == OPENSSL_NPN_NEGOTIATED && out != NULL) {
        const uint8_t *names[1] = {out};
        size_t lens[1] = {outlen};
        adapter_ok_names(names, lens, 1);
    } else {
        adapter_error("120");
    }
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "openssl-%s", OpenSSL_version(OPENSSL_VERSION_STRING));
    adapter_hello(name, "select");
    adapter_request req;
    int r;
    while ((r = adapter_next(line, sizeof line, &req)) != 0) {
        if (r < 0) {
            fprintf(stderr, "alpn-adapter-openssl: request line too long or with too many fields\n");
            adapter_error("-");
        } else if (strcmp(req.field[0], "select") == 0) {
            do_select(&req);
        } else {
            adapter_skip("OpenSSL has no public function for this family");
        }
    }
    return 0;
}
