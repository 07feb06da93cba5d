# tidemark_library(NAME SOURCES...): the static library tidemark_NAME with the alias
# tidemark::NAME (exported as NAME), C++20, warnings on, and its headers in include/.
function(tidemark_library name)
  add_library(tidemark_${name} STATIC ${ARGN})
  add_library(tidemark::${name} ALIAS tidemark_${name})
  set_target_properties(tidemark_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_compile_features(tidemark_${name} PUBLIC cxx_std_20)
  target_compile_options(tidemark_${name} PRIVATE -Wall -Wextra -Wpedantic)
  if(TIDEMARK_FUZZ)  # coverage for libFuzzer in the code under test, not in the tests or CLI
    target_compile_options(tidemark_${name} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  target_include_directories(tidemark_${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endfunction()
