// A scenario run in the machine, recorded, and replayable at any step.
//
// Creating a Session loads the guest, boots it and runs the whole scenario
// to its end (exit, livelock, fault or step limit), recording the trace and
// periodic checkpoints. Moving around (step, step back, next label, seek)
// restores the nearest checkpoint and replays, so every step is the real
// machine state, backwards as well as forwards. Changing the scenario at the
// current step (inject now, edit a register) drops the recorded future and
// runs it again from here.
//
// A long run can be recorded a slice at a time instead (RecordInSlices, for
// the app): the constructor records a first part, record_more goes on from
// where the recording stopped, and everything here works on what has been
// recorded so far. A move to something not recorded yet (the next label, the
// decision) records on until it is found, for a bounded time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "slowpath/decode.h"
#include "slowpath/era.h"
#include "slowpath/machine.h"
#include "slowpath/trace.h"

namespace slowpath {

enum class InjectWhen : uint8_t {
    Entry,  // just before the focus syscall's SYSCALL instruction
    Exit,   // after the focus syscall's handler returned, before the exit checks
    Now,    // at a given step (Injection::step)
};
std::string_view inject_when_name(InjectWhen when);

struct Injection {
    int bit = 0;  // TIF bit
    InjectWhen when = InjectWhen::Exit;
    uint64_t step = 0;  // for Now
};
// "SIGPENDING@exit", "tif_need_resched@entry": throws std::invalid_argument
// with a one-line reason for an unknown flag or time.
Injection parse_injection(std::string_view text);
std::string injection_text(const Injection& injection);  // "SIGPENDING@exit"

// A change to the machine state made at a step, as a tracer or a teacher would.
struct Edit {
    uint64_t step = 0;
    std::string target;  // "rax".."r15", "rip", "rflags", or "pt_regs.<slot>" (e.g. "pt_regs.rip")
    uint64_t value = 0;
};

// A tracer stopped at the focus syscall's exit (the syscall-exit stop of
// PTRACE_SYSCALL) rewrites one pt_regs slot, as PTRACE_SETREGS would, after
// the handler returned and before the exit decides between sysret and iret.
struct Tamper {
    std::string slot;  // a pt_regs slot name: rax rcx r11 rip rsp eflags cs ss
    uint64_t value = 0;
};
// "rip=0x800000000000": the slot names above, a value in the one number
// syntax (decimal or 0x hex). cs and ss take what ptrace's putreg takes: a
// 16-bit selector with RPL 3 (anything else gets -EIO from the kernel).
// Throws std::invalid_argument with a one-line reason.
Tamper parse_tamper(std::string_view text);
std::string tamper_text(const Tamper& tamper);  // "rip=0x800000000000"
const std::vector<std::string_view>& tamper_slots();
// The eflags bits a tracer may change (ptrace.c FLAG_MASK); the others
// (IF, IOPL...) keep the task's values.
constexpr uint64_t kPtraceFlagMask = 0x54dd5;  // CF PF AF ZF SF TF DF OF NT RF AC

// How the demo sets up SIGUSR1 before its focus syscall.
enum class SignalAction : uint8_t {
    Handler,  // rt_sigaction: a handler (the default)
    Ignore,   // rt_sigaction: SIG_IGN, so a SIGUSR1 sent is dropped at once
    Block,    // a handler, then rt_sigprocmask(SIG_BLOCK): SIGUSR1 stays pending
};
std::string_view signal_action_name(SignalAction action);
std::optional<SignalAction> parse_signal_action(std::string_view text);

// --memory's value, in the CLI and the app: a size as parse_byte_size reads
// it, at least kLeastMemoryBudget; nullopt otherwise, with
// memory_budget_error(text) the one line that says so.
std::optional<uint64_t> parse_memory_budget(std::string_view text);
std::string memory_budget_error(std::string_view text);

constexpr uint64_t kDefaultMemoryBudget = uint64_t(1) << 30;
// The smallest budget: a recording's fixed part (the pages as at step 0,
// the per-address facts) takes a few MiB.
constexpr uint64_t kLeastMemoryBudget = uint64_t(16) << 20;

struct Scenario {
    Era era = Era::V3_13;
    long syscall_nr = 39;      // getpid
    bool bad_pointer = false;  // the demo passes an unmapped user pointer (write, rt_sigaction...)
    std::vector<Injection> injections;
    std::vector<Edit> edits;
    std::vector<Tamper> tampers;  // non-empty: a tracer (SYSCALL_TRACE@entry) is implied
    SignalAction signal_action = SignalAction::Handler;
    uint64_t max_steps = 2'000'000;
    // The bytes a recording may hold (--memory). Past them its oldest
    // checkpoints are thinned (a seek there replays further); when no more
    // can go, the run stops as a step limit.
    uint64_t memory_budget = kDefaultMemoryBudget;
    unsigned livelock_bound = 32;  // same check, same flags, this many times in one exit
    unsigned demo_repeat = 0;  // > 0: the demo just makes the syscall this many times (speed runs)
    std::string user_program;  // path of a static x86-64 ELF; empty: the built-in demo
    std::vector<std::string> user_args;  // argv[1..] for a user program
    // A user program's files and streams (the host I/O device):
    std::string root_dir;        // the guest's read-only `/`; empty: only /dev/null, /dev/zero
    int stdin_fd = -1;           // host descriptor read(0) reads; -1: an empty stdin
    bool stream_output = false;  // also write the program's stdout/stderr to ours as it runs
    std::vector<std::string> user_env;  // the program's environment, NAME=VALUE; empty by default
    bool vdso = true;  // map a vDSO into the program (false: Linux's vdso=0, no AT_SYSINFO_EHDR)
    // >= 0: the focus syscall (the one injections at entry and exit, and
    // tampers, apply to) is the run's syscall #focus_index, counted from 0 in
    // the order they were made; -1: the first one numbered syscall_nr (for
    // the demo, the one at its focus_syscall label).
    int focus_index = -1;
};

class SessionImpl;

// How a session records when it is asked to record in slices.
struct RecordInSlices {
    uint64_t first_steps = 65'536;  // recorded by the constructor (whole checkpoint intervals)
    // How long a move may record on looking for what it goes to.
    double search_seconds = 2.0;
};

class Session {
 public:
    // Throws LoadError for missing or broken guest images.
    explicit Session(Scenario scenario);
    // Boots and records only the first slices.first_steps steps or so.
    Session(Scenario scenario, RecordInSlices slices);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const Scenario& scenario() const;
    const Trace& trace() const;
    const Machine& machine() const;  // the machine at step()

    uint64_t step() const;
    uint64_t last_step() const { return trace().last_step(); }
    void seek(uint64_t step);  // clamped to [0, last_step]

    // Navigation. Each moves the machine and returns the new step; when there
    // is nowhere to go it stays and returns the current step.
    uint64_t step_forward(uint64_t count = 1);
    uint64_t step_back(uint64_t count = 1);
    uint64_t step_over();   // a call runs to its return; otherwise one step
    uint64_t step_out();    // run until the current C function returns
    uint64_t next_label();  // the next Label event
    uint64_t prev_label();
    uint64_t next_event();  // the next event of any kind at a later step
    uint64_t prev_event();
    uint64_t run_to_decision();  // the next Decision event (sysret or iret chosen)
    uint64_t run_to_ring3();     // the next step that runs at CPL 3 after ring 0
    uint64_t run_to_end();
    // Next time a label of the entry code is reached, or a C function is entered.
    std::optional<uint64_t> run_to_label(std::string_view label);
    std::optional<uint64_t> run_to_event(EventKind kind);  // next event of that kind
    std::optional<uint64_t> run_to_event(EventKind kind, std::string_view name);
    // The step of the focus syscall's SYSCALL instruction, if it ran.
    std::optional<uint64_t> focus_entry_step() const;
    std::optional<uint64_t> run_to_address(uint64_t addr);  // next time rip == addr

    // Change the future from the current step, then run it again.
    void inject_now(int tif_bit);
    void edit_now(const std::string& target, uint64_t value);  // throws std::invalid_argument

    // Decoded views of the machine at step().
    uint32_t frame_valid_mask() const;  // bit i: pt_regs slot i holds a value for this frame
    PtRegsView pt_regs() const;
    KernelStackView kernel_stack() const;
    UserStackView user_stack() const;
    TifView tif() const;
    KernelStateView kernel_state() const;
    std::string console() const;  // what the guest has written so far
    // A user program's stdout (fd 1) or stderr (fd 2) up to step().
    std::string program_output(int fd) const;
    int current_syscall() const;  // index into trace().syscalls, -1 in user mode
    std::string where() const;    // "sysret_check+0x7 (entry_64.S:412)"

    // Changes since the previous step (registers and pt_regs slots that differ).
    CpuState previous_cpu() const;

    // The heap the recording holds, by part (trace, checkpoints, page versions...).
    RecordingBytes recording_bytes() const;
    // The total the memory budget (Scenario::memory_budget) is held to: the
    // same but for the shared path and check lists the syscall records use,
    // which are costly to count in a long run.
    size_t budget_bytes() const;

    // Recording in slices. The run's end (trace().outcome) is known once
    // finished; before that trace() holds the steps and events so far, and
    // its syscall records are rebuilt now and then (recording_revision).
    bool recording_finished() const { return trace().outcome != Outcome::Running; }
    uint64_t recorded_steps() const { return trace().steps.size(); }
    // Records on for `max_steps` steps or `max_seconds`, whichever comes
    // first (at least one checkpoint interval); the current step stays.
    // Returns true while the run goes on.
    bool record_more(uint64_t max_steps, double max_seconds);
    // Ends the recording where it is, as a step limit saying `why`.
    void stop_recording(const std::string& why);
    // Changes when the trace's syscall records may have changed.
    uint64_t recording_revision() const;

 private:
    std::optional<uint64_t> first_steps() const;  // recording in slices: the first slice
    std::unique_ptr<SessionImpl> impl_;
};

// Runs a scenario to the end with no trace, for speed measurements.
// Returns the number of guest instructions run (0 when not counted).
struct UntracedResult {
    Outcome outcome = Outcome::Running;
    int exit_code = 0;
    std::string console;
};
UntracedResult run_untraced(const Scenario& scenario);

// Runs a scenario to the end keeping no steps, checkpoints or page versions
// (nothing to replay) and only the events a syscall record's name, number,
// return value, exit kind, entry_step and return_step are read from: those
// are a Session's, at a fraction of the cost (the records' path, TIF checks
// and unimplemented mark are left empty).
// The scenario must have no injections, edits or tampers (throws
// std::invalid_argument): those are changes a recording makes at its steps.
// With `fold_every` > 0, whenever that many records are held, those of the
// syscalls that can no longer change (returned to user mode, no return
// awaited) are counted into Trace::folded_tallies and dropped.
Trace run_summary(const Scenario& scenario, size_t fold_every = 0);
// What `run --summary` folds at: it then holds about this many records (72
// bytes each) whatever the run's length.
constexpr size_t kSummaryFoldEvery = 65'536;

}  // namespace slowpath
