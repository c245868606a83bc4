/*
 * The testkit's part for tests of the wire engine alone (testkit.c), apart from testkit.h, whose check and result
 * headers such tests do not need.
 */
#ifndef ALPN_TEST_TESTKIT_WIRE_H
#define ALPN_TEST_TESTKIT_WIRE_H

#include "wire_server.h"

/* The server identity (key and self-signed certificate) of the wire engine's server object, made once per test
 * process (asserting that it could be made). */
wire_identity *tk_identity(void);

#endif
