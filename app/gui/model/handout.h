// A walkthrough as a handout: one HTML page with each page's narration, its
// question and a screenshot of the window as the tour showed it
// (`slowpath --walkthrough FILE --handout DIR`).
#pragma once
#include <string>
#include <vector>

namespace slowpath::gui {

struct HandoutPage {
    std::string era;        // "rfc"
    size_t number = 0;      // from 1, within the era
    std::string narration;  // the page's text (Markdown as walkthroughs write it)
    std::string question;   // "" when the page asks nothing
    std::vector<std::string> choices;
    std::string answer, explanation;
    std::string image;  // the screenshot's file name, next to index.html
};

// The page's file name for a screenshot: "rfc-page-03.png".
std::string handout_image_name(const std::string& era, size_t number);

// index.html: a title, then the pages in order, text escaped for HTML.
std::string handout_html(const std::string& title, const std::string& source,
                         const std::vector<HandoutPage>& pages);

}  // namespace slowpath::gui
