#include "model/file_browser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "model/commands.h"

namespace slowpath::gui {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string normal_dir(const fs::path& p) {
    std::string out = p.lexically_normal().string();
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out.empty() ? "/" : out;
}

// The ELF header's first 20 bytes: magic, class, data, version, type, machine.
bool starts_as_x86_64_elf(const std::string& path, std::string* why) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *why = "cannot read it";
        return false;
    }
    unsigned char h[20] = {};
    in.read(reinterpret_cast<char*>(h), sizeof h);
    if (in.gcount() < 4 || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
        *why = "not an ELF program";
        return false;
    }
    if (in.gcount() < static_cast<std::streamsize>(sizeof h)) {
        *why = "an ELF cut short";
        return false;
    }
    if (h[4] != 2) {
        *why = "a 32-bit ELF (the machine runs x86-64 programs)";
        return false;
    }
    if (h[5] != 1) {
        *why = "a big-endian ELF";
        return false;
    }
    unsigned machine = h[18] | (h[19] << 8);
    if (machine != 62) {
        *why = "an ELF for another CPU (machine " + std::to_string(machine) + ", not x86-64)";
        return false;
    }
    return true;
}

}  // namespace

bool name_matches(const std::string& name, const std::string& filter) {
    return filter.empty() || lower(name).find(lower(filter)) != std::string::npos;
}

std::string program_problem(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) return path + ": a folder, not a program";
    std::string why;
    if (!starts_as_x86_64_elf(path, &why)) return path + ": " + why;
    return "";
}

DirListing list_directory(const std::string& dir, const std::string& filter, bool programs_only,
                          bool show_hidden) {
    DirListing out;
    std::error_code ec;
    fs::path abs = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec);
    out.dir = normal_dir(ec ? fs::path(dir) : abs);
    fs::directory_iterator it(out.dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        out.error = out.dir + ": " + ec.message();
        return out;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) break;
        FileEntry e;
        e.name = it->path().filename().string();
        if (!show_hidden && !e.name.empty() && e.name[0] == '.') continue;
        std::error_code kind_ec;
        e.is_dir = it->is_directory(kind_ec);  // follows a symlink to a folder
        if (!e.is_dir) {
            if (!name_matches(e.name, filter)) continue;
            std::string why;
            e.is_program = starts_as_x86_64_elf(it->path().string(), &why);
            if (programs_only && !e.is_program) continue;
            std::error_code size_ec;
            uintmax_t size = it->file_size(size_ec);
            e.size = size_ec ? 0 : static_cast<uint64_t>(size);
        }
        out.entries.push_back(std::move(e));
    }
    std::sort(out.entries.begin(), out.entries.end(), [](const FileEntry& a, const FileEntry& b) {
        if (a.is_dir != b.is_dir) return a.is_dir;
        return a.name < b.name;
    });
    return out;
}

std::string parent_dir(const std::string& dir) {
    fs::path p = fs::path(normal_dir(dir)).parent_path();
    return p.empty() ? "/" : normal_dir(p);
}

std::string program_command(const std::string& path, const std::string& args) {
    std::string word = command_word(path);
    if (word.empty()) throw std::invalid_argument(path + ": this path cannot be written as a word");
    std::string out = "program " + word;
    for (const std::string& a : command_words(args)) {
        std::string w = command_word(a);
        if (w.empty()) throw std::invalid_argument("'" + a + "': an argument with both quotes");
        out += " " + w;
    }
    return out;
}

FileBrowser::FileBrowser(const std::string& dir) {
    go_to(dir.empty() ? "." : dir);
}

void FileBrowser::set_filter(std::string filter) {
    if (filter == filter_) return;
    filter_ = std::move(filter);
    refresh();
}

void FileBrowser::set_programs_only(bool on) {
    if (on == programs_only_) return;
    programs_only_ = on;
    refresh();
}

bool FileBrowser::go_to(const std::string& dir) {
    fs::path p(dir);
    if (p.is_relative() && !listing_.dir.empty()) p = fs::path(listing_.dir) / p;
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
        listing_.error = normal_dir(p) + ": not a folder";
        return false;
    }
    listing_ = list_directory(p.string(), filter_, programs_only_);
    selected_.clear();
    return listing_.error.empty();
}

void FileBrowser::up() {
    go_to(parent_dir(listing_.dir));
}

bool FileBrowser::choose(const std::string& name) {
    if (name == "..") {
        up();
        return true;
    }
    for (const FileEntry& e : listing_.entries) {
        if (e.name != name) continue;
        if (e.is_dir) return go_to(name);
        selected_ = name;
        return true;
    }
    return false;
}

void FileBrowser::refresh() {
    std::string keep = selected_;
    listing_ = list_directory(listing_.dir, filter_, programs_only_);
    selected_.clear();
    for (const FileEntry& e : listing_.entries)
        if (!e.is_dir && e.name == keep) selected_ = keep;
}

std::string FileBrowser::selected_path() const {
    if (selected_.empty()) return "";
    return listing_.dir == "/" ? "/" + selected_ : listing_.dir + "/" + selected_;
}

std::string FileBrowser::problem() const {
    if (selected_.empty()) return "pick a program";
    return program_problem(selected_path());
}

nlohmann::json FileBrowser::dump() const {
    nlohmann::json entries = nlohmann::json::array();
    for (const FileEntry& e : listing_.entries)
        entries.push_back({{"name", e.name}, {"dir", e.is_dir}, {"program", e.is_program}});
    return {{"dir", listing_.dir},   {"error", listing_.error},
            {"filter", filter_},     {"programs_only", programs_only_},
            {"selected", selected_}, {"entries", entries}};
}

}  // namespace slowpath::gui
