# What `cmake --install` and the .deb put where. The binaries find their data
# as ../share/slowpath relative to themselves (emu/src/paths.cpp), so the
# layout under share/slowpath mirrors the source tree: assets/ and guest/.
include(GNUInstallDirs)
set(SLOWPATH_DATA_DEST ${CMAKE_INSTALL_DATADIR}/slowpath)

install(TARGETS slowpath-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET slowpath)
  install(TARGETS slowpath RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES packaging/slowpath.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES packaging/slowpath.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  install(FILES packaging/org.slowpath.Slowpath.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
endif()

# The walkthroughs, the guest images this build made (or the prebuilt ones),
# and the guest sources the code view shows beside them.
install(DIRECTORY assets/walkthroughs DESTINATION ${SLOWPATH_DATA_DEST}/assets)
install(FILES ${SLOWPATH_GUEST_DIR}/kernel-v3.13.elf ${SLOWPATH_GUEST_DIR}/kernel-rfc.elf
              ${SLOWPATH_GUEST_DIR}/kernel-modern.elf ${SLOWPATH_GUEST_DIR}/demo.elf
        DESTINATION ${SLOWPATH_DATA_DEST}/assets/guest)
install(DIRECTORY guest/ DESTINATION ${SLOWPATH_DATA_DEST}/guest
        FILES_MATCHING PATTERN "*.S" PATTERN "*.c" PATTERN "*.h" PATTERN "*.ld" PATTERN "*.md")
install(FILES README.md docs/walkthroughs.md docs/cpu-model.md docs/architecture.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/slowpath-cli.bash-completion
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME slowpath-cli)

# Man pages from each binary's own --help, so they cannot drift from it.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(man_pages "")
  foreach(program slowpath-cli slowpath)
    if(NOT TARGET ${program})
      continue()
    endif()
    set(page ${CMAKE_BINARY_DIR}/man/${program}.1)
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
              --version-string=${PROJECT_VERSION} --help-option=--help-all
              "--name=watch the x86-64 system-call path run" --output=${page}
              $<TARGET_FILE:${program}>
      COMMAND gzip -9nf ${page}
      DEPENDS ${program} VERBATIM)
    list(APPEND man_pages ${page}.gz)
  endforeach()
  add_custom_target(man_pages ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man pages (scripts/setup.sh installs it)")
endif()

# cpack -G DEB: a package whose library dependencies dpkg-shlibdeps computes.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME slowpath)
set(CPACK_PACKAGE_VENDOR "slowpath")
set(CPACK_PACKAGE_CONTACT "slowpath maintainers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "watch the x86-64 Linux system-call path run, step by step")
set(CPACK_PACKAGE_DESCRIPTION
    "A real ring-3 program executes syscall; a real ring-0 entry stub and dispatcher run in an\nembedded x86-64 emulator. slowpath shows the stack frames, pt_regs, the thread_info\nflags and the choice between sysretq and iretq, in three eras of the kernel.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION education)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
# The oblique face for *italic* narration; without it italic shows upright.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-dejavu-extra")
set(CPACK_STRIP_FILES ON)  # the binaries; the guest images keep their symbols
include(CPack)
