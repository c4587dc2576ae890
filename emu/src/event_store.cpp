// EventStore: the events of a run as a byte stream of delta-coded blocks
// (see trace.h for the layout's reasons).
#include <algorithm>
#include <array>
#include <cstring>

#include "slowpath/trace.h"

namespace slowpath {

namespace {

constexpr unsigned kKinds = 32;  // EventKind fits in the header byte's 5 bits
static_assert(static_cast<unsigned>(EventKind::StepLimit) < kKinds, "a kind fits in 5 bits");
constexpr unsigned kSlotBits = 8;
// The most an event can take: two header bytes, a 64-bit step, syscall,
// name, text and rip deltas and four arguments (10 bytes a 64-bit varint).
constexpr size_t kMaxEventBytes = 2 + 10 + 10 + 5 + 5 + 10 + 4 * 10;

// Header byte 0: the kind, by_cpu, from_entry, "the syscall index changed".
constexpr uint8_t kByCpu = 1 << 5, kFromEntry = 1 << 6, kSyscallChanged = 1 << 7;
// Byte 1: which arguments differ from the guess (bits 0-3), then these.
constexpr uint8_t kHasText = 1 << 4, kNameChanged = 1 << 5, kRipChanged = 1 << 6;

// What the next event is guessed to be, from the events of its block so far.
struct Guess {
    struct Slot {  // the last event of one kind and name
        uint64_t tag = UINT64_MAX;
        uint64_t rip = 0;
        std::array<uint64_t, 4> a{};
    };
    uint64_t step = 0, rip = 0;
    int32_t syscall = -1;
    std::array<uint32_t, kKinds> name{};                 // the last name of each kind
    std::array<std::array<uint64_t, 4>, kKinds> args{};  // the last arguments of each kind
    std::array<Slot, size_t(1) << kSlotBits> slots{};

    // Only what a read consults: a slot's values count once its tag matches.
    void reset() {
        step = rip = 0;
        syscall = -1;
        name.fill(0);
        for (auto& k : args) k.fill(0);
        for (Slot& sl : slots) sl.tag = UINT64_MAX;
    }
    static uint64_t tag(unsigned kind, uint32_t name) { return uint64_t(name) << 5 | kind; }
    Slot& slot(unsigned kind, uint32_t name) {
        uint32_t h = (name * 0x9E3779B1u) ^ (kind * 0x85EBCA6Bu);
        return slots[h >> (32 - kSlotBits)];
    }
};

// The guess table is big for a recording thread's stack (13 KB): one a
// thread, reset for each block coded or decoded.
Guess& fresh_guess() {
    static thread_local Guess guess;
    guess.reset();
    return guess;
}

uint64_t zigzag(uint64_t delta) {
    const auto d = static_cast<int64_t>(delta);
    return (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63);
}
uint64_t unzigzag(uint64_t z) {
    return (z >> 1) ^ (~(z & 1) + 1);
}

uint8_t* put_varint(uint8_t* p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = static_cast<uint8_t>(v | 0x80);
        v >>= 7;
    }
    *p++ = static_cast<uint8_t>(v);
    return p;
}

uint64_t get_varint(const uint8_t*& p) {
    if (*p < 0x80) return *p++;  // most are one byte
    uint64_t v = *p & 0x7f;
    unsigned shift = 7;
    while (*p++ & 0x80) {
        v |= uint64_t(*p & 0x7f) << shift;
        shift += 7;
    }
    return v;
}

uint8_t* encode(uint8_t* p, const Event& e, Guess& g) {
    const auto kind = static_cast<unsigned>(e.kind);
    const uint32_t name = e.name.id();
    Guess::Slot& slot = g.slot(kind, name);
    const uint64_t tag = Guess::tag(kind, name);
    const bool hit = slot.tag == tag;
    const uint64_t rip_guess = hit ? slot.rip : g.rip;
    const std::array<uint64_t, 4>& args_guess = hit ? slot.a : g.args[kind];
    uint8_t b0 = static_cast<uint8_t>(kind);
    if (e.by_cpu) b0 |= kByCpu;
    if (e.from_entry) b0 |= kFromEntry;
    if (e.syscall != g.syscall) b0 |= kSyscallChanged;
    uint8_t b1 = 0;
    for (unsigned i = 0; i < 4; i++)
        if (e.a[i] != args_guess[i]) b1 |= static_cast<uint8_t>(1u << i);
    if (e.text_id) b1 |= kHasText;
    if (name != g.name[kind]) b1 |= kNameChanged;
    if (e.rip != rip_guess) b1 |= kRipChanged;
    *p++ = b0;
    *p++ = b1;
    p = put_varint(p, zigzag(e.step - g.step));
    if (b0 & kSyscallChanged)
        p = put_varint(p, zigzag(static_cast<uint64_t>(int64_t(e.syscall) - g.syscall)));
    if (b1 & kNameChanged) p = put_varint(p, name);
    if (b1 & kHasText) p = put_varint(p, e.text_id);
    if (b1 & kRipChanged) p = put_varint(p, zigzag(e.rip - rip_guess));
    for (unsigned i = 0; i < 4; i++)
        if (b1 & (1u << i)) p = put_varint(p, zigzag(e.a[i] - args_guess[i]));
    g.step = e.step;
    g.rip = e.rip;
    g.syscall = e.syscall;
    g.name[kind] = name;
    g.args[kind] = e.a;
    slot.tag = tag;
    slot.rip = e.rip;
    slot.a = e.a;
    return p;
}

const uint8_t* decode_one(const uint8_t* p, Event& out, Guess& g) {
    // Built in a local and stored once: the bit fields share words.
    Event e;
    const uint8_t b0 = *p++, b1 = *p++;
    const unsigned kind = b0 & (kKinds - 1);
    e.kind = static_cast<EventKind>(kind);
    e.by_cpu = (b0 & kByCpu) != 0;
    e.from_entry = (b0 & kFromEntry) != 0;
    g.step += unzigzag(get_varint(p));
    e.step = g.step;
    if (b0 & kSyscallChanged)
        g.syscall = static_cast<int32_t>(g.syscall + static_cast<int64_t>(unzigzag(get_varint(p))));
    e.syscall = g.syscall;
    if (b1 & kNameChanged) g.name[kind] = static_cast<uint32_t>(get_varint(p));
    const uint32_t name = g.name[kind];
    e.name = Name::from_id(name);
    if (b1 & kHasText) e.text_id = get_varint(p);
    Guess::Slot& slot = g.slot(kind, name);
    const uint64_t tag = Guess::tag(kind, name);
    const bool hit = slot.tag == tag;
    e.rip = hit ? slot.rip : g.rip;
    if (b1 & kRipChanged) e.rip += unzigzag(get_varint(p));
    e.a = hit ? slot.a : g.args[kind];
    for (unsigned i = 0; i < 4; i++)
        if (b1 & (1u << i)) e.a[i] += unzigzag(get_varint(p));
    g.rip = e.rip;
    g.args[kind] = e.a;
    slot.tag = tag;
    slot.rip = e.rip;
    slot.a = e.a;
    out = e;
    return p;
}

}  // namespace

void EventStore::push_back(const Event& e) {
    if (open_.size() == kBlockSize) seal();
    if (open_.capacity() < kBlockSize) open_.reserve(kBlockSize);
    open_.push_back(e);
}

void EventStore::seal() {
    constexpr size_t worst = kBlockSize * kMaxEventBytes;
    static_assert(worst <= kChunkBytes, "a block fits in a chunk");
    // Coded aside first, so a chunk is filled up to the block that does
    // not fit, not up to the room the worst block would need.
    static thread_local std::array<uint8_t, worst> coded;
    Guess& g = fresh_guess();
    uint8_t* p = coded.data();
    for (const Event& e : open_) p = encode(p, e, g);
    const auto n = static_cast<size_t>(p - coded.data());
    if (chunks_.empty() || kChunkBytes - used_ < n) {
        chunks_.emplace_back(kChunkBytes);
        used_ = 0;
    }
    std::memcpy(chunks_.back().data() + used_, coded.data(), n);
    heads_.push_back({open_.front().step, static_cast<uint32_t>(chunks_.size() - 1),
                      static_cast<uint32_t>(used_)});
    used_ += n;
    // The block just coded is kept decoded: the engine reads the newest
    // events back (a syscall's, from its entry) as it records.
    Decoded& d = decoded_[next_fill_];
    last_hit_ = next_fill_;
    next_fill_ = (next_fill_ + 1) % kCached;
    d.block = heads_.size() - 1;
    std::swap(d.events, open_);
    sealed_ += kBlockSize;
    open_.clear();
}

const Event* EventStore::decode(size_t b) const {
    Decoded& d = decoded_[next_fill_];
    last_hit_ = next_fill_;
    next_fill_ = (next_fill_ + 1) % kCached;
    d.block = b;
    d.events.resize(kBlockSize);
    Guess& g = fresh_guess();
    const Head& h = heads_[b];
    const uint8_t* p = chunks_[h.chunk].data() + h.offset;
    for (Event& e : d.events) p = decode_one(p, e, g);
    return d.events.data();
}

void EventStore::truncate(size_t smaller) {
    if (smaller >= size()) return;
    if (smaller >= sealed_) {
        open_.resize(smaller - sealed_);
        return;
    }
    const size_t b = smaller / kBlockSize;
    const Event* ev = block(b);
    std::vector<Event> keep(ev, ev + (smaller - b * kBlockSize));
    const Head h = heads_[b];
    heads_.resize(b);
    chunks_.resize(h.chunk + 1);
    used_ = h.offset;
    sealed_ = b * kBlockSize;
    open_ = std::move(keep);
    for (Decoded& d : decoded_) d.block = SIZE_MAX;
}

size_t EventStore::first_at_or_after(uint64_t step) const {
    const size_t blocks = heads_.size() + (open_.empty() ? 0 : 1);
    auto first_step = [&](size_t k) {
        return k < heads_.size() ? heads_[k].first_step : uint64_t(open_.front().step);
    };
    size_t lo = 0, hi = blocks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (first_step(mid) < step)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) return 0;
    // Block lo starts at or after `step`: the answer is in the block before
    // or is lo's first event.
    const size_t k = lo - 1;
    const Event* ev = k < heads_.size() ? block(k) : open_.data();
    const size_t n = k < heads_.size() ? kBlockSize : open_.size();
    const Event* it =
        std::lower_bound(ev, ev + n, step, [](const Event& e, uint64_t s) { return e.step < s; });
    return k * kBlockSize + static_cast<size_t>(it - ev);
}

size_t EventStore::bytes_held() const {
    size_t n = heads_.capacity() * sizeof(Head) +
               chunks_.capacity() * sizeof(decltype(chunks_)::value_type);
    for (const auto& c : chunks_) n += c.capacity();
    n += open_.capacity() * sizeof(Event);
    for (const Decoded& d : decoded_) n += d.events.capacity() * sizeof(Event);
    return n;
}

}  // namespace slowpath
