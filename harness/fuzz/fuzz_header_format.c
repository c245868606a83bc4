/*
 * RFC 7639 ALPN header field formatting, with the input read
 *   as extension_data: a valid list survives extension_data → alpn_header_format → alpn_header_parse byte for byte,
 *     a malformed one is decode_error from the formatter;
 *   as one name (1..255 bytes): alpn_pid_encode → alpn_pid_decode strict gives the name back; other lengths are
 *     ALPN_E_ARGUMENT.
 * fuzz_header reads the input as a field value. Buffers too small (exact-size heap blocks, so ASan sees a write past
 * them) give ALPN_E_BUFFER and the size needed.
 */
#include "header_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int format_list(const void *ctx, void *out, size_t cap, size_t *need)
{
    const write_ctx *c = ctx;
    return alpn_header_format(c->in, c->len, out, cap, need, NULL);
}

static int encode_pid(const void *ctx, void *out, size_t cap, size_t *need)
{
    const write_ctx *c = ctx;
    return alpn_pid_encode(c->in, c->len, out, cap, need, NULL);
}

static void extension_data(const uint8_t *data, size_t size)
{
    size_t f_len = 0;
    if (alpn_list_validate(data, size, ALPN_ROLE_CLIENT, NULL, NULL) != ALPN_OK) {
        /* The formatter validates as a client list does: a malformed list is decode_error, never a header. */
        if (alpn_header_format(data, size, canon, sizeof canon, &f_len, NULL) != ALPN_DECODE_ERROR)
            abort();
        return;
    }
    if (alpn_header_format(data, size, canon, sizeof canon, &f_len, NULL) != ALPN_OK)
        abort();
    parsed p = parse(canon, f_len, ALPN_HDR_STRICT, ext_again);
    if (p.rc != ALPN_OK || p.len != size || memcmp(ext_again, data, size) != 0)
        abort();
    /* The buffer contract, cut at an input-dependent point. */
    const write_ctx in = {data, size, ALPN_HDR_STRICT};
    buffer_contract(format_list, &in, (data[size - 1] * 257u + size) % f_len, f_len);
}

static void one_name(const uint8_t *name, size_t size)
{
    static uint8_t back[ALPN_NAME_MAX];
    size_t pid_len = 0, back_len = 0;
    int rc = alpn_pid_encode(name, size, canon, sizeof canon, &pid_len, NULL);
    if (size == 0 || size > ALPN_NAME_MAX) {
        if (rc != ALPN_E_ARGUMENT)
            abort();
        return;
    }
    if (rc != ALPN_OK ||
        alpn_pid_decode(canon, pid_len, ALPN_HDR_STRICT, back, sizeof back, &back_len, NULL) != ALPN_OK)
        abort();
    if (back_len != size || memcmp(back, name, size) != 0)
        abort();
    const write_ctx in = {name, size, ALPN_HDR_STRICT};
    buffer_contract(encode_pid, &in, name[0] % pid_len, pid_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    extension_data(data, size);
    one_name(data, size);
    return 0;
}
