# The capture loop on its own thread (capture_runner.c, used by camsep-capture
# and the standalone hosts), the camsep-capture process (shared-memory ring
# and OSC publisher), their tests and the capture-delay benchmark.
target_sources(camsep_capture PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/capture_runner.c
  ${CMAKE_CURRENT_LIST_DIR}/box_file.c)

# liblo belongs to camsep-capture only: the LV2 plugin links camsep_capture.
pkg_check_modules(LIBLO REQUIRED IMPORTED_TARGET liblo)

add_executable(camsep-capture
  ${CMAKE_CURRENT_LIST_DIR}/camsep_capture.c
  ${CMAKE_CURRENT_LIST_DIR}/capture_options.c
  ${CMAKE_CURRENT_LIST_DIR}/capture_osc.c)
# camsep_osc (plugin/osc.cmake): the --osc-port control server.
target_link_libraries(camsep-capture PRIVATE camsep_capture camsep_toolutil camsep_osc PkgConfig::LIBLO)
install(TARGETS camsep-capture RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Tests: the runner on generated videos (also under ThreadSanitizer), and the
# process end to end (shared memory, heartbeat, signals, box files, OSC).
set(CAMSEP_RUNNER_TESTS ${PROJECT_SOURCE_DIR}/tests)
add_executable(test_capture_runner ${CAMSEP_RUNNER_TESTS}/test_capture_runner.c)
target_link_libraries(test_capture_runner PRIVATE camsep_capture camsep_scene)
add_test(NAME capture_runner COMMAND test_capture_runner)

add_executable(capture_test_helper ${CAMSEP_RUNNER_TESTS}/capture_test_helper.c)
target_link_libraries(capture_test_helper PRIVATE camsep_capture camsep_scene PkgConfig::LIBLO)
add_test(NAME camsep_capture
         COMMAND sh ${CAMSEP_RUNNER_TESTS}/test_camsep_capture.sh
                 $<TARGET_FILE:camsep-capture> $<TARGET_FILE:capture_test_helper>)
# Both measure promptness (stop, staleness) on what may be a two-CPU machine.
set_tests_properties(capture_runner camsep_capture PROPERTIES TIMEOUT 120 RUN_SERIAL TRUE)

# Not a test: peak memory of camsep-capture and the delay from a frame's
# capture to its prior being readable in another process.
add_executable(camsep-capture-delay ${PROJECT_SOURCE_DIR}/bench/capture_delay.c)
target_link_libraries(camsep-capture-delay PRIVATE camsep_capture camsep_scene)
target_compile_definitions(camsep-capture-delay PRIVATE CAMSEP_CAPTURE_EXE="$<TARGET_FILE:camsep-capture>")
add_dependencies(camsep-capture-delay camsep-capture)

# camsep-capture's OSC control server (--osc-port).
add_test(NAME capture_osc
         COMMAND bash ${CAMSEP_RUNNER_TESTS}/test_capture_osc.sh
                 $<TARGET_FILE:camsep-capture> $<TARGET_FILE:capture_test_helper>
                 $<TARGET_FILE:camsep-osc-doc> ${PROJECT_SOURCE_DIR})
set_tests_properties(capture_osc PROPERTIES TIMEOUT 60)
