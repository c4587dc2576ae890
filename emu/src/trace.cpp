#include "slowpath/trace.h"

#include <lz4.h>

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "engine.h"
#include "lz4_block.h"
#include "slowpath/numbers.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath {

std::string_view event_kind_name(EventKind kind) {
    switch (kind) {
        case EventKind::SyscallEntry:
            return "syscall-entry";
        case EventKind::Swapgs:  // the two values trade places: old GS base = new KERNEL_GS_BASE
            return "swapgs";
        case EventKind::StackSwitch:
            return "stack-switch";
        case EventKind::Label:
            return "label";
        case EventKind::Call:
            return "call";
        case EventKind::Return:
            return "return";
        case EventKind::TifCheck:
            return "tif-check";
        case EventKind::FrameState:
            return "frame";
        case EventKind::Schedule:
            return "schedule";
        case EventKind::SignalDelivered:
            return "signal";
        case EventKind::SignalReturn:
            return "sigreturn";
        case EventKind::Audit:
            return "audit";
        case EventKind::TracerStop:
            return "tracer-stop";
        case EventKind::TaskWork:
            return "task-work";
        case EventKind::Notifier:
            return "notifier";
        case EventKind::Tracepoint:
            return "tracepoint";
        case EventKind::HandlerReturn:
            return "handler-return";
        case EventKind::Inject:
            return "inject";
        case EventKind::Edit:
            return "edit";
        case EventKind::Sysret:
            return "sysret";
        case EventKind::Iret:
            return "iret";
        case EventKind::Fault:
            return "fault";
        case EventKind::SysretCheck:
            return "sysret-check";
        case EventKind::Decision:
            return "decision";
        case EventKind::Exit:
            return "exit";
        case EventKind::Oops:
            return "oops";
        case EventKind::Livelock:
            return "livelock";
        case EventKind::StepLimit:
            return "step-limit";
    }
    return "?";
}

std::string_view exit_kind_name(ExitKind kind) {
    switch (kind) {
        case ExitKind::Sysret:
            return "sysret";
        case ExitKind::Iret:
            return "iret";
        default:
            return "none";
    }
}

std::string signal_name(unsigned sig) {
    static const char* names[] = {"0",       "SIGHUP",  "SIGINT",  "SIGQUIT", "SIGILL",  "SIGTRAP",
                                  "SIGABRT", "SIGBUS",  "SIGFPE",  "SIGKILL", "SIGUSR1", "SIGSEGV",
                                  "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};
    if (sig < sizeof names / sizeof names[0]) return names[sig];
    return "signal " + std::to_string(sig);
}

std::string_view outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Exited:
            return "exited";
        case Outcome::Livelock:
            return "livelock";
        case Outcome::Fault:
            return "fault";
        case Outcome::StepLimit:
            return "step-limit";
        default:
            return "running";
    }
}

static std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static std::string format(const char* fmt, ...) {
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return buf;
}

static const char* frame_change(const std::string& macro) {
    if (macro == "SAVE_ARGS")
        return "partial pt_regs: args, orig_rax and rip saved; rcx, the rest and the top of stack "
               "are not";
    if (macro == "SAVE_REST") return "rbx rbp r12-r15 saved: a full frame";
    if (macro == "RESTORE_REST") return "rbx rbp r12-r15 reloaded, back to a partial frame";
    if (macro == "FIXUP_TOP_OF_STACK")
        return "rsp ss cs eflags filled in, rcx = -1: an iret frame exists";
    if (macro == "RESTORE_TOP_OF_STACK") return "old_rsp and r11 taken back from the frame";
    if (macro == "RESTORE_ARGS")
        return "registers reloaded; left on the stack: the iret frame on the iret path, nothing on "
               "the sysret path";
    return "every slot holds a value";
}

std::optional<Event> decision_event(const Trace& t, int syscall) {
    if (syscall < 0 || static_cast<size_t>(syscall) >= t.syscalls.size()) return std::nullopt;
    const SyscallRecord& r = t.syscalls[static_cast<size_t>(syscall)];
    for (size_t i = r.first_event; i < r.end_event && i < t.events.size(); i++)
        if (t.events[i].kind == EventKind::Decision) return t.events[i];
    return std::nullopt;
}

std::string decision_why(const Event& decision) {
    return decision.text();
}

// The text of a call: its name, then each parameter (of the first four) with
// its value, from the names the event keeps.
static std::string call_text(const Event& e) {
    const std::string& params = Name::from_id(static_cast<uint32_t>(e.text_id)).str();
    std::string text = e.name + "(";
    size_t i = 0;
    for (size_t at = 1; at < params.size(); i++) {
        size_t end = std::min(params.find(',', at), params.size());
        if (i) text += ", ";
        text.append(params, at, end - at);
        if (params.compare(at, end - at, "...") != 0) text += "=" + hex(e.a[i < 4 ? i : 3]);
        at = end + 1;
    }
    return text + ")";
}

std::string Event::text() const {
    if (kind == EventKind::Call && text_id) return call_text(*this);
    return Name::from_id(static_cast<uint32_t>(text_id)).str();
}

void Event::set_text(std::string_view text) {
    uint32_t id = Name(text).id();
    // The table past 2^24 texts (never seen: most texts repeat): a text that
    // says so rather than another's.
    if (id >= (uint32_t(1) << 24)) id = Name("(text not kept: too many distinct texts)").id();
    text_id = id;
}

namespace {

// What a string holds on the heap: nothing while it fits in the object
// (libstdc++'s small-string buffer, 15 characters).
size_t string_heap(const std::string& s) {
    return s.capacity() > 15 ? s.capacity() + 1 : 0;
}

// Lists interned for the whole process, like Name's strings: each kept once
// in fixed chunks that never move, so a list is read with no lock while
// another thread interns a new one. Id 0 is the empty list.
template <typename T>
class ListTable {
 public:
    // key: the list's identity (its fields as numbers).
    uint32_t intern(const std::vector<uint64_t>& key, const std::function<T()>& make) {
        if (key.empty()) return 0;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = ids_.find(key);
        if (it != ids_.end()) return it->second;
        const uint32_t id = count_;
        if (id >= kLimit) return 0;  // past the handles' 24 bits: never seen
        T* chunk = chunks_[id >> kChunkBits].load(std::memory_order_relaxed);
        if (!chunk) {
            chunk = new T[kChunkSize];
            chunks_[id >> kChunkBits].store(chunk, std::memory_order_release);
        }
        chunk[id & kChunkMask] = make();
        ids_.emplace(key, id);
        count_++;
        return id;
    }
    const T& lookup(uint32_t id) const {
        static const T empty;
        if (id == 0) return empty;
        return chunks_[id >> kChunkBits].load(std::memory_order_acquire)[id & kChunkMask];
    }

 private:
    static constexpr unsigned kChunkBits = 12;
    static constexpr uint32_t kChunkSize = uint32_t(1) << kChunkBits, kChunkMask = kChunkSize - 1;
    static constexpr uint32_t kLimit = uint32_t(1) << SyscallRecord::kListBits;
    static constexpr uint32_t kChunks = kLimit >> kChunkBits;
    std::mutex mutex_;
    std::map<std::vector<uint64_t>, uint32_t> ids_;
    std::atomic<T*> chunks_[kChunks] = {};
    uint32_t count_ = 1;
};

// Never destroyed: a record in a static object may be read at exit.
ListTable<std::vector<std::string>>& path_table() {
    static auto* t = new ListTable<std::vector<std::string>>;
    return *t;
}
ListTable<std::vector<TifCheckRecord>>& tif_table() {
    static auto* t = new ListTable<std::vector<TifCheckRecord>>;
    return *t;
}

}  // namespace

uint32_t intern_syscall_path(const std::vector<Name>& path) {
    std::vector<uint64_t> key;
    key.reserve(path.size());
    for (Name n : path) key.push_back(n.id());
    return path_table().intern(key,
                               [&] { return std::vector<std::string>(path.begin(), path.end()); });
}

const std::vector<std::string>& syscall_path(uint32_t id) {
    return path_table().lookup(id);
}

uint32_t intern_tif_checks(const std::vector<TifCheckRecord>& relative) {
    std::vector<uint64_t> key;
    key.reserve(relative.size() * 4);
    for (const TifCheckRecord& c : relative) {
        key.push_back(uint64_t(c.where.id()) << 32 | c.kind);
        key.push_back(uint64_t(c.mask) << 32 | c.flags);
        key.push_back(c.result);
        key.push_back(c.step);
    }
    return tif_table().intern(key, [&] { return relative; });
}

const std::vector<TifCheckRecord>& tif_check_list(uint32_t id) {
    return tif_table().lookup(id);
}

size_t syscall_path_bytes(uint32_t id) {
    if (id == 0) return 0;
    const std::vector<std::string>& p = syscall_path(id);
    size_t n = sizeof(std::vector<std::string>) + p.capacity() * sizeof(std::string);
    for (const auto& s : p) n += string_heap(s);
    return n;
}

size_t tif_check_list_bytes(uint32_t id) {
    if (id == 0) return 0;
    const std::vector<TifCheckRecord>& l = tif_check_list(id);
    return sizeof(std::vector<TifCheckRecord>) + l.capacity() * sizeof(TifCheckRecord);
}

std::string decision_why(const Trace& t, int syscall) {
    std::optional<Event> e = decision_event(t, syscall);
    return e ? decision_why(*e) : std::string();
}

std::string describe_event(const Event& e) {
    if (e.kind == EventKind::Decision) return decision_why(e);
    if (e.text_id) return e.text();
    switch (e.kind) {
        case EventKind::SyscallEntry:
            return "SYSCALL " + e.name + ": rcx <- " + hex(e.user_rip() + 2) + ", r11 <- rflags " +
                   hex(e.user_rflags()) + ", CS/SS from STAR, CPL 0, rip <- LSTAR";
        case EventKind::Swapgs:  // the two values trade places: old GS base = new KERNEL_GS_BASE
            return "swapgs: GS base " + hex(e.new_kernel_gs_base()) + " <-> KERNEL_GS_BASE " +
                   hex(e.new_gs_base());
        case EventKind::StackSwitch:
            return "user rsp " + hex(e.old_rsp()) + " parked in old_rsp; rsp <- kernel_stack " +
                   hex(e.new_rsp());
        case EventKind::TifCheck: {
            uint32_t mask = e.tif_mask(), flags = e.tif_flags(), result = e.tif_result();
            return e.name + ": flags " + tif_names(flags) + " & " + tif_mask_name(mask) + " = " +
                   tif_names(result) + (result ? " -> work" : " -> none");
        }
        case EventKind::FrameState:
            return e.name + ": " + frame_change(e.name);
        case EventKind::HandlerReturn:
            return format("the handler returned %" PRId64 " (stored in pt_regs->ax)",
                          e.handler_return());
        case EventKind::Return:
            return e.name + " returned " + hex(e.return_value());
        case EventKind::Sysret:
            return "sysretq: rip <- rcx " + hex(e.sysret_rip()) + ", rflags <- r11 " +
                   hex(e.sysret_rflags()) + ", CS 0x33 SS 0x2b, CPL 3";
        case EventKind::Iret:
            return "iretq: rip " + hex(e.iret_rip()) + ", cs " + hex(e.iret_cs()) + ", rflags " +
                   hex(e.iret_rflags()) + ", rsp " + hex(e.iret_rsp()) + " from the stack, CPL " +
                   std::to_string(e.iret_cs() & 3);
        default:
            return e.name;
    }
}

size_t Trace::first_event_at_or_after(uint64_t step) const {
    return events.first_at_or_after(step);
}

void build_syscall_records(Trace& trace) {
    // Compared by handle: a long run has millions of labels and calls.
    static const Name kBadsys("badsys"), kIa32Badsys("ia32_badsys"), kNiSyscall("sys_ni_syscall");
    trace.syscalls.clear();
    // Each record's path as names while the events are read (the syscalls
    // of several tasks interleave), then one shared copy per distinct path.
    // Grown only as far as a syscall that has one: a summary run keeps
    // neither, and its records then cost no list per call.
    std::vector<std::vector<Name>> paths;
    std::vector<std::vector<TifCheckRecord>> checks;  // steps relative to the entry
    auto list_of = [](auto& lists, size_t k) -> auto& {
        if (lists.size() <= k) lists.resize(k + 1);
        return lists[k];
    };
    // Syscalls are numbered in the order their entries are made: the last
    // entry's says how many records there will be, so they are made once.
    for (size_t i = trace.events.size(); i-- > 0;) {
        const Event& e = trace.events[i];
        if (e.kind != EventKind::SyscallEntry || e.syscall < 0) continue;
        trace.syscalls.reserve(static_cast<size_t>(e.syscall) + 1);
        break;
    }
    for (size_t i = 0; i < trace.events.size(); i++) {
        const Event& e = trace.events[i];
        // The records keep steps and event indices in 40 bits: past them (a
        // run of 2^40 steps, never held in memory) the records stop.
        if (e.step + 1 >= SyscallRecord::kIndexLimit || i + 1 >= SyscallRecord::kIndexLimit) break;
        if (e.kind == EventKind::SyscallEntry) {
            if (e.syscall < 0) continue;
            if (trace.syscalls.size() <= static_cast<size_t>(e.syscall))
                trace.syscalls.resize(static_cast<size_t>(e.syscall) + 1);
            SyscallRecord& r = trace.syscalls[static_cast<size_t>(e.syscall)];
            r.nr = static_cast<int64_t>(e.syscall_nr());
            r.name = e.name;  // syscall_name(nr), or the 32-bit table's for int $0x80
            r.entry_step = e.step;
            r.user_rip = e.user_rip();
            r.user_rsp = e.user_rsp();
            r.first_event = i;
            r.end_event = i + 1;
            r.is_focus = e.syscall == trace.focus;
            continue;
        }
        if (e.syscall < 0 || static_cast<size_t>(e.syscall) >= trace.syscalls.size()) continue;
        const size_t k = static_cast<size_t>(e.syscall);
        SyscallRecord& r = trace.syscalls[k];
        r.end_event = i + 1;
        switch (e.kind) {
            case EventKind::Label:
                list_of(paths, k).push_back(e.name);
                if (e.name == kBadsys || e.name == kIa32Badsys) r.unimplemented = true;
                break;
            case EventKind::Call:
                if (e.from_entry) list_of(paths, k).push_back(e.name);
                if (e.name == kNiSyscall) r.unimplemented = true;
                break;
            case EventKind::TifCheck:
                list_of(checks, k).push_back({e.name, e.tif_mask(), e.tif_flags(), e.tif_result(),
                                              e.step - r.entry_step, e.tif_test_kind()});
                break;
            case EventKind::HandlerReturn:
                r.has_ret = true;
                r.ret = e.handler_return();
                break;
            case EventKind::Sysret:
                r.exit = ExitKind::Sysret;
                r.return_step = e.step + 1;
                if (!r.has_ret) {
                    r.has_ret = true;
                    r.ret = static_cast<int64_t>(e.sysret_rax());
                }
                break;
            case EventKind::Iret:
                if ((e.iret_cs() & 3) == 3) {
                    r.exit = ExitKind::Iret;
                    r.return_step = e.step + 1;
                }
                break;
            default:
                break;
        }
    }
    for (size_t k = 0; k < trace.syscalls.size(); k++) {
        if (k < paths.size()) trace.syscalls[k].path_id = intern_syscall_path(paths[k]);
        if (k < checks.size()) trace.syscalls[k].tif_checks_id = intern_tif_checks(checks[k]);
    }
    // Built once at the end of a run: no room kept for more.
    trace.syscalls.shrink_to_fit();
    // After a signal the syscall's own return site is reached later, by
    // rt_sigreturn's iret: that is where user mode gets its registers back.
    for (size_t k = 0; k < trace.syscalls.size(); k++) {
        SyscallRecord& r = trace.syscalls[k];
        if (r.exit != ExitKind::Iret || !r.return_step || r.return_step >= trace.steps.size())
            continue;
        if (trace.steps[r.return_step].rip == r.user_rip + 2) continue;
        for (uint64_t s = r.return_step; s < trace.steps.size(); s++)
            if (trace.steps[s].rip == r.user_rip + 2 && trace.steps[s].cpl == 3 &&
                trace.steps[s].rsp == r.user_rsp) {
                r.return_step = s;
                break;
            }
    }
    // Grown a call at a time: the slack goes back (a long run's figures
    // would count it; the records do not grow again).
    trace.syscalls.shrink_to_fit();
}

namespace {

// A signed difference as an unsigned number that is small when the
// difference is small either way.
uint64_t zigzag(uint64_t d) {
    return (d << 1) ^ static_cast<uint64_t>(static_cast<int64_t>(d) >> 63);
}
uint64_t unzigzag(uint64_t z) {
    return (z >> 1) ^ (~(z & 1) + 1);
}

// Reads a block's bytes.
struct ByteReader {
    const uint8_t* p;
    uint64_t taken = 0;
    uint8_t get() {
        taken++;
        return *p++;
    }
    uint64_t varint() {
        uint64_t v = 0;
        for (unsigned shift = 0;; shift += 7) {
            uint8_t b = get();
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
    }
};

}  // namespace

void StepStore::put(uint8_t byte) {
    open_.push_back(byte);
}

void StepStore::put_varint(uint64_t v) {
    while (v >= 0x80) {
        put(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    put(static_cast<uint8_t>(v));
}

void StepStore::push_back_slow(const StepRecord& r) {
    const Slot s{r.rip, r.rsp, r.cpl, r.syscall};
    const size_t b = size_ >> kBlockBits;
    if ((size_ & kBlockMask) == 0) {
        if (!heads_.empty()) seal_open_block();
        heads_.push_back({s, 0, 0, 0});
        open_decoded_ = false;
    } else {
        const uint64_t rip = s.rip - last_.rip, rsp = s.rsp - last_.rsp;
        const uint64_t rip_far = rip < 16 ? 0 : zigzag(rip);
        uint8_t first = static_cast<uint8_t>(rip < 16 ? rip : (kRipFar | (rip_far & 15)));
        const RspMove move = rsp == 0                 ? kRspSame
                             : rsp == uint64_t(0) - 8 ? kRspPush
                             : rsp == 8               ? kRspPop
                                                      : kRspFar;
        first |= static_cast<uint8_t>(move << kRspShift);
        if (s.cpl != last_.cpl) first |= kNewCpl;
        put(first);
        if (first & kNewCpl) put(s.cpl);
        if (first & kRipFar) put_varint(rip_far >> 4);
        if (move == kRspFar) put_varint(zigzag(rsp));
    }
    last_ = s;
    // A decoded block that is still being recorded grows with it.
    for (Decoded& d : decoded_)
        if (d.block == b) d.slots.push_back(s);
    if (syscall_changes_.empty() ? r.syscall != -1
                                 : change_index(syscall_changes_.back()) != r.syscall)
        syscall_changes_.push_back(change(size_, r.syscall));
    size_++;
}

// A full block is compressed (LZ4): a loop's steps repeat, and so do
// their bytes. Blocks follow each other in the chunks, none across two.
void StepStore::seal_open_block() {
    Head& h = heads_.back();
    const int raw = static_cast<int>(open_.size());
    const int bound = LZ4_compressBound(raw);
    if (chunks_.empty() || kChunkBytes - bytes_ % kChunkBytes < static_cast<uint64_t>(bound) ||
        bytes_ == chunks_.size() * kChunkBytes) {
        bytes_ = chunks_.size() * kChunkBytes;
        chunks_.emplace_back(kChunkBytes);
    }
    uint8_t* at = chunks_.back().data() + bytes_ % kChunkBytes;
    int stored = raw ? compress_lz4_block(reinterpret_cast<const char*>(open_.data()),
                                          reinterpret_cast<char*>(at), raw, bound)
                     : 0;
    if (stored <= 0 || stored >= raw) {  // kept as it is when that is no larger
        std::memcpy(at, open_.data(), static_cast<size_t>(raw));
        stored = raw;
    }
    h.offset = bytes_;
    h.stored = static_cast<uint32_t>(stored);
    h.raw = static_cast<uint32_t>(raw);
    bytes_ += static_cast<uint64_t>(stored);
    open_.clear();
}

// Block b's bytes: the open block's as they are, a sealed one's
// decompressed (into scratch_).
const uint8_t* StepStore::block_bytes(size_t b) const {
    if (b + 1 == heads_.size()) return open_.data();
    const Head& h = heads_[b];
    const uint8_t* at =
        chunks_[static_cast<size_t>(h.offset / kChunkBytes)].data() + h.offset % kChunkBytes;
    if (h.stored == h.raw) return at;
    scratch_.resize(h.raw);
    int n = LZ4_decompress_safe(reinterpret_cast<const char*>(at),
                                reinterpret_cast<char*>(scratch_.data()),
                                static_cast<int>(h.stored), static_cast<int>(h.raw));
    if (n != static_cast<int>(h.raw))
        throw std::logic_error("step records: block " + std::to_string(b) + " does not decompress");
    return scratch_.data();
}

uint64_t StepStore::walk(size_t b, size_t count, std::vector<Slot>* out, Slot& last) const {
    const Head& h = heads_[b];
    Slot s = h.first;
    Slot* o = nullptr;
    // The syscall index, from the changes: the last at or before each step.
    const size_t first_step = b << kBlockBits;
    size_t next_change = 0;
    if (out) {
        out->resize(count);
        o = out->data();
        next_change = static_cast<size_t>(
            std::upper_bound(syscall_changes_.begin(), syscall_changes_.end(), first_step,
                             [](uint64_t step, uint64_t c) { return step < change_step(c); }) -
            syscall_changes_.begin());
        s.syscall = next_change ? change_index(syscall_changes_[next_change - 1]) : -1;
        o[0] = s;
    }
    ByteReader in{block_bytes(b)};
    for (size_t i = 1; i < count; i++) {
        const uint8_t first = in.get();
        if (first & kNewCpl) s.cpl = in.get();
        if (first & kRipFar)
            s.rip += unzigzag((first & 15) | (in.varint() << 4));
        else
            s.rip += first & 15;
        switch ((first >> kRspShift) & 3) {
            case kRspPush:
                s.rsp -= 8;
                break;
            case kRspPop:
                s.rsp += 8;
                break;
            case kRspFar:
                s.rsp += unzigzag(in.varint());
                break;
            default:
                break;
        }
        if (o) {
            while (next_change < syscall_changes_.size() &&
                   change_step(syscall_changes_[next_change]) <= first_step + i)
                s.syscall = change_index(syscall_changes_[next_change++]);
            o[i] = s;
        }
    }
    last = s;
    return in.taken;
}

const StepStore::Decoded& StepStore::decode(size_t b) const {
    Decoded& d = decoded_[older_];
    older_ ^= 1;
    d.block = b;
    open_decoded_ =
        decoded_[0].block + 1 == heads_.size() || decoded_[1].block + 1 == heads_.size();
    d.slots.reserve(kBlockSize);  // a block still recorded grows into it
    Slot last;
    walk(b, std::min(kBlockSize, size_ - (b << kBlockBits)), &d.slots, last);
    return d;
}

void StepStore::resize(size_t smaller) {
    if (smaller >= size_) return;
    for (Decoded& d : decoded_) d.block = SIZE_MAX;
    open_decoded_ = false;
    while (!syscall_changes_.empty() && change_step(syscall_changes_.back()) >= smaller)
        syscall_changes_.pop_back();
    size_ = smaller;
    if (smaller == 0) {
        heads_.clear();
        chunks_.clear();
        open_.clear();
        bytes_ = 0;
        last_ = Slot{};
        return;
    }
    // The block of the last step kept is open again, up to the end of
    // that step's bytes; the blocks after it go.
    const size_t b = (smaller - 1) >> kBlockBits;
    if (b + 1 < heads_.size()) {
        const uint8_t* bytes = block_bytes(b);
        open_.assign(bytes, bytes + heads_[b].raw);
        bytes_ = heads_[b].offset;
        heads_.resize(b + 1);
        chunks_.resize(static_cast<size_t>((bytes_ + kChunkBytes - 1) / kChunkBytes));
    }
    open_.resize(static_cast<size_t>(walk(b, smaller - (b << kBlockBits), nullptr, last_)));
    last_.syscall = INT32_MIN;  // not known here: the next push checks the changes
    open_decoded_ = false;
}

size_t StepStore::bytes_held() const {
    size_t n = heads_.capacity() * sizeof(Head) +
               chunks_.capacity() * sizeof(decltype(chunks_)::value_type);
    for (const auto& c : chunks_) n += c.capacity();
    n += open_.capacity() + scratch_.capacity();
    for (const Decoded& d : decoded_) n += d.slots.capacity() * sizeof(Slot);
    return n + syscall_changes_.capacity() * sizeof(syscall_changes_[0]);
}

}  // namespace slowpath

namespace slowpath {

namespace {}  // namespace

// The interned names and texts are shared by every recording of the
// process: they are counted apart (Name::table_bytes()).
size_t events_bytes(const Trace& trace) {
    return trace.events.bytes_held();
}

void SyscallTally::add(const SyscallRecord& r) {
    calls++;
    errors += r.has_ret && r.ret < 0 && r.ret >= -4095;
    sysret += r.exit == ExitKind::Sysret;
    iret += r.exit == ExitKind::Iret;
    instructions += r.return_step > r.entry_step ? r.return_step - r.entry_step : 0;
}

void SyscallTally::add(const SyscallTally& t) {
    calls += t.calls;
    errors += t.errors;
    sysret += t.sysret;
    iret += t.iret;
    instructions += t.instructions;
}

std::vector<SyscallTally> syscall_tallies(const Trace& trace) {
    std::map<std::string, SyscallTally> by_name;
    auto of = [&](Name name) -> SyscallTally& {
        return by_name.try_emplace(name.str(), SyscallTally{name}).first->second;
    };
    for (const SyscallTally& t : trace.folded_tallies) of(t.name).add(t);
    for (const SyscallRecord& r : trace.syscalls) of(r.name).add(r);
    std::vector<SyscallTally> out;
    out.reserve(by_name.size());
    for (auto& [name, t] : by_name) out.push_back(t);
    return out;
}

// The records, and each interned path and TIF check list they use once.
// The lists are shared by every recording of the process: a list two
// recordings use is counted in both (an upper bound, as a recording alone
// would hold it).
size_t syscalls_bytes(const Trace& trace) {
    std::set<uint32_t> paths, checks;
    size_t n = trace.syscalls.capacity() * sizeof(SyscallRecord);
    for (const SyscallRecord& r : trace.syscalls) {
        if (paths.insert(r.path_id).second) n += syscall_path_bytes(r.path_id);
        if (checks.insert(r.tif_checks_id).second) n += tif_check_list_bytes(r.tif_checks_id);
    }
    return n;
}

}  // namespace slowpath
