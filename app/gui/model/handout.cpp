#include "model/handout.h"

#include <cstdio>

#include "slowpath/walkthrough.h"

namespace slowpath::gui {

std::string handout_image_name(const std::string& era, size_t number) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "-page-%02zu.png", number);
    return era + buf;
}

namespace {

std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// A line that begins a list item or is indented starts a line of its own.
bool keeps_break(const std::string& line) {
    if (line.empty()) return false;
    if (line[0] == ' ' || line[0] == '\t') return true;
    if (line.rfind("- ", 0) == 0 || line.rfind("* ", 0) == 0) return true;
    size_t digits = line.find_first_not_of("0123456789");
    return digits > 0 && digits != std::string::npos && line.compare(digits, 2, ". ") == 0;
}

// Plain text in paragraphs (a blank line between them). Inside one, lines
// flow together as the tour panel wraps them; a line that starts a list item
// ("- ", "* ", "1. ") or is indented keeps its break.
std::string paragraphs(const std::string& markdown) {
    std::string text = narration_plain(markdown), out, para;
    auto flush = [&] {
        if (!para.empty()) out += "<p>" + para + "</p>\n";
        para.clear();
    };
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t") == std::string::npos) {
            flush();
        } else {
            if (!para.empty()) para += keeps_break(line) ? "<br>\n" : "\n";
            para += escape(line);
        }
        start = end + 1;
    }
    flush();
    return out;
}

}  // namespace

std::string handout_html(const std::string& title, const std::string& source,
                         const std::vector<HandoutPage>& pages) {
    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<title>" + escape(title) + "</title>\n";
    h += "<style>\nbody{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;"
         "line-height:1.4}\nsection{border-top:1px solid #ccc;padding:1em 0;"
         "page-break-inside:avoid}\nimg{max-width:100%;border:1px solid #888}\n"
         ".era{color:#666;font-size:90%}\n.answer{font-weight:bold}\n</style>\n";
    h += "</head>\n<body>\n<h1>" + escape(title) + "</h1>\n";
    h +=
        "<p class=\"era\">From the walkthrough " + escape(source) + ", as slowpath plays it.</p>\n";
    std::string era;
    for (const HandoutPage& p : pages) {
        if (p.era != era) {
            era = p.era;
            h += "<h2>Era " + escape(era) + "</h2>\n";
        }
        h += "<section id=\"" + escape(p.era) + "-" + std::to_string(p.number) + "\">\n";
        h += "<h3>Page " + std::to_string(p.number) + " <span class=\"era\">(" + escape(p.era) +
             ")</span></h3>\n";
        h += paragraphs(p.narration);
        if (!p.question.empty()) {
            h += "<p><b>Question:</b> " + escape(narration_plain(p.question)) + "</p>\n<ol>\n";
            for (const std::string& c : p.choices) h += "<li>" + escape(c) + "</li>\n";
            h += "</ol>\n<p class=\"answer\">Answer: " + escape(p.answer) + "</p>\n";
            if (!p.explanation.empty()) h += paragraphs(p.explanation);
        }
        if (!p.image.empty())
            h += "<p><img src=\"" + escape(p.image) + "\" alt=\"the window on page " +
                 std::to_string(p.number) + " (" + escape(p.era) + ")\"></p>\n";
        h += "</section>\n";
    }
    h += "</body>\n</html>\n";
    return h;
}

}  // namespace slowpath::gui
