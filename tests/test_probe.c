/*
 * server_probe against a TCP peer in a thread that reads the ClientHello and then hangs up in one way or another:
 * which endings count as the server refusing the hello (judged, see judge.c) and which leave nothing to judge.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checks.h"
#include "server_probe.h"
#include "testkit.h"

enum ending {
    CLOSE_AT_ONCE,
    RESET_AT_ONCE,
    CLOSE_AFTER_TWO_BYTES,
    ALERT_THEN_CLOSE,
    ALERT_IN_TWO_RECORDS, /* level and description in records of one byte each (RFC 5246 §6.2.1 allows it) */
    CCS_THEN_HALF_ALERT,  /* a change_cipher_spec record, then an alert record of one byte, then the close */
    EMPTY_ALERT,          /* an alert record of no byte (RFC 5246 §6.2.1 forbids it) */
    HALF_ALERT_THEN_WAIT, /* an alert record of one byte, then nothing until well past the probe's deadline */
    CCS_32_THEN_ALERT,    /* 32 change_cipher_spec records, as many as are skipped, then a fatal alert */
    CCS_33_THEN_WAIT,     /* 33 change_cipher_spec records, one more than are skipped, then nothing */
};

struct peer {
    int listener;
    enum ending how;
    pthread_t thread;
};

static void *serve(void *arg)
{
    struct peer *p = arg;
    int fd = accept(p->listener, NULL, NULL);
    if (fd < 0)
        return NULL;
    /* The whole ClientHello first, so that the close is an answer to it. */
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint8_t buf[4096];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
    }
    if (p->how == RESET_AT_ONCE) {
        struct linger l = {.l_onoff = 1, .l_linger = 0}; /* close() sends RST */
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else if (p->how == CLOSE_AFTER_TWO_BYTES) {
        (void)send(fd, "\x15\x03", 2, MSG_NOSIGNAL);
    } else if (p->how == ALERT_THEN_CLOSE) {
        (void)send(fd, "\x15\x03\x03\x00\x02\x02\x32", 7, MSG_NOSIGNAL); /* fatal decode_error */
    } else if (p->how == ALERT_IN_TWO_RECORDS) {
        (void)send(fd, "\x15\x03\x03\x00\x01\x02\x15\x03\x03\x00\x01\x28", 12, MSG_NOSIGNAL); /* handshake_failure */
    } else if (p->how == CCS_THEN_HALF_ALERT) {
        (void)send(fd, "\x14\x03\x03\x00\x01\x01\x15\x03\x03\x00\x01\x02", 12, MSG_NOSIGNAL);
    } else if (p->how == EMPTY_ALERT) {
        (void)send(fd, "\x15\x03\x03\x00\x00", 5, MSG_NOSIGNAL);
    } else if (p->how == CCS_32_THEN_ALERT || p->how == CCS_33_THEN_WAIT) {
        for (int i = 0; i < (p->how == CCS_32_THEN_ALERT ? 32 : 33); i++)
            (void)send(fd, "\x14\x03\x03\x00\x01\x01", 6, MSG_NOSIGNAL);
        if (p->how == CCS_32_THEN_ALERT)
            (void)send(fd, "\x15\x03\x03\x00\x02\x02\x28", 7, MSG_NOSIGNAL); /* fatal handshake_failure */
        else
            usleep(1500 * 1000);
    } else if (p->how == HALF_ALERT_THEN_WAIT) {
        (void)send(fd, "\x15\x03\x03\x00\x01\x02", 6, MSG_NOSIGNAL);
        usleep(1500 * 1000);
    }
    close(fd);
    return NULL;
}

/* The probe request of SRV-MALFORMED-EMPTY-NAME over TLS version tls, in *req (its bytes in a static scenario). */
static void hello_request(const char *tls, probe_request *req)
{
    static scenario s;
    static const profile none = {.n = 0};
    cr_assert_eq(scenario_build(&s, "SRV-MALFORMED-EMPTY-NAME", tls, &none), 0);
    scenario_request(&s, req);
}

static observation probe_within(enum ending how, int timeout_ms)
{
    struct peer p = {.how = how};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    p.listener = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(p.listener >= 0);
    cr_assert_eq(bind(p.listener, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(p.listener, 1), 0);
    cr_assert_eq(getsockname(p.listener, (struct sockaddr *)&a, &alen), 0);
    cr_assert_eq(pthread_create(&p.thread, NULL, serve, &p), 0);

    server_target t;
    tk_loopback_target(&t, ntohs(a.sin_port), timeout_ms);
    probe_request req;
    hello_request("1.3", &req);
    observation o;
    observation_init(&o);
    server_probe(&t, &req, &o);
    pthread_join(p.thread, NULL);
    close(p.listener);
    return o;
}

static observation probe_once(enum ending how)
{
    return probe_within(how, 3000);
}

Test(probe, a_close_before_any_byte_is_a_refusal)
{
    observation o = probe_once(CLOSE_AT_ONCE);
    cr_expect(o.error && o.refused, "error %d refused %d: %s", o.error, o.refused, o.error_text);
    cr_expect_str_eq(o.error_text, "connection closed before any answer");
}

Test(probe, a_reset_before_any_byte_is_a_refusal)
{
    observation o = probe_once(RESET_AT_ONCE);
    cr_expect(o.error && o.refused, "error %d refused %d: %s", o.error, o.refused, o.error_text);
}

Test(probe, a_close_inside_the_first_record_is_no_refusal)
{
    observation o = probe_once(CLOSE_AFTER_TWO_BYTES);
    cr_expect(o.error && !o.refused, "error %d refused %d: %s", o.error, o.refused, o.error_text);
    cr_expect_str_eq(o.error_text, "connection closed after 2 bytes of an incomplete record");
}

Test(probe, an_alert_is_an_answer)
{
    observation o = probe_once(ALERT_THEN_CLOSE);
    cr_expect(!o.error && !o.refused, "error %d refused %d: %s", o.error, o.refused, o.error_text);
    cr_expect_eq(o.alert, 50);
    cr_expect_eq(o.alert_level, 2);
}

Test(probe, an_alert_in_two_records_is_one_alert)
{
    observation o = probe_once(ALERT_IN_TWO_RECORDS);
    cr_expect(!o.error, "%s", o.error_text);
    cr_expect_eq(o.alert, 40);
    cr_expect_eq(o.alert_level, 2);
}

/* Half an alert is no alert and no refusal: a malformed answer, and where it was (after the 6-byte CCS record). */
Test(probe, half_an_alert_is_a_malformed_answer)
{
    observation o = probe_once(CCS_THEN_HALF_ALERT);
    cr_expect(o.error && o.malformed && !o.refused && o.alert < 0, "error %d malformed %d refused %d alert %d",
              o.error, o.malformed, o.refused, o.alert);
    cr_expect(strstr(o.error_text, "an alert record of 1 byte at byte 6 of what the peer sent, and no second byte") !=
                  NULL,
              "%s", o.error_text);
}

/* The deadline in the middle of an alert is the deadline, as in the middle of any record: not a malformed answer. */
Test(probe, half_an_alert_at_the_deadline_is_the_deadline)
{
    observation o = probe_within(HALF_ALERT_THEN_WAIT, 600);
    cr_expect(o.error && !o.malformed && o.alert < 0, "error %d malformed %d alert %d", o.error, o.malformed,
              o.alert);
    cr_expect(strstr(o.error_text, "the deadline passed after the first byte of an alert (its record at byte 0") !=
                  NULL,
              "%s", o.error_text);
}

/* TLS 1.3 never splits an alert (RFC 8446 §5.1): where it may not be split, one byte is a malformed alert at once,
 * and a held byte whose rest comes under TLS 1.3 is cut. */
Test(probe, an_alert_may_not_be_split_in_tls13)
{
    probe_alert_parts a = {0};
    observation o;
    observation_init(&o);
    static const uint8_t lvl = 2, desc = 40;
    cr_expect_eq(probe_take_alert(&a, &lvl, 1, 9, 0, &o), -1);
    cr_expect(o.error && o.malformed && o.alert < 0);
    cr_expect(strstr(o.error_text, "at byte 9 of what the peer sent; an alert is two bytes") != NULL, "%s",
              o.error_text);
    cr_expect(strstr(o.error_text, "never split across records in TLS 1.3") != NULL, "%s", o.error_text);

    a = (probe_alert_parts){0};
    observation_init(&o);
    cr_expect_eq(probe_take_alert(&a, &lvl, 1, 0, 1, &o), 0, "held where it may be split");
    cr_expect_eq(probe_take_alert(&a, &desc, 1, 6, 0, &o), -1, "its rest under TLS 1.3 is no rest");
    cr_expect(o.error && o.malformed && o.alert < 0);

    a = (probe_alert_parts){0};
    observation_init(&o);
    cr_expect_eq(probe_take_alert(&a, &lvl, 1, 0, 1, &o), 0);
    cr_expect_eq(probe_take_alert(&a, &desc, 1, 6, 1, &o), 1);
    cr_expect(!o.error && o.alert == 40 && o.alert_level == 2);
}

Test(probe, an_empty_alert_record_is_a_malformed_answer)
{
    observation o = probe_once(EMPTY_ALERT);
    cr_expect(o.error && o.malformed && o.alert < 0, "error %d malformed %d alert %d", o.error, o.malformed, o.alert);
    cr_expect(strstr(o.error_text, "an empty alert record at byte 0 of what the peer sent") != NULL, "%s",
              o.error_text);
}

/* Records that carry nothing for the handshake are skipped up to PROBE_SKIPPED_MAX: the alert after 32 of them is
 * the answer; a 33rd ends the read at once, an unusable answer, long before the deadline. */
Test(probe, thirty_two_skipped_records_then_an_alert_is_the_alert)
{
    observation o = probe_once(CCS_32_THEN_ALERT);
    cr_expect(!o.error && o.alert == 40, "error %d alert %d: %s", o.error, o.alert, o.error_text);
}

Test(probe, a_thirty_third_skipped_record_is_an_unusable_answer)
{
    double start = probe_now_ms();
    observation o = probe_within(CCS_33_THEN_WAIT, 5000);
    cr_expect(o.error && o.malformed && o.alert < 0, "error %d malformed %d alert %d", o.error, o.malformed, o.alert);
    cr_expect(strstr(o.error_text, "more than 32 records that carry nothing for the handshake") != NULL, "%s",
              o.error_text);
    /* The peer holds the connection 1.5 s after its records: the probe did not wait for it (nor for its 5 s). */
    cr_expect(probe_now_ms() - start < 5000, "%.0f ms", probe_now_ms() - start);
}

/* ---- the same read loop on bytes (server_probe_replay): no socket, no thread, pieces of any size ---------------- */
static observation replay(const void *bytes, size_t len, size_t chunk)
{
    server_target t;
    tk_loopback_target(&t, 9, 3000); /* never dialled */
    probe_request req;
    hello_request("1.2", &req);
    observation o;
    observation_init(&o);
    double start = probe_now_ms();
    server_probe_replay(&t, &req, bytes, len, chunk, NULL, &o);
    cr_expect(probe_now_ms() - start < 3000, "a replay never waits for its deadline (%.0f ms)", probe_now_ms() - start);
    return o;
}

Test(probe_replay, nothing_at_all_is_a_refusal)
{
    observation o = replay("", 0, 0);
    cr_expect(o.error && o.refused, "error %d refused %d: %s", o.error, o.refused, o.error_text);
}

/* An alert that arrives a byte at a time, header included, is still one alert. */
Test(probe_replay, an_alert_in_pieces_of_one_byte_is_the_alert)
{
    observation o = replay("\x15\x03\x03\x00\x02\x02\x28", 7, 1);
    cr_expect(!o.error && o.alert == 40 && o.alert_level == 2, "error %d alert %d: %s", o.error, o.alert,
              o.error_text);
}

/* The cap holds however the records arrive: 33 change_cipher_spec records in pieces of 5 bytes. */
Test(probe_replay, the_skip_cap_holds_in_pieces)
{
    uint8_t ccs[33 * 6];
    for (size_t i = 0; i < 33; i++)
        memcpy(ccs + 6 * i, "\x14\x03\x03\x00\x01\x01", 6);
    observation o = replay(ccs, sizeof ccs, 5);
    cr_expect(o.error && o.malformed, "error %d malformed %d", o.error, o.malformed);
    cr_expect(strstr(o.error_text, "more than 32 records") != NULL, "%s", o.error_text);
    /* 32 of them and then a close: a close after some answer, not an error. */
    o = replay(ccs, 32 * 6, 0);
    cr_expect(!o.error && o.closed, "error %d closed %d: %s", o.error, o.closed, o.error_text);
}
