// Walkthroughs, inside the library: what the reader's files share (the
// parser, the names of each era, small text and number helpers). The API is
// slowpath/walkthrough.h; the work is split by job, one file each:
//   walkthrough_names.cpp      the names a file may use, numbers, each era's symbols
//   walkthrough_parse.cpp      the parser's core: values, era maps, the header, steps
//   walkthrough_steps.cpp      setup, move, point and ask
//   walkthrough_expect.cpp     expect: value tests, syscall selectors, route lists
//   walkthrough_describe.cpp   descriptions in words, and loading a file
//   walkthrough_narration.cpp  the light Markdown of `say`
//   walkthrough_run.cpp        WalkRunner: playing one era against a Session
#pragma once
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "slowpath/walkthrough.h"

namespace slowpath::walkthrough_detail {

// ---- small helpers (walkthrough_names.cpp) ---------------------------------------

// Small numbers read best in decimal, addresses and masks in hex.
std::string number(int64_t v);
std::string join(const std::vector<std::string>& items, const char* sep = ", ");
std::string lower(std::string s);
bool is_canonical(uint64_t v);
// "42", "-38", "0x800000000000", "-ENOSYS", "0b101", "1_000".
std::optional<int64_t> parse_integer(std::string text);
// An event kind by its name, or "check" / "syscall".
std::optional<EventKind> parse_event_kind(const std::string& name);
std::string event_kind_list();  // the names parse_event_kind takes, for messages
std::optional<Outcome> parse_outcome(const std::string& name);
// The names an unknown-name error lists (walkthrough_parse.cpp).
std::string slot_list();      // pt_regs slots and their aliases
std::string register_list();  // walkthrough_registers()

// ---- the labels and functions of each era (walkthrough_names.cpp) -------------------

struct EraSymbols {
    std::set<std::string> labels;     // entry-code labels
    std::set<std::string> functions;  // C functions
    std::set<std::string> user;       // the demo program's symbols
    std::set<std::string> fixups;     // named exception-table fixup targets (labels too)
};

// From the era's kernel ELF and the demo's when `use_kernel` and they load,
// else the built-in table; cached, safe to call from several threads.
const EraSymbols& era_symbols(Era era, bool use_kernel);

// ---- the parser (walkthrough_parse.cpp, _steps.cpp, _expect.cpp) ------------------------

// A sequence's items, or the node itself: where a file may give one thing or a list.
std::vector<YAML::Node> one_or_many(const YAML::Node& n);

class Parser {
 public:
    Parser(std::string file, LoadOptions options) : file_(std::move(file)), options_(options) {}

    // The keys each part of a file takes: the tables the parser reads by
    // (and walk --vocabulary prints).
    static const std::vector<std::string>& step_kinds();
    static const std::vector<std::string>& header_keys();
    static const std::vector<std::string>& program_keys();
    static std::vector<std::string> setup_keys();
    static const std::vector<std::string>& move_keys();
    static const std::vector<std::string>& point_keys();
    static const std::vector<std::string>& ask_keys();
    static const std::vector<std::string>& compare_keys();
    static const std::vector<std::string>& view_keys();
    static std::vector<std::string> expect_keys();             // with `syscall`, the selector
    static const std::vector<std::string>& value_test_keys();  // and `state` for pt_regs

    // The file's text: narration problems are reported at their place in it.
    void set_source(std::string text) { source_ = std::move(text); }
    Walkthrough parse(const YAML::Node& root);
    void error(const YAML::Mark& mark, const std::string& message);
    void error(const YAML::Node& at, const std::string& message) { error(at.Mark(), message); }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
    // Era maps: a map whose keys are all era names gives one value per era.
    bool is_era_map(const YAML::Node& n) const;
    // The node for the era being parsed; a null node means "nothing for this era".
    YAML::Node for_era(const YAML::Node& n);
    // An era map without this era: already reported, so say nothing more about it.
    bool lacks_era(const YAML::Node& n) const;

    // Readers of one value: each reports what is wrong and returns nothing.
    std::optional<std::string> text(const YAML::Node& n, const std::string& what);
    std::optional<int64_t> integer(const YAML::Node& n, const std::string& what);
    std::optional<uint64_t> bits(const YAML::Node& n, const std::string& what);  // a mask
    std::optional<bool> boolean(const YAML::Node& n, const std::string& what);
    std::optional<std::vector<std::string>> text_list(const YAML::Node& n, const std::string& what);
    std::optional<SlotState> slot_state(const YAML::Node& n, const std::string& what);
    bool map_with(const YAML::Node& n, const std::string& what,
                  const std::vector<std::string>& keys);
    bool require(const YAML::Node& map, const char* key, const std::string& what);

    // An optional key read by one of the readers above into `out`. Absent:
    // true, `out` as it was. Present but unreadable: false (the reader has
    // said why), `out` as it was.
    template <typename T, typename Out>
    bool optional_field(const YAML::Node& map, const char* key, const std::string& what,
                        std::optional<T> (Parser::*read)(const YAML::Node&, const std::string&),
                        Out& out) {
        if (!map[key]) return true;
        std::optional<T> v = (this->*read)(map[key], what);
        if (!v) return false;
        out = *v;
        return true;
    }

    std::optional<Era> era_name(const YAML::Node& n);
    std::optional<int> flag(const YAML::Node& n, bool must_inject);
    bool label(const YAML::Node& n, const std::string& name);
    bool function(const YAML::Node& n, const std::string& name);
    bool symbol(const YAML::Node& n, const std::string& name, bool user_too = false);
    bool symbol_value(const YAML::Node& n, const std::string& text, ValueTest& t);
    std::optional<int64_t> number_or_symbol(const YAML::Node& n, const std::string& what,
                                            ValueTest& t);

    std::optional<Step> step(const YAML::Node& n);
    // Narration (say, ask's explain): unbalanced markup reported at its line and column.
    void narration(const YAML::Node& n, const std::string& text);
    bool move(const YAML::Node& n, MoveStep& out);
    bool point(const YAML::Node& n, std::vector<PointTarget>& out);
    bool ask(const YAML::Node& n, Question& out);
    // compare: two sides, each a setup map or a scenario line; or `off`.
    bool compare(const YAML::Node& n, CompareStep& out);
    bool compare_side(const YAML::Node& n, CompareSide& out);
    void view(const YAML::Node& n, ViewSettings& out);  // the header's `view`

    // setup: one handler per key (walkthrough_steps.cpp), each given the whole map.
    using SetupHandler = bool (Parser::*)(const YAML::Node&, SetupStep&);
    static const std::vector<std::pair<const char*, SetupHandler>>& setup_table();
    bool setup(const YAML::Node& n, SetupStep& out);
    bool setup_restart(const YAML::Node& n, SetupStep& out);
    bool setup_era(const YAML::Node& n, SetupStep& out);
    bool setup_syscall(const YAML::Node& n, SetupStep& out);
    bool setup_bad_pointer(const YAML::Node& n, SetupStep& out);
    bool setup_inject(const YAML::Node& n, SetupStep& out);  // with its `at`
    bool setup_at(const YAML::Node& n, SetupStep& out);      // `at` without `inject`
    bool setup_edit(const YAML::Node& n, SetupStep& out);
    bool setup_tamper(const YAML::Node& n, SetupStep& out);
    bool setup_signal_action(const YAML::Node& n, SetupStep& out);
    bool setup_ghost(const YAML::Node& n, SetupStep& out);

    // expect: one handler per key (walkthrough_expect.cpp).
    struct ExpectKey {
        std::string key;
        YAML::Node map;    // the whole expect map (its `syscall`)
        YAML::Node raw;    // the key's value as written
        YAML::Node value;  // the same for the era being parsed
        Expectation base;  // line, column and syscall selector filled in
        bool has_selector = false;
    };
    using ExpectHandler = bool (Parser::*)(const ExpectKey&, std::vector<Expectation>&);
    static const std::vector<std::pair<const char*, ExpectHandler>>& expect_table();
    bool expect(const YAML::Node& n, std::vector<Expectation>& out);
    bool expect_at(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_ring(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_exit(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_ret(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_named_values(const ExpectKey& k, std::vector<Expectation>& out);  // register...
    bool expect_tif(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_route(const ExpectKey& k, std::vector<Expectation>& out);    // route, labels
    bool expect_console(const ExpectKey& k, std::vector<Expectation>& out);  // console, why
    bool expect_outcome(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_count(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_count_by_name(const YAML::Node& per_name, EventKind kind, const Expectation& x,
                              std::vector<Expectation>& out);
    bool expect_sigframe(const ExpectKey& k, std::vector<Expectation>& out);
    bool expect_frame(const ExpectKey& k, std::vector<Expectation>& out);  // frame: {fn: {...}}
    bool frame_field(const YAML::Node& value, const std::string& what, Expectation& x);
    bool expect_left_out(const YAML::Node& n);  // every key's value is ~ for this era
    bool expect_side(const YAML::Node& key, const YAML::Node& value, std::vector<Expectation>& out);
    std::optional<ValueTest> value_test(const YAML::Node& n, const std::string& what,
                                        bool allow_state);
    std::optional<SyscallSelector> selector(const YAML::Node& n);
    bool match_list(const YAML::Node& n, const std::string& what, bool labels_only, Expectation& e);

    std::string file_;
    std::string source_;
    LoadOptions options_;
    std::vector<Diagnostic> diagnostics_;
    std::set<std::tuple<int, int, std::string>> seen_;
    std::vector<Era> eras_;
    Era plan_era_ = Era::V3_13;  // the era whose plan is being parsed (era maps, only:)
    Era era_ = Era::V3_13;  // the era the run is in at this step (names are checked against it)
    // After a compare step: the right side's era (names under `right:`).
    std::optional<Era> compare_right_era_;
    bool in_compare_side_ = false;  // parsing a compare side's setup (it may choose an era)
    Expectation::Side side_ = Expectation::Side::Both;  // the left:/right: block being read
};

}  // namespace slowpath::walkthrough_detail
