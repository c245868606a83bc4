/* Running the client checks: one run of the client under test per check and TLS version (one connection, or two
 * for a resumption check). */
#include <stdio.h>
#include <string.h>

#include "client_checks.h"

size_t client_checks_selected(const run_options *opt)
{
    size_t n = 0;
    for (size_t i = 0; i < client_check_count; i++)
        n += (size_t)run_selects(opt, client_check_id(i));
    return n;
}

size_t run_client_checks(client_serve_fn serve, void *serve_ctx, const client_driver *d, const run_options *opt,
                         report *r)
{
    static client_scenario s;
    size_t versions = 0, done = 0, before = r->n;
    while (versions < 2 && opt->tls[versions] != NULL)
        versions++;
    size_t total = client_checks_selected(opt) * versions;
    for (size_t v = 0; v < versions; v++) {
        for (size_t i = 0; i < client_check_count; i++) {
            const char *id = client_check_id(i);
            if (!run_selects(opt, id))
                continue;
            client_scenario_build(&s, id, opt->tls[v]);
            observation o;
            observation_init(&o);
            if (s.skip_reason == NULL) {
                static char no_way[OBS_TEXT_MAX];
                int st = d->start(d->ctx, &s, o.error_text, sizeof o.error_text);
                if (st > 0) {
                    /* The driver cannot run this check (CLI-0RTT-ALPN without --exec-0rtt): SKIP with its reason. */
                    snprintf(no_way, sizeof no_way, "%s", o.error_text);
                    o.error_text[0] = '\0';
                    s.skip_reason = no_way;
                } else if (st < 0) {
                    o.error = 1;
                } else {
                    serve(serve_ctx, &s, &o);
                    o.client_exit = d->finish(d->ctx);
                }
            }
            result res;
            client_judge(&s, &o, &res);
            const result *stored = report_add(r, &res, opt->known);
            if (opt->progress != NULL && stored != NULL)
                opt->progress(opt->progress_ctx, ++done, total, stored);
        }
    }
    return r->n - before;
}
