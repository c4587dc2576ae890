// The words of the lesson, explained for a student who knows C and a little
// assembly but not the kernel, each with where the app shows it. The help
// overlay lists them; panels show an entry as a hover tip.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace slowpath::gui {

struct GlossaryEntry {
    const char* term;   // as the app and the kernel write it
    const char* text;   // what it is, in plain words
    const char* where;  // where to look in the app
};

const std::vector<GlossaryEntry>& glossary();
// The entry for a term (exact, case-sensitive; "TIF_SIGPENDING" finds "TIF"), or nullptr.
const GlossaryEntry* glossary_entry(std::string_view term);
// The first glossary term that occurs in a line of source (as a whole
// word), or nullptr: hovering such a line shows it.
const GlossaryEntry* glossary_term_in(std::string_view line);

}  // namespace slowpath::gui
