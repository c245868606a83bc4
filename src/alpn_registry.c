/* Registry lookups and the GREASE rule. */
#include <string.h>

#include "alpn_registry_table.h"

const alpn_registry_entry *alpn_registry(size_t *count)
{
    if (count != NULL)
        *count = alpn_registry_table_len;
    return alpn_registry_table;
}

const alpn_registry_entry *alpn_registry_find(const uint8_t *name, size_t len)
{
    if (name == NULL || len == 0)
        return NULL;
    for (size_t i = 0; i < alpn_registry_table_len; i++) {
        const alpn_name *n = &alpn_registry_table[i].name;
        /* RFC 7301 §3.1: identification sequences are compared as exact byte strings. */
        if (n->len == len && memcmp(n->data, name, len) == 0)
            return &alpn_registry_table[i];
    }
    return NULL;
}

int alpn_is_grease(const uint8_t *name, size_t len)
{
    /* RFC 8701 §2: the GREASE ALPN identifiers are the two-byte sequences {0x?A, 0x?A} with both bytes equal:
     * 0x0A0A, 0x1A1A, ..., 0xFAFA. */
    return name != NULL && len == 2 && name[0] == name[1] && (name[0] & 0x0f) == 0x0a;
}
