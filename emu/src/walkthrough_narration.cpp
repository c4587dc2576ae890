// Walkthroughs: the light Markdown of `say` (bold, code, lists).
#include <cctype>
#include <sstream>

#include "slowpath/walkthrough.h"

namespace slowpath {

// ---- narration -------------------------------------------------------------------------------

static std::vector<NarrationSpan> parse_spans(const std::string& s) {
    std::vector<NarrationSpan> spans;
    NarrationSpan cur;
    bool bold = false;
    auto flush = [&]() {
        if (!cur.text.empty()) spans.push_back(cur);
        cur = NarrationSpan{};
        cur.bold = bold;
    };
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '`') {
            size_t end = s.find('`', i + 1);
            if (end != std::string::npos) {
                flush();
                spans.push_back({s.substr(i + 1, end - i - 1), bold, true});
                i = end + 1;
                continue;
            }
        }
        if (s.compare(i, 2, "**") == 0) {
            // Only a marker if it has a partner (or closes an open one).
            if (bold || s.find("**", i + 2) != std::string::npos) {
                flush();
                bold = !bold;
                cur.bold = bold;
                i += 2;
                continue;
            }
        }
        cur.text += s[i++];
    }
    flush();
    return spans;
}

std::vector<NarrationLine> parse_narration(const std::string& text) {
    std::vector<NarrationLine> lines;
    std::istringstream in(text);
    std::string raw;
    while (std::getline(in, raw)) {
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\r' || raw.back() == '\t'))
            raw.pop_back();
        NarrationLine line;
        size_t i = raw.find_first_not_of(' ');
        if (i == std::string::npos) {
            line.kind = NarrationLine::Kind::Blank;
            lines.push_back(line);
            continue;
        }
        std::string body = raw.substr(i);
        bool in_item = !lines.empty() && (lines.back().kind == NarrationLine::Kind::Bullet ||
                                          lines.back().kind == NarrationLine::Kind::Numbered ||
                                          lines.back().continues);
        if (i > 0 && in_item) {
            line.continues = true;
        } else if (body.size() > 2 && (body[0] == '-' || body[0] == '*') && body[1] == ' ') {
            line.kind = NarrationLine::Kind::Bullet;
            body = body.substr(2);
        } else {
            size_t d = 0;
            while (d < body.size() && std::isdigit(static_cast<unsigned char>(body[d]))) d++;
            // At most nine digits, as in CommonMark: the number fits an int.
            if (d > 0 && d <= 9 && d + 1 < body.size() && body[d] == '.' && body[d + 1] == ' ') {
                line.kind = NarrationLine::Kind::Numbered;
                line.number = std::stoi(body.substr(0, d));
                body = body.substr(d + 2);
            }
        }
        line.spans = parse_spans(body);
        lines.push_back(line);
    }
    while (!lines.empty() && lines.back().kind == NarrationLine::Kind::Blank) lines.pop_back();
    return lines;
}

std::string narration_plain(const std::string& text) {
    std::string out;
    for (const auto& line : parse_narration(text)) {
        switch (line.kind) {
            case NarrationLine::Kind::Blank:
                break;
            case NarrationLine::Kind::Bullet:
                out += "- ";
                break;
            case NarrationLine::Kind::Numbered:
                out += std::to_string(line.number) + ". ";
                break;
            case NarrationLine::Kind::Paragraph:
                if (line.continues) out += "  ";
                break;
        }
        for (const auto& span : line.spans) out += span.text;
        out += "\n";
    }
    return out;
}

}  // namespace slowpath
