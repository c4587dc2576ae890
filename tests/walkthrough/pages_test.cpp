// Every page of every shipped walkthrough, as the tour in the app groups
// them (model/tour.h), has something to read: a page of moves and checks
// alone leaves a student looking at a changed screen with no word on it.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
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

// `explain` per choice: the answer given gets its own feedback on the page after.
TEST(WalkthroughPages, AWrongAnswerGetsItsOwnExplanation) {
    std::string path = ::testing::TempDir() + "explain-per-choice.yaml";
    {
        std::ofstream out(path);
        out << "title: feedback\nera: v3.13\nprogram: {syscall: getpid}\nsteps:\n"
               "  - say: getpid runs.\n"
               "  - ask:\n"
               "      question: Which way back?\n"
               "      choices: [sysretq, iretq]\n"
               "      answer: sysretq\n"
               "      explain: {sysretq: Nothing changed., iretq: Nothing needs iret here.}\n"
               "  - move: {to: decision}\n"
               "  - say: Here it is.\n";
    }
    gui::Tour tour(path);
    ASSERT_NE(tour.question(), nullptr);
    EXPECT_EQ(tour.answer(1), "");
    ASSERT_TRUE(tour.verdict());
    EXPECT_FALSE(tour.verdict()->right());
    EXPECT_EQ(tour.dump()["verdict"]["explain"], "Nothing needs iret here.");
    EXPECT_EQ(tour.prev(), "");
    EXPECT_EQ(tour.answer(0), "");
    EXPECT_EQ(tour.dump()["verdict"]["explain"], "Nothing changed.");
    std::remove(path.c_str());
}

}  // namespace
}  // namespace slowpath
