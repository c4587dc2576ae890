// The table view with real X input: X opens it, its cells fill in from the
// worker threads while the window keeps drawing, a click on a cell loads
// that cell's scenario (era and injections) in the main view, and the state
// written on Ctrl+Q holds what was loaded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "live_app.h"
#include "slowpath/scenario_table.h"

using nlohmann::json;
using namespace slowpath;
using gui_test::LiveApp;

namespace {

// What the table panel says about itself in the dump, "" when it is not drawn.
std::string table_shows(const json& state) {
    for (const json& p : state["ui"]["panels"])
        if (p["id"] == "table") return p.value("shows", "");
    return "";
}

std::string all_cells() {
    return std::to_string(table_rows().size() * all_eras().size()) + " cells";
}

}  // namespace

TEST(GuiTable, KeyOpensItAndAClickOnACellLoadsItsScenario) {
    LiveApp app({});
    ASSERT_TRUE(app.ready()) << app.error();
    json s = app.settle();
    EXPECT_EQ(table_shows(s), "") << "the table is shut at start";
    EXPECT_EQ(s["scenario"]["era"], "v3.13");

    app.tap("x", 1);
    // Every run ends while the window stays live (frames keep coming).
    s = app.wait_for([](const json& d) { return table_shows(d) == all_cells(); }, 60.0);
    ASSERT_EQ(table_shows(s), all_cells());
    const uint64_t frame_when_done = s["ui"]["frame"].get<uint64_t>();
    EXPECT_GT(frame_when_done, 10u) << "the window stopped drawing while the table ran";

    app.click(s, "cell:NOTIFY_RESUME@exit:rfc");
    s = app.wait_for([](const json& d) {
        return d["scenario"]["era"] == "rfc" && !d["scenario"]["injections"].empty();
    });
    EXPECT_EQ(s["scenario"]["era"], "rfc");
    EXPECT_EQ(s["scenario"]["injections"], json::array({"NOTIFY_RESUME@exit"}));
    EXPECT_EQ(table_shows(s), "") << "a click closes the view on the loaded scenario";

    // Again, to a tracer's rewrite of pt_regs, in modern.
    app.tap("x", 1);
    s = app.wait_for([](const json& d) { return !table_shows(d).empty(); });
    s = app.settle();
    app.click(s, "cell:tamper rax=0x1234:modern");
    s = app.wait_for([](const json& d) { return d["scenario"]["era"] == "modern"; });

    int status = -1;
    json q = app.quit(&status);
    EXPECT_EQ(status, 0);
    ASSERT_TRUE(q.is_object()) << "--state-on-quit wrote nothing";
    EXPECT_EQ(q["scenario"]["era"], "modern");
    EXPECT_EQ(q["scenario"]["injections"], json::array());
    EXPECT_EQ(q["scenario"]["tampers"], json::array({"rax=0x1234"}));
    EXPECT_EQ(q["scenario"]["syscall_name"], "getpid");
}
