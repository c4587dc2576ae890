// The run report: what the CLI prints and the tests compare.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "slowpath/session.h"

namespace slowpath {

nlohmann::json report_json(const Session& session);  // the --json contract
std::string report_text(const Session& session);     // the readable trace

}  // namespace slowpath
