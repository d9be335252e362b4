// Routes, their exact schedule with synchronisation, and their cost.
#pragma once

#include <algorithm>
#include <vector>

#include "instance.hpp"

namespace rounds {

struct Cost {
    double distance = 0, tardiness = 0, max_tardiness = 0, extra = 0;
    int unassigned = 0;
    bool feasible = true;
    double total(const Instance& in) const {
        if (!feasible) return INF;
        return in.w_distance * distance + in.w_tardiness * tardiness +
               in.w_max_tardiness * max_tardiness + extra + in.unassigned_penalty * unassigned;
    }
};

struct Solution {
    std::vector<std::vector<int>> routes;
    std::vector<int> route_of;   // per task, -1 when unassigned
    std::vector<double> start;   // per task
    Cost cost;
    double value = INF;

    void init(const Instance& in) {
        routes.assign(in.n_carers, {});
        route_of.assign(in.n_tasks, -1);
        start.assign(in.n_tasks, 0.0);
    }
    void reindex() {
        std::fill(route_of.begin(), route_of.end(), -1);
        for (size_t k = 0; k < routes.size(); ++k)
            for (int t : routes[k]) route_of[t] = static_cast<int>(k);
    }
};

// Earliest start times given the route orders, honouring windows, travel and the gaps
// between the two tasks of a synchronised visit; then the cost. A cyclic wait (each
// carer waiting for the other) or a broken hard rule makes the solution infeasible.
inline void evaluate(const Instance& in, Solution& s, std::vector<double>& lower) {
    lower.assign(in.n_tasks, 0.0);
    for (int t = 0; t < in.n_tasks; ++t) lower[t] = in.task_earliest[t];
    int pairs = 0;
    for (int t = 0; t < in.n_tasks; ++t)
        if (in.task_partner[t] >= 0 && in.task_is_first[t] && s.route_of[t] >= 0) ++pairs;
    const int max_passes = 2 * pairs + 4;
    Cost c;
    bool settled = false;
    for (int pass = 0; pass < max_passes && !settled; ++pass) {
        for (size_t k = 0; k < s.routes.size(); ++k) {
            const int carer = static_cast<int>(k);
            double time = in.carer_shift_start[k];
            int at = in.carer_start[k];
            for (int t : s.routes[k]) {
                const bool here = in.in_place(t);
                double arrive = here ? time : time + in.travel(carer, at, in.task_location[t]);
                double st = std::max(arrive, lower[t]);
                s.start[t] = st;
                time = st + in.task_duration[t];
                if (!here) at = in.task_location[t];
            }
        }
        settled = true;
        for (int a = 0; a < in.n_tasks; ++a) {
            const int b = in.task_partner[a];
            if (b < 0 || !in.task_is_first[a] || s.route_of[a] < 0 || s.route_of[b] < 0) continue;
            const double lo = in.task_min_gap[a], hi = in.task_max_gap[a];
            if (s.start[b] < s.start[a] + lo - 1e-9) {
                lower[b] = s.start[a] + lo;
                settled = false;
            }
            if (s.start[a] < s.start[b] - hi - 1e-9) {
                lower[a] = s.start[b] - hi;
                settled = false;
            }
        }
    }
    if (!settled) c.feasible = false;
    for (size_t k = 0; k < s.routes.size() && c.feasible; ++k) {
        const int carer = static_cast<int>(k);
        int at = in.carer_start[k];
        double load = 0, finish = in.carer_shift_start[k];
        for (int t : s.routes[k]) {
            const double late = std::max(0.0, s.start[t] - in.task_latest[t]);
            if (late > 1e-9 && in.hard(t)) c.feasible = false;
            finish = s.start[t] + in.task_duration[t];
            if (in.in_place(t)) continue;  // a break: no travel, no lateness to count
            c.distance += in.travel(carer, at, in.task_location[t]);
            at = in.task_location[t];
            c.tardiness += late;
            c.max_tardiness = std::max(c.max_tardiness, late);
            c.extra += in.extra(t, carer);
            load += in.task_demand[t];
        }
        if (!s.routes[k].empty()) {
            const double back = in.travel(carer, at, in.carer_end[k]);
            c.distance += back;
            if (finish + back > in.carer_shift_end[k] + 1e-9) c.feasible = false;
        }
        if (load > in.carer_capacity[k] + 1e-9) c.feasible = false;
    }
    for (int t = 0; t < in.n_tasks; ++t)
        if (s.route_of[t] < 0) ++c.unassigned;
    s.cost = c;
    s.value = c.total(in);
}

}  // namespace rounds
