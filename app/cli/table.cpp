// `slowpath-cli table`: every row of the scenario table (slowpath/scenario_table.h)
// run in every era, printed as one matrix: aligned text for a slide, or
// JSON, CSV or Markdown for a program or a handout.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "slowpath/era.h"
#include "slowpath/report.h"
#include "slowpath/scenario_table.h"
#include "slowpath/syscalls.h"

namespace slowpath {

namespace {

std::vector<Era> chosen_eras(const std::vector<std::string>& names) {
    if (names.empty()) {
        std::vector<Era> all;
        for (const EraInfo& e : all_eras()) all.push_back(e.era);
        return all;
    }
    std::vector<Era> eras;
    for (const std::string& name : names) {
        auto era = parse_era(name);
        if (!era) throw UsageError("--era: unknown era '" + name + "' (" + era_names() + ")");
        if (std::find(eras.begin(), eras.end(), *era) == eras.end()) eras.push_back(*era);
    }
    return eras;
}

std::string era_name(Era era) {
    return std::string(era_info(era).name);
}

// The slide's cell: the flag names without SYSCALL_ ("livelock TRACEPOINT"),
// so three eras fit in 80 columns beside the longest label.
std::string slide_cell(const TableCell& cell) {
    std::string text = cell.text();
    for (size_t at; (at = text.find("SYSCALL_")) != std::string::npos;) text.erase(at, 8);
    return text;
}

std::string table_text(const ScenarioTable& t) {
    // Each column as wide as its widest entry, two spaces between columns.
    std::vector<size_t> width(t.eras.size() + 1, 0);
    width[0] = std::string("scenario").size();
    for (const TableRow& row : t.rows) width[0] = std::max(width[0], row.label.size());
    for (size_t e = 0; e < t.eras.size(); e++) {
        width[e + 1] = era_name(t.eras[e]).size();
        for (size_t r = 0; r < t.rows.size(); r++)
            width[e + 1] = std::max(width[e + 1], slide_cell(t.at(r, e)).size());
    }
    std::ostringstream out;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (size_t k = 0; k < cells.size(); k++) {
            text += cells[k];
            if (k + 1 < cells.size()) text += std::string(width[k] - cells[k].size() + 2, ' ');
        }
        out << text << "\n";
    };
    std::vector<std::string> head = {"scenario"};
    for (Era era : t.eras) head.push_back(era_name(era));
    line(head);
    for (size_t r = 0; r < t.rows.size(); r++) {
        std::vector<std::string> cells = {t.rows[r].label};
        for (size_t e = 0; e < t.eras.size(); e++) cells.push_back(slide_cell(t.at(r, e)));
        line(cells);
    }
    out << "getpid unless named; sysret/iret: its exit; livelock F: loops on F; none: never\n";
    return out.str();
}

nlohmann::json table_json(const ScenarioTable& t) {
    using nlohmann::json;
    json eras = json::array();
    for (Era era : t.eras) eras.push_back(era_name(era));
    json rows = json::array();
    for (size_t r = 0; r < t.rows.size(); r++) {
        const TableRow& row = t.rows[r];
        json changes = json::array();
        for (const ScenarioChange& c : row.changes) changes.push_back(c.text());
        Scenario base = row_scenario(row, t.eras.front());
        json injections = json::array();
        for (const Injection& i : base.injections) injections.push_back(injection_text(i));
        json cells = json::object();
        for (size_t e = 0; e < t.eras.size(); e++) {
            const TableCell& cell = t.at(r, e);
            cells[era_name(t.eras[e])] = {
                {"cell", cell.text()},
                {"exit", cell.exit == ExitKind::None
                             ? json(nullptr)
                             : json(std::string(exit_kind_name(cell.exit)))},
                {"outcome", std::string(outcome_name(cell.outcome))},
                {"livelock", cell.livelock.empty() ? json(nullptr) : json(cell.livelock)},
                {"detail", cell.error.empty() ? cell.detail : cell.error},
                {"steps", cell.steps}};
        }
        rows.push_back({{"label", row.label},
                        {"changes", changes},
                        {"syscall", syscall_name(base.syscall_nr)},
                        {"bad_pointer", base.bad_pointer},
                        {"injections", injections},
                        {"cells", cells}});
    }
    return {{"schema", kJsonSchemaVersion}, {"eras", eras}, {"rows", rows}};
}

// RFC 4180: a field with a comma, a quote or a line break is quoted.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string table_separated(const ScenarioTable& t, bool markdown) {
    std::ostringstream out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (size_t k = 0; k < cells.size(); k++) {
            if (markdown)
                out << "| " << cells[k] << " ";
            else
                out << (k ? "," : "") << csv_field(cells[k]);
        }
        out << (markdown ? "|\r\n" : "\r\n");
    };
    std::vector<std::string> head = {"scenario"};
    for (Era era : t.eras) head.push_back(era_name(era));
    line(head);
    if (markdown) line(std::vector<std::string>(head.size(), "---"));
    for (size_t r = 0; r < t.rows.size(); r++) {
        std::vector<std::string> cells = {markdown ? "`" + t.rows[r].label + "`" : t.rows[r].label};
        for (size_t e = 0; e < t.eras.size(); e++) cells.push_back(t.at(r, e).text());
        line(cells);
    }
    std::string text = out.str();
    // CSV rows end in CRLF (RFC 4180); Markdown is read by people: plain newlines.
    if (markdown) text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
    return text;
}

}  // namespace

CLI::App* add_table_command(CLI::App& app, TableOptions& o) {
    CLI::App* cmd = app.add_subcommand(
        "table", "run every work flag (and pair) in every era: how the focus syscall exits");
    auto* json = cmd->add_flag("--json", o.json, "print one JSON object");
    auto* csv = cmd->add_flag("--csv", o.csv, "print CSV (a header row, then one row each)");
    auto* markdown = cmd->add_flag("--markdown", o.markdown, "print a Markdown table");
    json->excludes(csv, markdown);
    csv->excludes(markdown);
    cmd->add_option("--era", o.eras, "only these eras (repeat it, or a list: v3.13,rfc)")
        ->delimiter(',');
    cmd->add_option("--jobs", o.jobs, "sessions run at once (default: one per core)");
    cmd->add_flag("--timing", o.timing, "print the wall time of the whole table on stderr");
    return cmd;
}

int table_command(const TableOptions& o) {
    std::vector<Era> eras = chosen_eras(o.eras);
    unsigned jobs = 0;
    if (!o.jobs.empty()) {
        auto n = parse_unsigned(o.jobs);
        if (!n || *n == 0 || *n > 256)
            throw UsageError("--jobs: bad number '" + o.jobs + "' (1 to 256)");
        jobs = static_cast<unsigned>(*n);
    }
    auto started = std::chrono::steady_clock::now();
    ScenarioTable table = run_table(table_rows(), eras, jobs);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // A guest that cannot be loaded is the install's fault, not the command line's.
    for (const TableCell& cell : table.cells)
        if (!cell.error.empty()) throw LoadError(cell.error);
    if (o.json) {
        nlohmann::json j = table_json(table);
        make_json_text(j);
        std::cout << j.dump(2) << "\n";
    } else if (o.csv || o.markdown) {
        std::cout << table_separated(table, o.markdown);
    } else {
        std::cout << table_text(table);
    }
    if (o.timing)
        std::fprintf(stderr, "%zu cells in %.2f s, %u at once\n", table.cells.size(), seconds,
                     jobs ? jobs : std::max(1u, std::thread::hardware_concurrency()));
    return 0;
}

}  // namespace slowpath
