# cmake -DVECGEN=... -DCASES=vectors/gen/cases -DREGISTRY=src/registry.tsv -DOUT=dir -P bad_cases.cmake
# Each fault of a case file must stop vecgen with exit 2 and a message naming the file: never fewer vectors.
# One fault at a time, each in a fresh copy of the case files: name|file|what (REMOVE the file, CUT it short, make it
# an EMPTY array, or replace this text in the first case that holds it)|by this.
set(faults
  "missing|altsvc.json|REMOVE"
  "malformed|altsvc.json|CUT"
  "empty array|altsvc.json|EMPTY"
  "unknown key|altsvc.json|\"comment\"|\"coment\""
  "duplicate key|altsvc.json|\"comment\": |\"comment\": \"twice\", \"comment\": "
  "wrong type|altsvc.json|\"flags\": \"RfcExample\"|\"flags\": 1"
  "bad hex|protocol_name_list.json|\"names\"|\"namesHex\""
  "set nobody walks|altsvc.json|\"set\": \"published\"|\"set\": \"publishd\""
  "key its set never reads|altsvc.json|\"set\": \"published\"|\"set\": \"published\", \"port\": \"1\""
  "result against check|altsvc.json|\"result\": \"valid\"|\"result\": \"invalid\""
  "unknown flag|altsvc.json|\"flags\": \"RfcExample\"|\"flags\": \"RfcExampel\""
  "acceptable without a flag|altsvc.json|\"flags\": \"AltSvcClear\", \"comment\": \"clear is case-sensitive\"|\"flags\": \"\", \"comment\": \"clear is case-sensitive\""
  # A value too long for the text it is formatted into: never a cut vector.
  "too-long port|altsvc.json|\"port\": \"443\"|\"port\": \"0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\""
  "too-long probe description|selection.json|\"what\": \"|\"what\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
  # The family's own checks of a case name it as well.
  "valid bad ext|cross_format.json|\"ext\": \"\"|\"ext\": \"0003026832\""
  "malformed offer of names|selection.json|\"68320078\"|\"\""
  "svcb valid list with an empty id|svcb_alpn.json|\"h3-19\"|\"\"")
foreach(fault IN LISTS faults)
  string(REPLACE "|" ";" parts "${fault}")
  list(GET parts 0 name)
  list(GET parts 1 cfile)
  list(GET parts 2 what)
  file(READ ${CASES}/${cfile} original)
  file(REMOVE_RECURSE ${OUT})
  file(COPY ${CASES}/ DESTINATION ${OUT}/cases)
  file(MAKE_DIRECTORY ${OUT}/vectors)
  # (No brackets in the list above: CMake would read them as list syntax.)
  if(what STREQUAL "REMOVE")
    file(REMOVE ${OUT}/cases/${cfile})
  elseif(what STREQUAL "CUT")
    string(SUBSTRING "${original}" 0 300 cut)
    file(WRITE ${OUT}/cases/${cfile} "${cut}")
  elseif(what STREQUAL "EMPTY")
    string(ASCII 91 93 10 empty)
    file(WRITE ${OUT}/cases/${cfile} "${empty}")
  else()
    # Only the first case that holds the text changes: the rest of the file is as checked in.
    list(GET parts 3 to)
    string(FIND "${original}" "${what}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "bad_cases: fault '${name}': no case holds ${what}")
    endif()
    string(SUBSTRING "${original}" 0 ${at} before)
    string(FIND "${before}" "\n" line_start REVERSE)
    math(EXPR line_start "${line_start} + 1")
    string(SUBSTRING "${original}" 0 ${line_start} head)
    string(SUBSTRING "${original}" ${line_start} -1 rest)
    string(FIND "${rest}" "\n" line_end)
    string(SUBSTRING "${rest}" 0 ${line_end} line)
    string(SUBSTRING "${rest}" ${line_end} -1 tail)
    string(REPLACE "${what}" "${to}" changed "${line}")
    file(WRITE ${OUT}/cases/${cfile} "${head}${changed}${tail}")
  endif()
  execute_process(COMMAND ${VECGEN} ${OUT}/vectors ${REGISTRY} ${OUT}/cases RESULT_VARIABLE rc OUTPUT_QUIET
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "${cfile}")
    message(FATAL_ERROR "bad_cases: fault '${name}': vecgen exit ${rc} (want 2), message: ${err}")
  endif()
  string(STRIP "${err}" err)
  message(STATUS "${name}: exit 2, ${err}")
endforeach()
# The unbroken copy must generate: the faults above are what failed, not the harness.
file(REMOVE_RECURSE ${OUT})
file(COPY ${CASES}/ DESTINATION ${OUT}/cases)
file(MAKE_DIRECTORY ${OUT}/vectors)
execute_process(COMMAND ${VECGEN} ${OUT}/vectors ${REGISTRY} ${OUT}/cases RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "bad_cases: the unbroken case files fail (${rc})")
endif()
