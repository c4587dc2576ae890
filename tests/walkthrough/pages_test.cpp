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

// A shoot right after a move (no words yet on its page) takes the words that
// follow it, up to the next move: the picture is of that moment, with them.
TEST(WalkthroughPages, AShootAfterAMoveWaitsForTheWordsAfterIt) {
    Walkthrough w = parse_walkthrough(R"(
title: t
era: v3.13
program: {syscall: getpid}
steps:
  - move: {to: focus}
  - say: At the SYSCALL instruction.
  - move: {to: decision}
  - shoot: decision.png
  - say: The decision.
  - move: {to: end}
  - say: The end.
)",
                                      "t.yaml");
    std::vector<gui::TourPage> pages = gui::tour_pages(w.plans[0]);
    ASSERT_EQ(pages.size(), 3u);
    EXPECT_EQ(pages[1].begin, 2u);  // move, shoot, say
    EXPECT_EQ(pages[1].end, 5u);
    EXPECT_TRUE(has_words(w.plans[0], pages[1]));
}

// Ask shots: the question before the answer, NAME-answer.png on the page after.
TEST(WalkthroughPages, AnAskShotIsTakenBeforeAndAfterTheAnswer) {
    std::string path = ::testing::TempDir() + "ask-shot.yaml";
    {
        std::ofstream out(path);
        out << "title: shots\nera: v3.13\nprogram: {syscall: getpid}\nsteps:\n"
               "  - say: getpid runs.\n"
               "  - ask: {question: which way, choices: [sysretq, iretq], answer: sysretq, "
               "shoot: way.png}\n"
               "  - move: {to: decision}\n"
               "  - say: Here it is.\n";
    }
    gui::Tour tour(path);
    EXPECT_EQ(tour.screenshots(), (std::vector<std::string>{"way.png"}));
    EXPECT_EQ(tour.answer(0), "");
    EXPECT_EQ(tour.screenshots(), (std::vector<std::string>{"way-answer.png"}));
    std::remove(path.c_str());
}

}  // namespace
}  // namespace slowpath
