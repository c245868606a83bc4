/* The escaping core shared by every renderer: XML/HTML, Markdown, terminal and JSON text. */
#include "escape.h"

#include "hex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at p (1 to 4, RFC 3629 table 3), with its code point in *cp, or 0 when
 * the byte at p does not start one. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char b = p[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t k;
    unsigned char lo = 0x80, hi = 0xbf; /* range of the second byte */
    if (b >= 0xc2 && b <= 0xdf) {
        k = 2;
        *cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
        k = 3;
        *cp = b & 0x0f;
        if (b == 0xe0)
            lo = 0xa0; /* no overlong forms */
        else if (b == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (b >= 0xf0 && b <= 0xf4) {
        k = 4;
        *cp = b & 0x07;
        if (b == 0xf0)
            lo = 0x90;
        else if (b == 0xf4)
            hi = 0x8f; /* nothing above U+10FFFF */
    } else {
        return 0;
    }
    if (n < k || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 1; i < k; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (p[i] & 0x3f);
    }
    return k;
}

typedef enum { FMT_XML, FMT_MD, FMT_TERM } fmt;

/* A control character the format cannot show as it is. */
static int hidden(fmt t, uint32_t cp)
{
    if (cp == '\n' || cp == '\t')
        return 0;
    if (t == FMT_MD && cp == '\r')
        return 0; /* becomes a space */
    if (t == FMT_XML && (cp == 0xfffe || cp == 0xffff))
        return 1;
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static int ascii_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* What a format writes instead of an ASCII character (NULL: the character itself). XML: the five entities. Markdown:
 * entities for raw HTML and strikethrough, a space for line breaks and tabs, a backslash before markup. */
static const char *const xml_subst[128] = {
    ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\''] = "&#39;",
};
static const char *const md_subst[128] = {
    ['<'] = "&lt;", ['>'] = "&gt;",  ['&'] = "&amp;", ['~'] = "&#126;", ['\n'] = " ",  ['\r'] = " ",  ['\t'] = " ",
    ['|'] = "\\|",  ['\\'] = "\\\\", ['`'] = "\\`",   ['*'] = "\\*",    ['['] = "\\[", [']'] = "\\]", ['#'] = "\\#",
};
static const char *const term_subst[128] = {NULL};
static const char *const *const subst[] = {[FMT_XML] = xml_subst, [FMT_MD] = md_subst, [FMT_TERM] = term_subst};

static void put_ascii(FILE *f, fmt t, const unsigned char *p, size_t i, size_t n)
{
    int c = p[i];
    if (subst[t][c] != NULL) {
        fputs(subst[t][c], f);
        return;
    }
    /* Markdown: an underscore between two ASCII letters or digits opens no emphasis and stays bare. */
    if (t == FMT_MD && c == '_' && !(i > 0 && ascii_alnum(p[i - 1]) && i + 1 < n && ascii_alnum(p[i + 1])))
        fputc('\\', f);
    fputc(c, f);
}

static void walk(FILE *f, fmt t, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        uint32_t cp = 0;
        size_t k = utf8_seq(p + i, n - i, &cp);
        if (k == 0 || hidden(t, cp)) {
            size_t m = k ? k : 1;
            for (size_t j = 0; j < m; j++) {
                char esc[5];
                hex_escape(p[i + j], esc);
                if (t == FMT_MD)
                    fputc('\\', f); /* as every backslash in Markdown (put_ascii): shown, never markup */
                fputs(esc, f);
            }
            i += m;
        } else if (k == 1) {
            put_ascii(f, t, p, i, n);
            i++;
        } else {
            fwrite(p + i, 1, k, f);
            i += k;
        }
    }
}

void esc_xmln(FILE *f, const char *s, size_t len)
{
    walk(f, FMT_XML, s, len);
}

void esc_xml(FILE *f, const char *s)
{
    walk(f, FMT_XML, s, strlen(s));
}

void esc_md(FILE *f, const char *s)
{
    walk(f, FMT_MD, s, strlen(s));
}

void esc_term(FILE *f, const char *s)
{
    walk(f, FMT_TERM, s, strlen(s));
}

int esc_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_seq(p + i, len - i, &cp);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

char *esc_utf8_dup(const char *s, size_t len, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    char *out = malloc(4 * len + 1); /* at most \xNN per byte */
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_seq(p + i, len - i, &cp);
        if (k == 0) {
            o += hex_escape(p[i], out + o);
            i++;
        } else {
            memcpy(out + o, p + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    if (out_len != NULL)
        *out_len = o;
    return out;
}

json_t *esc_json(const char *s, size_t len)
{
    if (esc_utf8_valid(s, len))
        return json_stringn(s, len);
    size_t n;
    char *t = esc_utf8_dup(s, len, &n);
    if (t == NULL)
        return NULL;
    json_t *j = json_stringn(t, n);
    free(t);
    return j;
}

json_t *esc_json_str(const char *s)
{
    return s == NULL ? json_null() : esc_json(s, strlen(s));
}
