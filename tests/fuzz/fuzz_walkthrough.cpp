// libFuzzer harness: the walkthrough parser (YAML text in, a checked
// Walkthrough or WalkthroughError out) and the narration Markdown.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "slowpath/walkthrough.h"

namespace {

void require(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_walkthrough: %s\n", what);
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace slowpath;
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        Walkthrough w = parse_walkthrough(text, "fuzz.yaml");
        require(!w.plans.empty(), "a walkthrough without an era plan");
        for (const EraPlan& plan : w.plans) {
            require(plan.steps.size() == w.step_count(), "eras disagree on the step count");
            for (const Step& s : plan.steps) {
                (void)s.describe();
                (void)parse_narration(s.text);
            }
        }
    } catch (const WalkthroughError& e) {
        require(!e.diagnostics().empty(), "an error without a diagnostic");
        for (const Diagnostic& d : e.diagnostics())
            require(d.text().find('\n') == std::string::npos, "a diagnostic of two lines");
    }
    (void)narration_plain(text);
    return 0;
}
