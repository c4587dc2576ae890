# The emulator engine: Unicorn 2.1 or newer. scripts/setup.sh unpacks Debian
# trixie's 2.1.1 into .deps/unicorn when the system's is older (bookworm has
# 2.0.1); that copy is preferred when present, else the system's is used.
# Both are libunicorn.so.2, so every binary carries a RUNPATH to the copy it
# was linked against: the build tree's binaries point into .deps/unicorn, the
# installed ones (and the .deb's) into ../lib/slowpath beside them, where the
# library is bundled. The loader never falls back to the system's 2.0.1.
set(SLOWPATH_UNICORN_MIN 2.1 CACHE STRING "Oldest Unicorn version slowpath configures against")
set(SLOWPATH_UNICORN_PREFIX "${CMAKE_SOURCE_DIR}/.deps/unicorn" CACHE PATH
    "A Unicorn installed outside the system (scripts/setup.sh puts 2.1 here on bookworm)")

if(EXISTS "${SLOWPATH_UNICORN_PREFIX}/lib/pkgconfig/unicorn.pc")
  set(ENV{PKG_CONFIG_PATH} "${SLOWPATH_UNICORN_PREFIX}/lib/pkgconfig:$ENV{PKG_CONFIG_PATH}")
  set(SLOWPATH_UNICORN_LOCAL ON)
else()
  set(SLOWPATH_UNICORN_LOCAL OFF)
endif()
pkg_check_modules(UNICORN REQUIRED IMPORTED_TARGET unicorn)
if(UNICORN_VERSION VERSION_LESS SLOWPATH_UNICORN_MIN)
  message(FATAL_ERROR
    "Unicorn ${UNICORN_VERSION} found (${UNICORN_LIBDIR}), slowpath needs ${SLOWPATH_UNICORN_MIN} or newer: "
    "run scripts/setup.sh, which unpacks Debian trixie's 2.1.1 into .deps/unicorn, "
    "or lower -DSLOWPATH_UNICORN_MIN at your own risk")
endif()
message(STATUS "Unicorn ${UNICORN_VERSION} from ${UNICORN_LIBDIR}")

# RUNPATH, not the old RPATH tag, so LD_LIBRARY_PATH can still override it on purpose.
add_link_options(-Wl,--enable-new-dtags)
if(SLOWPATH_UNICORN_LOCAL)
  set(CMAKE_BUILD_RPATH "${UNICORN_LIBDIR}")
  # The library goes beside the binaries' ../lib/slowpath, found through $ORIGIN.
  set(CMAKE_INSTALL_RPATH "\$ORIGIN/../lib/slowpath")
  file(REAL_PATH "${UNICORN_LIBDIR}/libunicorn.so.2" SLOWPATH_UNICORN_SO)
  install(FILES "${SLOWPATH_UNICORN_SO}" DESTINATION lib/slowpath RENAME libunicorn.so.2)
  # dpkg-shlibdeps: the bundled library is the package's own, not a dependency.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${UNICORN_LIBDIR}")
endif()
