/* The escaping core: UTF-8 well-formedness, and what each format shows for every kind of byte. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "testkit.h"

/* An input and what a format's escaper writes for it. */
struct esc_case {
    const char *in, *want;
};

static void expect_escapes(void (*fn)(FILE *, const char *), const struct esc_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        tk_capture c;
        fn(tk_capture_open(&c), cases[i].in);
        char *got = tk_capture_take(&c);
        cr_expect_str_eq(got, cases[i].want, "case %zu", i);
        free(got);
    }
}

#define EXPECT_ESCAPES(fn, cases) expect_escapes(fn, cases, sizeof cases / sizeof cases[0])

Test(escape, utf8_well_formedness)
{
    static const struct {
        const char *bytes;
        size_t len;
        int valid;
    } cases[] = {
        {"", 0, 1},
        {"h2", 2, 1},
        {"a\0b", 3, 1},             /* NUL is a character */
        {"\xc3\xa9", 2, 1},         /* é */
        {"\xe2\x80\x94", 3, 1},     /* em dash */
        {"\xf0\x9f\x98\x80", 4, 1}, /* U+1F600 */
        {"\xf4\x8f\xbf\xbf", 4, 1}, /* U+10FFFF */
        {"\xef\xbf\xbf", 3, 1},     /* U+FFFF: UTF-8, though not for XML */
        {"\xff", 1, 0},             /* never in UTF-8 */
        {"\xc3", 1, 0},             /* truncated */
        {"\xe2\x80", 2, 0},         /* truncated */
        {"\xc0\xaf", 2, 0},         /* overlong '/' */
        {"\xc1\xbf", 2, 0},         /* overlong */
        {"\xe0\x9f\xbf", 3, 0},     /* overlong */
        {"\xf0\x8f\xbf\xbf", 4, 0}, /* overlong */
        {"\xed\xa0\x80", 3, 0},     /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, 0}, /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 4, 0}, /* above U+10FFFF */
        {"\x80", 1, 0},             /* lone continuation */
        {"\xc3\x28", 2, 0},         /* continuation missing */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(esc_utf8_valid(cases[i].bytes, cases[i].len), cases[i].valid, "case %zu", i);
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

Test(escape, xml_and_html)
{
    static const struct esc_case cases[] = {
        {"<a href='x'>\"&\"</a>]]>", "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;]]&gt;"},
        /* Newline and tab stay; other controls, DEL, C1 controls, U+FFFE/U+FFFF and ill-formed bytes are \xNN. */
        {"a\nb\tc\rd\x01\x7f\xc2\x85\xef\xbf\xbe\xef\xbf\xbf\xff \xc3\xa9\xe2\x80\x94",
         "a\nb\tc\\x0dd\\x01\\x7f\\xc2\\x85\\xef\\xbf\\xbe\\xef\\xbf\\xbf\\xff \xc3\xa9\xe2\x80\x94"},
    };
    EXPECT_ESCAPES(esc_xml, cases);
}

Test(escape, markdown)
{
    static const struct esc_case cases[] = {
        {"<b>|`*[x]\\#~&", "&lt;b&gt;\\|\\`\\*\\[x\\]\\\\\\#&#126;&amp;"},
        /* An underscore between ASCII letters or digits cannot open or close emphasis and stays bare
         * (illegal_parameter, s_client); anywhere else it is escaped. */
        {"illegal_parameter _x_ a__b x_ _1 a_\xc3\xa9", "illegal_parameter \\_x\\_ a\\_\\_b x\\_ \\_1 a\\_\xc3\xa9"},
        {"a\nb\r\tc\x01\xff", "a b  c\\\\x01\\\\xff"},
    };
    EXPECT_ESCAPES(esc_md, cases);
}

Test(escape, terminal)
{
    static const struct esc_case cases[] = {
        {"ok\t<b> \x1b[2J\x07\r\n\xc2\x9b\xff\xc3\xa9", "ok\t<b> \\x1b[2J\\x07\\x0d\n\\xc2\\x9b\\xff\xc3\xa9"},
    };
    EXPECT_ESCAPES(esc_term, cases);
}
