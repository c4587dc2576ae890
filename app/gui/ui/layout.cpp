#include "ui/layout.h"

#include <algorithm>
#include <cmath>

namespace slowpath::gui {

float default_split(const std::string& name) {
    static const std::map<std::string, float> defaults = {
        {"body.top", 0.38f},       // path and flags: share of the body's height
        {"body.bottom", 0.17f},    // events and user side: share of the body's height
        {"top.path", 0.64f},       // path: share of the top row's width
        {"mid.code", 0.38f},       // code: share of the middle row's width
        {"mid.stack", 0.5f},       // kernel stack: share of what code leaves
        {"bottom.events", 0.5f},   // events: share of the bottom row's width
        {"aside", 0.26f},          // aside column: share of the window's width
        {"present.top", 0.46f},    // presenter mode: the graph's share of the body's height
        {"present.stack", 0.38f},  // the kernel stack's share of the bottom row
        {"present.tif", 0.5f},     // the flags' share of what the stack leaves
        {"aside.stack", 0.45f},    // beside a tour: the stack's share of the bottom row
    };
    auto it = defaults.find(name);
    return it == defaults.end() ? 0.5f : it->second;
}

namespace {

float ratio(const Settings& s, const char* name) {
    return s.split(name, default_split(name));
}

// The presenter's body (also with the aside column: the narrower body cannot
// hold the full grid). The path graph across the whole width (it is the
// lesson and needs the room: six columns of long labels), then the kernel
// stack, the flags, and one tabbed slot for code, registers, user side, events.
void presenter_layout(Layout& layout, const Settings& settings, bool aside, float g, float body_w,
                      float body_top, float body_h) {
    float top_h = std::floor(body_h * ratio(settings, "present.top"));
    float y_bottom = body_top + top_h + g;
    float bottom_h = body_h - top_h - g;
    layout.slots["path"] = {ImVec2(0, body_top), ImVec2(body_w, top_h)};
    layout.splitters.push_back({"present.top",
                                {ImVec2(0, body_top + top_h), ImVec2(body_w, g)},
                                false,
                                body_h,
                                0.25f,
                                0.7f});
    if (aside) {
        // Narrower still: the stack, then the flags in front of a tab
        // group with the rest.
        float stack_w = std::floor((body_w - g) * ratio(settings, "aside.stack"));
        layout.slots["stack"] = {ImVec2(0, y_bottom), ImVec2(stack_w, bottom_h)};
        layout.slots["tabs"] = {ImVec2(stack_w + g, y_bottom),
                                ImVec2(body_w - stack_w - g, bottom_h)};
        layout.groups["tabs"] = {"tif", "code", "regs", "user", "events"};
        layout.splitters.push_back(
            {"aside.stack", {ImVec2(stack_w, y_bottom), ImVec2(g, bottom_h)}, true, body_w - g});
        return;
    }
    float stack_w = std::floor((body_w - 2 * g) * ratio(settings, "present.stack"));
    float rest = body_w - stack_w - 2 * g;
    float tif_w = std::floor(rest * ratio(settings, "present.tif"));
    layout.slots["stack"] = {ImVec2(0, y_bottom), ImVec2(stack_w, bottom_h)};
    // The run's lists share the flags' slot as tabs (the flags first): the
    // other tab row has no room for two more labels at presenter sizes.
    layout.slots["flags"] = {ImVec2(stack_w + g, y_bottom), ImVec2(tif_w, bottom_h)};
    layout.groups["flags"] = {"tif", "syscalls", "tasks"};
    layout.slots["more"] = {ImVec2(stack_w + g + tif_w + g, y_bottom),
                            ImVec2(rest - tif_w, bottom_h)};
    layout.groups["more"] = {"code", "regs", "user", "events"};
    layout.splitters.push_back(
        {"present.stack", {ImVec2(stack_w, y_bottom), ImVec2(g, bottom_h)}, true, body_w - 2 * g});
    layout.splitters.push_back(
        {"present.tif", {ImVec2(stack_w + g + tif_w, y_bottom), ImVec2(g, bottom_h)}, true, rest});
}

// Keeps only the panels a lesson shows: a tab group loses the other tabs (one
// left is a slot of its own), a hidden slot's room goes to a neighbour in its
// row, or, a row gone, to the row beside it. The splits are fixed then.
void keep_panels(Layout& layout, const std::vector<std::string>& shown, float g) {
    auto wanted = [&](const std::string& id) {
        return std::find(shown.begin(), shown.end(), id) != shown.end();
    };
    auto fixed = [](const std::string& slot) {
        return slot == "controls" || slot == "status" || slot == "aside" || slot == "error" ||
               slot == "compare";
    };
    std::vector<std::pair<std::string, Rect>> hidden;
    for (auto it = layout.groups.begin(); it != layout.groups.end();) {
        std::vector<std::string>& ids = it->second;
        ids.erase(
            std::remove_if(ids.begin(), ids.end(), [&](const auto& id) { return !wanted(id); }),
            ids.end());
        Rect rect = layout.slots[it->first];
        if (ids.size() == 1) layout.slots[ids.front()] = rect;
        if (ids.size() <= 1) {
            layout.slots.erase(it->first);
            if (ids.empty()) hidden.emplace_back(it->first, rect);
            it = layout.groups.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = layout.slots.begin(); it != layout.slots.end();) {
        if (fixed(it->first) || layout.groups.count(it->first) || wanted(it->first)) {
            ++it;
            continue;
        }
        hidden.emplace_back(it->first, it->second);
        it = layout.slots.erase(it);
    }
    if (hidden.empty()) return;
    auto near = [](float a, float b) { return std::fabs(a - b) < 1.5f; };
    for (size_t pass = 0; pass < 2; pass++) {
        for (const auto& [name, r] : hidden) {
            Rect* grow = nullptr;
            for (auto& [slot, k] : layout.slots) {
                if (fixed(slot)) continue;
                bool row = near(k.min.y, r.min.y) && near(k.size.y, r.size.y) &&
                           (near(k.max().x + g, r.min.x) || near(r.max().x + g, k.min.x));
                bool column = pass == 1 && near(k.min.x, r.min.x) && near(k.size.x, r.size.x) &&
                              (near(k.max().y + g, r.min.y) || near(r.max().y + g, k.min.y));
                if (row || column) grow = &k;
                if (grow) break;
            }
            if (!grow) continue;
            ImVec2 lo(std::min(grow->min.x, r.min.x), std::min(grow->min.y, r.min.y));
            ImVec2 hi(std::max(grow->max().x, r.max().x), std::max(grow->max().y, r.max().y));
            *grow = {lo, ImVec2(hi.x - lo.x, hi.y - lo.y)};
        }
    }
    layout.splitters.erase(std::remove_if(layout.splitters.begin(), layout.splitters.end(),
                                          [](const Splitter& s) { return s.name != "aside"; }),
                           layout.splitters.end());
}

Layout compute_full_layout(const LayoutInput& in, const Settings& settings) {
    Layout layout;
    const float g = in.gap;
    float w = in.display.x, h = in.display.y;
    layout.slots["controls"] = {ImVec2(0, 0), ImVec2(w, in.controls_height)};
    layout.slots["status"] = {ImVec2(0, h - in.status_height), ImVec2(w, in.status_height)};

    float body_top = in.controls_height + g;
    float body_h = std::max(50.0f, h - in.status_height - g - body_top);
    float body_w = w;
    if (in.aside) {
        float aside_w = std::floor(w * ratio(settings, "aside"));
        body_w = w - aside_w - g;
        layout.slots["aside"] = {ImVec2(body_w + g, body_top), ImVec2(aside_w, body_h)};
        layout.splitters.push_back(
            {"aside", {ImVec2(body_w, body_top), ImVec2(g, body_h)}, true, w, 0.15f, 0.5f, true});
    }
    if (!in.machine_ok) {
        layout.slots["error"] = {ImVec2(0, body_top), ImVec2(body_w, body_h)};
        return layout;
    }
    if (in.comparing) {
        layout.slots["compare"] = {ImVec2(0, body_top), ImVec2(body_w, body_h)};
        return layout;
    }

    if (in.presenter || in.aside) {
        presenter_layout(layout, settings, in.aside, g, body_w, body_top, body_h);
        return layout;
    }

    float top_h = std::floor(body_h * ratio(settings, "body.top"));
    if (!settings.splits.count("body.top"))
        top_h = std::max(top_h, std::floor(std::min(in.path_min_height, body_h * 0.45f)));
    float bottom_h = std::floor(body_h * ratio(settings, "body.bottom"));
    float mid_h = body_h - top_h - bottom_h - 2 * g;
    if (mid_h < body_h * 0.15f) {  // splits dragged too far: keep the middle row usable
        top_h = std::floor(body_h * default_split("body.top"));
        bottom_h = std::floor(body_h * default_split("body.bottom"));
        mid_h = body_h - top_h - bottom_h - 2 * g;
    }
    float y_top = body_top, y_mid = y_top + top_h + g, y_bottom = y_mid + mid_h + g;

    float path_w = std::floor((body_w - g) * ratio(settings, "top.path"));
    layout.slots["path"] = {ImVec2(0, y_top), ImVec2(path_w, top_h)};
    layout.slots["tif"] = {ImVec2(path_w + g, y_top), ImVec2(body_w - path_w - g, top_h)};

    float code_w = std::floor((body_w - 2 * g) * ratio(settings, "mid.code"));
    float rest = body_w - code_w - 2 * g;
    float stack_w = std::floor(rest * ratio(settings, "mid.stack"));
    layout.slots["code"] = {ImVec2(0, y_mid), ImVec2(code_w, mid_h)};
    layout.slots["stack"] = {ImVec2(code_w + g, y_mid), ImVec2(stack_w, mid_h)};
    layout.slots["regs"] = {ImVec2(code_w + g + stack_w + g, y_mid), ImVec2(rest - stack_w, mid_h)};

    float events_w = std::floor((body_w - g) * ratio(settings, "bottom.events"));
    // The run's lists share the bottom-left slot: its events, its syscalls
    // (pick one to show) and the tasks at this step.
    layout.slots["lists"] = {ImVec2(0, y_bottom), ImVec2(events_w, bottom_h)};
    layout.groups["lists"] = {"events", "syscalls", "tasks"};
    layout.slots["user"] = {ImVec2(events_w + g, y_bottom),
                            ImVec2(body_w - events_w - g, bottom_h)};

    // Splitters sit in the gaps.
    layout.splitters.push_back(
        {"body.top", {ImVec2(0, y_top + top_h), ImVec2(body_w, g)}, false, body_h, 0.15f, 0.6f});
    layout.splitters.push_back({"body.bottom",
                                {ImVec2(0, y_mid + mid_h), ImVec2(body_w, g)},
                                false,
                                body_h,
                                0.1f,
                                0.6f,
                                true});
    layout.splitters.push_back(
        {"top.path", {ImVec2(path_w, y_top), ImVec2(g, top_h)}, true, body_w - g});
    layout.splitters.push_back(
        {"mid.code", {ImVec2(code_w, y_mid), ImVec2(g, mid_h)}, true, body_w - 2 * g});
    layout.splitters.push_back(
        {"mid.stack", {ImVec2(code_w + g + stack_w, y_mid), ImVec2(g, mid_h)}, true, rest});
    layout.splitters.push_back(
        {"bottom.events", {ImVec2(events_w, y_bottom), ImVec2(g, bottom_h)}, true, body_w - g});
    return layout;
}

}  // namespace

Layout compute_layout(const LayoutInput& in, const Settings& settings) {
    Layout layout = compute_full_layout(in, settings);
    if (in.panels && in.machine_ok && !in.comparing) keep_panels(layout, *in.panels, in.gap);
    return layout;
}

}  // namespace slowpath::gui
