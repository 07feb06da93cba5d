#include <catch2/catch.hpp>
#include "tidemark/core/time.hpp"
TEST_CASE("placeholder") { CHECK(tidemark::format_duration(tidemark::Duration{1000}) == "1s"); }
