/*
 * The one escaping core of every renderer (the reports, the matrix, the CLI's JSON): text that came from a peer, a
 * user or a file is written so that it is shown, never interpreted.
 *
 * Common rule: bytes that are not well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF) are written as the four characters \xNN, one per byte. So are control characters where the format
 * cannot show them (each byte of their UTF-8 form): C0 controls except the whitespace a format keeps, DEL, C1
 * controls (U+0080..U+009F), and for XML the non-characters U+FFFE and U+FFFF. A backslash is written as it is, so
 * "\xNN" is ambiguous with the same four characters in the input; the JSON and CLI outputs carry hex where that
 * matters.
 */
#ifndef ALPN_ESCAPE_H
#define ALPN_ESCAPE_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* XML 1.0 and HTML text and attribute values: & < > " ' as entities; newline and tab kept. The output is
 * well-formed UTF-8 holding only characters XML 1.0 allows. */
void esc_xml(FILE *f, const char *s);
void esc_xmln(FILE *f, const char *s, size_t len);

/* Markdown inline text (table cells, list items, headings), for CommonMark, GitHub Flavored Markdown and
 * Python-Markdown alike: & < > as entities (no raw HTML), ~ as &#126; (no strikethrough); | \ ` * [ ] # and an _
 * that is not between two ASCII letters or digits behind a backslash (no cell break, code span, emphasis, link or
 * heading closer); newline, carriage return and tab as a space. Bare URLs and e-mail addresses stay text but a
 * renderer with GFM's autolink extension still makes them links (no escape stops that in every renderer). */
void esc_md(FILE *f, const char *s);

/* Terminal text: no escape sequences reach the terminal (ESC and every other control but newline and tab are
 * \xNN). */
void esc_term(FILE *f, const char *s);

/* 1 when s[0..len) is well-formed UTF-8 (NUL bytes allowed). */
int esc_utf8_valid(const char *s, size_t len);

/* A well-formed UTF-8 copy of s[0..len), NUL-terminated, with every byte that is not part of well-formed UTF-8 as
 * \xNN (NUL bytes are kept, so use *out_len). Caller frees; NULL when out of memory. */
char *esc_utf8_dup(const char *s, size_t len, size_t *out_len);

/* A JSON string of s[0..len) by the same rule: jansson's json_string refuses ill-formed UTF-8 (and a json_pack
 * with it fails whole), so every string that came from input or a peer goes through here. Never NULL unless out of
 * memory. esc_json_str takes a NUL-terminated string; NULL gives JSON null. */
json_t *esc_json(const char *s, size_t len);
json_t *esc_json_str(const char *s);

#endif
