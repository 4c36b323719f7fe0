# Dense optical flow and motion energy per player box (capture), their tests,
# the synthetic stage scenes the tests use, and camsep-flow-bench.
target_sources(camsep_capture PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/optical_flow.c
  ${CMAKE_CURRENT_LIST_DIR}/motion_energy.c)
# The flow pipeline is the capture thread's hot loop: full vectorisation and
# fused multiply-add (compiled twice, baseline and AVX2, chosen at run time).
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/optical_flow.c PROPERTIES COMPILE_OPTIONS "-O3;-ffp-contract=fast")

set(CAMSEP_FLOW_TESTS ${CMAKE_CURRENT_LIST_DIR}/../tests)
add_library(camsep_scene STATIC ${CAMSEP_FLOW_TESTS}/scene.c)
target_include_directories(camsep_scene PUBLIC ${CAMSEP_FLOW_TESTS})
target_link_libraries(camsep_scene PUBLIC m)

foreach(t flow motion)
  add_executable(test_${t} ${CAMSEP_FLOW_TESTS}/test_${t}.c)
  target_link_libraries(test_${t} PRIVATE camsep_capture camsep_scene camsep_alloc_counter)
  add_test(NAME ${t} COMMAND test_${t})
endforeach()
set_tests_properties(flow motion PROPERTIES TIMEOUT 300)

# Not a test: ms per frame against OpenCV (Debian's /usr/bin/python3 with python3-opencv).
add_executable(camsep-flow-bench ${CMAKE_CURRENT_LIST_DIR}/../bench/flow_bench.c)
target_link_libraries(camsep-flow-bench PRIVATE camsep_capture camsep_scene)
target_compile_definitions(camsep-flow-bench PRIVATE
  CAMSEP_FLOW_OPENCV_SCRIPT="${CMAKE_CURRENT_LIST_DIR}/../bench/flow_opencv.py")
