/* Real consumers of the rendered reports (see consumers.h). */
#include "consumers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *consumer_run(const char *cmd, int *status)
{
    char full[4096];
    snprintf(full, sizeof full, "(%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (p == NULL) {
        *status = -1;
        return strdup("");
    }
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    size_t got;
    while (out != NULL && (got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    if (out != NULL)
        out[n] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

void consumer_temp(char *path, const char *suffix, const char *text, size_t len)
{
    snprintf(path, 64, "/tmp/alpncheck-consumer-XXXXXX%s", suffix);
    int fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0) {
        perror(path);
        abort();
    }
    if (write(fd, text, len) != (ssize_t)len)
        abort();
    close(fd);
}

char *consumer_markdown(const char *renderer, const char *markdown, char *err, size_t cap)
{
    char path[64], cmd[512];
    consumer_temp(path, ".md", markdown, strlen(markdown));
    if (strcmp(renderer, "cmark-gfm") == 0)
        snprintf(cmd, sizeof cmd, "cmark-gfm --unsafe -e table -e autolink -e strikethrough %s", path);
    else
        snprintf(cmd, sizeof cmd, "/usr/bin/python3 -m markdown -x tables %s", path);
    int status;
    char *html = consumer_run(cmd, &status);
    unlink(path);
    if (status != 0) {
        snprintf(err, cap, "%s failed (status %d; make deps-check installs it): %.300s", renderer, status,
                 html ? html : "");
        free(html);
        return NULL;
    }
    return html;
}

char *consumer_tags(const char *html)
{
    size_t cap = strlen(html) + 1, n = 0;
    char *out = calloc(cap, 1);
    for (const char *p = html; (p = strchr(p, '<')) != NULL; p++) {
        const char *q = p + 1;
        size_t len = strspn(q, "/!-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (len == 0)
            continue; /* a '<' the renderer left as text (it would not be: then it is a finding for the caller) */
        if (len > 3 && strncmp(q, "!--", 3) == 0)
            len = 3;
        if (n + len + 2 > cap)
            break;
        if (n > 0)
            out[n++] = ',';
        memcpy(out + n, q, len);
        n += len;
    }
    return out;
}

char *consumer_text(const char *html)
{
    size_t n = 0;
    char *out = malloc(strlen(html) + 1);
    for (const char *p = html; *p;) {
        if (*p == '<') {
            const char *e = strchr(p, '>');
            p = e ? e + 1 : p + strlen(p);
            continue;
        }
        if (*p == '&') {
            static const struct {
                const char *ent;
                char c;
            } ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&#39;", '\''}};
            size_t k = 0;
            for (; k < sizeof ents / sizeof ents[0]; k++)
                if (strncmp(p, ents[k].ent, strlen(ents[k].ent)) == 0)
                    break;
            if (k < sizeof ents / sizeof ents[0]) {
                out[n++] = ents[k].c;
                p += strlen(ents[k].ent);
                continue;
            }
            char *end;
            long v = p[1] == '#' ? strtol(p + 2, &end, 10) : -1;
            if (v > 0 && v < 128 && *end == ';') {
                out[n++] = (char)v;
                p = end + 1;
                continue;
            }
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    return out;
}

int consumer_xsd(const char *schema, const char *path, char *err, size_t cap)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s'", schema, path);
    int status;
    char *out = consumer_run(cmd, &status);
    if (status != 0)
        snprintf(err, cap, "%s (status %d): %.1500s", cmd, status, out ? out : "");
    free(out);
    return status == 0 ? 0 : -1;
}
