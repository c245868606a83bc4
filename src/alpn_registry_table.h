/* The registry table that cmake/gen_registry.cmake generates from src/registry.tsv; private to libalpn. Declared
 * here so that the generated file and alpn_registry.c agree on the types. */
#ifndef ALPN_REGISTRY_TABLE_H
#define ALPN_REGISTRY_TABLE_H

#include <stddef.h>

#include "alpn.h"

/* In data-file order. Names carry explicit lengths: they may hold NUL and non-ASCII bytes. */
extern const alpn_registry_entry alpn_registry_table[];
extern const size_t alpn_registry_table_len;

#endif
