// Walkthroughs: the names a file may use, number parsing and each era's
// symbols (see walkthrough_internal.h for the map of files).
#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include "slowpath/era_symbols.h"
#include "slowpath/guest_image.h"
#include "slowpath/numbers.h"
#include "walkthrough_internal.h"

namespace slowpath {

// ---- names ---------------------------------------------------------------------

const std::vector<std::string_view>& walkthrough_panels() {
    static const std::vector<std::string_view> panels = {"controls", "code",     "path", "stack",
                                                         "regs",     "tif",      "user", "events",
                                                         "compare",  "narration"};
    return panels;
}

const std::vector<std::string_view>& walkthrough_registers() {
    static const std::vector<std::string_view> regs = {
        "rax", "rcx", "rdx", "rbx", "rsp",     "rbp",     "rsi",           "rdi", "r8",
        "r9",  "r10", "r11", "r12", "r13",     "r14",     "r15",           "rip", "rflags",
        "cs",  "ss",  "cpl", "cr2", "fs_base", "gs_base", "kernel_gs_base"};
    return regs;
}

std::string_view step_kind_name(StepKind kind) {
    switch (kind) {
        case StepKind::Setup:
            return "setup";
        case StepKind::Move:
            return "move";
        case StepKind::Say:
            return "say";
        case StepKind::Point:
            return "point";
        case StepKind::Ask:
            return "ask";
        case StepKind::Expect:
            return "expect";
        case StepKind::Shoot:
            return "shoot";
        case StepKind::Compare:
            return "compare";
        case StepKind::View:
            return "view";
    }
    return "?";
}

namespace walkthrough_detail {

std::string number(int64_t v) {
    if (v > -4096 && v < 4096) return std::to_string(v);
    return hex(static_cast<uint64_t>(v));
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (size_t i = 0; i < items.size(); i++) s += (i ? sep : "") + items[i];
    return s;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_canonical(uint64_t v) {
    // 48-bit virtual addresses: bits 63..47 all equal.
    uint64_t top = v >> 47;
    return top == 0 || top == 0x1ffff;
}

namespace {

// errno values a walkthrough may name ("-ENOSYS").
const std::map<std::string, int64_t>& errno_names() {
    static const std::map<std::string, int64_t> names = {
        {"EPERM", 1},   {"ENOENT", 2},  {"ESRCH", 3},   {"EINTR", 4},
        {"EIO", 5},     {"EBADF", 9},   {"EAGAIN", 11}, {"ENOMEM", 12},
        {"EFAULT", 14}, {"EINVAL", 22}, {"ENOSYS", 38}, {"ERESTARTSYS", 512}};
    return names;
}

}  // namespace

// "42", "-38", "0x800000000000", "-ENOSYS", "0b101", "1_000".
std::optional<int64_t> parse_integer(std::string text) {
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    if (text.empty()) return std::nullopt;
    bool negative = false;
    size_t i = 0;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    std::string body = text.substr(i);
    if (body.empty()) return std::nullopt;
    uint64_t magnitude = 0;
    auto errno_it = errno_names().find(body);
    if (errno_it != errno_names().end()) {
        magnitude = static_cast<uint64_t>(errno_it->second);
    } else {
        int base = 10;
        if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
            base = 16;
            body = body.substr(2);
        } else if (body.size() > 2 && body[0] == '0' && (body[1] == 'b' || body[1] == 'B')) {
            base = 2;
            body = body.substr(2);
        }
        for (char c : body) {
            int d;
            if (c >= '0' && c <= '9')
                d = c - '0';
            else if (c >= 'a' && c <= 'f')
                d = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                d = c - 'A' + 10;
            else
                return std::nullopt;
            if (d >= base) return std::nullopt;
            if (magnitude > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
                return std::nullopt;
            magnitude = magnitude * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
        }
    }
    uint64_t bits = negative ? ~magnitude + 1 : magnitude;
    return static_cast<int64_t>(bits);
}

std::optional<EventKind> parse_event_kind(const std::string& name) {
    if (name == "check") return EventKind::TifCheck;
    if (name == "syscall") return EventKind::SyscallEntry;
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++)
        if (event_kind_name(static_cast<EventKind>(k)) == name) return static_cast<EventKind>(k);
    return std::nullopt;
}

std::string event_kind_list() {
    std::vector<std::string> names = {"check", "syscall"};
    for (int k = 0; k <= static_cast<int>(EventKind::StepLimit); k++)
        names.emplace_back(event_kind_name(static_cast<EventKind>(k)));
    return join(names);
}

std::optional<Outcome> parse_outcome(const std::string& name) {
    for (Outcome o : {Outcome::Exited, Outcome::Livelock, Outcome::Fault, Outcome::StepLimit})
        if (outcome_name(o) == name) return o;
    return std::nullopt;
}

// ---- the labels and functions of each era -----------------------------------------

namespace {

// What the eras define when their kernel image is not at hand (the shared
// table in era_symbols.h).
EraSymbols builtin_symbols(Era era) {
    EraSymbols s;
    for (std::string_view name : era_symbol_names(era, EraSymbolKind::Label))
        s.labels.emplace(name);
    for (std::string_view name : era_symbol_names(era, EraSymbolKind::Function))
        s.functions.emplace(name);
    s.fixups = {"bad_from_user", "bad_to_user", "bad_get_user", "bad_put_user"};
    s.user = {"_start", "main", "focus_call", "focus_syscall", "__restore_rt", "on_sigusr1"};
    return s;
}

}  // namespace

const EraSymbols& era_symbols(Era era, bool use_kernel) {
    static std::mutex mutex;
    static std::map<std::pair<Era, bool>, EraSymbols> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto key = std::make_pair(era, use_kernel);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    EraSymbols s = builtin_symbols(era);
    if (use_kernel) {
        try {
            GuestImage image =
                GuestImage::load(guest_path(std::string(era_info(era).kernel_image)));
            auto entry = image.section_range(".entry.text");
            EraSymbols from_elf;
            for (const Symbol& sym : image.symbols()) {
                bool in_entry = entry ? sym.addr >= entry->first && sym.addr < entry->second
                                      : sym.section == ".entry.text";
                if (in_entry)
                    from_elf.labels.insert(sym.name);
                else if (sym.is_function)
                    from_elf.functions.insert(sym.name);
            }
            for (const std::string& name : image.fixup_names()) from_elf.fixups.insert(name);
            if (!from_elf.labels.empty()) {
                s.labels = std::move(from_elf.labels);
                s.functions = std::move(from_elf.functions);
                s.fixups = std::move(from_elf.fixups);
            }
        } catch (const LoadError&) {
            // No kernel image yet, or a broken one: its names are dropped and
            // the built-in table of era_symbols.h (the labels and functions
            // the eras define) checks the file instead. The user still hears
            // of it: running the walkthrough loads the image and reports the
            // LoadError then.
        }
        try {
            GuestImage demo = GuestImage::load(guest_path("demo.elf"));
            std::set<std::string> user;
            for (const Symbol& sym : demo.symbols()) user.insert(sym.name);
            if (!user.empty()) s.user = std::move(user);
        } catch (const LoadError&) {
            // The same for the demo program: the built-in list of its symbols
            // serves, and a run reports the LoadError.
        }
    }
    return cache.emplace(key, std::move(s)).first->second;
}

}  // namespace walkthrough_detail
}  // namespace slowpath
