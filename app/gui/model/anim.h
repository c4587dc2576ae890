// Small animation helpers: eased tweens driven by a clock the app advances.
//
// Animations only ever interpolate what is drawn; the model always holds the
// final state, so turning animation off (or stepping again mid-flight) never
// delays anything.
#pragma once
#include <algorithm>
#include <cmath>

namespace slowpath::gui {

inline float ease_out_cubic(float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    float u = 1.0f - t;
    return 1.0f - u * u * u;
}

inline float ease_in_out_cubic(float t) {
    t = std::clamp(t, 0.0f, 1.0f);
    return t < 0.5f ? 4.0f * t * t * t : 1.0f - std::pow(-2.0f * t + 2.0f, 3.0f) / 2.0f;
}

// The clock every animation reads. `busy_until` tells the main loop how long
// it has to keep drawing frames.
struct AnimClock {
    double now = 0.0;
    double busy_until = 0.0;
    bool enabled = true;
    double duration = 0.25;  // seconds for one transition

    // Registers an animation that starts now; returns its duration (0 when off).
    double start(double length_factor = 1.0) {
        if (!enabled) return 0.0;
        double length = duration * length_factor;
        busy_until = std::max(busy_until, now + length);
        return length;
    }
    bool busy() const { return enabled && now < busy_until; }
};

// A float moving from one value to another with easing.
struct Tween {
    float from = 0.0f, to = 0.0f;
    double start = 0.0, length = 0.0;

    float value(double now) const {
        if (length <= 0.0 || now >= start + length) return to;
        float t = static_cast<float>((now - start) / length);
        return from + (to - from) * ease_out_cubic(t);
    }
    bool active(double now) const { return length > 0.0 && now < start + length; }
    // Starts a move from wherever the tween is now, so a new step mid-flight
    // continues smoothly instead of jumping back.
    void retarget(float target, AnimClock& clock, double length_factor = 1.0) {
        if (target == to && !active(clock.now)) return;
        from = value(clock.now);
        to = target;
        start = clock.now;
        length = clock.start(length_factor);
    }
    void snap(float target) {
        from = to = target;
        length = 0.0;
    }
};

// A flash that fades out: 1 at the start, 0 at the end.
struct Flash {
    double start = -1e9, length = 0.0;
    void trigger(AnimClock& clock, double length_factor = 2.0) {
        start = clock.now;
        length = clock.start(length_factor);
    }
    float strength(double now) const {
        if (length <= 0.0 || now >= start + length || now < start) return 0.0f;
        float t = static_cast<float>((now - start) / length);
        return 1.0f - ease_in_out_cubic(t);
    }
};

}  // namespace slowpath::gui
