#include "slowpath/vdso.h"

#include <elf.h>
#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "slowpath/numbers.h"

namespace slowpath {

namespace {

// The image's bytes, from the kernel segment that holds them.
std::vector<char> image_bytes(const GuestImage& kernel) {
    auto start = kernel.symbol_addr("vdso_image_start");
    auto end = kernel.symbol_addr("vdso_image_end");
    if (!start || !end || *end <= *start) return {};
    for (const Segment& s : kernel.segments()) {
        if (*start < s.vaddr || *end > s.vaddr + s.bytes.size()) continue;
        const char* base = reinterpret_cast<const char*>(s.bytes.data());
        return std::vector<char>(base + (*start - s.vaddr), base + (*end - s.vaddr));
    }
    return {};
}

VdsoImage read_image(const GuestImage& kernel) {
    VdsoImage out;
    std::vector<char> bytes = image_bytes(kernel);
    if (bytes.empty() || elf_version(EV_CURRENT) == EV_NONE) return out;
    out.size = bytes.size();
    Elf* elf = elf_memory(bytes.data(), bytes.size());
    if (!elf) return out;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || sh.sh_entsize == 0) continue;
        Elf_Data* d = elf_getdata(scn, nullptr);
        if (!d) continue;
        for (size_t k = 0; k < sh.sh_size / sh.sh_entsize; k++) {
            GElf_Sym sym;
            if (!gelf_getsym(d, static_cast<int>(k), &sym)) continue;
            if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF) continue;
            const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (!name || !*name) continue;
            out.functions.push_back({name, sym.st_value, sym.st_size});
        }
    }
    elf_end(elf);
    // One name per address: the __vdso_ one over its plain alias (clock_gettime).
    std::sort(out.functions.begin(), out.functions.end(),
              [](const VdsoFunction& a, const VdsoFunction& b) {
                  if (a.offset != b.offset) return a.offset < b.offset;
                  bool av = a.name.rfind("__vdso_", 0) == 0, bv = b.name.rfind("__vdso_", 0) == 0;
                  if (av != bv) return av;
                  return a.name < b.name;
              });
    out.functions.erase(std::unique(out.functions.begin(), out.functions.end(),
                                    [](const VdsoFunction& a, const VdsoFunction& b) {
                                        return a.offset == b.offset;
                                    }),
                        out.functions.end());
    return out;
}

}  // namespace

const VdsoImage& vdso_image(const GuestImage& kernel) {
    static std::mutex mutex;
    static std::map<std::string, VdsoImage> images;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = images.find(kernel.path());
    if (it == images.end()) it = images.emplace(kernel.path(), read_image(kernel)).first;
    return it->second;
}

uint64_t vdso_base_at(const Trace& trace, uint64_t step) {
    uint64_t base = 0;
    // The events up to `step`, newest first.
    size_t end = step == UINT64_MAX ? trace.events.size() : trace.first_event_at_or_after(step + 1);
    for (size_t i = end; i > 0; i--) {
        const Event e = trace.events[i - 1];
        if (e.kind == EventKind::Return && e.name == "vdso_map") {
            base = e.return_value();
            break;
        }
    }
    // An error (a negative errno) maps nothing.
    return base >= ~uint64_t(4095) ? 0 : base;
}

std::string vdso_describe(const VdsoImage& image, uint64_t base, uint64_t addr) {
    if (!base || addr < base || addr - base >= image.size) return "";
    uint64_t off = addr - base;
    const VdsoFunction* best = nullptr;
    for (const VdsoFunction& f : image.functions)
        if (f.offset <= off) best = &f;
    if (!best) return "vDSO+" + hex(off);
    return off == best->offset ? best->name : best->name + "+" + hex(off - best->offset);
}

}  // namespace slowpath
