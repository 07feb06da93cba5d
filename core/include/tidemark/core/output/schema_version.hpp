#pragma once
// The version of tidemark's JSON documents (replay's summary, compare's and inspect's JSON),
// written as their first field "schema_version". docs/schemas/ holds a JSON Schema for each; the
// number changes when a field changes meaning or goes away, not when one is added.

namespace tidemark {

inline constexpr int kSchemaVersion = 1;

}  // namespace tidemark
