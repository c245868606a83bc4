/*
 * Real consumers of the rendered reports, for the renderer tests: Markdown renderers from Debian (cmark-gfm, the
 * GitHub Flavored Markdown reference; python3-markdown) and the XML schema validator (xmllint). make check installs
 * them (PKGS_REPORTS in the Makefile).
 */
#ifndef ALPN_TEST_CONSUMERS_H
#define ALPN_TEST_CONSUMERS_H

#include <stddef.h>

/* Markdown → HTML with a real renderer: "cmark-gfm" (tables, autolinks, strikethrough, raw HTML let through as
 * GitHub's renderer sees it before its sanitiser) or "python-markdown" (with its tables extension). Returns the
 * HTML (caller frees), or NULL with the reason in err. */
char *consumer_markdown(const char *renderer, const char *markdown, char *err, size_t cap);

/* The element tags of html in order, as "tr,td,/td,...": what a page's structure is made of (attributes, text and
 * comments left out; a comment counts as "!--"). Caller frees. */
char *consumer_tags(const char *html);

/* The text of html as a browser shows it: tags removed; &lt; &gt; &amp; &quot; &#39; and numeric references
 * decoded (ASCII only). Caller frees. */
char *consumer_text(const char *html);

/* Validates the XML file at path against the schema file with xmllint --schema. 0 when valid, else -1 with
 * xmllint's complaint in err. */
int consumer_xsd(const char *schema, const char *path, char *err, size_t cap);

/* Runs a shell command; returns its standard output and error (caller frees) and sets *status (exit status, or
 * -1 when it did not exit normally). */
char *consumer_run(const char *cmd, int *status);

/* Writes text to a new temporary file whose name ends in suffix; the path goes to path (at least 64 bytes). */
void consumer_temp(char *path, const char *suffix, const char *text, size_t len);

#endif
