// The run report: what the CLI prints and the tests compare.
#pragma once
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

}  // namespace slowpath
