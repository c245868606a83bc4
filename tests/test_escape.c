/* The escaping core: UTF-8 well-formedness, and what each format shows for every kind of byte. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases.h"
#include "escape.h"
#include "testkit.h"

/* tests/cases/utf8.json: bytes (hex) and whether they are well-formed UTF-8 (RFC 3629 §3, §4). */
Test(escape, utf8_well_formedness)
{
    static const char *const verdicts[] = {"ill-formed", "well-formed"};
    static const int valid[] = {0, 1}; /* what esc_utf8_valid returns */
    case_file f;
    cases_open(&f, "utf8");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        uint8_t bytes[16];
        size_t len = case_hex(c, "bytes", bytes, sizeof bytes);
        cr_expect_eq(esc_utf8_valid((const char *)bytes, len), CASE_CODE(c, "utf8", verdicts, valid), "%s",
                     case_name(c));
    }
    cases_close(&f);
}

Test(escape, json_strings_are_always_made)
{
    /* json_stringn refuses these; esc_json gives them as \xNN, and keeps what is UTF-8 (NUL included). */
    json_t *j = esc_json("h2\xff\xc3(\xed\xa0\x80 \xc3\xa9", 12);
    cr_assert_not_null(j);
    cr_expect_str_eq(json_string_value(j), "h2\\xff\\xc3(\\xed\\xa0\\x80 \xc3\xa9");
    json_decref(j);
    j = esc_json("a\0b", 3);
    cr_assert_not_null(j);
    cr_expect_eq(json_string_length(j), 3);
    json_decref(j);
    j = esc_json_str(NULL);
    cr_expect(json_is_null(j));
    json_decref(j);
    size_t n = 0;
    char *d = esc_utf8_dup("\x80x", 2, &n);
    cr_expect_str_eq(d, "\\x80x");
    cr_expect_eq(n, 5);
    free(d);
}

/* tests/cases/escape.json: what a format's escaper (xml also serves HTML) writes for an input, given as text or, when
 * it is not UTF-8, as in_hex. */
Test(escape, formats)
{
    static const char *const formats[] = {"xml", "markdown", "terminal"};
    static void (*const escapers[])(FILE *, const char *) = {esc_xml, esc_md, esc_term};
    case_file f;
    cases_open(&f, "escape");
    for (size_t i = 0; i < f.n; i++) {
        const json_t *c = cases_at(&f, i);
        char bytes[256];
        const char *in = case_bytes_str(c, "in", bytes, sizeof bytes), *want = case_text(c, "want", NULL);
        cr_assert(in != NULL && want != NULL, "%s: in (or in_hex) and want", case_name(c));
        tk_capture cap;
        CASE_CODE(c, "format", formats, escapers)(tk_capture_open(&cap), in);
        char *got = tk_capture_take(&cap);
        cr_expect_str_eq(got, want, "%s", case_name(c));
        free(got);
    }
    cases_close(&f);
}
