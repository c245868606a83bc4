# What `cmake --install` (and `make install`, `make deb`) puts where, in GNUInstallDirs terms:
#   bin/alpncheck                          the command line (libalpn linked in statically)
#   lib/libalpn.a, lib/libalpn.so.0 ...    libalpn, static and shared (SONAME libalpn.so.<major>)
#   include/alpn.h                         the whole public API (it includes only <stddef.h> and <stdint.h>)
#   lib/pkgconfig/libalpn.pc               pkg-config, with the prefix given at install time
#   share/man/man1/alpncheck.1             the man page
#   share/alpncheck/vectors/               the test vectors `alpncheck vectors` runs by default, and FORMAT.md
# The fuzzing builds (ALPN_FUZZ_ENGINE other than replay) install nothing.
if(NOT ALPN_FUZZ_ENGINE STREQUAL "replay")
  return()
endif()

install(TARGETS alpncheck RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS alpn ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(ALPN_SHARED)
  install(TARGETS alpn_shared LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/src/alpn.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/doc/alpncheck.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
file(GLOB ALPN_VECTOR_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/vectors/*.json)
install(FILES ${ALPN_VECTOR_FILES} ${PROJECT_SOURCE_DIR}/vectors/FORMAT.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/alpncheck/vectors)

# libalpn.pc: configured here for the configured prefix (build/<preset>/libalpn.pc); cmake/install_pc.cmake writes
# the installed copy with the prefix in effect at install time, so that `cmake --install --prefix DIR` gives a
# libalpn.pc that points into DIR. libdir and includedir stay relative to ${prefix} unless they were set absolute.
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(ALPN_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(ALPN_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/libalpn.pc.in ${PROJECT_BINARY_DIR}/libalpn.pc @ONLY)
install(CODE "set(ALPN_PC_BUILT \"${PROJECT_BINARY_DIR}/libalpn.pc\")
set(ALPN_INSTALL_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/install_pc.cmake)
