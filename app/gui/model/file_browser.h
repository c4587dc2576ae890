// The program chooser's folder view (ImGui 1.86 has no file dialog): what a
// folder holds, folders first, filtered by a part of the name, each file
// marked when it is an x86-64 ELF the machine could run; and the `program`
// command that opens the chosen one with its arguments. No ImGui here: the
// window is panels/program_browser.cpp.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace slowpath::gui {

struct FileEntry {
    std::string name;
    bool is_dir = false;
    bool is_program = false;  // an ELF for x86-64, 64-bit (the loader judges the rest)
    uint64_t size = 0;        // bytes, for a file
};

struct DirListing {
    std::string dir;  // absolute, without a trailing '/' (but "/" itself)
    std::vector<FileEntry> entries;
    std::string error;  // why the folder could not be read, "" when it could
};

// True when `filter` is empty or a part of `name`, letters of either case.
bool name_matches(const std::string& name, const std::string& filter);

// What `dir` holds: folders first, then files, each by name; names starting
// with '.' only with `show_hidden`; files (never folders) whose name does not
// match `filter` left out, and with `programs_only` files that are not
// x86-64 ELFs. A folder that cannot be read is an empty listing with its error.
DirListing list_directory(const std::string& dir, const std::string& filter, bool programs_only,
                          bool show_hidden = false);

// "" when `path` starts as a 64-bit x86-64 ELF, else one line saying what it is not.
std::string program_problem(const std::string& path);

// The folder above `dir` ("/" stays "/").
std::string parent_dir(const std::string& dir);

// `program PATH ARGS...` for the command language: `args` as typed (words,
// quotes keep spaces), each word written back so that a ';' or '#' in it
// stays an argument. Throws std::invalid_argument for an unclosed quote or a
// path the language cannot write.
std::string program_command(const std::string& path, const std::string& args);

// The chooser's state: the folder shown, the filter, the file picked.
class FileBrowser {
 public:
    explicit FileBrowser(const std::string& dir = "");
    const DirListing& listing() const { return listing_; }
    const std::string& filter() const { return filter_; }
    bool programs_only() const { return programs_only_; }
    const std::string& selected() const { return selected_; }  // a file name in the folder

    void set_filter(std::string filter);
    void set_programs_only(bool on);
    // Goes to a folder (absolute, or relative to the one shown); false and
    // an error in the listing when it is not one.
    bool go_to(const std::string& dir);
    void up();
    // A name of the listing: a folder is entered, a file picked. False when
    // the folder holds no such name.
    bool choose(const std::string& name);
    void refresh();
    // The picked file's path, "" when none is picked.
    std::string selected_path() const;
    // "" when the picked file can be opened, else why not.
    std::string problem() const;
    nlohmann::json dump() const;

 private:
    DirListing listing_;
    std::string filter_, selected_;
    bool programs_only_ = false;
};

}  // namespace slowpath::gui
