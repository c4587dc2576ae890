// Where the binaries find their guest images, guest sources and assets at
// run time. The data root is a directory holding assets/ (walkthroughs,
// prebuilt guest images) and guest/ (the sources the code view shows). It is
// looked for, in order:
//   1. $SLOWPATH_SOURCE_DIR, an explicit override (the tests use it);
//   2. ../share/slowpath beside the running binary (an installed package);
//   3. the source tree this binary was built from (a run from the build tree);
//   4. $SLOWPATH_DATA_DIR, for a copy moved away from both.
// A set but unusable directory variable is reported once on stderr, never
// ignored in silence.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <string>

#include "slowpath/guest_image.h"
#include "slowpath/log.h"

#ifndef SLOWPATH_BUILD_GUEST_DIR
#define SLOWPATH_BUILD_GUEST_DIR ""
#endif
#ifndef SLOWPATH_SOURCE_ROOT
#define SLOWPATH_SOURCE_ROOT "."
#endif

namespace slowpath {

static bool is_dir(const std::string& path) {
    struct stat st;
    return !path.empty() && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_data_root(const std::string& path) {
    return is_dir(path + "/assets");
}

static void warn_once(const std::string& text) {
    static std::mutex mutex;
    static std::set<std::string> said;
    std::lock_guard<std::mutex> lock(mutex);
    if (said.insert(text).second) host::warn(text);
}

// The value of a directory variable, or "" when unset; a value that is not a
// usable directory gets a warning and counts as unset.
static std::string dir_from_env(const char* name, bool (*usable)(const std::string&)) {
    const char* v = std::getenv(name);
    if (!v || !*v) return "";
    if (usable(v)) return v;
    warn_once(std::string(name) + "=" + v + " is not a slowpath data directory; ignored");
    return "";
}

std::string executable_dir() {
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "";
    std::string path(buf, static_cast<size_t>(n));
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? "" : path.substr(0, slash);
}

// ../share/slowpath from the binary's directory, when the binary is installed.
static std::string installed_data_root() {
    std::string exe = executable_dir();
    if (exe.empty()) return "";
    std::string root = exe + "/../share/slowpath";
    return is_data_root(root) ? root : "";
}

std::string source_dir() {
    if (std::string env = dir_from_env("SLOWPATH_SOURCE_DIR", is_dir); !env.empty()) return env;
    // Read (and checked) even when an earlier place wins, so a bad value is
    // always reported.
    std::string data_env = dir_from_env("SLOWPATH_DATA_DIR", is_data_root);
    if (std::string installed = installed_data_root(); !installed.empty()) return installed;
    if (is_data_root(SLOWPATH_SOURCE_ROOT)) return SLOWPATH_SOURCE_ROOT;
    if (!data_env.empty()) return data_env;
    return SLOWPATH_SOURCE_ROOT;  // nothing found: errors will name this path
}

std::string assets_dir() {
    return source_dir() + "/assets";
}

std::string guest_dir() {
    if (std::string env = dir_from_env("SLOWPATH_GUEST_DIR", is_dir); !env.empty()) return env;
    // An installed binary uses the images installed with it; one in the build
    // tree the images built with it, else the prebuilt ones in assets/.
    if (!installed_data_root().empty()) return assets_dir() + "/guest";
    if (is_dir(SLOWPATH_BUILD_GUEST_DIR)) return SLOWPATH_BUILD_GUEST_DIR;
    return assets_dir() + "/guest";
}

std::string guest_path(const std::string& file) {
    return guest_dir() + "/" + file;
}

}  // namespace slowpath
