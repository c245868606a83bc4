/*
 * Registry lookups and the GREASE rule. The table itself is generated from src/registry.tsv at build time.
 */
#include <string.h>

#include "alpn.h"
#include "alpn_internal.h"
#include "alpn_registry_table.h"

const alpn_registry_entry *alpn_registry(size_t *count)
{
    if (count != NULL)
        *count = alpn_registry_table_len;
    return alpn_registry_table;
}

const alpn_registry_entry *alpn_registry_find(const uint8_t *name, size_t len)
{
    /* RFC 7301 §3.1: ProtocolName<1..2^8-1> — no empty name is ever in the table, so there is nothing to find. */
    if (name == NULL || len == 0)
        return NULL;
    for (size_t i = 0; i < alpn_registry_table_len; i++) {
        const alpn_name *n = &alpn_registry_table[i].name;
        /* RFC 7301 §3.1: names are opaque byte strings — equal only when the lengths and every byte are equal (no
         * case folding, no prefix match, NUL is data). The length is compared first so memcmp never reads past the
         * caller's input. */
        if (n->len == len && memcmp(n->data, name, len) == 0)
            return &alpn_registry_table[i];
    }
    return NULL;
}

int alpn_is_grease(const uint8_t *name, size_t len)
{
    /* RFC 8701 §2: the GREASE ALPN identifiers are exactly the two-byte names {0x?A, 0x?A} with both bytes equal.
     * Computed, not looked up, by the same inline rule that selection uses (alpn_internal.h), so the two can never
     * disagree; it checks the length before touching a byte, so (NULL, 0) is safe. */
    return alpn_grease_value(name, len);
}
