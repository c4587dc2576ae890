#include "panels/controls_panel.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/fit.h"
#include "model/model.h"
#include "model/timeline.h"
#include "slowpath/era.h"
#include "slowpath/session.h"
#include "slowpath/syscalls.h"
#include "slowpath/tif.h"
#include "ui/actions.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace {

// The syscalls the demo program knows how to make, in the order a lesson
// would use them; any other name or number can be typed.
const long kSyscallPresets[] = {39, 186, 1, 24, 13, 14, 127, 62, 200, 234, 60, 231, 999};

bool action_button(UiContext& ctx, const char* label, const std::string& command,
                   const std::string& help, bool enabled = true) {
    if (!enabled) ImGui::BeginDisabled();
    bool clicked = ImGui::Button(label);
    if (!enabled) ImGui::EndDisabled();
    ctx.mark("button:" + command);
    std::string keys = shortcut_for(command);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        tooltip(keys.empty() ? help : help + "   [" + keys + "]");
    if (clicked) ctx.command(command);
    return clicked;
}

float button_width(const char* label) {
    const char* end = std::strstr(label, "##");
    return ImGui::CalcTextSize(label, end).x + ImGui::GetStyle().FramePadding.x * 2;
}

// SameLine, or a new line when the next item would not fit.
void flow(float next_width, float spacing = -1.0f) {
    ImGui::SameLine(0, spacing);
    if (ImGui::GetCursorPosX() + next_width > ImGui::GetWindowContentRegionMax().x)
        ImGui::NewLine();
}

// 1234567 -> "1,234,567".
std::string grouped(uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (size_t i = 0; i < digits.size(); i++) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// 3778560 -> "3.78M", 262144 -> "262k": short enough for the controls' row.
std::string short_count(uint64_t n) {
    char buf[32];
    if (n >= 1'000'000)
        std::snprintf(buf, sizeof buf, "%.*fM",
                      n >= 100'000'000  ? 0
                      : n >= 10'000'000 ? 1
                                        : 2,
                      static_cast<double>(n) / 1e6);
    else if (n >= 1000)
        std::snprintf(buf, sizeof buf, "%lluk", static_cast<unsigned long long>(n / 1000));
    else
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
    return buf;
}

// A long run still recording: how far it has come, and a way to end it, at
// the right end of the timeline's legend row (`row`: its top left, `right`:
// where the panel's content ends), so the controls keep their height and
// nothing moves when the recording ends.
void recording_progress(UiContext& ctx, const Pane& pane, ImVec2 row, float right, float after) {
    const Session& s = *pane.session();
    float h = ImGui::GetFontSize();
    // As wide as its widest text, so nothing jumps as the count grows.
    float w = ImGui::CalcTextSize("recording\xe2\x80\xa6 888.88M steps").x + h;
    float gap = h * 0.8f;
    float x = std::max(after + gap, right - ImGui::CalcTextSize("stop").x - gap - w);
    uint64_t steps = s.recorded_steps();
    // The bar fills toward whichever bound the run meets first: its step
    // limit or its memory budget (which thinning holds it under for a while:
    // the bar then stays near full).
    double by_steps = static_cast<double>(steps) / static_cast<double>(s.scenario().max_steps);
    double by_bytes = static_cast<double>(pane.recording_bytes_seen()) /
                      static_cast<double>(s.scenario().memory_budget);
    float fraction = static_cast<float>(std::min(1.0, std::max(by_steps, by_bytes)));
    std::string text = "recording\xe2\x80\xa6 " + short_count(steps) + " steps";
    ImGui::SetCursorScreenPos(ImVec2(x, row.y));
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, with_alpha(ctx.colors.timeline_focus, 0.8f));
    ImGui::PushStyleColor(ImGuiCol_FrameBg, ctx.colors.timeline_bg);
    ImGui::ProgressBar(fraction, ImVec2(w, h + 2), "");
    ImGui::PopStyleColor(2);
    // The text centred over the bar (ImGui would put it after the fill).
    ImVec2 size = ImGui::CalcTextSize(text.c_str());
    ImGui::GetWindowDrawList()->AddText(ImVec2(x + (w - size.x) / 2, row.y + 1), ctx.colors.text,
                                        text.c_str());
    ctx.mark("recording");
    if (ImGui::IsItemHovered())
        tooltip(grouped(steps) +
                " steps recorded so far, in the background: every panel shows what is "
                "recorded, and a move to what is not there yet records on to it. The bar fills "
                "toward the step limit (" +
                grouped(s.scenario().max_steps) + ") or the memory budget (" +
                std::to_string(s.scenario().memory_budget >> 20) + " MiB, --memory)");
    ImGui::SameLine(0, gap);
    if (link(ctx, "stop", "##stop-recording")) ctx.command("stop-recording");
    ctx.mark("button:stop-recording");
    tooltip("stop recording here: the run ends as a step limit at the last step recorded   [" +
            shortcut_for("stop-recording") + "]");
}

std::string syscall_label(long nr) {
    return syscall_name(nr) + " (" + std::to_string(nr) + ")";
}

}  // namespace

float ControlsPanel::desired_height() const {
    // The flag chips wrap on narrow windows and in presenter mode, so the
    // height the content took last frame is the best answer.
    if (measured_height_ > 0.0f) return measured_height_;
    const ImGuiStyle& style = ImGui::GetStyle();
    float row = ImGui::GetFrameHeight() + style.ItemSpacing.y;
    float timeline = ImGui::GetFrameHeight() * 1.9f + style.ItemSpacing.y;
    return row * 3 + timeline + style.WindowPadding.y * 2 + 2.0f;
}

void ControlsPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    // The controls grow at half the rate of the rest (model/fit.h).
    ImGui::SetWindowFontScale(controls_font_factor(ctx.scale));
    scenario_row(ctx);
    flags_row(ctx, pane);
    moves_row(ctx, pane);
    timeline(ctx, pane);
    float needed = ImGui::GetCursorPosY() - ImGui::GetStyle().ItemSpacing.y +
                   ImGui::GetStyle().WindowPadding.y;
    if (std::fabs(needed - measured_height_) > 0.5f) {
        measured_height_ = needed;
        ctx.keep_drawing(0.05);  // lay out again with the new height
    }
}

void ControlsPanel::scenario_row(UiContext& ctx) {
    const Scenario& scenario = ctx.model.scenario();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Era");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.5f);
    const EraInfo& current = era_info(scenario.era);
    if (ImGui::BeginCombo("##era", std::string(current.name).c_str())) {
        for (const EraInfo& info : all_eras()) {
            bool selected = info.era == scenario.era;
            if (ImGui::Selectable(std::string(info.name).c_str(), selected))
                ctx.command("era " + std::string(info.name));
            tooltip(std::string(info.title));
        }
        ImGui::EndCombo();
    }
    tooltip(std::string(current.title) + "   [" + shortcut_for("cycle-era") + "]");
    ctx.outline_if_pointed("controls", "era", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());

    ImGui::SameLine(0, ImGui::GetFontSize());
    ImGui::TextUnformatted("Syscall");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 11.0f);
    if (ImGui::BeginCombo("##syscall", syscall_label(scenario.syscall_nr).c_str(),
                          ImGuiComboFlags_HeightLarge)) {
        for (long nr : kSyscallPresets) {
            bool selected = nr == scenario.syscall_nr;
            std::string label = nr == 999 ? "999 (past the table: badsys)" : syscall_label(nr);
            if (ImGui::Selectable(label.c_str(), selected))
                ctx.command("syscall " + std::to_string(nr));
        }
        ImGui::Separator();
        ImGui::TextDisabled("another name or number:");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9.0f);
        if (ImGui::InputText("##other", syscall_text_, sizeof syscall_text_,
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
            if (auto nr = parse_syscall(syscall_text_)) {
                ctx.command("syscall " + std::to_string(*nr));
                ImGui::CloseCurrentPopup();
            } else {
                ctx.model.set_status(std::string("unknown syscall '") + syscall_text_ + "'", true);
            }
        }
        ImGui::EndCombo();
    }
    tooltip("the system call the demo program makes (the focus syscall)");
    ctx.outline_if_pointed("controls", "syscall", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());

    flow(ImGui::CalcTextSize("bad pointer").x + ImGui::GetFrameHeight() * 1.5f,
         ImGui::GetFontSize());
    bool bad_pointer = scenario.bad_pointer;
    if (ImGui::Checkbox("bad pointer", &bad_pointer))
        ctx.command(std::string("bad-pointer ") + (bad_pointer ? "on" : "off"));
    tooltip(
        "the demo passes an unmapped user pointer (write, rt_sigaction...): the kernel "
        "returns -EFAULT");

    bool at_entry = ctx.settings.inject_when == "entry";
    flow(ImGui::CalcTextSize("Inject at  entry  exit").x + ImGui::GetFrameHeight() * 2,
         ImGui::GetFontSize());
    ImGui::TextUnformatted("Inject at");
    ImGui::SameLine();
    if (ImGui::RadioButton("entry", at_entry)) ctx.command("inject-when entry");
    tooltip("just before the demo's SYSCALL instruction   [" + shortcut_for("cycle-when") + "]");
    ImGui::SameLine();
    if (ImGui::RadioButton("exit", !at_entry)) ctx.command("inject-when exit");
    tooltip("after the handler returned, before the exit checks   [" + shortcut_for("cycle-when") +
            "]");

    tracer_menu(ctx);

    // View toggles, right-aligned.
    struct Toggle {
        const char* label;
        bool on;
        const char* command;
        const char* help;
    };
    const Toggle toggles[] = {
        {"Tour...", ctx.tour_open, "tour-browse", "open a walkthrough: a guided tour"},
        {"Compare", ctx.model.comparing(), "compare toggle",
         "eras side by side, moved together role by role (choose them with \xe2\x96\xbe)"},
        {"Animate", ctx.settings.animate, "animate toggle", "eased transitions (about 1/4 s)"},
        {"Dark", ctx.settings.dark, "theme toggle", "dark theme (off: light)"},
        {"Presenter", ctx.settings.presenter, "presenter toggle", "large text for a projector"},
        {"? Help", ctx.help_open, "help toggle", "keyboard shortcuts and colours"},
    };
    const char* eras_label = "\xe2\x96\xbe##compare-eras";
    float total = button_width(eras_label) + ImGui::GetStyle().ItemSpacing.x;
    for (const Toggle& t : toggles)
        total += ImGui::CalcTextSize(t.label).x + ImGui::GetStyle().FramePadding.x * 2 +
                 ImGui::GetStyle().ItemSpacing.x;
    float x = ImGui::GetWindowContentRegionMax().x - total;
    ImGui::SameLine();
    if (x <= ImGui::GetCursorPosX()) ImGui::NewLine();  // no room: right-aligned below
    ImGui::SetCursorPosX(std::max(x, ImGui::GetWindowContentRegionMin().x));
    for (const Toggle& t : toggles) {
        if (chip(t.label, t.on, ctx.colors.anchor, with_alpha(ctx.colors.anchor, 0.18f)))
            ctx.command(t.command);
        ctx.mark(std::string("button:") + t.command);
        tooltip(std::string(t.help) + "   [" + shortcut_for(t.command) + "]");
        ctx.outline_if_pointed("controls", t.command, ImGui::GetItemRectMin(),
                               ImGui::GetItemRectMax());
        ImGui::SameLine();
        if (std::strcmp(t.command, "compare toggle") == 0) {
            compare_eras_menu(ctx, eras_label);
            ImGui::SameLine();
        }
    }
    ImGui::NewLine();
}

void ControlsPanel::compare_eras_menu(UiContext& ctx, const char* label) {
    ImGui::SameLine(0, 1.0f);  // against the Compare chip
    if (ImGui::Button(label)) ImGui::OpenPopup("##compare-eras-popup");
    ctx.mark("button:compare eras");
    std::string shown;
    for (Era era : ctx.model.compare_eras())
        shown += (shown.empty() ? "" : ", ") + std::string(era_info(era).name);
    tooltip("which eras to compare: " + shown);
    if (!ImGui::BeginPopup("##compare-eras-popup")) return;
    ImGui::TextDisabled("compare, side by side:");
    // Every pair and all three; the command names them as --compare does.
    const auto& eras = all_eras();
    std::vector<std::vector<Era>> choices;
    for (size_t i = 0; i < eras.size(); i++)
        for (size_t j = i + 1; j < eras.size(); j++) choices.push_back({eras[i].era, eras[j].era});
    std::vector<Era> every;
    for (const EraInfo& info : eras) every.push_back(info.era);
    choices.push_back(every);
    std::vector<Era> current = ctx.model.compare_eras();
    for (const std::vector<Era>& choice : choices) {
        std::string words, text;
        for (Era era : choice) {
            words += (words.empty() ? "" : ",") + std::string(era_info(era).name);
            text += (text.empty() ? "" : " + ") + std::string(era_info(era).name);
        }
        if (choice.size() == eras.size()) text = "all three: " + text;
        bool on = ctx.model.comparing() && choice == current;
        if (ImGui::Selectable(text.c_str(), on)) ctx.command("compare " + words);
        ctx.mark("compare:" + words);
    }
    ImGui::EndPopup();
}

namespace {

// The tracer's edits a lesson uses (the table's tamper rows): each replaces
// whatever the tracer did before.
struct TamperPreset {
    const char* label;
    std::vector<const char*> tampers;
    const char* why;
};

const std::vector<TamperPreset>& tamper_presets() {
    static const std::vector<TamperPreset> presets = {
        {"rcx = 2^47 (non-canonical)",
         {"rcx=0x800000000000"},
         "RCX no longer equals RIP: SYSRET would return somewhere else"},
        {"rip + rcx = 2^47",
         {"rip=0x800000000000", "rcx=0x800000000000"},
         "a non-canonical return address: on Intel, sysretq #GPs in ring 0 on the user's stack "
         "(CVE-2012-0217), so the kernel must use iretq"},
        {"rip + rcx = last user page",
         {"rip=0x7ffffffff000", "rcx=0x7ffffffff000"},
         "canonical, but the modern kernel keeps sysret away from the last page below 2^47"},
        {"eflags + r11 with TF",
         {"eflags=0x10302", "r11=0x10302"},
         "the trap flag set in the saved flags: sysret would trap on the first user instruction"},
        {"r11 = 0x10202 (RF set)", {"r11=0x10202"}, "R11 no longer equals the saved RFLAGS"},
        {"cs = 0x2b", {"cs=0x2b"}, "not the user code selector SYSRET loads"},
        {"ss = 0x33", {"ss=0x33"}, "not the user stack selector SYSRET loads"},
        {"rax = 0x1234", {"rax=0x1234"}, "only the return value: sysret is still safe"},
    };
    return presets;
}

std::string tamper_list(const std::vector<Tamper>& tampers) {
    std::string out;
    for (const Tamper& t : tampers) out += (out.empty() ? "" : ", ") + tamper_text(t);
    return out;
}

}  // namespace

void ControlsPanel::tracer_menu(UiContext& ctx) {
    const Scenario& scenario = ctx.model.scenario();
    bool changed = !scenario.tampers.empty() || scenario.signal_action != SignalAction::Handler;
    std::string label = "Tracer";
    if (!scenario.tampers.empty()) label += " (" + std::to_string(scenario.tampers.size()) + ")";
    if (scenario.signal_action != SignalAction::Handler)
        label += " SIGUSR1 " + std::string(signal_action_name(scenario.signal_action));
    label += " \xe2\x96\xbe##tracer";
    flow(button_width(label.c_str()), ImGui::GetFontSize());
    if (chip(label.c_str(), changed, ctx.colors.flag_set, ctx.colors.flag_set_bg))
        ImGui::OpenPopup("##tracer-popup");
    ctx.mark("button:tracer");
    std::string now = scenario.tampers.empty() ? "no tracer edits"
                                               : "the tracer sets " + tamper_list(scenario.tampers);
    tooltip(
        "a ptrace tracer rewrites pt_regs at the focus syscall's exit stop, and how the demo "
        "treats SIGUSR1\nnow: " +
        now + "; SIGUSR1 " + std::string(signal_action_name(scenario.signal_action)));
    ctx.outline_if_pointed("controls", "tracer", ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    if (!ImGui::BeginPopup("##tracer-popup")) return;

    ImGui::TextDisabled("the demo's SIGUSR1:");
    for (SignalAction action : {SignalAction::Handler, SignalAction::Ignore, SignalAction::Block}) {
        std::string name(signal_action_name(action));
        ImGui::SameLine();
        if (ImGui::RadioButton(name.c_str(), scenario.signal_action == action))
            ctx.command("signal-action " + name);
        ctx.mark("signal-action:" + name);
        tooltip(action == SignalAction::Handler  ? "a handler runs when the signal arrives"
                : action == SignalAction::Ignore ? "SIG_IGN: the signal is dropped when sent"
                                                 : "blocked: it stays pending and sets no work");
    }
    ImGui::Separator();
    ImGui::TextDisabled("a tracer at the exit stop rewrites pt_regs (PTRACE_SETREGS):");
    for (const TamperPreset& p : tamper_presets()) {
        std::vector<std::string> have, wanted;
        for (const Tamper& t : scenario.tampers) have.push_back(tamper_text(t));
        for (const char* t : p.tampers) wanted.push_back(tamper_text(parse_tamper(t)));
        if (ImGui::Selectable(p.label, have == wanted)) {
            ctx.command("clear-tampers");
            for (const std::string& t : wanted) ctx.command("tamper " + t);
        }
        ctx.mark(std::string("tamper:") + p.label);
        tooltip(p.why);
    }
    ImGui::Separator();
    ImGui::TextDisabled("or one slot (Enter sets it):");
    const auto& slots = tamper_slots();
    ImGui::PushFont(ctx.fonts.mono);
    for (size_t i = 0; i < slots.size() && i < 8; i++) {
        std::string slot(slots[i]);
        if (i % 2) ImGui::SameLine(ImGui::GetFontSize() * 12.0f);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("%-6s", slot.c_str());
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.5f);
        std::string hint = "unchanged";
        for (const Tamper& t : scenario.tampers)
            if (t.slot == slot) hint = tamper_text(t).substr(slot.size() + 1);
        if (ImGui::InputTextWithHint(("##tamper-" + slot).c_str(), hint.c_str(), tamper_text_[i],
                                     sizeof tamper_text_[i],
                                     ImGuiInputTextFlags_EnterReturnsTrue)) {
            std::string text = slot + "=" + tamper_text_[i];
            try {
                parse_tamper(text);
                ctx.command("tamper " + text);
                tamper_text_[i][0] = 0;
            } catch (const std::invalid_argument& e) {
                ctx.model.set_status(e.what(), true);
            }
        }
        ctx.mark("tamper-field:" + slot);
    }
    ImGui::PopFont();
    ImGui::Separator();
    if (ImGui::Button("no tracer edits")) ctx.command("clear-tampers");
    ctx.mark("button:clear-tampers");
    tooltip("the tracer rewrites nothing (the flags injected stay)");
    ImGui::EndPopup();
}

void ControlsPanel::flags_row(UiContext& ctx, Pane& pane) {
    bool at_entry = ctx.settings.inject_when == "entry";
    InjectWhen when = at_entry ? InjectWhen::Entry : InjectWhen::Exit;
    InjectWhen other = at_entry ? InjectWhen::Exit : InjectWhen::Entry;
    const auto& flags = chip_flags();
    float row_right = ImGui::GetWindowContentRegionMax().x;
    for (size_t i = 0; i < flags.size(); i++) {
        const TifFlagInfo* info = tif_flag(flags[i]);
        if (!info) continue;
        std::string name(info->name);
        bool on = ctx.model.injected(flags[i], when);
        bool on_other = ctx.model.injected(flags[i], other);
        std::string label = name;
        if (on_other) label += at_entry ? " @exit" : " @entry";
        label += "##flag" + name;
        float w = ImGui::CalcTextSize(label.c_str(), nullptr, true).x +
                  ImGui::GetStyle().FramePadding.x * 2;
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorPosX() + w > row_right) ImGui::NewLine();
        }
        if (chip(label.c_str(), on, ctx.colors.flag_set, ctx.colors.flag_set_bg))
            ctx.command("toggle-flag " + name);
        ctx.mark("chip:" + name);
        if (ImGui::IsItemClicked(ImGuiMouseButton_Right)) ctx.command("inject " + name + " now");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
            ImGui::PushFont(ctx.fonts.bold);
            ImGui::Text("TIF_%s (bit %d)", info->name.data(), info->bit);
            ImGui::PopFont();
            ImGui::TextUnformatted(std::string(info->short_help).c_str());
            ImGui::TextDisabled("set by: %s", std::string(info->cause).c_str());
            ImGui::Separator();
            ImGui::Text("click: inject at %s (on/off)   [%zu]", at_entry ? "entry" : "exit",
                        (i + 1) % 10);
            ImGui::Text("right-click: inject now, at step %llu   [Shift+%zu]",
                        static_cast<unsigned long long>(pane.now().step), (i + 1) % 10);
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
        ctx.outline_if_pointed("controls", name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    }
    // Injecting at the current step, for those who do not right-click.
    const char* now_label = "now \xe2\x96\xbe";
    float w = ImGui::CalcTextSize(now_label).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine();
    if (ImGui::GetCursorPosX() + w > row_right) ImGui::NewLine();
    if (ImGui::Button(now_label)) ImGui::OpenPopup("##inject-now");
    tooltip("inject a flag now, at step " + std::to_string(pane.now().step) +
            " (the future is recorded again)   [Shift+1..0, or right-click a chip]");
    if (ImGui::BeginPopup("##inject-now")) {
        ImGui::TextDisabled("inject at step %llu:",
                            static_cast<unsigned long long>(pane.now().step));
        for (int bit : flags) {
            const TifFlagInfo* info = tif_flag(bit);
            if (info && ImGui::Selectable(std::string(info->name).c_str()))
                ctx.command("inject " + std::string(info->name) + " now");
        }
        ImGui::EndPopup();
    }
}

void ControlsPanel::moves_row(UiContext& ctx, Pane& pane) {
    bool ok = pane.ok();
    const Snapshot& s = pane.now();
    bool at_start = ok && s.step == 0;
    // A run still recording has more to come: a move at its last step records on.
    bool at_end = ok && s.step >= s.last_step && !pane.recording();
    // The moves, wrapping onto a second line when the window is narrow.
    struct Move {
        const char* label;
        const char* command;
        const char* help;
        bool enabled;
        float gap;  // space before it, in font sizes (-1: the default)
    };
    const char* play_label = ctx.playing ? "\xe2\x80\x96 Pause" : "\xe2\x96\xb6 Play";
    const Move moves[] = {
        {"\xe2\x87\xa4 Reset", "reset", "back to the SYSCALL instruction", ok, -1},
        {"\xe2\x97\x80 Back", "back", "step back one instruction", ok && !at_start, -1},
        {"Step \xe2\x96\xb6", "step", "run one instruction", ok && !at_end, -1},
        {"Over", "over", "step over a call", ok && !at_end, -1},
        {"Out", "out", "run until the current C function returns", ok && !at_end, -1},
        {"\xe2\x97\x80##label", "prev-label", "back to the previous label", ok && !at_start, 0.7f},
        {"Label \xe2\x96\xb6", "next-label", "run to the next label", ok && !at_end, 0.0f},
        {"\xe2\x97\x80##event", "prev-event", "back to the previous event", ok && !at_start, -1},
        {"Event \xe2\x96\xb6", "next-event", "run to the next event", ok && !at_end, 0.0f},
        {"Decision", "decision", "run to the sysret/iret decision", ok && !at_end, 0.7f},
        {"Ring 3", "ring3", "run until the CPU is back in user mode", ok && !at_end, -1},
        {"End \xe2\x87\xa5", "end", "run to the end of the program", ok && !at_end, -1},
        {play_label, "toggle-play", "play or pause", ok, 0.7f},
    };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        const Move& m = moves[i];
        if (i > 0) {
            float gap = m.gap < 0 ? -1.0f : m.gap == 0.0f ? 1.0f : ImGui::GetFontSize() * m.gap;
            flow(button_width(m.label), gap);
        }
        action_button(ctx, m.label, m.command, m.help, m.enabled);
    }
    flow(ImGui::GetFontSize() * 6.0f);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
    float rate = ctx.settings.play_rate;
    if (ImGui::SliderFloat("##rate", &rate, 0.5f, 1000.0f, "%.1f/s", ImGuiSliderFlags_Logarithmic))
        ctx.command("speed " + std::to_string(rate));
    tooltip("moves per second while playing   [" + shortcut_for("slower") + " " +
            shortcut_for("faster") + "]");
    flow(ImGui::GetFontSize() * 4.8f);
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4.8f);
    if (ImGui::BeginCombo("##unit", ctx.settings.play_unit.c_str())) {
        for (const char* unit : {"step", "label", "event"})
            if (ImGui::Selectable(unit, ctx.settings.play_unit == unit))
                ctx.command(std::string("play-unit ") + unit);
        ImGui::EndCombo();
    }
    tooltip("play one instruction, one label or one event at a time   [" +
            shortcut_for("cycle-play-unit") + "]");

    // Step readout and go-to, right-aligned when there is room.
    if (ok) {
        std::string readout =
            "step " + std::to_string(s.step) + " / " + std::to_string(s.last_step);
        float w = ImGui::CalcTextSize(readout.c_str()).x + ImGui::GetFontSize() * 6.5f;
        ImGui::SameLine();
        float x = ImGui::GetWindowContentRegionMax().x - w;
        if (x <= ImGui::GetCursorPosX()) ImGui::NewLine();
        ImGui::SetCursorPosX(std::max(x, ImGui::GetWindowContentRegionMin().x));
        ImGui::AlignTextToFramePadding();
        ImGui::PushFont(ctx.fonts.mono);
        ImGui::TextUnformatted(readout.c_str());
        ImGui::PopFont();
        ImGui::SameLine();
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.0f);
        char buf[32] = "";
        if (ImGui::InputTextWithHint(
                "##goto", "go to step", buf, sizeof buf,
                ImGuiInputTextFlags_CharsDecimal | ImGuiInputTextFlags_EnterReturnsTrue)) {
            if (buf[0]) ctx.command(std::string("seek ") + buf);
        }
        tooltip("type a step number and press Enter");
    }
}

void ControlsPanel::timeline(UiContext& ctx, Pane& pane) {
    TimelineStrips g;
    g.width = ImGui::GetContentRegionAvail().x;
    g.small = ctx.fonts.small;
    g.small_h = g.small->FontSize * (ImGui::GetFontSize() / ImGui::GetFont()->FontSize);
    g.strip_h = g.small_h + ImGui::GetFrameHeight() * 0.75f;
    g.pos = ImGui::GetCursorScreenPos();
    if (!pane.ok()) {
        ImGui::Dummy(ImVec2(g.width, g.strip_h + g.small_h + 4));
        return;
    }
    if (boot_revision_ != pane.trace_revision()) {
        boot_end_ = boot_end_step(*pane.trace());
        boot_revision_ = pane.trace_revision();
    }
    g.gap = ImGui::GetFontSize() * 0.6f;
    g.over_w = std::floor(g.width * 0.24f);
    g.detail_w = g.width - g.over_w - g.gap;
    timeline_overview(ctx, pane, g);
    timeline_detail(ctx, pane, g);
    if (!ImGui::IsItemActive() && !ImGui::IsMouseDown(ImGuiMouseButton_Left))
        last_scrub_ = UINT64_MAX;
    timeline_legend(ctx, g);
    if (pane.recording()) {
        float after = ImGui::GetItemRectMax().x;  // the legend's last item
        ImGui::PushFont(g.small);
        recording_progress(ctx, pane, ImVec2(g.pos.x, g.pos.y + g.strip_h + 2), g.pos.x + g.width,
                           after);
        ImGui::PopFont();
    }
}

// The run (boot folded away unless asked for): a bar per syscall, the cursor.
void ControlsPanel::timeline_overview(UiContext& ctx, Pane& pane, const TimelineStrips& g) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Palette& c = ctx.colors;
    const Trace& trace = *pane.trace();
    const Snapshot& s = pane.now();
    ImVec2 mouse = ImGui::GetIO().MousePos;
    StepSpan run = overview_span(boot_end_, s.last_step, show_boot_);
    ImVec2 o0 = g.pos, o1(g.pos.x + g.over_w, g.pos.y + g.strip_h);
    draw->AddRectFilled(o0, o1, c.timeline_bg, 2.0f);
    float bar_top = o0.y + g.small_h;
    for (const TimelineBar& bar : overview_bars(trace, run, s.last_step, o0.x, g.over_w)) {
        // No rounding on a bar barely over 2 px: ImGui 1.86 then rounds with
        // a radius near 0 and divides by a zero segment count (SIGFPE).
        float rounding = bar.x1 - bar.x0 >= 3.0f ? 1.0f : 0.0f;
        draw->AddRectFilled(ImVec2(bar.x0, bar_top + 1), ImVec2(bar.x1, o1.y - 1),
                            bar.focus ? c.timeline_focus : c.timeline_kernel, rounding);
    }
    std::string run_title = show_boot_ ? "whole run" : "program (boot folded)";
    draw->AddText(g.small, g.small_h, ImVec2(o0.x + 3, o0.y), with_alpha(c.text_dim, 0.9f),
                  run_title.c_str());
    if (s.step >= run.lo) {
        float cx = x_of_step(run, s.step, o0.x, g.over_w);
        draw->AddRectFilled(ImVec2(cx - 1.5f, bar_top - 1), ImVec2(cx + 1.5f, o1.y + 1),
                            c.timeline_cursor);
    }
    ImGui::InvisibleButton("##overview", ImVec2(g.over_w, g.strip_h));
    ctx.mark("timeline:overview");
    if (ImGui::IsItemHovered()) {
        uint64_t at = step_of_x(run, mouse.x, o0.x, g.over_w);
        tooltip("step " + std::to_string(at) + ": " + overview_what(trace, at, boot_end_) +
                "\nbars: time in the kernel, one per syscall (the focus syscall brighter)"
                "\nclick or drag to go there");
    }
    if (ImGui::IsItemActive()) {
        uint64_t target = step_of_x(run, mouse.x, o0.x, g.over_w);
        if (target != last_scrub_ && target != s.step)
            ctx.command("seek " + std::to_string(target));
        last_scrub_ = target;
    }
}

// The syscall being shown, zoomed, its events ticked and the major ones labelled.
void ControlsPanel::timeline_detail(UiContext& ctx, Pane& pane, const TimelineStrips& g) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Palette& c = ctx.colors;
    const Trace& trace = *pane.trace();
    const Snapshot& s = pane.now();
    ImVec2 mouse = ImGui::GetIO().MousePos;
    StepSpan span = detail_span(trace, s.shown_syscall, s.step, s.last_step);
    ImVec2 d0(g.pos.x + g.over_w + g.gap, g.pos.y), d1(d0.x + g.detail_w, g.pos.y + g.strip_h);
    draw->AddRectFilled(d0, d1, c.timeline_bg, 2.0f);
    float tick_top = d0.y + g.small_h;
    if (s.step >= span.lo)
        draw->AddRectFilled(ImVec2(d0.x, tick_top),
                            ImVec2(std::min(d1.x, x_of_step(span, s.step, d0.x, g.detail_w)), d1.y),
                            with_alpha(c.timeline_cursor, 0.12f), 2.0f);
    std::optional<Event> hovered_event = detail_ticks(ctx, pane, g, span, d0, d1);
    float dx = x_of_step(span, std::clamp(s.step, span.lo, span.hi), d0.x, g.detail_w);
    draw->AddTriangleFilled(ImVec2(dx - 5, tick_top - 1), ImVec2(dx + 5, tick_top - 1),
                            ImVec2(dx, tick_top + 5), c.timeline_cursor);
    draw->AddLine(ImVec2(dx, tick_top), ImVec2(dx, d1.y), c.timeline_cursor, 2.0f);
    ImGui::SameLine(0, g.gap);
    ImGui::InvisibleButton("##detail", ImVec2(g.detail_w, g.strip_h));
    ctx.mark("timeline:detail");
    if (ImGui::IsItemHovered()) {
        uint64_t at = step_of_x(span, mouse.x, d0.x, g.detail_w);
        std::string tip = s.shown_syscall >= 0
                              ? "zoomed on " + trace.syscalls[s.shown_syscall].name + ": steps " +
                                    std::to_string(span.lo) + "-" + std::to_string(span.hi)
                              : "steps " + std::to_string(span.lo) + "-" + std::to_string(span.hi);
        tip += "\nstep " + std::to_string(at);
        if (hovered_event)
            tip += "\n" + std::string(event_kind_name(hovered_event->kind)) + " at step " +
                   std::to_string(hovered_event->step) + ": " +
                   (hovered_event->text_id ? hovered_event->text() : hovered_event->name.str());
        tip += "\nclick or drag to go there (a click by a tick lands on its event)";
        tooltip(tip, 40.0f);
    }
    if (ImGui::IsItemActive()) {
        uint64_t target;
        if (hovered_event && ImGui::IsItemClicked())
            target = hovered_event->step;  // a click near a tick lands on the event
        else
            target = step_of_x(span, mouse.x, d0.x, g.detail_w);
        if (target != s.step && target != last_scrub_)
            ctx.command("seek " + std::to_string(target));
        last_scrub_ = target;
    }
}

// The detail strip's ticks and the labels that have room; returns the event
// whose tick the mouse is by (within 5 px), if any.
std::optional<Event> ControlsPanel::detail_ticks(UiContext& ctx, Pane& pane,
                                                 const TimelineStrips& g, const StepSpan& span,
                                                 ImVec2 d0, ImVec2 d1) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const Palette& c = ctx.colors;
    const Trace& trace = *pane.trace();
    const Snapshot& s = pane.now();
    ImVec2 mouse = ImGui::GetIO().MousePos;
    float tick_top = d0.y + g.small_h;
    size_t first = trace.first_event_at_or_after(span.lo);
    std::optional<Event> hovered_event;
    bool mouse_in = mouse.x >= d0.x && mouse.x <= d1.x && mouse.y >= d0.y && mouse.y <= d1.y;
    float best = 5.0f;
    std::vector<float> lx, lw;
    std::vector<int> prio;
    std::vector<std::string> ltext;
    std::vector<ImU32> lcol;
    int drawn_column = INT_MIN;
    std::vector<std::pair<bool, ImU32>> drawn;  // the ticks drawn at drawn_column
    for (size_t i = first; i < trace.events.size() && trace.events[i].step <= span.hi; i++) {
        const Event& e = trace.events[i];
        std::optional<TimelineTick> tick = timeline_tick(e);
        if (!tick) continue;
        float x = x_of_step(span, e.step, d0.x, g.detail_w);
        bool major = tick->major();
        float top = major ? tick_top : tick_top + (d1.y - tick_top) * 0.45f;
        ImU32 col = event_color(c, e.kind);
        if (e.step > s.step) col = with_alpha(col, 0.45f);
        // One opaque tick per pixel column, colour and height: events a step
        // or so apart fall on the same column, and an opaque tick drawn
        // again over itself costs a software renderer its triangles for
        // nothing (a see-through one, past the cursor, darkens: kept).
        int column = static_cast<int>(std::floor(x + 0.5f));  // AddLine's half-pixel offset
        if (column != drawn_column) {
            drawn_column = column;
            drawn.clear();
        }
        bool opaque = (col & IM_COL32_A_MASK) == IM_COL32_A_MASK;
        if (!opaque ||
            std::find(drawn.begin(), drawn.end(), std::make_pair(major, col)) == drawn.end()) {
            if (opaque) drawn.push_back({major, col});
            draw->AddLine(ImVec2(x, top), ImVec2(x, d1.y - 1), col, major ? 2.5f : 1.0f);
        }
        if (!tick->label.empty()) {
            lx.push_back(x);
            lw.push_back(g.small->CalcTextSizeA(g.small_h, FLT_MAX, 0, tick->label.c_str()).x);
            prio.push_back(tick->priority);
            ltext.push_back(tick->label);
            lcol.push_back(major ? event_color(c, e.kind) : with_alpha(c.text_dim, 0.9f));
        }
        if (mouse_in && std::fabs(mouse.x - x) < best) {
            best = std::fabs(mouse.x - x);
            hovered_event = e;
        }
    }
    std::vector<bool> shown = place_labels(lx, lw, prio, d0.x + 2, d1.x - 2, g.small_h * 0.4f);
    for (size_t i = 0; i < shown.size(); i++) {
        if (!shown[i]) continue;
        float x = std::clamp(lx[i] - lw[i] * 0.5f, d0.x + 2, d1.x - 2 - lw[i]);
        draw->AddText(g.small, g.small_h, ImVec2(x, d0.y), lcol[i], ltext[i].c_str());
    }
    return hovered_event;
}

// The legend, and the boot fold.
void ControlsPanel::timeline_legend(UiContext& ctx, const TimelineStrips& g) {
    const Palette& c = ctx.colors;
    ImGui::PushFont(g.small);
    ImGui::SetCursorScreenPos(ImVec2(g.pos.x, g.pos.y + g.strip_h + 2));
    struct Key {
        EventKind kind;
        const char* name;
    };
    const Key keys[] = {
        {EventKind::SyscallEntry, "entry"},  {EventKind::Label, "label"},
        {EventKind::TifCheck, "flag check"}, {EventKind::Call, "C call"},
        {EventKind::Decision, "decision"},   {EventKind::Sysret, "sysretq"},
        {EventKind::Iret, "iretq"},          {EventKind::SignalDelivered, "signal"}};
    ImDrawList* wd = ImGui::GetWindowDrawList();
    for (const Key& k : keys) {
        ImVec2 p = ImGui::GetCursorScreenPos();
        float sw = ImGui::GetFontSize() * 0.3f;
        wd->AddRectFilled(ImVec2(p.x, p.y + 2), ImVec2(p.x + sw, p.y + ImGui::GetFontSize()),
                          event_color(c, k.kind));
        ImGui::SetCursorScreenPos(ImVec2(p.x + sw * 2, p.y));
        text(c.text_dim, k.name);
        ImGui::SameLine(0, ImGui::GetFontSize() * 0.9f);
    }
    std::string fold =
        show_boot_ ? "hide boot" : "show boot (" + std::to_string(boot_end_) + " steps)";
    if (link(ctx, fold, "##boot")) show_boot_ = !show_boot_;
    tooltip(
        "boot runs the guest kernel's set-up before the demo program starts; it is folded "
        "away so the program and its syscalls fill the strip");
    ImGui::PopFont();
    ImVec2 d0(g.pos.x + g.over_w + g.gap, g.pos.y);  // as timeline_detail places it
    ctx.outline_if_pointed("controls", "timeline", g.pos,
                           ImVec2(d0.x + g.detail_w, g.pos.y + g.strip_h));
}

}  // namespace slowpath::gui
