#include "slowpath/session.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <functional>

#include "engine.h"
#include "slowpath/numbers.h"
#include "slowpath/tif.h"
#include "slowpath/vdso.h"

namespace slowpath {

std::string_view inject_when_name(InjectWhen when) {
    switch (when) {
        case InjectWhen::Entry:
            return "entry";
        case InjectWhen::Exit:
            return "exit";
        case InjectWhen::Now:
            return "now";
    }
    return "?";
}

Injection parse_injection(std::string_view text) {
    auto at = text.find('@');
    if (at == std::string_view::npos)
        throw std::invalid_argument("'" + std::string(text) +
                                    "': expected FLAG@entry or FLAG@exit");
    std::string_view flag = text.substr(0, at), when = text.substr(at + 1);
    auto bit = parse_tif(flag);
    if (!bit) throw std::invalid_argument("unknown TIF flag '" + std::string(flag) + "'");
    const TifFlagInfo* info = tif_flag(*bit);
    if (!info || !info->injectable)
        throw std::invalid_argument("TIF_" + std::string(info ? info->name : flag) +
                                    " cannot be injected (no cause to simulate)");
    std::string w(when);
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Injection inj;
    inj.bit = *bit;
    if (w == "entry")
        inj.when = InjectWhen::Entry;
    else if (w == "exit")
        inj.when = InjectWhen::Exit;
    else
        throw std::invalid_argument("unknown injection time '" + std::string(when) +
                                    "' (entry or exit)");
    return inj;
}

std::string injection_text(const Injection& injection) {
    const TifFlagInfo* info = tif_flag(injection.bit);
    std::string s = info ? std::string(info->name) : "bit" + std::to_string(injection.bit);
    s += "@";
    s += inject_when_name(injection.when);
    if (injection.when == InjectWhen::Now) s += ":" + std::to_string(injection.step);
    return s;
}

const std::vector<std::string_view>& tamper_slots() {
    static const std::vector<std::string_view> slots = {"rax", "rcx",    "r11", "rip",
                                                        "rsp", "eflags", "cs",  "ss"};
    return slots;
}

Tamper parse_tamper(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos)
        throw std::invalid_argument("'" + std::string(text) + "': expected REG=VALUE");
    std::string slot(text.substr(0, eq));
    for (char& c : slot) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& slots = tamper_slots();
    if (std::find(slots.begin(), slots.end(), slot) == slots.end())
        throw std::invalid_argument("unknown register '" + std::string(text.substr(0, eq)) +
                                    "' (rax rcx r11 rip rsp eflags cs ss)");
    std::string_view number = text.substr(eq + 1);
    auto value = parse_unsigned(number);
    if (!value)
        throw std::invalid_argument(slot + ": bad value '" + std::string(number) +
                                    "' (decimal or 0x hex, below 2^64)");
    // ptrace's putreg() refuses these with -EIO: the selector is 16 bits,
    // and neither a null one nor one whose RPL is not 3 may go to user mode.
    if ((slot == "cs" || slot == "ss") && (*value > 0xffff || *value == 0 || (*value & 3) != 3))
        throw std::invalid_argument(slot + "=" + std::string(number) +
                                    ": ptrace refuses it (a selector of 16 bits with RPL 3)");
    return {slot, *value};
}

std::string tamper_text(const Tamper& tamper) {
    return tamper.slot + "=" + hex(tamper.value);
}

std::string_view signal_action_name(SignalAction action) {
    switch (action) {
        case SignalAction::Handler:
            return "handler";
        case SignalAction::Ignore:
            return "ignore";
        case SignalAction::Block:
            return "block";
    }
    return "?";
}

std::optional<SignalAction> parse_signal_action(std::string_view text) {
    for (auto a : {SignalAction::Handler, SignalAction::Ignore, SignalAction::Block})
        if (text == signal_action_name(a)) return a;
    return std::nullopt;
}

std::optional<uint64_t> parse_memory_budget(std::string_view text) {
    auto bytes = parse_byte_size(text);
    if (!bytes || *bytes < kLeastMemoryBudget) return std::nullopt;
    return bytes;
}

std::string memory_budget_error(std::string_view text) {
    return "--memory must be a size such as 512M or 4G (bytes, or K, M, G), at least " +
           std::to_string(kLeastMemoryBudget >> 20) + "M, not '" + std::string(text) + "'";
}

class SessionImpl {
 public:
    explicit SessionImpl(Scenario s, std::optional<RecordInSlices> in_slices = std::nullopt)
        : scenario(std::move(s)), engine(scenario, Engine::Options{true}), slices(in_slices) {
        if (slices)
            engine.record_more(slices->first_steps, std::chrono::steady_clock::time_point::max());
        else
            engine.record_to_end();
        engine.seek(0);
    }
    // What `find` gives; while it gives nothing and the recording goes on,
    // records on (up to slices->search_seconds) and asks again.
    template <class Find>
    std::optional<uint64_t> searching(Find find) {
        auto s = find();
        if (s || !slices) return s;
        using clock = std::chrono::steady_clock;
        auto deadline = clock::now() + std::chrono::duration_cast<clock::duration>(
                                           std::chrono::duration<double>(slices->search_seconds));
        while (!s && !engine.finished() && clock::now() < deadline) {
            uint64_t here = engine.step();
            // Slices of about 50 ms between looks: searching is cheap next to recording.
            engine.record_more(UINT64_MAX,
                               std::min(deadline, clock::now() + std::chrono::milliseconds(50)));
            engine.seek(here);
            s = find();
        }
        return s;
    }
    Scenario scenario;
    Engine engine;
    std::optional<RecordInSlices> slices;
    // Registers one step back, for "what changed", computed on demand.
    mutable uint64_t prev_for_step = UINT64_MAX;
    mutable CpuState prev_cpu;
};

Session::Session(Scenario scenario) : impl_(std::make_unique<SessionImpl>(std::move(scenario))) {}
Session::Session(Scenario scenario, RecordInSlices slices)
    : impl_(std::make_unique<SessionImpl>(std::move(scenario), slices)) {}
Session::~Session() = default;

const Scenario& Session::scenario() const {
    return impl_->scenario;
}
const Trace& Session::trace() const {
    return impl_->engine.trace();
}
const Machine& Session::machine() const {
    return impl_->engine;
}
uint64_t Session::step() const {
    return impl_->engine.step();
}

void Session::seek(uint64_t step) {
    impl_->engine.seek(step);
}

uint64_t Session::step_forward(uint64_t count) {
    uint64_t goal = count > UINT64_MAX - step() ? UINT64_MAX : step() + count;
    impl_->searching([&]() -> std::optional<uint64_t> {
        if (last_step() >= goal) return goal;
        return std::nullopt;
    });
    seek(std::min(last_step(), goal));
    return step();
}

uint64_t Session::step_back(uint64_t count) {
    seek(step() > count ? step() - count : 0);
    return step();
}

uint64_t Session::step_over() {
    const auto& steps = trace().steps;
    uint64_t s = step();
    if (s + 1 >= steps.size()) return s;
    // A call pushes a return address: rsp drops by 8 at the next step. Run
    // until the stack is back where it was (and we are past the call).
    uint64_t rsp = steps[s].rsp;
    if (steps[s + 1].rsp + 8 == rsp && steps[s + 1].cpl == steps[s].cpl) {
        for (uint64_t k = s + 2; k < steps.size(); k++)
            if (steps[k].rsp >= rsp || steps[k].cpl != steps[s].cpl) {
                seek(k);
                return step();
            }
    }
    return step_forward(1);
}

uint64_t Session::step_out() {
    const auto& steps = trace().steps;
    uint64_t s = step();
    if (s >= steps.size()) return s;
    // The current function returns when rsp rises above its return address.
    uint64_t from = s + 1;
    auto found = impl_->searching([&]() -> std::optional<uint64_t> {
        const StepStore& all = trace().steps;
        StepRecord here = all[s];
        for (; from < all.size(); from++)
            if (all[from].rsp > here.rsp + 8 || all[from].cpl != here.cpl) return from;
        return std::nullopt;
    });
    if (found) {
        seek(*found);
        return step();
    }
    return run_to_end();
}

static std::optional<uint64_t> next_matching(const Trace& t, uint64_t after,
                                             const std::function<bool(const Event&)>& pred) {
    for (size_t i = t.first_event_at_or_after(after + 1); i < t.events.size(); i++)
        if (pred(t.events[i])) return t.events[i].step;
    return std::nullopt;
}

static std::optional<uint64_t> prev_matching(const Trace& t, uint64_t before,
                                             const std::function<bool(const Event&)>& pred) {
    size_t i = t.first_event_at_or_after(before);
    while (i > 0) {
        --i;
        if (t.events[i].step < before && pred(t.events[i])) return t.events[i].step;
    }
    return std::nullopt;
}

uint64_t Session::next_label() {
    if (auto s = impl_->searching([&] {
            return next_matching(trace(), step(),
                                 [](const Event& e) { return e.kind == EventKind::Label; });
        }))
        seek(*s);
    return step();
}

uint64_t Session::prev_label() {
    if (auto s = prev_matching(trace(), step(),
                               [](const Event& e) { return e.kind == EventKind::Label; }))
        seek(*s);
    return step();
}

uint64_t Session::next_event() {
    if (auto s = impl_->searching(
            [&] { return next_matching(trace(), step(), [](const Event&) { return true; }); }))
        seek(*s);
    return step();
}

uint64_t Session::prev_event() {
    if (auto s = prev_matching(trace(), step(), [](const Event&) { return true; })) seek(*s);
    return step();
}

uint64_t Session::run_to_decision() {
    if (auto s = run_to_event(EventKind::Decision)) return *s;
    return step();
}

uint64_t Session::run_to_ring3() {
    const auto& steps = trace().steps;
    uint64_t s = step();
    // Leave ring 3 first if we are in it, then find the next return to it.
    uint64_t k = s;
    bool left = s < steps.size() && steps[s].cpl != 3;
    auto found = impl_->searching([&]() -> std::optional<uint64_t> {
        for (; k < steps.size(); k++) {
            if (steps[k].cpl != 3) left = true;
            if (left && steps[k].cpl == 3) return k;
        }
        return std::nullopt;
    });
    if (found) seek(*found);
    return step();
}

uint64_t Session::run_to_end() {
    seek(last_step());
    return step();
}

std::optional<uint64_t> Session::run_to_label(std::string_view label) {
    auto s = impl_->searching([&] {
        return next_matching(trace(), step(), [&](const Event& e) {
            return e.kind == EventKind::Label && e.name == label;
        });
    });
    if (s) seek(*s);
    return s;
}

std::optional<uint64_t> Session::run_to_event(EventKind kind) {
    auto s = impl_->searching([&] {
        return next_matching(trace(), step(), [&](const Event& e) { return e.kind == kind; });
    });
    if (s) seek(*s);
    return s;
}

std::optional<uint64_t> Session::run_to_event(EventKind kind, std::string_view name) {
    auto s = impl_->searching([&] {
        return next_matching(trace(), step(),
                             [&](const Event& e) { return e.kind == kind && e.name == name; });
    });
    if (s) seek(*s);
    return s;
}

std::optional<uint64_t> Session::focus_entry_step() const {
    const Trace& t = trace();
    if (t.focus < 0 || static_cast<size_t>(t.focus) >= t.syscalls.size()) return std::nullopt;
    return t.syscalls[static_cast<size_t>(t.focus)].entry_step;
}

std::optional<uint64_t> Session::run_to_address(uint64_t addr) {
    const auto& steps = trace().steps;
    uint64_t k = step() + 1;
    auto found = impl_->searching([&]() -> std::optional<uint64_t> {
        for (; k < steps.size(); k++)
            if (steps[k].rip == addr) return k;
        return std::nullopt;
    });
    if (found) seek(*found);
    return found;
}

void Session::inject_now(int tif_bit) {
    const TifFlagInfo* info = tif_flag(tif_bit);
    if (!info || !info->injectable) throw std::invalid_argument("this flag cannot be injected");
    Action a;
    a.bit = tif_bit;
    uint64_t here = step();
    impl_->engine.add_action_now(a, first_steps());
    impl_->engine.seek(here);  // stay where the change was made
    impl_->prev_for_step = UINT64_MAX;
}

void Session::edit_now(const std::string& target, uint64_t value) {
    bool known = target == "rip" || target == "rflags";
    for (int i = 0; i < GPR_COUNT; i++) known |= target == gpr_name(i);
    if (target.rfind("pt_regs.", 0) == 0) known = pt_regs_slot_index(target.substr(8)) >= 0;
    if (!known) throw std::invalid_argument("unknown register or pt_regs slot '" + target + "'");
    Action a;
    a.is_edit = true;
    a.target = target;
    a.value = value;
    uint64_t here = step();
    impl_->engine.add_action_now(a, first_steps());
    impl_->engine.seek(here);
    impl_->prev_for_step = UINT64_MAX;
}

uint32_t Session::frame_valid_mask() const {
    return impl_->engine.host().frame_valid;
}

PtRegsView Session::pt_regs() const {
    if (impl_->engine.host().cpl == 3 && frame_valid_mask() == 0) return {};
    return decode_pt_regs(machine(), impl_->engine.pt_regs_base(), frame_valid_mask());
}

KernelStackView Session::kernel_stack() const {
    KernelStackView view = decode_kernel_stack(machine(), frame_valid_mask());
    // Its frames named as a lesson names them (in user mode only pt_regs is there).
    if (machine().cpu().cpl == 0)
        frame_kernel_stack(machine(), view, named_frames_at(machine(), trace(), step(), pt_regs()));
    // Where the saved rip leads, by name: the faulting instruction, or the
    // fixup target (bad_from_user) once the exception table rewrote it.
    for (StackWord& w : view.words)
        if (w.label == "exception frame: rip") w.label += " -> " + machine().describe(w.value);
    return view;
}

UserStackView Session::user_stack() const {
    // In the kernel the user's rsp lives in old_rsp (syscall) or in pt_regs.
    uint64_t rsp = machine().cpu().gpr[RSP];
    if (impl_->engine.host().cpl != 3) {
        const auto& steps = trace().steps;
        for (uint64_t k = step(); k-- > 0;)
            if (steps[k].cpl == 3) {
                rsp = steps[k].rsp;
                break;
            }
    }
    return decode_user_stack(machine(), rsp);
}

TifView Session::tif() const {
    return decode_tif(machine());
}
KernelStateView Session::kernel_state() const {
    return decode_kernel_state(machine());
}
std::string Session::console() const {
    if (impl_->engine.uses_host_io()) return impl_->engine.program_output(0);
    return kernel_state().console;
}
std::string Session::program_output(int fd) const {
    return impl_->engine.program_output(fd);
}
RecordingBytes Session::recording_bytes() const {
    return impl_->engine.recording_bytes();
}
size_t Session::budget_bytes() const {
    return impl_->engine.budget_bytes();
}

std::optional<uint64_t> Session::first_steps() const {
    if (!impl_->slices) return std::nullopt;
    return impl_->slices->first_steps;
}

bool Session::record_more(uint64_t max_steps, double max_seconds) {
    if (recording_finished()) return false;
    using clock = std::chrono::steady_clock;
    uint64_t here = step();
    impl_->engine.record_more(max_steps,
                              clock::now() + std::chrono::duration_cast<clock::duration>(
                                                 std::chrono::duration<double>(max_seconds)));
    impl_->engine.seek(here);
    return !recording_finished();
}

void Session::stop_recording(const std::string& why) {
    if (recording_finished()) return;
    uint64_t here = step();
    impl_->engine.stop_recording(why);
    impl_->engine.seek(here);
}

uint64_t Session::recording_revision() const {
    return impl_->engine.records_revision();
}

int Session::current_syscall() const {
    return impl_->engine.host().syscall;
}

std::string Session::where() const {
    const CpuState cpu = machine().cpu();
    const uint64_t rip = cpu.rip;
    const auto& segments = machine().user().segments();
    bool in_program = std::any_of(segments.begin(), segments.end(), [&](const Segment& g) {
        return rip >= g.vaddr && rip - g.vaddr < g.memsz;
    });
    if (cpu.cpl == 3 && !in_program) {
        // Outside the program's image: the vDSO's functions have names too.
        const VdsoImage& vdso = vdso_image(machine().kernel());
        std::string name = vdso_describe(vdso, vdso_base_at(trace(), step()), rip);
        if (!name.empty()) return name + " (vDSO)";
    }
    std::string s = machine().describe(rip);
    if (const SourceLine* l = machine().line_for(rip)) {
        std::string file = l->file;
        if (auto slash = file.find_last_of('/'); slash != std::string::npos)
            file = file.substr(slash + 1);
        s += " (" + file + ":" + std::to_string(l->line) + ")";
    }
    return s;
}

CpuState Session::previous_cpu() const {
    uint64_t s = step();
    if (s == 0) return machine().cpu();
    if (impl_->prev_for_step != s) {
        impl_->engine.seek(s - 1);
        impl_->prev_cpu = impl_->engine.cpu();
        impl_->engine.seek(s);
        impl_->prev_for_step = s;
    }
    return impl_->prev_cpu;
}

Trace run_summary(const Scenario& scenario, size_t fold_every) {
    if (!scenario.injections.empty() || !scenario.edits.empty() || !scenario.tampers.empty())
        throw std::invalid_argument("a summary run makes no injections, edits or tampers");
    Engine::Options options;
    options.summary = true;
    options.fold_every = fold_every;
    // SLOWPATH_SUMMARY_PER_INSTRUCTION: the same summary from a hook on every instruction.
    options.blocks = !std::getenv("SLOWPATH_SUMMARY_PER_INSTRUCTION");
    auto engine = std::make_unique<Engine>(scenario, options);
    engine->record_to_end();
    if (engine->block_fallback().empty()) return engine->take_trace();
    // What the blocks could not follow exactly: the run again, instruction
    // by instruction, answered from the first run's host I/O up to there.
    const std::string why = engine->block_fallback();
    options.blocks = false;
    auto again = std::make_unique<Engine>(scenario, options);
    again->adopt_host_io(*engine);
    engine.reset();
    again->record_to_end();
    Trace trace = again->take_trace();
    trace.summary_fallback = why;
    return trace;
}

UntracedResult run_untraced(const Scenario& scenario) {
    Engine engine(scenario, Engine::Options{false});
    engine.run_untraced();
    UntracedResult r;
    r.outcome = engine.trace().outcome;
    r.exit_code = engine.trace().exit_code;
    r.console =
        engine.uses_host_io() ? engine.program_output(0) : decode_kernel_state(engine).console;
    return r;
}

}  // namespace slowpath
