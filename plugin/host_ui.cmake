# The window of camsep-jack and camsep-portaudio (--ui, plugin/standalone/host_ui.c)
# and its test under a private Xvfb and a dummy JACK server.
#
# ui/ (the camsep_ui library) is added after plugin/, and is only built when
# libx11 >= 1.7 is found: whether the window is in is decided once the whole
# tree is read (a deferred call). Without it host_ui.c is built without a window and
# `--ui` says that this build has no window.
if(NOT TARGET camsep_host_run)
  return()
endif()
target_sources(camsep_host_run PRIVATE ${CMAKE_CURRENT_LIST_DIR}/standalone/host_ui.c)
# Imported targets are directory-scoped: GLOBAL so that the deferred call sees them.
pkg_check_modules(HOSTUI_X11 IMPORTED_TARGET GLOBAL x11)
pkg_check_modules(HOSTUI_XTST IMPORTED_TARGET GLOBAL xtst)

function(camsep_host_ui_finish)
  if(NOT TARGET camsep_ui)
    message(STATUS "camsep standalones: no camsep_ui (libx11); --ui is not available")
    target_compile_definitions(camsep_host_run PRIVATE CAMSEP_HOST_HAVE_UI=0)
    return()
  endif()
  target_compile_definitions(camsep_host_run PRIVATE CAMSEP_HOST_HAVE_UI=1)
  target_link_libraries(camsep_host_run PRIVATE camsep_ui camsep_ui_font_cache)

  if(NOT TARGET camsep-jack OR NOT TARGET PkgConfig::HOSTUI_X11 OR NOT TARGET PkgConfig::HOSTUI_XTST)
    message(STATUS "camsep standalones: no camsep-jack or no libxtst; the window's test is not built")
    return()
  endif()
  # An X client for the test: finds the window, reads its pixels, drags with
  # XTest, presses its close button; also writes the test video.
  add_executable(test_host_ui_x ${PROJECT_SOURCE_DIR}/tests/test_host_ui_x.c)
  target_link_libraries(test_host_ui_x PRIVATE camsep_ui_core PkgConfig::HOSTUI_XTST PkgConfig::HOSTUI_X11 m)
  target_compile_definitions(test_host_ui_x PRIVATE _POSIX_C_SOURCE=200809L)
  add_test(NAME host_ui COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_host_ui.sh
    $<TARGET_FILE:camsep-jack> $<TARGET_FILE:test_host_ui_x>)
  set_tests_properties(host_ui PROPERTIES RESOURCE_LOCK jackd TIMEOUT 180 SKIP_RETURN_CODE 77
    ENVIRONMENT "CAMSEP_DICT_DIR=${PROJECT_SOURCE_DIR}/presets/dictionaries")
endfunction()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL camsep_host_ui_finish)
