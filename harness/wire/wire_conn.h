/*
 * Whole handshakes as connection objects: wire_client_conn (alpncheck as a client, for `alpncheck server`) and
 * wire_server_conn (alpncheck as a server, for `alpncheck client`), both over one transcript type (wire_transcript)
 * and one key schedule (wire_conn), so that neither the peer layer nor the checks keep a transcript of their own.
 *
 * The boundary is handshake messages, not records. An object takes the peer's handshake messages one whole message
 * at a time (the 4-byte header — type, 24-bit length — then the body), each with the encryption level it arrived
 * at, and queues its own messages, each with its level, in its outbox (conn.out). It sees no record, packet, socket
 * or clock. The levels are TLS 1.3's key epochs, which are also QUIC's encryption levels (RFC 9001 §4.1.4):
 *
 *   WIRE_LEVEL_INITIAL      no protection: ClientHello, ServerHello, HelloRetryRequest; all of TLS 1.2's handshake
 *   WIRE_LEVEL_EARLY        client_early_traffic_secret (0-RTT, client to server only; EndOfEarlyData)
 *   WIRE_LEVEL_HANDSHAKE    {client,server}_handshake_traffic_secret (EncryptedExtensions .. Finished)
 *   WIRE_LEVEL_APPLICATION  {client,server}_application_traffic_secret_0 (NewSessionTicket)
 *
 * Every traffic secret the key schedule (RFC 8446 §7.1) derives is exported in conn.secret[level][direction], with a
 * bit in conn.have, and conn.read_level names the level at which the peer's next handshake message is expected. A
 * carrier makes its own protection from these and nothing else:
 *
 *   - TLS records: wire_records below (wire_record.c) derives each secret's key and IV (RFC 8446 §7.3), writes the
 *     queued messages as records of at most 2^14 bytes (plaintext at INITIAL, AEAD-protected above, §5.2) and opens
 *     the peer's protected records at the current read level. Alerts and the compatibility change_cipher_spec
 *     (RFC 8446 §D.4) are record-layer matters: the peer layer sends and reads them.
 *   - QUIC packets: quic_client (quic_client.h, on quic.h) puts the same messages in CRYPTO frames of each level's
 *     packet number space and derives its packet protection from the same secrets ("quic key", "quic iv", "quic hp",
 *     RFC 9001 §5.1). Only a quic_transport_parameters extension is new in the hello (wire_client_params.quic_tp);
 *     objects, checks and judges stay as they are.
 *
 * Both carriers deliver the peer's handshake bytes of a level in order, split and joined anywhere (RFC 8446 §5.1:
 * records may fragment and coalesce messages, as CRYPTO frames do); wire_msg_reader cuts them into whole messages.
 */
#ifndef ALPN_WIRE_CONN_H
#define ALPN_WIRE_CONN_H

#include <nettle/sha2.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"
#include "wire_server.h"

/* ---- transcript (RFC 8446 §4.4.1) --------------------------------------------------------------------------- */

/* The running hash of the handshake messages. The cipher suite picks the hash (RFC 8446 §4.4.1: "the Hash function
 * of the negotiated cipher suite") only once a ServerHello is built or read, so until wire_transcript_select both
 * SHA-256 and SHA-384 (the hashes of every suite alpncheck speaks) run over what is added, and no message needs to
 * be kept for later hashing. Plain nettle contexts: copying the struct copies the state. */
typedef struct {
    struct sha256_ctx sha256;
    struct sha512_ctx sha384;
    size_t hash_len; /* 0 until selected; then 32 or 48 */
} wire_transcript;

void wire_transcript_init(wire_transcript *t);
/* Adds bytes (whole handshake messages, header included; or a prefix of one, for Truncate(ClientHello)). */
void wire_transcript_add(wire_transcript *t, const uint8_t *p, size_t len);
/* Fixes the hash to the suite's. 0, or -1 for a hash other than SHA-256 and SHA-384 or a change of hash. */
int wire_transcript_select(wire_transcript *t, const wire_suite *s);
/* Transcript-Hash of everything added so far (hash_len bytes); t is unchanged. 0, or -1 before select. */
int wire_transcript_hash(const wire_transcript *t, uint8_t *out);
/* RFC 8446 §4.4.1: on a HelloRetryRequest, ClientHello1 is replaced by message_hash (type 254, length Hash.length)
 * holding Hash(ClientHello1): whatever was added so far is. Call it with ClientHello1 alone added, after select.
 * 0 or -1. */
int wire_transcript_hello_retry(wire_transcript *t);

/* ---- the common part of a connection: levels, key schedule, outbox ------------------------------------------ */

typedef enum {
    WIRE_LEVEL_INITIAL = 0,
    WIRE_LEVEL_EARLY = 1,
    WIRE_LEVEL_HANDSHAKE = 2,
    WIRE_LEVEL_APPLICATION = 3,
} wire_level;
#define WIRE_LEVELS 4
enum { WIRE_FROM_CLIENT = 0, WIRE_FROM_SERVER = 1 }; /* the direction a secret protects */
#define WIRE_HAVE(level, from) (1u << (2 * (unsigned)(level) + (unsigned)(from)))

/* An object's own handshake messages, in order, each with its level, until the driver has carried them. Room for
 * the largest ClientHello (any ALPN bytes: its extensions block is at most 2^16 - 1 bytes) or a server flight. */
#define WIRE_OUTBOX_MAX  (72u * 1024u)
#define WIRE_OUTBOX_MSGS 8
typedef struct {
    uint8_t buf[WIRE_OUTBOX_MAX];
    size_t len;
    struct {
        wire_level level;
        size_t off, len;
    } msg[WIRE_OUTBOX_MSGS];
    size_t n;
} wire_outbox;

void wire_outbox_clear(wire_outbox *ob);

#define WIRE_ERROR_MAX 200

/* What both objects share: the negotiated version and suite, the transcript, the TLS 1.3 key schedule with its
 * exported traffic secrets, the outbox and the reason of the last failure. */
typedef struct {
    unsigned version; /* negotiated (TLS 1.3 once a ServerHello says so), 0 while unknown */
    wire_suite suite; /* TLS 1.3, once chosen */
    unsigned suite_code;
    wire_transcript transcript;
    uint8_t handshake_secret[48], master_secret[48];
    uint8_t secret[WIRE_LEVELS][2][48]; /* traffic secrets by level and direction (WIRE_FROM_*) */
    unsigned have;                      /* WIRE_HAVE bits of the secrets exported */
    wire_level read_level;              /* where the peer's next handshake message is expected */
    wire_outbox out;
    char error[WIRE_ERROR_MAX];
} wire_conn;

/* For the objects' implementations (wire_client_conn.c, wire_server_conn.c). */
void wire_conn_init(wire_conn *c);
/* Sets conn.error from a printf format; returns -1. */
int wire_conn_fail(wire_conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Chooses the TLS 1.3 suite and with it the transcript's hash. 0 or -1. */
int wire_conn_select_suite(wire_conn *c, unsigned code);
/* A writer over the outbox's free room; wire_conn_emit queues what it wrote as one message of that level and adds it
 * to the transcript. 0, or -1 when it did not fit. */
void wire_conn_begin(wire_conn *c, wire_wr *w);
int wire_conn_emit(wire_conn *c, wire_level level, const wire_wr *w);
/* Adds a message of the peer to the transcript. */
void wire_conn_received(wire_conn *c, const uint8_t *msg, size_t len);
/* Exports a traffic secret (suite.hash_len bytes) for a level and direction. */
void wire_conn_export(wire_conn *c, wire_level level, int from, const uint8_t *secret);
/* RFC 8446 §7.1, over the transcript as it stands: the handshake secrets (after ServerHello; psk NULL for none) and
 * the application secrets (after the server's Finished), exported at HANDSHAKE and APPLICATION. 0 or -1. */
int wire_conn_handshake_secrets(wire_conn *c, const uint8_t *psk, const uint8_t *shared, size_t shared_len);
int wire_conn_application_secrets(wire_conn *c);
/* RFC 8446 §4.4.4: the verify_data of the Finished that side (WIRE_FROM_*) sends now, over the transcript so far.
 * 0 or -1. */
int wire_conn_finished(const wire_conn *c, int from, uint8_t *verify);

/* ---- the client object (alpncheck server) ------------------------------------------------------------------- */

/* A ticket the client object kept from a NewSessionTicket (RFC 8446 §4.6.1), to resume with later. */
typedef struct {
    uint8_t identity[WIRE_TICKET_KEEP]; /* the ticket, the PSK identity of a later ClientHello (§4.2.11) */
    size_t identity_len;
    uint8_t psk[48]; /* HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) */
    unsigned suite;  /* the suite of the connection that issued it: the PSK's hash and the 0-RTT suite (§4.2.10) */
    uint32_t lifetime, age_add;
    int early_data;          /* an early_data extension: 0-RTT allowed on it */
    uint32_t max_early_data; /* its max_early_data_size */
} wire_client_ticket;

/* The ClientHello a probe asks for. Pointers are the caller's and stay valid for the connection. */
typedef struct {
    unsigned version;    /* WIRE_TLS10 to WIRE_TLS13: the only version offered */
    const char *sni;     /* NULL or "": no server_name */
    int send_alpn;       /* 0: no ALPN extension */
    const uint8_t *alpn; /* its extension_data, any bytes (malformed on purpose, up to 2^16 - 1) */
    size_t alpn_len;
    int duplicate_alpn;   /* the ALPN extension twice */
    int send_npn;         /* an empty NPN extension */
    int force_hrr;        /* TLS 1.3: an empty key_share, so that the server must send a HelloRetryRequest */
    int has_alpn2;        /* after a HelloRetryRequest, the second hello's ALPN extension_data is alpn2 */
    const uint8_t *alpn2; /* (RFC 8446 §4.1.2: otherwise the second hello's ALPN is the first's) */
    size_t alpn2_len;
    const uint8_t *quic_tp; /* QUIC: quic_transport_parameters extension_data; NULL over TCP */
    size_t quic_tp_len;
    const wire_client_ticket *resume; /* TLS 1.3: offer this ticket in pre_shared_key (psk_dhe_ke); NULL: none */
    uint32_t resume_age_ms;           /* the ticket's age, for obfuscated_ticket_age (RFC 8446 §4.2.11.1) */
    int early_data; /* with resume: the early_data extension, and client_early_traffic_secret exported at EARLY */
} wire_client_params;

/* Where the server's ALPN answer was seen. */
typedef enum {
    WIRE_WHERE_NONE = 0,
    WIRE_WHERE_SERVER_HELLO,
    WIRE_WHERE_ENCRYPTED_EXTENSIONS,
    WIRE_WHERE_HELLO_RETRY_REQUEST,
    WIRE_WHERE_OTHER, /* CertificateRequest */
} wire_where;

typedef struct {
    wire_conn conn;
    wire_client_params p;
    wire_client_hello hello; /* the hello sent; the second one after a HelloRetryRequest */
    uint8_t x25519_private[32], p256_private[32];
    uint8_t cookie[512];
    int retried;
    int keys_ready; /* handshake keys derived (TLS 1.3 ServerHello) */
    /* What the server's messages showed. */
    unsigned version;       /* of the last ServerHello or HelloRetryRequest */
    wire_alpn_seen alpn;    /* count: ALPN extensions in all messages; data: the first one's */
    wire_where alpn_where;  /* where that first one was */
    int npn;                /* an NPN extension */
    int hrr;                /* a HelloRetryRequest was answered with a second ClientHello */
    int completed;          /* the server's flight is complete (TLS 1.3 Finished, TLS 1.2 ServerHelloDone) */
    int server_finished_ok; /* TLS 1.3: its Finished verified (RFC 8446 §4.4.4); not needed for completed */
    /* Resumption (p.resume): what the server did with the offered ticket. */
    int resumed;        /* its ServerHello selected our PSK (RFC 8446 §4.2.11) */
    int early_accepted; /* its EncryptedExtensions carried early_data (§4.2.10) */
    /* After our Finished (wire_client_finish): the resumption secret and the tickets the server issued. */
    uint8_t resumption_secret[48];
    int finished_sent;
    unsigned tickets; /* NewSessionTickets taken; ticket holds the last one */
    wire_client_ticket ticket;
    char ticket_error[WIRE_ERROR_MAX]; /* empty, or why a NewSessionTicket could not be taken */
} wire_client_conn;

/* Builds the first ClientHello (queued at INITIAL) from fresh randomness and key shares. 0, or -1 with conn.error. */
int wire_client_start(wire_client_conn *cl, const wire_client_params *p);

/* Takes one whole handshake message of the server. Returns 1 when the server's flight is complete, 0 to go on
 * (after a HelloRetryRequest the second ClientHello is queued), -1 with conn.error when the handshake cannot go on.
 * The level is not checked: the probe reports what a server sends wherever it sends it. */
int wire_client_take(wire_client_conn *cl, wire_level level, const uint8_t *msg, size_t len);

/* TLS 1.3, after the server's Finished: queues the client's Finished at HANDSHAKE (RFC 8446 §4.4.4) and derives the
 * resumption secret, so that NewSessionTickets taken after it become tickets. The probe stops at the server's
 * Finished and does not send it; a whole handshake in memory and a QUIC session (quic_client.h) do. 0 or -1. */
int wire_client_finish(wire_client_conn *cl);

/* ---- the server object (alpncheck client) ------------------------------------------------------------------- */

/* The server's crafted answer: any ALPN bytes, in ServerHello or EncryptedExtensions; TLS 1.2 NPN too. */
typedef struct {
    int alpn;                 /* an ALPN extension with extension_data alpn_data[0..alpn_len) */
    int alpn_in_server_hello; /* TLS 1.3: in ServerHello (misplaced, RFC 8446 §4.2) rather than EncryptedExtensions */
    const uint8_t *alpn_data;
    size_t alpn_len;
    int npn; /* TLS 1.2: an NPN extension with npn_data[0..npn_len) */
    const uint8_t *npn_data;
    size_t npn_len;
} wire_server_answer;

/* alpncheck's ticket (RFC 8446 §4.6.1: opaque to the client): a random identity; the state stays with us. */
typedef struct {
    uint8_t id[16];
    uint8_t psk[48];
    unsigned suite;
} wire_ticket;

typedef struct {
    wire_conn conn;
    const wire_identity *id;
    int tls13;     /* the version this connection plays */
    int allow_hrr; /* TLS 1.3: ask by HelloRetryRequest for a share the client did not send (off in the peer layer:
                    * alpncheck client answers such clients with handshake_failure) */
    uint8_t ch_msg[WIRE_HANDSHAKE_MAX + 4]; /* the (last) ClientHello; ch points into it */
    size_t ch_len;
    wire_client_hello_info ch;
    int hrr_sent;
    int resuming; /* wire_server_accept_psk agreed: the next flight resumes */
    uint8_t psk[48];
    unsigned psk_identity;
    int stalled;            /* the client's first message after our flight was neither acceptance nor EndOfEarlyData */
    int client_finished;    /* its Finished arrived (and went into the transcript) */
    int client_finished_ok; /* and verified (RFC 8446 §4.4.4); the peer layer does not require it */
    const uint8_t *quic_tp; /* QUIC: our quic_transport_parameters for EncryptedExtensions; NULL over TCP */
    size_t quic_tp_len;
} wire_server_conn;

/* Starts a connection that plays TLS 1.3 (tls13) or 1.2 with this identity. */
void wire_server_start(wire_server_conn *sv, const wire_identity *id, int tls13);

/* Takes a whole ClientHello message (the first, or the second after a HelloRetryRequest) and parses it into sv->ch.
 * 0, or -1 when it is malformed (RFC 8446 §6.2: decode_error) or too long. */
int wire_server_take_client_hello(wire_server_conn *sv, const uint8_t *msg, size_t len);

/* TLS 1.3: ServerHello (INITIAL), then EncryptedExtensions, Certificate, CertificateVerify, Finished (HANDSHAKE) —
 * or, resuming, EncryptedExtensions accepting early data and Finished only (RFC 8446 §2.3). Exports the handshake
 * and application secrets, and the client's early secret when resuming. Returns 0; 1 when a HelloRetryRequest was
 * queued instead (allow_hrr; take the second ClientHello and answer again); -1 with conn.error. */
int wire_server_answer13(wire_server_conn *sv, const wire_server_answer *a);
/* TLS 1.2: ServerHello, Certificate, ServerKeyExchange (ECDHE, signed), ServerHelloDone, all at INITIAL. 0 or -1. */
int wire_server_answer12(wire_server_conn *sv, const wire_server_answer *a);

/* The index of ticket t among the ClientHello's PSK identities, or -1. */
int wire_server_find_ticket(const wire_server_conn *sv, const wire_ticket *t);
/* Checks the ClientHello's offer of t at index idx (RFC 8446 §4.2.11, §4.2.11.2). Returns 0, and the next
 * wire_server_answer13 resumes; or the alert to send (47, 40, 51) with the reason in conn.error. */
int wire_server_accept_psk(wire_server_conn *sv, const wire_ticket *t, int idx);

/* Takes one whole handshake message of the client after our flight. Returns 1 when it accepted everything so far
 * (TLS 1.3 Finished; TLS 1.2 ClientKeyExchange or Certificate), 0 to go on. */
int wire_server_take(wire_server_conn *sv, wire_level level, const uint8_t *msg, size_t len);

/* TLS 1.3, after the client's Finished: the resumption secret and a ticket for it, queued as NewSessionTicket at
 * APPLICATION allowing 0-RTT (RFC 8446 §4.6.1, §4.2.10). 0, or -1 with conn.error. */
int wire_server_issue_ticket(wire_server_conn *sv, wire_ticket *t);

/* ---- carriers: handshake bytes to messages, messages to TLS records ----------------------------------------- */

/* Reassembles a level's handshake byte stream into whole messages, at most WIRE_HANDSHAKE_MAX bytes of body. */
typedef struct {
    uint8_t buf[WIRE_HANDSHAKE_MAX + 4];
    size_t len, off; /* bytes held; bytes of them already handed out */
} wire_msg_reader;

void wire_msg_reader_reset(wire_msg_reader *r);
/* Appends bytes. 0, or -1 when they do not fit beside the incomplete message held. */
int wire_msg_reader_add(wire_msg_reader *r, const uint8_t *p, size_t len);
/* The most a handshake message of this type may hold (its body): WIRE_SMALL_MESSAGE_MAX for the hellos' answers,
 * EncryptedExtensions, Finished and unknown types, WIRE_HANDSHAKE_MAX for ClientHello, certificates, key exchange and
 * tickets. */
size_t wire_handshake_max(unsigned type);
/* The next whole message: 1 with *msg and *len (valid until the next add), 0 when more bytes are needed, -1 as soon
 * as its header claims more than wire_handshake_max of its type (that claim in *len; the type is the first byte
 * wire_msg_reader_pending shows). */
int wire_msg_reader_next(wire_msg_reader *r, const uint8_t **msg, size_t *len);
/* The bytes held and not yet handed out. */
size_t wire_msg_reader_pending(const wire_msg_reader *r, const uint8_t **p);

/* The TLS record carrier of one connection: record keys per level and direction, made from the object's secrets. */
typedef struct {
    int server; /* our side: the server writes with server secrets and reads with the client's */
    wire_suite suite;
    wire_traffic read[WIRE_LEVELS], write[WIRE_LEVELS];
    unsigned read_ok, write_ok; /* bit per level */
    wire_level read_level;
} wire_records;

void wire_records_init(wire_records *rl, int server);
/* Installs the keys of secrets c exported since the last call (RFC 8446 §7.3, sequence numbers from 0) and follows
 * c's read level upward. 0 or -1. */
int wire_records_update(wire_records *rl, const wire_conn *c);
/* Appends the queued messages of one level to out as records: plaintext handshake records with record version
 * plain_version at INITIAL, protected records under our write key above (RFC 8446 §5.2); consecutive messages share
 * records, split at 2^14 bytes (§5.1). 0 (also when none is queued), or -1 (no key, no room). */
int wire_records_write(wire_records *rl, const wire_outbox *ob, wire_level level, unsigned plain_version, wire_wr *out);
/* 1 when a protected record can be opened at the current read level. */
int wire_records_can_open(const wire_records *rl);
/* Opens one protected record (header included) into out under the read key of the current level, with the inner
 * content type in *type and the level in *level. At EARLY a record that does not open is taken as the peer's switch
 * to its handshake key (RFC 8446 §4.2.10: a client may stop sending early data; a failed AEAD leaves the sequence
 * number alone), which is tried next and becomes the read level. Returns the plaintext length, or -1. */
long wire_records_open(wire_records *rl, const uint8_t *record, size_t len, uint8_t *out, unsigned *type,
                       wire_level *level);

#endif
