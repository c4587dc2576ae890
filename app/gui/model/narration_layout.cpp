#include "model/narration_layout.h"

namespace slowpath::gui {

std::vector<NarrationLine> joined_narration(const std::string& text) {
    std::vector<NarrationLine> out;
    for (NarrationLine& line : parse_narration(text)) {
        bool joins = !out.empty() && out.back().kind != NarrationLine::Kind::Blank &&
                     (line.continues || (line.kind == NarrationLine::Kind::Paragraph &&
                                         out.back().kind == NarrationLine::Kind::Paragraph));
        if (!joins) {
            out.push_back(std::move(line));
            continue;
        }
        out.back().spans.push_back({" ", false, false});
        for (NarrationSpan& span : line.spans) out.back().spans.push_back(std::move(span));
    }
    return out;
}

WordFlow flow_words(const std::vector<std::string>& words, const std::vector<float>& widths,
                    float width, float indent) {
    WordFlow flow;
    float x = indent;
    int line = 0;
    auto ends_in_space = [&](size_t i) { return !words[i].empty() && words[i].back() == ' '; };
    for (size_t i = 0; i < words.size(); i++) {
        bool space_only = words[i].find_first_not_of(' ') == std::string::npos;
        bool starts_unit = i == 0 || ends_in_space(i - 1);
        float unit = widths[i];
        for (size_t j = i; starts_unit && j + 1 < words.size() && !ends_in_space(j); j++)
            unit += widths[j + 1];
        if (starts_unit && x + unit > width && x > indent) {
            if (space_only) {  // no space at the start of a line
                flow.places.push_back({x, line, false});
                continue;
            }
            x = indent;
            line++;
        }
        flow.places.push_back({x, line, true});
        x += widths[i];
    }
    flow.lines = line + 1;
    return flow;
}

std::string verdict_headline(const TourAnswer& v) {
    const Question& q = *v.question;
    if (!v.chosen) return "The answer: " + q.choices[q.answer];
    if (v.right()) return "Right: " + q.choices[q.answer];
    return "Not quite. You said " + q.choices[*v.chosen] + "; the answer is " + q.choices[q.answer];
}

std::string shot_file_name(const std::string& name, size_t era_count, const std::string& era) {
    if (era_count < 2) return name;
    size_t dot = name.rfind('.');
    std::string suffix = "-" + era;
    return dot == std::string::npos ? name + suffix
                                    : name.substr(0, dot) + suffix + name.substr(dot);
}

}  // namespace slowpath::gui
