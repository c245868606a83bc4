# cmake -DALPNCHECK=... -DDOC=docs/CHECKS.md -DOUT=file -P docs_up_to_date.cmake
# Writes `alpncheck checks --markdown` to OUT and fails when the checked-in page DOC differs from it.
get_filename_component(dir ${OUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
execute_process(COMMAND ${ALPNCHECK} checks --markdown OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "alpncheck checks --markdown failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${DOC} ${OUT} RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "docs/CHECKS.md is stale: it differs from what the catalogue (harness/checks/catalogue.c) "
                      "gives now, written to ${OUT}; run 'make docs' and commit docs/CHECKS.md")
endif()
message(STATUS "docs/CHECKS.md is up to date")
