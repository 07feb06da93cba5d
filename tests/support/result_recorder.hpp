#pragma once
// An output for operators driven directly with an aggregator other than the statistics (the
// Driver's Emitter carries WindowStats only): records every result with the step that caused it.

#include <cstddef>
#include <vector>

#include "tidemark/core/output/emission.hpp"

namespace tidemark::test {

template <class Result>
struct ResultRecorder {
  struct Row {
    size_t step;
    KeyId key;
    Window window;
    Result result;
    EmissionKind kind;
  };
  void emit(KeyId key, Window w, const Result& r, EmissionKind kind) {
    rows.push_back({step, key, w, r, kind});
  }
  size_t step = 0;  // set by the test before each call into the operator
  std::vector<Row> rows;
};

}  // namespace tidemark::test
