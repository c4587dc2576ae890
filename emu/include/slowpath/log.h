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

// The name the lines open with, "slowpath" unless a program sets its own
// (slowpath-cli does, once, before it reports anything).
void set_program_name(const std::string& name);

}  // namespace slowpath::host
