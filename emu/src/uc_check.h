// Unicorn's calls report failure by status; the engine's code treats any
// failure as fatal to the machine, with the call that failed named.
#pragma once
#include <unicorn/unicorn.h>

#include <stdexcept>
#include <string>

namespace slowpath {

// Throws std::runtime_error("<what>: <Unicorn's reason>") unless err is UC_ERR_OK.
inline void check_uc(uc_err err, const std::string& what) {
    if (err != UC_ERR_OK) throw std::runtime_error(what + ": " + uc_strerror(err));
}

}  // namespace slowpath
