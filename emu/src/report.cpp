#include "slowpath/report.h"

#include <cinttypes>
#include <cstdio>
#include <ostream>
#include <set>
#include <sstream>

#include "slowpath/numbers.h"
#include "slowpath/tif.h"

namespace slowpath {

// The report without its syscalls (an empty "syscalls" array), and one
// syscall's object: the pieces both report_json() and write_report_json()
// are made of.
static nlohmann::json report_head(const Session& session) {
    const Trace& t = session.trace();
    using nlohmann::json;
    json j;
    j["schema"] = kJsonSchemaVersion;
    j["era"] = std::string(era_info(session.scenario().era).name);
    j["outcome"] = std::string(outcome_name(t.outcome));
    j["detail"] = t.outcome_detail;
    j["exit_code"] = t.exit_code;
    j["steps"] = t.last_step();
    // A user program's streams apart; the demo's console is its stdout.
    j["stdout"] = t.host_io ? t.program_stdout : t.console;
    j["stderr"] = t.program_stderr;
    json injections = json::array();
    for (const auto& inj : session.scenario().injections) injections.push_back(injection_text(inj));
    j["injections"] = injections;
    json tampers = json::array();
    for (const auto& t : session.scenario().tampers) tampers.push_back(tamper_text(t));
    j["tampers"] = tampers;
    j["signal_action"] = std::string(signal_action_name(session.scenario().signal_action));
    j["syscalls"] = json::array();
    // Each number the kernel has no handler for, once, in the order first made.
    json unimplemented = json::array();
    std::set<long> seen;
    for (const auto& r : t.syscalls)
        if (r.unimplemented && seen.insert(r.nr).second)
            unimplemented.push_back({{"nr", r.nr}, {"name", r.name}});
    j["unimplemented"] = unimplemented;
    j["focus"] = t.focus >= 0 ? json(t.focus) : json(nullptr);
    return j;
}

static nlohmann::json syscall_json(const Trace& t, size_t index) {
    using nlohmann::json;
    const SyscallRecord& r = t.syscalls[index];
    json c;
    c["nr"] = r.nr;
    c["name"] = r.name;
    c["ret"] = r.has_ret ? json(r.ret) : json(nullptr);
    c["path"] = r.path();
    c["exit"] =
        r.exit == ExitKind::None ? json(nullptr) : json(std::string(exit_kind_name(r.exit)));
    json checks = json::array();
    for (const auto& k : r.tif_checks())
        checks.push_back({{"where", k.where},
                          {"mask", k.mask},
                          {"mask_name", tif_mask_name(k.mask)},
                          {"flags", k.flags},
                          {"flags_names", tif_names(k.flags)},
                          {"result", k.result},
                          {"result_names", tif_names(k.result)},
                          {"step", k.step}});
    c["tif_checks"] = checks;
    c["entry_step"] = r.entry_step;
    c["return_step"] = r.return_step ? json(r.return_step) : json(nullptr);
    c["user_rip"] = hex(r.user_rip);
    c["unimplemented"] = r.unimplemented;
    if (std::optional<Event> d = decision_event(t, static_cast<int>(index)))
        c["why"] = decision_why(*d);
    return c;
}

nlohmann::json report_json(const Session& session) {
    nlohmann::json j = report_head(session);
    nlohmann::json& calls = j["syscalls"];
    for (size_t k = 0; k < session.trace().syscalls.size(); k++)
        calls.push_back(syscall_json(session.trace(), k));
    return j;
}

void write_report_json(const Session& session, std::ostream& out,
                       const std::function<void(nlohmann::json&)>& fix) {
    nlohmann::json head = report_head(session);
    if (fix) fix(head);
    // dump(2) puts the keys in order and the empty array on one line: the
    // syscalls go where it is, one object at a time, indented as dump(2)
    // indents the elements of an array inside the top object.
    const std::string text = head.dump(2);
    const std::string slot = "\n  \"syscalls\": []";
    const size_t at = text.find(slot);
    const std::vector<SyscallRecord>& calls = session.trace().syscalls;
    if (at == std::string::npos || calls.empty()) {
        out << text << "\n";
        return;
    }
    const size_t open = at + slot.size() - 1;  // the ']' of "[]"
    out.write(text.data(), static_cast<std::streamsize>(open));
    out << "\n";
    for (size_t k = 0; k < calls.size(); k++) {
        nlohmann::json c = syscall_json(session.trace(), k);
        if (fix) fix(c);
        std::string piece = c.dump(2);
        out << "    ";
        size_t from = 0;
        for (size_t nl; (nl = piece.find('\n', from)) != std::string::npos; from = nl + 1)
            out.write(piece.data() + from, static_cast<std::streamsize>(nl + 1 - from)) << "    ";
        out.write(piece.data() + from, static_cast<std::streamsize>(piece.size() - from));
        out << (k + 1 < calls.size() ? ",\n" : "\n");
    }
    out << "  ";
    out.write(text.data() + open, static_cast<std::streamsize>(text.size() - open));
    out << "\n";
}

std::string report_text(const Session& session) {
    std::ostringstream out;
    write_report_text(session, out);
    return out.str();
}

void write_report_text(const Session& session, std::ostream& out) {
    const Trace& t = session.trace();
    out << "era " << era_info(session.scenario().era).name << ": "
        << era_info(session.scenario().era).title << "\n";
    for (size_t k = 0; k < t.syscalls.size(); k++) {
        const SyscallRecord& r = t.syscalls[k];
        out << "\n"
            << (r.is_focus ? "* " : "  ") << "syscall #" << k << ": " << r.name << " (" << r.nr
            << ")";
        if (r.has_ret) out << " = " << r.ret;
        if (r.unimplemented) out << " (ENOSYS: not implemented)";
        out << "  -> " << exit_kind_name(r.exit) << "\n";
        for (size_t i = r.first_event; i < r.end_event && i < t.events.size(); i++) {
            const Event& e = t.events[i];
            // Only calls made by the entry code, and the one return that decides.
            if (e.kind == EventKind::Call && !e.from_entry) continue;
            if (e.kind == EventKind::Return && e.name != "syscall_exit_slowpath") continue;
            char step[32];
            std::snprintf(step, sizeof step, "%8" PRIu64 "  ", e.step);
            out << "    " << step << (e.by_cpu ? "[cpu] " : "      ") << describe_event(e) << "\n";
        }
    }
    out << "\noutcome: " << outcome_name(t.outcome);
    if (!t.outcome_detail.empty()) out << " (" << t.outcome_detail << ")";
    out << ", " << t.last_step() << " instructions\n";
    std::string missing;
    std::set<long> seen;
    for (const auto& r : t.syscalls)
        if (r.unimplemented && seen.insert(r.nr).second)
            missing += (missing.empty() ? "" : ", ") + r.name + " (" + std::to_string(r.nr) + ")";
    if (!missing.empty()) out << "not implemented (returned -ENOSYS): " << missing << "\n";
    // A user program's output went to its own stdout and stderr.
    const std::string& console = t.console;
    if (!console.empty() && !t.host_io) out << "\nprogram output:\n" << console;
}

}  // namespace slowpath
