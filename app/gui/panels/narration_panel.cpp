#include "panels/narration_panel.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "model/narration_layout.h"
#include "slowpath/era.h"
#include "slowpath/guest_image.h"
#include "ui/actions.h"
#include "ui/app.h"
#include "ui/widgets.h"

namespace slowpath::gui {

namespace fs = std::filesystem;

namespace {

// ---- the light Markdown of `say`, word-wrapped with mixed fonts ----

struct Word {
    std::string text;
    ImFont* font;
    bool code;
    bool bold;
};

void draw_words(const UiContext& ctx, const std::vector<Word>& words, float indent, ImU32 color) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetCursorScreenPos();
    float avail = ImGui::GetContentRegionAvail().x;
    float size = ImGui::GetFontSize();
    float line_h = std::round(size * 1.35f);  // more leading than ImGui's: read from afar
    std::vector<std::string> texts;
    std::vector<float> widths;
    for (const Word& w : words) {
        texts.push_back(w.text);
        widths.push_back(w.font->CalcTextSizeA(size, FLT_MAX, 0.0f, w.text.c_str()).x);
    }
    WordFlow flow = flow_words(texts, widths, avail, indent);
    for (size_t i = 0; i < words.size(); i++) {
        const Word& w = words[i];
        if (!flow.places[i].drawn) continue;
        float y = origin.y + flow.places[i].line * line_h;
        ImVec2 at(origin.x + flow.places[i].x, y + (line_h - size) * 0.5f);
        if (w.code) {
            float pad = size * 0.15f;
            draw->AddRectFilled(ImVec2(at.x - pad, at.y - pad * 0.5f),
                                ImVec2(at.x + widths[i] + pad, at.y + size + pad * 0.5f),
                                with_alpha(ctx.colors.anchor, 0.14f), 3.0f);
        }
        ImU32 c = w.code ? ctx.colors.anchor : w.bold ? ctx.colors.text_strong : color;
        draw->AddText(w.font, size, at, c, w.text.c_str());
    }
    ImGui::Dummy(ImVec2(std::max(1.0f, avail), flow.lines * line_h));
}

void draw_markdown(const UiContext& ctx, const std::string& text, ImU32 color) {
    float size = ImGui::GetFontSize();
    for (const NarrationLine& line : joined_narration(text)) {
        if (line.kind == NarrationLine::Kind::Blank) {
            ImGui::Dummy(ImVec2(1, size * 0.45f));
            continue;
        }
        std::vector<Word> words;
        float indent = 0.0f;
        if (line.kind != NarrationLine::Kind::Paragraph || line.continues) {
            indent = size * 1.3f;
            if (!line.continues) {
                std::string marker = line.kind == NarrationLine::Kind::Bullet
                                         ? "\xe2\x80\xa2"
                                         : std::to_string(line.number) + ".";
                ImVec2 p = ImGui::GetCursorScreenPos();
                float line_h = std::round(size * 1.35f);
                ImGui::GetWindowDrawList()->AddText(
                    ctx.fonts.bold, size, ImVec2(p.x + size * 0.2f, p.y + (line_h - size) * 0.5f),
                    ctx.colors.text_dim, marker.c_str());
            }
        }
        for (const NarrationSpan& span : line.spans) {
            ImFont* font = span.code     ? ctx.fonts.mono
                           : span.bold   ? ctx.fonts.bold
                           : span.italic ? ctx.fonts.italic
                                         : ctx.fonts.sans;
            // Words keep their trailing space, so wrapping never splits "x,".
            size_t i = 0;
            while (i < span.text.size()) {
                size_t j = span.text.find(' ', i);
                j = j == std::string::npos ? span.text.size() : j + 1;
                words.push_back({span.text.substr(i, j - i), font, span.code, span.bold});
                i = j;
            }
        }
        draw_words(ctx, words, indent, color);
    }
}

std::string era_name(Era era) {
    return std::string(era_info(era).name);
}

std::string shot_name(const std::string& name, const Tour& tour) {
    return shot_file_name(name, tour.era_count(), era_name(tour.era()));
}

std::string title_of(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("title:", 0) == 0) {
            std::string t = line.substr(6);
            t.erase(0, t.find_first_not_of(" \t\"'"));
            while (!t.empty() && (t.back() == '"' || t.back() == '\'' || t.back() == ' '))
                t.pop_back();
            return t;
        }
    return "";
}

std::string walkthrough_dir() {
    std::vector<fs::path> candidates;
    candidates.push_back(fs::path(assets_dir()) / "walkthroughs");  // assets_dir() does not throw
    candidates.push_back(fs::path(SLOWPATH_WALKTHROUGH_DIR));
    for (const fs::path& p : candidates) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) return p.string();
    }
    return "";
}

bool big_button(const char* label, float width, bool enabled = true) {
    if (!enabled) ImGui::BeginDisabled();
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                        ImVec2(ImGui::GetFontSize() * 0.7f, ImGui::GetFontSize() * 0.35f));
    bool clicked = ImGui::Button(label, ImVec2(width, 0));
    ImGui::PopStyleVar();
    if (!enabled) ImGui::EndDisabled();
    return clicked;
}

// A question's choice: a button as wide as the panel whose text wraps.
// Choices are often sentences, and ImGui::Button would cut them at the edge.
bool choice_button(const std::string& text, const char* id, float width) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float fs = ImGui::GetFontSize();
    const ImVec2 pad(fs * 0.7f, fs * 0.35f);
    const float wrap = std::max(1.0f, width - 2 * pad.x);
    const ImVec2 text_size = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    const ImVec2 end(pos.x + width, pos.y + text_size.y + 2 * pad.y);
    bool clicked = ImGui::InvisibleButton(id, ImVec2(width, end.y - pos.y));
    ImGuiCol fill = ImGui::IsItemActive()    ? ImGuiCol_ButtonActive
                    : ImGui::IsItemHovered() ? ImGuiCol_ButtonHovered
                                             : ImGuiCol_Button;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(pos, end, ImGui::GetColorU32(fill), style.FrameRounding);
    if (style.FrameBorderSize > 0)
        draw->AddRect(pos, end, ImGui::GetColorU32(ImGuiCol_Border), style.FrameRounding, 0,
                      style.FrameBorderSize);
    draw->AddText(ImGui::GetFont(), fs, ImVec2(pos.x + pad.x, pos.y + pad.y),
                  ImGui::GetColorU32(ImGuiCol_Text), text.c_str(), nullptr, wrap);
    return clicked;
}

// A block of the page with a bar of `accent` down its left edge, from `top`
// to where the cursor is now.
void left_bar(ImVec2 top, float em, ImU32 accent) {
    ImVec2 bottom = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddRectFilled(top, ImVec2(top.x + em * 0.22f, bottom.y), accent);
}

}  // namespace

NarrationPanel::NarrationPanel(App& app) : app_(app) {}

bool NarrationPanel::open(const std::string& path) {
    try {
        auto tour = std::make_unique<Tour>(path);
        app_.apply_lesson_view(tour->walkthrough().view);
        tour_ = std::move(tour);
        errors_.clear();
        error_file_.clear();
        shown_revision_ = ~0ull;
        failed_total_ = 0;
        after_move(tour_->error());
        browser_open_ = false;
        return true;
    } catch (const WalkthroughError& e) {
        tour_.reset();
        errors_.clear();
        for (const Diagnostic& d : e.diagnostics()) errors_.push_back(d.text());
        error_file_ = path;
        app_.point_at_targets({});
        return false;
    } catch (const std::exception& e) {
        tour_.reset();
        errors_ = {path + ": " + e.what()};
        error_file_ = path;
        return false;
    }
}

void NarrationPanel::close() {
    tour_.reset();
    errors_.clear();
    app_.point_at_targets({});
    // The window goes back to a machine of its own.
    Scenario s = app_.model().scenario();
    app_.model().reload(s);
}

void NarrationPanel::after_move(const std::string& error) {
    status_ = error;
    shots_saved_.clear();
    handout_shot_ = false;
    settle_ = 0;
    if (!tour_) return;
    failed_total_ += tour_->failed_checks();
    Session* session = tour_->session();
    if (session) {
        bool new_trace = tour_->run_revision() != shown_revision_;
        Session* right = tour_->right_session();
        // The header's view, as the page's view steps change it.
        const TourPage& page = tour_->current();
        const ViewSettings view = tour_->walkthrough().view_at(
            tour_->era_index(), page.end > page.begin ? page.end - 1 : page.begin);
        app_.apply_page_view(view);
        if (right && view.compare.value_or(true)) {
            // A compare step: its two sides in the compare view's columns.
            app_.model().show_comparison(*session, *right, new_trace, tour_->side_caption(false),
                                         tour_->side_caption(true));
        } else {
            app_.model().show_session(*session, new_trace);
            // `view: {compare: true}`: the same scenario in the other era beside it.
            if (view.compare.value_or(false)) app_.model().set_compare(true);
        }
        // The ghost is the focus syscall's route: not under another syscall's.
        Pane& pane = app_.model().primary();
        bool on_focus = pane.ok() && pane.now().shown_syscall == pane.trace()->focus;
        pane.set_ghost(on_focus ? tour_->ghost_route() : std::vector<std::string>{});
        shown_revision_ = tour_->run_revision();
        shown_trace_revision_ = app_.model().primary().trace_revision();
        shown_step_ = session->step();
    }
    std::vector<Pointer::Target> targets;
    for (const PointTarget& p : tour_->points())
        for (auto& t : point_targets(p.kind, p.name)) targets.push_back(std::move(t));
    // Unattended shots want the outline solid, not caught mid-pulse.
    app_.point_at_targets(std::move(targets), !autoplay_);
}

bool NarrationPanel::diverged() {
    if (!tour_) return false;
    Pane& pane = app_.model().primary();
    const Session* s = tour_->session();
    return !s || !pane.shows(s) || pane.trace_revision() != shown_trace_revision_ ||
           pane.now().step != shown_step_;
}

std::string NarrationPanel::ensure_on_page() {
    if (!tour_) return "no walkthrough is open";
    Pane& pane = app_.model().primary();
    const Session* s = tour_->session();
    // A different machine, or the same one with a changed future: run the page again.
    if (!s || !pane.shows(s) || pane.trace_revision() != shown_trace_revision_)
        return tour_->resync();
    return "";
}

std::string NarrationPanel::command(const Command& command) {
    const std::string& v = command.verb;
    const auto& a = command.args;
    if (v == "tour-open") {
        std::string path;
        for (const std::string& w : a) path += (path.empty() ? "" : " ") + w;
        if (!open(path)) return "the walkthrough has problems (see the panel)";
        return "";
    }
    if (v == "tour-browse") {
        browser_open_ = a.empty() ? !browser_open_ : a[0] != "off";
        browser_focus_ = browser_open_;
        return "";
    }
    if (v == "tour-checks") {
        if (a.empty() || a[0] == "toggle")
            show_checks_ = !show_checks_;
        else if (a[0] == "on" || a[0] == "off")
            show_checks_ = a[0] == "on";
        else
            return "tour-checks takes on, off or toggle";
        return "";
    }
    if (v == "tour-close") {
        if (!active()) return "no walkthrough is open";
        close();
        return "";
    }
    if (!tour_)
        return "no walkthrough is open (Open walkthrough: " + shortcut_for("tour-browse") + ")";
    std::string error = ensure_on_page();
    if (!error.empty()) {
        after_move(error);
        return error;
    }
    if (v == "tour-next") {
        error = tour_->next();
    } else if (v == "tour-prev") {
        error = tour_->prev();
    } else if (v == "tour-answer") {
        try {
            size_t choice = std::stoul(a[0]);
            // Shown numbered from 1; 0 also means the first for scripts written that way.
            error = tour_->answer(choice == 0 ? 0 : choice - 1);
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a choice number";
        }
    } else if (v == "tour-goto") {
        try {
            size_t page = std::stoul(a[0]);
            error = tour_->go_to(page == 0 ? 0 : page - 1);
        } catch (const std::exception&) {
            return "'" + a[0] + "' is not a page number";
        }
    } else if (v == "tour-era") {
        auto era = parse_era(a[0]);
        size_t index = tour_->era_count();
        for (size_t i = 0; era && i < tour_->era_count(); i++)
            if (tour_->walkthrough().plans[i].era == *era) index = i;
        if (index == tour_->era_count())
            return "this walkthrough does not run in era '" + a[0] + "'";
        error = tour_->set_era(index);
    } else {
        return "'" + v + "' is not a tour command";
    }
    // A refused move ("this is the last page") leaves the page as it was.
    bool moved = error.empty() || !tour_->error().empty();
    if (moved) after_move(tour_->error());
    return error;
}

size_t NarrationPanel::awaiting_choices() const {
    if (!tour_ || !tour_->awaiting_answer()) return 0;
    const Question* q = tour_->question();
    return q ? q->choices.size() : 0;
}

void NarrationPanel::frame(App& /*app*/) {
    if (!tour_) {
        if (autoplay_) autoplay_done_ = true;
        return;
    }
    settle_++;
    take_shots();
    if (autoplay_ && !autoplay_done_) autoplay_tick();
}

void NarrationPanel::take_shots() {
    // A few frames after the page changed, with animations done: the
    // picture shows the page as the viewer sees it.
    if (shot_dir_.empty() || settle_ < 4 || app_.animating()) return;
    for (const std::string& name : tour_->screenshots()) {
        std::string file = shot_name(name, *tour_);
        if (std::find(shots_saved_.begin(), shots_saved_.end(), file) != shots_saved_.end())
            continue;
        std::error_code ec;
        fs::create_directories(shot_dir_, ec);
        app_.save_screenshot_next_frame((fs::path(shot_dir_) / file).string());
        shots_saved_.push_back(file);
        settle_ = 2;  // one picture per frame
        return;
    }
}

bool NarrationPanel::keep_for_handout() {
    if (handout_dir_.empty() || handout_shot_) return false;
    HandoutPage page;
    page.era = era_name(tour_->era());
    page.number = tour_->page() + 1;
    page.narration = tour_->narration();
    if (const Question* q = tour_->question()) {
        page.question = q->question;
        page.choices = q->choices;
        page.answer = q->answer < q->choices.size() ? q->choices[q->answer] : "";
        page.explanation = q->explanation_for(q->answer);  // the answer's own, if it has one
    }
    page.image = handout_image_name(page.era, page.number);
    std::error_code ec;
    fs::create_directories(handout_dir_, ec);
    app_.save_screenshot_next_frame((fs::path(handout_dir_) / page.image).string());
    handout_.push_back(std::move(page));
    handout_shot_ = true;
    settle_ = 2;  // the next tick comes after the picture is saved
    return true;
}

std::string NarrationPanel::write_handout() const {
    if (handout_dir_.empty()) return "";
    if (handout_.empty()) return handout_dir_ + ": no pages were played";
    std::string title = tour_ ? tour_->walkthrough().title : "slowpath walkthrough";
    std::string source = tour_ ? tour_->path() : "";
    fs::path path = fs::path(handout_dir_) / "index.html";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << handout_html(title, fs::path(source).filename().string(), handout_);
    out.close();
    if (!out) return path.string() + ": cannot write";
    return "";
}

void NarrationPanel::autoplay_tick() {
    if (settle_ < 6 || app_.animating()) return;
    // The page's shoot steps are saved first (when there is a folder for them).
    for (const std::string& name :
         shot_dir_.empty() ? std::vector<std::string>{} : tour_->screenshots())
        if (std::find(shots_saved_.begin(), shots_saved_.end(), shot_name(name, *tour_)) ==
            shots_saved_.end())
            return;  // still to save
    if (keep_for_handout()) return;
    if (!tour_->error().empty()) {
        failed_total_++;
        autoplay_done_ = true;
        return;
    }
    std::string error;
    if (tour_->at_last_page()) {
        if (tour_->era_index() + 1 >= tour_->era_count()) {
            autoplay_done_ = true;
            return;
        }
        error = tour_->set_era(tour_->era_index() + 1);
        if (error.empty()) error = tour_->go_to(0);
    } else if (const Question* q = tour_->question(); q && tour_->awaiting_answer()) {
        error = tour_->answer(q->answer);
    } else {
        error = tour_->next();
    }
    after_move(error);
}

// ---- drawing ----

void NarrationPanel::draw(UiContext& ctx, Pane& pane, int /*pane_index*/) {
    if (tour_)
        draw_tour(ctx, pane);
    else if (!errors_.empty())
        draw_errors(ctx);
}

void NarrationPanel::draw_errors(UiContext& ctx) {
    const Palette& c = ctx.colors;
    ImGui::PushTextWrapPos(0.0f);
    text_font(ctx.fonts.heading, c.error, "Cannot play this walkthrough");
    text(c.text_dim, error_file_);
    ImGui::Spacing();
    text(c.text, "Fix these lines and open it again:");
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.mono);
    for (const std::string& e : errors_) {
        text(c.error, e);
        ImGui::Spacing();
    }
    ImGui::PopFont();
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    // Buttons flow onto the next line when the column is narrow.
    bool first = true;
    auto button = [&](const char* label) {
        float w = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
        if (!first) {
            ImGui::SameLine();
            if (ImGui::GetCursorPosX() + w > ImGui::GetWindowContentRegionMax().x) ImGui::NewLine();
        }
        first = false;
        return ImGui::Button(label);
    };
    if (button("Open another...")) ctx.command("tour-browse on");
    if (!error_file_.empty() && button("Try again")) ctx.command("tour-open " + error_file_);
    if (button("Close")) ctx.command("tour-close");
}

void NarrationPanel::draw_tour(UiContext& ctx, Pane& /*pane*/) {
    const Tour& t = *tour_;
    const float em = ImGui::GetFontSize();
    tour_header(ctx, t);
    ImGui::Separator();
    // Buttons at the bottom; the text scrolls above them.
    const float buttons_h =
        ImGui::GetFrameHeight() + em * 0.7f + ImGui::GetStyle().ItemSpacing.y * 2;
    ImGui::BeginChild("##tour-text", ImVec2(0, -buttons_h), false);
    tour_verdict(ctx, t);
    tour_text(ctx, t);
    tour_question(ctx, t);
    tour_teacher_notes(ctx, t);
    tour_problems(ctx, t);
    ImGui::EndChild();
    tour_buttons(ctx, t);
}

// Title, era, progress.
void NarrationPanel::tour_header(UiContext& ctx, const Tour& t) {
    const Palette& c = ctx.colors;
    const float em = ImGui::GetFontSize();
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::PushTextWrapPos(0.0f);
    text_font(ctx.fonts.heading, c.text_strong, t.walkthrough().title);
    ImGui::PopTextWrapPos();
    if (t.era_count() > 1) {
        ImGui::AlignTextToFramePadding();
        text(c.text_dim, "Era");
        for (size_t i = 0; i < t.era_count(); i++) {
            ImGui::SameLine();
            std::string name = era_name(t.walkthrough().plans[i].era);
            if (chip((name + "##tour-era").c_str(), i == t.era_index(), c.anchor,
                     with_alpha(c.anchor, 0.18f)))
                ctx.command("tour-era " + name);
            tooltip("play this walkthrough in " +
                    std::string(era_info(t.walkthrough().plans[i].era).title) +
                    " (the same moment of the lesson)");
        }
    } else {
        text(c.text_dim, "Era " + era_name(t.era()));
    }
    std::string counter =
        "Page " + std::to_string(t.page() + 1) + " of " + std::to_string(t.pages().size());
    ImVec2 p = ImGui::GetCursorScreenPos();
    float h = std::max(3.0f, em * 0.22f);
    float frac = static_cast<float>(t.page() + 1) / static_cast<float>(t.pages().size());
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(p, ImVec2(p.x + width, p.y + h), c.timeline_bg, h);
    draw->AddRectFilled(p, ImVec2(p.x + width * frac, p.y + h), c.anchor, h);
    ImGui::Dummy(ImVec2(width, h));
    text(c.text_dim, counter);
}

// The answer to the question on the page before.
void NarrationPanel::tour_verdict(UiContext& ctx, const Tour& t) {
    const auto& v = t.verdict();
    if (!v || !v->question) return;
    const Palette& c = ctx.colors;
    const float em = ImGui::GetFontSize();
    const Question& q = *v->question;
    ImU32 accent = !v->chosen ? c.anchor : v->right() ? c.ok : c.error;
    ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::Indent(em * 0.6f);
    ImGui::Dummy(ImVec2(1, em * 0.2f));
    ImGui::PushTextWrapPos(0.0f);
    text_font(ctx.fonts.bold, accent, verdict_headline(*v));
    ImGui::PopTextWrapPos();
    draw_markdown(ctx, q.explanation_for(v->chosen ? *v->chosen : q.answer), c.text);
    ImGui::Unindent(em * 0.6f);
    left_bar(top, em, accent);
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::Spacing();
}

void NarrationPanel::tour_text(UiContext& ctx, const Tour& t) {
    std::string narration = t.narration();
    if (!narration.empty()) {
        draw_markdown(ctx, narration, ctx.colors.text);
    } else if (!t.question() && !autoplay_) {
        // No words on this page: say what the steps did (not in unattended
        // shots, where it would read as the page's narration).
        for (const StepResult& r : t.results())
            if ((r.kind == StepKind::Move || r.kind == StepKind::Setup) && !r.skipped)
                text(ctx.colors.text_dim, r.description);
    }
}

void NarrationPanel::tour_question(UiContext& ctx, const Tour& t) {
    const Question* q = t.question();
    if (!q) return;
    const Palette& c = ctx.colors;
    const float em = ImGui::GetFontSize();
    ImGui::Spacing();
    ImVec2 top = ImGui::GetCursorScreenPos();
    ImGui::Indent(em * 0.6f);
    text_font(ctx.fonts.bold, c.anchor, "Predict");
    ImGui::PushTextWrapPos(0.0f);
    text_font(ctx.fonts.bold, c.text_strong, q->question);
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (t.awaiting_answer()) {
        float bw = ImGui::GetContentRegionAvail().x;
        for (size_t i = 0; i < q->choices.size(); i++) {
            std::string label = std::to_string(i + 1) + ".  " + q->choices[i];
            std::string id = "##choice" + std::to_string(i);
            if (choice_button(label, id.c_str(), bw))
                ctx.command("tour-answer " + std::to_string(i + 1));
            ctx.mark("choice:" + std::to_string(i + 1));
            if (i < 9) tooltip("answer " + q->choices[i] + "   [" + std::to_string(i + 1) + "]");
        }
        ImGui::PushTextWrapPos(0.0f);
        text(c.text_dim,
             "Pick one (click, or its number key): the tour then steps on and tells you.");
        ImGui::PopTextWrapPos();
    }
    ImGui::Unindent(em * 0.6f);
    left_bar(top, em, c.anchor);
}

// What was checked on this page, small: for the teacher (or the author)
// only; a student reads the lesson. Then the teacher view's switch.
void NarrationPanel::tour_teacher_notes(UiContext& ctx, const Tour& t) {
    const Palette& c = ctx.colors;
    checks_drawn_ = 0;
    bool any_check = false;
    for (const StepResult& r : t.results()) any_check |= !r.checks.empty();
    bool teacher = show_checks_ || autoplay_;
    if (teacher && (any_check || !t.screenshots().empty())) {
        ImGui::Spacing();
        ImGui::Separator();
        ImGui::PushFont(ctx.fonts.small);
        ImGui::PushTextWrapPos(0.0f);
        tour_checks(ctx, t);
        tour_shots(ctx, t);
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
    }
    if (const Session* s = tour_->session(); s && teacher) {
        ImGui::PushFont(ctx.fonts.small);
        ImGui::PushTextWrapPos(0.0f);
        text(c.text_faint, "step " + std::to_string(s->step()) + "  " + s->where());
        ImGui::PopTextWrapPos();
        ImGui::PopFont();
    }
    ImGui::Spacing();
    ImGui::PushFont(ctx.fonts.small);
    bool on = show_checks_;
    if (ImGui::Checkbox("teacher view##tour-checks", &on))
        ctx.command(on ? "tour-checks on" : "tour-checks off");
    ctx.mark("tour-checks");
    tooltip("show what the walkthrough checks on each page (PASS/FAIL) and its screenshots");
    ImGui::PopFont();
}

void NarrationPanel::tour_checks(UiContext& ctx, const Tour& t) {
    const Palette& c = ctx.colors;
    for (const StepResult& r : t.results())
        for (const CheckResult& check : r.checks) {
            text_font(ctx.fonts.small, check.passed ? c.ok : c.error,
                      check.passed ? "PASS" : "FAIL");
            checks_drawn_++;
            ImGui::SameLine();
            text(check.passed ? c.text_dim : c.text,
                 check.what + (check.passed || check.detail.empty() ? "" : ": " + check.detail));
            if (!check.passed && !check.judged_at.empty())
                text(c.text_dim, "judged at " + check.judged_at);
        }
}

void NarrationPanel::tour_shots(UiContext& ctx, const Tour& t) {
    for (const std::string& name : t.screenshots()) {
        std::string file = shot_name(name, t);
        bool saved =
            std::find(shots_saved_.begin(), shots_saved_.end(), file) != shots_saved_.end();
        text(ctx.colors.text_dim,
             saved ? "screenshot saved: " + (fs::path(shot_dir_) / file).string()
                   : "screenshot " + file +
                         (shot_dir_.empty() ? " (--screenshot-dir DIR saves it)" : ""));
    }
}

// The page's error, and a way back when the viewer moved the machine off it.
void NarrationPanel::tour_problems(UiContext& ctx, const Tour& t) {
    const Palette& c = ctx.colors;
    std::string problem = !t.error().empty() ? t.error() : status_;
    if (!problem.empty()) {
        ImGui::PushTextWrapPos(0.0f);
        text(c.error, problem);
        ImGui::PopTextWrapPos();
    }
    if (diverged()) {
        ImGui::Spacing();
        ImGui::PushTextWrapPos(0.0f);
        text(c.text_dim, "The machine has moved away from this page.");
        ImGui::PopTextWrapPos();
        if (ImGui::SmallButton("Back to this page"))
            ctx.command("tour-goto " + std::to_string(t.page() + 1));
    }
}

// Previous / Next (or the next era, at the end).
void NarrationPanel::tour_buttons(UiContext& ctx, const Tour& t) {
    const float em = ImGui::GetFontSize();
    ImGui::Dummy(ImVec2(1, em * 0.2f));
    float gap = ImGui::GetStyle().ItemSpacing.x;
    float half = (ImGui::GetContentRegionAvail().x - gap) * 0.5f;
    if (big_button("< Previous", half, t.page() > 0)) ctx.command("tour-prev");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        tooltip("the page before, run again from the start   [" + shortcut_for("tour-prev") + "]");
    ImGui::SameLine(0, gap);
    if (!t.at_last_page()) {
        const char* label = t.awaiting_answer() ? "Skip >" : "Next >";
        if (big_button(label, half)) ctx.command("tour-next");
        if (ImGui::IsItemHovered())
            tooltip((t.awaiting_answer() ? std::string("show the answer without guessing")
                                         : std::string("run the next steps")) +
                    "   [" + shortcut_for("tour-next") + "]");
    } else if (t.era_index() + 1 < t.era_count()) {
        std::string next_era = era_name(t.walkthrough().plans[t.era_index() + 1].era);
        if (big_button(("Again in " + next_era + " >").c_str(), half))
            ctx.command("tour-era " + next_era + "; tour-goto 1");
    } else {
        if (big_button("Done##tour-done", half)) ctx.command("tour-close");
        tooltip("close the walkthrough");
    }
}

void NarrationPanel::draw_browser(UiContext& ctx) {
    if (!browser_open_) return;
    const Palette& c = ctx.colors;
    ImGuiIO& io = ImGui::GetIO();
    const float em = ImGui::GetFontSize();
    if (files_.empty() || browser_focus_) {
        files_.clear();
        std::string dir = walkthrough_dir();
        std::error_code ec;
        if (!dir.empty())
            for (const auto& entry : fs::directory_iterator(dir, ec)) {
                std::string ext = entry.path().extension().string();
                if (ext == ".yaml" || ext == ".yml")
                    files_.push_back({entry.path().string(), title_of(entry.path().string())});
            }
        std::sort(files_.begin(), files_.end());
    }
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f),
                            ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(io.DisplaySize.x * 0.9f, em * 44),
                                    std::min(io.DisplaySize.y * 0.85f, em * 30)),
                             ImGuiCond_Always);
    if (browser_focus_) ImGui::SetNextWindowFocus();
    ImGui::SetNextWindowBgAlpha(1.0f);
    bool open = true;
    if (ImGui::Begin("Open walkthrough###tour-browser", &open,
                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                         ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove)) {
        text(c.text_dim,
             "Double-click a shipped walkthrough, type a path, or drop a .yaml file onto the "
             "window:");
        float list_h = ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() * 2.2f;
        ImGui::BeginChild("##files", ImVec2(0, list_h), true);
        for (const auto& [path, title] : files_) {
            std::string name = fs::path(path).stem().string();
            std::string label = (title.empty() ? name : title) + "##" + path;
            if (ImGui::Selectable(label.c_str(), path == path_buffer_,
                                  ImGuiSelectableFlags_AllowDoubleClick)) {
                std::snprintf(path_buffer_, sizeof path_buffer_, "%s", path.c_str());
                if (ImGui::IsMouseDoubleClicked(0)) ctx.command("tour-open " + path);
            }
            ImGui::SameLine();
            text(c.text_faint, name);
        }
        if (files_.empty()) text(c.text_dim, "(no walkthroughs found next to the program)");
        ImGui::EndChild();
        ImGui::SetNextItemWidth(-em * 10);
        if (browser_focus_) ImGui::SetKeyboardFocusHere();
        bool enter =
            ImGui::InputTextWithHint("##path", "path/to/walkthrough.yaml", path_buffer_,
                                     sizeof path_buffer_, ImGuiInputTextFlags_EnterReturnsTrue);
        ImGui::SameLine();
        bool go = ImGui::Button("Open", ImVec2(em * 4.2f, 0));
        ImGui::SameLine();
        if (ImGui::Button("Cancel", ImVec2(-1, 0))) open = false;
        if ((enter || go) && path_buffer_[0]) ctx.command(std::string("tour-open ") + path_buffer_);
    }
    ImGui::End();
    browser_focus_ = false;
    if (!open) browser_open_ = false;
}

std::string NarrationPanel::describe() const {
    if (!tour_) return errors_.empty() ? "" : errors_.front();
    return tour_->walkthrough().title + ", page " + std::to_string(tour_->page() + 1);
}

nlohmann::json NarrationPanel::dump() const {
    nlohmann::json out;
    if (tour_) out = tour_->dump();
    if (!errors_.empty()) out["errors"] = errors_;
    out["browser_open"] = browser_open_;
    out["failed_total"] = failed_total_;
    out["checks_shown"] = show_checks_ || autoplay_;
    out["checks_drawn"] = checks_drawn_;
    out["shots_saved"] = shots_saved_;
    return out;
}

}  // namespace slowpath::gui
