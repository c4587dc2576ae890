#include "slowpath/guest_image.h"
#include "slowpath/version.h"

namespace slowpath {

std::string version_text(const std::string& program) {
    return program + " " + version() + "\ndata: " + source_dir() +
           "\nguest images: " + guest_dir() + "\n";
}

}  // namespace slowpath
