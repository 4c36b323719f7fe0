# plugin/osc: the OSC control surface (liblo) the hosts embed, its
# documentation tool and its tests. Included from plugin/CMakeLists.txt.
pkg_check_modules(LIBLO IMPORTED_TARGET liblo>=0.29)
if(NOT LIBLO_FOUND)
  message(STATUS "liblo not found: the OSC control surface (plugin/osc) is not built")
  return()
endif()

add_library(camsep_osc STATIC
  ${CMAKE_CURRENT_LIST_DIR}/osc/osc_table.c
  ${CMAKE_CURRENT_LIST_DIR}/osc/osc_args.c
  ${CMAKE_CURRENT_LIST_DIR}/osc/osc_pattern.c
  ${CMAKE_CURRENT_LIST_DIR}/osc/osc_server.c
  ${CMAKE_CURRENT_LIST_DIR}/osc/osc_feedback.c)
target_include_directories(camsep_osc PUBLIC ${CMAKE_CURRENT_LIST_DIR}/osc)
target_link_libraries(camsep_osc PUBLIC PkgConfig::LIBLO Threads::Threads m)
set_target_properties(camsep_osc PROPERTIES POSITION_INDEPENDENT_CODE ON)

add_executable(camsep-osc-doc ${CMAKE_CURRENT_LIST_DIR}/osc/camsep_osc_doc.c)
target_link_libraries(camsep-osc-doc PRIVATE camsep_osc)
install(TARGETS camsep-osc-doc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Tests: a fake host over UDP and TCP, a bounded fuzz run, and the real
# oscsend/oscdump tools (skipped when liblo-tools is not installed).
add_executable(test_osc ${PROJECT_SOURCE_DIR}/tests/test_osc.c)
target_include_directories(test_osc PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_osc PRIVATE camsep_osc)
add_test(NAME osc COMMAND test_osc)
set_tests_properties(osc PROPERTIES TIMEOUT 120)

add_executable(test_osc_fuzz ${PROJECT_SOURCE_DIR}/tests/test_osc_fuzz.c)
target_include_directories(test_osc_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_osc_fuzz PRIVATE camsep_osc)
add_test(NAME osc_fuzz COMMAND test_osc_fuzz 20000)
set_tests_properties(osc_fuzz PROPERTIES TIMEOUT 300)

# test_osc --serve runs the library with the fake host for the shell test.
add_test(NAME osc_tools COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_osc_tools.sh
         $<TARGET_FILE:test_osc> $<TARGET_FILE:camsep-osc-doc>)
set_tests_properties(osc_tools PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)
