// Guest RAM: a mapping the engine owns and hands to Unicorn
// (uc_mem_map_ptr), so that the engine's own reads of guest memory (the
// thread flags at every TIF check, pt_regs, the task list) are a copy
// rather than a walk through Unicorn's memory API at each one.
#include <slowpath/abi.h>
#include <sys/mman.h>

#include <cstring>
#include <stdexcept>

#include "engine.h"
#include "uc_check.h"

namespace slowpath {

void Engine::map_ram() {
    void* ram = mmap(nullptr, SP_RAM_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) throw std::runtime_error("cannot reserve the guest's RAM");
    ram_.reset(static_cast<uint8_t*>(ram));
    check_uc(uc_mem_map_ptr(uc_, 0, SP_RAM_SIZE, UC_PROT_ALL, ram), "uc_mem_map_ptr");
}

void Engine::RamUnmap::operator()(uint8_t* ram) const {
    munmap(ram, SP_RAM_SIZE);
}

bool Engine::read(uint64_t vaddr, void* out, size_t size) const {
    // A user address in the high window reads the RAM behind it (the
    // window is one linear run, so a read inside it stays inside it).
    uint64_t addr = sp_user_phys(vaddr);
    if (size && addr != vaddr && sp_user_phys(vaddr + size - 1) != addr + size - 1) return false;
    if (addr >= SP_RAM_SIZE || size > SP_RAM_SIZE - addr) return false;
    std::memcpy(out, ram_.get() + addr, size);
    return true;
}

}  // namespace slowpath
