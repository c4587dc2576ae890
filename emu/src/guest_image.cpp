// Loads a guest ELF with libelf (segments, symbols, sections, notes) and
// libdw (line table, parameter names), so the app can show source lines and
// name the arguments of every C call.
#include "slowpath/guest_image.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <slowpath/abi.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include "slowpath/numbers.h"

namespace slowpath {
namespace {

struct FileCloser {
    int fd;
    ~FileCloser() {
        if (fd >= 0) close(fd);
    }
};
struct ElfCloser {
    Elf* elf;
    ~ElfCloser() {
        if (elf) elf_end(elf);
    }
};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw LoadError(path + ": " + why);
}

// The name of a DIE, following DW_AT_abstract_origin/specification (the
// concrete copy of an optimised function refers back to its declaration).
std::string die_name(Dwarf_Die* die) {
    Dwarf_Attribute attr;
    const char* n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
    return n ? n : "";
}

// Formal parameter names of every subprogram in one compile unit.
void collect_params(Dwarf_Die* cu, std::map<std::string, FunctionParams>& out) {
    Dwarf_Die child;
    if (dwarf_child(cu, &child) != 0) return;
    do {
        if (dwarf_tag(&child) != DW_TAG_subprogram) continue;
        // A prototype (in a table of handlers, say) may leave its parameters unnamed.
        bool is_declaration = false;
        Dwarf_Attribute decl;
        if (dwarf_attr(&child, DW_AT_declaration, &decl)) dwarf_formflag(&decl, &is_declaration);
        if (is_declaration) continue;
        std::string name = die_name(&child);
        if (name.empty()) continue;
        auto known = out.find(name);
        if (known != out.end() && !known->second.names.empty()) continue;
        FunctionParams params;
        Dwarf_Die p;
        if (dwarf_child(&child, &p) == 0) {
            do {
                if (dwarf_tag(&p) == DW_TAG_formal_parameter) params.names.push_back(die_name(&p));
            } while (dwarf_siblingof(&p, &p) == 0);
        }
        out[name] = std::move(params);
    } while (dwarf_siblingof(&child, &child) == 0);
}

void load_dwarf(Elf* elf, std::vector<SourceLine>& lines,
                std::map<std::string, FunctionParams>& params) {
    Dwarf* dw = dwarf_begin_elf(elf, DWARF_C_READ, nullptr);
    if (!dw) return;  // no debug info: the app still runs, without source lines
    Dwarf_Off off = 0, next;
    size_t header_size;
    while (dwarf_nextcu(dw, off, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(dw, off + header_size, &cu)) {
            Dwarf_Lines* dl;
            size_t n;
            if (dwarf_getsrclines(&cu, &dl, &n) == 0) {
                for (size_t i = 0; i < n; i++) {
                    Dwarf_Line* l = dwarf_onesrcline(dl, i);
                    Dwarf_Addr addr;
                    int lineno;
                    bool end_seq = false;
                    if (!l || dwarf_lineaddr(l, &addr) || dwarf_lineno(l, &lineno)) continue;
                    dwarf_lineendsequence(l, &end_seq);
                    const char* src = dwarf_linesrc(l, nullptr, nullptr);
                    if (end_seq || !src || lineno <= 0) continue;
                    lines.push_back({addr, src, lineno});
                }
            }
            collect_params(&cu, params);
        }
        off = next;
    }
    dwarf_end(dw);
    std::stable_sort(lines.begin(), lines.end(),
                     [](const SourceLine& a, const SourceLine& b) { return a.addr < b.addr; });
}

}  // namespace

GuestImage GuestImage::load(const std::string& path) {
    if (elf_version(EV_CURRENT) == EV_NONE) fail(path, "libelf is unusable");
    FileCloser fd{open(path.c_str(), O_RDONLY)};
    if (fd.fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
    ElfCloser e{elf_begin(fd.fd, ELF_C_READ, nullptr)};
    return from_elf(e.elf, path);
}

GuestImage GuestImage::load_bytes(const void* data, size_t size, const std::string& name) {
    if (elf_version(EV_CURRENT) == EV_NONE) fail(name, "libelf is unusable");
    // libelf may write to an image it was given (ELF_C_READ_MMAP_PRIVATE): a copy.
    std::vector<char> copy(static_cast<const char*>(data), static_cast<const char*>(data) + size);
    ElfCloser e{elf_memory(copy.data(), copy.size())};
    return from_elf(e.elf, name);
}

// __ex_table: pairs of absolute addresses (struct exception_table_entry).
static void read_ex_table(Elf_Scn* scn, const std::string& path, std::vector<ExTableEntry>& out) {
    Elf_Data* d = elf_getdata(scn, nullptr);
    if (!d || !d->d_buf) fail(path, "unreadable __ex_table");
    for (size_t k = 0; k + 16 <= d->d_size; k += 16) {
        ExTableEntry e;
        std::memcpy(&e.insn, static_cast<const char*>(d->d_buf) + k, 8);
        std::memcpy(&e.fixup, static_cast<const char*>(d->d_buf) + k + 8, 8);
        out.push_back(e);
    }
}

GuestImage GuestImage::from_elf(Elf* elf, const std::string& path) {
    GuestImage img;
    img.path_ = path;
    if (!elf || elf_kind(elf) != ELF_K_ELF) fail(path, "not an ELF file");
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf, &eh)) fail(path, "unreadable ELF header");
    if (eh.e_ident[EI_CLASS] != ELFCLASS64) fail(path, "not a 64-bit ELF");
    if (eh.e_machine != EM_X86_64)
        fail(path, "not an x86-64 ELF (e_machine " + std::to_string(eh.e_machine) + ")");
    if (eh.e_type != ET_EXEC)
        fail(path, "not a static executable (ET_EXEC); build with -static -no-pie");
    img.entry_ = eh.e_entry;

    size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) != 0) fail(path, "unreadable program headers");
    size_t file_size = 0;
    const char* raw = elf_rawfile(elf, &file_size);
    if (!raw) fail(path, "unreadable file contents");
    img.phnum_ = static_cast<uint32_t>(phnum);
    img.phent_ = eh.e_phentsize;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, static_cast<int>(i), &ph)) fail(path, "unreadable program header");
        if (ph.p_type == PT_INTERP) fail(path, "dynamically linked; build with -static");
        if (ph.p_type == PT_PHDR) img.phdr_addr_ = ph.p_vaddr;
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        // Each bound is checked without adding two file-controlled numbers,
        // which could wrap past 2^64 and pass.
        if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
            fail(path, "truncated: a segment lies beyond the end of the file");
        if (ph.p_filesz > ph.p_memsz)
            fail(path, "a segment has more file bytes than memory (p_filesz > p_memsz)");
        if (ph.p_vaddr < SP_KERNEL_BASE || ph.p_vaddr >= SP_RAM_SIZE ||
            ph.p_memsz > SP_RAM_SIZE - ph.p_vaddr)
            fail(path, "a segment at " + hex(ph.p_vaddr) + " of " + hex(ph.p_memsz) +
                           " bytes does not fit the guest's 16 MiB identity map");
        Segment s;
        s.vaddr = ph.p_vaddr;
        s.memsz = ph.p_memsz;
        s.bytes.assign(raw + ph.p_offset, raw + ph.p_offset + ph.p_filesz);
        s.writable = ph.p_flags & PF_W;
        s.executable = ph.p_flags & PF_X;
        if (!img.phdr_addr_ && ph.p_offset == 0 && eh.e_phoff < ph.p_filesz)
            img.phdr_addr_ = ph.p_vaddr + eh.e_phoff;
        img.brk_ = std::max(
            img.brk_, (ph.p_vaddr + ph.p_memsz + SP_PAGE_SIZE - 1) & ~uint64_t(SP_PAGE_SIZE - 1));
        img.segments_.push_back(std::move(s));
    }
    if (img.segments_.empty()) fail(path, "no loadable segments");

    size_t shstrndx = 0;
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) fail(path, "unreadable section names");
    std::vector<std::string> section_names;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) fail(path, "unreadable section header");
        const char* name = elf_strptr(elf, shstrndx, sh.sh_name);
        std::string sname = name ? name : "";
        size_t index = elf_ndxscn(scn);
        if (section_names.size() <= index) section_names.resize(index + 1);
        section_names[index] = sname;
        if (sh.sh_flags & SHF_ALLOC) img.sections_[sname] = {sh.sh_addr, sh.sh_addr + sh.sh_size};
        if (sname == ".slowpath_notes") {
            Elf_Data* d = elf_getdata(scn, nullptr);
            if (!d || !d->d_buf) fail(path, "unreadable .slowpath_notes");
            size_t count = d->d_size / sizeof(abi::sp_note);
            for (size_t k = 0; k < count; k++) {
                abi::sp_note n;
                std::memcpy(&n, static_cast<const char*>(d->d_buf) + k * sizeof n, sizeof n);
                img.notes_.push_back({n.addr, n.kind, n.arg});
            }
        }
        if (sname == "__ex_table" && sh.sh_type == SHT_PROGBITS)
            read_ex_table(scn, path, img.ex_table_);
    }
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB) continue;
        Elf_Data* d = elf_getdata(scn, nullptr);
        if (!d || sh.sh_entsize == 0) continue;
        size_t count = sh.sh_size / sh.sh_entsize;
        for (size_t k = 0; k < count; k++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, static_cast<int>(k), &sym)) continue;
            int type = GELF_ST_TYPE(sym.st_info);
            if (type != STT_FUNC && type != STT_NOTYPE && type != STT_OBJECT) continue;
            if (sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE) continue;
            const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name || name[0] == '$' || std::strncmp(name, ".L", 2) == 0) continue;
            Symbol s;
            s.name = name;
            s.addr = sym.st_value;
            s.size = sym.st_size;
            s.is_function = type == STT_FUNC;
            s.is_global = GELF_ST_BIND(sym.st_info) != STB_LOCAL;
            if (sym.st_shndx < section_names.size()) s.section = section_names[sym.st_shndx];
            if (s.section.empty()) continue;
            img.symbols_.push_back(std::move(s));
        }
    }
    // Sort by address; at one address prefer functions, then globals, so a
    // lookup names `system_call` rather than a local alias.
    std::sort(img.symbols_.begin(), img.symbols_.end(), [](const Symbol& a, const Symbol& b) {
        if (a.addr != b.addr) return a.addr < b.addr;
        if (a.is_function != b.is_function) return a.is_function;
        if (a.is_global != b.is_global) return a.is_global;
        return a.name < b.name;
    });
    std::sort(img.ex_table_.begin(), img.ex_table_.end(),
              [](const ExTableEntry& a, const ExTableEntry& b) { return a.fixup < b.fixup; });
    std::sort(img.notes_.begin(), img.notes_.end(),
              [](const Note& a, const Note& b) { return a.addr < b.addr; });
    load_dwarf(elf, img.lines_, img.params_);
    return img;
}

std::optional<uint64_t> GuestImage::symbol_addr(const std::string& name) const {
    if (const Symbol* s = symbol_named(name)) return s->addr;
    return std::nullopt;
}

const Symbol* GuestImage::symbol_named(const std::string& name) const {
    const Symbol* found = nullptr;
    for (const auto& s : symbols_)
        if (s.name == name && (!found || (s.is_global && !found->is_global))) found = &s;
    return found;
}

bool GuestImage::is_fixup_target(uint64_t addr) const {
    auto it = std::lower_bound(ex_table_.begin(), ex_table_.end(), addr,
                               [](const ExTableEntry& e, uint64_t a) { return e.fixup < a; });
    return it != ex_table_.end() && it->fixup == addr;
}

std::vector<std::string> GuestImage::fixup_names() const {
    std::vector<std::string> names;
    for (const ExTableEntry& e : ex_table_)
        if (const Symbol* s = symbol_at(e.fixup); s && (names.empty() || names.back() != s->name))
            names.push_back(s->name);
    return names;
}

const Symbol* GuestImage::symbol_at(uint64_t addr) const {
    auto it = std::lower_bound(symbols_.begin(), symbols_.end(), addr,
                               [](const Symbol& s, uint64_t a) { return s.addr < a; });
    if (it != symbols_.end() && it->addr == addr) return &*it;
    return nullptr;
}

const Symbol* GuestImage::symbol_containing(uint64_t addr) const {
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                               [](uint64_t a, const Symbol& s) { return a < s.addr; });
    if (it == symbols_.begin()) return nullptr;
    --it;
    // Walk back to the preferred symbol at this address (the sort put it first).
    uint64_t at = it->addr;
    while (it != symbols_.begin() && std::prev(it)->addr == at) --it;
    if (it->is_function && it->size && addr >= it->addr + it->size) {
        // Past the end of a sized function: only name it if nothing better.
        return addr - it->addr < 0x1000 ? &*it : nullptr;
    }
    return &*it;
}

std::string GuestImage::describe(uint64_t addr) const {
    bool inside = false;
    for (const auto& seg : segments_) inside |= addr >= seg.vaddr && addr < seg.vaddr + seg.memsz;
    const Symbol* s = inside ? symbol_containing(addr) : nullptr;
    if (!s) return hex(addr);
    if (addr == s->addr) return s->name;
    return s->name + "+" + hex(addr - s->addr);
}

const SourceLine* GuestImage::line_for(uint64_t addr) const {
    auto it = std::upper_bound(lines_.begin(), lines_.end(), addr,
                               [](uint64_t a, const SourceLine& l) { return a < l.addr; });
    if (it == lines_.begin()) return nullptr;
    --it;
    if (addr - it->addr > 0x400) return nullptr;
    // A fixup stub (inline assembly pushed into .fixup) has no lines of its
    // own: the nearest line below belongs to whatever .text ends with.
    if (const Symbol* s = symbol_containing(addr);
        s && it->addr < s->addr && is_fixup_target(s->addr))
        return nullptr;
    return &*it;
}

std::optional<std::pair<uint64_t, uint64_t>> GuestImage::section_range(
    const std::string& name) const {
    auto it = sections_.find(name);
    if (it == sections_.end()) return std::nullopt;
    return it->second;
}

const FunctionParams* GuestImage::params_of(const std::string& function) const {
    auto it = params_.find(function);
    return it == params_.end() ? nullptr : &it->second;
}

std::vector<std::string> GuestImage::source_files() const {
    std::vector<std::string> files;
    for (const auto& l : lines_) files.push_back(l.file);
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    return files;
}

}  // namespace slowpath
