# camsep.lv2's UI: camsep_ui.so in the bundle (ui:X11UI, cairo, ui:idleInterface).
# Needs the plugin (lv2.cmake) and libX11 >= 1.7; reuses the standalone
# window's drawing pieces (camsep_ui_core: colours, meter scales, peak hold,
# luma images), which ui/ defines after plugin/: target names resolve at
# generate time, and the property is set once ui/ has been read.
if(NOT TARGET camsep_lv2)
  return()
endif()
pkg_check_modules(LV2UI_X11 IMPORTED_TARGET x11)
if(NOT LV2UI_X11_FOUND)
  message(STATUS "camsep.lv2: x11 (libx11-dev) not found; the plugin has no UI")
  return()
endif()
set(_lv2ui_src ${CMAKE_CURRENT_LIST_DIR}/lv2/ui)
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR}
  CALL set_property TARGET camsep_ui_core PROPERTY POSITION_INDEPENDENT_CODE ON)

# The parts without X (model, layout, mouse input, drawing): the UI and its tests.
add_library(camsep_lv2_ui_core STATIC
  ${_lv2ui_src}/lv2ui_model.c ${_lv2ui_src}/lv2ui_layout.c ${_lv2ui_src}/lv2ui_input.c
  ${_lv2ui_src}/lv2ui_draw.c ${_lv2ui_src}/lv2ui_preview.c)
target_include_directories(camsep_lv2_ui_core PUBLIC ${_lv2ui_src})
target_link_libraries(camsep_lv2_ui_core PUBLIC camsep_lv2_desc camsep_ui_core camsep_capture PkgConfig::CAIRO m)
set_target_properties(camsep_lv2_ui_core PROPERTIES POSITION_INDEPENDENT_CODE ON)

add_library(camsep_lv2_ui MODULE ${_lv2ui_src}/camsep_lv2_ui.c ${_lv2ui_src}/lv2ui_x11.c)
target_link_libraries(camsep_lv2_ui PRIVATE camsep_lv2_ui_core PkgConfig::LV2 PkgConfig::LV2UI_X11 m)
set_target_properties(camsep_lv2_ui PROPERTIES
  PREFIX "" OUTPUT_NAME camsep_ui
  C_VISIBILITY_PRESET hidden
  LIBRARY_OUTPUT_DIRECTORY ${CAMSEP_LV2_BUNDLE})
target_link_options(camsep_lv2_ui PRIVATE
  "LINKER:--version-script=${_lv2ui_src}/camsep_lv2_ui.map" "LINKER:--no-undefined")
set_property(TARGET camsep_lv2_ui APPEND PROPERTY LINK_DEPENDS ${_lv2ui_src}/camsep_lv2_ui.map)
add_dependencies(camsep_lv2_bundle camsep_lv2_ui)
install(TARGETS camsep_lv2_ui LIBRARY DESTINATION ${CAMSEP_LV2_INSTALL_DIR}/camsep.lv2 COMPONENT lv2)

# ---- tests ----
# Drawing, model and mouse input on image surfaces (no X).
add_executable(test_lv2_ui_draw ${PROJECT_SOURCE_DIR}/tests/test_lv2_ui_draw.c)
target_include_directories(test_lv2_ui_draw PRIVATE ${PROJECT_SOURCE_DIR}/tests)
target_link_libraries(test_lv2_ui_draw PRIVATE camsep_lv2_ui_core camsep_ui_font_cache)
add_test(NAME lv2_ui_draw COMMAND test_lv2_ui_draw)

# A mini UI host: dlopen camsep_ui.so, a parent window on a private Xvfb,
# port_event -> pixels (XGetImage), clicks -> write_function, the preview.
add_executable(test_lv2_ui_host ${PROJECT_SOURCE_DIR}/tests/test_lv2_ui_host.c
                                ${PROJECT_SOURCE_DIR}/ui/tests/ui_test_xvfb.c)
target_include_directories(test_lv2_ui_host PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/ui/tests)
target_link_libraries(test_lv2_ui_host PRIVATE camsep_lv2_ui_core camsep_ui_font_cache PkgConfig::LV2 PkgConfig::LV2UI_X11 ${CMAKE_DL_LIBS})
add_dependencies(test_lv2_ui_host camsep_lv2_bundle)
add_test(NAME lv2_ui_host COMMAND test_lv2_ui_host ${CAMSEP_LV2_BUNDLE})
set_tests_properties(lv2_ui_host PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

# jalv.gtk3 under Xvfb and jackd -d dummy: the UI embedded, meters moving.
add_executable(test_lv2_ui_grab ${PROJECT_SOURCE_DIR}/tests/test_lv2_ui_grab.c)
target_link_libraries(test_lv2_ui_grab PRIVATE PkgConfig::LV2UI_X11 PkgConfig::CAIRO)
if(TARGET jack_feeder)
  add_test(NAME lv2_ui_jalv
           COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_lv2_ui.sh ${CAMSEP_LV2_BUNDLE}
                   $<TARGET_FILE:test_lv2_ui_grab> $<TARGET_FILE:jack_feeder> ${CMAKE_BINARY_DIR})
  set_tests_properties(lv2_ui_jalv PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endif()
