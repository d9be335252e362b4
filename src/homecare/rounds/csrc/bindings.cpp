// Python binding of the search core: flat arrays in, routes and start times out.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <thread>

#include "search.hpp"

namespace py = pybind11;
using rounds::Instance;
using rounds::Result;
using rounds::Search;
using rounds::Settings;
using rounds::Solution;

static py::dict to_dict(const Instance& in, const Result& res) {
    py::dict out;
    out["routes"] = res.best.routes;
    std::vector<double> start(in.n_tasks, -1.0);
    for (int t = 0; t < in.n_tasks; ++t)
        if (res.best.route_of[t] >= 0) start[t] = res.best.start[t];
    out["start"] = start;
    out["objective"] = res.best.value;
    out["distance"] = res.best.cost.distance;
    out["tardiness"] = res.best.cost.tardiness;
    out["max_tardiness"] = res.best.cost.max_tardiness;
    out["extra"] = res.best.cost.extra;
    out["unassigned"] = res.best.cost.unassigned;
    out["feasible"] = res.best.cost.feasible;
    out["iterations"] = res.iterations;
    out["seconds"] = res.seconds;
    return out;
}

static py::dict solve(py::dict data, double time_limit, long max_iterations,
                      unsigned long long seed, int threads,
                      std::vector<std::vector<int>> warm_routes) {
    Instance in;
    in.n_locations = data["n_locations"].cast<int>();
    in.n_tasks = data["n_tasks"].cast<int>();
    in.n_visits = data["n_visits"].cast<int>();
    in.n_carers = data["n_carers"].cast<int>();
    in.matrices = data["matrices"].cast<std::vector<std::vector<double>>>();
    in.task_location = data["task_location"].cast<std::vector<int>>();
    in.task_visit = data["task_visit"].cast<std::vector<int>>();
    in.task_partner = data["task_partner"].cast<std::vector<int>>();
    for (int x : data["task_is_first"].cast<std::vector<int>>()) in.task_is_first.push_back(static_cast<char>(x));
    for (int x : data["task_in_place"].cast<std::vector<int>>()) in.task_in_place.push_back(static_cast<char>(x));
    for (int x : data["task_hard"].cast<std::vector<int>>()) in.task_hard.push_back(static_cast<char>(x));
    for (int x : data["visit_fixed"].cast<std::vector<int>>()) in.visit_fixed.push_back(static_cast<char>(x));
    in.task_duration = data["task_duration"].cast<std::vector<double>>();
    in.task_demand = data["task_demand"].cast<std::vector<double>>();
    in.task_earliest = data["task_earliest"].cast<std::vector<double>>();
    in.task_latest = data["task_latest"].cast<std::vector<double>>();
    in.task_min_gap = data["task_min_gap"].cast<std::vector<double>>();
    in.task_max_gap = data["task_max_gap"].cast<std::vector<double>>();
    in.visit_tasks = data["visit_tasks"].cast<std::vector<std::vector<int>>>();
    in.carer_start = data["carer_start"].cast<std::vector<int>>();
    in.carer_end = data["carer_end"].cast<std::vector<int>>();
    in.carer_matrix = data["carer_matrix"].cast<std::vector<int>>();
    in.carer_shift_start = data["carer_shift_start"].cast<std::vector<double>>();
    in.carer_shift_end = data["carer_shift_end"].cast<std::vector<double>>();
    in.carer_capacity = data["carer_capacity"].cast<std::vector<double>>();
    for (int x : data["qualified"].cast<std::vector<int>>()) in.qualified.push_back(static_cast<char>(x));
    in.assign_cost = data["assign_cost"].cast<std::vector<double>>();
    for (int x : data["carer_frozen"].cast<std::vector<int>>()) in.carer_frozen.push_back(static_cast<char>(x));
    in.w_distance = data["w_distance"].cast<double>();
    in.w_tardiness = data["w_tardiness"].cast<double>();
    in.w_max_tardiness = data["w_max_tardiness"].cast<double>();
    in.unassigned_penalty = data["unassigned_penalty"].cast<double>();
    in.hard_time_windows = data["hard_time_windows"].cast<bool>();

    Solution warm;
    const bool has_warm = !warm_routes.empty();
    if (has_warm) {
        warm.init(in);
        warm.routes = warm_routes;
        warm.reindex();
    }
    threads = std::max(1, threads);
    std::vector<Result> results(threads);
    {
        py::gil_scoped_release release;
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&, i]() {
                Settings st;
                st.time_limit = time_limit;
                st.max_iterations = max_iterations;
                st.seed = seed * 7919ULL + static_cast<unsigned long long>(i);
                Search search(in, st);
                results[i] = search.run(has_warm ? &warm : nullptr);
            });
        }
        for (auto& t : pool) t.join();
    }
    size_t best = 0;
    for (size_t i = 1; i < results.size(); ++i)
        if (results[i].best.value < results[best].best.value - 1e-9) best = i;
    long total_iterations = 0;
    for (const auto& r : results) total_iterations += r.iterations;
    py::dict out = to_dict(in, results[best]);
    out["iterations"] = total_iterations;
    return out;
}

PYBIND11_MODULE(_search, m) {
    m.doc() = "Synchronisation-aware large neighbourhood search for care workers' rounds.";
    m.def("solve", &solve, py::arg("data"), py::arg("time_limit"), py::arg("max_iterations"),
          py::arg("seed"), py::arg("threads"), py::arg("warm_routes"));
}
