#include "model/timeline.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "model/pane.h"

namespace slowpath::gui {

uint64_t boot_end_step(const Trace& trace) {
    for (size_t i = 0; i < trace.steps.size(); i++)
        if (trace.steps[i].cpl == 3) return i;
    return 0;
}

StepSpan overview_span(uint64_t boot_end, uint64_t last_step, bool show_boot) {
    StepSpan s;
    s.lo = show_boot || boot_end >= last_step ? 0 : boot_end;
    s.hi = std::max(s.lo + 1, last_step);
    return s;
}

StepSpan detail_span(const Trace& trace, int shown_syscall, uint64_t step, uint64_t last_step) {
    StepSpan s;
    if (shown_syscall >= 0 && shown_syscall < static_cast<int>(trace.syscalls.size())) {
        const SyscallRecord& r = trace.syscalls[shown_syscall];
        uint64_t end = r.return_step ? r.return_step : last_step;
        uint64_t pad = std::max<uint64_t>(3, (end - r.entry_step) / 20);
        s.lo = r.entry_step > pad ? r.entry_step - pad : 0;
        s.hi = std::min<uint64_t>(last_step, end + pad);
        if (step > s.hi) s.hi = std::min<uint64_t>(last_step, step + pad);
        if (step < s.lo) s.lo = step;
    } else {
        s.lo = step > 100 ? step - 100 : 0;
        s.hi = std::min<uint64_t>(last_step, step + 100);
    }
    if (s.hi <= s.lo) s.hi = s.lo + 1;
    return s;
}

float x_of_step(const StepSpan& span, uint64_t step, float x0, float width) {
    double t = (static_cast<double>(step) - static_cast<double>(span.lo)) / span.length();
    return x0 + static_cast<float>(t) * width;
}

uint64_t step_of_x(const StepSpan& span, float x, float x0, float width) {
    if (width <= 0) return span.lo;
    double t = std::clamp((x - x0) / width, 0.0f, 1.0f);
    return span.lo + static_cast<uint64_t>(std::llround(t * span.length()));
}

std::vector<bool> place_labels(const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<int>& priority, float x0, float x1, float gap) {
    size_t n = std::min(x.size(), w.size());
    std::vector<bool> shown(n, false);
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        int pa = a < priority.size() ? priority[a] : 0, pb = b < priority.size() ? priority[b] : 0;
        return pa > pb;
    });
    std::vector<std::pair<float, float>> taken;
    for (size_t i : order) {
        float a = x[i] - w[i] * 0.5f, b = x[i] + w[i] * 0.5f;
        if (a < x0) a = x0, b = x0 + w[i];  // kept inside the strip, slid from the edge
        if (b > x1) b = x1, a = x1 - w[i];
        if (a < x0) continue;
        bool clash = false;
        for (auto [l, r] : taken)
            if (a < r + gap && b + gap > l) clash = true;
        if (clash) continue;
        taken.push_back({a, b});
        shown[i] = true;
    }
    return shown;
}

std::vector<TimelineBar> overview_bars(const Trace& trace, const StepSpan& run, uint64_t last_step,
                                       float x0, float width) {
    std::vector<TimelineBar> out;
    for (const SyscallRecord& r : trace.syscalls) {
        uint64_t end = r.return_step ? r.return_step : last_step;
        if (end < run.lo) continue;
        float a = x_of_step(run, std::max(r.entry_step, run.lo), x0, width);
        float b = std::max(a + 2.0f, x_of_step(run, end, x0, width));
        // Bars that overlap by more than half a pixel are drawn as one: a
        // long run has far more syscalls than the strip has pixels.
        if (!out.empty() && !r.is_focus && !out.back().focus && a < out.back().x1 - 0.5f) {
            out.back().x1 = std::max(out.back().x1, b);
            continue;
        }
        out.push_back({a, b, r.is_focus});
    }
    return out;
}

std::string overview_what(const Trace& trace, uint64_t step, uint64_t boot_end) {
    std::string what = step < boot_end ? "boot" : "user mode";
    int sc = shown_syscall_at(trace, step);
    if (sc >= 0) {
        const SyscallRecord& r = trace.syscalls[sc];
        if (!r.return_step || step < r.return_step)
            what = "in " + r.name + (r.is_focus ? " (the focus syscall)" : "");
    }
    return what;
}

std::optional<TimelineTick> timeline_tick(const Event& e) {
    switch (e.kind) {
        case EventKind::Inject:
        case EventKind::Edit:
            return std::nullopt;
        case EventKind::Sysret:
            return TimelineTick{5, "sysretq"};
        case EventKind::Iret:
            return TimelineTick{5, "iretq"};
        case EventKind::Decision:
            return TimelineTick{4, "decision"};
        case EventKind::SyscallEntry:
            return TimelineTick{4, "entry"};
        case EventKind::SignalDelivered:
            return TimelineTick{3, "signal"};
        case EventKind::Label:
            return TimelineTick{1, e.name};
        default:
            return TimelineTick{};
    }
}

}  // namespace slowpath::gui
