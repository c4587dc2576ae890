#include <dlfcn.h>
#include <unicorn/unicorn.h>

#include "slowpath/guest_image.h"
#include "slowpath/version.h"

namespace slowpath {

std::string unicorn_version() {
    unsigned major = 0, minor = 0;
    unsigned v = uc_version(&major, &minor);
    // Unicorn 2 packs major, minor, patch and extra into the result's bytes.
    return std::to_string(major) + "." + std::to_string(minor) + "." +
           std::to_string((v >> 8) & 0xff);
}

std::string unicorn_library() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&uc_version), &info) == 0 || !info.dli_fname)
        return "(unknown)";
    return info.dli_fname;
}

std::string version_text(const std::string& program) {
    return program + " " + version() + "\ndata: " + source_dir() +
           "\nguest images: " + guest_dir() + "\nunicorn: " + unicorn_version() + " (" +
           unicorn_library() + ")\n";
}

}  // namespace slowpath
