# The camera preview segment (shm_preview.h): camsep-capture publishes a small
# luma thumbnail that UIs on the same machine (the LV2 UI) show. Its test runs
# a writer and readers in separate processes (torn images, writer death).
target_sources(camsep_capture PRIVATE ${CMAKE_CURRENT_LIST_DIR}/shm_preview.c)

add_executable(test_shm_preview ${PROJECT_SOURCE_DIR}/tests/test_shm_preview.c)
target_include_directories(test_shm_preview PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_shm_preview PRIVATE camsep_capture)
add_test(NAME shm_preview COMMAND test_shm_preview)
set_tests_properties(shm_preview PROPERTIES TIMEOUT 60)
