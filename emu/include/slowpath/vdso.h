// The vDSO's functions by name. A call into the vDSO makes no system call,
// so the trace has no event for it; what names the place is the vDSO image
// the kernel carries (its dynamic symbols: __vdso_clock_gettime...) and
// where exec mapped it (the value the kernel's vdso_map() returned).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "slowpath/guest_image.h"
#include "slowpath/trace.h"

namespace slowpath {

struct VdsoFunction {
    std::string name;  // "__vdso_clock_gettime" (the image's versioned aliases left out)
    uint64_t offset = 0, size = 0;
};

struct VdsoImage {
    uint64_t size = 0;                    // bytes of the image (0: the kernel carries none)
    std::vector<VdsoFunction> functions;  // by offset
};

// The image between the kernel's vdso_image_start and vdso_image_end,
// read once per kernel image file.
const VdsoImage& vdso_image(const GuestImage& kernel);

// Where the running program's vDSO was at `step`: what vdso_map() returned
// the last time before it, 0 when no vDSO was mapped.
uint64_t vdso_base_at(const Trace& trace, uint64_t step);

// "__vdso_clock_gettime+0x12" for an address inside the image mapped at
// `base`; "" for any other address.
std::string vdso_describe(const VdsoImage& image, uint64_t base, uint64_t addr);

}  // namespace slowpath
