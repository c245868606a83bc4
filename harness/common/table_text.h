/*
 * The one bounded lookup of the harness's enum-to-text tables (where_name, verdict_name, the renderers' colours, ...):
 * a value outside the table, or one its designated initialisers left out (a NULL hole), gives the caller's fallback
 * instead of a read past the end or a NULL where a text was meant. Header only: every layer may use it.
 */
#ifndef ALPN_TABLE_TEXT_H
#define ALPN_TABLE_TEXT_H

#include <stddef.h>

/* table[i] of a table of n texts, or fallback when i >= n or table[i] is NULL. */
static inline const char *table_text_at(const char *const *table, size_t n, size_t i, const char *fallback)
{
    return i < n && table[i] != NULL ? table[i] : fallback;
}

/* The same for an array (not a pointer: -Wsizeof-pointer-div catches one) indexed by an enum value i; a negative i
 * converts to a size past any table. */
#define TABLE_TEXT(table, i, fallback)                                                                                 \
    table_text_at((table), sizeof(table) / sizeof((table)[0]), (size_t)(i), (fallback))

#endif
