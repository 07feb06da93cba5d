#include "tidemark/generators/network_delay.hpp"

namespace tidemark::gen {

NetworkDelay::NetworkDelay(const Distribution& d, uint64_t seed)
    : dist_(d), rng_(seed), none_(d.is_none()) {}

}  // namespace tidemark::gen
