/* The bounded lookup of the enum-to-text tables (harness/common/table_text.h), and the name functions built on it:
 * in range the table's text, past either end or at a hole the fallback. */
#include <criterion/criterion.h>

#include "catalogue.h"
#include "exchange.h"
#include "result.h"
#include "table_text.h"

enum colour { RED, GREEN, BLUE, VIOLET };

Test(table_text, in_range_past_the_end_and_holes)
{
    /* Designated initialisers that leave GREEN out: a hole, NULL. */
    static const char *const names[] = {[RED] = "red", [BLUE] = "blue", [VIOLET] = "violet"};
    cr_expect_str_eq(TABLE_TEXT(names, RED, "?"), "red");
    cr_expect_str_eq(TABLE_TEXT(names, BLUE, "?"), "blue");
    cr_expect_str_eq(TABLE_TEXT(names, VIOLET, "?"), "violet", "the last entry is inside the table");
    cr_expect_str_eq(TABLE_TEXT(names, GREEN, "?"), "?", "a hole gives the fallback, not NULL");
    cr_expect_str_eq(TABLE_TEXT(names, VIOLET + 1, "?"), "?", "one past the end");
    cr_expect_str_eq(TABLE_TEXT(names, -1, "?"), "?", "a negative value is past every table");
    cr_expect_null(TABLE_TEXT(names, GREEN, NULL), "the fallback may be NULL");
    cr_expect_str_eq(table_text_at(names, 2, BLUE, "none"), "none", "n bounds the lookup, not the array");
}

Test(table_text, name_functions)
{
    cr_expect_str_eq(where_name(WHERE_ENCRYPTED_EXTENSIONS), "EncryptedExtensions");
    cr_expect_str_eq(where_name(WHERE_OTHER), "another handshake message");
    cr_expect_str_eq(where_name((alpn_where)(WHERE_OTHER + 1)), "?");
    cr_expect_str_eq(where_name((alpn_where)-1), "?");
    cr_expect_str_eq(obs_packet_name(OBS_PACKET_1RTT), "a 1-RTT packet");
    cr_expect_str_eq(obs_packet_name((obs_packet)(OBS_PACKET_1RTT + 1)), "?");
    cr_expect_str_eq(verdict_name(VERDICT_XPASS), "XPASS");
    cr_expect_str_eq(verdict_name(VERDICT_COUNT), "?");
    cr_expect_str_eq(level_name(LEVEL_INFO), "INFO");
    cr_expect_str_eq(level_name((level)(LEVEL_INFO + 1)), "?");
    cr_expect_str_eq(check_family_name(CHECK_FAMILY_COUNT - 1), "svcb");
    cr_expect_str_eq(check_family_name(CHECK_FAMILY_COUNT), "?");
}
