// What the walkthrough tests share: a walkthrough's text parsed, and the
// problems of one that must not load, each as its one-line diagnostic
// ("test.yaml:8:12: ...").
#pragma once
#include <string>
#include <vector>

#include "slowpath/walkthrough.h"

namespace slowpath::walkthrough_test {

using Lines = std::vector<std::string>;

// Names checked against the built-in lists, so a test does not depend on a
// built guest.
inline LoadOptions builtin_names() {
    LoadOptions o;
    o.use_kernel_symbols = false;
    return o;
}

// The diagnostics of `text` read as the file `name`; none when it loads.
inline Lines parse_problems(const std::string& text, const std::string& name = "test.yaml",
                            const LoadOptions& options = builtin_names()) {
    try {
        parse_walkthrough(text, name, options);
    } catch (const WalkthroughError& e) {
        Lines out;
        for (const auto& d : e.diagnostics()) out.push_back(d.text());
        return out;
    }
    return {};
}

}  // namespace slowpath::walkthrough_test
