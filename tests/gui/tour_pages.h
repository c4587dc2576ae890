// What the GUI tests that drive a tour share about its pages.
#pragma once

#include <vector>

#include "model/tour.h"

namespace slowpath::gui_test {

// The first page of a tour that ends with a question, or pages.size().
inline size_t first_asking_page(const std::vector<gui::TourPage>& pages) {
    for (size_t i = 0; i < pages.size(); i++)
        if (pages[i].asks) return i;
    return pages.size();
}

}  // namespace slowpath::gui_test
