#include "model/source.h"

#include <capstone/capstone.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace slowpath::gui {

bool is_project_note(const std::string& line) {
    size_t i = line.find_first_not_of(" \t");
    return i != std::string::npos && line.compare(i, 13, "NOTE SP_NOTE_") == 0;
}

std::vector<int> visible_lines(const SourceFile& file, bool show_notes) {
    std::vector<int> out;
    out.reserve(file.lines.size());
    size_t k = 0;
    for (int n = 1; n <= static_cast<int>(file.lines.size()); n++) {
        while (k < file.note_lines.size() && file.note_lines[k] < n) k++;
        bool note = k < file.note_lines.size() && file.note_lines[k] == n;
        if (show_notes || !note) out.push_back(n);
    }
    return out;
}

namespace fs = std::filesystem;

namespace {

bool is_ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}
bool is_ident(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$';
}

// "  sysret_check:" -> "sysret_check"; "ENTRY(system_call)" -> "system_call".
std::string label_defined_on(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) i++;
    for (const char* macro : {"ENTRY(", "GLOBAL(", "SYM_CODE_START(", "SYM_FUNC_START("}) {
        std::string m = macro;
        if (line.compare(i, m.size(), m) == 0) {
            size_t start = i + m.size(), end = start;
            while (end < line.size() && is_ident(line[end])) end++;
            return line.substr(start, end - start);
        }
    }
    if (i >= line.size() || !is_ident_start(line[i])) return "";
    size_t end = i;
    while (end < line.size() && is_ident(line[end])) end++;
    size_t colon = end;
    while (colon < line.size() && line[colon] == ' ') colon++;
    if (colon < line.size() && line[colon] == ':' &&
        (colon + 1 >= line.size() || line[colon + 1] != ':'))
        return line.substr(i, end - i);
    return "";
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string SourceCache::resolve(const std::string& name) {
    std::error_code ec;
    if (name.empty()) return "";
    fs::path p(name);
    if (p.is_absolute() && fs::is_regular_file(p, ec)) return p.string();
    const fs::path root(source_dir());
    for (const fs::path& candidate : {root / p, root / "guest" / p}) {
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
    // Last resort: the same file name anywhere under guest/ (DWARF may have
    // recorded a build-tree path).
    const fs::path guest = root / "guest";
    if (fs::is_directory(guest, ec)) {
        std::string base = p.filename().string();
        std::string best;
        for (auto it = fs::recursive_directory_iterator(guest, ec);
             it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) break;
            if (!it->is_regular_file(ec) || it->path().filename() != base) continue;
            // Prefer the candidate sharing the longest tail with the recorded name.
            std::string found = it->path().string();
            if (best.empty() || (ends_with(name, fs::relative(found, root, ec).string()) &&
                                 found.size() > best.size()))
                best = found;
        }
        if (!best.empty()) return best;
    }
    return "";
}

const SourceFile& SourceCache::get(const std::string& name, const GuestImage& image) {
    std::string key = image.path() + "\n" + name;
    auto it = files_.find(key);
    if (it != files_.end()) return it->second;

    SourceFile file;
    file.name = name;
    file.is_asm = ends_with(name, ".S") || ends_with(name, ".s") || ends_with(name, ".asm");
    file.path = resolve(name);
    if (file.path.empty()) {
        file.error = name + ": source not found under " + source_dir();
    } else {
        std::ifstream in(file.path);
        if (!in) {
            file.error = file.path + ": cannot read";
        } else {
            std::string line;
            while (std::getline(in, line)) {
                // Tabs become spaces so columns line up in the panel.
                std::string expanded;
                for (char c : line) {
                    if (c == '\t')
                        expanded.append(8 - expanded.size() % 8, ' ');
                    else if (c != '\r')
                        expanded += c;
                }
                if (is_project_note(expanded))
                    file.note_lines.push_back(static_cast<int>(file.lines.size() + 1));
                file.lines.push_back(std::move(expanded));
            }
        }
    }
    // Labels written in the text, when the image knows them.
    for (size_t i = 0; i < file.lines.size(); i++) {
        std::string label = label_defined_on(file.lines[i]);
        if (!label.empty() && image.symbol_named(label))
            file.anchors[static_cast<int>(i + 1)] = label;
    }
    // C functions: the line the line table gives for their first instruction.
    for (const Symbol& sym : image.symbols()) {
        if (!sym.is_function) continue;
        const SourceLine* line = image.line_for(sym.addr);
        if (!line || line->addr != sym.addr || line->file != name) continue;
        int n = line->line;
        // Walk up to the line that names the function (its signature).
        for (int up = n; up >= 1 && up > n - 6 && up <= static_cast<int>(file.lines.size()); up--) {
            if (file.lines[up - 1].find(sym.name + "(") != std::string::npos) {
                n = up;
                break;
            }
        }
        file.anchors.emplace(n, sym.name);
    }
    return files_.emplace(key, std::move(file)).first->second;
}

bool LinesRun::has(const std::string& file, int line, uint64_t before_step) const {
    auto f = first_step.find(file);
    if (f == first_step.end()) return false;
    auto l = f->second.find(line);
    return l != f->second.end() && l->second < before_step;
}

LinesRun lines_run(const Trace& trace, const Machine& machine, uint64_t from, uint64_t to,
                   int only_cpl) {
    LinesRun run;
    run.from = from;
    run.to = to;
    if (trace.steps.empty()) return run;
    to = std::min<uint64_t>(to, trace.steps.size() - 1);
    std::unordered_map<uint64_t, const SourceLine*> by_rip;
    for (uint64_t step = from; step <= to; step++) {
        const StepRecord& record = trace.steps[step];
        if (only_cpl >= 0 && record.cpl != only_cpl) continue;
        run.first_step_at.emplace(record.rip, step);
        auto it = by_rip.find(record.rip);
        const SourceLine* line;
        if (it == by_rip.end()) {
            line = machine.line_for(record.rip);
            by_rip.emplace(record.rip, line);
        } else {
            line = it->second;
        }
        if (!line) continue;
        run.first_step[line->file].emplace(line->line, step);
    }
    return run;
}

Disassembler::Disassembler() {
    csh handle = 0;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) == CS_ERR_OK) {
        cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
        handle_ = handle;
        ok_ = true;
    }
}

Disassembler::~Disassembler() {
    if (ok_) {
        csh handle = handle_;
        cs_close(&handle);
    }
}

std::vector<DisasmLine> Disassembler::decode(const Machine& machine, uint64_t start,
                                             uint64_t stop_after, int max_count) {
    std::vector<DisasmLine> out;
    if (!ok_) return out;
    uint8_t buf[512];
    size_t size = sizeof buf;
    while (size > 0 && !machine.read(start, buf, size)) size /= 2;
    if (size == 0) return out;
    cs_insn* insn = nullptr;
    size_t count = cs_disasm(static_cast<csh>(handle_), buf, size, start, 0, &insn);
    for (size_t i = 0; i < count && static_cast<int>(out.size()) < max_count; i++) {
        DisasmLine line;
        line.addr = insn[i].address;
        line.size = insn[i].size;
        char hex[4];
        for (int b = 0; b < insn[i].size; b++) {
            std::snprintf(hex, sizeof hex, b ? " %02x" : "%02x", insn[i].bytes[b]);
            line.bytes += hex;
        }
        line.mnemonic = insn[i].mnemonic;
        line.operands = insn[i].op_str;
        if (const Symbol* sym = machine.symbol_containing(line.addr); sym && sym->addr == line.addr)
            line.label = sym->name;
        // call/jmp to an immediate: name the target.
        const std::string& ops = line.operands;
        if ((line.mnemonic.rfind("call", 0) == 0 || line.mnemonic[0] == 'j') &&
            ops.rfind("0x", 0) == 0) {
            uint64_t target = std::strtoull(ops.c_str(), nullptr, 16);
            line.comment = machine.describe(target);
        }
        out.push_back(std::move(line));
        if (insn[i].address > stop_after) break;
    }
    if (insn) cs_free(insn, count);
    return out;
}

std::vector<DisasmLine> Disassembler::around(const Machine& machine, uint64_t rip, int before,
                                             int after) {
    // Find an instruction boundary a little before rip: symbol starts and
    // line-table addresses are known boundaries.
    const GuestImage& image = rip >= 0x400000 ? machine.user() : machine.kernel();
    uint64_t want = rip > 96 ? rip - 96 : 0;
    uint64_t start = rip;
    const auto& lines = image.lines();
    auto it = std::lower_bound(lines.begin(), lines.end(), want,
                               [](const SourceLine& l, uint64_t a) { return l.addr < a; });
    if (it != lines.end() && it->addr <= rip) start = it->addr;
    if (const Symbol* sym = image.symbol_containing(rip);
        sym && sym->addr >= want && sym->addr < start)
        start = sym->addr;

    std::vector<DisasmLine> lines_out =
        decode(machine, start, rip + 16 * after, before + after + 64);
    auto at = std::find_if(lines_out.begin(), lines_out.end(),
                           [&](const DisasmLine& l) { return l.addr == rip; });
    if (at == lines_out.end()) {
        // Not on a boundary we know: start at rip itself.
        lines_out = decode(machine, rip, rip + 16 * after, after + 1);
        at = lines_out.begin();
    }
    if (lines_out.empty()) return lines_out;
    size_t index = static_cast<size_t>(at - lines_out.begin());
    size_t first = index > static_cast<size_t>(before) ? index - before : 0;
    size_t last = std::min(lines_out.size(), index + 1 + static_cast<size_t>(after));
    return std::vector<DisasmLine>(lines_out.begin() + static_cast<std::ptrdiff_t>(first),
                                   lines_out.begin() + static_cast<std::ptrdiff_t>(last));
}

}  // namespace slowpath::gui
