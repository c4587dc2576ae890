// Walkthroughs: the light Markdown of `say` (bold, code, lists).
#include <cctype>
#include <optional>
#include <sstream>

#include "slowpath/walkthrough.h"

namespace slowpath {

// ---- narration -------------------------------------------------------------------------------

// A single `*` at i (not part of `**`) that opens italic: text follows it.
static bool opens_italic(const std::string& s, size_t i) {
    return i + 1 < s.size() && s[i + 1] != ' ' && s[i + 1] != '*';
}
// ... that closes it: text before it.
static bool closes_italic(const std::string& s, size_t i) {
    return i > 0 && s[i - 1] != ' ' && s[i - 1] != '*';
}
static bool single_star(const std::string& s, size_t i) {
    return s[i] == '*' && (i + 1 >= s.size() || s[i + 1] != '*') && (i == 0 || s[i - 1] != '*');
}

// Calls at(i) for each offset of s outside `code` spans, stopping at a
// backtick with no partner (the rest of the line is code); at may move i on.
template <typename At>
static void outside_code(const std::string& s, At at) {
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '`') {
            size_t end = s.find('`', i + 1);
            if (end == std::string::npos) return;
            i = end;
            continue;
        }
        at(i);
    }
}

// Where an italic `*` opened on this line has no partner: its offset.
static std::optional<size_t> unbalanced_italic(const std::string& s) {
    std::optional<size_t> open;
    outside_code(s, [&](size_t& i) {
        if (!single_star(s, i)) return;
        if (open && closes_italic(s, i))
            open.reset();
        else if (!open && opens_italic(s, i))
            open = i;
    });
    return open;
}

// Where a `**` on this line has no partner (outside code): its offset.
static std::optional<size_t> unbalanced_bold(const std::string& s) {
    std::optional<size_t> open;
    outside_code(s, [&](size_t& i) {
        if (s.compare(i, 2, "**") != 0) return;
        open = open ? std::nullopt : std::optional<size_t>(i);
        i++;
    });
    return open;
}

// Where a backtick on this line has no partner: its offset.
static std::optional<size_t> unbalanced_code(const std::string& s) {
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] != '`') continue;
        size_t end = s.find('`', i + 1);
        if (end == std::string::npos) return i;
        i = end;
    }
    return std::nullopt;
}

static std::vector<NarrationSpan> parse_spans(const std::string& s) {
    std::vector<NarrationSpan> spans;
    NarrationSpan cur;
    bool bold = false, italic = false;
    const bool italic_ok = !unbalanced_italic(s);
    auto flush = [&]() {
        if (!cur.text.empty()) spans.push_back(cur);
        cur = NarrationSpan{};
        cur.bold = bold;
        cur.italic = italic;
    };
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '`') {
            size_t end = s.find('`', i + 1);
            if (end != std::string::npos) {
                flush();
                spans.push_back({s.substr(i + 1, end - i - 1), bold, true, italic});
                i = end + 1;
                continue;
            }
        }
        if (italic_ok && single_star(s, i) && (italic ? closes_italic(s, i) : opens_italic(s, i))) {
            flush();
            italic = !italic;
            cur.italic = italic;
            i++;
            continue;
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

std::optional<NarrationProblem> check_narration(const std::string& text) {
    std::istringstream in(text);
    std::string raw;
    for (int line = 0; std::getline(in, raw); line++) {
        // A "* " bullet's star is not markup.
        size_t start = raw.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        size_t body = raw.compare(start, 2, "* ") == 0 ? start + 2 : start;
        // Markup is per line: a marker whose partner is on another line
        // would be shown as it is, so it is refused, the first on the line.
        const std::string rest = raw.substr(body);
        std::optional<NarrationProblem> first;
        auto consider = [&](std::optional<size_t> at, const char* message) {
            if (at && (!first || static_cast<int>(body + *at) < first->column))
                first = NarrationProblem{line, static_cast<int>(body + *at), message};
        };
        consider(unbalanced_code(rest),
                 "unbalanced '`': `code` needs a closing '`' on the same line");
        consider(unbalanced_bold(rest),
                 "unbalanced '**': **bold** needs a closing '**' on the same line");
        consider(unbalanced_italic(rest),
                 "unbalanced '*': *italic* needs a closing '*' on the same "
                 "line (a '*' with a space on each side is text)");
        if (first) return first;
    }
    return std::nullopt;
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
