// Guest sources and disassembly for the code panels: files found through the
// line table, labels and functions as anchors, the lines a range of steps ran,
// and Capstone's reading of the bytes around rip.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "slowpath/guest_image.h"
#include "slowpath/machine.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

struct SourceFile {
    std::string name;   // as the line table names it
    std::string path;   // where it was found on disk ("" if nowhere)
    std::string error;  // why it could not be shown
    std::vector<std::string> lines;
    std::map<int, std::string> anchors;  // 1-based line -> label or function defined there
    bool is_asm = false;
    std::vector<int> note_lines;  // 1-based lines that are the project's own NOTE markers
};

// A line that is slowpath's own marker for the emulator (`NOTE SP_NOTE_*`),
// not kernel code: the source view hides these unless asked.
bool is_project_note(const std::string& line);
// The 1-based line numbers a source view shows, in order.
std::vector<int> visible_lines(const SourceFile& file, bool show_notes);

// Reads each source file once. Anchors come from the symbols of the image the
// file was compiled into.
class SourceCache {
 public:
    const SourceFile& get(const std::string& name, const GuestImage& image);
    // A path on disk for a line-table name, or "" (tries the name, then the
    // source tree, then the tree's guest/ directory, then by file name).
    static std::string resolve(const std::string& name);

 private:
    std::map<std::string, SourceFile> files_;
};

// The first step at which each line ran, for the steps [from, to].
struct LinesRun {
    std::unordered_map<std::string, std::unordered_map<int, uint64_t>> first_step;  // file -> line
    std::unordered_map<uint64_t, uint64_t> first_step_at;                           // rip -> step
    uint64_t from = 0, to = 0;
    bool has(const std::string& file, int line, uint64_t before_step) const;
    bool ran(uint64_t rip, uint64_t before_step) const {
        auto it = first_step_at.find(rip);
        return it != first_step_at.end() && it->second < before_step;
    }
};
// only_cpl: -1 any, 0 kernel steps only, 3 user steps only.
LinesRun lines_run(const Trace& trace, const Machine& machine, uint64_t from, uint64_t to,
                   int only_cpl);

struct DisasmLine {
    uint64_t addr = 0;
    int size = 0;
    std::string bytes;     // "0f 05"
    std::string mnemonic;  // "syscall"
    std::string operands;
    std::string label;    // a symbol that starts here
    std::string comment;  // the symbol a call or jump goes to
};

class Disassembler {
 public:
    Disassembler();
    ~Disassembler();
    Disassembler(const Disassembler&) = delete;
    Disassembler& operator=(const Disassembler&) = delete;

    bool ok() const { return ok_; }
    // Up to `before` instructions ahead of rip, the one at rip, and `after` more.
    std::vector<DisasmLine> around(const Machine& machine, uint64_t rip, int before, int after);

 private:
    std::vector<DisasmLine> decode(const Machine& machine, uint64_t start, uint64_t stop_after,
                                   int max_count);
    size_t handle_ = 0;  // csh
    bool ok_ = false;
};

}  // namespace slowpath::gui
