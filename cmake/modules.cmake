# Helpers that keep the per-module CMakeLists.txt files to a few lines.

# Defaults for every target of ours: warnings and the shared headers.
function(sesmon_target_defaults target)
  sesmon_target_warnings(${target})
  target_link_libraries(${target} PRIVATE sesmon_headers)
endfunction()

# sesmon_add_module(NAME <module> SOURCES ... DEPS ...): the static library sesmon_<module>.
function(sesmon_add_module)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(sesmon_${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(sesmon_${ARG_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(sesmon_${ARG_NAME} PUBLIC sesmon_headers ${ARG_DEPS})
  sesmon_target_warnings(sesmon_${ARG_NAME})
endfunction()

# Test code is glue around the libraries, which keep the build type's optimisation: it is
# compiled without any (-O0, after the build type's flags), which halves its compile time —
# tests are most of the build (docs/development.md, "How long things take").
function(sesmon_test_compile_options target)
  target_compile_options(${target} PRIVATE -O0)
endfunction()

# sesmon_add_test(NAME <test_x> SOURCES ... DEPS ... [LABELS ...]): a GoogleTest binary,
# registered with ctest test by test. Tests find fixtures through SESMON_SOURCE_DIR and the
# built programs through SESMON_BIN_DIR.
function(sesmon_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  sesmon_test_compile_options(${ARG_NAME})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    SESMON_SOURCE_DIR="${CMAKE_SOURCE_DIR}" SESMON_BIN_DIR="${CMAKE_BINARY_DIR}/bin")
  sesmon_target_defaults(${ARG_NAME})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(SESMON_SANITIZE AND NOT "integration" IN_LIST ARG_LABELS)
    sesmon_add_test_shards(${ARG_NAME} "${ARG_SOURCES}" "${ARG_LABELS}")
  else()
    gtest_discover_tests(${ARG_NAME} DISCOVERY_MODE PRE_TEST
      PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${ARG_LABELS}")
  endif()
endfunction()

# Under ASan + UBSan a test binary's start and exit cost ≈ 0.25 s (the shadow memory mapped,
# LeakSanitizer's scan at exit), 0.02 s without: one process per case made the sanitizer
# run's ≈ 1,000 unit cases spend about 8 CPU-minutes starting and stopping
# (docs/development.md, "How long things take"). So the sanitizer build runs each unit-test
# binary as GoogleTest shards (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) of about 25 cases,
# each shard one ctest test named <binary>.shard_<i>_of_<n>; a failure's output names the
# case. Integration binaries, whose cases last seconds, stay one case per test. A case that
# skips marks its shard skipped, which scripts/lib/skips.py fails unless it is listed.
set(SESMON_CASES_PER_SHARD 25)
function(sesmon_add_test_shards target sources labels)
  set(cases 0)
  foreach(source IN LISTS sources)
    file(STRINGS ${source} found REGEX "^(TEST|TEST_F|TEST_P|TYPED_TEST)\\(")
    list(LENGTH found n)
    math(EXPR cases "${cases} + ${n}")
  endforeach()
  math(EXPR shards "(${cases} + ${SESMON_CASES_PER_SHARD} - 1) / ${SESMON_CASES_PER_SHARD}")
  if(shards LESS 1)
    set(shards 1)
  endif()
  math(EXPR last "${shards} - 1")
  foreach(index RANGE ${last})
    math(EXPR number "${index} + 1")
    set(name ${target}.shard_${number}_of_${shards})
    add_test(NAME ${name} COMMAND ${target})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "GTEST_TOTAL_SHARDS=${shards};GTEST_SHARD_INDEX=${index}"
      TIMEOUT 600 LABELS "${labels}" SKIP_REGULAR_EXPRESSION "\\[  SKIPPED \\]")
  endforeach()
endfunction()
