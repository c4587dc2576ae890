#include "model/keep.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "slowpath/scenario_line.h"

namespace slowpath::gui {

namespace {

const uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc = 0xffffffffu) {
    for (size_t i = 0; i < size; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return crc;
}

uint32_t read_be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void put_be32(std::vector<uint8_t>& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
}

std::string home() {
    const char* h = std::getenv("HOME");
    return h && *h ? h : ".";
}

// XDG_PICTURES_DIR="$HOME/Pictures" in user-dirs.dirs (the format
// xdg-user-dirs writes: one quoted value, $HOME the only variable).
std::string from_user_dirs() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    std::string file =
        (config && *config ? std::string(config) : home() + "/.config") + "/user-dirs.dirs";
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        const std::string key = "XDG_PICTURES_DIR=\"";
        if (line.rfind(key, 0) != 0) continue;
        std::string value = line.substr(key.size());
        if (value.empty() || value.back() != '"') continue;
        value.pop_back();
        if (value.rfind("$HOME", 0) == 0) value = home() + value.substr(5);
        return value;
    }
    return "";
}

}  // namespace

std::string snapshot_dir(const std::string& chosen) {
    if (!chosen.empty()) return chosen;
    const char* env = std::getenv("XDG_PICTURES_DIR");
    std::string base = env && *env ? env : from_user_dirs();
    if (base.empty()) base = home() + "/Pictures";
    return base + "/slowpath";
}

std::string snapshot_name(const std::string& scenario_line, std::time_t when) {
    std::string body = scenario_line;
    if (body.rfind(kScenarioLinePrefix, 0) == 0) body = body.substr(kScenarioLinePrefix.size());
    std::string safe;
    for (char c : body) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '@' || c == '_' || c == '-';
        safe += ok ? c : '-';
    }
    if (safe.size() > 120) safe.resize(120);  // file systems take 255 bytes
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&when));
    return "slowpath-" + safe + "-" + stamp + ".png";
}

std::vector<uint8_t> png_with_text(const std::vector<uint8_t>& png, const std::string& keyword,
                                   const std::string& text) {
    // Signature, then IHDR (length 13): 8 + 4 + 4 + 13 + 4 bytes.
    const size_t after_ihdr = 8 + 4 + 4 + 13 + 4;
    if (png.size() < after_ihdr || std::memcmp(png.data(), kPngSignature, 8) != 0 ||
        std::memcmp(png.data() + 12, "IHDR", 4) != 0)
        throw std::invalid_argument("not a PNG");
    if (keyword.empty() || keyword.size() > 79)
        throw std::invalid_argument("a PNG text keyword has 1 to 79 characters");
    std::vector<uint8_t> chunk;
    put_be32(chunk, static_cast<uint32_t>(keyword.size() + 1 + text.size()));
    size_t type_at = chunk.size();
    chunk.insert(chunk.end(), {'t', 'E', 'X', 't'});
    chunk.insert(chunk.end(), keyword.begin(), keyword.end());
    chunk.push_back(0);
    chunk.insert(chunk.end(), text.begin(), text.end());
    put_be32(chunk, crc32(chunk.data() + type_at, chunk.size() - type_at) ^ 0xffffffffu);
    std::vector<uint8_t> out(png.size() + chunk.size());
    const auto split = static_cast<std::ptrdiff_t>(after_ihdr);
    const auto chunk_len = static_cast<std::ptrdiff_t>(chunk.size());
    std::copy(png.begin(), png.begin() + split, out.begin());
    std::copy(chunk.begin(), chunk.end(), out.begin() + split);
    std::copy(png.begin() + split, png.end(), out.begin() + split + chunk_len);
    return out;
}

std::string png_text(const std::vector<uint8_t>& png, const std::string& keyword) {
    if (png.size() < 8 || std::memcmp(png.data(), kPngSignature, 8) != 0) return "";
    size_t at = 8;
    while (at + 12 <= png.size()) {
        uint32_t length = read_be32(png.data() + at);
        if (length > png.size() - at - 12) return "";
        const uint8_t* type = png.data() + at + 4;
        const char* data = reinterpret_cast<const char*>(type + 4);
        if (std::memcmp(type, "tEXt", 4) == 0) {
            std::string body(data, length);
            size_t nul = body.find('\0');
            if (nul != std::string::npos && body.substr(0, nul) == keyword)
                return body.substr(nul + 1);
        }
        if (std::memcmp(type, "IEND", 4) == 0) break;
        at += 12 + length;
    }
    return "";
}

}  // namespace slowpath::gui
