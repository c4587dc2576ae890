// Every page of every shipped walkthrough, as the tour in the app groups
// them (model/tour.h), has something to read: a page of moves and checks
// alone leaves a student looking at a changed screen with no word on it.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/tour.h"
#include "slowpath/era.h"
#include "slowpath/walkthrough.h"

namespace slowpath {
namespace {

std::vector<std::string> shipped() {
    std::vector<std::string> files;
    if (DIR* d = opendir(WALKTHROUGH_ASSETS_DIR)) {
        while (dirent* e = readdir(d)) {
            std::string name = e->d_name;
            if (name.size() > 5 && name.substr(name.size() - 5) == ".yaml") files.push_back(name);
        }
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    return files;
}

bool has_words(const EraPlan& plan, const gui::TourPage& page) {
    for (size_t i = page.begin; i < page.end; i++) {
        const Step& step = plan.steps[i];
        if (step.skipped) continue;
        if (step.kind == StepKind::Say && !step.text.empty()) return true;
        if (step.kind == StepKind::Ask && !step.question.question.empty()) return true;
    }
    return false;
}

TEST(WalkthroughPages, EveryPageOfEveryEraHasProse) {
    std::vector<std::string> files = shipped();
    ASSERT_GE(files.size(), 10u);
    for (const std::string& f : files) {
        Walkthrough w = load_walkthrough(std::string(WALKTHROUGH_ASSETS_DIR) + "/" + f);
        for (const EraPlan& plan : w.plans) {
            std::vector<gui::TourPage> pages = gui::tour_pages(plan);
            ASSERT_FALSE(pages.empty()) << f;
            for (size_t p = 0; p < pages.size(); p++) {
                const gui::TourPage& page = pages[p];
                ASSERT_LT(page.begin, page.end) << f;
                EXPECT_TRUE(has_words(plan, page))
                    << f << ":" << plan.steps[page.begin].line << ": page " << p + 1 << " of "
                    << pages.size() << " (" << era_info(plan.era).name << ") has no say: only "
                    << plan.steps[page.begin].describe() << "...";
            }
        }
    }
}

}  // namespace
}  // namespace slowpath
