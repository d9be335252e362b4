// Cheapest insertion of a visit (one task, or the two synchronised tasks of a double-up),
// estimated route by route and then checked exactly on the few best candidates.
#pragma once

#include <algorithm>
#include <random>
#include <vector>

#include "solution.hpp"

namespace rounds {

struct Candidate {
    double estimate = INF;
    int carer1 = -1, pos1 = -1, carer2 = -1, pos2 = -1;
};

// What inserting a task starting at `st` at position `pos` of a route would add: travel,
// and the delay it pushes down the rest of the route (tardiness and hard rules).
struct RouteProbe {
    const Instance& in;
    const Solution& s;
    double w_late;  // weight on each unit of lateness in the estimate

    // Where the carer is before position `pos`: breaks are taken in place, so look past them.
    int place_before(int k, int pos) const {
        const auto& r = s.routes[k];
        for (int i = pos - 1; i >= 0; --i)
            if (!in.in_place(r[i])) return in.task_location[r[i]];
        return in.carer_start[k];
    }

    // Where the carer goes next from position `pos` on (the end place if nowhere).
    int place_from(int k, int pos, bool* real) const {
        const auto& r = s.routes[k];
        for (size_t i = pos; i < r.size(); ++i)
            if (!in.in_place(r[i])) {
                *real = true;
                return in.task_location[r[i]];
            }
        *real = false;
        for (int t : r)
            if (!in.in_place(t)) *real = true;
        return in.carer_end[k];
    }

    // Arrival at the task's place when inserted before position `pos` of carer k's route.
    double arrival(int k, int pos, int task) const {
        const auto& r = s.routes[k];
        double time = pos == 0 ? in.carer_shift_start[k]
                               : s.start[r[pos - 1]] + in.task_duration[r[pos - 1]];
        const double travel =
            in.in_place(task) ? 0.0 : in.travel(k, place_before(k, pos), in.task_location[task]);
        return std::max(time + travel, in.task_earliest[task]);
    }

    // Added cost of the insertion with the task starting at `st`; INF if a hard rule breaks.
    double delta(int k, int pos, int task, double st) const {
        const auto& r = s.routes[k];
        const int prev_loc = place_before(k, pos);
        bool routed = false;
        const int next_loc = place_from(k, pos, &routed);
        const bool here = in.in_place(task);
        const int loc = here ? prev_loc : in.task_location[task];
        double d = 0.0;
        if (!here) {
            d = in.w_distance * (in.travel(k, prev_loc, loc) + in.travel(k, loc, next_loc) -
                                 (routed ? in.travel(k, prev_loc, next_loc) : 0.0));
        }
        const double late = std::max(0.0, st - in.task_latest[task]);
        if (late > 1e-9 && in.hard(task)) return INF;
        if (!here) d += w_late * late + in.extra(task, k);
        if (in.task_demand[task] > 0) {
            double load = in.task_demand[task];
            for (int t : r) load += in.task_demand[t];
            if (load > in.carer_capacity[k] + 1e-9) return INF;
        }
        // push forward
        double time = st + in.task_duration[task];
        int at = loc;
        for (size_t i = pos; i < r.size(); ++i) {
            const int t = r[i];
            const bool t_here = in.in_place(t);
            const double arrive = t_here ? time : time + in.travel(k, at, in.task_location[t]);
            const double old_start = s.start[t];
            if (arrive <= old_start + 1e-9) return d;  // the rest keeps its times
            const double old_late = std::max(0.0, old_start - in.task_latest[t]);
            const double new_late = std::max(0.0, arrive - in.task_latest[t]);
            if (new_late > 1e-9 && in.hard(t)) return INF;
            if (!t_here) d += w_late * (new_late - old_late);
            // a pushed task with a partner would push the partner too: count it as late
            if (in.task_partner[t] >= 0) d += 0.5 * w_late * (arrive - old_start);
            time = arrive + in.task_duration[t];
            if (!t_here) at = in.task_location[t];
        }
        const double back = time + in.travel(k, at, in.carer_end[k]);
        if (back > in.carer_shift_end[k] + 1e-9) return INF;
        return d;
    }
};

// Keeps the best few candidates by estimate.
struct Shortlist {
    std::vector<Candidate> items;
    size_t size;
    explicit Shortlist(size_t n) : size(n) {}
    void offer(const Candidate& c) {
        if (c.estimate == INF) return;
        if (items.size() < size) {
            items.push_back(c);
            std::push_heap(items.begin(), items.end(), by_estimate);
        } else if (c.estimate < items.front().estimate) {
            std::pop_heap(items.begin(), items.end(), by_estimate);
            items.back() = c;
            std::push_heap(items.begin(), items.end(), by_estimate);
        }
    }
    static bool by_estimate(const Candidate& a, const Candidate& b) { return a.estimate < b.estimate; }
};

inline void shortlist_single(const Instance& in, const Solution& s, int task, double w_late,
                             std::mt19937_64& rng, double noise, Shortlist& out) {
    RouteProbe probe{in, s, w_late};
    std::uniform_real_distribution<double> jitter(1.0 - noise, 1.0 + noise);
    for (int k = 0; k < in.n_carers; ++k) {
        // a frozen round takes nothing new but its carer's own break
        if (!in.can_do(task, k) || (!in.open(k) && !in.in_place(task))) continue;
        const int n = static_cast<int>(s.routes[k].size());
        for (int p = 0; p <= n; ++p) {
            const double st = probe.arrival(k, p, task);
            double d = probe.delta(k, p, task, st);
            if (d == INF) continue;
            if (noise > 0) d *= jitter(rng);
            out.offer({d, k, p, -1, -1});
        }
    }
}

inline void shortlist_pair(const Instance& in, const Solution& s, int first, int second,
                           double w_late, std::mt19937_64& rng, double noise, Shortlist& out) {
    RouteProbe probe{in, s, w_late};
    std::uniform_real_distribution<double> jitter(1.0 - noise, 1.0 + noise);
    const double lo = in.task_min_gap[first], hi = in.task_max_gap[first];
    struct Slot { int k, p; double arrive; };
    std::vector<Slot> a_slots, b_slots;
    for (int k = 0; k < in.n_carers; ++k) {
        if (!in.open(k)) continue;
        const int n = static_cast<int>(s.routes[k].size());
        const bool can_a = in.can_do(first, k), can_b = in.can_do(second, k);
        for (int p = 0; p <= n; ++p) {
            if (can_a) a_slots.push_back({k, p, probe.arrival(k, p, first)});
            if (can_b) b_slots.push_back({k, p, probe.arrival(k, p, second)});
        }
    }
    // With many places to try, keep for each task the places that are cheapest on their
    // own, and pair only those: the pair's cost is close to the sum of its parts.
    auto prune = [&](std::vector<Slot>& slots, int task) {
        const size_t keep = 36;
        if (slots.size() <= keep) return;
        std::vector<std::pair<double, size_t>> scored;
        scored.reserve(slots.size());
        for (size_t i = 0; i < slots.size(); ++i)
            scored.push_back({probe.delta(slots[i].k, slots[i].p, task, slots[i].arrive), i});
        std::nth_element(scored.begin(), scored.begin() + keep, scored.end());
        std::vector<Slot> kept;
        for (size_t i = 0; i < keep; ++i)
            if (scored[i].first < INF) kept.push_back(slots[scored[i].second]);
        slots.swap(kept);
    };
    prune(a_slots, first);
    prune(b_slots, second);
    for (const Slot& a : a_slots) {
        for (const Slot& b : b_slots) {
            if (a.k == b.k) continue;
            const double sa = std::max(a.arrive, b.arrive - hi);
            const double sb = std::max(b.arrive, sa + lo);
            const double da = probe.delta(a.k, a.p, first, sa);
            if (da == INF) continue;
            const double db = probe.delta(b.k, b.p, second, sb);
            if (db == INF) continue;
            double d = da + db;
            if (noise > 0) d *= jitter(rng);
            out.offer({d, a.k, a.p, b.k, b.p});
        }
    }
}

inline void apply(Solution& s, const std::vector<int>& tasks, const Candidate& c) {
    s.routes[c.carer1].insert(s.routes[c.carer1].begin() + c.pos1, tasks[0]);
    s.route_of[tasks[0]] = c.carer1;
    if (tasks.size() > 1) {
        s.routes[c.carer2].insert(s.routes[c.carer2].begin() + c.pos2, tasks[1]);
        s.route_of[tasks[1]] = c.carer2;
    }
}

inline void undo(Solution& s, const std::vector<int>& tasks, const Candidate& c) {
    if (tasks.size() > 1) {
        s.routes[c.carer2].erase(s.routes[c.carer2].begin() + c.pos2);
        s.route_of[tasks[1]] = -1;
    }
    s.routes[c.carer1].erase(s.routes[c.carer1].begin() + c.pos1);
    s.route_of[tasks[0]] = -1;
}

// Inserts the visit at the best of its shortlisted places, judged exactly; returns false
// (and leaves the solution as it was) when no place keeps the hard rules.
inline bool insert_visit(const Instance& in, Solution& s, int visit, double w_late,
                         std::mt19937_64& rng, double noise, size_t exact_checks,
                         std::vector<double>& scratch) {
    const std::vector<int>& tasks = in.visit_tasks[visit];
    Shortlist list(exact_checks);
    if (tasks.size() == 1)
        shortlist_single(in, s, tasks[0], w_late, rng, noise, list);
    else
        shortlist_pair(in, s, tasks[0], tasks[1], w_late, rng, noise, list);
    if (list.items.empty()) return false;
    std::sort(list.items.begin(), list.items.end(), Shortlist::by_estimate);
    Candidate best;
    double best_value = INF;
    for (const Candidate& c : list.items) {
        apply(s, tasks, c);
        evaluate(in, s, scratch);
        if (s.value < best_value) {
            best_value = s.value;
            best = c;
        }
        undo(s, tasks, c);
    }
    if (best_value == INF) {
        evaluate(in, s, scratch);
        return false;
    }
    apply(s, tasks, best);
    evaluate(in, s, scratch);
    return true;
}

}  // namespace rounds
