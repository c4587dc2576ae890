// The run report: what the CLI prints and the tests compare.
#pragma once
#include <functional>
#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "slowpath/session.h"

namespace slowpath {

// The version of every JSON object slowpath-cli prints (its "schema" field):
// raised when a field changes meaning or goes; new fields keep it.
// docs/json.md and docs/slowpath-report.schema.json describe version 1.
constexpr int kJsonSchemaVersion = 1;

nlohmann::json report_json(const Session& session);  // the --json contract
std::string report_text(const Session& session);     // the readable trace

// The same reports written as they are made, a syscall at a time, so that
// a run of a million calls never holds the whole document in memory.
// write_report_json writes report_json(session).dump(2) and a newline, byte
// for byte; `fix`, when given, is applied to each piece before it is
// written (the CLI's make_json_text for bytes that are not UTF-8).
void write_report_json(const Session& session, std::ostream& out,
                       const std::function<void(nlohmann::json&)>& fix = nullptr);
void write_report_text(const Session& session, std::ostream& out);

}  // namespace slowpath
