# Generates the C table of libalpn's registry from src/registry.tsv:
#   cmake -DIN=src/registry.tsv -DOUT=registry_table.c -P cmake/gen_registry.cmake
# Columns (tab-separated): hex of the identification sequence (lower-case, whole bytes), kind
# (registered|grease|unregistered), protocol, reference. Lines starting with '#' and blank lines are comments.
# Any malformed line stops the build with its line number, so the table can only be built from clean data.
#
# The file is cut into lines and columns with string(FIND)/string(SUBSTRING), never through CMake lists: a ';'
# or an unbalanced '[' in a reference would otherwise split or merge columns silently.
cmake_minimum_required(VERSION 3.25)

if(NOT DEFINED IN OR NOT DEFINED OUT OR IN STREQUAL "" OR OUT STREQUAL "")
  message(FATAL_ERROR "usage: cmake -DIN=<registry.tsv> -DOUT=<file.c> -P gen_registry.cmake")
endif()
if(NOT EXISTS "${IN}")
  message(FATAL_ERROR "${IN}: no such file")
endif()

# Turns free text into the body of a C string literal. '?' is escaped too: "??x" would be a trigraph under
# -std=c11.
function(c_string out text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "?" "\\?" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${IN}" data)
set(body "")
set(seen "")
set(count 0)
set(lineno 0)
string(LENGTH "${data}" remaining)
while(remaining GREATER 0)
  math(EXPR lineno "${lineno} + 1")
  string(FIND "${data}" "\n" nl)
  if(nl EQUAL -1)
    set(line "${data}")
    set(data "")
  else()
    string(SUBSTRING "${data}" 0 ${nl} line)
    math(EXPR next "${nl} + 1")
    string(SUBSTRING "${data}" ${next} -1 data)
  endif()
  string(LENGTH "${data}" remaining)
  # CRLF files need no care: file(READ) drops carriage returns (tests/test_registry.c feeds it one).
  if(line STREQUAL "" OR line MATCHES "^#")
    continue()
  endif()

  # Exactly four columns: three tabs.
  string(REGEX MATCHALL "\t" tabs "${line}")
  list(LENGTH tabs ntabs)
  if(NOT ntabs EQUAL 3)
    math(EXPR ncols "${ntabs} + 1")
    message(FATAL_ERROR "${IN}:${lineno}: expected 4 tab-separated columns, found ${ncols}")
  endif()
  string(FIND "${line}" "\t" t1)
  string(SUBSTRING "${line}" 0 ${t1} hex)
  math(EXPR t1 "${t1} + 1")
  string(SUBSTRING "${line}" ${t1} -1 rest)
  string(FIND "${rest}" "\t" t2)
  string(SUBSTRING "${rest}" 0 ${t2} kind)
  math(EXPR t2 "${t2} + 1")
  string(SUBSTRING "${rest}" ${t2} -1 rest)
  string(FIND "${rest}" "\t" t3)
  string(SUBSTRING "${rest}" 0 ${t3} protocol)
  math(EXPR t3 "${t3} + 1")
  string(SUBSTRING "${rest}" ${t3} -1 reference)

  # RFC 7301 §3.1: opaque ProtocolName<1..2^8-1> — 1 to 255 bytes, so 2 to 510 hex digits.
  string(LENGTH "${hex}" hexlen)
  if(hexlen EQUAL 0)
    message(FATAL_ERROR "${IN}:${lineno}: empty name (RFC 7301 §3.1: names are 1..255 bytes)")
  endif()
  if(NOT hex MATCHES "^[0-9a-f]+$")
    message(FATAL_ERROR "${IN}:${lineno}: name '${hex}' is not lower-case hex")
  endif()
  math(EXPR odd "${hexlen} % 2")
  if(odd)
    message(FATAL_ERROR "${IN}:${lineno}: name '${hex}' has an odd number of hex digits")
  endif()
  math(EXPR namelen "${hexlen} / 2")
  if(namelen GREATER 255)
    message(FATAL_ERROR "${IN}:${lineno}: name of ${namelen} bytes (RFC 7301 §3.1: at most 255)")
  endif()
  if(hex IN_LIST seen)
    message(FATAL_ERROR "${IN}:${lineno}: duplicate name ${hex}")
  endif()
  list(APPEND seen "${hex}")

  if(kind STREQUAL "registered")
    set(ckind ALPN_KIND_REGISTERED)
  elseif(kind STREQUAL "grease")
    set(ckind ALPN_KIND_GREASE)
  elseif(kind STREQUAL "unregistered")
    set(ckind ALPN_KIND_UNREGISTERED)
  else()
    message(FATAL_ERROR "${IN}:${lineno}: unknown kind '${kind}' (registered, grease or unregistered)")
  endif()
  if(protocol STREQUAL "" OR reference STREQUAL "")
    message(FATAL_ERROR "${IN}:${lineno}: empty protocol or reference")
  endif()

  c_string(protocol "${protocol}")
  c_string(reference "${reference}")
  # Every byte as \xNN with an explicit length: names may hold NUL and non-ASCII bytes, and since each escape
  # is followed by another backslash or the closing quote, no escape can swallow a following digit.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" cname "${hex}")
  set(entry "{{(const uint8_t *)\"${cname}\", ${namelen}}, ${ckind}, \"${protocol}\", \"${reference}\"}")
  string(APPEND body "    ${entry},\n")
  math(EXPR count "${count} + 1")
endwhile()
if(count EQUAL 0)
  message(FATAL_ERROR "${IN}: no entries")
endif()

set(text "/* Generated from src/registry.tsv by cmake/gen_registry.cmake. Do not edit. */
#include \"alpn.h\"
#include \"alpn_registry_table.h\"

const alpn_registry_entry alpn_registry_table[] = {
${body}};
const size_t alpn_registry_table_len = ${count};
")
# Rewrite only on change, so an unchanged table keeps its timestamp and nothing that depends on it rebuilds.
file(WRITE "${OUT}.tmp" "${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
