#include "model/path_graph.h"

#include <slowpath/abi.h>

#include <algorithm>

#include "model/pane.h"
#include "slowpath/era_symbols.h"
#include "slowpath/trace.h"

namespace slowpath::gui {

namespace {

struct NodeSpec {
    const char* name;
    NodeKind kind;
    int col, row;
    const char* blurb;
};

struct EdgeSpec {
    const char* from;
    const char* to;
};

// Labels both eras share, placed the same way so the two graphs line up in
// compare mode: the fast path runs along the top row, detours hang below it,
// the iret path fills the bottom rows.
const NodeSpec kCommonNodes[] = {
    {"system_call", NodeKind::Label, 0, 0, "LSTAR points here: swapgs to reach the per-CPU area"},
    {"system_call_after_swapgs", NodeKind::Label, 1, 0,
     "park user rsp in old_rsp, switch to the kernel stack, SAVE_ARGS: partial pt_regs"},
    {"system_call_fastpath", NodeKind::Label, 2, 0,
     "check the number, call through sys_call_table, store rax in the frame"},
    {"ret_from_sys_call", NodeKind::Label, 3, 0, "edi = _TIF_ALLWORK_MASK: the work to look for"},
    {"sysret_check", NodeKind::Label, 4, 0,
     "interrupts off; flags & edi: zero -> restore and sysretq, else sysret_careful"},
    {"sysretq", NodeKind::Exit, 5, 0, "fast exit: rcx -> rip, r11 -> rflags, user CS/SS from STAR"},
    {"tracesys", NodeKind::Label, 1, 1,
     "entry work: only audit -> auditsys; else full frame, syscall_trace_enter, iret exit"},
    {"auditsys", NodeKind::Label, 1, 2, "__audit_syscall_entry, then back to the fast path"},
    {"badsys", NodeKind::Label, 2, 1, "number too large: rax slot = -ENOSYS"},
    {"sysret_careful", NodeKind::Label, 4, 1, "work found on the sysret path"},
    {"int_ret_from_sys_call", NodeKind::Label, 0, 3,
     "the iret exit: interrupts off, edi = _TIF_ALLWORK_MASK"},
    {"stub_rt_sigreturn", NodeKind::Label, 0, 4,
     "rt_sigreturn: full frame, restore the registers saved in the signal frame, leave by iret"},
    {"int_with_check", NodeKind::Label, 1, 3, "flags & edi: zero -> iretq, else int_careful"},
    {"int_careful", NodeKind::Label, 2, 3, "NEED_RESCHED -> schedule, back to int_with_check"},
    {"int_very_careful", NodeKind::Label, 3, 3, "SAVE_REST; exit tracing -> syscall_trace_leave"},
    {"int_signal", NodeKind::Label, 3, 4, "DO_NOTIFY work -> do_notify_resume(regs, NULL, flags)"},
    {"int_restore_rest", NodeKind::Label, 2, 4, "RESTORE_REST, interrupts off, check again"},
    {"retint_swapgs", NodeKind::Label, 1, 5, "swapgs back to the user GS base"},
    {"restore_args", NodeKind::Label, 2, 5, "reload the saved registers from pt_regs"},
    {"irq_return", NodeKind::Label, 3, 5, "iretq pops rip, cs, rflags, rsp, ss"},
    {"iretq", NodeKind::Exit, 5, 5, "slow exit: everything comes from the pt_regs frame"},
};

const EdgeSpec kCommonEdges[] = {
    {"system_call", "system_call_after_swapgs"},
    {"system_call_after_swapgs", "system_call_fastpath"},
    {"system_call_after_swapgs", "tracesys"},
    {"tracesys", "auditsys"},
    {"auditsys", "system_call_fastpath"},
    {"tracesys", "int_ret_from_sys_call"},
    {"system_call_fastpath", "badsys"},
    {"badsys", "ret_from_sys_call"},
    {"system_call_fastpath", "ret_from_sys_call"},
    {"ret_from_sys_call", "sysret_check"},
    {"sysret_check", "sysretq"},
    {"sysret_check", "sysret_careful"},
    {"int_ret_from_sys_call", "int_with_check"},
    {"stub_rt_sigreturn", "int_ret_from_sys_call"},
    {"int_with_check", "int_careful"},
    {"int_careful", "int_very_careful"},
    {"int_careful", "int_with_check"},
    {"int_very_careful", "int_signal"},
    {"int_very_careful", "int_restore_rest"},
    {"int_signal", "int_restore_rest"},
    {"int_restore_rest", "int_with_check"},
    {"int_with_check", "retint_swapgs"},
    {"retint_swapgs", "restore_args"},
    {"restore_args", "irq_return"},
    {"irq_return", "iretq"},
};

const NodeSpec kV313Nodes[] = {
    {"sysret_signal", NodeKind::Label, 4, 2,
     "not a reschedule: AUDIT -> sysret_audit, else fix the frame and take the iret path"},
    {"sysret_audit", NodeKind::Label, 3, 1,
     "__audit_syscall_exit, mask AUDIT out of edi, back to sysret_check"},
    {"int_check_syscall_exit_work", NodeKind::Label, 4, 3,
     "entered from sysret_signal: SAVE_REST, then the exit work"},
};

const EdgeSpec kV313Edges[] = {
    {"sysret_careful", "sysret_check"},  // after schedule
    {"sysret_careful", "sysret_signal"},
    {"sysret_signal", "sysret_audit"},
    {"sysret_audit", "sysret_check"},
    {"sysret_signal", "int_check_syscall_exit_work"},
    {"int_check_syscall_exit_work", "int_signal"},
    {"int_check_syscall_exit_work", "int_restore_rest"},
};

const NodeSpec kRfcNodes[] = {
    {"syscall_exit_slowpath", NodeKind::Function, 4, 2,
     "C: all exit work in one place; returns 0 (sysret is fine) or 1 (use iret)"},
    {"sysret_using_iret", NodeKind::Label, 4, 3,
     "the C function said iret: RESTORE_REST, join int_with_check"},
    {"do_notify_resume", NodeKind::Function, 4, 4,
     "the old entry point, kept for the iret path; calls syscall_exit_slowpath"},
};

// The modern era: one C function between the entry and the two exits. The
// stub's labels run along the top, the C calls hang below do_syscall_64 in
// the order they run, the iret exit fills the bottom row.
const NodeSpec kModernNodes[] = {
    {"entry_SYSCALL_64", NodeKind::Label, 0, 0,
     "LSTAR points here: swapgs, user rsp aside, rsp = top of the task's stack"},
    {"entry_SYSCALL_64_safe_stack", NodeKind::Label, 0, 1,
     "on the task's stack: push ss, rsp, rflags (r11), cs, rip (rcx) by hand"},
    {"entry_SYSCALL_64_after_hwframe", NodeKind::Label, 1, 0,
     "the iret-shaped frame is pushed; orig_ax and PUSH_AND_CLEAR_REGS: a full pt_regs"},
    {"do_syscall_64", NodeKind::Function, 2, 0,
     "C: entry work, the handler, exit work, then the SYSRET checks; returns sysret or iret"},
    {"syscall_enter_from_user_mode", NodeKind::Function, 1, 1,
     "interrupts on; syscall_work & SYSCALL_WORK_ENTER -> syscall_trace_enter"},
    {"syscall_exit_to_user_mode", NodeKind::Function, 2, 1,
     "syscall_work & SYSCALL_WORK_EXIT -> syscall_exit_work once; then the TIF work"},
    {"syscall_exit_work", NodeKind::Function, 2, 2, "audit exit, sys_exit tracepoint, tracer stop"},
    {"exit_to_user_mode_prepare", NodeKind::Function, 3, 1,
     "flags & EXIT_TO_USER_MODE_WORK -> exit_to_user_mode_loop"},
    {"exit_to_user_mode_loop", NodeKind::Function, 3, 2,
     "schedule, uprobes, signals, task work; read the flags again until none is left"},
    {"arch_exit_to_user_mode_prepare", NodeKind::Function, 4, 2,
     "x86: user-return notifiers fire once, after the loop"},
    {"syscall_return_via_sysret", NodeKind::Label, 4, 0,
     "do_syscall_64 said true: POP_REGS, user rsp back"},
    {"entry_SYSRETQ_unsafe_stack", NodeKind::Label, 4, 1,
     "user rsp loaded: swapgs, then sysretq (rip <- rcx, rflags <- r11)"},
    {"swapgs_restore_regs_and_return_to_usermode", NodeKind::Label, 2, 3,
     "do_syscall_64 said false: POP_REGS, drop orig_ax, swapgs"},
    {"native_irq_return_iret", NodeKind::Label, 3, 3, "iretq pops rip, cs, rflags, rsp, ss"},
    {"sysretq", NodeKind::Exit, 5, 0, "fast exit: rcx -> rip, r11 -> rflags, user CS/SS from STAR"},
    {"iretq", NodeKind::Exit, 5, 3, "slow exit: everything comes from the pt_regs frame"},
};

const EdgeSpec kModernEdges[] = {
    {"entry_SYSCALL_64", "entry_SYSCALL_64_safe_stack"},
    {"entry_SYSCALL_64_safe_stack", "entry_SYSCALL_64_after_hwframe"},
    {"entry_SYSCALL_64_after_hwframe", "do_syscall_64"},
    {"do_syscall_64", "syscall_enter_from_user_mode"},
    {"do_syscall_64", "syscall_exit_to_user_mode"},
    {"syscall_exit_to_user_mode", "syscall_exit_work"},
    {"syscall_exit_to_user_mode", "exit_to_user_mode_prepare"},
    {"exit_to_user_mode_prepare", "exit_to_user_mode_loop"},
    {"exit_to_user_mode_prepare", "arch_exit_to_user_mode_prepare"},
    {"do_syscall_64", "syscall_return_via_sysret"},
    {"syscall_return_via_sysret", "entry_SYSRETQ_unsafe_stack"},
    {"entry_SYSRETQ_unsafe_stack", "sysretq"},
    {"do_syscall_64", "swapgs_restore_regs_and_return_to_usermode"},
    {"swapgs_restore_regs_and_return_to_usermode", "native_irq_return_iret"},
    {"native_irq_return_iret", "iretq"},
};

const EdgeSpec kRfcEdges[] = {
    {"sysret_careful", "syscall_exit_slowpath"},
    {"syscall_exit_slowpath", "sysret_check"},
    {"syscall_exit_slowpath", "sysret_using_iret"},
    {"sysret_using_iret", "int_with_check"},
    {"int_signal", "do_notify_resume"},
};

}  // namespace

int PathGraph::find(const std::string& name) const {
    for (size_t i = 0; i < nodes.size(); i++)
        if (nodes[i].name == name) return static_cast<int>(i);
    return -1;
}

bool PathGraph::has_edge(int from, int to) const {
    for (const GraphEdge& e : edges)
        if (e.from == from && e.to == to) return true;
    return false;
}

int PathGraph::add_extra(const std::string& name, NodeKind kind) {
    int existing = find(name);
    if (existing >= 0) return existing;
    // Extras go on rows below the drawing, left to right.
    int base_row = 0;
    for (const GraphNode& n : nodes)
        if (!n.extra) base_row = std::max(base_row, n.row + 1);
    int count = 0;
    for (const GraphNode& n : nodes)
        if (n.extra) count++;
    int per_row = std::max(cols, 4);
    GraphNode node;
    node.name = name;
    node.kind = kind;
    node.col = count % per_row;
    node.row = base_row + count / per_row;
    node.blurb = "reached on this run; not part of the usual drawing";
    node.extra = true;
    nodes.push_back(node);
    rows = std::max(rows, node.row + 1);
    return static_cast<int>(nodes.size() - 1);
}

PathGraph make_path_graph(Era era) {
    PathGraph graph;
    graph.era = era;
    // Which nodes an era has comes from the shared symbol table; the specs
    // here only place and describe them. The two exits are instructions,
    // every era has them.
    auto add_nodes = [&](const NodeSpec* begin, const NodeSpec* end) {
        for (const NodeSpec* s = begin; s != end; s++) {
            if (s->kind != NodeKind::Exit) {
                const EraSymbol* sym = era_symbol(era, s->name);
                if (!sym || !sym->graph) continue;
            }
            if (graph.find(s->name) >= 0) continue;  // an exit placed by the era's own specs
            GraphNode node;
            node.name = s->name;
            node.kind = s->kind;
            node.col = s->col;
            node.row = s->row;
            node.blurb = s->blurb;
            graph.nodes.push_back(node);
            graph.cols = std::max(graph.cols, node.col + 1);
            graph.rows = std::max(graph.rows, node.row + 1);
        }
    };
    auto add_edges = [&](const EdgeSpec* begin, const EdgeSpec* end) {
        for (const EdgeSpec* s = begin; s != end; s++) {
            int from = graph.find(s->from), to = graph.find(s->to);
            if (from >= 0 && to >= 0) graph.edges.push_back({from, to});
        }
    };
    // The modern drawing is its own: its specs go first, so its exits win.
    if (era == Era::Modern) add_nodes(std::begin(kModernNodes), std::end(kModernNodes));
    add_nodes(std::begin(kCommonNodes), std::end(kCommonNodes));
    add_nodes(std::begin(kV313Nodes), std::end(kV313Nodes));
    add_nodes(std::begin(kRfcNodes), std::end(kRfcNodes));
    add_nodes(std::begin(kModernNodes), std::end(kModernNodes));
    // An edge joins two nodes of this era or is skipped.
    add_edges(std::begin(kCommonEdges), std::end(kCommonEdges));
    if (era == Era::V3_13) {
        add_edges(std::begin(kV313Edges), std::end(kV313Edges));
    } else if (era == Era::Rfc) {
        add_edges(std::begin(kRfcEdges), std::end(kRfcEdges));
    } else {
        add_edges(std::begin(kModernEdges), std::end(kModernEdges));
    }
    return graph;
}

GhostRoute ghost_route(const PathGraph& graph, const std::vector<std::string>& names) {
    GhostRoute ghost;
    int last = -1;
    for (const std::string& name : names) {
        int node = graph.find(name);
        if (node < 0 || node == last) continue;
        if (last >= 0) ghost.edges.push_back({last, node});
        ghost.visits.push_back(node);
        last = node;
    }
    return ghost;
}

LitRoute light_route(PathGraph& graph, const Snapshot& snap, const Trace& trace) {
    LitRoute lit;
    int last_node = -1;
    for (const RouteStep& step : snap.route) {
        int node = graph.find(step.name);
        if (node < 0 && step.kind == EventKind::Label)
            node = graph.add_extra(step.name, NodeKind::Label);
        if (node < 0) {
            // A C function that is not a node of its own: note it under the
            // node that called it (the handler under system_call_fastpath...).
            if (last_node >= 0) {
                auto& list = lit.callees[last_node];
                if (std::find(list.begin(), list.end(), step.name) == list.end())
                    list.push_back(step.name);
            }
            continue;
        }
        if (node == last_node) continue;
        if (last_node >= 0) lit.edges.push_back({last_node, node});
        lit.visits.push_back(node);
        last_node = node;
    }
    if (snap.decision && *snap.decision < trace.events.size()) {
        const Event& decision = trace.events[*snap.decision];
        lit.chosen_exit =
            graph.find(decision.decision() == SP_DECISION_SYSRET ? kSysretNode : kIretNode);
        lit.decision_why = decision_why(decision);
    }
    if (snap.exit_event && *snap.exit_event < trace.events.size()) {
        const Event& exit = trace.events[*snap.exit_event];
        int node = graph.find(exit.kind == EventKind::Sysret ? kSysretNode : kIretNode);
        if (node >= 0 && node != last_node) {
            if (last_node >= 0) lit.edges.push_back({last_node, node});
            lit.visits.push_back(node);
            last_node = node;
        }
        lit.exited = true;
    }
    lit.current = last_node;
    if (lit.visits.size() >= 2) lit.previous = lit.visits[lit.visits.size() - 2];
    return lit;
}

GraphLayout layout_graph(const PathGraph& graph, const GraphShape& shape,
                         const std::vector<float>& label_em, float font, const GraphGeometry& geo) {
    GraphLayout out;
    int cols = static_cast<int>(shape.col_text_em.size());
    int rows = static_cast<int>(shape.row_lines.size());
    float gap = geo.row_gap();
    std::vector<float> col_x(cols + 1), row_y(rows + 1, 0.0f);
    float x = geo.hgap * 0.25f * font;  // room for the token left of the first column
    for (int i = 0; i < cols; i++) {
        col_x[i] = x;
        x += (shape.col_text_em[i] + geo.pad_x * 2 + geo.hgap) * font;
    }
    col_x[cols] = x;
    for (int r = 0; r < rows; r++)
        row_y[r + 1] = row_y[r] + (graph_row_height_em(shape, r, geo) + gap) * font;
    out.width = graph_width_em(shape, geo) * font;
    out.height = graph_height_em(shape, geo) * font;
    out.call_font = geo.call * font;
    out.nodes.resize(graph.nodes.size());
    out.calls.resize(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); i++) {
        const GraphNode& n = graph.nodes[i];
        if (n.col < 0 || n.col >= cols || n.row < 0 || n.row >= rows) continue;
        float col_w = (shape.col_text_em[n.col] + geo.pad_x * 2) * font;
        float w = ((i < label_em.size() ? label_em[i] : 0.0f) + geo.pad_x * 2) * font;
        float cx = col_x[n.col] + col_w * 0.5f;
        float y = row_y[n.row];
        GraphRect& box = out.nodes[i];
        box = {cx - w * 0.5f, y, cx + w * 0.5f, y + graph_row_height_em(shape, n.row, geo) * font};
        if (n.kind == NodeKind::Exit) continue;
        // Short of the next column by a fifth of the gap: the arrows' room.
        float right = col_x[n.col + 1] - geo.hgap * 0.2f * font;
        float top = box.y1 + geo.call * 0.04f * font;
        out.calls[i] = {box.x0, top, std::max(right, box.x1), top + geo.call * font};
    }
    // Without room between the rows a call line shows only where no node
    // lies under it; the node's tooltip lists the calls either way.
    for (GraphRect& room : out.calls)
        for (const GraphRect& box : out.nodes)
            if (room.intersects(box)) {
                room = GraphRect{};
                break;
            }
    return out;
}

std::vector<std::string> graph_overlaps(const PathGraph& graph, const GraphLayout& layout) {
    std::vector<std::string> out;
    size_t n = std::min(graph.nodes.size(), layout.nodes.size());
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) {
            if (a == b) continue;
            bool box = a < b && layout.nodes[a].intersects(layout.nodes[b]);
            bool call = a < layout.calls.size() && layout.calls[a].intersects(layout.nodes[b]);
            if (box || call)
                out.push_back(graph.nodes[a].name + (call ? " calls" : "") + " over " +
                              graph.nodes[b].name);
        }
    return out;
}

}  // namespace slowpath::gui
