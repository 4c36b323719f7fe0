# Y4M (YUV4MPEG2) frame source: files, FIFOs and pipes; its tests and an
# opt-in libFuzzer target.
target_sources(camsep_capture PRIVATE ${CMAKE_CURRENT_LIST_DIR}/y4m_source.c)

add_executable(test_y4m ${PROJECT_SOURCE_DIR}/tests/test_y4m.c)
target_link_libraries(test_y4m PRIVATE camsep_capture)
add_test(NAME y4m COMMAND test_y4m)
set_tests_properties(y4m PROPERTIES TIMEOUT 120)

# cmake -DCAMSEP_FUZZ=ON with CC=clang; then, from the build directory:
#   mkdir -p y4m-corpus && capture/test_y4m --write-seeds y4m-corpus
#   capture/fuzz_y4m y4m-corpus -max_total_time=60
option(CAMSEP_FUZZ "Build libFuzzer targets (clang only)" OFF)
if(CAMSEP_FUZZ)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # The parser is compiled in (not linked from camsep_capture) so that it
    # carries the fuzzer's coverage instrumentation.
    add_executable(fuzz_y4m ${PROJECT_SOURCE_DIR}/tests/fuzz_y4m.c
                            ${CMAKE_CURRENT_LIST_DIR}/y4m_source.c
                            ${CMAKE_CURRENT_LIST_DIR}/capture_clock.c)
    target_include_directories(fuzz_y4m PRIVATE ${CMAKE_CURRENT_LIST_DIR})
    target_compile_options(fuzz_y4m PRIVATE -fsanitize=fuzzer)
    target_link_options(fuzz_y4m PRIVATE -fsanitize=fuzzer)
  else()
    message(WARNING "CAMSEP_FUZZ needs clang (CC=clang); the fuzz targets are not built")
  endif()
endif()
