#include "model/path_fit.h"

#include <algorithm>
#include <cstdint>

#include "model/glossary.h"
#include "model/pane.h"

namespace slowpath::gui {

namespace {

// The three ways to draw the graph: names on one line; the longest names
// split at an underscore onto two lines; every long name split (narrower,
// taller). Widths in em; fit_graph picks the one with the larger text.
constexpr size_t kSplitAbove[3] = {SIZE_MAX, 17, 12};

}  // namespace

PathFit fit_path(const PathGraph& graph, const MeasureText& label_em, const PathFitInput& in) {
    int cols = 0, rows = 0;
    for (const GraphNode& n : graph.nodes) {
        cols = std::max(cols, n.col + 1);
        rows = std::max(rows, n.row + 1);
    }
    std::vector<GraphShape> shapes(3);
    std::vector<std::vector<std::pair<std::string, std::string>>> splits(3);
    for (int k = 0; k < 3; k++) {
        GraphShape& sh = shapes[k];
        sh.col_text_em.assign(cols, 3.0f);
        sh.row_lines.assign(rows, 1);
        splits[k].resize(graph.nodes.size());
        for (size_t i = 0; i < graph.nodes.size(); i++) {
            const GraphNode& n = graph.nodes[i];
            auto parts = n.name.size() > kSplitAbove[k]
                             ? split_label(n.name)
                             : std::pair<std::string, std::string>{n.name, ""};
            if (!parts.second.empty()) sh.row_lines[n.row] = 2;
            float w = std::max(label_em(parts.first), label_em(parts.second));
            sh.col_text_em[n.col] = std::max(sh.col_text_em[n.col], w);
            splits[k][i] = std::move(parts);
        }
    }
    PathFit out;
    out.checks_h = in.checks_h;
    out.graph_h = std::max(in.avail_h - in.banner_h - in.checks_h, in.label_font * 3);
    out.min_font = std::max(10.0f, in.body_font * 0.72f);
    out.max_font = std::max(out.min_font, in.body_font * 1.15f);
    auto fit = [&] {
        return fit_graph(shapes, in.avail_w - 2, out.graph_h - 2, out.min_font, out.max_font,
                         out.geo);
    };
    out.fit = fit();
    if (!out.fit.fits) {
        out.geo.call_rooms = false;
        out.fit = fit();
    }
    if (!out.fit.fits && out.checks_h > 0) {
        // The graph carries the lesson: in a panel this short the checks
        // give way, and the banner names the first that failed, with values.
        out.graph_h += out.checks_h;
        out.checks_h = 0;
        out.fit = fit();
    }
    const GraphShape& shape = shapes[std::max(0, out.fit.shape)];
    out.lines = std::move(splits[std::max(0, out.fit.shape)]);
    float fs = out.fit.font;
    if (out.fit.width < in.avail_w) out.offset_x = (in.avail_w - out.fit.width) * 0.5f;
    if (out.fit.height < out.graph_h) out.offset_y = (out.graph_h - out.fit.height) * 0.3f;
    out.stroke_scale = in.label_font > 0 ? fs / in.label_font : 1.0f;
    std::vector<float> widths(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); i++)
        widths[i] = std::max(label_em(out.lines[i].first), label_em(out.lines[i].second));
    out.layout = layout_graph(graph, shape, widths, fs, out.geo);

    FitReport& report = out.report;
    report.fits = out.fit.fits;
    report.scrolls = !out.fit.fits;
    report.avail_w = in.avail_w;
    report.avail_h = out.graph_h;
    report.content_w = out.fit.width;
    report.content_h = out.fit.height;
    report.font = fs;
    if (!out.fit.fits) report.clipped.push_back("graph");
    report.shown["call lines"] = out.geo.call_rooms;
    for (const std::string& overlap : graph_overlaps(graph, out.layout))
        report.clipped.push_back(overlap);
    // Both exits must be inside the panel.
    for (const char* exit : {kSysretNode, kIretNode}) {
        int k = graph.find(exit);
        if (k < 0) continue;
        const GraphRect& b = out.layout.nodes[k];
        if (out.offset_x + b.x1 > in.avail_w + 0.5f || out.offset_x + b.x0 < -0.5f ||
            out.offset_y + b.y1 > out.graph_h + 0.5f) {
            report.fits = false;
            report.clipped.push_back(exit);
        }
    }
    return out;
}

std::string exit_never_came(const Trace& trace, const Snapshot& snap) {
    if (trace.outcome == Outcome::Running || trace.steps.empty()) return "";
    int i = snap.shown_syscall;
    if (i < 0 || i >= static_cast<int>(trace.syscalls.size())) return "";
    const SyscallRecord& r = trace.syscalls[i];
    if (r.exit != ExitKind::None || r.return_step != 0) return "";
    // The run must have ended inside this syscall (not a task killed in
    // one while the others ran on).
    if (trace.steps[trace.last_step()].syscall != i) return "";
    // Past the last work check the exit path went into the C code that
    // delivers the work (do_notify_resume, arch_do_signal_or_restart) and
    // never came back.
    size_t last_check = SIZE_MAX;
    for (size_t e = r.first_event; e < r.end_event && e < trace.events.size(); e++) {
        const Event& ev = trace.events[e];
        if (ev.kind == EventKind::Decision || ev.kind == EventKind::Sysret ||
            ev.kind == EventKind::Iret)
            return "";
        if (ev.kind == EventKind::TifCheck) last_check = e;
    }
    if (last_check == SIZE_MAX || snap.step <= trace.events[last_check].step) return "";
    // Where it ended: the function the last check called, else the check's place.
    std::string where = trace.events[last_check].name.str();
    for (size_t e = last_check + 1; e < r.end_event && e < trace.events.size(); e++) {
        const Event& ev = trace.events[e];
        if (ev.kind == EventKind::Call) {
            where = ev.name.str();
            break;
        }
    }
    if (trace.killed_by != 0)
        return "the task was killed by " + signal_name(trace.killed_by) + " (signal " +
               std::to_string(trace.killed_by) + ") in " + where +
               " before the exit was chosen: neither sysret nor iret ran, the syscall never "
               "returned to user mode";
    return "the run ended in " + where + " before the exit was chosen (" + trace.outcome_detail +
           "): the exit never came";
}

const char* banner_kind_name(DecisionBanner::Kind kind) {
    switch (kind) {
        case DecisionBanner::Kind::Sysret:
            return "sysret";
        case DecisionBanner::Kind::Iret:
            return "iret";
        case DecisionBanner::Kind::NoExit:
            return "no-exit";
        default:
            return "undecided";
    }
}

DecisionBanner decision_banner(const PathGraph& graph, const LitRoute& lit, const Snapshot& snap,
                               const Trace& trace) {
    DecisionBanner banner;
    std::string never;
    if (lit.chosen_exit >= 0) {
        bool sysret = graph.nodes[lit.chosen_exit].name == kSysretNode;
        banner.kind = sysret ? DecisionBanner::Kind::Sysret : DecisionBanner::Kind::Iret;
        banner.head = sysret ? "SYSRET" : "IRET";
        banner.why = lit.decision_why;
    } else if (!(never = exit_never_came(trace, snap)).empty()) {
        banner.kind = DecisionBanner::Kind::NoExit;
        banner.head = trace.killed_by ? "killed" : "no exit";
        banner.why = never;
    } else if (snap.shown_syscall >= 0) {
        banner.head = "sysret or iret?";
        banner.why = "not decided yet: the exit path is still checking for work";
    } else {
        banner.head = "no syscall yet";
        banner.why = "step to the demo's SYSCALL instruction";
    }
    if (snap.shown_syscall >= 0 && snap.shown_syscall < static_cast<int>(trace.syscalls.size())) {
        const SyscallRecord& r = trace.syscalls[snap.shown_syscall];
        std::string which = r.name + (r.is_focus ? "" : " (not the focus syscall)");
        banner.why = which + ": " + banner.why;
    }
    return banner;
}

std::string call_line(const std::vector<std::string>& names, float width,
                      const MeasureText& measure) {
    std::string list;
    for (size_t k = names.size() + 1; k-- > 0;) {
        list.clear();
        for (size_t j = 0; j < k; j++)
            list += (list.empty() ? "\xe2\x86\xb3 " : ", ") + names[j] + "()";
        if (k == 0)
            list = "\xe2\x86\xb3 " + std::to_string(names.size()) +
                   (names.size() == 1 ? " call" : " calls");
        else if (k < names.size())
            list += " +" + std::to_string(names.size() - k);
        if (measure(list) <= width) break;
    }
    return list;
}

std::string node_tooltip(const GraphNode& node, int visits,
                         const std::vector<std::string>* callees) {
    std::string tip = node.name + "\n" + node.blurb;
    if (visits)
        tip +=
            "\nreached " + std::to_string(visits) + (visits == 1 ? " time" : " times") + " so far";
    if (callees) {
        tip += "\ncalled:";
        for (const std::string& f : *callees) tip += " " + f + "()";
    }
    tip += node.kind == NodeKind::Exit ? "\nclick: run until back in ring 3"
                                       : "\nclick: run to this label";
    if (const GlossaryEntry* e = node.kind == NodeKind::Exit ? glossary_entry(node.name) : nullptr)
        tip += std::string("\n\n") + e->text;
    return tip;
}

}  // namespace slowpath::gui
