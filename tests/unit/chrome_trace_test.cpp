// The Chrome trace of a real run: the slices Perfetto would show must be the
// run's own syscalls, labels and C functions, properly nested.
#include "slowpath/chrome_trace.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "slowpath/session.h"

using namespace slowpath;
using nlohmann::json;

namespace {

json trace_of(Scenario s) {
    Session session(s);
    std::ostringstream out;
    write_chrome_trace(session.trace(), "test", out);
    return json::parse(out.str());  // throws, failing the test, if not JSON
}

std::vector<json> slices(const json& doc, const std::string& category) {
    std::vector<json> found;
    for (const json& e : doc["traceEvents"])
        if (e["ph"] == "X" && e["cat"] == category) found.push_back(e);
    return found;
}

bool inside(const json& inner, const json& outer) {
    uint64_t a = inner["ts"], b = a + inner["dur"].get<uint64_t>();
    uint64_t c = outer["ts"], d = c + outer["dur"].get<uint64_t>();
    return c <= a && b <= d;
}

}  // namespace

TEST(ChromeTrace, SignalAtExitInV313NestsLabelsAndCallsInTheSyscall) {
    Scenario s;
    s.era = Era::V3_13;
    s.injections.push_back(parse_injection("SIGPENDING@exit"));
    json doc = trace_of(s);

    json focus;
    for (const json& sc : slices(doc, "syscall"))
        if (sc["args"]["focus"] == true) focus = sc;
    ASSERT_FALSE(focus.is_null()) << "no focus syscall slice";
    EXPECT_EQ(focus["name"], "getpid");
    EXPECT_EQ(focus["args"]["exit"], "iret");

    // The v3.13 route of a signal at exit, as labels inside the syscall.
    std::vector<std::string> labels;
    for (const json& l : slices(doc, "label"))
        if (inside(l, focus)) labels.push_back(l["name"]);
    for (const char* want : {"system_call", "sysret_check", "sysret_careful", "sysret_signal"})
        EXPECT_NE(std::find(labels.begin(), labels.end(), want), labels.end()) << want;

    // do_notify_resume runs inside a label (sysret_signal's), inside the syscall.
    bool found = false;
    for (const json& f : slices(doc, "function")) {
        if (f["name"] != "do_notify_resume" || !inside(f, focus)) continue;
        found = true;
        bool in_label = false;
        for (const json& l : slices(doc, "label")) in_label |= inside(f, l);
        EXPECT_TRUE(in_label) << "do_notify_resume is not inside any label slice";
    }
    EXPECT_TRUE(found) << "no do_notify_resume slice";
}

TEST(ChromeTrace, SlicesOnTheKernelTrackNestOrAreDisjoint) {
    Scenario s;
    s.era = Era::Modern;
    s.injections.push_back(parse_injection("NOTIFY_RESUME@exit"));
    json doc = trace_of(s);
    std::vector<json> all;
    for (const json& e : doc["traceEvents"])
        if (e["ph"] == "X" && e["tid"] == 1) all.push_back(e);
    ASSERT_GT(all.size(), 10u);
    for (size_t i = 0; i < all.size(); i++)
        for (size_t j = i + 1; j < all.size(); j++) {
            uint64_t a = all[i]["ts"], b = a + all[i]["dur"].get<uint64_t>();
            uint64_t c = all[j]["ts"], d = c + all[j]["dur"].get<uint64_t>();
            bool disjoint = b <= c || d <= a;
            ASSERT_TRUE(disjoint || inside(all[i], all[j]) || inside(all[j], all[i]))
                << all[i]["name"] << " [" << a << "," << b << ") overlaps " << all[j]["name"]
                << " [" << c << "," << d << ")";
        }
}
