// Walkthroughs: a scripted lesson that is also a test (see docs/walkthroughs.md).
//
// A walkthrough file (YAML) names a title, the era or eras it runs in, the
// demo program's syscall, and a list of steps: set up the scenario, move the
// machine, say something, point at a panel, ask a question, expect a state,
// take a screenshot. load_walkthrough() checks the whole file before anything
// runs and reports every problem as "file:line:column: reason". A WalkRunner
// then plays one era's steps against a Session, one step at a time, so the
// command line and the GUI run the very same lesson.
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
#include "slowpath/session.h"
#include "slowpath/trace.h"

namespace slowpath {

// ---- names a walkthrough may use ---------------------------------------------

// Panel ids the GUI highlights for `point: {panel: ...}`.
const std::vector<std::string_view>& walkthrough_panels();
// Registers an expectation or a point may name ("rax".."r15", "rip", "rflags", "cs"...).
const std::vector<std::string_view>& walkthrough_registers();

// ---- problems in a file --------------------------------------------------------

struct Diagnostic {
    std::string file;
    int line = 0;    // 1-based; 0 when the file could not be read at all
    int column = 0;  // 1-based
    std::string message;
    std::string text() const;  // "file:line:column: message"
};

// Thrown by load_walkthrough with every problem found in the file, in order.
class WalkthroughError : public std::runtime_error {
 public:
    explicit WalkthroughError(std::vector<Diagnostic> diagnostics);
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
    std::vector<Diagnostic> diagnostics_;
};

// ---- the parsed file -------------------------------------------------------------

enum class StepKind : uint8_t { Setup, Move, Say, Point, Ask, Expect, Shoot, Compare, View };
std::string_view step_kind_name(StepKind kind);  // "setup", "move", ...

struct SetupStep {
    bool restart = false;  // back to the header's program first (drops earlier injections)
    std::optional<Era> era;
    std::optional<long> syscall_nr;
    std::optional<bool> bad_pointer;
    std::vector<int> inject;  // TIF bits
    InjectWhen inject_when = InjectWhen::Exit;
    std::vector<std::pair<std::string, uint64_t>> edits;  // target ("rcx", "pt_regs.rip"), value
    std::vector<Tamper> tampers;  // the tracer's changes at the syscall-exit stop
    std::optional<SignalAction> signal_action;
    // `ghost: true` with a scenario change: the path graph keeps the route
    // the last scene had taken, drawn faintly under the new one.
    bool ghost = false;

    // Changes the scenario itself (so the run must start again from step 0).
    bool changes_scenario() const;
    // Acts on the machine at the current step (inject now, edit).
    bool acts_now() const;
};

enum class MoveKind : uint8_t {
    Steps,  // count instructions forward
    Back,   // count instructions back
    Label,  // the next time an entry-code label is reached (name)
    Focus,  // the focus syscall's SYSCALL instruction
    Event,  // the next event of a kind (optionally with a name)
    Ring3,  // the next return to user mode
    End,    // the end of the run
    Over,   // step over a call
    Out,    // run until the current C function returns
};

struct MoveStep {
    MoveKind kind = MoveKind::Steps;
    uint64_t count = 1;
    std::string name;                    // Label: the label; Event: optional event name filter
    EventKind event = EventKind::Label;  // Event
    // Label and Event moves made before the focus syscall search from its
    // entry (as checks judge the focus syscall); `in: run` searches from here.
    bool in_run = false;
};

struct PointTarget {
    std::string kind;  // "panel", "flag", "label", "field", "register"
    std::string name;  // "tif", "SIGPENDING", "sysret_check", "pt_regs.rcx", "rcx"
    std::string text() const { return kind + ":" + name; }
};

struct Question {
    std::string question;
    std::vector<std::string> choices;
    size_t answer = 0;                      // index into choices
    std::string explanation;                // `explain: text`: for every answer
    std::vector<std::string> explanations;  // `explain: {choice: text}`: one per choice, or ""
    // `shoot: NAME.png`: unattended play saves the question with its choices
    // as NAME.png and the answer with its explanation as NAME-answer.png.
    std::string shot;
    // What to show after `choice` was picked: its own text, else the common one.
    const std::string& explanation_for(size_t choice) const {
        if (choice < explanations.size() && !explanations[choice].empty())
            return explanations[choice];
        return explanation;
    }
};

// A test on one value: op against value, after an optional mask; or a
// pt_regs slot's state; or whether a 64-bit address is canonical.
struct ValueTest {
    enum class Op : uint8_t { Any, Eq, Ne, Lt, Le, Gt, Ge };
    Op op = Op::Any;
    int64_t value = 0;    // the number, or the offset from `symbol`
    std::string symbol;   // "focus_syscall" in `eq: focus_syscall+2`: its address at run time
    std::string written;  // the value as the file spells it ("0x33", "-ENOSYS"), for messages
    std::optional<uint64_t> mask;
    std::optional<SlotState> state;  // pt_regs slots only
    std::optional<bool> canonical;

    // op and canonical only (state is checked by the caller); a `symbol`
    // must have been resolved into value first (WalkRunner does).
    bool test(uint64_t v) const;
    std::string text() const;  // "== 0x27", "& 0x200 != 0", "== focus_syscall+2", "is canonical"
};

// Which syscall an expectation about exit, return value, route or counts means.
struct SyscallSelector {
    enum class Kind : uint8_t { Focus, Current, All, Index, Name };
    Kind kind = Kind::Focus;
    int index = -1;
    std::string name;
    std::string text() const;  // "the focus syscall", "the current syscall", "rt_sigreturn"
};

struct Expectation {
    enum class Kind : uint8_t {
        At,        // the code is at (or in) a label or function now
        Ring,      // the CPU's privilege level now
        Exit,      // how the selected syscall left: sysret, iret, none
        Ret,       // the selected syscall's return value
        Register,  // a CPU register now
        PtRegs,    // a pt_regs slot now (value and/or state)
        TifSet,    // a TIF flag is set now
        TifClear,  // a TIF flag is clear now
        Route,     // the selected syscall's route so far (labels and C calls)
        Labels,    // the same, labels only
        Console,   // what the program has written so far
        Outcome,   // how the whole run ended
        Returned,  // the last value a C function called from the entry code returned
        Count,     // how many events of a kind (or calls/labels of a name) so far
        Sigframe,  // a signal frame on the user stack
        Why,       // the selected syscall's decision reason (decision_why, as the banner shows)
        ExceptionFrame,  // a field of the innermost exception's frame now (name: "rip"...)
        Frame,           // a field of a C function's frame now (name: function; field)
    };
    enum class Match : uint8_t { Contains, Equals, Excludes };  // Route, Labels, Console, Why

    Kind kind = Kind::At;
    int line = 0, column = 0;
    std::string name;                   // label, register, slot, flag, function, event kind...
    std::string count_of;               // Count: "" (all events of `name`), or a call/label name
    std::string field;                  // Frame: "return_address", "returns_to", "present"...
    ValueTest value;                    // Ret, Register, PtRegs, Returned, Count, Sigframe (signo)
    ExitKind exit = ExitKind::None;     // Exit
    Outcome outcome = Outcome::Exited;  // Outcome
    Match match = Match::Contains;
    std::vector<std::string> names;  // Route, Labels
    std::string text;                // Console, Why
    int ring = 0;                    // Ring
    bool present = true;             // Sigframe
    SyscallSelector syscall;         // Exit, Ret, Route, Labels, Count, Why
    // After a compare step: `left:` / `right:` judge one side; any other
    // expectation judges both (and outside a comparison, the one machine).
    enum class Side : uint8_t { Both, Left, Right };
    Side side = Side::Both;

    std::string describe() const;  // one line: what must hold
};

// One side of a compare step: a setup on top of the header's program (as
// after `restart`), or a scenario line ("slowpath:rfc/getpid/SIGPENDING@exit").
struct CompareSide {
    SetupStep setup;
    std::optional<Scenario> line;
};

// `compare: {left: ..., right: ...}`: two runs side by side from here on;
// moves move both, expectations judge both (or one, under left:/right:).
// A setup that changes the scenario, or `compare: off`, ends it.
struct CompareStep {
    bool off = false;
    CompareSide left, right;
};

// `view:` in the header: how the GUI tour and its unattended shots show
// the lesson (unset: as the window is). A `view` step changes it from its
// page on (all but the size).
struct ViewSettings {
    int width = 0, height = 0;      // `size: 1280x720`
    std::optional<bool> presenter;  // large fonts, the graph across the width
    std::optional<bool> compare;    // the lesson's eras side by side (compare steps: the two sides)
    // The panels and tabs shown (walkthrough_panels() names; the controls and
    // the narration always are); unset: all.
    std::optional<std::vector<std::string>> panels;

    // This view with what `later` sets on top (a view step's changes).
    ViewSettings with(const ViewSettings& later) const;
};

struct Step {
    StepKind kind = StepKind::Say;
    int line = 0, column = 0;
    bool skipped = false;  // `only:` leaves this era out (the step keeps its index)

    SetupStep setup;
    MoveStep move;
    std::string text;  // say: narration (light Markdown); shoot: file name
    std::vector<PointTarget> points;
    Question question;
    std::vector<Expectation> expectations;
    CompareStep compare;
    ViewSettings view;  // view: what it changes

    std::string describe() const;  // one line: "move to label sysret_check", "expect 3 things"...
};

// The steps as they play in one era. Every era has the same number of
// steps, so step i means the same place in the lesson in each era.
struct EraPlan {
    Era era = Era::V3_13;
    std::vector<Step> steps;
};

struct Walkthrough {
    std::string path;
    std::string title;
    std::string summary;
    Scenario program;  // era, syscall, bad pointer, step limit from the header
    ViewSettings view;
    std::vector<EraPlan> plans;  // one per era, in the file's order

    size_t step_count() const { return plans.empty() ? 0 : plans.front().steps.size(); }
    // The view in force at step `step` of plan `plan`: the header's, changed by
    // every view step up to and including it.
    ViewSettings view_at(size_t plan, size_t step) const;
};

struct LoadOptions {
    // Check label and function names against the era's kernel ELF when it
    // can be loaded (otherwise against the labels slowpath's eras define).
    bool use_kernel_symbols = true;
};

// Every name a lesson may use, as Markdown (`walk --vocabulary`, and the list
// in docs/walkthroughs.md): step kinds, keys, expectation names, move
// targets, panels, registers, pt_regs slots and aliases, TIF flags,
// injections, and each era's labels and C functions (from its kernel image
// when options.use_kernel_symbols and it loads). Made from the parser's tables.
std::string walkthrough_vocabulary(const LoadOptions& options = {});

// Reads and checks a walkthrough; throws WalkthroughError with every problem.
Walkthrough load_walkthrough(const std::string& path, const LoadOptions& options = {});
// The same from text in memory; `name` stands for the file in diagnostics.
Walkthrough parse_walkthrough(const std::string& text, const std::string& name,
                              const LoadOptions& options = {});

// ---- narration: the light Markdown of `say` --------------------------------------

struct NarrationSpan {
    std::string text;
    bool bold = false;
    bool code = false;
    bool italic = false;
};
struct NarrationLine {
    enum class Kind : uint8_t { Paragraph, Bullet, Numbered, Blank };
    Kind kind = Kind::Paragraph;
    int number = 0;          // Numbered
    bool continues = false;  // an indented line that continues the list item above
    std::vector<NarrationSpan> spans;
};
// **bold**, *italic*, `code`, "- " / "* " bullets, "1. " numbered items
// (indented lines below an item continue it); other text as is. Markers do
// not span lines; a `*` with a space on each side is text.
std::vector<NarrationLine> parse_narration(const std::string& text);
// Where narration's markup is unbalanced (an opening `*` with no closing one
// on its line): line and column (0-based, in `text`) and why. The loader
// reports it as file:line:column.
struct NarrationProblem {
    int line = 0, column = 0;
    std::string message;
};
std::optional<NarrationProblem> check_narration(const std::string& text);
// The same as plain text (markers dropped, bullets kept as "- ").
std::string narration_plain(const std::string& text);

// ---- running ----------------------------------------------------------------------

struct CheckResult {
    std::string what;  // the expectation, in words
    bool passed = false;
    std::string detail;  // what was found when it failed (or a note when it passed)
    int line = 0, column = 0;
    // Where it was judged: "step 1234 at sysret_check (entry_64.S:310), in getpid
    // (syscall #1, the focus syscall)".
    std::string judged_at;
};

struct StepResult {
    size_t index = 0;
    StepKind kind = StepKind::Say;
    int line = 0;
    bool skipped = false;
    std::string description;  // Step::describe()
    std::string narration;    // say: the Markdown text
    std::vector<PointTarget> points;
    const Question* question = nullptr;  // ask: points into the Walkthrough
    std::string screenshot;              // shoot: file name
    std::vector<CheckResult> checks;     // expect, and a move or setup that could not be done
    std::string note;                    // what a setup or move did ("run restarted...")
    bool restarted = false;              // this step started a new run
    uint64_t machine_step = 0;           // the machine's step after this step
    std::string where;                   // Session::where() after this step
    bool comparing = false;              // after a compare step: two sides run
    uint64_t right_machine_step = 0;     // comparing: the right side's step

    bool passed() const;
};

// Plays one era of a walkthrough. Steps run in order; going back means
// starting again (run_to), which is exact because runs are deterministic.
class WalkRunner {
 public:
    // The walkthrough must outlive the runner.
    WalkRunner(const Walkthrough& walkthrough, size_t plan_index = 0);
    ~WalkRunner();
    WalkRunner(const WalkRunner&) = delete;
    WalkRunner& operator=(const WalkRunner&) = delete;

    const Walkthrough& walkthrough() const { return walkthrough_; }
    Era era() const { return plan().era; }
    const EraPlan& plan() const { return walkthrough_.plans[plan_index_]; }
    size_t size() const { return plan().steps.size(); }
    size_t position() const { return position_; }  // index of the next step to run
    bool done() const { return position_ >= size(); }

    // Runs the next step. Throws LoadError if the guest cannot be loaded.
    StepResult run_next();
    std::vector<StepResult> run_all();
    // Back to the start: no step run, no machine yet.
    void restart();
    // Starts again and runs the first `count` steps (the GUI's previous/next).
    std::vector<StepResult> run_to(size_t count);

    // The scenario the next run will use (or the current run uses).
    const Scenario& scenario() const { return scenario_; }
    // The machine, created on demand from the scenario so far; the GUI can
    // show it between steps. Never null after this call.
    Session& session();
    const Session* session_if_started() const { return session_.get(); }

    // After a compare step (until a scenario change or `compare: off`): the
    // right side's scenario and machine; session() is the left side.
    bool comparing() const { return comparing_; }
    const Scenario& right_scenario() const { return right_scenario_; }
    Session& right_session();
    // "v3.13/getpid/NEED_RESCHED@exit": a side's scenario line without its prefix.
    std::string side_caption(bool right) const;
    // The route (labels and C calls of the focus syscall) the scene before
    // a `ghost: true` setup had taken when it ended; empty otherwise.
    const std::vector<std::string>& ghost_route() const { return ghost_; }

 private:
    void apply_setup(const Step& step, StepResult& result);
    void apply_move(const Step& step, StepResult& result);
    void apply_compare(const Step& step, StepResult& result);
    // Runs `action` with the right side's machine and scenario in place of the left's.
    template <typename F>
    void on_right(F action);
    CheckResult check(const Expectation& e);
    std::string judged_at();  // CheckResult::judged_at for the machine now
    int select_syscall(const SyscallSelector& selector, std::string* why);
    std::vector<std::pair<std::string, bool>> route_so_far(int syscall) const;  // name, is_label

    const Walkthrough& walkthrough_;
    size_t plan_index_ = 0;
    size_t position_ = 0;
    Scenario scenario_;
    std::unique_ptr<Session> session_;
    bool used_ = false;  // a move, expectation or action has seen this run
    bool comparing_ = false;
    Scenario right_scenario_;
    std::unique_ptr<Session> right_session_;
    std::vector<std::string> ghost_;
};

}  // namespace slowpath
