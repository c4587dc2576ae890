// A walkthrough played as a guided tour: the steps of one era grouped into
// pages (what one press of Next shows), the machine those steps leave
// behind, and predict mode's question and answer.
//
// A page runs the steps up to something to read: it ends before the next
// move or setup once it holds a say and has moved the machine itself (words
// before the first move introduce what the moves after them show, and a
// point waits for the words about it, so they share a page), right after an
// ask (the question comes before the answer) and right after a shoot (the
// picture is of that moment). Going back runs the walkthrough again from the
// start (WalkRunner::run_to), so the machine always matches the narration.
// Nothing here draws; tests link it.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "slowpath/walkthrough.h"

namespace slowpath::gui {

struct TourPage {
    size_t begin = 0, end = 0;  // steps [begin, end) of the era's plan
    bool asks = false;          // ends with a question
};

// The pages of one era's plan.
std::vector<TourPage> tour_pages(const EraPlan& plan);

// An ask's `shoot: q.png` after the answer: "q-answer.png".
std::string ask_answer_shot(const std::string& name);

// What the viewer answered to a question (predict mode).
struct TourAnswer {
    const Question* question = nullptr;
    std::optional<size_t> chosen;  // none: skipped
    bool right() const { return chosen && question && *chosen == question->answer; }
};

class Tour {
 public:
    // Throws WalkthroughError (every problem, file:line:column).
    explicit Tour(const std::string& path);
    Tour(const Tour&) = delete;
    Tour& operator=(const Tour&) = delete;

    const Walkthrough& walkthrough() const { return *walkthrough_; }
    const std::string& path() const { return walkthrough_->path; }
    size_t era_index() const { return era_index_; }
    size_t era_count() const { return walkthrough_->plans.size(); }
    Era era() const { return walkthrough_->plans[era_index_].era; }

    const std::vector<TourPage>& pages() const { return pages_; }
    size_t page() const { return page_; }
    const TourPage& current() const { return pages_[page_]; }
    bool at_last_page() const { return page_ + 1 >= pages_.size(); }

    // The results of the current page's steps, in order.
    const std::vector<StepResult>& results() const { return results_; }
    std::string narration() const;  // the page's say steps, Markdown, blank-line separated
    std::vector<PointTarget> points() const;       // of the last point step on the page
    const Question* question() const;              // the page's ask, if any
    bool awaiting_answer() const;                  // a question shown, not answered yet
    std::vector<std::string> screenshots() const;  // the page's shoot steps, in order
    // The answer given on the page before (shown with this page's steps).
    const std::optional<TourAnswer>& verdict() const { return verdict_; }
    size_t failed_checks() const;  // on this page

    // Moving. Each returns "" or a one-line reason; none throws.
    std::string next();                     // also skips an unanswered question
    std::string answer(size_t choice);      // answers, then runs the next page
    std::string prev();                     // runs again from the start to the page before
    std::string go_to(size_t page);         // runs again from the start to this page
    std::string set_era(size_t era_index);  // the same moment of the lesson in another era
    // Runs the current page again (after the viewer moved the machine away).
    std::string resync() { return go_to(page_); }

    // The machine the pages left behind. Null only when the guest cannot load.
    Session* session();
    // After a compare step: the right side's machine (session() is the left),
    // and what each side is; null and "" otherwise.
    Session* right_session();
    std::string side_caption(bool right) const;
    // The route an earlier scene took (`ghost: true`), for the path graph.
    const std::vector<std::string>& ghost_route() const { return runner_->ghost_route(); }
    uint64_t steps_run() const { return runner_->position(); }
    // Bumped whenever session() may be a different object or a different run.
    uint64_t run_revision() const { return run_revision_; }
    const std::string& error() const { return error_; }

    nlohmann::json dump() const;

 private:
    std::string run_page();  // runs the steps of pages_[page_] from where the runner is
    void set_plan(size_t era_index);

    std::unique_ptr<Walkthrough> walkthrough_;
    size_t era_index_ = 0;
    std::vector<TourPage> pages_;
    std::unique_ptr<WalkRunner> runner_;
    size_t page_ = 0;
    std::vector<StepResult> results_;
    std::optional<TourAnswer> verdict_;
    std::optional<TourAnswer> pending_;  // given on this page, shown on the next
    uint64_t run_revision_ = 0;
    std::string error_;
};

}  // namespace slowpath::gui
