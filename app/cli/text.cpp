// Command-line numbers and JSON-safe text for slowpath-cli.
#include <cstdio>
#include <limits>

#include "commands.h"

namespace slowpath {

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7:
// no overlong forms, no surrogates, nothing past U+10FFFF), 0 if there is none.
size_t utf8_sequence(std::string_view s, size_t i) {
    auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = at(i);
    if (c < 0x80) return 1;
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else
        return 0;
    if (i + len > s.size()) return 0;
    if (at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
    return len;
}

}  // namespace

std::string escape_invalid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        size_t n = utf8_sequence(s, i);
        if (n) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(s[i]));
            out += buf;
            i++;
        }
    }
    return out;
}

void make_json_text(nlohmann::json& j) {
    if (j.is_string()) {
        const std::string& s = j.get_ref<const std::string&>();
        std::string fixed = escape_invalid_utf8(s);
        if (fixed != s) j = fixed;
    } else if (j.is_array()) {
        for (auto& v : j) make_json_text(v);
    } else if (j.is_object()) {
        nlohmann::json fixed = nlohmann::json::object();
        for (auto& [key, value] : j.items()) {
            make_json_text(value);
            fixed[escape_invalid_utf8(key)] = std::move(value);
        }
        j = std::move(fixed);
    }
}

}  // namespace slowpath
