// The app's model: the scenario being shown, its pane, the partner panes of
// compare mode (same scenario, other eras, moved together and kept on the
// same role of the call), and every move the user can make. Buttons, keys, the command line's
// --commands and walkthroughs all go through here, so they behave the same.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/pane.h"
#include "slowpath/session.h"

namespace slowpath::gui {

enum class Nav {
    Step,
    Back,
    Over,
    Out,
    NextLabel,
    PrevLabel,
    NextEvent,
    PrevEvent,
    Decision,
    Ring3,
    End,
    Reset,  // back to the start position (the focus syscall's SYSCALL)
};

class Model {
 public:
    explicit Model(const Scenario& initial);

    Pane& primary() { return primary_; }
    const Pane& primary() const { return primary_; }
    // Compare mode: the panes of the other eras (one or two), in era order.
    std::vector<Pane*> partners();
    std::vector<const Pane*> partners() const;
    const Pane* partner() const;  // the first of them, nullptr when not comparing
    bool comparing() const { return comparing_; }
    // The panes in era order (v3.13 first), for side-by-side drawing.
    std::vector<Pane*> panes_by_era();
    // The eras compare mode shows (or would show), in era order: always the
    // primary's era and one or two others.
    std::vector<Era> compare_eras() const;

    const Scenario& scenario() const { return primary_.scenario(); }

    // ---- the scenario ----
    void set_compare(bool on);
    // Two or three different eras side by side; the primary pane switches to
    // the first of them unless its era is among them. Throws
    // std::invalid_argument for fewer than two, or a repeated era.
    void set_compare_eras(const std::vector<Era>& eras);
    void set_era(Era era);
    void set_syscall(long nr);
    void set_bad_pointer(bool on);
    // A tracer's PTRACE_SETREGS at the exit stop (none: no tracer implied).
    void set_tampers(std::vector<Tamper> tampers);
    void set_signal_action(SignalAction action);
    bool injected(int bit, InjectWhen when) const;
    void set_injection(int bit, InjectWhen when, bool on);
    void clear_injections();
    // Loads a whole scenario (a scenario line, a pasted one) at its focus
    // syscall's start, in every pane.
    void load_scenario(const Scenario& scenario);
    // Reloads every pane with a scenario, keeping the current step number.
    void reload(const Scenario& scenario);
    // Reloads every pane with a changed scenario (a flag injected or not) at
    // the same point of the focus syscall: the same label or event (the
    // decision, the exit...) in the new run, not the same step number.
    void reload_same_point(const Scenario& scenario);
    // Shows a session owned elsewhere (a walkthrough's) in the primary pane
    // and leaves compare mode (the partner could not follow its edits).
    void show_session(Session& session, bool new_trace);
    // Shows a walkthrough's compare step: its two sessions (owned elsewhere)
    // side by side, the left one in the primary pane, each with its caption.
    void show_comparison(Session& left, Session& right, bool new_trace,
                         const std::string& left_caption, const std::string& right_caption);

    // ---- moving ----
    void nav(Nav op, uint64_t count = 1);
    void seek(uint64_t step);
    bool run_to_label(const std::string& label);
    bool run_to_event(EventKind kind);
    void inject_now(int bit);
    void edit_now(const std::string& target, uint64_t value);

    // ---- the line under the controls ----
    const std::string& status() const { return status_; }
    bool status_is_error() const { return status_error_; }
    void set_status(std::string text, bool error = false);

    // Changes whenever anything a panel shows may have changed.
    uint64_t generation() const;

 private:
    Scenario partner_scenario(const Scenario& base, Era era) const;
    void note(const std::string& message);
    // Loads a pane for each era compare mode shows besides the primary's,
    // keeping those already loaded; new ones open at the primary's role.
    void sync_partners();
    // Moves every other pane to the role `leader` is in (model/roles.h);
    // `moved`: each made the same move first, and keeps it within the role.
    void align_to(Pane& leader, bool moved);
    std::vector<Pane*> all_panes();  // the primary, then the partners

    Pane primary_;
    std::vector<std::unique_ptr<Pane>> partners_;
    std::vector<Era> compare_eras_ = {Era::V3_13, Era::Rfc};  // chosen, with the primary's
    bool comparing_ = false;
    std::string status_;
    bool status_error_ = false;
    uint64_t edits_ = 0;
};

// Where a step of one run of the focus syscall is, as a point another run
// of it can find (see same_point).
struct RunPoint {
    struct Anchor {
        EventKind kind = EventKind::Label;  // Sysret and Iret both stand for "the exit"
        std::string name;                   // for labels and calls
        size_t occurrence = 0;              // the how-manieth of its kind (and name)
        uint64_t offset = 0;                // steps after it
    };
    bool has_focus = false;
    enum class Where { Before, Inside, After } where = Where::Before;
    uint64_t offset = 0;          // Before: steps before the SYSCALL; After: after the return
    std::vector<Anchor> anchors;  // Inside: the events at or before the step, latest first
};
RunPoint run_point(const Trace& trace, uint64_t step);
// The step of `point` in another run: the latest anchor that run also has
// (the offset kept while it stays before that run's next event), else the
// focus syscall's SYSCALL; before or after the syscall, the same distance.
uint64_t same_point(const RunPoint& point, const Trace& trace, uint64_t fallback);

std::string nav_name(Nav op);  // "step", "next-label", ...
// The era after `era` (v3.13, rfc, modern, then v3.13 again).
Era next_era(Era era);
// "v3.13,rfc,modern" (or "all"): two or three different eras. Throws
// std::invalid_argument with a one-line reason.
std::vector<Era> parse_era_list(const std::string& text);
std::optional<Nav> parse_nav(const std::string& word);

}  // namespace slowpath::gui
