// The version both binaries report: the CMake project version, and the git
// description of the tree they were built from when there was one.
#pragma once

namespace slowpath {

const char* version();  // "0.1.0 (git 5396a28-dirty)" or "0.1.0"

}  // namespace slowpath

#include <string>

namespace slowpath {

// What --version prints: "<program> <version>", then where the data was
// found, so a user can tell an installed copy from a build tree.
// The last line names the Unicorn the process loaded (not the one it was
// built against): "unicorn: 2.1.1 (/path/to/libunicorn.so.2)".
std::string version_text(const std::string& program);
std::string unicorn_version();  // "2.1.1", from uc_version at run time
std::string unicorn_library();  // the file the loader took libunicorn from

}  // namespace slowpath
