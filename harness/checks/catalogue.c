/* The check catalogue (catalogue.h): the rows, and lookups by ID — the one place that compares check IDs. */
#include "catalogue.h"

#include "checks.h"
#include "table_text.h"

#include <stdio.h>
#include <string.h>

/* Section headings, as the reports print them. Server and client checks share some headings; a listing groups by
 * family first. */
#define SEC_SELECT       "RFC 7301 §3.2 — protocol selection"
#define SEC_EXACT        "RFC 7301 §3.1 — exact name matching"
#define SEC_GREASE       "RFC 8701 — GREASE"
#define SEC_PLACE        "RFC 8446 §4.2 — extension placement"
#define SEC_MALFORMED    "RFC 7301 §3.1 — malformed lists (decode_error expected)"
#define SEC_H2           "RFC 9113 — HTTP/2 over TLS"
#define SEC_CONNECTION   "RFC 7301 §3.1 — ALPN belongs to the connection"
#define SEC_EARLY        "RFC 8446 §4.2.10 — 0-RTT and ALPN"
#define SEC_QUIC         "RFC 9001 §8.1 — ALPN in QUIC"
#define SEC_CLI_OFFER    "RFC 7301 §3.1 — the client's offer"
#define SEC_CLI_ANSWER   "RFC 7301 §3.1–3.2 — the server's answer"
#define SEC_CLI_REPORT   "RFC 7301 §3.2 — reported only"
#define SEC_CLI_0RTT     "RFC 8446 §4.2.10 — early data"
#define SEC_CLI_PROXY    "RFC 7639 §2 — the CONNECT before the handshake"
#define SEC_HDR_SYNTAX   "RFC 7639 §2 — header field syntax"
#define SEC_HDR_ENCODING "RFC 7639 §2 — percent-encoding and the canonical form"
#define SEC_HDR_TUNNEL   "RFC 7639 §2 — the header and the tunnel"
#define SEC_PRX_TUNNEL   "RFC 9110 §9.3.6 — the CONNECT tunnel"
#define SEC_PRX_FIELD    "RFC 7639 §2.3 — proxies and the ALPN field"
#define SEC_ALTSVC_SYNTAX "RFC 7838 §3 — Alt-Svc field syntax"
#define SEC_ALTSVC_PARAMS "RFC 7838 §3.1 — Alt-Svc parameters"
#define SEC_ALTSVC_SERVER "RFC 7838 §3 — the server's Alt-Svc field"
#define SEC_SVCB_WIRE     "RFC 9460 §7.1.1 — alpn wire format"
#define SEC_SVCB_PRES     "RFC 9460 §7.1.1, Appendix A.1 — alpn presentation format"
#define SEC_SVCB_KEYS     "RFC 9460 §2.2, §7.1.1 — SvcParam keys"

#define TCP      CHECK_TRANSPORT_TCP
#define QUIC     CHECK_TRANSPORT_QUIC
#define TCP_QUIC (CHECK_TRANSPORT_TCP | CHECK_TRANSPORT_QUIC)
#define BOTH    CHECK_TLS12_13
#define TLS13   CHECK_TLS13
#define TLS12   CHECK_TLS12
#define OLD_TLS (CHECK_TLS10 | CHECK_TLS11)
#define SERVER  CHECK_FAMILY_SERVER
#define CLIENT  CHECK_FAMILY_CLIENT
#define HEADER  CHECK_FAMILY_HEADER
#define PROXY   CHECK_FAMILY_PROXY
#define ALTSVC  CHECK_FAMILY_ALTSVC
#define SVCB    CHECK_FAMILY_SVCB
#define MUST    LEVEL_MUST
#define SHOULD  LEVEL_SHOULD
#define INFO    LEVEL_INFO

/* Why server and client rows are SKIP over QUIC (not_quic). QUIC carries TLS 1.3 only (RFC 9001 §4.2). */
#define NOT_QUIC_TLS12 "QUIC is TLS 1.3 only (RFC 9001 §4.2)"
#define NOT_QUIC_OVERLAP "over QUIC, SRV-QUIC-NO-OVERLAP judges no overlap by the CONNECTION_CLOSE of RFC 9001 §8.1"
#define NOT_QUIC_UNSOLICITED                                                                                           \
    "a QUIC client must offer ALPN (RFC 9001 §8.1): there is no client without an offer to answer"
#define NOT_QUIC_TICKET  "alpncheck's QUIC server issues no ticket: it stops after the client's Finished"
#define NOT_QUIC_NO_ANSWER                                                                                             \
    "over QUIC, CLI-QUIC-NO-ALPN judges the missing answer by the close RFC 9001 §8.1 requires"
#define NOT_QUIC_PROXY "an HTTP CONNECT tunnel carries TCP; QUIC goes through a proxy with CONNECT-UDP (RFC 9298)"
#define NOT_QUIC_HTTP    "alpncheck's QUIC client speaks no HTTP/3: the Alt-Svc field is read from an HTTP/1.1 answer over TCP"

/* The common ending of the SRV-MALFORMED-* descriptions. */
#define MALFORMED_VERDICT                                                                                              \
    " The server must refuse it with a fatal decode_error (50); another fatal alert or a silent close is a WARN, "     \
    "completing the handshake a FAIL."

/* A server row ends with how its check is played (catalogue.h, server_play): the offer builder that writes its ALPN
 * bytes (scenarios.c), the ClientHello's other flags, and the judge of its one connection (judge.c) — or the runner
 * of its several connections (run.c), with full_handshakes when they go over the GnuTLS path (and, for run_0rtt, the
 * 0-RTT sequence it plays: early). run_pos is where its
 * results come in a run. A client row ends with how alpncheck answers, what it expects and which alert
 * (client_checks.c). outside: why a check is SKIP over another TLS version. */
const check_entry check_catalogue[] = {
    /* ---- server checks: alpncheck is the client ------------------------------------------------------------- */
    {"SRV-SELECT-OFFERED", SERVER, MUST, "7301 §3.1–3.2", SEC_SELECT,
     "supported and unknown names offered: one offered name is selected", BOTH, TCP_QUIC,
     "The offer holds the server's first supported name between two made-up names no server knows. The handshake "
     "must complete with exactly that supported name selected. The server may only pick from the client's list, so "
     "echoing an unknown name or naming something unoffered is as wrong as picking nothing.",
     .server = {.offer = offer_supported_between_unknown, .judge = judge_select, .run_pos = 1}},
    {"SRV-SELECT-SINGLE", SERVER, MUST, "7301 §3.1", SEC_SELECT,
     "every supported name offered: the answer holds exactly one name", BOTH, TCP_QUIC,
     "Every name of the server's profile is offered. The ProtocolNameList in the answer must carry exactly one "
     "name, and one that was offered, so that the client knows without doubt which protocol follows.",
     .server = {.offer = offer_every_supported, .judge = judge_select, .run_pos = 2}},
    {"SRV-SERVER-PREFERENCE", SERVER, SHOULD, "7301 §3.2", SEC_SELECT,
     "two supported names offered in both orders: the same (server-preferred) choice", BOTH, TCP_QUIC,
     "Two connections offer the server's first two supported names, once in each order. The RFC advises the "
     "server to choose by its own preference, so both connections should end with the same name; a choice that "
     "follows the client's order is a WARN. Skipped when fewer than two supported names are known.",
     .server = {.offer = offer_every_supported, .run = run_server_preference, .run_pos = 35}},
    {"SRV-UNKNOWN-IGNORED", SERVER, MUST, "7301 §3.1", SEC_SELECT,
     "unknown names around one supported name: it is selected", BOTH, TCP_QUIC,
     "Unknown names surround the server's first supported name in the offer. Names the server does not implement "
     "are to be passed over, neither chosen nor treated as an error, so the supported name must be selected.",
     .server = {.offer = offer_supported_amid_unknown, .judge = judge_select, .run_pos = 3}},
    {"SRV-NO-OVERLAP-ALERT", SERVER, MUST, "7301 §3.2", SEC_SELECT, "only unknown names: fatal no_application_protocol",
     BOTH, TCP,
     "Only names the server cannot support are offered. The server must end the handshake with a fatal "
     "no_application_protocol alert (120). Carrying on without ALPN is a FAIL: the connection then serves a "
     "protocol the client never asked for, the opening that cross-protocol attacks such as ALPACA use. libalpn's "
     "selection reports this ID when nothing overlaps.",
     .not_quic = NOT_QUIC_OVERLAP,
     .server = {.offer = offer_unknown_only, .judge = judge_no_overlap, .run_pos = 4}},
    {"SRV-PROTOCOL-DEFINITIVE", SERVER, MUST, "7301 §3.2", SEC_SELECT,
     "after the handshake the selected protocol is the one the server speaks", BOTH, TCP,
     "A complete handshake offers only h2 (or http/1.1 when the server lacks h2) and then sends a few bytes of "
     "that protocol. The selected protocol is the one the connection uses, so after h2 the server's first frame "
     "must be an HTTP/2 SETTINGS frame (RFC 9113 §3.4), and after http/1.1 its answer must begin with \"HTTP/1.\". "
     "Skipped when the server sends nothing back or echoes the request (not an HTTP server).",
     .not_quic = "alpncheck's QUIC client stops at the server's Finished and sends no HTTP/3 request",
     .server = {.run = run_protocol_spoken, .full_handshakes = 1, .run_pos = 31}},
    {"SRV-RENEG-ALPN", SERVER, INFO, "7301 §3.2, 9113 §9.2.1", SEC_SELECT,
     "TLS 1.2 renegotiation offering another protocol: reported (the RFC allows a change)", TLS12, TCP,
     "A TLS 1.2 handshake selects the first supported name, then a renegotiation offers only the second. RFC 7301 "
     "lets the selection change when a connection is renegotiated, while HTTP/2 forbids renegotiation altogether, "
     "so what the server does is reported and never failed.",
     .outside = "TLS 1.3 has no renegotiation",
     .not_quic = NOT_QUIC_TLS12,
     .server = {.run = run_renegotiation, .full_handshakes = 1, .run_pos = 34}},
    {"SRV-NO-PREFIX-MATCH", SERVER, MUST, "7301 §3.1", SEC_EXACT,
     "truncated and extended forms of supported names: no selection", BOTH, TCP_QUIC,
     "Each supported name is offered one byte short and with an extra \"x\" (\"http/1.\", \"h2x\"), unless that "
     "form is itself supported. Protocol names match only as whole byte strings, so nothing overlaps and the fatal "
     "alert 120 is expected; a server that compares prefixes or a fixed number of bytes selects something.",
     .server = {.offer = offer_prefixes_and_extensions, .judge = judge_no_overlap, .run_pos = 5}},
    {"SRV-CASE-SENSITIVE", SERVER, MUST, "7301 §3.1", SEC_EXACT, "upper-cased supported names: no selection", BOTH, TCP_QUIC,
     "The supported names are offered with their lower-case letters made upper case (\"H2\"). Names are opaque "
     "bytes, not words, so \"H2\" is another protocol than \"h2\": no selection and the fatal alert 120 are "
     "expected. Skipped when no supported name contains a lower-case letter.",
     .server = {.offer = offer_upper_case, .judge = judge_no_overlap, .run_pos = 6}},
    {"SRV-NUL-IN-NAME", SERVER, MUST, "7301 §3.1", SEC_EXACT,
     "supported names followed by NUL and a byte: no selection", BOTH, TCP_QUIC,
     "Each supported name is offered followed by a NUL byte and an \"x\". A NUL is an ordinary byte inside a "
     "name, but a server comparing C strings stops there and sees a match; the right answer is no selection and "
     "the fatal alert 120.",
     .server = {.offer = offer_nul_suffixed, .judge = judge_no_overlap, .run_pos = 7}},
    {"SRV-LONG-NAME", SERVER, MUST, "7301 §3.1", SEC_EXACT,
     "a 255-byte name, then a supported one: the supported one is selected", BOTH, TCP_QUIC,
     "The offer starts with a name of 255 bytes, the largest a one-byte length allows, followed by the first "
     "supported name. The long name must be parsed and passed over like any unknown one, and the supported name "
     "selected.",
     .server = {.offer = offer_long_name_first, .judge = judge_select, .run_pos = 8}},
    {"SRV-MANY-NAMES", SERVER, SHOULD, "7301 §3.1", SEC_EXACT,
     "300 unknown names (list over 16 KiB, hello spans records), supported one last", BOTH, TCP_QUIC,
     "Three hundred unknown names of about 60 bytes precede the first supported name, so the list is over 16 KiB "
     "and the ClientHello needs several TLS records (over QUIC, CRYPTO frames in several Initial packets). The list is still far below its limit of 65535 bytes, so the "
     "server should select the supported name; refusing shows a smaller limit of its own.",
     .server = {.offer = offer_many_names, .judge = judge_select, .run_pos = 9}},
    {"SRV-MANY-TINY-NAMES", SERVER, SHOULD, "7301 §3.1", SEC_EXACT,
     "10000 one-byte unknown names with duplicates, supported one last", BOTH, TCP_QUIC,
     "Ten thousand one-byte names, the letters a to z over and over, precede the first supported name. The server "
     "should select the supported name as for any other list; a server whose matching grows with the square of the "
     "list may stall instead of answering.",
     .server = {.offer = offer_many_tiny_names, .judge = judge_select, .run_pos = 10}},
    {"SRV-GREASE-IGNORED", SERVER, MUST, "8701 §3", SEC_GREASE, "GREASE values around a supported name: it is selected",
     BOTH, TCP_QUIC,
     "The reserved GREASE values 0x0A0A and 0x7A7A come before the first supported name and 0xFAFA after it. "
     "Servers must treat GREASE values as unknown names, so the supported name is selected and a GREASE value "
     "never.",
     .server = {.offer = offer_grease_around_supported, .judge = judge_select, .run_pos = 11}},
    {"SRV-GREASE-ONLY", SERVER, MUST, "8701 §3", SEC_GREASE,
     "all 16 GREASE values only: fatal no_application_protocol, GREASE never selected", BOTH, TCP_QUIC,
     "The offer holds all sixteen GREASE values (0x0A0A to 0xFAFA) and nothing else. A GREASE value is never "
     "selected, so nothing overlaps and the server must answer with the fatal alert 120.",
     .server = {.offer = offer_grease_only, .judge = judge_no_overlap, .run_pos = 12}},
    {"SRV-NO-UNSOLICITED", SERVER, MUST, "8446 §4.2, 5246 §7.4.1.4", SEC_PLACE,
     "no ALPN extension offered: none in the answer", BOTH, TCP,
     "The ClientHello carries no ALPN extension. An endpoint must not answer an extension its peer did not send, "
     "so the handshake completes without ALPN in any server message. ERROR when even this plain handshake "
     "fails.",
     .not_quic = "QUIC requires ALPN (RFC 9001 §8.1): SRV-QUIC-NO-ALPN sends the hello without it",
     .server = {.no_alpn = 1, .judge = judge_no_alpn, .run_pos = 13}},
    {"SRV-TLS13-IN-EE", SERVER, MUST, "8446 §4.2", SEC_PLACE, "TLS 1.3: the ALPN answer is in EncryptedExtensions only",
     TLS13, TCP_QUIC,
     "A TLS 1.3 ClientHello offers the first supported name; alpncheck decrypts the server's handshake to see "
     "where the answer is. TLS 1.3 assigns ALPN to EncryptedExtensions, so an answer in ServerHello, "
     "HelloRetryRequest or a later message fails.",
     .outside = "applies to TLS 1.3 only",
     .server = {.offer = offer_first_supported, .judge = judge_select_in_ee, .run_pos = 14}},
    {"SRV-HRR-ALPN-CHANGED", SERVER, SHOULD, "8446 §4.1.2", SEC_PLACE,
     "TLS 1.3: the ClientHello after a HelloRetryRequest changes the ALPN list: abort with illegal_parameter", TLS13,
     TCP_QUIC,
     "The first TLS 1.3 ClientHello has an empty key_share, which obliges the server to ask for a retry; the second "
     "ClientHello adds a name to the ALPN list. Only a few extensions may change between the two hellos, so the "
     "server should abort with illegal_parameter (47); carrying on or another alert is a WARN. Skipped when no "
     "HelloRetryRequest comes.",
     .outside = "applies to TLS 1.3 only",
     .server = {.offer = offer_first_supported_then_more, .force_hrr = 1, .judge = judge_hrr_abort, .run_pos = 15}},
    {"SRV-DUPLICATE-EXTENSION", SERVER, MUST, "8446 §4.2, 5246 §7.4.1.4", SEC_PLACE,
     "two ALPN extensions in one ClientHello: fatal alert", BOTH, TCP_QUIC,
     "The ClientHello carries the ALPN extension twice, each offering the first supported name. A message may hold "
     "at most one extension of each type, so the server must refuse the hello; any fatal alert passes, completing "
     "the handshake fails.",
     .server = {.offer = offer_first_supported, .duplicate_alpn = 1, .judge = judge_any_fatal, .run_pos = 16}},
    {"SRV-NO-NPN-WITH-ALPN", SERVER, SHOULD, "7301 §3.2", SEC_PLACE,
     "TLS 1.2, ALPN and NPN offered: a server selecting via ALPN sends no NPN", TLS12, TCP,
     "A TLS 1.2 ClientHello offers the first supported name by ALPN and also an empty Next Protocol Negotiation "
     "extension (13172). A server that selects through ALPN should not answer NPN as well: the ALPN answer is "
     "definitive for the connection (RFC 7301 §3.2), and an NPN list beside it gives the client a second "
     "negotiation to reconcile. NPN was never an RFC and no RFC forbids the pair, hence SHOULD (a WARN); NPN does "
     "not exist in TLS 1.3.",
     .outside = "NPN exists in TLS 1.2 only",
     .not_quic = NOT_QUIC_TLS12,
     .server = {.offer = offer_first_supported, .npn = 1, .judge = judge_select, .run_pos = 19}},
    {"SRV-NO-H2C", SERVER, MUST, "9113 §3.2", SEC_H2, "h2c offered over TLS: never selected", BOTH, TCP_QUIC,
     "\"h2c\" is offered first, then every supported name. \"h2c\" stands for HTTP/2 over cleartext TCP and must "
     "not be negotiated on a TLS connection; selecting another name or refusing both pass.",
     .server = {.offer = offer_h2c_first, .judge = judge_never_selected, .run_pos = 17}},
    {"SRV-H2-MIN-TLS12", SERVER, MUST, "9113 §9.2", SEC_H2,
     "h2 and http/1.1 offered over TLS 1.0/1.1: h2 never selected", OLD_TLS, TCP,
     "Over TLS 1.1 and then TLS 1.0, the offer is \"h2\" and \"http/1.1\". HTTP/2 requires TLS 1.2 or later, so "
     "\"h2\" must not be selected on an older version. Skipped when the server does not negotiate that version at "
     "all.",
     .outside = "applies to TLS 1.0 and 1.1 only",
     .not_quic = NOT_QUIC_TLS12,
     .server = {.offer = offer_h2_and_http11, .judge = judge_no_h2_below_tls12, .run_pos = 18}},
    {"SRV-RESUME-FRESH", SERVER, MUST, "7301 §3.1", SEC_CONNECTION,
     "resumption offering only another supported name: that name or alert 120, never the old one", BOTH, TCP_QUIC,
     "A full handshake offers only the first supported name A; a resumption of that session then offers only the "
     "second, B. ALPN is negotiated anew on every connection, resumed or not, so the server must select B or "
     "refuse with alert 120; selecting A again fails. Skipped when the server does not resume.",
     .server = {.run = run_resumption, .full_handshakes = 1, .run_pos = 30}},
    {"SRV-0RTT-ALPN", SERVER, MUST, "8446 §4.2.10", SEC_EARLY,
     "0-RTT on a ticket from one protocol while offering another: refused", TLS13, TCP_QUIC,
     "A ticket is obtained while protocol A is selected, then a resumption sends early data while offering only "
     "B. A server may accept 0-RTT only when the selected ALPN equals the ticket's, so the early data must be "
     "refused. A control run first checks that the server takes early data at all with A; otherwise the check is "
     "skipped.",
     .outside = "0-RTT exists in TLS 1.3 only",
     .server = {.run = run_0rtt, .early = EARLY_OTHER_PROTOCOL, .full_handshakes = 1, .run_pos = 32}},
    {"SRV-0RTT-TICKET-FRESH", SERVER, MUST, "8446 §4.2.10, 7301 §3.1", SEC_EARLY,
     "0-RTT on a ticket renewed under another protocol, offering the old one: refused", TLS13, TCP_QUIC,
     "A session made with A is resumed with B, which yields a fresh ticket; early data on that fresh ticket then "
     "offers A. The fresh ticket belongs to B, so the early data must be refused. This catches servers that copy "
     "the first protocol into every renewed ticket.",
     .outside = "0-RTT exists in TLS 1.3 only",
     .server = {.run = run_0rtt, .early = EARLY_RENEWED_TICKET, .full_handshakes = 1, .run_pos = 33}},
    /* RFC 8446 §4.2.10: the ALPN selected for 0-RTT must be the ticket's, "if any": no ALPN on either side is a
     * value too (BoGo's EarlyData-ALPNOmitted and its reverse). */
    {"SRV-0RTT-ALPN-ADDED", SERVER, MUST, "8446 §4.2.10", SEC_EARLY,
     "0-RTT on a ticket from a connection without ALPN while offering a protocol: refused", TLS13, TCP_QUIC,
     "A ticket is obtained on a connection that offers no ALPN, then a resumption sends early data while offering "
     "the first supported name. The ticket has no protocol and a server that selects one has changed it, so the "
     "early data must be refused (accepting it while selecting nothing would keep the ticket's \"none\" and "
     "passes). A control run first checks that the server takes early data at all without ALPN; otherwise the "
     "check is skipped.",
     .outside = "0-RTT exists in TLS 1.3 only",
     .server = {.run = run_0rtt, .early = EARLY_ALPN_ADDED, .full_handshakes = 1, .run_pos = 36}},
    {"SRV-0RTT-ALPN-OMITTED", SERVER, MUST, "8446 §4.2.10", SEC_EARLY,
     "0-RTT on a ticket from one protocol while offering no ALPN: refused", TLS13, TCP_QUIC,
     "A ticket is obtained while the first supported name is selected, then a resumption sends early data with no "
     "ALPN extension at all. No protocol can be selected, which is not the ticket's, so the early data must be "
     "refused. A control run first checks that the server takes early data at all with that name; otherwise the "
     "check is skipped.",
     .outside = "0-RTT exists in TLS 1.3 only",
     .server = {.run = run_0rtt, .early = EARLY_ALPN_OMITTED, .full_handshakes = 1, .run_pos = 37}},
    {"SRV-MALFORMED-EMPTY-EXT", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "extension_data of zero bytes", BOTH, TCP_QUIC,
     "The ALPN extension is present but its extension_data is empty, without even the list length that a "
     "ProtocolNameList starts with." MALFORMED_VERDICT,
     .server = {.offer = offer_empty_extension, .judge = judge_decode_error, .run_pos = 20}},
    {"SRV-MALFORMED-ONE-BYTE", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "extension_data of a single byte", BOTH, TCP_QUIC,
     "The extension_data is the single byte 00, one short of the two-byte list length." MALFORMED_VERDICT,
     .server = {.offer = offer_one_byte, .judge = judge_decode_error, .run_pos = 21}},
    {"SRV-MALFORMED-EMPTY-LIST", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "empty list (00 00)", BOTH, TCP_QUIC,
     "The extension_data is 00 00: a list of length zero, which the list's lower bound of two bytes rules "
     "out." MALFORMED_VERDICT,
     .server = {.offer = offer_empty_list, .judge = judge_decode_error, .run_pos = 22}},
    {"SRV-MALFORMED-EMPTY-NAME", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "one empty name (00 01 00)", BOTH, TCP_QUIC,
     "The extension_data is 00 01 00: a list holding one name of length zero. Empty names must not be "
     "sent." MALFORMED_VERDICT,
     .server = {.offer = offer_empty_name, .judge = judge_decode_error, .run_pos = 23}},
    {"SRV-MALFORMED-EMPTY-NAME-LATER", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "a supported name, then an empty name",
     BOTH, TCP_QUIC,
     "A supported name comes first and an empty name after it. A parser that stops at the first match selects "
     "without seeing the damage; the whole list has to be valid before any name counts." MALFORMED_VERDICT,
     .server = {.offer = offer_empty_name_after_supported, .judge = judge_decode_error, .run_pos = 24}},
    {"SRV-MALFORMED-LIST-SHORT", SERVER, MUST, "7301 §3.1", SEC_MALFORMED,
     "list length smaller than the names that follow", BOTH, TCP_QUIC,
     "The list length covers only the first supported name; a second copy of it follows, outside the list but "
     "inside the extension." MALFORMED_VERDICT,
     .server = {.offer = offer_list_length_short, .judge = judge_decode_error, .run_pos = 25}},
    {"SRV-MALFORMED-LIST-LONG", SERVER, MUST, "7301 §3.1", SEC_MALFORMED, "list length larger than the extension", BOTH,
     TCP_QUIC,
     "The list holds the first supported name, but its length claims one byte more than the extension "
     "has." MALFORMED_VERDICT,
     .server = {.offer = offer_list_length_long, .judge = judge_decode_error, .run_pos = 26}},
    {"SRV-MALFORMED-NAME-OVERRUN", SERVER, MUST, "7301 §3.1", SEC_MALFORMED,
     "the last name's length runs past the list", BOTH, TCP_QUIC,
     "After the first supported name comes a name whose length byte says 5 while only two bytes remain in the "
     "list." MALFORMED_VERDICT,
     .server = {.offer = offer_name_overrun, .judge = judge_decode_error, .run_pos = 27}},
    {"SRV-MALFORMED-NAME-SHORT", SERVER, MUST, "7301 §3.1", SEC_MALFORMED,
     "an inner name length one too short, the rest out of alignment", BOTH, TCP_QUIC,
     "The first name, \"alpncheck-x\", is given a length one too short, so its last byte is read as the next "
     "length and the supported name that follows is parsed out of step." MALFORMED_VERDICT,
     .server = {.offer = offer_name_length_short, .judge = judge_decode_error, .run_pos = 28}},
    {"SRV-MALFORMED-TRAILING-AFTER-MATCH", SERVER, MUST, "7301 §3.1", SEC_MALFORMED,
     "a supported name first, then garbage inside the list", BOTH, TCP_QUIC,
     "The supported name comes first, then the bytes ff fe 00 inside the list, which do not parse as a name. A "
     "server that selects on the first match never looks at them." MALFORMED_VERDICT,
     .server = {.offer = offer_garbage_after_supported, .judge = judge_decode_error, .run_pos = 29}},
    {"SRV-QUIC-NO-ALPN", SERVER, MUST, "9001 §8.1", SEC_QUIC,
     "QUIC: no ALPN extension offered: CONNECTION_CLOSE 0x178 (no_application_protocol)", TLS13, QUIC,
     "A QUIC Initial carries a ClientHello without the ALPN extension. QUIC endpoints must negotiate ALPN, and a "
     "server that gets no ALPN must close the connection at once with no_application_protocol, which QUIC sends as "
     "a CONNECTION_CLOSE (0x1c) with the crypto error 0x0178 in an Initial or Handshake packet. Another close code "
     "(handshake_failure 0x128, internal_error 0x150, NO_ERROR, INTERNAL_ERROR) is a WARN; completing the "
     "handshake is a FAIL.",
     .outside = "QUIC is TLS 1.3 only",
     .server = {.no_alpn = 1, .judge = judge_no_overlap, .run_pos = 38}},
    {"SRV-QUIC-NO-OVERLAP", SERVER, MUST, "9001 §8.1, 7301 §3.2", SEC_QUIC,
     "QUIC: only unknown names offered: CONNECTION_CLOSE 0x178 (no_application_protocol)", TLS13, QUIC,
     "Only names the server cannot support are offered over QUIC. Without a common protocol the server must close "
     "with CONNECTION_CLOSE 0x0178 (0x0100 + alert 120); another close code is a WARN, carrying on with the "
     "handshake a FAIL. This is SRV-NO-OVERLAP-ALERT with QUIC's stricter wording.",
     .outside = "QUIC is TLS 1.3 only",
     .server = {.offer = offer_unknown_only, .judge = judge_no_overlap, .run_pos = 39}},
    {"SRV-QUIC-H3-V1", SERVER, SHOULD, "9114 §3.1", SEC_QUIC,
     "QUIC v1: \"h3-29\" offered before \"h3\": \"h3\" is selected, never the draft identifier", TLS13, QUIC,
     "On a QUIC version 1 connection the offer is the draft identifier \"h3-29\" first, then \"h3\". HTTP/3 "
     "over QUIC v1 is \"h3\"; draft identifiers belong to the draft versions of QUIC, so the server should select "
     "\"h3\" rather than follow the client's order into \"h3-29\". Skipped when the server does not speak h3.",
     .outside = "QUIC is TLS 1.3 only",
     .server = {.offer = offer_h3_after_draft, .judge = judge_select, .run_pos = 40}},

    {"SRV-ALT-SVC", SERVER, SHOULD, "7838 §3, 9114 §3.1", SEC_ALTSVC_SERVER,
     "GET / over http/1.1: any Alt-Svc field in the answer parses (h3 reported)", BOTH, TCP,
     "A complete handshake offers only http/1.1, sends \"GET / HTTP/1.1\" with Host and Connection: close, and "
     "reads the answer's head; Alt-Svc is optional, so an answer without it passes. A field that is there should "
     "follow RFC 7838 §3 and is judged with libalpn's strict parser: a value it rejects is a WARN naming the ALTSVC-* "
     "or HDR-* rule and the byte, with what a lenient client still takes from it, and a valid one passes with its "
     "alternatives listed (h3 is HTTP/3 over QUIC on that UDP port). Skipped when the server does not select "
     "http/1.1 or sends no HTTP answer.",
     .not_quic = NOT_QUIC_HTTP,
     .server = {.run = run_alt_svc, .full_handshakes = 1, .run_pos = 41}},
    /* ---- client checks: alpncheck is the server ------------------------------------------------------------- */
    {"CLI-OFFER-WELLFORMED", CLIENT, MUST, "7301 §3.1", SEC_CLI_OFFER,
     "the ClientHello's ALPN list is strictly valid: one extension, non-empty list, no empty names", BOTH, TCP_QUIC,
     "alpncheck inspects the client's ClientHello. It must hold one ALPN extension whose list fills the "
     "extension_data exactly, is not empty and contains no empty name. Skipped when the client offers no ALPN; "
     "libalpn's list encoder reports this ID when asked to encode such a list.",
     .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_WELLFORMED, -1}},
    {"CLI-OFFER-NO-H2C", CLIENT, MUST, "9113 §3.2", SEC_CLI_OFFER, "h2c is never offered over TLS", BOTH, TCP_QUIC,
     "alpncheck inspects the client's ClientHello for \"h2c\". That identifier means HTTP/2 over cleartext TCP and "
     "has no place in a TLS handshake; a client offering no ALPN passes.",
     .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_NO_H2C, -1}},
    {"CLI-ACCEPT-VALID", CLIENT, MUST, "7301 §3.2", SEC_CLI_ANSWER,
     "the server selects one offered name (not the first): the client completes the handshake", BOTH, TCP_QUIC,
     "alpncheck answers with one name the client offered, the second non-GREASE one when there are several, so "
     "that a client which assumes its own first choice is caught. A correct answer must be accepted: the client "
     "completes the handshake.",
     .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_ACCEPT, -1}},
    {"CLI-REJECT-UNOFFERED", CLIENT, SHOULD, "7301 §3.2", SEC_CLI_ANSWER,
     "the server selects a name the client did not offer: fatal alert", BOTH, TCP_QUIC,
     "alpncheck selects a name the client did not offer (\"h2\" or \"http/1.1\" when missing from the offer, else "
     "a made-up name). The server may only choose from the client's list, and a client that goes on speaks a "
     "protocol it never offered, so it should abort with a fatal alert. RFC 7301 puts the rule on the server and "
     "names no client action (RFC 8701 §3.1 makes it a MUST only for GREASE values: CLI-REJECT-GREASE), hence SHOULD "
     "(a WARN); stacks differ on the alert (47, 50 or 110), and any fatal alert passes.",
     .client = {CLIENT_ANSWER_UNOFFERED, CLIENT_EXPECT_ALERT, -1}},
    {"CLI-REJECT-MULTIPLE", CLIENT, MUST, "7301 §3.1", SEC_CLI_ANSWER,
     "the server's list holds two names: fatal decode_error or illegal_parameter", BOTH, TCP_QUIC,
     "alpncheck answers with a list of two names, the valid choice and another. A server's list must hold exactly "
     "one name, so the client must abort. The list itself is well-formed and only the prose rule is broken, which "
     "RFC 8446 §6.2 calls illegal_parameter (47), while many stacks send decode_error (50) as for the malformed "
     "lists: both pass, another fatal alert is a WARN. libalpn reports this ID for a server answer with several "
     "names.",
     .client = {CLIENT_ANSWER_TWO_NAMES, CLIENT_EXPECT_ALERT, 50, .alert_also = 47}},
    {"CLI-REJECT-EMPTY-NAME", CLIENT, MUST, "7301 §3.1", SEC_CLI_ANSWER,
     "the server's list holds one empty name (00 01 00): fatal decode_error", BOTH, TCP_QUIC,
     "alpncheck answers 00 01 00, a list holding one empty name. Empty names are malformed, so the client must "
     "abort with decode_error (50); another fatal alert is a WARN.",
     .client = {CLIENT_ANSWER_EMPTY_NAME, CLIENT_EXPECT_ALERT, 50}},
    {"CLI-REJECT-EMPTY-LIST", CLIENT, MUST, "7301 §3.1", SEC_CLI_ANSWER,
     "the server's list is empty (00 00): fatal decode_error", BOTH, TCP_QUIC,
     "alpncheck answers 00 00, a list of length zero. The list may not be empty, so the client must abort with "
     "decode_error (50); another fatal alert is a WARN.",
     .client = {CLIENT_ANSWER_EMPTY_LIST, CLIENT_EXPECT_ALERT, 50}},
    {"CLI-REJECT-MALFORMED", CLIENT, MUST, "7301 §3.1", SEC_CLI_ANSWER,
     "a valid one-name list followed by a stray byte inside the extension: fatal decode_error", BOTH, TCP_QUIC,
     "alpncheck answers a valid one-name list followed by one more byte inside the extension_data. The list must "
     "fill the extension exactly, so the client must abort with decode_error (50). libalpn reports this ID for "
     "every length error in a server's answer.",
     .client = {CLIENT_ANSWER_MALFORMED, CLIENT_EXPECT_ALERT, 50}},
    {"CLI-REJECT-UNSOLICITED", CLIENT, MUST, "8446 §4.2, 5246 §7.4.1.4", SEC_PLACE,
     "an ALPN answer although the client offered none: fatal unsupported_extension", BOTH, TCP,
     "The client is run without ALPN, and alpncheck answers with ALPN all the same. An answer to an extension the "
     "client never sent must be refused with unsupported_extension (110). Skipped when the client offers ALPN (no "
     "command without ALPN was given).",
     .not_quic = NOT_QUIC_UNSOLICITED, .client = {CLIENT_ANSWER_UNSOLICITED, CLIENT_EXPECT_ALERT, 110}},
    {"CLI-REJECT-GREASE", CLIENT, MUST, "8701 §3", SEC_GREASE,
     "the server selects a GREASE value the client offered: fatal alert", BOTH, TCP_QUIC,
     "alpncheck selects a GREASE value that the client itself offered. GREASE values are never a real choice, and "
     "a client must fail the connection when a server selects one; any fatal alert passes. Skipped when the client "
     "offers no GREASE.",
     .client = {CLIENT_ANSWER_GREASE, CLIENT_EXPECT_ALERT, -1}},
    {"CLI-TLS13-ALPN-IN-SH", CLIENT, MUST, "8446 §4.2", SEC_PLACE,
     "TLS 1.3: the ALPN answer in ServerHello: fatal illegal_parameter", TLS13, TCP_QUIC,
     "In TLS 1.3 alpncheck puts a valid ALPN answer into ServerHello instead of EncryptedExtensions. An extension "
     "in a message that may not carry it must be refused with illegal_parameter (47).",
     .outside = "applies to TLS 1.3 only", .client = {CLIENT_ANSWER_IN_SERVER_HELLO, CLIENT_EXPECT_ALERT, 47}},
    {"CLI-NPN-AND-ALPN", CLIENT, SHOULD, "7301 §3.2", SEC_PLACE,
     "TLS 1.2: the server negotiates both ALPN and NPN: fatal illegal_parameter", TLS12, TCP,
     "In TLS 1.2 alpncheck answers both ALPN and Next Protocol Negotiation. The ALPN answer is definitive for the "
     "connection (RFC 7301 §3.2), so a second negotiation beside it should make the client abort, as BoringSSL does "
     "with illegal_parameter (47). NPN was never an RFC and no RFC names the client's action, hence "
     "SHOULD (a WARN). Skipped when the client offers no NPN.",
     .not_quic = NOT_QUIC_TLS12, .outside = "NPN exists in TLS 1.2 only", .client = {CLIENT_ANSWER_WITH_NPN, CLIENT_EXPECT_ALERT, 47}},
    {"CLI-0RTT-ALPN", CLIENT, SHOULD, "8446 §4.2.10", SEC_CLI_0RTT,
     "TLS 1.3: the server accepts 0-RTT but selects another offered name than the ticket's: fatal illegal_parameter",
     TLS13, TCP,
     "A first connection gives the client a ticket for one protocol. When the client resumes with early data, "
     "alpncheck accepts the early data but selects another name the client offered. RFC 8446 §4.2.10 lets a server "
     "accept early data only under the ticket's protocol (its MUST), so the client's early data was taken under "
     "another one; the RFC names no client action, and OpenSSL and BoringSSL abort with illegal_parameter (47): "
     "SHOULD (a WARN). Skipped when the client does not resume with 0-RTT or offers a single name.",
     .not_quic = NOT_QUIC_TICKET, .outside = "0-RTT exists in TLS 1.3 only", .client = {CLIENT_ANSWER_0RTT_CHANGE, CLIENT_EXPECT_ALERT, 47}},
    {"CLI-0RTT-ALPN-ADDED", CLIENT, SHOULD, "8446 §4.2.10", SEC_CLI_0RTT,
     "TLS 1.3: a ticket without ALPN, then the server accepts 0-RTT and selects a protocol: fatal illegal_parameter",
     TLS13, TCP,
     "alpncheck answers the client's first connection without ALPN, so its ticket carries no protocol. When the "
     "client resumes with early data, alpncheck accepts the early data and selects a name the client offered. The "
     "selected protocol (\"if any\") must be the ticket's, which here is none: the server broke RFC 8446 §4.2.10's "
     "MUST, and the client should abort with illegal_parameter (47), as for CLI-0RTT-ALPN (SHOULD: the RFC names no "
     "client action). Skipped when the client does not resume with 0-RTT.",
     .not_quic = NOT_QUIC_TICKET, .outside = "0-RTT exists in TLS 1.3 only", .client = {CLIENT_ANSWER_0RTT_ADDED, CLIENT_EXPECT_ALERT, 47}},
    {"CLI-QUIC-NO-ALPN", CLIENT, MUST, "9001 §8.1", SEC_QUIC,
     "QUIC: the server answers without ALPN: CONNECTION_CLOSE 0x178 (no_application_protocol)", TLS13, QUIC,
     "Over QUIC alpncheck completes its flight without answering the client's ALPN offer. QUIC endpoints must "
     "negotiate ALPN, and one that ends up without a protocol must close the connection at once with "
     "no_application_protocol, which QUIC sends as CONNECTION_CLOSE 0x1c with the crypto error 0x0178. Another "
     "close (handshake_failure 0x128, internal_error 0x150, NO_ERROR, INTERNAL_ERROR, or going away silently) is a "
     "WARN; completing the handshake without closing is a FAIL. This is SRV-QUIC-NO-ALPN from the client's side.",
     .outside = "QUIC is TLS 1.3 only", .client = {CLIENT_ANSWER_NONE, CLIENT_EXPECT_ALERT, 120}},
    {"CLI-NO-ALPN-ANSWER", CLIENT, INFO, "7301 §3.2", SEC_CLI_REPORT,
     "the server ignores ALPN: reported (carries on without a protocol, or aborts)", BOTH, TCP,
     "alpncheck completes the handshake without answering the client's ALPN offer. Whether the client then goes "
     "on with a default protocol or gives up is its own decision, so the reaction is only reported.",
     .not_quic = NOT_QUIC_NO_ANSWER, .client = {CLIENT_ANSWER_NONE, CLIENT_EXPECT_REPORT, -1}},
    {"CLI-ALERT-120", CLIENT, INFO, "7301 §3.2", SEC_CLI_REPORT,
     "the server answers fatal no_application_protocol: reported (the client fails cleanly)", BOTH, TCP_QUIC,
     "alpncheck answers the ClientHello with the fatal alert no_application_protocol (120), as a server with no "
     "common protocol does. Over QUIC the alert is a CONNECTION_CLOSE with 0x0178 in an Initial packet. How the "
     "client ends, and with which exit status, is reported.",
     .client = {CLIENT_ANSWER_ALERT_120, CLIENT_EXPECT_REPORT, -1}},
    {"CLI-PROXY-ALPN-FIELD", CLIENT, INFO, "7639 §2", SEC_CLI_PROXY,
     "through a proxy: whether the client's CONNECT carries an ALPN field is reported", BOTH, TCP,
     "Run with --proxy, alpncheck is the HTTP proxy the client is configured to use: the connection starts with a "
     "CONNECT, which alpncheck answers 200 before it plays the TLS server in the tunnel. The ALPN field on that "
     "CONNECT is optional, so whether the client sends one, and what it says, is only reported.",
     .not_quic = NOT_QUIC_PROXY, .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_PROXY_FIELD, -1}},
    {"CLI-PROXY-ALPN-SAME", CLIENT, SHOULD, "7639 §2", SEC_CLI_PROXY,
     "through a proxy: the CONNECT's ALPN field names the protocols the ClientHello in the tunnel offers", BOTH, TCP,
     "The field tells the proxy which protocols the client will negotiate inside the tunnel, so its names should be "
     "the names the ClientHello that follows offers, in any order (GREASE values aside, which belong to TLS; "
     "several ALPN field lines are one list, RFC 9110 §5.3). A field naming others misleads a proxy that decides "
     "by it. A client that sends no field is SKIP.",
     .not_quic = NOT_QUIC_PROXY, .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_PROXY_SAME, -1}},
    {"CLI-PROXY-ALPN-CANONICAL", CLIENT, MUST, "7639 §2", SEC_CLI_PROXY,
     "through a proxy: the CONNECT's ALPN field is valid and canonical", BOTH, TCP,
     "The field value must follow RFC 7639's syntax as a sender writes it: a list of protocol-ids, octets outside "
     "the token characters and % itself percent-encoded with upper-case hex, nothing else encoded. libalpn's "
     "strict header parser judges it and names the HDR-* rule and the offset it breaks. A client that sends no "
     "field is SKIP.",
     .not_quic = NOT_QUIC_PROXY, .client = {CLIENT_ANSWER_VALID, CLIENT_EXPECT_PROXY_CANONICAL, -1}},

    /* ---- HTTP ALPN header field (RFC 7639): libalpn's parser and formatter --------------------------------- */
    {"HDR-LIST", HEADER, MUST, "7639 §2, 9110 §5.6.1", SEC_HDR_SYNTAX,
     "a comma-separated list of at least one protocol-id, without empty elements", .tls = 0, .transport = 0,
     "The field value is a list of protocol-ids separated by commas, with optional whitespace around them. A "
     "sender must not produce empty elements; a lenient recipient skips them and reports the deviation. A value "
     "holding no name at all is invalid in either mode."},
    {"HDR-TOKEN", HEADER, MUST, "7639 §2, 9110 §5.6.2", SEC_HDR_SYNTAX,
     "every raw character of a protocol-id is a token character", .tls = 0, .transport = 0,
     "A protocol-id is an HTTP token, so only token characters may appear unencoded. Anything else, such as a "
     "space inside an element, a quote, \"/\" or \";\", has to be percent-encoded."},
    {"HDR-NAME-LENGTH", HEADER, MUST, "7639 §2, 7301 §3.1", SEC_HDR_SYNTAX,
     "a decoded protocol name is 1 to 255 octets; NUL is data", .tls = 0, .transport = 0,
     "After percent-decoding, each name must be a valid ALPN protocol name: at least one and at most 255 octets. "
     "A decoded NUL is part of the name and does not end it."},
    {"HDR-PCT-UPPER", HEADER, MUST, "7639 §2", SEC_HDR_ENCODING, "percent-encoding uses upper-case hex digits",
     .tls = 0, .transport = 0,
     "An encoded octet is written with upper-case hex digits (%2F, not %2f), so that two senders spell the same "
     "name alike and plain string comparison works. A lenient recipient accepts lower case and reports it."},
    {"HDR-PCT-NOT-TCHAR", HEADER, MUST, "7639 §2", SEC_HDR_ENCODING,
     "a token character other than % is never percent-encoded", .tls = 0, .transport = 0,
     "Octets that are token characters, except \"%\" itself, are written as they are; \"%68%32\" for \"h2\" is "
     "wrong. Again the point is one spelling per name; a lenient recipient decodes such escapes and reports "
     "them."},
    {"HDR-PCT-PERCENT", HEADER, MUST, "7639 §2", SEC_HDR_ENCODING, "a % in a protocol name is always encoded as %25",
     .tls = 0, .transport = 0,
     "The \"%\" character introduces an escape, so a \"%\" that belongs to the name is always written \"%25\". "
     "libalpn's formatter does so, and the header_format vectors hold formatters to it."},
    {"HDR-PCT-TRUNCATED", HEADER, MUST, "7639 §2", SEC_HDR_ENCODING, "a % must be followed by two hex digits", .tls = 0,
     .transport = 0,
     "An escape is \"%\" and exactly two hex digits. A \"%\" at the end of an element or before a non-hex "
     "character cannot be decoded and makes the value invalid in either mode."},
    {"HDR-CANONICAL", HEADER, MUST, "7639 §2", SEC_HDR_ENCODING,
     "formatting is a fixed point: format(parse(x)) = x for canonical x", .tls = 0, .transport = 0,
     "Every name has one canonical protocol-id and a list one canonical value, with elements joined by \", \". "
     "Parsing a canonical value and formatting the names again must give back the same text, and a non-canonical "
     "value must map to its canonical form. The vectors and the header fuzz target check this."},
    {"HDR-SAME-AS-TLS", HEADER, SHOULD, "7639 §2", SEC_HDR_TUNNEL,
     "the header lists the names a ClientHello in the tunnel would offer", .tls = 0, .transport = 0,
     "The header announces the protocols the client means to negotiate inside a CONNECT tunnel, so it should list "
     "the same names as that ClientHello. libalpn reports this ID when the decoded names would not fit one "
     "ClientHello's list (over 65535 bytes)."},
    /* ---- HTTP proxies (RFC 7639 §2.3, RFC 9110 §9.3.6): CONNECT through the proxy to alpncheck's own target ---- */
    {"PRX-TUNNEL-INTACT", PROXY, MUST, "9110 §9.3.6", SEC_PRX_TUNNEL,
     "CONNECT without an ALPN field opens a tunnel that relays bytes unchanged both ways", .tls = 0, .transport = 0,
     "alpncheck sends CONNECT for its own target on loopback, without an ALPN field. Once the proxy answers 2xx it "
     "is a blind relay: the ClientHello alpncheck sends must reach the target byte for byte, and a record holding "
     "every byte value must come back the same way. This is also the run's baseline: a proxy that refuses this "
     "plain CONNECT by policy cannot be tested, and every proxy check is then ERROR with its answer.",
     .proxy = {NULL, PROXY_EXPECT_INTACT}},
    {"HDR-PROXY-TOLERANT", PROXY, SHOULD, "7639 §2.3", SEC_PRX_FIELD,
     "a CONNECT naming a protocol the proxy does not know still gets its tunnel", .tls = 0, .transport = 0,
     "The CONNECT carries \"ALPN: x-alpncheck-unknown\", a protocol no proxy knows. A proxy may use the field for "
     "policy, but it should not refuse a tunnel only because it does not recognise the protocol; the same "
     "CONNECT without the field was accepted. Refusing is a WARN; a tunnel that alters bytes is a FAIL.",
     .proxy = {"x-alpncheck-unknown", PROXY_EXPECT_TUNNEL}},
    {"PRX-ALPN-REGISTERED", PROXY, SHOULD, "7639 §2.3", SEC_PRX_FIELD,
     "a CONNECT announcing h2 and http/1.1 gets the same tunnel as one without the field", .tls = 0, .transport = 0,
     "The CONNECT carries \"ALPN: h2, http%2F1.1\", the names the ClientHello inside offers, spelt as RFC 7639 "
     "wants them. A client that announces what it will do must not be worse off than one that says nothing.",
     .proxy = {"h2, http%2F1.1", PROXY_EXPECT_TUNNEL}},
    {"PRX-ALPN-GREASE", PROXY, SHOULD, "7639 §2.3, 8701 §3.2", SEC_PRX_FIELD,
     "a GREASE value in the ALPN field does not make the proxy refuse the tunnel", .tls = 0, .transport = 0,
     "The CONNECT carries \"ALPN: %1A%1A, h2\": the GREASE value 0x1A1A percent-encoded before h2. GREASE values "
     "exist to keep receivers tolerant of names they do not know (RFC 8701), so a proxy should treat it as any "
     "unknown protocol and open the tunnel.",
     .proxy = {"%1A%1A, h2", PROXY_EXPECT_TUNNEL}},
    {"PRX-ALPN-ENCODED", PROXY, SHOULD, "7639 §2, §2.3", SEC_PRX_FIELD,
     "percent-encoded octets (space, comma) in a protocol-id do not make the proxy refuse the tunnel", .tls = 0,
     .transport = 0,
     "The CONNECT carries \"ALPN: h2, x%20y%2Cz\": a second name holding a space and a comma, encoded as RFC 7639 "
     "requires. A proxy that splits the value on the decoded comma or chokes on the escapes shows here.",
     .proxy = {"h2, x%20y%2Cz", PROXY_EXPECT_TUNNEL}},
    {"PRX-ALPN-MALFORMED", PROXY, INFO, "7639 §2.3", SEC_PRX_FIELD,
     "a malformed ALPN field: whether the proxy opens the tunnel is reported", .tls = 0, .transport = 0,
     "The CONNECT carries \"ALPN: h2,,%zz\", which breaks the field's syntax twice (an empty element, an escape "
     "without hex digits). RFC 7639 leaves what a proxy does with it to its policy, so opening and refusing are "
     "both reported, not judged; a tunnel that alters bytes is still a FAIL.",
     .proxy = {"h2,,%zz", PROXY_EXPECT_REPORT}},
    {"PRX-ALPN-FORWARDED", PROXY, SHOULD, "9110 §5.1, 7639 §2.3", SEC_PRX_FIELD,
     "a proxy that chains to an upstream proxy forwards the ALPN field unchanged", .tls = 0, .transport = 0,
     "Run with --upstream HOST:PORT and the proxy configured to use that address as its upstream (parent) proxy, "
     "alpncheck receives the CONNECT the proxy makes and answers it. The ALPN field it sent, \"h2, http%2F1.1\", "
     "should arrive there once and unchanged: a proxy forwards a field it does not know, and one that uses the "
     "field for policy has no reason to alter it. Without that configuration the check is SKIP.",
     .proxy = {"h2, http%2F1.1", PROXY_EXPECT_FORWARDED}},
    /* ---- HTTP Alt-Svc field value (RFC 7838): libalpn's Alt-Svc parser and formatter ------------------------ */
    {"ALTSVC-CLEAR", ALTSVC, MUST, "7838 §3", SEC_ALTSVC_SYNTAX, "\"clear\" is the whole value, in lower case",
     .tls = 0, .transport = 0,
     "The value \"clear\" withdraws every alternative and is spelled exactly so: it is case-sensitive and cannot "
     "share the value with alternatives or carry parameters. A lenient recipient accepts another case and reports "
     "it."},
    {"ALTSVC-LIST", ALTSVC, MUST, "7838 §3, 9110 §5.6.1", SEC_ALTSVC_SYNTAX,
     "a comma-separated list of at least one alternative, without empty elements", .tls = 0, .transport = 0,
     "Unless it is \"clear\", the value lists one or more alternatives separated by commas. A sender must not "
     "produce empty elements; a lenient recipient skips them and reports it, and a value with no alternative is "
     "invalid in either mode."},
    {"ALTSVC-ALTERNATIVE", ALTSVC, MUST, "7838 §3", SEC_ALTSVC_SYNTAX,
     "an alternative is protocol-id \"=\" alt-authority, nothing around the \"=\"", .tls = 0, .transport = 0,
     "Each alternative starts with a protocol-id, percent-encoded as in the ALPN header (the HDR-PCT-* rules), "
     "directly followed by \"=\" and the quoted authority. Whitespace around the \"=\" is not in the grammar; a "
     "lenient recipient accepts and reports it."},
    {"ALTSVC-QUOTED", ALTSVC, MUST, "7838 §3, 9110 §5.6.4", SEC_ALTSVC_SYNTAX,
     "quoted-strings are closed, hold no controls, and quote only '\"' and '\\'", .tls = 0, .transport = 0,
     "The authority and quoted parameter values are HTTP quoted-strings: closed, without control characters, a "
     "backslash quoting one visible character. Senders should quote only double quotes and backslashes; other "
     "quoted-pairs are reported by lenient recipients."},
    {"ALTSVC-AUTHORITY", ALTSVC, MUST, "7838 §3, 3986 §3.2.2", SEC_ALTSVC_SYNTAX,
     "the alt-authority is a quoted [host]:port with a valid host", .tls = 0, .transport = 0,
     "The authority is a quoted-string holding an optional host, a colon and a port. The host is a registered name "
     "or IPv4 address of at most 255 octets, or an IPv6 literal in brackets."},
    {"ALTSVC-PORT", ALTSVC, MUST, "7838 §3, 3986 §3.2.3", SEC_ALTSVC_SYNTAX,
     "the port is present, decimal and at most 65535", .tls = 0, .transport = 0,
     "An alternative always names its port, unlike a URI authority. It is a decimal number no larger than 65535; "
     "leading zeros are allowed and dropped by the canonical form."},
    {"ALTSVC-PARAM", ALTSVC, MUST, "7838 §3, 9110 §5.6.6", SEC_ALTSVC_PARAMS,
     "parameters are ; name=value with a token name and a token or quoted value", .tls = 0, .transport = 0,
     "After the authority come parameters separated by semicolons with optional whitespace, each a token name, "
     "\"=\" and a token or quoted-string. Unknown parameters are kept and passed on; empty parameters and "
     "whitespace around \"=\" are reported by lenient recipients."},
    {"ALTSVC-MA", ALTSVC, MUST, "7838 §3.1, 9111 §1.2.2", SEC_ALTSVC_PARAMS,
     "ma is a number of seconds (delta-seconds)", .tls = 0, .transport = 0,
     "The ma parameter gives the freshness lifetime in seconds, 24 hours when absent; values past 2147483648 count "
     "as that. A value that is not a number is an error for a sender, and a lenient recipient ignores it."},
    {"ALTSVC-PERSIST", ALTSVC, SHOULD, "7838 §3.1", SEC_ALTSVC_PARAMS, "persist, when present, is 1", .tls = 0,
     .transport = 0,
     "Only persist=1 has a meaning: keep the alternative across network changes. Recipients must ignore other "
     "values, so a sender that writes them says nothing and is warned."},
    {"ALTSVC-CANONICAL", ALTSVC, MUST, "7838 §3", SEC_ALTSVC_SYNTAX,
     "formatting is a fixed point: format(parse(x)) = x for canonical x", .tls = 0, .transport = 0,
     "libalpn's formatter writes one canonical spelling of each value: canonical protocol-ids, no quoted-pairs, no "
     "leading zeros, \", \" and \"; \" as separators. Formatting a canonical value must give it back unchanged, "
     "which the altsvc vectors and the Alt-Svc fuzz target check."},

    /* ---- SVCB/HTTPS alpn and no-default-alpn (RFC 9460): libalpn's SVCB code -------------------------------- */
    {"SVCB-ALPN-EMPTY", SVCB, MUST, "9460 §7.1.1", SEC_SVCB_WIRE, "alpn holds at least one alpn-id", .tls = 0,
     .transport = 0,
     "An alpn SvcParam lists one or more protocol identifiers. An empty wire value, or alpn without a value in "
     "presentation format, is malformed."},
    {"SVCB-ALPN-ID-EMPTY", SVCB, MUST, "9460 §7.1, §A.1", SEC_SVCB_WIRE, "no alpn-id is empty", .tls = 0,
     .transport = 0,
     "Each alpn-id is 1 to 255 octets. A zero length byte in wire format, or an empty item between commas in "
     "presentation format, makes the value malformed."},
    {"SVCB-ALPN-OVERRUN", SVCB, MUST, "9460 §7.1.1", SEC_SVCB_WIRE,
     "the length-prefixed alpn-ids fill the value exactly", .tls = 0, .transport = 0,
     "In wire format each alpn-id has a one-octet length, and the pairs must fill the SvcParamValue exactly. An id "
     "whose length runs past the end of the value makes it malformed."},
    {"SVCB-ALPN-LENGTH", SVCB, MUST, "9460 §7.1, 7301 §3.1", SEC_SVCB_PRES,
     "an alpn-id is at most 255 octets and the value at most 65535", .tls = 0, .transport = 0,
     "A decoded presentation item longer than 255 octets cannot be an alpn-id. A value over 65535 octets fits "
     "neither a SvcParamValue nor a TLS ProtocolNameList."},
    {"SVCB-ALPN-LIST", SVCB, MUST, "9460 §A.1", SEC_SVCB_PRES,
     "inside a presentation item a backslash only escapes ',' or '\\'", .tls = 0, .transport = 0,
     "After the character-string escapes are undone, the value is a comma-separated list in which \"\\,\" is a "
     "literal comma and \"\\\\\" a literal backslash. Any other backslash, or one at the end, is malformed."},
    {"SVCB-CHAR-STRING", SVCB, MUST, "9460 §2.1, 1035 §5.1", SEC_SVCB_PRES,
     "the presentation value is a valid DNS character-string", .tls = 0, .transport = 0,
     "The value is a zone-file character-string: \\DDD is a decimal octet up to 255 with exactly three digits and "
     "\\X the character X. Unquoted, it must escape whitespace, quotes, semicolons and parentheses; quoted, it must "
     "close its quote at the end."},
    {"SVCB-NO-DEFAULT-EMPTY", SVCB, MUST, "9460 §7.1.1", SEC_SVCB_KEYS, "no-default-alpn has an empty value",
     .tls = 0, .transport = 0,
     "The no-default-alpn key is a flag: its value must be empty in wire and presentation format. A record giving it "
     "a value is malformed."},
    {"SVCB-NO-DEFAULT-ALONE", SVCB, MUST, "9460 §7.1.1, §2.4.3", SEC_SVCB_KEYS, "no-default-alpn only together with alpn",
     .tls = 0, .transport = 0,
     "Without the default protocol the endpoint's protocols come only from alpn, so no-default-alpn without alpn "
     "leaves none. Such a record is not self-consistent."},
    {"SVCB-KEY-ORDER", SVCB, MUST, "9460 §2.2", SEC_SVCB_KEYS, "SvcParamKeys appear once each, in increasing order",
     .tls = 0, .transport = 0,
     "In wire format the keys are sorted in strictly increasing numeric order, so no key appears twice. Presentation "
     "format allows any order but no repeated key."},
    {"SVCB-PARAMS-WIRE", SVCB, MUST, "9460 §2.2", SEC_SVCB_KEYS, "each SvcParam's key, length and value fit the data",
     .tls = 0, .transport = 0,
     "A SvcParam is a two-octet key, a two-octet length and that many octets of value. A truncated header or a "
     "length that runs past the end of the RDATA makes the record malformed."},
    {"SVCB-ALPN-ROUNDTRIP", SVCB, MUST, "9460 §7.1.1, 7301 §3.1, 7639 §2", SEC_SVCB_PRES,
     "presentation, wire, extension_data and ALPN header name the same protocols", .tls = 0, .transport = 0,
     "The alpn value, its canonical presentation form, the TLS extension_data and the ALPN header value are four "
     "spellings of one list. Converting between them must not change a single octet; the svcb_alpn vectors and "
     "the SVCB fuzz target check this."},
};

const size_t check_catalogue_count = sizeof check_catalogue / sizeof check_catalogue[0];

const check_entry *check_find_n(const char *id, size_t len)
{
    for (size_t i = 0; id != NULL && i < check_catalogue_count; i++) {
        const char *k = check_catalogue[i].id;
        if (strlen(k) == len && memcmp(k, id, len) == 0)
            return &check_catalogue[i];
    }
    return NULL;
}

const check_entry *check_find(const char *id)
{
    return id != NULL ? check_find_n(id, strlen(id)) : NULL;
}

const check_entry *check_get(const char *id)
{
    static const check_entry unknown = {.id = "?",
                                        .family = CHECK_FAMILY_SERVER,
                                        .lvl = LEVEL_INFO,
                                        .ref = "?",
                                        .section = "unknown check",
                                        .title = "unknown check",
                                        .description = "This ID has no row in the catalogue."};
    const check_entry *c = check_find(id);
    return c != NULL ? c : &unknown;
}

void check_result_init(result *out, const check_entry *c, const char *tls)
{
    memset(out, 0, sizeof *out);
    out->id = c->id;
    out->tls = tls;
    out->section = c->section;
    out->ref = c->ref;
    out->title = c->title;
    out->lvl = c->lvl;
}

static const char *const family_names[CHECK_FAMILY_COUNT] = {"server", "client", "header", "proxy", "altsvc", "svcb"};

const char *check_family_name(check_family f)
{
    return TABLE_TEXT(family_names, f, "?");
}

int check_family_parse(const char *name)
{
    for (int i = 0; i < CHECK_FAMILY_COUNT; i++) {
        if (strcmp(name, family_names[i]) == 0)
            return i;
    }
    return -1;
}

static const char *const tls_names[] = {"1.0", "1.1", "1.2", "1.3"};

unsigned check_tls_bit(const char *tls)
{
    for (unsigned i = 0; tls != NULL && i < sizeof tls_names / sizeof tls_names[0]; i++) {
        if (strcmp(tls, tls_names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

void check_tls_text(unsigned tls, char *buf, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (unsigned i = 0; i < sizeof tls_names / sizeof tls_names[0]; i++) {
        if (tls & (1u << i) && o < cap) {
            int w = snprintf(buf + o, cap - o, "%s%s", o ? ", " : "", tls_names[i]);
            if (w < 0)
                return;
            o += (size_t)w;
        }
    }
}

int check_applies(const check_entry *c, const char *tls)
{
    return (c->tls & check_tls_bit(tls)) != 0;
}

const char *check_transport_name(unsigned transport)
{
    return transport == CHECK_TRANSPORT_QUIC ? "QUIC" : "TCP";
}

const char *check_transport_skip(const check_entry *c, unsigned transport)
{
    if (transport == 0)
        transport = CHECK_TRANSPORT_TCP;
    if (c->transport & transport)
        return NULL;
    if (transport == CHECK_TRANSPORT_QUIC && c->not_quic != NULL)
        return c->not_quic;
    return c->transport == CHECK_TRANSPORT_QUIC ? "applies over QUIC only" : "applies over TCP only";
}

void check_applies_text(const check_entry *c, char *buf, size_t cap)
{
    if (c->family == CHECK_FAMILY_PROXY) {
        snprintf(buf, cap, "HTTP CONNECT through a proxy");
        return;
    }
    if (c->tls == 0) {
        snprintf(buf, cap, c->family == CHECK_FAMILY_SVCB ? "DNS SvcParam" : "HTTP header field");
        return;
    }
    char v[32];
    check_tls_text(c->tls, v, sizeof v);
    /* QUIC carries TLS 1.3 only (RFC 9001 §4.2). */
    if (c->transport == CHECK_TRANSPORT_QUIC)
        snprintf(buf, cap, "TLS 1.3 over QUIC");
    else
        snprintf(buf, cap, "TLS %s over TCP%s", v, c->transport & CHECK_TRANSPORT_QUIC ? "; TLS 1.3 over QUIC" : "");
}
