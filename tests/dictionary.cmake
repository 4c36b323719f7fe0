# Dictionary file format: unit tests, and an opt-in libFuzzer target.
add_executable(test_dictionary ${CMAKE_CURRENT_LIST_DIR}/test_dictionary.c)
target_link_libraries(test_dictionary PRIVATE camsep_engine)
add_test(NAME dictionary COMMAND test_dictionary)

# cmake -DCAMSEP_FUZZ=ON with CC=clang; then, from the build directory:
#   mkdir -p fuzz-corpus && tests/test_dictionary --write-seeds fuzz-corpus
#   tests/fuzz_dictionary fuzz-corpus -max_total_time=60
option(CAMSEP_FUZZ "Build libFuzzer targets (clang only)" OFF)
if(CAMSEP_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # The parser is compiled in (not linked from camsep_engine) so that it
    # carries the fuzzer's coverage instrumentation.
    add_executable(fuzz_dictionary ${CMAKE_CURRENT_LIST_DIR}/fuzz_dictionary.c
                                   ${CMAKE_CURRENT_LIST_DIR}/../engine/dictionary.c)
    target_include_directories(fuzz_dictionary PRIVATE ${CMAKE_CURRENT_LIST_DIR}/../engine)
    target_link_libraries(fuzz_dictionary PRIVATE m)
    target_compile_options(fuzz_dictionary PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_dictionary PRIVATE -fsanitize=fuzzer)
  else()
    message(WARNING "CAMSEP_FUZZ needs clang (CC=clang); the fuzz targets are not built")
  endif()
endif()
