// How the host side of slowpath speaks to the person running it: one line
// on stderr, "slowpath: <text>" for an error, "slowpath: warning: <text>"
// for something dropped or ignored that the run goes on without. The
// library reports failures by exception (one-line messages); these are for
// the programs and for what a fallback leaves out.
#pragma once

#include <string>

namespace slowpath::host {

void error(const std::string& text);  // "slowpath: <text>"
void warn(const std::string& text);   // "slowpath: warning: <text>"

}  // namespace slowpath::host
