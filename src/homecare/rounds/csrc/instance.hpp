// The rounds problem as flat arrays: what the search reads millions of times a second.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

namespace rounds {

constexpr double INF = std::numeric_limits<double>::infinity();

struct Instance {
    int n_locations = 0;
    int n_tasks = 0;
    int n_visits = 0;
    int n_carers = 0;
    std::vector<std::vector<double>> matrices;  // per travel mode: n_locations^2

    // tasks
    std::vector<int> task_location, task_visit, task_partner;
    std::vector<char> task_is_first;  // first of a synchronised pair
    std::vector<char> task_in_place;  // a break: taken where the carer is, no travel
    std::vector<char> task_hard;      // must start inside its window (breaks)
    std::vector<char> visit_fixed;    // never removed by the search (breaks)
    std::vector<double> task_duration, task_demand, task_earliest, task_latest;
    std::vector<double> task_min_gap, task_max_gap;  // start(second) - start(first)

    // visits
    std::vector<std::vector<int>> visit_tasks;

    // carers
    std::vector<int> carer_start, carer_end, carer_matrix;
    std::vector<double> carer_shift_start, carer_shift_end, carer_capacity;
    std::vector<char> carer_frozen;  // a frozen round keeps its visits and their order

    // task x carer: qualified, and the soft cost of that carer doing that task
    std::vector<char> qualified;
    std::vector<double> assign_cost;

    double w_distance = 1.0, w_tardiness = 0.0, w_max_tardiness = 0.0;
    double unassigned_penalty = 1e7;
    bool hard_time_windows = false;

    double travel(int carer, int from, int to) const {
        return matrices[carer_matrix[carer]][static_cast<size_t>(from) * n_locations + to];
    }
    bool can_do(int task, int carer) const {
        return qualified[static_cast<size_t>(task) * n_carers + carer] != 0;
    }
    bool in_place(int task) const { return !task_in_place.empty() && task_in_place[task] != 0; }
    bool hard(int task) const { return hard_time_windows || (!task_hard.empty() && task_hard[task]); }
    bool fixed(int visit) const { return !visit_fixed.empty() && visit_fixed[visit] != 0; }
    bool open(int carer) const { return carer_frozen.empty() || carer_frozen[carer] == 0; }
    double extra(int task, int carer) const {
        return assign_cost[static_cast<size_t>(task) * n_carers + carer];
    }
};

}  // namespace rounds
