# Runs at install time (install(SCRIPT) from cmake/install.cmake): installs libalpn.pc with its first line set to the
# prefix of this installation, which `cmake --install --prefix` may have changed since configuration. DESTDIR is
# honoured by file(INSTALL); the file itself names the final prefix, never DESTDIR.
file(READ "${ALPN_PC_BUILT}" pc)
string(REGEX REPLACE "^prefix=[^\n]*" "prefix=${CMAKE_INSTALL_PREFIX}" pc "${pc}")
get_filename_component(dir "${ALPN_PC_BUILT}" DIRECTORY)
file(WRITE "${dir}/pc-install/libalpn.pc" "${pc}")
if(IS_ABSOLUTE "${ALPN_INSTALL_LIBDIR}")
  set(dest "${ALPN_INSTALL_LIBDIR}/pkgconfig")
else()
  set(dest "${CMAKE_INSTALL_PREFIX}/${ALPN_INSTALL_LIBDIR}/pkgconfig")
endif()
file(INSTALL DESTINATION "${dest}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${dir}/pc-install/libalpn.pc")
