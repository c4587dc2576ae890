// The engine: a Unicorn machine running the guest, recording what it does,
// and able to go back to any recorded step.
//
// Unicorn (2.0.1, and 2.1.1 still) leaves three things of system code to us, and the engine
// does each exactly as the CPU would, marking them as CPU work in the trace:
// the SYSCALL instruction (a hook only), the change of privilege level it
// makes, and exception delivery through the guest's IDT. Everything else is
// guest instructions at the right CPL: swapgs, sysretq and iretq included.
#pragma once
#include <slowpath/abi.h>
#include <unicorn/unicorn.h>

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cpu_context.h"
#include "host_files.h"
#include "page_guard.h"
#include "slowpath/machine.h"
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {

// A change applied on arrival at a step: an injection or an edit.
struct Action {
    uint64_t step = 0;
    bool is_edit = false;
    int bit = 0;
    InjectWhen origin = InjectWhen::Now;
    std::string target;  // edits
    uint64_t value = 0;
    uint64_t mask = ~uint64_t(0);  // the bits of a pt_regs slot the edit may change
    bool tamper = false;           // made by the tracer at the syscall-exit stop
};

// What the engine knows about one guest address (filled lazily).
struct AddrInfo {
    const Symbol* label = nullptr;     // a label of the entry code starting here
    Name label_name;                   // its name, interned once
    const Symbol* function = nullptr;  // a C function starting here
    std::vector<Note> notes;
    enum Insn : uint8_t { Other, Swapgs, Sysret, Iret, Hlt, Syscall, PortIo } insn = Other;
};

// What the hooks need to know of a C function, worked out once per
// function: its name interned, its parameter list as a Call event shows it,
// and what its return makes (the event kinds on_function_return adds).
struct FunctionFacts {
    enum class Role : uint8_t {
        Plain,
        ContextSwitch,
        SetupRtFrame,
        Audit,
        PtraceReport,
        TaskWork,
        Notifier,
        Tracepoint,
        RtSigreturn
    };
    Name name;
    std::string params;  // "(a,b,c)"
    Role role = Role::Plain;
    bool modern_path = false;  // one of the modern era's path functions (era_symbols.h)
};

struct CallFrame {
    uint64_t return_addr = 0;
    uint64_t rsp_after = 0;  // rsp once the callee has returned
    const Symbol* function = nullptr;
    bool from_entry = false;
};

struct LoopCounter {
    uint32_t mask = 0, flags = 0, count = 0;
};

// What the host follows per user task: its system call in progress and its
// kernel call stack. A task switched out keeps them here until it runs again.
struct TaskHostState {
    int syscall = -1;
    uint32_t frame_valid = 0;
    std::vector<CallFrame> calls;
};

// Host-side state, saved in every checkpoint with the CPU and memory.
struct HostState {
    uint64_t step = 0;
    int cpl = 0;
    int syscall = -1;  // index of the syscall in progress
    int syscalls = 0;  // syscalls started so far
    int focus = -1;
    uint32_t frame_valid = 0;
    std::vector<CallFrame> calls;
    // Per check address, this exit: a few, looked up at every TIF check, and
    // cleared at every entry and exit without giving their room back.
    std::vector<std::pair<uint64_t, LoopCounter>> loops;
    bool entry_fired = false, exit_fired = false, tamper_fired = false;
    uint32_t audit_records = 0;  // audit records already shown as events
    uint64_t io_answers = 0;     // host I/O requests answered so far (the log's cursor)
    uint64_t stdin_pos = 0;      // bytes of the host's stdin the guest has read
    // The kernel stack (its base) of the user task whose state is above, and
    // the other tasks' (fork, clone), by theirs.
    uint64_t task_stack = 0;
    std::map<uint64_t, TaskHostState> other_tasks;
    // The step at which the timer interrupt is next due (UINT64_MAX: no tick).
    uint64_t next_tick = UINT64_MAX;
    // The debug unit (engine_debug.cpp): DR6 B0-B3 bits of data breakpoints
    // hit by the instruction that ran last, their #DB not yet raised, and
    // whether that instruction was MOV SS (the trap waits one more).
    uint32_t debug_pending = 0;
    bool debug_shadow = false;
};

// One answer of the host I/O device, kept so that a re-execution gets it
// again instead of doing the I/O again.
struct IoAnswer {
    uint64_t step = 0;
    abi::sp_hostio_request request{};  // as the guest asked
    std::string input;                 // the bytes it passed (written data, a path)
    abi::sp_hostio_request reply{};    // as the host left it
    std::string data;                  // the bytes the host wrote to reply.buf
};

// Rebuilds Trace::syscalls from Trace::events.
void build_syscall_records(Trace& trace);

// A replay's own checkpoint between two of the recording's, kept while the
// shown step is near it, so that a step back replays a short way: the CPU
// context (uc_context_save's image, as is), the host state, and every page
// that differs from the checkpoint it was replayed from (`base`).
struct NearCheckpoint {
    static constexpr uint64_t kUnused = UINT64_MAX;
    uint64_t made = 0;  // the order it was taken in; 0: unused
    uint64_t step = kUnused;
    size_t base = 0;
    std::vector<uint8_t> cpu;
    HostState host;
    std::vector<std::pair<uint64_t, std::vector<uint8_t>>> pages;
};

struct Checkpoint {
    uint64_t step = 0;
    // The CPU context image (uc_context_save's), LZ4-compressed: most of it
    // (vector registers, caches of descriptors not in use) is zeros.
    std::vector<uint8_t> cpu;
    HostState host;
};

class Engine : public Machine {
 public:
    // A checkpoint every this many steps: a seek replays at most this many
    // (about 0.3 ms); the checkpoints cost under 0.1 bytes a step.
    static constexpr uint64_t kCheckpointInterval = 8192;
    // A replay keeps a near checkpoint every this many steps (the last
    // kNearKept of them): a step back replays at most this many.
    static constexpr uint64_t kNearInterval = 512;
    static constexpr size_t kNearKept = 24;
    // Thinning to the memory budget (Scenario::memory_budget) keeps this
    // many checkpoints at each end of the run (the start, and the steps
    // just recorded) and spaces the rest no wider than kWidestSpacing
    // steps, which bounds a seek's replay (under 10 ms: a seek anywhere in a
    // thinned run of 500M steps took 31 ms at 2^20).
    static constexpr size_t kKeptAtEachEnd = 8;
    static constexpr uint64_t kWidestSpacing = uint64_t(1) << 18;
    // The budget is checked every this many checkpoints taken, or every
    // 1/64 of those held when that is more.
    static constexpr size_t kBudgetCheckEvery = 16;
    struct Options {
        bool trace = true;  // false: no per-instruction hooks (speed runs)
        // With trace: the syscall records only (`run --summary`), no events
        // but the outcome's, no steps, checkpoints or page versions, so
        // nothing can be replayed.
        bool summary = false;
        // With summary: follow the run block by block (engine_blocks.cpp),
        // with hooks only at the instructions the summary reads. Where that
        // cannot be exact the engine says so (block_fallback()) and the
        // summary is made again instruction by instruction.
        bool blocks = false;
        // With summary: fold the records whenever this many are held (0: never).
        size_t fold_every = 0;
    };
    Engine(const Scenario& scenario, Options options);
    ~Engine() override;

    // Machine
    CpuState cpu() const override;
    bool read(uint64_t addr, void* out, size_t size) const override;
    const GuestImage& kernel() const override { return *kernel_; }
    const GuestImage& user() const override { return *user_; }

    const Trace& trace() const { return trace_; }
    Trace take_trace() { return std::move(trace_); }
    const HostState& host() const { return host_; }
    uint64_t step() const { return host_.step; }
    bool finished() const { return trace_.outcome != Outcome::Running; }
    // Re-running recorded steps (a seek), as against recording or a run with no trace.
    bool replaying() const { return !recording_ && options_.trace; }
    bool halted() const { return !replaying() && finished(); }

    // Steps (ascending) at which recording stops and calls `probe` on
    // arrival, after that step's actions: the state as it was recorded, to
    // compare with the same step reached again by re-execution.
    void set_probes(std::vector<uint64_t> steps, std::function<void(const Engine&)> probe) {
        probe_steps_ = std::move(steps);
        probe_ = std::move(probe);
        next_probe_ = 0;
    }
    // Record from the frontier until the run ends.
    void record_to_end();
    // Record from the frontier in whole checkpoint intervals until `steps`
    // more are recorded, `deadline` has passed or the run ends. A run that
    // goes on pauses on arrival at a checkpoint, before that step's actions:
    // the checkpoint is the frontier's whole state, so the machine may be
    // moved anywhere (seek) and the next call restores it and goes on as
    // record_to_end would have. Returns true while the run goes on.
    bool record_more(uint64_t steps, std::chrono::steady_clock::time_point deadline);
    // Ends a paused recording at its frontier, as a step limit with `detail`.
    void stop_recording(const std::string& detail);
    // Bumped whenever Trace::syscalls and Trace::focus are rebuilt for a
    // recording still going on (they are cheap to read, not to rebuild).
    uint64_t records_revision() const { return records_revision_; }
    // Move to a recorded step (restore a checkpoint, replay).
    void seek(uint64_t step);
    // Add an action at the current step and record the future again: to
    // the end, or (`first_steps` set) that many steps on, as record_more.
    void add_action_now(Action action, std::optional<uint64_t> first_steps = std::nullopt);

    uint64_t pt_regs_base() const;  // the current task's frame base
    uint64_t symbol(const char* name) const;
    // What a user program wrote to fd 1 or 2 (0: both, in order) up to now.
    std::string program_output(int fd) const;
    bool uses_host_io() const { return files_ != nullptr; }

    // Speed runs: run to the end with no trace; returns the outcome.
    void run_untraced();

    // The heap the recording holds, by part.
    RecordingBytes recording_bytes() const;
    size_t checkpoint_count() const { return checkpoints_.size(); }
    uint64_t checkpoint_step(size_t index) const { return checkpoints_.at(index).step; }
    // What the memory budget is held to (held_bytes(false)).
    size_t budget_bytes() const { return held_bytes(false).total(); }

    // A block-level summary run that met something it cannot follow
    // exactly (why), or empty. The run's trace is then not to be used.
    const std::string& block_fallback() const { return block_fallback_; }
    // Hands a summary run's host I/O answers to the run made again, so
    // nothing is read or written twice.
    void adopt_host_io(Engine& from);

 private:
    enum class StopReason : uint8_t { None, Target, Action, Fault, Limit, Halt };

    void load_and_boot(const Scenario& scenario);
    void map_ram();  // ram_, given to Unicorn as the guest's RAM (engine_ram.cpp)
    void install_hooks();
    void run_until(uint64_t target, bool apply_at_target);
    bool run_slice(uint64_t target);
    void run_probes();  // probe_ at the probe steps reached (recording)
    bool emulate(uc_err* err);
    void finish_on_error(uc_err err);  // one uc_emu_start; false when the machine cannot go on
    void apply_actions_at(uint64_t step);
    void apply_action(const Action& action);
    void inject(int bit);
    void edit(const std::string& target, uint64_t value, uint64_t mask = ~uint64_t(0));
    struct PendingFault;
    void deliver_fault(const PendingFault& fault, int depth = 0);
    void begin_compat_syscall(uint64_t rip, uint64_t rsp, uint64_t rflags);
    Name running_syscall_name(long nr) const;  // by the compat table during int $0x80
    // A syscall's name by number, interned once (compat: the 32-bit table).
    Name syscall_name_of(long nr, bool compat) const;
    mutable std::unordered_map<long, Name> syscall_names_[2];
    // The numbers below 512 by index (a name's id + 1, 0: not looked up
    // yet): two look-ups a call, no hashing.
    mutable std::array<std::array<uint32_t, 512>, 2> syscall_name_ids_{};
    void finish(Outcome outcome, const std::string& detail);
    void check_halt();

    // hooks
    static void on_code(uc_engine* uc, uint64_t addr, uint32_t size, void* self);
    static void on_syscall(uc_engine* uc, void* self);
    static void on_sysenter(uc_engine* uc, void* self);
    static uint32_t on_port_in(uc_engine* uc, uint32_t port, int size, void* self);
    static void on_port_out(uc_engine* uc, uint32_t port, int size, uint32_t value, void* self);
    static void on_intr(uc_engine* uc, uint32_t intno, void* self);
    static bool on_invalid(uc_engine* uc, void* self);
    static bool on_unmapped(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                            void* self);
    bool guest_maps(uint64_t addr);  // walks the guest's page tables
    bool take_unmapped_as_fault();
    bool timer_tick_due();          // true: a timer interrupt is pending, the run stops for it
    int user_tasks_that_can_run();  // running, runnable or asleep until a time
    static void on_write(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void* self);
    static void on_first_write(void* self, uint64_t page);  // PageGuard's
    [[gnu::always_inline]] inline void process(uint64_t addr, const AddrInfo& info);
    void follow_task_stack(uint64_t rsp);  // switch_task_state when rsp is another task's
    void switch_task_state(uint64_t stack_base);
    // The facts of the instruction at addr, learnt on its first run: a
    // table per code page in front of the map (this runs at every
    // instruction of a recording).
    AddrInfo& info_at(uint64_t addr, uint32_t size) {
        if (addr < SP_RAM_SIZE)
            if (const auto& page = info_pages_[addr / SP_PAGE_SIZE])
                if (AddrInfo* known = (*page)[addr % SP_PAGE_SIZE]) return *known;
        return learn_info_at(addr, size);
    }
    AddrInfo& learn_info_at(uint64_t addr, uint32_t size);
    void emit(EventKind kind, uint64_t rip, Name name, std::array<uint64_t, 4> a,
              std::string_view text, bool by_cpu = false, uint64_t step_override = UINT64_MAX);
    void on_note(const Note& note, uint64_t addr);
    bool frame_note(const Note& note);
    static const char* frame_macro(uint32_t kind);
    void on_function_entry(const Symbol& fn, uint64_t addr, uint64_t rsp);
    const FunctionFacts& facts_of(const Symbol& fn);
    void on_function_return(const CallFrame& frame, uint64_t addr);
    void on_tif_check(const Note& note, uint64_t addr, uint32_t mask, uint32_t flags,
                      uint32_t result);
    void on_exit_instruction(AddrInfo::Insn insn, uint64_t addr, uint64_t rsp);
    bool at_syscall_exit_stop_return(uint64_t addr) const;

    // The CPU model's own checks (engine_cpu.cpp, cpu_model.h).
    bool check_port_io(uint64_t addr);  // true: the CPU refuses it, a #GP is pending
    void raise_in_hook(uint32_t vector, uint64_t rip, std::string cause);
    bool code_is_64bit();  // CS is a 64-bit code segment (not compatibility mode)
    bool gate_code_segment_ok(uint16_t selector, std::string* why) const;
    void model_fixups(PendingFault& f);             // where Unicorn raises another exception
    void apply_user_flags_request(bool user_mode);  // after an injection (engine_cpu.cpp)
    void untraced_port_io(uint32_t port, unsigned size);
    // The debug unit for ring 3 (engine_debug.cpp).
    bool sync_debug_unit();
    static void on_watch(uc_engine* uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void* self);
    bool is_mov_ss(uint64_t addr) const;
    bool debug_check(uint64_t addr);
    void debug_on_exception(uint32_t vector, bool software, bool trap);
    uint64_t software_insn_rip(uint64_t next_rip) const;
    // The host I/O device (engine_hostio.cpp).
    void host_io_request(uint32_t addr);
    IoAnswer perform_io(const abi::sp_hostio_request& request, const std::string& input);
    std::string decision_reason(bool sysret) const;
    static std::string unsafe_sysret_note(uint64_t user_rip);

    // memory and checkpoints
    void mark_dirty(uint64_t addr, uint64_t size);
    void mark_page_dirty(uint64_t page);
    void mark_page_clean(uint64_t page);  // as of the checkpoint just taken or restored
    void keep_base_page(uint64_t page);   // its contents at step 0, on first sight
    void mark_changed_tables(size_t index);
    void take_checkpoint();
    // After a checkpoint: thins old checkpoints while the recording holds
    // more than its budget; false (the run finished) when none can go.
    bool keep_to_memory_budget();
    bool thin_checkpoints();  // one pass; false when none can go
    // recording_bytes(); without `syscall_lists` (for the budget), a record
    // per syscall started, built or not, but not the paths and check lists
    // they share, which would cost a set insert per record at every check.
    RecordingBytes held_bytes(bool syscall_lists) const;
    void find_table_pages();
    size_t checkpoint_at_or_before(uint64_t step) const;
    void restore_checkpoint(size_t index);
    void reserve_near_checkpoints();
    void take_near_checkpoint();
    void forget_near_checkpoints();  // the recording changed after them
    // The latest near checkpoint in [from, target] made from checkpoint
    // `base`, or null.
    const NearCheckpoint* near_checkpoint(size_t base, uint64_t from, uint64_t target) const;
    void restore_near_checkpoint(const NearCheckpoint& near);
    const std::vector<uint8_t>& page_at(uint64_t page, size_t index) const;
    const std::vector<uint8_t>* last_kept_page(uint64_t page) const;
    void mark_changed_between(size_t a, size_t b);
    void write_guest(uint64_t addr, const void* data, size_t size);
    void truncate_after(uint64_t step);

    uint64_t reg(int id) const;
    void set_reg(int id, uint64_t value);

    void return_to_frontier();         // a paused recording: restore its last checkpoint
    void publish_records(bool force);  // Trace::syscalls of a paused recording

    Scenario scenario_;
    Options options_;
    // A paused recording's syscall records: when last built, and what that cost.
    size_t records_events_ = SIZE_MAX;
    std::chrono::steady_clock::time_point records_built_{};
    std::chrono::steady_clock::duration records_cost_{};
    uint64_t records_revision_ = 0;
    std::unique_ptr<GuestImage> kernel_, user_;
    uc_engine* uc_ = nullptr;
    // The guest's RAM (outlives uc_: ~Engine closes uc_ first); started in a
    // recording, where it finds the pages written.
    std::unique_ptr<PageGuard> ram_;
    std::unique_ptr<CpuContext> ctx_;
    HostState host_;
    Trace trace_;
    std::vector<Action> actions_;  // sorted by step
    bool recording_ = false;
    uint64_t stop_target_ = UINT64_MAX;
    StopReason stop_reason_ = StopReason::None;
    uint64_t next_action_step_ = UINT64_MAX;
    std::vector<uint64_t> probe_steps_;
    std::function<void(const Engine&)> probe_;
    size_t next_probe_ = 0;                     // index into probe_steps_
    uint64_t actions_applied_at_ = UINT64_MAX;  // actions of this step already applied
    bool halt_next_ = false;  // stop on arrival at the next instruction (livelock)
    Outcome halt_outcome_ = Outcome::Running;
    std::string halt_detail_;
    uint32_t livelock_flags_ = 0;
    bool injecting_ = false;
    bool injection_failed_ = false;
    uint64_t inject_steps_ = 0;
    struct PendingFault {
        bool pending = false;
        uint32_t vector = 0;
        uint32_t error = 0;
        uint64_t rip = 0;
        uint64_t cr2 = 0;
        bool software = false;  // INT n / INT3: gate DPL checked, next_rip pushed
        bool trap = false;      // INT1 (icebp): next_rip pushed, no DPL check
        uint64_t next_rip = 0;
        uint64_t insn_rip = 0;  // INT n / INT3: the instruction's own address (0: rip)
        bool has_error = false;
        std::string cause;  // why the CPU raised it, when the engine did
    } fault_;
    struct Unmapped {
        bool pending = false;
        uint64_t addr = 0;
        uint32_t error = 0;  // #PF error code bits: write, user, fetch
        uint64_t rip = 0;
    } unmapped_;

    std::unordered_map<uint64_t, AddrInfo> addr_info_;
    std::unordered_map<const Symbol*, FunctionFacts> function_facts_;
    std::vector<std::unique_ptr<std::array<AddrInfo*, SP_PAGE_SIZE>>> info_pages_ =
        std::vector<std::unique_ptr<std::array<AddrInfo*, SP_PAGE_SIZE>>>(SP_RAM_SIZE /
                                                                          SP_PAGE_SIZE);
    std::map<uint64_t, std::vector<Note>> notes_by_addr_;
    std::pair<uint64_t, uint64_t> entry_text_{0, 0};
    // A summary run keeps no steps and makes no events: its syscall
    // records are built as it runs (summary_entry, summary_handler_return,
    // summary_exit), as build_syscall_records would make them from the
    // events, and where a syscall interrupted by a signal is back in user
    // mode, which that reads from the steps, is followed as it runs
    // (summary_step_after_exit).
    void summary_step_after_exit(uint64_t addr, uint64_t rsp);
    void summary_entry(int syscall, long nr, Name name, uint64_t rip, uint64_t rsp);
    void summary_handler_return(int syscall, int64_t value);
    void summary_exit(int syscall, ExitKind exit);  // the kernel's sysretq or iretq to ring 3
    void finish_summary_records();                  // at the run's end
    SyscallRecord* summary_record(int syscall) {
        const uint64_t at = static_cast<uint64_t>(syscall) - trace_.folded;
        return syscall >= 0 && static_cast<uint64_t>(syscall) >= trace_.folded &&
                       at < trace_.syscalls.size()
                   ? &trace_.syscalls[at]
                   : nullptr;
    }
    // Counts the records at the front that can no longer change into
    // Trace::folded_tallies and drops them (Options::fold_every).
    void fold_summary_records();
    bool summary_record_settled(int syscall) const;
    struct SummaryReturn {
        int syscall = -1;
        uint64_t rip = 0, rsp = 0;  // the user rip after SYSCALL, and the user rsp
    };
    int summary_exited_ = -1;  // the syscall an iretq to ring 3 just ended
    std::vector<SummaryReturn> summary_waiting_;
    std::vector<std::pair<int, uint64_t>> summary_returns_;  // syscall, step back at its rip
    // [first, second): the user tasks' kernel stacks (task_stacks[1..]).
    std::pair<uint64_t, uint64_t> user_task_stacks_{0, 0};
    std::pair<uint64_t, uint64_t> kernel_text_{0, 0};
    uint64_t focus_user_addr_ = 0;
    uint64_t inject_fn_ = 0, inject_stack_ = 0, inject_return_ = 0, machine_halt_ = 0;
    uint64_t sp_state_ = 0, sp_percpu_ = 0;
    uint64_t syscall_insn_rip_ = 0;  // RIP of the syscall in flight (hook)

    // Time travel: checkpoints every kCheckpointInterval steps; page
    // versions are stored per checkpoint for the pages written since the
    // one before that differ from their last version; base_pages_ holds each
    // page as it was at step 0.
    std::vector<Checkpoint> checkpoints_;
    size_t checkpoints_unchecked_ = 0;  // taken since the memory budget was checked
    std::vector<NearCheckpoint> near_;  // kNearKept once reserved
    uint64_t near_made_ = 0;
    uc_context* context_scratch_ = nullptr;  // a checkpoint's context, decompressed
    std::vector<uint8_t> dirty_since_;       // per page: written since the last checkpoint
    std::vector<uint64_t> dirty_list_;
    // RAM holds checkpoint mem_origin_'s pages but for those in dirty_list_.
    size_t mem_origin_ = 0;
    std::vector<uint64_t> table_pages_;  // page-table pages seen at checkpoints, sorted
    std::vector<uint8_t> is_table_ = std::vector<uint8_t>(SP_RAM_SIZE / SP_PAGE_SIZE);
    std::unordered_map<uint64_t, std::vector<uint8_t>> base_pages_;
    // page -> (checkpoint index, contents), ascending by index
    std::unordered_map<uint64_t, std::vector<std::pair<size_t, std::vector<uint8_t>>>> versions_;

    std::unique_ptr<HostFiles> files_;  // set when a user program runs
    std::vector<IoAnswer> io_log_;
    std::string stdin_bytes_;  // everything read from the host's stdin so far
    bool stdin_eof_ = false;

    uc_hook hooks_[9] = {};

    // Block-level summary runs (engine_blocks.cpp). A block is one of
    // Unicorn's translated blocks: the engine counts its instructions from
    // a decoding kept per address, and hooks single instructions only where
    // the summary reads the machine (BlockInfo::points).
    struct BlockInfo {
        uint64_t addr = 0;
        uint32_t size = 0;
        std::vector<uint16_t> offsets;  // of each instruction, ascending
        std::vector<uint8_t> if_ops;    // per instruction: 0, or kCli/kSti/kPopf
        bool instrumented = false;      // its points have hooks
        int sysenter = -1;              // the index of a SYSENTER in it (its hook sees no RIP)
        uint32_t count() const { return static_cast<uint32_t>(offsets.size()); }
        // The index of the instruction at addr (count(): the block's end), or -1.
        int index_of(uint64_t a) const;
    };
    static void on_block(uc_engine* uc, uint64_t addr, uint32_t size, void* self);
    // The rest of on_block, out of line so that its common case stays short.
    __attribute__((noinline)) void on_block_slow(uint64_t addr, uint32_t size);
    static void on_point(uc_engine* uc, uint64_t addr, uint32_t size, void* self);
    BlockInfo* block_at(uint64_t addr, uint32_t size);
    BlockInfo* decoded_block_at(uint64_t addr, uint32_t size);  // block_at without its cache
    bool instrument(
        BlockInfo& block);  // true: hooks were added, the block must be translated again
    bool needs_exact(const BlockInfo& block);  // a stop may fall inside it
    void settle_block(uint64_t insn_addr, bool executed);
    void block_stop(bool retranslate);
    void give_up_blocks(const std::string& why);
    void forget_user_blocks();
    void block_emulation_ended();
    bool blocks_ = false;  // this run follows blocks
    std::string block_fallback_;
    std::vector<std::unique_ptr<std::array<BlockInfo*, SP_PAGE_SIZE>>> kernel_blocks_ =
        std::vector<std::unique_ptr<std::array<BlockInfo*, SP_PAGE_SIZE>>>(SP_RAM_SIZE /
                                                                           SP_PAGE_SIZE);
    std::vector<std::unique_ptr<BlockInfo>> kernel_block_store_;
    std::unordered_map<uint64_t, BlockInfo> user_blocks_;
    std::array<BlockInfo*, 1024> block_cache_{};  // by address: blocks met lately (block_at)
    static size_t block_cache_slot(uint64_t addr) { return (addr ^ (addr >> 12)) % 1024; }
    BlockInfo* block_ = nullptr;  // the block running
    uint64_t block_step_ = 0;     // the step of its first instruction
    bool block_cut_ = true;       // the step is settled: the block did not run to its end
    uint64_t point_done_step_ = UINT64_MAX;  // the last instruction on_point processed
    uint64_t skip_point_step_ = UINT64_MAX;  // processed, run again after a stop: skip it once
    std::unordered_map<uint64_t, uc_hook> point_hooks_;
    uc_hook exact_hook_ = 0;  // every instruction of one block, while a stop may fall inside it
    std::pair<uint64_t, uint64_t> exact_range_{0, 0};
    std::pair<uint64_t, uint64_t> pending_exact_{0, 0};  // to hook once emulation stops
    std::pair<uint64_t, uint64_t> retranslate_{0, 0};    // to translate again once it stops
    uint64_t switch_mm_ = 0;  // switch_mm(): user code at an address may change there
    size_t capstone_ = 0;     // the disassembler (csh) that counts a block's instructions
    bool exact_drop_due_ = false;
    uint64_t block_resume_ = 0;
    uint64_t tick_assumed_at_ =
        UINT64_MAX;  // the step of a tick check made ahead (needs_exact)  // where a run stopped in
                     // a block hook resumes  // the exact hook is no longer needed

    // The debug registers armed for ring 3 (the enabled ones; the rest 0),
    // with the hooks that watch their data ranges.
    struct DebugRegs {
        uint64_t dr[4] = {0, 0, 0, 0};
        uint64_t dr7 = 0;
    } debug_regs_;
    std::vector<uc_hook> debug_hooks_;
    bool debug_exec_ = false;      // an instruction breakpoint is armed
    bool debug_sync_due_ = false;  // back in user mode: read sp_state's debug registers again
    uint64_t insn_addr_ = 0;       // the instruction on_code last let run
    int debug_fields_ = -1;        // sp_state has user_dr and user_dr7 (-1: not looked up yet)
};

}  // namespace slowpath
