# Shared-memory prior ring: a capture process publishes priors that LV2 plugin
# instances read without system calls. Its tests: the ring itself, the same
# with readers stalled mid-copy (torn-read path), and poll under strace.
target_sources(camsep_capture PRIVATE ${CMAKE_CURRENT_LIST_DIR}/shm_ring.c)
include(CheckLibraryExists)
check_library_exists(rt shm_open "" CAMSEP_HAVE_LIBRT) # glibc >= 2.34 has it in libc; older needs -lrt
if(CAMSEP_HAVE_LIBRT)
  target_link_libraries(camsep_capture PUBLIC rt)
endif()

add_executable(test_shm_ring ${PROJECT_SOURCE_DIR}/tests/test_shm_ring.c)
target_link_libraries(test_shm_ring PRIVATE camsep_capture camsep_alloc_counter)
add_test(NAME shm_ring COMMAND test_shm_ring)

# Its own copy of shm_ring.c with the test seam (CAMSEP_SHM_TEST_HOOKS): the
# readers stall half-way through slot copies so that the writer tears them.
add_executable(test_shm_ring_torn ${PROJECT_SOURCE_DIR}/tests/test_shm_ring.c
                                  ${CMAKE_CURRENT_LIST_DIR}/shm_ring.c
                                  ${CMAKE_CURRENT_LIST_DIR}/capture_clock.c)
target_compile_definitions(test_shm_ring_torn PRIVATE CAMSEP_SHM_TEST_HOOKS)
target_include_directories(test_shm_ring_torn PRIVATE ${CMAKE_CURRENT_LIST_DIR} ${PROJECT_SOURCE_DIR}/engine)
target_link_libraries(test_shm_ring_torn PRIVATE Threads::Threads camsep_alloc_counter)
if(CAMSEP_HAVE_LIBRT)
  target_link_libraries(test_shm_ring_torn PRIVATE rt)
endif()
add_test(NAME shm_ring_torn COMMAND test_shm_ring_torn)

# poll() under strace: no system call between the loop's markers (skipped
# without strace or ptrace). Plain builds only: sanitizer runtimes make system
# calls of their own (ThreadSanitizer maps memory for its traces).
if(NOT CAMSEP_SANITIZE)
  add_test(NAME shm_ring_syscalls
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/test_shm_ring_syscalls.sh $<TARGET_FILE:test_shm_ring>)
  set_tests_properties(shm_ring_syscalls PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60 RUN_SERIAL TRUE)
endif()
# They measure delays (staleness after the timeout, the newest record's
# arrival) on what may be a two-CPU machine: not next to the heavy tests.
set_tests_properties(shm_ring shm_ring_torn PROPERTIES TIMEOUT 180 RUN_SERIAL TRUE)
