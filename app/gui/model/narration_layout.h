// The tour page's text as layout, with no ImGui in it: a narration's lines
// joined into paragraphs as Markdown reads them, words flowed into lines at
// a width, the headline of the answer to the last question, and a shot's
// file name. The narration panel measures the words and draws them where
// these put them.
#pragma once
#include <string>
#include <vector>

#include "model/tour.h"
#include "slowpath/walkthrough.h"

namespace slowpath::gui {

// Source lines are wrapped at 70 columns in the file; the panel is narrower
// or wider, so a paragraph (or a list item and its indented lines) is one
// flow of text: its lines joined by a space.
std::vector<NarrationLine> joined_narration(const std::string& text);

// Words left to right from `indent` up to `width`; each keeps its trailing
// space, and words with no space between them ("`r11`);") wrap as one. A
// space that would start a line is dropped (drawn = false).
struct WordPlace {
    float x = 0;
    int line = 0;
    bool drawn = true;
};
struct WordFlow {
    std::vector<WordPlace> places;  // one per word
    int lines = 1;
};
WordFlow flow_words(const std::vector<std::string>& words, const std::vector<float>& widths,
                    float width, float indent);

// The headline over the explanation of the question on the page before:
// the answer, "Right: ..." or "Not quite. You said ...".
std::string verdict_headline(const TourAnswer& verdict);

// "03-x.png" -> "03-x-rfc.png" when the lesson plays in several eras.
std::string shot_file_name(const std::string& name, size_t era_count, const std::string& era);

}  // namespace slowpath::gui
