#include "summary.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "slowpath/report.h"

namespace slowpath {

Summary summarize(const Trace& trace) {
    // The records a summary run folded as it went, then those it kept.
    std::map<std::string, SyscallTally> by_name;
    for (const SyscallTally& t : trace.folded_tallies) {
        SyscallTally& row = by_name.try_emplace(t.name.str(), SyscallTally{t.name}).first->second;
        row.add(t);
    }
    for (const SyscallRecord& call : trace.syscalls)
        by_name.try_emplace(call.name.str(), SyscallTally{call.name}).first->second.add(call);
    Summary s;
    s.total.name = "total";
    auto row_of = [](const std::string& name, const SyscallTally& t) {
        SummaryRow r;
        r.name = name;
        r.calls = t.calls;
        r.errors = t.errors;
        r.sysret = t.sysret;
        r.iret = t.iret;
        r.instructions = t.instructions;
        return r;
    };
    SyscallTally total;
    for (const auto& [name, t] : by_name) {
        s.rows.push_back(row_of(name, t));
        total.add(t);
    }
    s.total = row_of("total", total);
    std::stable_sort(s.rows.begin(), s.rows.end(), [](const SummaryRow& a, const SummaryRow& b) {
        return a.instructions > b.instructions;
    });
    return s;
}

std::string summary_text(const Summary& s) {
    std::string out;
    char line[160];
    auto row = [&](const SummaryRow& r) {
        const double share = s.total.instructions
                                 ? 100.0 * double(r.instructions) / double(s.total.instructions)
                                 : 0;
        const uint64_t per_call = r.calls ? r.instructions / r.calls : 0;
        std::snprintf(
            line, sizeof line, "%7.2f %13llu %9llu %9llu %9llu %9llu %9llu %s\n", share,
            static_cast<unsigned long long>(r.instructions),
            static_cast<unsigned long long>(per_call), static_cast<unsigned long long>(r.calls),
            static_cast<unsigned long long>(r.errors), static_cast<unsigned long long>(r.sysret),
            static_cast<unsigned long long>(r.iret), r.name.c_str());
        out += line;
    };
    const char* rule =
        "------- ------------- --------- --------- --------- --------- --------- "
        "----------------\n";
    out += "% insns  instructions insns/call     calls    errors    sysret      iret syscall\n";
    out += rule;
    for (const SummaryRow& r : s.rows) row(r);
    out += rule;
    row(s.total);
    return out;
}

nlohmann::json summary_json(const Summary& s) {
    auto row = [](const SummaryRow& r) {
        return nlohmann::json{{"name", r.name},     {"calls", r.calls},
                              {"errors", r.errors}, {"sysret", r.sysret},
                              {"iret", r.iret},     {"instructions", r.instructions}};
    };
    nlohmann::json rows = nlohmann::json::array();
    for (const SummaryRow& r : s.rows) rows.push_back(row(r));
    return {{"schema", kJsonSchemaVersion}, {"syscalls", rows}, {"total", row(s.total)}};
}

}  // namespace slowpath
