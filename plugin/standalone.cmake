# The standalone hosts: camsep-jack and camsep-portaudio (plugin/standalone/),
# their shared host core, and their tests. Each program is built when its
# library is found (pkg-config): jack, portaudio-2.0; both need liblo (NSM).
pkg_check_modules(JACK IMPORTED_TARGET jack)
pkg_check_modules(PORTAUDIO IMPORTED_TARGET portaudio-2.0)
pkg_check_modules(LIBLO IMPORTED_TARGET liblo)
set(CAMSEP_SA ${CMAKE_CURRENT_LIST_DIR}/standalone)

# The in-process camera needs capture/capture_runner.c (capture/runner.cmake).
get_target_property(_camsep_capture_srcs camsep_capture SOURCES)
set(CAMSEP_HOST_HAVE_RUNNER 0)
foreach(_s IN LISTS _camsep_capture_srcs)
  if(_s MATCHES "capture_runner\\.c$")
    set(CAMSEP_HOST_HAVE_RUNNER 1)
  endif()
endforeach()
if(NOT CAMSEP_HOST_HAVE_RUNNER)
  message(STATUS "camsep standalones: no capture/capture_runner.c yet; built without the in-process camera")
endif()

set(CAMSEP_DICT_INSTALL_DIR ${CMAKE_INSTALL_FULL_DATADIR}/camsep/dictionaries)

# The host core: configuration, command queue, audio side, session.
add_library(camsep_host STATIC
  ${CAMSEP_SA}/host_config.c
  ${CAMSEP_SA}/host_commands.c
  ${CAMSEP_SA}/host_dicts.c
  ${CAMSEP_SA}/host_dsp.c
  ${CAMSEP_SA}/host_preset.c
  ${CAMSEP_SA}/host_session.c)
target_include_directories(camsep_host PUBLIC ${CAMSEP_SA})
target_link_libraries(camsep_host PUBLIC camsep_capture camsep_engine Threads::Threads m)
target_compile_definitions(camsep_host PUBLIC
  _POSIX_C_SOURCE=200809L
  CAMSEP_VERSION="${PROJECT_VERSION}"
  CAMSEP_DICT_INSTALL_DIR="${CAMSEP_DICT_INSTALL_DIR}"
  CAMSEP_DICT_SOURCE_DIR="${PROJECT_SOURCE_DIR}/presets/dictionaries"
  PRIVATE CAMSEP_HOST_HAVE_CAPTURE_RUNNER=${CAMSEP_HOST_HAVE_RUNNER})

# Unit tests of the core (no audio device needed).
add_executable(test_host_config ${PROJECT_SOURCE_DIR}/tests/test_host_config.c)
target_include_directories(test_host_config PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_host_config PRIVATE camsep_host)
add_test(NAME host_config COMMAND test_host_config)
add_executable(test_host_commands ${PROJECT_SOURCE_DIR}/tests/test_host_commands.c)
target_include_directories(test_host_commands PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_host_commands PRIVATE camsep_host camsep_alloc_counter)
add_test(NAME host_commands COMMAND test_host_commands)
set_tests_properties(host_config host_commands PROPERTIES TIMEOUT 120
  ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries")

if(NOT LIBLO_FOUND)
  message(STATUS "camsep standalones: liblo not found; camsep-jack and camsep-portaudio are not built")
  return()
endif()

add_library(camsep_host_run STATIC ${CAMSEP_SA}/host_run.c ${CAMSEP_SA}/nsm_client.c ${CAMSEP_SA}/host_osc.c)
target_link_libraries(camsep_host_run PUBLIC camsep_host camsep_osc PkgConfig::LIBLO)

if(JACK_FOUND)
  add_executable(camsep-jack ${CAMSEP_SA}/jack_main.c)
  target_link_libraries(camsep-jack PRIVATE camsep_host_run PkgConfig::JACK)
  install(TARGETS camsep-jack RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

  # Test clients: a feeder that plays a WAV into camsep and records its
  # outputs, and a tiny NSM server.
  add_executable(jack_feeder ${PROJECT_SOURCE_DIR}/tests/jack_feeder.c)
  target_link_libraries(jack_feeder PRIVATE camsep_toolutil PkgConfig::JACK)
  target_compile_definitions(jack_feeder PRIVATE _POSIX_C_SOURCE=200809L)
  add_executable(nsm_test_server ${PROJECT_SOURCE_DIR}/tests/nsm_test_server.c)
  target_link_libraries(nsm_test_server PRIVATE PkgConfig::LIBLO)
  target_compile_definitions(nsm_test_server PRIVATE _POSIX_C_SOURCE=200809L)

  add_test(NAME jack COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_jack.sh
    $<TARGET_FILE_DIR:camsep-jack> $<TARGET_FILE_DIR:camsep-process> $<TARGET_FILE_DIR:jack_feeder>
    ${CMAKE_BINARY_DIR})
  # One JACK server starts at a time: two starting at once on a fresh machine
  # race to create JACK's shared registry (jack_lsp then aborts in malloc).
  # The jack test also runs alone: its sample-exact comparisons need runs
  # without xruns, and a busy 2-core machine makes the dummy server miss periods.
  set_tests_properties(jack PROPERTIES RESOURCE_LOCK jackd RUN_SERIAL TRUE TIMEOUT 300 SKIP_RETURN_CODE 77
    ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries;CAMSEP_HOST_HAVE_RUNNER=${CAMSEP_HOST_HAVE_RUNNER}")
  add_test(NAME nsm COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_nsm.sh
    $<TARGET_FILE_DIR:camsep-jack> $<TARGET_FILE_DIR:nsm_test_server>)
  set_tests_properties(nsm PROPERTIES RESOURCE_LOCK jackd TIMEOUT 120 SKIP_RETURN_CODE 77
    ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries")
endif()

if(PORTAUDIO_FOUND)
  add_executable(camsep-portaudio ${CAMSEP_SA}/portaudio_main.c)
  target_link_libraries(camsep-portaudio PRIVATE camsep_host_run PkgConfig::PORTAUDIO)
  install(TARGETS camsep-portaudio RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  add_test(NAME portaudio COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_portaudio.sh
    $<TARGET_FILE_DIR:camsep-portaudio>)
  set_tests_properties(portaudio PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77
    ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries")
endif()

# OSC control of both hosts (tests/test_host_osc.sh; python3 client, no modules).
if(TARGET camsep-jack AND TARGET camsep-portaudio)
  add_test(NAME host_osc COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_host_osc.sh
    $<TARGET_FILE_DIR:camsep-jack> ${CMAKE_BINARY_DIR}/bench ${CMAKE_BINARY_DIR}/plugin/camsep-osc-doc
    ${PROJECT_SOURCE_DIR})
  set_tests_properties(host_osc PROPERTIES RESOURCE_LOCK jackd TIMEOUT 60 SKIP_RETURN_CODE 77
    ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries")
endif()
