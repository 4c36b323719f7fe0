# The V4L2 camera frame source (libv4l2) and its test against a fake device.
pkg_check_modules(LIBV4L2 REQUIRED IMPORTED_TARGET libv4l2)
target_sources(camsep_capture PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/v4l2_device.c
  ${CMAKE_CURRENT_LIST_DIR}/v4l2_source.c)
target_link_libraries(camsep_capture PUBLIC PkgConfig::LIBV4L2)

add_executable(test_v4l2
  ${PROJECT_SOURCE_DIR}/tests/test_v4l2.c
  ${PROJECT_SOURCE_DIR}/tests/fake_v4l2.c)
target_include_directories(test_v4l2 PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_v4l2 PRIVATE camsep_capture camsep_testsupport camsep_alloc_counter)
add_test(NAME v4l2 COMMAND test_v4l2)
set_tests_properties(v4l2 PROPERTIES TIMEOUT 60)
