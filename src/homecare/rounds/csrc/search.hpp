// Adaptive large neighbourhood search with simulated-annealing acceptance.
//
// Works on whole visits, so a double-up's two tasks always leave and return together and
// are placed as a pair. Destroy: random, worst, related (place and time), a whole round.
// Repair: greedy in several orders, with noise. The best solution found is kept: the
// search can stop at any moment.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "insertion.hpp"

namespace rounds {

struct Settings {
    double time_limit = 10.0;
    long max_iterations = -1;  // when set, the run is deterministic for its seed
    unsigned long long seed = 1;
    size_t exact_checks = 4;
};

struct Result {
    Solution best;
    long iterations = 0;
    double seconds = 0;
};

class Search {
  public:
    Search(const Instance& in, const Settings& st) : in_(in), st_(st), rng_(st.seed) {
        weights_destroy_.assign(kDestroy, 1.0);
        weights_repair_.assign(kRepair, 1.0);
        scores_destroy_.assign(kDestroy, 0.0);
        scores_repair_.assign(kRepair, 0.0);
        uses_destroy_.assign(kDestroy, 0);
        uses_repair_.assign(kRepair, 0);
        w_late_ = in.w_tardiness + 0.5 * in.w_max_tardiness;
        if (w_late_ <= 0) w_late_ = 1.0;
        // how near two visits are, for related removal
        scale_ = 1.0;
        double total = 0;
        int count = 0;
        for (int v = 0; v < in.n_visits; v += 7)
            for (int w = 0; w < in.n_visits; w += 5) {
                total += dist(v, w);
                ++count;
            }
        if (count > 0 && total > 0) scale_ = total / count;
    }

    Result run(const Solution* warm) {
        const auto t0 = std::chrono::steady_clock::now();
        Solution current;
        current.init(in_);
        if (warm != nullptr) {
            current.routes = warm->routes;
            current.reindex();
        }
        std::vector<int> missing;
        for (int v = 0; v < in_.n_visits; ++v)
            if (current.route_of[in_.visit_tasks[v][0]] < 0) missing.push_back(v);
        evaluate(in_, current, scratch_);
        if (current.value == INF) {  // a warm start that breaks rules is dropped
            current.init(in_);
            missing.resize(in_.n_visits);
            std::iota(missing.begin(), missing.end(), 0);
            evaluate(in_, current, scratch_);
        }
        order_by_difficulty(missing);
        repair_in_order(current, missing, 0.0);
        Solution best = current;
        // The temperature follows the cost a planner trades (travel, lateness), not the
        // penalty for unplaced visits, which would make the early search a random walk.
        const double tradeable = current.value - in_.unassigned_penalty * current.cost.unassigned;
        const double start_temp = std::max(1e-6, 0.1 * tradeable / std::max(1, in_.n_visits));
        const double end_temp = start_temp * 1e-3;
        long it = 0;
        double elapsed = 0;
        while (true) {
            if (st_.max_iterations >= 0 && it >= st_.max_iterations) break;
            if ((it & 15) == 0) {
                elapsed = seconds_since(t0);
                if (st_.max_iterations < 0 && elapsed >= st_.time_limit) break;
            }
            const double progress = st_.max_iterations >= 0
                                        ? static_cast<double>(it) / std::max(1L, st_.max_iterations)
                                        : elapsed / st_.time_limit;
            const double temp = start_temp * std::pow(end_temp / start_temp, progress);
            Solution candidate = current;
            const int d = roulette(weights_destroy_);
            const int r = roulette(weights_repair_);
            std::vector<int> removed = destroy(candidate, d);
            evaluate(in_, candidate, scratch_);
            repair(candidate, removed, r);
            double score = 0;
            if (candidate.value < best.value - 1e-9) {
                best = candidate;
                current = candidate;
                score = 33;
            } else if (candidate.value < current.value - 1e-9) {
                current = candidate;
                score = 9;
            } else if (candidate.value < INF &&
                       uniform_(rng_) < std::exp((current.value - candidate.value) / temp)) {
                current = candidate;
                score = 3;
            }
            scores_destroy_[d] += score;
            scores_repair_[r] += score;
            ++uses_destroy_[d];
            ++uses_repair_[r];
            if (++it % 100 == 0) adapt();
        }
        Result res;
        res.best = best;
        res.iterations = it;
        res.seconds = seconds_since(t0);
        return res;
    }

  private:
    static constexpr int kDestroy = 5;
    static constexpr int kRepair = 3;
    const Instance& in_;
    Settings st_;
    std::mt19937_64 rng_;
    std::uniform_real_distribution<double> uniform_{0.0, 1.0};
    std::vector<double> weights_destroy_, weights_repair_, scores_destroy_, scores_repair_;
    std::vector<long> uses_destroy_, uses_repair_;
    std::vector<double> scratch_;
    double w_late_ = 1.0;
    double scale_ = 1.0;

    static double seconds_since(std::chrono::steady_clock::time_point t0) {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    double dist(int v, int w) const {
        const int a = in_.task_location[in_.visit_tasks[v][0]];
        const int b = in_.task_location[in_.visit_tasks[w][0]];
        return in_.matrices[0][static_cast<size_t>(a) * in_.n_locations + b];
    }

    int roulette(const std::vector<double>& w) {
        double total = std::accumulate(w.begin(), w.end(), 0.0);
        double x = uniform_(rng_) * total;
        for (size_t i = 0; i < w.size(); ++i) {
            x -= w[i];
            if (x <= 0) return static_cast<int>(i);
        }
        return static_cast<int>(w.size()) - 1;
    }

    void adapt() {
        const double reaction = 0.2;
        for (int i = 0; i < kDestroy; ++i)
            if (uses_destroy_[i] > 0) {
                weights_destroy_[i] = std::max(0.05, (1 - reaction) * weights_destroy_[i] +
                                                         reaction * scores_destroy_[i] / uses_destroy_[i]);
                scores_destroy_[i] = 0;
                uses_destroy_[i] = 0;
            }
        for (int i = 0; i < kRepair; ++i)
            if (uses_repair_[i] > 0) {
                weights_repair_[i] = std::max(0.05, (1 - reaction) * weights_repair_[i] +
                                                        reaction * scores_repair_[i] / uses_repair_[i]);
                scores_repair_[i] = 0;
                uses_repair_[i] = 0;
            }
    }

    int how_many() {
        const int n = in_.n_visits;
        const int lo = std::min(n, 3);
        const int hi = std::max(lo, std::min(n, std::max(4, static_cast<int>(0.25 * n))));
        std::uniform_int_distribution<int> q(lo, std::min(hi, 40));
        return q(rng_);
    }

    void remove_visit(Solution& s, int v) {
        for (int t : in_.visit_tasks[v]) {
            const int k = s.route_of[t];
            if (k < 0) continue;
            auto& r = s.routes[k];
            r.erase(std::find(r.begin(), r.end(), t));
            s.route_of[t] = -1;
        }
    }

    // Visits the search may move: placed, and in no frozen round.
    std::vector<int> assigned_visits(const Solution& s) const {
        std::vector<int> out;
        for (int v = 0; v < in_.n_visits; ++v) {
            bool movable = !in_.fixed(v);
            for (int t : in_.visit_tasks[v]) {
                const int k = s.route_of[t];
                if (k < 0 || !in_.open(k)) movable = false;
            }
            if (movable) out.push_back(v);
        }
        return out;
    }

    std::vector<int> destroy(Solution& s, int op) {
        std::vector<int> removed;
        for (int v = 0; v < in_.n_visits; ++v)
            if (s.route_of[in_.visit_tasks[v][0]] < 0) removed.push_back(v);
        std::vector<int> pool = assigned_visits(s);
        if (pool.empty()) return removed;
        const int q = std::min(how_many(), static_cast<int>(pool.size()));
        std::vector<int> chosen;
        switch (op) {
            case 0: {  // random
                std::shuffle(pool.begin(), pool.end(), rng_);
                chosen.assign(pool.begin(), pool.begin() + q);
                break;
            }
            case 1: {  // worst: the visits whose detour and lateness cost most
                std::vector<std::pair<double, int>> cost;
                for (int v : pool) cost.push_back({-visit_cost(s, v), v});
                std::sort(cost.begin(), cost.end());
                std::vector<char> taken(cost.size(), 0);
                for (int i = 0; i < q; ++i) {
                    const double y = uniform_(rng_);
                    size_t idx = static_cast<size_t>(std::pow(y, 4.0) * cost.size());
                    while (taken[idx]) idx = (idx + 1) % cost.size();
                    taken[idx] = 1;
                    chosen.push_back(cost[idx].second);
                }
                break;
            }
            case 2:    // related by place and time
            case 3: {  // related by time only
                const int seed = pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng_)];
                std::vector<std::pair<double, int>> rel;
                const double window_scale = 60.0;
                for (int v : pool) {
                    const int a = in_.visit_tasks[seed][0], b = in_.visit_tasks[v][0];
                    double r = std::fabs(s.start[a] - s.start[b]) / window_scale;
                    if (op == 2) r += dist(seed, v) / scale_;
                    rel.push_back({r, v});
                }
                std::sort(rel.begin(), rel.end());
                for (int i = 0; i < q; ++i) {
                    const double y = uniform_(rng_);
                    size_t idx = static_cast<size_t>(std::pow(y, 3.0) * rel.size());
                    chosen.push_back(rel[idx].second);
                }
                std::sort(chosen.begin(), chosen.end());
                chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
                break;
            }
            default: {  // a whole round (and the partners of its double-ups)
                std::vector<int> busy;
                for (int k = 0; k < in_.n_carers; ++k)
                    if (!s.routes[k].empty() && in_.open(k)) busy.push_back(k);
                if (busy.empty()) break;
                const int k = busy[std::uniform_int_distribution<size_t>(0, busy.size() - 1)(rng_)];
                for (int t : s.routes[k]) {
                    const int v = in_.task_visit[t];
                    if (std::find(pool.begin(), pool.end(), v) != pool.end()) chosen.push_back(v);
                }
                if (static_cast<int>(chosen.size()) > q + 5) chosen.resize(q + 5);
                break;
            }
        }
        for (int v : chosen) {
            remove_visit(s, v);
            removed.push_back(v);
        }
        return removed;
    }

    double visit_cost(const Solution& s, int v) const {
        double c = 0;
        for (int t : in_.visit_tasks[v]) {
            const int k = s.route_of[t];
            const auto& r = s.routes[k];
            const size_t i = std::find(r.begin(), r.end(), t) - r.begin();
            int prev = in_.carer_start[k], next = in_.carer_end[k];
            for (size_t j = i; j-- > 0;)
                if (!in_.in_place(r[j])) {
                    prev = in_.task_location[r[j]];
                    break;
                }
            for (size_t j = i + 1; j < r.size(); ++j)
                if (!in_.in_place(r[j])) {
                    next = in_.task_location[r[j]];
                    break;
                }
            const int loc = in_.task_location[t];
            c += in_.w_distance * (in_.travel(k, prev, loc) + in_.travel(k, loc, next) - in_.travel(k, prev, next));
            c += w_late_ * std::max(0.0, s.start[t] - in_.task_latest[t]) + in_.extra(t, k);
        }
        return c;
    }

    void order_by_difficulty(std::vector<int>& visits) {
        std::sort(visits.begin(), visits.end(), [&](int a, int b) {
            if (in_.fixed(a) != in_.fixed(b)) return in_.fixed(a);
            const size_t ta = in_.visit_tasks[a].size(), tb = in_.visit_tasks[b].size();
            if (ta != tb) return ta > tb;
            return in_.task_latest[in_.visit_tasks[a][0]] < in_.task_latest[in_.visit_tasks[b][0]];
        });
    }

    void repair(Solution& s, std::vector<int>& visits, int op) {
        switch (op) {
            case 0:
                std::shuffle(visits.begin(), visits.end(), rng_);
                repair_in_order(s, visits, 0.0);
                break;
            case 1:
                order_by_difficulty(visits);
                repair_in_order(s, visits, 0.0);
                break;
            default:
                std::shuffle(visits.begin(), visits.end(), rng_);
                repair_in_order(s, visits, 0.15);
                break;
        }
    }

    void repair_in_order(Solution& s, const std::vector<int>& visits, double noise) {
        for (int v : visits) insert_visit(in_, s, v, w_late_, rng_, noise, st_.exact_checks, scratch_);
        evaluate(in_, s, scratch_);
    }
};

}  // namespace rounds
