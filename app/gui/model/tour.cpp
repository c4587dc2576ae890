#include "model/tour.h"

#include <exception>

namespace slowpath::gui {

std::vector<TourPage> tour_pages(const EraPlan& plan) {
    std::vector<TourPage> pages;
    TourPage page;
    bool has_content = false;  // something to read
    bool has_move = false;     // a move: the page shows a machine state of its own
    bool shot_waits = false;   // a shoot on a page with no words yet
    auto close = [&](size_t end) {
        page.end = end;
        pages.push_back(page);
        page = TourPage{};
        page.begin = end;
        has_content = false;
        has_move = false;
    };
    for (size_t i = 0; i < plan.steps.size(); i++) {
        const Step& step = plan.steps[i];
        if (step.skipped) continue;  // it runs as nothing with whichever page holds it
        bool moves = step.kind == StepKind::Move || step.kind == StepKind::Setup ||
                     step.kind == StepKind::Compare;
        // A picture taken before any words waits for the words that follow
        // it (up to the next move): they are about that moment, and the
        // page would otherwise show only what its steps did.
        if (shot_waits && (moves || step.kind == StepKind::Ask)) {
            close(i);
            shot_waits = false;
        }
        // Words before any move (an introduction) stay with the moves that
        // follow: the page shows the state they talk about.
        if (moves && has_content && has_move) close(i);
        if (step.kind == StepKind::Move) has_move = true;
        switch (step.kind) {
            case StepKind::Say:  // words; a point alone waits for the words about it
                has_content = true;
                break;
            case StepKind::Ask:
                page.asks = true;
                close(i + 1);
                break;
            case StepKind::Shoot:
                if (has_content)
                    close(i + 1);
                else
                    shot_waits = true;
                break;
            default:
                break;
        }
    }
    if (page.begin < plan.steps.size() || pages.empty()) close(plan.steps.size());
    // A page with nothing to read is only on the way: its moves join the
    // next page, whose words are about where they lead. Not a question's
    // page, nor one that ends with a picture (it is of that moment).
    auto wordless = [&](const TourPage& p) {
        for (size_t i = p.begin; i < p.end; i++)
            if (plan.steps[i].kind == StepKind::Say && !plan.steps[i].skipped) return false;
        return !p.asks;
    };
    std::vector<TourPage> merged;
    for (size_t i = 0; i < pages.size(); i++) {
        TourPage p = pages[i];
        if (!merged.empty() && merged.back().begin == p.begin) continue;
        auto has_shot = [&](const TourPage& q) {
            for (size_t k = q.begin; k < q.end; k++)
                if (plan.steps[k].kind == StepKind::Shoot && !plan.steps[k].skipped) return true;
            return false;
        };
        bool ends_with_shot = has_shot(p);
        bool after_answer = i > 0 && pages[i - 1].asks;  // shows the answer's words
        while (wordless(p) && !ends_with_shot && !after_answer && i + 1 < pages.size()) {
            p.end = pages[++i].end;
            p.asks = pages[i].asks;
            ends_with_shot = has_shot(p);
            if (!wordless(p)) break;
        }
        merged.push_back(p);
    }
    return merged;
}

Tour::Tour(const std::string& path)
    : walkthrough_(std::make_unique<Walkthrough>(load_walkthrough(path))) {
    set_plan(0);
    go_to(0);
}

void Tour::set_plan(size_t era_index) {
    era_index_ = era_index;
    pages_ = tour_pages(walkthrough_->plans[era_index_]);
    runner_ = std::make_unique<WalkRunner>(*walkthrough_, era_index_);
    run_revision_++;
}

std::string Tour::run_page() {
    error_.clear();
    results_.clear();
    const void* before = runner_->session_if_started();
    bool new_run = false;
    try {
        while (runner_->position() < current().end && !runner_->done()) {
            StepResult r = runner_->run_next();
            new_run |= r.kind == StepKind::Setup && !r.skipped;
            if (r.index >= current().begin) results_.push_back(std::move(r));
        }
        runner_->session();  // something to show, even before the first move
    } catch (const std::exception& e) {
        error_ = e.what();
    }
    if (new_run || runner_->session_if_started() != before) run_revision_++;
    return error_;
}

std::string Tour::go_to(size_t page) {
    if (page >= pages_.size())
        return "the walkthrough has " + std::to_string(pages_.size()) + " pages";
    page_ = page;
    verdict_.reset();
    pending_.reset();
    runner_->restart();
    run_revision_++;
    // Steps before the page run silently; run_page keeps only the page's own.
    try {
        while (runner_->position() < current().begin) runner_->run_next();
    } catch (const std::exception& e) {
        error_ = e.what();
        return error_;
    }
    return run_page();
}

std::string Tour::next() {
    if (at_last_page()) return "this is the last page";
    verdict_.reset();
    if (const Question* q = question()) verdict_ = pending_ ? *pending_ : TourAnswer{q, {}};
    pending_.reset();
    // The viewer may have moved the machine: start the page where the last one ended.
    if (runner_->session_if_started() && !results_.empty()) {
        runner_->session().seek(results_.back().machine_step);
        if (runner_->comparing() && results_.back().comparing)
            runner_->right_session().seek(results_.back().right_machine_step);
    }
    page_++;
    std::optional<TourAnswer> verdict = verdict_;
    std::string error = run_page();
    verdict_ = verdict;
    return error;
}

std::string Tour::answer(size_t choice) {
    const Question* q = question();
    if (!q) return "this page asks nothing";
    if (choice >= q->choices.size())
        return "choose 1 to " + std::to_string(q->choices.size()) + " (the numbered answers)";
    pending_ = TourAnswer{q, choice};
    if (at_last_page()) {  // nothing to step on to: answer here
        verdict_ = pending_;
        return "";
    }
    return next();
}

std::string Tour::prev() {
    if (page_ == 0) return "this is the first page";
    return go_to(page_ - 1);
}

std::string Tour::set_era(size_t era_index) {
    if (era_index >= era_count())
        return "the walkthrough has " + std::to_string(era_count()) + " eras";
    if (era_index == era_index_) return "";
    // Step i is the same moment of the lesson in every era: stay there.
    size_t step = current().begin;
    set_plan(era_index);
    size_t page = 0;
    while (page + 1 < pages_.size() && pages_[page].end <= step) page++;
    return go_to(page);
}

std::string Tour::narration() const {
    std::string out;
    for (const StepResult& r : results_)
        if (r.kind == StepKind::Say && !r.skipped && !r.narration.empty()) {
            if (!out.empty()) out += "\n\n";
            out += r.narration;
            while (!out.empty() && out.back() == '\n') out.pop_back();
        }
    return out;
}

std::vector<PointTarget> Tour::points() const {
    for (auto it = results_.rbegin(); it != results_.rend(); ++it)
        if (it->kind == StepKind::Point && !it->skipped) return it->points;
    return {};
}

const Question* Tour::question() const {
    for (const StepResult& r : results_)
        if (r.kind == StepKind::Ask && r.question) return r.question;
    return nullptr;
}

bool Tour::awaiting_answer() const {
    return question() && !pending_;
}

std::string ask_answer_shot(const std::string& name) {
    size_t dot = name.rfind('.');
    return dot == std::string::npos ? name + "-answer"
                                    : name.substr(0, dot) + "-answer" + name.substr(dot);
}

std::vector<std::string> Tour::screenshots() const {
    std::vector<std::string> out;
    // The answer to the question before, with its explanation, shown here.
    if (verdict_ && verdict_->question && !verdict_->question->shot.empty())
        out.push_back(ask_answer_shot(verdict_->question->shot));
    for (const StepResult& r : results_)
        if (!r.screenshot.empty()) out.push_back(r.screenshot);
    // The question with its choices, before it is answered.
    if (const Question* q = question(); q && !q->shot.empty() && awaiting_answer())
        out.push_back(q->shot);
    return out;
}

size_t Tour::failed_checks() const {
    size_t n = 0;
    for (const StepResult& r : results_)
        for (const CheckResult& c : r.checks) n += c.passed ? 0 : 1;
    return n;
}

Session* Tour::right_session() {
    if (!runner_->comparing()) return nullptr;
    try {
        return &runner_->right_session();
    } catch (const std::exception& e) {
        error_ = e.what();
        return nullptr;
    }
}

std::string Tour::side_caption(bool right) const {
    if (!runner_->comparing()) return "";
    // "v3.13/getpid/NEED_RESCHED@exit" against "v3.13/getpid/SIGPENDING@exit":
    // the parts both sides share (era, syscall) go, what differs stays.
    std::string mine = runner_->side_caption(right), other = runner_->side_caption(!right);
    size_t cut = 0;
    for (size_t i = 0; i < mine.size() && i < other.size() && mine[i] == other[i]; i++)
        if (mine[i] == '/') cut = i + 1;
    if (cut >= mine.size()) cut = 0;
    return (right ? "right: " : "left: ") + mine.substr(cut);
}

Session* Tour::session() {
    if (!runner_->session_if_started()) {
        try {
            runner_->session();
        } catch (const std::exception& e) {
            error_ = e.what();
            return nullptr;
        }
    }
    return &runner_->session();
}

nlohmann::json Tour::dump() const {
    using nlohmann::json;
    json eras = json::array();
    for (const EraPlan& p : walkthrough_->plans) eras.push_back(std::string(era_info(p.era).name));
    json checks = json::array();
    json steps = json::array();
    for (const StepResult& r : results_) {
        steps.push_back({{"index", r.index},
                         {"kind", std::string(step_kind_name(r.kind))},
                         {"skipped", r.skipped},
                         {"machine_step", r.machine_step}});
        for (const CheckResult& c : r.checks)
            checks.push_back({{"what", c.what},
                              {"passed", c.passed},
                              {"detail", c.detail},
                              {"judged_at", c.judged_at}});
    }
    json points = json::array();
    for (const PointTarget& p : this->points()) points.push_back(p.text());
    json out = {{"file", walkthrough_->path},
                {"title", walkthrough_->title},
                {"eras", eras},
                {"era", std::string(era_info(era()).name)},
                {"era_index", era_index_},
                {"page", page_},
                {"pages", pages_.size()},
                {"page_begin", current().begin},
                {"page_end", current().end},
                {"steps_run", runner_->position()},
                {"steps", steps},
                {"narration", narration()},
                {"narration_plain", narration_plain(narration())},
                {"points", points},
                {"checks", checks},
                {"screenshots", screenshots()},
                {"awaiting_answer", awaiting_answer()},
                {"error", error_.empty() ? json(nullptr) : json(error_)}};
    const Session* s = runner_->session_if_started();
    out["machine_step"] = s ? json(s->step()) : json(nullptr);
    out["where"] = s ? json(s->where()) : json(nullptr);
    out["ghost"] = runner_->ghost_route();
    if (runner_->comparing())
        out["compare"] = {{"left", side_caption(false)}, {"right", side_caption(true)}};
    else
        out["compare"] = nullptr;
    if (const Question* q = question())
        out["question"] = {
            {"question", q->question}, {"choices", q->choices}, {"answer", q->answer}};
    if (verdict_ && verdict_->question) {
        json v = {{"question", verdict_->question->question},
                  {"answer", verdict_->question->answer},
                  {"right", verdict_->right()}};
        v["chosen"] = verdict_->chosen ? json(*verdict_->chosen) : json(nullptr);
        const Question& q = *verdict_->question;
        v["explain"] = q.explanation_for(verdict_->chosen ? *verdict_->chosen : q.answer);
        out["verdict"] = v;
    }
    return out;
}

}  // namespace slowpath::gui
