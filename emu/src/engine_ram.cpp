// Guest RAM: a mapping the engine owns (a PageGuard, which a recording
// also uses to see the pages written) and hands to Unicorn
// (uc_mem_map_ptr), so that the engine's own reads of guest memory (the
// thread flags at every TIF check, pt_regs, the task list) are a copy
// rather than a walk through Unicorn's memory API at each one.
#include <slowpath/abi.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "engine.h"
#include "uc_check.h"

namespace slowpath {

void Engine::map_ram() {
    ram_ = std::make_unique<PageGuard>(SP_RAM_SIZE);
    check_uc(uc_mem_map_ptr(uc_, 0, SP_RAM_SIZE, UC_PROT_ALL, ram_->data()), "uc_mem_map_ptr");
}

bool Engine::read(uint64_t vaddr, void* out, size_t size) const {
    // A user address in the high window reads the RAM behind it (the
    // window is one linear run, so a read inside it stays inside it).
    uint64_t addr = sp_user_phys(vaddr);
    if (size && addr != vaddr && sp_user_phys(vaddr + size - 1) != addr + size - 1) return false;
    if (addr >= SP_RAM_SIZE || size > SP_RAM_SIZE - addr) return false;
    std::memcpy(out, ram_->data() + addr, size);
    return true;
}

}  // namespace slowpath
