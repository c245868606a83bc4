/* The generated registry table (see cmake/gen_registry.cmake); private to libalpn. */
#ifndef ALPN_REGISTRY_TABLE_H
#define ALPN_REGISTRY_TABLE_H

#include "alpn.h"

extern const alpn_registry_entry alpn_registry_table[];
extern const size_t alpn_registry_table_len;

#endif
