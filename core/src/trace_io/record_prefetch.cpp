#include "tidemark/core/trace_io/record_prefetch.hpp"

namespace tidemark {

RecordPrefetch record_prefetch_for_this_cpu() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_is("amd")) return RecordPrefetch::kNonTemporal;
#endif
  return RecordPrefetch::kTemporal;
}

}  // namespace tidemark
