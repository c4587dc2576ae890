// A guest ELF file loaded for the machine: segments, symbols, notes, lines.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

struct Elf;  // libelf

namespace slowpath {

// Thrown for anything wrong with a file the user or the build gave us.
// what() is one line and starts with the file name.
class LoadError : public std::runtime_error {
 public:
    using std::runtime_error::runtime_error;
};

struct Segment {
    uint64_t vaddr = 0;
    uint64_t memsz = 0;
    std::vector<uint8_t> bytes;  // file contents (filesz bytes); the rest is zero
    bool writable = false;
    bool executable = false;
};

struct Symbol {
    std::string name;
    uint64_t addr = 0;
    uint64_t size = 0;
    bool is_function = false;  // STT_FUNC
    bool is_global = false;
    std::string section;  // ".entry.text", ".text", ...
};

struct Note {  // one struct sp_note from .slowpath_notes
    uint64_t addr = 0;
    uint32_t kind = 0;
    uint32_t arg = 0;
};

struct ExTableEntry {  // one __ex_table entry: an instruction allowed to fault, and its fixup
    uint64_t insn = 0;
    uint64_t fixup = 0;
};

struct SourceLine {
    uint64_t addr = 0;
    std::string file;  // as recorded in DWARF (absolute, or relative to the comp dir)
    int line = 0;
};

struct FunctionParams {  // formal parameter names of a C function, from DWARF
    std::vector<std::string> names;
};

class GuestImage {
 public:
    // Throws LoadError("<path>: <reason>") for a missing, truncated or
    // non-x86-64 ELF, or one without the segments the machine needs.
    static GuestImage load(const std::string& path);
    // The same from an ELF image in memory; `name` stands for the file in errors.
    static GuestImage load_bytes(const void* data, size_t size, const std::string& name);

    const std::string& path() const { return path_; }
    uint64_t entry() const { return entry_; }
    const std::vector<Segment>& segments() const { return segments_; }
    const std::vector<Symbol>& symbols() const { return symbols_; }          // sorted by address
    const std::vector<Note>& notes() const { return notes_; }                // sorted by address
    const std::vector<SourceLine>& lines() const { return lines_; }          // sorted by address
    const std::vector<ExTableEntry>& ex_table() const { return ex_table_; }  // sorted by fixup
    // Whether `addr` is the fixup target of an __ex_table entry.
    bool is_fixup_target(uint64_t addr) const;
    // The symbols naming fixup targets (bad_from_user, ...), in address order.
    std::vector<std::string> fixup_names() const;
    uint64_t phdr_addr() const { return phdr_addr_; }
    uint32_t phnum() const { return phnum_; }
    uint32_t phent() const { return phent_; }
    uint64_t brk() const { return brk_; }  // page-aligned end of the highest segment

    std::optional<uint64_t> symbol_addr(const std::string& name) const;
    const Symbol* symbol_named(const std::string& name) const;
    const Symbol* symbol_at(uint64_t addr) const;  // a symbol starting exactly here
    const Symbol* symbol_containing(
        uint64_t addr) const;                   // nearest symbol at or below (function or label)
    std::string describe(uint64_t addr) const;  // "sysret_check+0x7"
    const SourceLine* line_for(uint64_t addr) const;  // nearest line entry at or below
    std::optional<std::pair<uint64_t, uint64_t>> section_range(const std::string& name) const;
    const FunctionParams* params_of(const std::string& function) const;
    std::vector<std::string> source_files() const;  // every file named in the line table

 private:
    static GuestImage from_elf(Elf* elf, const std::string& path);

    std::string path_;
    uint64_t entry_ = 0;
    std::vector<Segment> segments_;
    std::vector<Symbol> symbols_;
    std::vector<Note> notes_;
    std::vector<SourceLine> lines_;
    std::vector<ExTableEntry> ex_table_;
    std::map<std::string, std::pair<uint64_t, uint64_t>> sections_;
    std::map<std::string, FunctionParams> params_;
    uint64_t phdr_addr_ = 0;
    uint32_t phnum_ = 0, phent_ = 0;
    uint64_t brk_ = 0;
};

// Where the guest images live: $SLOWPATH_GUEST_DIR, else those installed
// beside the binary, else the build tree's, else the prebuilt ones in
// assets/guest.
std::string guest_dir();
std::string guest_path(const std::string& file);  // guest_dir() + "/" + file
// The data root (assets/ and the guest sources the code view shows): an
// installed share/slowpath, else the source tree (emu/src/paths.cpp has the order).
std::string source_dir();
std::string assets_dir();
std::string executable_dir();  // the running binary's directory, "" if unknown

}  // namespace slowpath
