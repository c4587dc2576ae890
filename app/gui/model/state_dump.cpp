#include "model/state_dump.h"

#include <slowpath/abi.h>

#include "model/compare_route.h"
#include "model/fit.h"
#include "model/path_fit.h"
#include "model/path_graph.h"
#include "model/roles.h"
#include "slowpath/era.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"

namespace slowpath::gui {

using nlohmann::json;

const char* stack_word_kind_name(StackWordKind kind) {
    switch (kind) {
        case StackWordKind::PtRegs:
            return "pt_regs";
        case StackWordKind::ReturnAddress:
            return "return-address";
        case StackWordKind::SavedFramePointer:
            return "saved-rbp";
        case StackWordKind::Data:
            return "data";
        case StackWordKind::ThreadInfo:
            return "thread_info";
    }
    return "?";
}

namespace {

json registers_json(const CpuState& cpu) {
    json regs = json::object();
    for (int i = 0; i < GPR_COUNT; i++) regs[std::string(gpr_name(i))] = cpu.gpr[i];
    regs["rip"] = cpu.rip;
    regs["rflags"] = cpu.rflags;
    regs["rflags_names"] = rflags_names(cpu.rflags);
    regs["cs"] = cpu.cs;
    regs["ss"] = cpu.ss;
    regs["cpl"] = cpu.cpl;
    regs["gs_base"] = cpu.gs_base;
    regs["kernel_gs_base"] = cpu.kernel_gs_base;
    regs["star"] = cpu.star;
    regs["lstar"] = cpu.lstar;
    regs["fmask"] = cpu.fmask;
    return regs;
}

json scenario_json(const Scenario& s) {
    json injections = json::array();
    for (const Injection& i : s.injections) injections.push_back(injection_text(i));
    json tampers = json::array();
    for (const Tamper& t : s.tampers) tampers.push_back(tamper_text(t));
    return {{"era", std::string(era_info(s.era).name)},
            {"syscall", s.syscall_nr},
            {"syscall_name", syscall_name(s.syscall_nr)},
            {"bad_pointer", s.bad_pointer},
            {"injections", injections},
            {"tampers", tampers},
            {"signal_action", std::string(signal_action_name(s.signal_action))},
            {"focus_index", s.focus_index},
            {"program", s.user_program},
            {"args", s.user_args}};
}

json pt_regs_json(const PtRegsView& v) {
    json slots = json::array();
    for (const PtRegsSlot& slot : v.slots)
        slots.push_back({{"name", std::string(slot.name)},
                         {"offset", slot.offset},
                         {"addr", slot.addr},
                         {"value", slot.value},
                         {"state", std::string(slot_state_name(slot.state))}});
    return {
        {"present", v.present}, {"base", v.base}, {"valid_mask", v.valid_mask}, {"slots", slots}};
}

json kernel_stack_json(const KernelStackView& k) {
    json words = json::array();
    for (const StackWord& w : k.words)
        words.push_back({{"addr", w.addr},
                         {"value", w.value},
                         {"kind", stack_word_kind_name(w.kind)},
                         {"label", w.label},
                         {"state", std::string(slot_state_name(w.state))}});
    json frames = json::array();
    for (const StackFrameInfo& f : k.frames)
        frames.push_back({{"function", f.function}, {"low", f.low}, {"high", f.high}});
    return {{"present", k.present},     {"rsp", k.rsp},   {"frame_base", k.frame_base},
            {"stack_top", k.stack_top}, {"words", words}, {"frames", frames}};
}

json tif_json(const Snapshot& s, bool modern) {
    json set = json::array();
    for (const auto& bit : s.tif.bits)
        if (bit.set) set.push_back(std::string(bit.name));
    json work_set = json::array();
    for (const auto& bit : s.tif.work_bits)
        if (bit.set) work_set.push_back(std::string(bit.name));
    json out = {{"present", s.tif.present},
                {"flags", s.tif.flags},
                {"set", set},
                {"syscall_work", s.tif.syscall_work},
                {"syscall_work_set", work_set}};
    if (modern) {
        json tests = json::array();
        for (const SyscallWorkTestView& t : syscall_work_tests_at(s))
            tests.push_back({{"mask_name", std::string(t.test->mask_name)},
                             {"where", std::string(t.test->function)},
                             {"mask", t.test->mask},
                             {"made", t.made},
                             {"found", t.found}});
        out["syscall_work_tests"] = tests;
    }
    return out;
}

json sysret_checks_json(const Trace& trace, const Snapshot& s) {
    SysretChecksView sysret = sysret_checks_at(trace, s.shown_syscall, s.step, s.pt_regs);
    if (sysret.present) {
        json rows = json::array();
        for (const SysretCheckRow& r : sysret.rows)
            rows.push_back({{"name", std::string(r.info->name)},
                            {"made", r.made},
                            {"value", r.value},
                            {"against", r.against},
                            {"passed", r.passed},
                            {"step", r.step}});
        return {
            {"made", sysret.made},
            {"first_failed", sysret.first_failed >= 0
                                 ? json(std::string(sysret.rows[sysret.first_failed].info->name))
                                 : json()},
            {"rows", rows}};
    } else {
        return nullptr;
    }
}

// How the run ended, or that it is still recording (a long run in the app:
// the outcome says "running" until it ends).
void add_run_end(json& out, const Pane& pane) {
    out["outcome_detail"] = pane.trace()->outcome_detail;
    out["recording"] = pane.recording();
    out["recorded_steps"] = pane.session()->recorded_steps();
}

// The path graph as lit at this step, and the decision banner over it.
void add_graph(json& out, const Pane& pane, const Snapshot& s, const Trace& trace) {
    PathGraph graph = make_path_graph(pane.scenario().era);
    LitRoute lit = light_route(graph, s, trace);
    json lit_nodes = json::array();
    for (int v : lit.visits) lit_nodes.push_back(graph.nodes[v].name);
    json ghost_nodes = json::array();
    for (int v : ghost_route(graph, pane.ghost()).visits)
        ghost_nodes.push_back(graph.nodes[v].name);
    out["graph"] = {{"lit", lit_nodes},
                    {"ghost", ghost_nodes},
                    {"current", lit.current >= 0 ? json(graph.nodes[lit.current].name) : json()}};
    DecisionBanner banner = decision_banner(graph, lit, s, trace);
    out["decision_banner"] = {
        {"kind", banner_kind_name(banner.kind)}, {"head", banner.head}, {"why", banner.why}};
    CompareSummary sum = compare_summary(pane);  // the compare view's era table row
    out["era_summary"] = {{"syscall", sum.syscall >= 0 ? json(sum.syscall) : json()},
                          {"name", sum.name},
                          {"exit", sum.exit},
                          {"returns", sum.returns},
                          {"run", sum.run},
                          {"instructions", sum.has_instructions ? json(sum.instructions) : json()}};
}

}  // namespace

json dump_pane(const Pane& pane) {
    json out;
    out["scenario"] = scenario_json(pane.scenario());
    if (!pane.ok()) {
        out["error"] = pane.error();
        return out;
    }
    out["error"] = nullptr;
    const Snapshot& s = pane.now();
    const Trace& trace = *pane.trace();
    out["step"] = s.step;
    out["last_step"] = s.last_step;
    out["start_step"] = pane.start_step();
    out["rip"] = s.cpu.rip;
    out["cpl"] = s.cpu.cpl;
    out["where"] = s.where;
    out["label"] = s.label;
    out["outcome"] = std::string(outcome_name(trace.outcome));
    add_run_end(out, pane);
    out["running_syscall"] = s.running_syscall;
    out["shown_syscall"] = s.shown_syscall;
    out["focus_syscall"] = trace.focus;
    out["syscall_count"] = trace.syscalls.size();
    if (s.shown_syscall >= 0 && static_cast<size_t>(s.shown_syscall) < trace.syscalls.size()) {
        const SyscallRecord& r = trace.syscalls[static_cast<size_t>(s.shown_syscall)];
        out["shown_syscall_record"] = {{"index", s.shown_syscall},
                                       {"name", r.name},
                                       {"nr", r.nr},
                                       {"entry_step", r.entry_step},
                                       {"ret", r.has_ret ? json(r.ret) : json()},
                                       {"exit", std::string(exit_kind_name(r.exit))},
                                       {"focus", r.is_focus},
                                       {"unimplemented", r.unimplemented}};
    } else {
        out["shown_syscall_record"] = nullptr;
    }
    json tasks = json::array();
    for (const TaskView& t : s.tasks.tasks)
        tasks.push_back({{"slot", t.slot},
                         {"pid", t.pid},
                         {"tgid", t.tgid},
                         {"parent", t.parent_pid},
                         {"comm", t.comm},
                         {"state", std::string(task_state_name(t.state))},
                         {"kernel_thread", t.kernel_thread},
                         {"current", t.current}});
    out["tasks"] = tasks;
    out["current_pid"] = s.tasks.current_pid;
    out["registers"] = registers_json(s.cpu);

    json changed = json::array();
    for (int i = 0; i < GPR_COUNT; i++)
        if (s.cpu.gpr[i] != s.prev_cpu.gpr[i]) changed.push_back(std::string(gpr_name(i)));
    out["changed_registers"] = changed;

    out["pt_regs"] = pt_regs_json(s.pt_regs);

    out["kernel_stack"] = kernel_stack_json(s.kernel_stack);

    out["tif"] = tif_json(s, pane.scenario().era == Era::Modern);

    out["sysret_checks"] = sysret_checks_json(trace, s);
    RoleSpans roles = role_spans(trace, pane.scenario().era, compare_syscall(pane));
    auto role = role_at(roles, s.step);
    out["role"] = role ? json(std::string(path_role_name(*role))) : json();

    json checks = json::array();
    for (const TifCheckRecord& c : s.checks)
        checks.push_back({{"where", c.where},
                          {"mask", c.mask},
                          {"mask_name", tif_mask_name(c.mask)},
                          {"flags", c.flags},
                          {"result", c.result},
                          {"step", c.step}});
    out["checks"] = checks;

    json path = json::array();
    for (const RouteStep& r : s.route) path.push_back(r.name);
    out["path"] = path;
    out["caption"] = pane.caption();
    out["ghost"] = pane.ghost();

    add_graph(out, pane, s, trace);

    if (s.decision) {
        const Event& e = trace.events[*s.decision];
        out["decision"] = {{"exit", e.decision() == SP_DECISION_SYSRET ? "sysret" : "iret"},
                           {"why", e.text()},
                           {"step", e.step}};
    } else {
        out["decision"] = nullptr;
    }
    if (s.exit_event) {
        const Event& e = trace.events[*s.exit_event];
        out["exit"] = e.kind == EventKind::Sysret ? "sysret" : "iret";
    } else {
        out["exit"] = nullptr;
    }
    out["console"] = s.console;

    json fields = json::array();
    for (const auto& f : s.user_stack.sigframe_fields)
        fields.push_back({{"name", f.name}, {"addr", f.addr}, {"value", f.value}});
    out["user_stack"] = {{"rsp", s.user_stack.rsp},
                         {"has_sigframe", s.user_stack.has_sigframe},
                         {"sigframe", s.user_stack.sigframe},
                         {"signo", s.user_stack.signo},
                         {"sigframe_fields", fields}};
    out["events_at_or_after"] = s.next_event;
    return out;
}

json dump_model(const Model& model) {
    json out = dump_pane(model.primary());
    out["comparing"] = model.comparing();
    if (const Pane* partner = model.partner()) out["compare"] = dump_pane(*partner);
    json eras = json::array(), panes = json::array();
    for (Era era : model.compare_eras()) eras.push_back(std::string(era_info(era).name));
    for (const Pane* p : model.partners()) panes.push_back(dump_pane(*p));
    out["compare_eras"] = model.comparing() ? eras : json::array();
    out["compare_panes"] = panes;  // every partner, era order
    out["status"] = model.status();
    out["status_is_error"] = model.status_is_error();
    // Per panel, what its layout code measured in the last frame drawn: the
    // content fits, or scrolls, and what was cut off ({} without a window).
    out["layout_fit"] = fit_reports_json();
    return out;
}

}  // namespace slowpath::gui
