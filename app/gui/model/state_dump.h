// What the panels show, as JSON: written by --dump-state so tests can check
// the window against a headless Session driven the same way.
#pragma once
#include <nlohmann/json.hpp>

#include "model/model.h"
#include "model/pane.h"

namespace slowpath::gui {

nlohmann::json dump_pane(const Pane& pane);
// The primary pane at top level; the partner under "compare" in compare mode.
nlohmann::json dump_model(const Model& model);

const char* stack_word_kind_name(StackWordKind kind);

}  // namespace slowpath::gui
