# Writes OUT (a C++ source defining slowpath::version()) from VERSION and the
# git description of SOURCE_DIR, if it is a git checkout. Run at build time so
# the description follows new commits; the file is rewritten only when its
# text changes, so an unchanged tree rebuilds nothing.
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --tags
  OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE git_failed)
if(git_failed OR describe STREQUAL "")
  set(text "${VERSION}")
else()
  set(text "${VERSION} (git ${describe})")
endif()
set(content "// Written by cmake/write_version.cmake at build time.\n#include \"slowpath/version.h\"\n\nnamespace slowpath {\nconst char* version() { return \"${text}\"; }\n}  // namespace slowpath\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
endif()
if(NOT old STREQUAL content)
  file(WRITE "${OUT}" "${content}")
endif()
