# Ardour, headless: camsep.lv2 inside Ardour's Lua session tool (ardour7-lua,
# Debian package "ardour", not needed to build). tests/test_ardour.sh: a session
# on the "None (Dummy)" backend, the plugin listed by Ardour's plugin manager,
# inserted on a mono track with its instrument controls set, its 1024-sample
# latency reported to Ardour, and the track bounced through it (latency-
# compensated), equal to camsep-process sample for sample. Skipped (77) when
# ardour7-lua is not installed.
#
# Bounce rather than Session export: Ardour 7.3's SimpleExport, driven from
# ardour7-lua, corrupts the heap in roughly 10-40% of runs (glibc "double free
# or corruption" / SIGSEGV in PortExportChannel::~PortExportChannel), also in a
# session with no plugin at all, with the stock "WAV @ session-rate" preset.
# Plain builds only: a sanitized plugin would need the sanitizer runtime
# preloaded into Ardour; the plugin's memory safety is tested under ASan by
# test_lv2_plugin's own host.
if(NOT TARGET camsep_lv2_bundle OR NOT TARGET camsep-process OR CAMSEP_SANITIZE)
  return()
endif()
add_test(NAME lv2_ardour
         COMMAND bash ${PROJECT_SOURCE_DIR}/tests/test_ardour.sh ${CAMSEP_LV2_BUNDLE}
                 $<TARGET_FILE:camsep-process> ${PROJECT_SOURCE_DIR}/presets/dictionaries)
set_tests_properties(lv2_ardour PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
