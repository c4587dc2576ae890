#include "summary.h"

#include <algorithm>
#include <cstdio>

#include "slowpath/report.h"

namespace slowpath {

Summary summarize(const Trace& trace) {
    Summary s;
    s.rows = syscall_tallies(trace);
    s.total.name = "total";
    for (const SyscallTally& t : s.rows) s.total.add(t);
    std::stable_sort(s.rows.begin(), s.rows.end(),
                     [](const SyscallTally& a, const SyscallTally& b) {
                         return a.instructions > b.instructions;
                     });
    return s;
}

std::string summary_text(const Summary& s) {
    std::string out;
    char line[160];
    auto row = [&](const SyscallTally& r) {
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
    for (const SyscallTally& r : s.rows) row(r);
    out += rule;
    row(s.total);
    return out;
}

nlohmann::json summary_json(const Summary& s) {
    auto row = [](const SyscallTally& r) {
        return nlohmann::json{{"name", r.name.str()}, {"calls", r.calls},
                              {"errors", r.errors},   {"sysret", r.sysret},
                              {"iret", r.iret},       {"instructions", r.instructions}};
    };
    nlohmann::json rows = nlohmann::json::array();
    for (const SyscallTally& r : s.rows) rows.push_back(row(r));
    return {{"schema", kJsonSchemaVersion}, {"syscalls", rows}, {"total", row(s.total)}};
}

}  // namespace slowpath
