// What the GUI tests that drive a tour share about its pages.
#pragma once

#include <string>
#include <vector>

#include "model/tour.h"
#include "slowpath/walkthrough.h"

namespace slowpath::gui_test {

// The first page of a tour that ends with a question, or pages.size().
inline size_t first_asking_page(const std::vector<gui::TourPage>& pages) {
    for (size_t i = 0; i < pages.size(); i++)
        if (pages[i].asks) return i;
    return pages.size();
}

// A lesson of assets/walkthroughs as a tour: its file, what it loads to, its
// first plan's pages and the first of them that asks (pages.size(): none).
struct LessonTour {
    std::string file;
    Walkthrough walkthrough;
    std::vector<gui::TourPage> pages;
    size_t ask = 0;
};

inline LessonTour lesson_tour(const std::string& name) {
    LessonTour t;
    t.file = std::string(SLOWPATH_WALKTHROUGHS) + "/" + name;
    t.walkthrough = load_walkthrough(t.file);
    t.pages = gui::tour_pages(t.walkthrough.plans[0]);
    t.ask = first_asking_page(t.pages);
    return t;
}

}  // namespace slowpath::gui_test
