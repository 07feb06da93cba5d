#pragma once
// How the runtime's loop fetches the record stream ahead of itself: the cache hint and the
// distance, chosen once per run for the processor it runs on.

#include <cstddef>

namespace tidemark {

// The record stream is read once and is larger than any cache; what fetching it best costs
// depends on the processor's prefetch machinery.
//  kNonTemporal: prefetchnta, 32 records ahead. On AMD EPYC (1 MiB L2) the records then do not
//                push key state out of L2.
//  kTemporal:    prefetcht0, 64 records ahead. On Intel Xeon, prefetchnta fills L1 alone, so the
//                L2 streamer never joins in and each record holds one of L1's few fill buffers
//                for a whole trip to memory: the loop ran 1.7x slower with it (tumbling, 10k keys).
enum class RecordPrefetch { kNonTemporal, kTemporal };

// The hint for the processor this runs on (read from cpuid).
RecordPrefetch record_prefetch_for_this_cpu() noexcept;

// Records fetched ahead with hint `h`.
constexpr size_t records_ahead(RecordPrefetch h) {
  return h == RecordPrefetch::kNonTemporal ? 32 : 64;
}

}  // namespace tidemark
