// `slowpath-cli walk FILE...`: walkthroughs run headless.
#include "commands.h"

namespace slowpath {

CLI::App* add_walk_command(CLI::App&, WalkOptions&) { return nullptr; }
int walk_command(const WalkOptions&) { return 2; }

}  // namespace slowpath
