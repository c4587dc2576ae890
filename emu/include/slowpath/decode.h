// Decoders: guest memory turned into the things a person wants to see.
// They read the machine; they never change it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slowpath/trace.h"

namespace slowpath {

class Machine;

// ---- pt_regs ---------------------------------------------------------------
enum class SlotState : uint8_t {
    Valid,     // holds this syscall's value
    NotSaved,  // not written on this path yet (partial frame, rest not saved)
    Unfixed,   // a top-of-stack slot not yet filled by FIXUP_TOP_OF_STACK
};
std::string_view slot_state_name(SlotState state);

struct PtRegsSlot {
    std::string_view name;  // "r15" ... "ss"
    int offset = 0;         // from the frame base
    uint64_t addr = 0;
    uint64_t value = 0;
    SlotState state = SlotState::NotSaved;
};

struct PtRegsView {
    bool present = false;           // false in user mode before the first syscall frame exists
    uint64_t base = 0;              // address of r15 (frame base)
    uint32_t valid_mask = 0;        // bit i = slot i
    std::vector<PtRegsSlot> slots;  // 21 slots in memory order (r15 first)
};

// Slot names in pt_regs order and their offsets.
const std::vector<std::string_view>& pt_regs_slot_names();
int pt_regs_slot_index(std::string_view name);  // -1 if unknown
// Other names of slots: the kernel's struct pt_regs fields ("di", "orig_ax",
// "ip", "flags", "sp"...) and "rflags"; alias first, slot second.
const std::vector<std::pair<std::string_view, std::string_view>>& pt_regs_slot_aliases();
uint32_t valid_mask_partial_frame();  // args, orig_rax, rip
uint32_t valid_mask_rest();           // r15..rbx
uint32_t valid_mask_top_of_stack();   // rcx cs eflags rsp ss
uint32_t valid_mask_full();

PtRegsView decode_pt_regs(const Machine& m, uint64_t base, uint32_t valid_mask);

// ---- kernel stack ----------------------------------------------------------
enum class StackWordKind : uint8_t {
    PtRegs,         // a pt_regs slot
    ReturnAddress,  // pushed by a call: points just after a call instruction
    SavedFramePointer,
    Data,        // anything else between rsp and the frame
    ThreadInfo,  // the thread_info at the stack base
};

struct StackWord {
    uint64_t addr = 0;
    uint64_t value = 0;
    StackWordKind kind = StackWordKind::Data;
    std::string label;  // "pt_regs.rip", "return to sysret_careful+0x1d", "saved rbp"
    SlotState state = SlotState::Valid;  // for pt_regs slots
};

struct StackFrameInfo {
    std::string function;        // "do_signal", "pt_regs", "entry code"
    uint64_t low = 0, high = 0;  // [low, high)
};

struct KernelStackView {
    bool present = false;
    bool in_use = false;                 // the CPU's rsp is on this stack (false in user mode)
    uint64_t stack_base = 0;             // lowest address (thread_info lives here)
    uint64_t stack_top = 0;              // highest address + 1
    uint64_t rsp = 0;                    // the CPU's rsp if it is on this stack, else 0
    uint64_t frame_base = 0;             // pt_regs base
    std::vector<StackWord> words;        // from min(rsp, frame_base) up to stack_top, lowest first
    std::vector<StackFrameInfo> frames;  // innermost first (frame_kernel_stack); pt_regs last
};

KernelStackView decode_kernel_stack(const Machine& m, uint32_t valid_mask);

// ---- frames by name ------------------------------------------------------------
// What a lesson (and the stack panel) can name on the kernel stack at a step:
// the system call's pt_regs, the CPU's frame of each exception being handled
// (innermost first), and the frame of each C function that has been called
// and not returned. Found from the trace (faults, irets, calls, returns up to
// the step) and read from the machine, which must be at that step.
struct NamedFrame {
    enum class Kind : uint8_t { PtRegs, Exception, Function };
    Kind kind = Kind::Function;
    std::string name;     // "pt_regs", "exception_frame", or the C function ("do_page_fault")
    uint64_t addr = 0;    // Exception: the saved rip's slot; Function: the return address's slot
    uint64_t vector = 0;  // Exception: the vector (14 for #PF)
    struct Field {
        std::string_view name;  // exception: "rip"... "error_code"; function: "return_address"...
        uint64_t addr = 0;
        uint64_t value = 0;  // error_code: as the CPU pushed it, not what the slot holds now
    };
    std::vector<Field> fields;
    const Field* field(std::string_view name) const;  // nullptr if the frame lacks it
};
// The fields an exception frame has (error_code only for vectors that push one)
// and those of a C function's frame (saved_rbp once its prologue pushed it).
const std::vector<std::string_view>& exception_frame_fields();
const std::vector<std::string_view>& function_frame_fields();

// The innermost exception being handled at `step`: delivered before it and
// not yet left by the iretq that pops its frame. Empty if there is none.
std::optional<NamedFrame> exception_frame_at(const Machine& m, const Trace& trace, uint64_t step);
// Every C function on the current kernel stack at `step`, innermost first.
std::vector<NamedFrame> function_frames_at(const Machine& m, const Trace& trace, uint64_t step);
// All of them, lowest address (innermost) first: C functions and exception
// frames interleaved as they lie on the stack, then pt_regs (if present).
std::vector<NamedFrame> named_frames_at(const Machine& m, const Trace& trace, uint64_t step,
                                        const PtRegsView& pt_regs);
// The frames of the stack view, from `frames` (named_frames_at at the
// machine's step), innermost first: each exception frame (its words named
// "exception frame: rip"...), the C functions' frames as the trace names
// them, what entry code pushed between them under the name of that code,
// and pt_regs last. One naming: the stack panel heads what a lesson names.
void frame_kernel_stack(const Machine& m, KernelStackView& view,
                        const std::vector<NamedFrame>& frames);

// ---- user stack and signal frames -------------------------------------------
struct UserStackView {
    uint64_t rsp = 0;
    std::vector<StackWord> words;  // from rsp upwards (a bounded window)
    bool has_sigframe = false;
    uint64_t sigframe = 0;  // address of struct rt_sigframe
    int signo = 0;
    struct Field {
        std::string name;  // "pretcode", "uc.uc_mcontext.rip", "info.si_signo"
        uint64_t addr = 0;
        int size = 8;
        uint64_t value = 0;
    };
    std::vector<Field> sigframe_fields;
};

UserStackView decode_user_stack(const Machine& m, uint64_t user_rsp, size_t max_words = 48);
std::vector<UserStackView::Field> decode_sigframe(const Machine& m, uint64_t frame);

// ---- thread_info flags -------------------------------------------------------
struct TifView {
    bool present = false;
    uint64_t thread_info = 0;
    uint32_t flags = 0;
    struct Bit {
        int bit;
        std::string_view name;
        bool set;
    };
    std::vector<Bit> bits;  // every known flag, by bit number
    // The modern era's second word, thread_info->syscall_work (SYSCALL_WORK_*):
    // the work only the system-call path looks at. 0 in the older eras.
    uint64_t syscall_work = 0;
    std::vector<Bit> work_bits;  // every SYSCALL_WORK_ bit, by bit number
};

TifView decode_tif(const Machine& m);

// ---- the modern era's SYSRET checks -------------------------------------------
// do_syscall_64() allows SYSRET only if six checks on pt_regs pass, made in
// this order; the first that fails returns false (leave by IRET). The guest
// notes each check (SP_NOTE_SYSRET_CHECK) with the two values it compares;
// the engine records them as SysretCheck events.
enum class SysretTest : uint8_t {
    Equal,   // value == against
    Below,   // value < against
    NoBits,  // (value & against) == 0
};

struct SysretCheckInfo {
    uint32_t id;            // SP_SYSRET_CHECK_*
    std::string_view name;  // "rcx == rip"
    SysretTest test;
    std::string_view value_slot;  // the pt_regs slot tested: "rcx"
    std::string_view against;     // what it is tested against: a slot ("rip") or a constant's name
    uint64_t against_value;       // the constant (0 when `against` is a slot)
    std::string_view why;         // one line: why SYSRET needs it
};
const std::vector<SysretCheckInfo>& sysret_checks();  // in do_syscall_64()'s order
const SysretCheckInfo* sysret_check_info(uint32_t id);
bool sysret_check_passes(SysretTest test, uint64_t value, uint64_t against);
std::string_view sysret_test_op(SysretTest test);  // " == ", " < ", " & "

// The checks of one system call as far as a step: those made, with the
// values do_syscall_64() compared, and those not (yet) made, with what
// pt_regs holds now.
struct SysretCheckRow {
    const SysretCheckInfo* info = nullptr;
    bool made = false;
    uint64_t value = 0, against = 0;
    bool passed = false;  // made: the result; not made: what pt_regs would give now
    uint64_t step = 0;    // of the check (made only)
};
struct SysretChecksView {
    bool present = false;  // the system call's era makes these checks (any was made in its run)
    std::vector<SysretCheckRow> rows;  // all six, in order
    int made = 0;
    int first_failed = -1;  // index into rows, -1 if none failed so far
};
// `syscall`: index into trace.syscalls; `step`: the step shown; `regs`:
// pt_regs at that step (for the checks not made).
SysretChecksView sysret_checks_at(const Trace& trace, int syscall, uint64_t step,
                                  const PtRegsView& regs);

// ---- the guest kernel's bookkeeping (struct sp_kernel_state) --------------------
struct KernelStateView {
    bool present = false;
    unsigned halt_reason = 0;
    int exit_code = 0;
    unsigned killed_by = 0;
    std::string console;
    bool audit_enabled = false;
    struct Audit {
        unsigned kind, nr;
        int64_t value;
        bool success;
    };
    std::vector<Audit> audit;
    bool tracer_attached = false;
    struct TracerStop {
        unsigned kind, nr;
        int64_t value;
    };
    std::vector<TracerStop> tracer_stops;
    struct Switch {
        unsigned from, to;
    };
    std::vector<Switch> switches;
    unsigned task_work_queued = 0, task_work_runs = 0;
    unsigned mce_notify_runs = 0, uprobe_runs = 0, user_return_notifier_runs = 0;
    unsigned signals_delivered = 0, tracepoint_hits = 0;
    uint64_t sigframe_addr = 0;
    unsigned sigframe_signo = 0;
    uint64_t pending_signals = 0, blocked_signals = 0;
    uint64_t oops_vector = 0, oops_rip = 0, oops_cr2 = 0;
};

KernelStateView decode_kernel_state(const Machine& m);

}  // namespace slowpath
