// The event trace: what happened at which instruction, recorded while the
// machine runs. A step is one executed guest instruction; event.step is the
// number of instructions executed before the event (so the state at step N
// is the state just before the (N+1)th instruction).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slowpath/name.h"

namespace slowpath {

enum class EventKind : uint8_t {
    SyscallEntry,     // CPU: the SYSCALL instruction (a: nr, user rip, user rsp, rflags)
    Swapgs,           // swapgs executed (a: new GS base, new KERNEL_GS_BASE)
    StackSwitch,      // rsp moved to the kernel stack (a: old rsp, new rsp)
    Label,            // a label of the entry code was reached (name)
    Call,             // a C function was entered (name; a: rdi rsi rdx rcx; text names the params)
    Return,           // a C function returned (name; a0: rax; from_entry: to the entry code)
    TifCheck,         // a work check (name: where; a: mask, flags, result, note kind)
    FrameState,       // the pt_regs frame changed shape (name: SAVE_REST...; a0: valid-slot mask)
    Schedule,         // schedule() switched tasks (a: from pid, to pid)
    SignalDelivered,  // a signal frame was built (a: signo, frame address, handler)
    SignalReturn,     // rt_sigreturn restored a frame (a0: frame address)
    Audit,            // an audit record (a: kind 1 entry / 2 exit, nr, value)
    TracerStop,       // the simulated tracer saw a stop (a: kind, nr, value)
    TaskWork,         // queued task work ran
    Notifier,         // MCE, uprobe or user-return notifier ran (name)
    Tracepoint,       // a syscall tracepoint fired
    HandlerReturn,    // the syscall's handler returned; its value is in pt_regs->ax (a0)
    Inject,           // host: a flag was injected with its cause (name; a: bit, when)
    Edit,             // host: a register or pt_regs slot was changed (name; a: old, new)
    Sysret,           // CPU: sysretq (a: rip, rsp, rflags)
    Iret,             // CPU: iretq (a: rip, cs, rflags, rsp)
    Fault,            // CPU: an exception was delivered (a: vector, error code, cr2, rip)
    SysretCheck,  // modern era: one SYSRET check (name: what; a: check id, value, against, passed)
    Decision,     // the exit path committed to sysret (a0=1) or iret (a0=2); text says why
    Exit,         // the guest's last task exited (a0: exit code)
    Oops,         // the guest kernel hit an unexpected fault (a: vector, rip, cr2)
    Livelock,     // an exit check keeps looping without progress (name: flags)
    StepLimit,    // the run hit --max-steps
};

std::string_view event_kind_name(EventKind kind);  // "syscall-entry", "label", ...

// 56 bytes: the name and the text are interned (slowpath/name.h), the
// rest packed, so a recording of millions of events stays small.
struct Event {
    Event()
        : step(0),
          by_cpu(false),
          from_entry(false),
          text_id(0),
          syscall(-1),
          kind(EventKind::Label) {}
    uint64_t step : 38;     // 2^38 steps, far more than a recording can hold
    bool by_cpu : 1;        // performed by the host on the CPU's behalf
    bool from_entry : 1;    // Call/Return: called directly from the entry code
    uint64_t text_id : 24;  // read it with text(), set it with set_text()
    uint64_t rip = 0;       // where the guest was
    // The raw arguments: read them through the accessors below.
    std::array<uint64_t, 4> a{};
    Name name;             // label, function, flag list...
    int32_t syscall : 24;  // index into Trace::syscalls, -1 outside any syscall
    EventKind kind : 8;

    // The syscalls an event can name: past that a run stops (a step limit).
    static constexpr int32_t kMaxSyscalls = (1 << 23) - 1;

    // Set for rare kinds, and for calls (made from the arguments and the
    // callee's parameter names); use describe_event() for any event.
    std::string text() const;
    // A call's text is kept as "(" and its parameter names, comma-separated
    // (and "..." when it has more than four): text() puts the values in.
    void set_text(std::string_view text);

    // The arguments by what they mean, one group per kind (see EventKind).
    // Each accessor is valid only for the kind it names.
    // SyscallEntry
    uint64_t syscall_nr() const { return a[0]; }
    uint64_t user_rip() const { return a[1]; }  // address of the SYSCALL instruction
    uint64_t user_rsp() const { return a[2]; }
    uint64_t user_rflags() const { return a[3]; }
    // Swapgs
    uint64_t new_gs_base() const { return a[0]; }
    uint64_t new_kernel_gs_base() const { return a[1]; }
    // StackSwitch
    uint64_t old_rsp() const { return a[0]; }
    uint64_t new_rsp() const { return a[1]; }
    // Return: rax as the function left it (int or long)
    uint64_t return_value() const { return a[0]; }
    // TifCheck
    uint32_t tif_mask() const { return static_cast<uint32_t>(a[0]); }
    uint32_t tif_flags() const { return static_cast<uint32_t>(a[1]); }
    uint32_t tif_result() const { return static_cast<uint32_t>(a[2]); }
    // SP_NOTE_TIF_CHECK (mask in edi), SP_NOTE_TIF_BITTEST (bit test), SP_NOTE_TIF_MEMTEST
    uint32_t tif_test_kind() const { return static_cast<uint32_t>(a[3]); }
    // FrameState: the pt_regs slots that hold a value
    uint32_t frame_valid_mask() const { return static_cast<uint32_t>(a[0]); }
    // HandlerReturn: pt_regs->ax
    int64_t handler_return() const { return static_cast<int64_t>(a[0]); }
    // Sysret
    uint64_t sysret_rip() const { return a[0]; }
    uint64_t sysret_rsp() const { return a[1]; }
    uint64_t sysret_rflags() const { return a[2]; }
    uint64_t sysret_rax() const { return a[3]; }
    // Iret: the frame popped from the stack
    uint64_t iret_rip() const { return a[0]; }
    uint64_t iret_cs() const { return a[1]; }
    uint64_t iret_rflags() const { return a[2]; }
    uint64_t iret_rsp() const { return a[3]; }
    // SysretCheck: SP_SYSRET_CHECK_* id, the value tested, what it was tested against
    uint64_t sysret_check_id() const { return a[0]; }
    uint64_t check_value() const { return a[1]; }
    uint64_t check_against() const { return a[2]; }
    bool check_passed() const { return a[3] != 0; }
    // Decision: SP_DECISION_SYSRET or SP_DECISION_IRET
    uint64_t decision() const { return a[0]; }
    // Audit: 1 entry record, 2 exit record
    uint64_t audit_kind() const { return a[0]; }
};

static_assert(sizeof(void*) != 8 || sizeof(Event) == 56, "an event is 56 bytes on 64-bit hosts");

// The events of a run, encoded: a few bytes an event instead of an Event's
// 56. A run repeats itself (the same labels, calls and checks at every
// system call, at the same addresses, mostly with the same arguments), so
// each event is stored as what it changes: a header byte with its kind and
// flags, a byte saying which fields differ from their guess, the step as
// its distance from the event before, and only the fields that differ. The
// guess for the rip and the arguments is the last event of the same kind
// and name (a small table), else of the same kind; the name's guess is the
// last name of that kind. Events are cut in blocks of kBlockSize, each
// coded from a fresh guess table, so a read decodes one block at most; the
// last few blocks decoded are kept, so reading in order, backwards or back
// and forth within a syscall costs a table look-up. The open block (the
// newest events) is kept decoded. Reads give an Event by value.
//
// Like StepStore, reads fill the decoded blocks: a const EventStore is not
// safe to read from two threads at once.
class EventStore {
 public:
    class const_iterator {
     public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = Event;
        using difference_type = std::ptrdiff_t;
        using reference = Event;
        struct pointer {  // what -> reads: a copy
            Event e;
            const Event* operator->() const { return &e; }
        };
        const_iterator() = default;
        const_iterator(const EventStore* s, size_t i) : s_(s), i_(i) {}
        Event operator*() const { return (*s_)[i_]; }
        pointer operator->() const { return pointer{(*s_)[i_]}; }
        Event operator[](difference_type n) const { return (*s_)[i_ + static_cast<size_t>(n)]; }
        const_iterator& operator++() {
            i_++;
            return *this;
        }
        const_iterator operator++(int) {
            const_iterator t = *this;
            i_++;
            return t;
        }
        const_iterator& operator--() {
            i_--;
            return *this;
        }
        const_iterator operator--(int) {
            const_iterator t = *this;
            i_--;
            return t;
        }
        const_iterator& operator+=(difference_type n) {
            i_ += static_cast<size_t>(n);
            return *this;
        }
        const_iterator& operator-=(difference_type n) {
            i_ -= static_cast<size_t>(n);
            return *this;
        }
        friend const_iterator operator+(const_iterator a, difference_type n) { return a += n; }
        friend const_iterator operator-(const_iterator a, difference_type n) { return a -= n; }
        friend difference_type operator-(const_iterator a, const_iterator b) {
            return static_cast<difference_type>(a.i_) - static_cast<difference_type>(b.i_);
        }
        friend bool operator==(const_iterator a, const_iterator b) { return a.i_ == b.i_; }
        friend bool operator!=(const_iterator a, const_iterator b) { return a.i_ != b.i_; }
        friend bool operator<(const_iterator a, const_iterator b) { return a.i_ < b.i_; }
        size_t index() const { return i_; }

     private:
        const EventStore* s_ = nullptr;
        size_t i_ = 0;
    };

    size_t size() const { return sealed_ + open_.size(); }
    bool empty() const { return size() == 0; }
    // const: an event read is a copy, never a place to write to.
    const Event operator[](size_t i) const {
        if (i >= sealed_) return open_[i - sealed_];
        return block(i / kBlockSize)[i % kBlockSize];
    }
    const Event back() const { return (*this)[size() - 1]; }
    const_iterator begin() const { return const_iterator(this, 0); }
    const_iterator end() const { return const_iterator(this, size()); }

    void push_back(const Event& e);
    // The event pushed last, to finish it (it is still in the open block).
    Event& last_pushed() { return open_.back(); }
    // Drops the events from `smaller` on.
    void truncate(size_t smaller);
    void clear() { truncate(0); }
    // Index of the first event with step >= step (events are sorted by step).
    size_t first_at_or_after(uint64_t step) const;
    // Heap bytes held, for the figures.
    size_t bytes_held() const;

    static constexpr size_t kBlockSize = 256;

 private:
    struct Head {
        uint64_t first_step;
        uint32_t chunk, offset;  // where the block's bytes start
    };
    struct Decoded {
        size_t block = SIZE_MAX;
        std::vector<Event> events;
    };
    static constexpr size_t kChunkBytes = size_t(1) << 16;
    static constexpr size_t kCached = 4;

    const Event* block(size_t b) const {
        if (decoded_[last_hit_].block == b) return decoded_[last_hit_].events.data();
        for (unsigned k = 0; k < kCached; k++)
            if (decoded_[k].block == b) {
                last_hit_ = k;
                return decoded_[k].events.data();
            }
        return decode(b);
    }
    const Event* decode(size_t b) const;
    void seal();  // encodes the open block (full) into the byte stream

    std::vector<Head> heads_;
    std::vector<std::vector<uint8_t>> chunks_;
    size_t sealed_ = 0;        // events in encoded blocks
    std::vector<Event> open_;  // the newest events, up to kBlockSize
    size_t used_ = 0;          // bytes used in the last chunk
    mutable Decoded decoded_[kCached];
    mutable unsigned last_hit_ = 0, next_fill_ = 0;
};

// One readable line for an event. Frequent kinds (labels, checks, frame
// changes, swapgs...) are described from their fields on demand, so a long
// recording does not carry a string per event.
std::string describe_event(const Event& event);

enum class ExitKind : uint8_t { None, Sysret, Iret };
std::string_view exit_kind_name(ExitKind kind);  // "sysret", "iret", "none"

struct TifCheckRecord {
    Name where;  // label or function holding the check
    uint32_t mask = 0;
    uint32_t flags = 0;
    uint32_t result = 0;
    uint64_t step = 0;
    uint32_t kind =
        0;  // SP_NOTE_TIF_CHECK (mask in edi, flags from memory), _BITTEST (edx), _MEMTEST
};

// A syscall's TIF checks, read from a list interned for the whole process:
// the syscalls of a loop check the same flags with the same results at the
// same distance from their SYSCALL, so the list is kept once with steps
// relative to the entry and each record holds a 4-byte handle. Reads give
// records with absolute steps, by value.
class TifChecks {
 public:
    class iterator {
     public:
        using iterator_category = std::input_iterator_tag;  // yields copies
        using value_type = TifCheckRecord;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = TifCheckRecord;
        iterator(const TifChecks* v, size_t i) : v_(v), i_(i) {}
        TifCheckRecord operator*() const { return (*v_)[i_]; }
        iterator& operator++() {
            i_++;
            return *this;
        }
        iterator operator++(int) {
            iterator t = *this;
            i_++;
            return t;
        }
        difference_type operator-(const iterator& o) const {
            return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
        }
        bool operator==(const iterator& o) const { return i_ == o.i_; }
        bool operator!=(const iterator& o) const { return i_ != o.i_; }

     private:
        const TifChecks* v_;
        size_t i_;
    };

    TifChecks() = default;
    TifChecks(const TifCheckRecord* relative, size_t n, uint64_t base)
        : data_(relative), n_(n), base_(base) {}
    size_t size() const { return n_; }
    bool empty() const { return n_ == 0; }
    TifCheckRecord operator[](size_t i) const {
        TifCheckRecord r = data_[i];
        r.step += base_;
        return r;
    }
    TifCheckRecord front() const { return (*this)[0]; }
    TifCheckRecord back() const { return (*this)[n_ - 1]; }
    iterator begin() const { return iterator(this, 0); }
    iterator end() const { return iterator(this, n_); }

 private:
    const TifCheckRecord* data_ = nullptr;
    size_t n_ = 0;
    uint64_t base_ = 0;
};

// Interned lists (process-wide, never freed, read with no lock). 0 is the
// empty list; past 2^24 distinct lists (never seen: a program's syscalls
// take a few paths) a new list is not kept and reads as empty. intern_tif_checks takes steps
// relative to the entry.
uint32_t intern_syscall_path(const std::vector<Name>& path);
const std::vector<std::string>& syscall_path(uint32_t id);
uint32_t intern_tif_checks(const std::vector<TifCheckRecord>& relative);
const std::vector<TifCheckRecord>& tif_check_list(uint32_t id);
// What one interned list holds on the heap (for syscalls_bytes).
size_t syscall_path_bytes(uint32_t id);
size_t tif_check_list_bytes(uint32_t id);

// One system call from its SYSCALL instruction to its return to ring 3.
// 72 bytes: the path and the TIF checks, which a loop's syscalls share, are
// handles into interned lists, and the steps and event indices take 40 bits
// each (2^40 steps or events would need terabytes of step and event
// records; build_syscall_records checks they fit). The bit-fields read and
// assign as integers and bools; take a copy where a reference is needed.
struct SyscallRecord {
    SyscallRecord()
        : entry_step(0),
          exit(ExitKind::None),
          has_ret(false),
          is_focus(false),
          unimplemented(false),
          return_step(0),
          path_id(0),
          first_event(0),
          tif_checks_id(0),
          end_event(0) {}

    static constexpr unsigned kIndexBits = 40;
    static constexpr uint64_t kIndexLimit = uint64_t(1) << kIndexBits;
    static constexpr unsigned kListBits = 24;  // handles of the interned lists

    // rax at the SYSCALL, all of it: v3.13 and the RFC compare the whole
    // register with the table's size (a number past 2^32 is badsys there),
    // where today's kernel takes its low 32 bits.
    int64_t nr = -1;
    Name name;
    int64_t ret = 0;        // the handler's return value (pt_regs->ax), what user mode gets back
    uint64_t user_rip = 0;  // address of the SYSCALL instruction
    uint64_t user_rsp = 0;  // user rsp at the SYSCALL

    // The entry-code labels and the C functions they called, in order.
    const std::vector<std::string>& path() const { return syscall_path(path_id); }
    // The TIF checks made on the way, in order, with absolute steps.
    TifChecks tif_checks() const {
        const std::vector<TifCheckRecord>& l = tif_check_list(tif_checks_id);
        return TifChecks(l.data(), l.size(), entry_step);
    }

    uint64_t entry_step : kIndexBits;  // the step of the SYSCALL instruction
    ExitKind exit : 8;
    bool has_ret : 1;
    bool is_focus : 1;
    // The kernel has no handler for the number: sys_ni_syscall (or, past the
    // table, badsys) answered -ENOSYS.
    bool unimplemented : 1;
    uint64_t return_step : kIndexBits;   // the first step back in ring 3 (0 if none)
    uint64_t path_id : kListBits;        // intern_syscall_path: build_syscall_records sets it
    uint64_t first_event : kIndexBits;   // [first, end) in Trace::events
    uint64_t tif_checks_id : kListBits;  // intern_tif_checks, steps relative to entry_step
    uint64_t end_event : kIndexBits;
};
static_assert(sizeof(SyscallRecord) == 72, "a syscall record is kept in 72 bytes");

// Syscall records counted per name, as `run --summary` (like strace -c)
// shows them: calls, errors (a return of -4095 to -1), how each returned to
// user mode, and the guest instructions from each SYSCALL to the first step
// back in ring 3 (of the calls that returned).
struct SyscallTally {
    Name name;
    uint64_t calls = 0, errors = 0, sysret = 0, iret = 0, instructions = 0;
    void add(const SyscallRecord& r);
    void add(const SyscallTally& t);
};

enum class Outcome : uint8_t { Running, Exited, Livelock, Fault, StepLimit };
std::string_view outcome_name(Outcome outcome);  // "exited", "livelock", "fault", "step-limit"
std::string signal_name(unsigned sig);           // "SIGTERM", past the classic 15 "signal 40"

struct StepRecord {  // what was about to execute at step N
    uint64_t rip = 0;
    uint64_t rsp = 0;
    uint8_t cpl = 0;
    int32_t syscall = -1;
};

// The step records of a run, encoded: about a byte and a half a step
// instead of a StepRecord's 24. Consecutive steps mostly move rip by an
// instruction's length and leave rsp alone or move it by 8, so each step is
// stored as its change from the one before: one byte when rip moved by less
// than 16 and rsp by 0 or +-8, more bytes after a jump, an rsp load or a cpl
// change. Any 64-bit rip and rsp fits (a difference is taken modulo 2^64).
// The steps are cut in blocks of kBlockSize that start with a step kept
// whole, so a read decodes one block at most; the last two blocks decoded
// are kept, so reading in order or back and forth between two places (a
// step and the steps after it) costs a table look-up. The syscall index
// changes only at entries and returns: it is kept as a list of changes,
// looked up once a block is decoded, not at every read. A full block is
// compressed (LZ4): a loop's steps repeat and so do their bytes, so a
// getpid loop's steps take about a quarter of a byte each. Storage grows in
// fixed chunks, so recording never copies what it already holds. Reads give
// a StepRecord by value.
//
// Reads fill the decoded blocks: a const StepStore is not safe to read from
// two threads at once (each session, and so each trace, is used by one
// thread at a time: the scenario table runs a session per worker, the GUI
// hands its Model over once built).
class StepStore {
 public:
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    StepRecord operator[](size_t step) const {
        const Slot& s = block(step >> kBlockBits).slots[step & kBlockMask];
        StepRecord r;
        r.rip = s.rip;
        r.rsp = s.rsp;
        r.cpl = s.cpl;
        r.syscall = s.syscall;
        return r;
    }
    // Inline for the common step (the next instruction or a short jump,
    // rsp the same or one push or pop away, nothing else changed): one byte.
    void push_back(const StepRecord& r) {
        const uint64_t rip = r.rip - last_.rip, rsp = r.rsp - last_.rsp;
        if ((size_ & kBlockMask) == 0 || rip >= 16 || r.cpl != last_.cpl ||
            r.syscall != last_.syscall || open_decoded_ ||
            (rsp != 0 && rsp != uint64_t(0) - 8 && rsp != 8)) {
            push_back_slow(r);
            return;
        }
        const uint8_t move = rsp == 0 ? kRspSame : rsp == 8 ? kRspPop : kRspPush;
        open_.push_back(static_cast<uint8_t>(rip | move << kRspShift));
        last_.rip = r.rip;
        last_.rsp = r.rsp;
        size_++;
    }
    void resize(size_t smaller);  // only shrinks: drops the steps from `smaller` on
    // Heap bytes held, for the figures.
    size_t bytes_held() const;

 private:
    struct Slot {  // one step, decoded (the syscall only in a decoded block)
        uint64_t rip = 0, rsp = 0;
        uint8_t cpl = 0;
        int32_t syscall = -1;
    };
    struct Head {  // a block's first step, kept whole
        Slot first;
        uint64_t offset;  // a sealed block: where its bytes start in the chunks
        uint32_t stored;  // their size there (== raw: not compressed)
        uint32_t raw;     // their size decompressed
    };
    struct Decoded {
        size_t block = SIZE_MAX;
        std::vector<Slot> slots;
    };
    static constexpr unsigned kBlockBits = 10;
    static constexpr size_t kBlockSize = size_t(1) << kBlockBits, kBlockMask = kBlockSize - 1;
    static constexpr size_t kChunkBytes = size_t(1) << 16;

    const Decoded& block(size_t b) const {
        // The other one is the older then (a miss overwrites it).
        if (decoded_[0].block == b) {
            older_ = 1;
            return decoded_[0];
        }
        if (decoded_[1].block == b) {
            older_ = 0;
            return decoded_[1];
        }
        return decode(b);
    }
    // A step's first byte: the low four bits are rip's move when it is 0..15
    // (else kRipFar, the low four bits of its zigzag, the rest in a varint
    // after); two bits say what rsp did; kNewCpl says a new cpl byte
    // follows. After the byte, in order: the cpl, rip's varint, rsp's varint.
    static constexpr uint8_t kRipFar = 0x40, kNewCpl = 0x80;
    static constexpr unsigned kRspShift = 4;
    enum RspMove : uint8_t { kRspSame = 0, kRspPush = 1, kRspPop = 2, kRspFar = 3 };
    void push_back_slow(const StepRecord& r);
    const Decoded& decode(size_t b) const;  // into the block decoded longer ago
    // Walks block b's first `count` steps, into `out` when given; gives the
    // offset in the block's bytes after them and leaves the last one in `last`.
    uint64_t walk(size_t b, size_t count, std::vector<Slot>* out, Slot& last) const;
    void put(uint8_t byte);
    void put_varint(uint64_t v);
    void seal_open_block();
    const uint8_t* block_bytes(size_t b) const;

    std::vector<Head> heads_;
    // The sealed blocks' bytes, compressed, in chunks of kChunkBytes filled
    // up to bytes_; the last block's, as they come, in open_.
    std::vector<std::vector<uint8_t>> chunks_;
    uint64_t bytes_ = 0;
    std::vector<uint8_t> open_;
    mutable std::vector<uint8_t> scratch_;  // a sealed block decompressed
    size_t size_ = 0;
    Slot last_;  // the last step pushed: the next is stored as its change from it
    // Where the syscall index changes, sorted: the first step in the high 40
    // bits, the new index + 1 in the low 24 (an event's syscall has 24 bits).
    std::vector<uint64_t> syscall_changes_;
    static uint64_t change(uint64_t step, int32_t syscall) {
        return step << 24 | static_cast<uint32_t>(syscall + 1);
    }
    static uint64_t change_step(uint64_t c) { return c >> 24; }
    static int32_t change_index(uint64_t c) { return static_cast<int32_t>(c & 0xffffff) - 1; }
    mutable Decoded decoded_[2];
    // One of decoded_ is the open block: it grows as steps are pushed.
    mutable bool open_decoded_ = false;
    mutable unsigned older_ = 0;  // which of decoded_ to fill next
};

struct Trace {
    EventStore events;  // sorted by step
    StepStore steps;    // steps[N] = state before instruction N; size = last step + 1
    std::vector<SyscallRecord> syscalls;
    int focus = -1;  // index of the focus syscall, -1 if it never ran
    Outcome outcome = Outcome::Running;
    int exit_code = 0;
    unsigned killed_by = 0;  // the signal that killed the last task (0: it exited, or no end yet)
    std::string outcome_detail;  // livelock flag names, fault description, ...
    std::string console;         // everything the guest wrote, at the end of the run
    // A user program's own streams (the host I/O device), kept apart.
    bool host_io = false;
    // A summary run followed by blocks that had to be made again instruction by
    // instruction: why (empty when the blocks did it all).
    std::string summary_fallback;
    // A summary run that folds its records (run_summary's fold_every): the
    // first `folded` syscalls' records, counted per name and dropped, so
    // its memory does not grow with the run; syscalls[0] is syscall #folded.
    std::vector<SyscallTally> folded_tallies;
    uint64_t folded = 0;
    std::string program_stdout, program_stderr;

    uint64_t last_step() const { return steps.empty() ? 0 : steps.size() - 1; }
    // Index of the first event with event.step >= step.
    size_t first_event_at_or_after(uint64_t step) const;
};

// The heap a recording holds, by part, from the containers' capacities
// (what they allocated, not just what they use): the figures of
// `slowpath-cli run --memory-split` and the bench.
struct RecordingBytes {
    size_t events = 0;         // Trace::events and the strings they hold
    size_t steps = 0;          // Trace::steps
    size_t syscalls = 0;       // Trace::syscalls, their paths and checks
    size_t page_versions = 0;  // pages changed between checkpoints, a copy per checkpoint
    size_t base_pages = 0;     // each page written as it was at step 0
    size_t checkpoints = 0;    // CPU contexts and host state, one per checkpoint interval
    size_t other = 0;          // the console, host I/O answers, per-address caches...
    size_t total() const {
        return events + steps + syscalls + page_versions + base_pages + checkpoints + other;
    }
};
// The parts of a recording the trace itself holds (events, syscalls).
size_t events_bytes(const Trace& trace);
size_t syscalls_bytes(const Trace& trace);
// A summary run's counts per name, in name order: its folded tallies
// (Trace::folded_tallies) and the records it kept, together.
std::vector<SyscallTally> syscall_tallies(const Trace& trace);

// The Decision event of syscall k (sysret or iret chosen), or none when that
// syscall never reached it.
std::optional<Event> decision_event(const Trace& trace, int syscall);
// Why a decision went the way it did: the reason the decision banner, the
// report's "why" and a walkthrough's `why` expectation all show.
std::string decision_why(const Event& decision);
// The same for syscall k; "" when it has not decided.
std::string decision_why(const Trace& trace, int syscall);

}  // namespace slowpath
