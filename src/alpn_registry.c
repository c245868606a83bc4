/* Registry lookups and the GREASE rule. */
#include <string.h>

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
    return alpn_grease_value(name, len);
}
