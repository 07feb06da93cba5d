#include "tidemark/core/runtime/lateness.hpp"

#include <catch2/catch.hpp>

#include "tidemark/core/error.hpp"

using namespace tidemark;

TEST_CASE("lateness decision table", "[lateness]") {
  const Window w{Timestamp{0}, Timestamp{100}};
  const auto drop = LatenessPolicy::drop();
  const auto wait = LatenessPolicy::parse("wait:30ms");
  const auto grace = LatenessPolicy::parse("grace:50ms");
  struct Row {
    int64_t clock;
    Decision drop, wait, grace;
  };
  const Row table[] = {
      {-1'000, Decision::kAccept, Decision::kAccept, Decision::kAccept},
      {99, Decision::kAccept, Decision::kAccept, Decision::kAccept},
      // C == end: drop and grace have fired; wait has not.
      {100, Decision::kReject, Decision::kAccept, Decision::kAcceptAndUpdate},
      {129, Decision::kReject, Decision::kAccept, Decision::kAcceptAndUpdate},
      {130, Decision::kReject, Decision::kReject, Decision::kAcceptAndUpdate},
      {149, Decision::kReject, Decision::kReject, Decision::kAcceptAndUpdate},
      {150, Decision::kReject, Decision::kReject, Decision::kReject},
  };
  for (const Row& r : table) {
    INFO("clock " << r.clock);
    CHECK(decide(w, Timestamp{r.clock}, drop) == r.drop);
    CHECK(decide(w, Timestamp{r.clock}, wait) == r.wait);
    CHECK(decide(w, Timestamp{r.clock}, grace) == r.grace);
  }
  CHECK(decide(w, Timestamp::min(), drop) == Decision::kAccept);
  CHECK(decide(w, Timestamp::max(), grace) == Decision::kReject);
}

TEST_CASE("fire and close times per policy", "[lateness]") {
  const Timestamp end{1000};
  CHECK(LatenessPolicy::drop().fire_time(end) == end);
  CHECK(LatenessPolicy::drop().close_time(end) == end);
  CHECK(LatenessPolicy::parse("wait:1s").fire_time(end) == Timestamp{2000});
  CHECK(LatenessPolicy::parse("wait:1s").close_time(end) == Timestamp{2000});
  CHECK(LatenessPolicy::parse("grace:1s").fire_time(end) == end);
  CHECK(LatenessPolicy::parse("grace:1s").close_time(end) == Timestamp{2000});
  // Saturation: a huge grace never overflows.
  CHECK(LatenessPolicy::grace(Duration{std::numeric_limits<int64_t>::max()}).close_time(end) ==
        Timestamp::max());
}

TEST_CASE("lateness policies parse and reject nonsense", "[lateness]") {
  CHECK(LatenessPolicy::parse("drop").to_string() == "drop");
  CHECK(LatenessPolicy::parse("wait:30s").to_string() == "wait:30s");
  CHECK(LatenessPolicy::parse("grace:5m").to_string() == "grace:5m");
  for (const char* bad : {"", "drop:1s", "wait", "grace:", "grace:-1s", "late:1s", "wait:abc"}) {
    INFO(bad);
    CHECK_THROWS_AS(LatenessPolicy::parse(bad), ConfigError);
  }
}
