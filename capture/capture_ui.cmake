# The camera window of camsep-capture (--ui, capture_ui.c) and its test under
# a private Xvfb.
#
# ui/ (the camsep_ui library) is added after capture/, and is only built when
# libx11 >= 1.7 is found: whether the window is in is decided once the whole
# tree is read (a deferred call, as in plugin/host_ui.cmake). Without it
# capture_ui.c is built without a window and `--ui` says that this build has none.
if(NOT TARGET camsep-capture)
  return()
endif()
target_sources(camsep-capture PRIVATE ${CMAKE_CURRENT_LIST_DIR}/capture_ui.c)
# Imported targets are directory-scoped: GLOBAL so that the deferred call sees them.
pkg_check_modules(CAPUI_X11 IMPORTED_TARGET GLOBAL x11)
pkg_check_modules(CAPUI_XTST IMPORTED_TARGET GLOBAL xtst)

function(camsep_capture_ui_finish)
  if(NOT TARGET camsep_ui)
    message(STATUS "camsep-capture: no camsep_ui (libx11); --ui is not available")
    target_compile_definitions(camsep-capture PRIVATE CAMSEP_CAPTURE_HAVE_UI=0)
    return()
  endif()
  target_compile_definitions(camsep-capture PRIVATE CAMSEP_CAPTURE_HAVE_UI=1)
  target_link_libraries(camsep-capture PRIVATE camsep_ui camsep_ui_font_cache)

  if(NOT TARGET capture_test_helper OR NOT TARGET PkgConfig::CAPUI_X11 OR NOT TARGET PkgConfig::CAPUI_XTST)
    message(STATUS "camsep-capture: no libxtst; the window's test is not built")
    return()
  endif()
  # The X driver of tests/test_host_ui.sh (finds the window, reads its
  # pixels, drags with XTest, presses its close button, writes the video),
  # built here too: this call runs before plugin/'s, which defines test_host_ui_x.
  add_executable(test_capture_ui_x ${PROJECT_SOURCE_DIR}/tests/test_host_ui_x.c)
  target_link_libraries(test_capture_ui_x PRIVATE camsep_ui_core PkgConfig::CAPUI_XTST PkgConfig::CAPUI_X11 m)
  target_compile_definitions(test_capture_ui_x PRIVATE _POSIX_C_SOURCE=200809L)
  add_test(NAME capture_ui COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_capture_ui.sh
    $<TARGET_FILE:camsep-capture> $<TARGET_FILE:test_capture_ui_x> $<TARGET_FILE:capture_test_helper>
    ${PROJECT_SOURCE_DIR})
  set_tests_properties(capture_ui PROPERTIES TIMEOUT 180 SKIP_RETURN_CODE 77)
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL camsep_capture_ui_finish)
