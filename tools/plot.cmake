# camsep-plot: a PNG picture of a separation run (mixture spectrogram, one mask
# per stem, activation shares and priors from a `camsep-process --report`).
# Self-contained: its own small STFT (FFTW3f), cairo for drawing, libsndfile.
add_executable(camsep-plot
  ${CMAKE_CURRENT_LIST_DIR}/camsep_plot.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_audio.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_axes.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_color.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_layout.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_render.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_report.c
  ${CMAKE_CURRENT_LIST_DIR}/plot_spec.c
)
target_link_libraries(camsep-plot PRIVATE PkgConfig::CAIRO PkgConfig::SNDFILE PkgConfig::FFTW3F m)
# Sanitized builds: release fontconfig's caches at exit so LeakSanitizer passes.
if(CAMSEP_SANITIZE)
  pkg_check_modules(PLOT_FONTCONFIG IMPORTED_TARGET fontconfig)
  if(PLOT_FONTCONFIG_FOUND)
    target_compile_definitions(camsep-plot PRIVATE CAMSEP_PLOT_FONTCONFIG_FINI=1)
    target_link_libraries(camsep-plot PRIVATE PkgConfig::PLOT_FONTCONFIG)
  endif()
endif()
install(TARGETS camsep-plot RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Draws a synthetic two-stem run, checks the PNG's size and pixels, and error exits.
add_test(NAME plot
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_plot.sh $<TARGET_FILE:camsep-plot>)
set_tests_properties(plot PROPERTIES TIMEOUT 120)
