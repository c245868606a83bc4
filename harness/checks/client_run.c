/* Running the client checks: one run of the client under test per check and TLS version (one connection, or two
 * for a resumption check). */
#include <stdio.h>
#include <string.h>

#include "client_checks.h"

size_t client_checks_selected(const run_options *opt)
{
    size_t n = 0;
    for (size_t i = 0; i < check_catalogue_count; i++)
        n += check_catalogue[i].family == CHECK_FAMILY_CLIENT && run_selects(opt, check_catalogue[i].id);
    return n;
}

static void answer_of(const void *ctx, const uint8_t *offer, size_t offer_len, unsigned offer_count, int offer_npn,
                      client_answer *a)
{
    client_answer_build(ctx, offer, offer_len, offer_count, offer_npn, a);
}

/* The ALPN bytes of a played connection, into its result: the answer alpncheck built for the client's offer (the
 * same pure function the peer layer asked), and that offer as far as it was kept. */
static void record_alpn(const client_scenario *s, const observation *o, result *res)
{
    client_answer a;
    client_answer_build(s, o->offer, o->offer_len < OBS_OFFER_MAX ? o->offer_len : OBS_OFFER_MAX, o->offer_count,
                        o->offer_npn, &a);
    result_set_alpn(res, a.send && a.alert < 0 ? a.ext : NULL, a.ext_len, o->offer_count ? o->offer : NULL,
                    o->offer_len < OBS_OFFER_MAX ? o->offer_len : OBS_OFFER_MAX);
}

void client_request_of(const client_scenario *s, const client_scenario *valid, client_request *r)
{
    *r = (client_request){.id = s->id,
                          .tls = s->tls,
                          .no_alpn_offer = s->no_alpn_offer,
                          .resumption = s->resumption,
                          .ticket_no_alpn = s->ticket_no_alpn,
                          .answer = answer_of,
                          .answer_ctx = s,
                          .valid = answer_of,
                          .valid_ctx = valid};
}

size_t run_client_checks(client_serve_fn serve, void *serve_ctx, const client_driver *d, const run_options *opt,
                         report *r)
{
    size_t versions = 0, done = 0, before = r->n;
    while (versions < 2 && opt->tls[versions] != NULL)
        versions++;
    size_t total = client_checks_selected(opt) * versions;
    for (size_t v = 0; v < versions; v++) {
        for (size_t i = 0; i < check_catalogue_count; i++) {
            const check_entry *c = &check_catalogue[i];
            if (c->family != CHECK_FAMILY_CLIENT || !run_selects(opt, c->id))
                continue;
            client_scenario s, valid;
            client_scenario_over(&s, c, opt->tls[v], opt->transport);
            /* The plain valid answer of the same version, for connections the check itself cannot use. */
            valid = s;
            valid.answer = CLIENT_ANSWER_VALID;
            client_request req;
            client_request_of(&s, &valid, &req);
            observation o;
            observation_init(&o);
            char no_way[OBS_TEXT_MAX];
            if (s.skip_reason == NULL) {
                int st = d->start(d->ctx, &req, o.error_text, sizeof o.error_text);
                if (st > 0) {
                    /* The driver cannot run this check (CLI-0RTT-ALPN without --exec-0rtt): SKIP with its reason. */
                    snprintf(no_way, sizeof no_way, "%s", o.error_text);
                    o.error_text[0] = '\0';
                    s.skip_reason = no_way;
                } else if (st < 0) {
                    o.error = 1;
                } else {
                    serve(serve_ctx, &req, &o);
                    o.client_exit = d->finish(d->ctx);
                }
            }
            result res;
            client_judge(&s, &o, &res);
            if (s.skip_reason == NULL && o.hello_seen)
                record_alpn(&s, &o, &res);
            const result *stored = report_add(r, &res, opt->known);
            if (opt->progress != NULL && stored != NULL)
                opt->progress(opt->progress_ctx, ++done, total, stored);
        }
    }
    return r->n - before;
}
