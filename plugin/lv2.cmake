# camsep.lv2: the LV2 plugin bundle (variants for 2, 3, 4 and 6 players).
# Built into ${CMAKE_BINARY_DIR}/lv2/camsep.lv2 (usable with LV2_PATH, no
# install needed) and installed into ${CAMSEP_LV2_INSTALL_DIR}/camsep.lv2.
pkg_check_modules(LV2 IMPORTED_TARGET lv2)
if(NOT LV2_FOUND)
  message(STATUS "camsep.lv2: LV2 headers (lv2-dev) not found; the plugin is not built")
  return()
endif()

set(CAMSEP_LV2_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/lv2" CACHE STRING
    "Where camsep.lv2 is installed (relative to the prefix, or absolute)")
set(_lv2_src ${CMAKE_CURRENT_LIST_DIR}/lv2)
set(CAMSEP_LV2_BUNDLE ${CMAKE_BINARY_DIR}/lv2/camsep.lv2)

# The one description of ports, variants, instruments and presets.
add_library(camsep_lv2_desc STATIC ${_lv2_src}/camsep_lv2_catalog.c ${_lv2_src}/camsep_lv2_ports.c)
target_include_directories(camsep_lv2_desc PUBLIC ${_lv2_src})
target_link_libraries(camsep_lv2_desc PUBLIC camsep_engine)
set_target_properties(camsep_lv2_desc PROPERTIES POSITION_INDEPENDENT_CODE ON)

add_executable(camsep-lv2-ttlgen ${_lv2_src}/camsep_lv2_ttlgen.c)
target_link_libraries(camsep-lv2-ttlgen PRIVATE camsep_lv2_desc)

# The plugin binary: the glue, plus its own copies of the prior ring reader and
# clock (the capture library also holds frame sources the plugin must not link).
add_library(camsep_lv2 MODULE
  ${_lv2_src}/camsep_lv2.c
  ${_lv2_src}/camsep_lv2_worker.c
  ${_lv2_src}/camsep_lv2_state.c
  ${_lv2_src}/camsep_lv2_patch.c
  ${_lv2_src}/camsep_lv2_camera.c
  ${PROJECT_SOURCE_DIR}/capture/shm_ring.c
  ${PROJECT_SOURCE_DIR}/capture/prior_clock.c
  ${PROJECT_SOURCE_DIR}/capture/capture_clock.c)
target_include_directories(camsep_lv2 PRIVATE ${_lv2_src} ${PROJECT_SOURCE_DIR}/capture)
target_link_libraries(camsep_lv2 PRIVATE camsep_lv2_desc camsep_engine PkgConfig::LV2 Threads::Threads m)
if(CAMSEP_HAVE_LIBRT)
  target_link_libraries(camsep_lv2 PRIVATE rt)
endif()
set_target_properties(camsep_lv2 PROPERTIES
  PREFIX "" OUTPUT_NAME camsep
  C_VISIBILITY_PRESET hidden
  LIBRARY_OUTPUT_DIRECTORY ${CAMSEP_LV2_BUNDLE})
target_link_options(camsep_lv2 PRIVATE
  "LINKER:--version-script=${_lv2_src}/camsep_lv2.map" "LINKER:--no-undefined")
set_property(TARGET camsep_lv2 APPEND PROPERTY LINK_DEPENDS ${_lv2_src}/camsep_lv2.map)

set(_lv2_ttl ${CAMSEP_LV2_BUNDLE}/manifest.ttl ${CAMSEP_LV2_BUNDLE}/camsep.ttl ${CAMSEP_LV2_BUNDLE}/presets.ttl)
add_custom_command(OUTPUT ${_lv2_ttl}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CAMSEP_LV2_BUNDLE}
  COMMAND camsep-lv2-ttlgen ${CAMSEP_LV2_BUNDLE} camsep${CMAKE_SHARED_MODULE_SUFFIX}
  DEPENDS camsep-lv2-ttlgen
  COMMENT "Generating the camsep.lv2 Turtle")
file(GLOB _lv2_dicts ${PROJECT_SOURCE_DIR}/presets/dictionaries/*.dict)
set(_lv2_dict_copies)
foreach(d ${_lv2_dicts})
  get_filename_component(_name ${d} NAME)
  set(_out ${CAMSEP_LV2_BUNDLE}/dictionaries/${_name})
  add_custom_command(OUTPUT ${_out} COMMAND ${CMAKE_COMMAND} -E copy_if_different ${d} ${_out} DEPENDS ${d})
  list(APPEND _lv2_dict_copies ${_out})
endforeach()
add_custom_target(camsep_lv2_bundle ALL DEPENDS ${_lv2_ttl} ${_lv2_dict_copies} camsep_lv2)

install(TARGETS camsep_lv2 LIBRARY DESTINATION ${CAMSEP_LV2_INSTALL_DIR}/camsep.lv2 COMPONENT lv2)
install(FILES ${_lv2_ttl} DESTINATION ${CAMSEP_LV2_INSTALL_DIR}/camsep.lv2 COMPONENT lv2)
install(FILES ${_lv2_dicts} DESTINATION ${CAMSEP_LV2_INSTALL_DIR}/camsep.lv2/dictionaries COMPONENT lv2)


# ---- tests ----
# A minimal dlopen host shared by the plugin test and the benchmark.
add_library(camsep_lv2_minihost STATIC ${_lv2_src}/camsep_lv2_minihost.c)
target_include_directories(camsep_lv2_minihost PUBLIC ${_lv2_src})
target_link_libraries(camsep_lv2_minihost PUBLIC PkgConfig::LV2 ${CMAKE_DL_LIBS})

add_executable(test_lv2_plugin ${PROJECT_SOURCE_DIR}/tests/test_lv2_plugin.c)
target_link_libraries(test_lv2_plugin PRIVATE camsep_lv2_minihost camsep_lv2_desc camsep_capture camsep_alloc_counter m)
add_dependencies(test_lv2_plugin camsep_lv2_bundle)
add_test(NAME lv2_plugin COMMAND test_lv2_plugin ${CAMSEP_LV2_BUNDLE} ${PROJECT_SOURCE_DIR}/presets/dictionaries)
set_tests_properties(lv2_plugin PROPERTIES TIMEOUT 120)

# Validation (lv2_validate, sordi, lv2ls/lv2info), lv2apply against
# camsep-process, and cmake --install into a temporary prefix.
add_test(NAME lv2_bundle
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_lv2_bundle.sh ${CAMSEP_LV2_BUNDLE}
                 $<TARGET_FILE:camsep-process> ${PROJECT_SOURCE_DIR}/presets/dictionaries ${CMAKE_BINARY_DIR})
set_tests_properties(lv2_bundle PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)

# jalv under a private jackd -d dummy: presets, controls and state loading.
add_test(NAME lv2_jalv
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_lv2_jalv.sh ${CAMSEP_LV2_BUNDLE}
                 ${PROJECT_SOURCE_DIR}/presets/dictionaries)
set_tests_properties(lv2_jalv PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)

# run() timing at 64-frame periods (prints figures; not a test).
add_executable(camsep-lv2-bench ${_lv2_src}/camsep_lv2_bench.c)
target_link_libraries(camsep-lv2-bench PRIVATE camsep_lv2_minihost camsep_lv2_desc m)
add_dependencies(camsep-lv2-bench camsep_lv2_bundle)
