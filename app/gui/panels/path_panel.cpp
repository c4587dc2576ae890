#include "panels/path_panel.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "model/fit.h"
#include "model/glossary.h"
#include "slowpath/decode.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

ImVec2 lerp(ImVec2 a, ImVec2 b, float t) {
    return ImVec2(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
}

void arrow_head(ImDrawList* draw, ImVec2 tip, ImVec2 from, ImU32 color, float size) {
    float dx = tip.x - from.x, dy = tip.y - from.y;
    float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f) return;
    dx /= len;
    dy /= len;
    ImVec2 base(tip.x - dx * size, tip.y - dy * size);
    ImVec2 left(base.x - dy * size * 0.5f, base.y + dx * size * 0.5f);
    ImVec2 right(base.x + dy * size * 0.5f, base.y - dx * size * 0.5f);
    draw->AddTriangleFilled(tip, left, right, color);
}

struct Box {
    ImVec2 min, max;
    ImVec2 center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

// Where an edge leaves `a` and enters `b`, and the control points of a curve.
struct EdgeGeometry {
    ImVec2 p0, c0, c1, p1;
};

EdgeGeometry edge_geometry(const Box& a, const Box& b, const GraphNode& na, const GraphNode& nb,
                           float offset) {
    EdgeGeometry g;
    if (nb.col != na.col) {
        bool right = nb.col > na.col;
        float ay = a.center().y + offset, by = b.center().y + offset;
        g.p0 = ImVec2(right ? a.max.x : a.min.x, ay);
        g.p1 = ImVec2(right ? b.min.x : b.max.x, by);
        float dx = (g.p1.x - g.p0.x) * 0.45f;
        g.c0 = ImVec2(g.p0.x + dx, g.p0.y);
        g.c1 = ImVec2(g.p1.x - dx, g.p1.y);
    } else {
        bool down = nb.row > na.row;
        float ax = a.center().x + offset, bx = b.center().x + offset;
        g.p0 = ImVec2(ax, down ? a.max.y : a.min.y);
        g.p1 = ImVec2(bx, down ? b.min.y : b.max.y);
        float dy = (g.p1.y - g.p0.y) * 0.4f;
        g.c0 = ImVec2(g.p0.x, g.p0.y + dy);
        g.c1 = ImVec2(g.p1.x, g.p1.y - dy);
    }
    return g;
}

ImVec2 bezier(const EdgeGeometry& g, float t) {
    float u = 1 - t;
    float w0 = u * u * u, w1 = 3 * u * u * t, w2 = 3 * u * t * t, w3 = t * t * t;
    return ImVec2(w0 * g.p0.x + w1 * g.c0.x + w2 * g.c1.x + w3 * g.p1.x,
                  w0 * g.p0.y + w1 * g.c0.y + w2 * g.c1.y + w3 * g.p1.y);
}

// A box of the layout (pixels from the drawing's top left) on screen.
Box at(ImVec2 origin, const GraphRect& r) {
    return Box{ImVec2(origin.x + r.x0, origin.y + r.y0), ImVec2(origin.x + r.x1, origin.y + r.y1)};
}

// ---- edges: all of them faint, the route lit on top ----
void draw_edges(ImDrawList* draw, UiContext& ctx, const PathGraph& graph, const LitRoute& lit,
                const GhostRoute& ghost, const std::vector<Box>& boxes, float scale) {
    const Palette& c = ctx.colors;
    ImFont* small = ctx.fonts.small;
    std::map<std::pair<int, int>, int> traversals;
    for (const auto& e : lit.edges) traversals[e]++;
    auto draw_edge = [&](int from, int to, ImU32 color, float thickness, bool head) {
        const GraphNode& na = graph.nodes[from];
        const GraphNode& nb = graph.nodes[to];
        float offset = graph.has_edge(to, from) ? (from < to ? -4.0f : 4.0f) * scale : 0.0f;
        EdgeGeometry g = edge_geometry(boxes[from], boxes[to], na, nb, offset);
        draw->AddBezierCubic(g.p0, g.c0, g.c1, g.p1, color, thickness, 0);  // 0: by tolerance
        if (head) arrow_head(draw, g.p1, bezier(g, 0.85f), color, 7.0f * scale);
        return g;
    };
    for (const GraphEdge& e : graph.edges) draw_edge(e.from, e.to, c.edge, 1.2f * scale, true);
    // The earlier scene's route (ghost: true), faint, under this one's.
    for (const auto& [from, to] : ghost.edges) {
        // Dashed, so it reads as another route where the two part ways.
        EdgeGeometry g =
            edge_geometry(boxes[from], boxes[to], graph.nodes[from], graph.nodes[to],
                          graph.has_edge(to, from) ? (from < to ? -4.0f : 4.0f) * scale : 0.0f);
        for (int k = 0; k < 24; k += 2)
            draw->AddLine(bezier(g, k / 24.0f), bezier(g, (k + 1) / 24.0f),
                          with_alpha(c.text, 0.5f), 2.4f * scale);
    }
    for (const auto& [edge, count] : traversals) {
        EdgeGeometry g = draw_edge(edge.first, edge.second, c.edge_lit, 2.6f * scale, true);
        if (count > 1) {
            std::string times = "\xc3\x97" + std::to_string(count);
            ImVec2 mid = bezier(g, 0.5f);
            draw->AddText(small, small->FontSize * std::max(scale, 0.8f),
                          ImVec2(mid.x + 3, mid.y - small->FontSize), c.edge_lit, times.c_str());
        }
    }
}

}  // namespace

void PathPanel::update_route(UiContext& ctx, Pane& pane, PerPane& st) {
    const Snapshot& s = pane.now();
    Era era = pane.scenario().era;
    if (!st.built || st.era != era || st.revision != pane.trace_revision()) {
        st.graph = make_path_graph(era);
        st.era = era;
        st.built = true;
        st.revision = pane.trace_revision();
        st.generation = UINT64_MAX;
    }
    if (st.generation != pane.generation()) {
        int old_current = st.lit.current;
        st.lit = light_route(st.graph, s, *pane.trace());
        if (st.lit.current != old_current) {
            st.token_from = old_current >= 0 ? old_current : st.lit.current;
            st.token_to = st.lit.current;
            st.token.from = 0.0f;
            st.token.snap(0.0f);
            st.token.retarget(1.0f, ctx.clock, 1.2);
            if (st.lit.current >= 0) st.arrive.trigger(ctx.clock, 2.0);
        }
        st.generation = pane.generation();
    }
}

void PathPanel::draw(UiContext& ctx, Pane& pane, int pane_index) {
    PerPane& st = panes_[pane_index & 1];
    const Palette& c = ctx.colors;
    if (draw_no_machine(ctx, pane)) return;
    update_route(ctx, pane, st);
    const PathGraph& graph = st.graph;
    const LitRoute& lit = st.lit;

    // ---- layout: the label size that fits the panel (model/path_fit.h) ----
    ImFont* font = ctx.fonts.bold;
    float base = font->FontSize;
    auto em = [&](const std::string& t) {
        return font->CalcTextSizeA(base, FLT_MAX, 0, t.c_str()).x / base;
    };
    ImVec2 avail = ImGui::GetContentRegionAvail();
    // The decision banner takes the lines its reason wraps to (a tampered
    // rip's reason runs to three at 1280 px), the graph what is left.
    DecisionBanner banner = decision_banner(graph, lit, pane.now(), *pane.trace());
    ImGui::PushFont(ctx.fonts.heading);
    float banner_head_w = ImGui::CalcTextSize(banner.head.c_str()).x;
    ImGui::PopFont();
    float banner_wrap = avail.x - 16 * ctx.scale - banner_head_w - ImGui::GetFontSize();
    float why_h = ImGui::CalcTextSize(banner.why.c_str(), nullptr, false, banner_wrap).y;
    float banner_h = std::max(ImGui::GetTextLineHeightWithSpacing() * 2.1f,
                              why_h + ImGui::GetTextLineHeight() * 0.6f);
    banner_h =
        std::min(banner_h, std::max(avail.y * 0.4f, ImGui::GetTextLineHeightWithSpacing() * 2.1f));
    names_only_checks_ = false;
    float checks_h = sysret_checks_height(ctx, pane, avail.x, nullptr);
    if (checks_h > avail.y * 0.2f) {
        names_only_checks_ = true;
        checks_h = sysret_checks_height(ctx, pane, avail.x, nullptr);
    }
    PathFitInput in{avail.x, avail.y, banner_h, checks_h, base, ImGui::GetFontSize()};
    PathFit fit = fit_path(graph, em, in);
    ImGui::BeginChild("##graph", ImVec2(avail.x, fit.graph_h), false,
                      ImGuiWindowFlags_HorizontalScrollbar);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    // Smooth curves here (the rest of the app draws without anti-aliasing).
    draw->Flags |= ImDrawListFlags_AntiAliasedLines | ImDrawListFlags_AntiAliasedFill;
    ImVec2 origin = ImGui::GetCursorScreenPos();
    // Centre the drawing when it is smaller than the panel.
    origin.x += fit.offset_x;
    origin.y += fit.offset_y;
    ImGui::Dummy(ImVec2(fit.fit.width, fit.fit.height));
    float scale = fit.stroke_scale;  // for strokes and markers
    std::vector<Box> boxes(graph.nodes.size());
    for (size_t i = 0; i < graph.nodes.size(); i++) boxes[i] = at(origin, fit.layout.nodes[i]);
    report_fit(id(), fit.report, static_cast<uint64_t>(ImGui::GetFrameCount()));

    const GhostRoute ghost = ghost_route(graph, pane.ghost());
    draw_edges(draw, ctx, graph, lit, ghost, boxes, scale);
    int hovered = draw_nodes(ctx, st, fit, ghost, origin);

    // ---- the token, gliding from the previous node to the current one ----
    if (lit.current >= 0) {
        ImVec2 to = ImVec2(boxes[lit.current].min.x, boxes[lit.current].center().y);
        ImVec2 pos = to;
        if (st.token_from >= 0 && st.token_to == lit.current && st.token.active(ctx.clock.now)) {
            ImVec2 from = ImVec2(boxes[st.token_from].min.x, boxes[st.token_from].center().y);
            pos = lerp(from, to, st.token.value(ctx.clock.now));
        }
        float r = 5.5f * scale;
        draw->AddCircleFilled(pos, r, c.token);
        draw->AddCircle(pos, r, c.panel_bg, 0, 1.5f);
    }
    ImGui::EndChild();

    if (hovered >= 0) {
        int visits = 0;
        for (int v : lit.visits) visits += v == hovered;
        auto callees = lit.callees.find(hovered);
        std::string tip = node_tooltip(graph.nodes[hovered], visits,
                                       callees != lit.callees.end() ? &callees->second : nullptr);
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
        ImGui::TextUnformatted(tip.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }

    if (fit.checks_h > 0) draw_sysret_checks(ctx, pane, avail.x);
    draw_banner(ctx, banner);
}

int PathPanel::draw_nodes(UiContext& ctx, PerPane& st, const PathFit& fit, const GhostRoute& ghost,
                          ImVec2 origin) {
    const Palette& c = ctx.colors;
    const PathGraph& graph = st.graph;
    const LitRoute& lit = st.lit;
    const GraphLayout& layout = fit.layout;
    const auto& split = fit.lines;
    const GraphGeometry& geo = fit.geo;
    ImFont* font = ctx.fonts.bold;
    ImFont* small = ctx.fonts.small;
    float fs = fit.fit.font;
    float scale = fit.stroke_scale;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    std::vector<int> visit_count(graph.nodes.size(), 0);
    for (int v : lit.visits) visit_count[v]++;
    std::vector<bool> ghost_visit(graph.nodes.size(), false);
    for (int v : ghost.visits) ghost_visit[v] = true;
    int hovered = -1;
    for (size_t i = 0; i < graph.nodes.size(); i++) {
        const GraphNode& n = graph.nodes[i];
        const Box b = at(origin, layout.nodes[i]);
        bool visited = visit_count[i] > 0;
        bool current = static_cast<int>(i) == lit.current;
        float rounding = n.kind == NodeKind::Exit ? (b.max.y - b.min.y) * 0.5f : 4.0f * scale;
        ImU32 bg = n.kind == NodeKind::Function ? c.node_function_bg : c.node_bg;
        ImU32 border = c.node_border;
        ImU32 fg = c.node_text;
        if (visited) {
            bg = c.node_visited_bg;
            border = c.node_visited_border;
            fg = c.text_strong;
        } else if (ghost_visit[i]) {
            border = with_alpha(c.text, 0.55f);
        }
        if (n.kind == NodeKind::Exit) {
            bool is_sysret = n.name == kSysretNode;
            ImU32 accent = is_sysret ? c.sysret : c.iret;
            border = accent;
            fg = accent;
            if (static_cast<int>(i) == lit.chosen_exit || (visited && lit.exited)) {
                bg = is_sysret ? c.sysret_bg : c.iret_bg;
                fg = c.text_strong;
            }
        }
        // The fill without anti-aliasing: its edge lies under the border,
        // which is anti-aliased (a fringe costs a software renderer thin
        // triangles around every node for pixels nobody sees).
        draw->Flags &= ~ImDrawListFlags_AntiAliasedFill;
        draw->AddRectFilled(b.min, b.max, bg, rounding);
        draw->Flags |= ImDrawListFlags_AntiAliasedFill;
        float thickness = current ? 2.8f * scale : (visited ? 1.6f : 1.0f) * scale;
        if (current) border = c.node_current_border;
        draw->AddRect(b.min, b.max, border, rounding, 0, thickness);
        if (current) {
            float glow = st.arrive.strength(ctx.clock.now);
            if (glow > 0)
                draw->AddRect(ImVec2(b.min.x - 4 * glow * scale, b.min.y - 4 * glow * scale),
                              ImVec2(b.max.x + 4 * glow * scale, b.max.y + 4 * glow * scale),
                              with_alpha(c.node_current_border, glow * 0.7f), rounding, 0, 2.0f);
        }
        if (!split[i].second.empty()) {
            const std::string& l1 = split[i].first;
            const std::string& l2 = split[i].second;
            float lh = geo.line * fs;
            ImVec2 t1 = font->CalcTextSizeA(fs, FLT_MAX, 0, l1.c_str());
            ImVec2 t2 = font->CalcTextSizeA(fs, FLT_MAX, 0, l2.c_str());
            float top = b.center().y - lh;
            draw->AddText(font, fs, ImVec2(b.center().x - t1.x * 0.5f, top + (lh - t1.y) * 0.5f),
                          fg, l1.c_str());
            draw->AddText(font, fs,
                          ImVec2(b.center().x - t2.x * 0.5f, top + lh + (lh - t2.y) * 0.5f), fg,
                          l2.c_str());
        } else {
            ImVec2 ts = font->CalcTextSizeA(fs, FLT_MAX, 0, n.name.c_str());
            draw->AddText(font, fs, ImVec2(b.center().x - ts.x * 0.5f, b.center().y - ts.y * 0.5f),
                          fg, n.name.c_str());
        }
        // C functions entered below this node, small, under it.
        auto callees = lit.callees.find(static_cast<int>(i));
        if (callees != lit.callees.end() && !layout.calls[i].empty()) {
            // As many names as fit the room under the node (the row below
            // is clear of it); the tooltip has them all.
            Box room = at(origin, layout.calls[i]);
            float sfs = layout.call_font;
            std::string list = call_line(
                callees->second, room.max.x - room.min.x - 2 * scale, [&](const std::string& t) {
                    return small->CalcTextSizeA(sfs, FLT_MAX, 0, t.c_str()).x;
                });
            draw->PushClipRect(room.min, room.max, true);
            draw->AddText(small, sfs, ImVec2(room.min.x + 2 * scale, room.min.y), c.event_call,
                          list.c_str());
            draw->PopClipRect();
        }
        ImGui::SetCursorScreenPos(b.min);
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::InvisibleButton("##node", ImVec2(std::max(b.max.x - b.min.x, 1.0f),
                                                    std::max(b.max.y - b.min.y, 1.0f)))) {
            if (n.kind == NodeKind::Exit)
                ctx.command("ring3");
            else
                ctx.command("label " + n.name);
        }
        ctx.mark("node:" + n.name);
        if (ImGui::IsItemHovered()) hovered = static_cast<int>(i);
        ImGui::PopID();
        ctx.outline_if_pointed(id(), n.name, b.min, b.max);
    }
    return hovered;
}

// ---- the decision ----
void PathPanel::draw_banner(UiContext& ctx, const DecisionBanner& banner) {
    const Palette& c = ctx.colors;
    ImVec2 p = ImGui::GetCursorScreenPos();
    float w = ImGui::GetContentRegionAvail().x;
    float h = ImGui::GetContentRegionAvail().y - 2;
    ImDrawList* wdraw = ImGui::GetWindowDrawList();
    const std::string& head = banner.head;
    const std::string& why = banner.why;
    bool sysret = banner.kind == DecisionBanner::Kind::Sysret;
    bool decided = sysret || banner.kind == DecisionBanner::Kind::Iret;
    ImU32 accent = !decided ? c.text_dim : sysret ? c.sysret : c.iret;
    ImU32 bg = !decided ? c.header_bg : sysret ? c.sysret_bg : c.iret_bg;
    ImGui::PushClipRect(p, ImVec2(p.x + w, p.y + h), true);  // long reasons stay in the banner
    wdraw->AddRectFilled(p, ImVec2(p.x + w, p.y + h), bg, 4.0f);
    wdraw->AddRectFilled(p, ImVec2(p.x + 4 * ctx.scale, p.y + h), accent, 4.0f);
    float text_x = p.x + 10 * ctx.scale;
    ImGui::SetCursorScreenPos(ImVec2(text_x, p.y + (h - ImGui::GetTextLineHeight() * 2) * 0.5f));
    ImGui::BeginGroup();
    ImGui::PushFont(ctx.fonts.heading);
    float head_w = ImGui::CalcTextSize(head.c_str()).x;
    ImGui::SetCursorScreenPos(ImVec2(text_x, p.y + (h - ImGui::GetTextLineHeight()) * 0.5f));
    text(accent, head);
    ImGui::PopFont();
    ImGui::SameLine(0, ImGui::GetFontSize());
    float wrap_x = p.x + w - 6 * ctx.scale;
    ImVec2 why_size = ImGui::CalcTextSize(why.c_str(), nullptr, false,
                                          wrap_x - (text_x + head_w + ImGui::GetFontSize()));
    ImGui::SetCursorScreenPos(
        ImVec2(text_x + head_w + ImGui::GetFontSize(), p.y + (h - why_size.y) * 0.5f));
    ImGui::PushTextWrapPos(wrap_x - ImGui::GetWindowPos().x);
    text(c.text, why);
    {
        FitReport banner;
        banner.avail_w = w;
        banner.avail_h = h;
        banner.content_w = head_w + why_size.x;
        banner.content_h = std::max(why_size.y, ImGui::GetTextLineHeight());
        banner.fits = why_size.y <= h + 0.5f && h >= ImGui::GetTextLineHeight();
        if (!banner.fits) banner.clipped.push_back("decision banner");
        report_fit(id(), banner, static_cast<uint64_t>(ImGui::GetFrameCount()));
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImGui::PopClipRect();
    ctx.outline_if_pointed(id(), "decision", p, ImVec2(p.x + w, p.y + h));
}

namespace {

struct CheckCellText {
    std::string head, values;
};

CheckCellText cell_text(const SysretCheckRow& row) {
    const char* mark = !row.made ? "\xc2\xb7 " : row.passed ? "\xe2\x9c\x93 " : "\xe2\x9c\x97 ";
    CheckCellText t;
    t.head = mark + std::string(row.info->name);
    // A failed comparison reads as what was found.
    std::string op(sysret_test_op(row.info->test));
    if (row.made && !row.passed && row.info->test == SysretTest::Equal) op = " != ";
    if (row.made && !row.passed && row.info->test == SysretTest::Below) op = " >= ";
    t.values = ": " + hex(row.value) + op + hex(row.against);
    return t;
}

}  // namespace

float PathPanel::sysret_checks_height(UiContext& ctx, const Pane& pane, float width,
                                      int* cols_out) const {
    if (!pane.ok() || pane.scenario().era != Era::Modern) return 0.0f;
    const Snapshot& s = pane.now();
    SysretChecksView v = sysret_checks_at(*pane.trace(), s.shown_syscall, s.step, s.pt_regs);
    if (!v.present) return 0.0f;
    ImFont* small = ctx.fonts.small;
    float fs = small->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    // One line a check: its name, then the two values compared.
    float cell_w = 0;
    for (const SysretCheckRow& row : v.rows) {
        CheckCellText t = cell_text(row);
        float values_w =
            names_only_checks_ ? 0.0f : small->CalcTextSizeA(fs, FLT_MAX, 0, t.values.c_str()).x;
        cell_w =
            std::max(cell_w, small->CalcTextSizeA(fs, FLT_MAX, 0, t.head.c_str()).x + values_w);
    }
    cell_w += fs * 1.6f;
    checks_one_line_ = false;
    if (names_only_checks_ && v.rows.size() == check_w_.size() && 6 * cell_w > width) {
        // Each cell as wide as its name, the room left shared out.
        float sum = 0;
        for (size_t i = 0; i < v.rows.size(); i++) {
            check_w_[i] =
                small->CalcTextSizeA(fs, FLT_MAX, 0, cell_text(v.rows[i]).head.c_str()).x + fs;
            sum += check_w_[i];
        }
        float spare = width - sum - 5 * 2.0f;
        if (spare >= 0) {
            float x = 0;
            for (size_t i = 0; i < check_w_.size(); i++) {
                check_w_[i] = std::floor(check_w_[i] + spare / 6);
                check_x_[i] = x;
                x += check_w_[i] + 2.0f;
            }
            checks_one_line_ = true;
            if (cols_out) *cols_out = 6;
            return fs * 1.5f + 4.0f;
        }
    }
    int cols = 1;
    for (int c : {6, 3, 2})
        if (c * cell_w <= width) {
            cols = c;
            break;
        }
    if (cols_out) *cols_out = cols;
    int rows = (6 + cols - 1) / cols;
    float cell_h = fs * 1.5f;
    return rows * (cell_h + 2.0f) + 2.0f;
}

float PathPanel::draw_sysret_checks(UiContext& ctx, Pane& pane, float width) {
    if (width <= 0) width = ImGui::GetContentRegionAvail().x;
    int cols = 1;
    float height = sysret_checks_height(ctx, pane, width, &cols);
    if (height <= 0) return 0.0f;
    const Palette& c = ctx.colors;
    const Snapshot& s = pane.now();
    SysretChecksView v = sysret_checks_at(*pane.trace(), s.shown_syscall, s.step, s.pt_regs);
    ImFont* small = ctx.fonts.small;
    float fs = small->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    float cell_h = fs * 1.5f;
    float cell_w = std::floor((width - (cols - 1) * 2.0f) / cols);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetCursorScreenPos();
    for (size_t i = 0; i < v.rows.size(); i++) {
        const SysretCheckRow& row = v.rows[i];
        bool first_failed = static_cast<int>(i) == v.first_failed;
        bool skipped = !row.made && v.first_failed >= 0;  // do_syscall_64() had already returned
        int col = static_cast<int>(i) % cols, r = static_cast<int>(i) / cols;
        ImVec2 a(origin.x + col * (cell_w + 2.0f), origin.y + r * (cell_h + 2.0f));
        if (checks_one_line_) a.x = origin.x + check_x_[i];
        float this_w = checks_one_line_ ? check_w_[i] : cell_w;
        ImVec2 b(a.x + this_w, a.y + cell_h);
        ImU32 bg = first_failed ? c.iret_bg : row.made ? c.node_visited_bg : c.header_bg;
        ImU32 border = first_failed ? c.iret
                       : row.made   ? c.ok
                                    : ImGui::GetColorU32(ImGuiCol_Border);
        draw->AddRectFilled(a, b, bg, 3.0f);
        draw->AddRect(a, b, border, 3.0f, 0, first_failed ? 2.0f : 1.0f);
        CheckCellText t = cell_text(row);
        ImU32 head_color = !row.made ? c.text_faint : row.passed ? c.ok : c.iret;
        float pad = fs * 0.4f;
        draw->AddText(small, fs, ImVec2(a.x + pad, a.y + fs * 0.25f), head_color, t.head.c_str());
        float head_w = small->CalcTextSizeA(fs, FLT_MAX, 0, t.head.c_str()).x;
        if (!names_only_checks_)
            draw->AddText(small, fs, ImVec2(a.x + pad + head_w, a.y + fs * 0.25f),
                          row.made ? c.text : c.text_faint, t.values.c_str());
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(static_cast<int>(i));
        ImGui::InvisibleButton("##sysret-check", ImVec2(std::max(this_w, 1.0f), cell_h));
        ImGui::PopID();
        ctx.mark("sysret-check:" + std::string(row.info->name));
        std::string tip = std::string(row.info->name) + ": " + std::string(row.info->why) + "\n";
        const std::string values =
            t.values.substr(2);  // without the ": " that joins it to the name
        if (row.made)
            tip += "made at step " + std::to_string(row.step) + ": " + values + " -> " +
                   (row.passed ? "passes"
                               : "fails: do_syscall_64() returns false, the exit uses iret");
        else if (skipped)
            tip +=
                "not made: do_syscall_64() returned at the first failure. pt_regs now: " + values +
                (row.passed ? " (would pass)" : " (would fail too)");
        else
            tip += "not made yet (do_syscall_64() makes it after the exit work). pt_regs now: " +
                   values;
        if (first_failed) tip += "\nthe first check that failed";
        tooltip(tip, 36.0f);
        ctx.outline_if_pointed(id(), std::string(row.info->name), a, b);
    }
    int rows = (6 + cols - 1) / cols;
    ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + rows * (cell_h + 2.0f) + 2.0f));
    ImGui::Dummy(ImVec2(width, 0.0f));
    return height;
}

}  // namespace slowpath::gui
