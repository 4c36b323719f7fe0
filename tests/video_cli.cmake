# camsep-process --video from the command line: camera priors from a stage
# rendered by camsep-scene (bench/), frame-accurate --camera-latency, and the
# errors of bad boxes and videos (tests/test_video_cli.sh). camsep-scene needs
# the scene library the capture code builds.
if(TARGET camsep_scene AND TARGET camsep_capture)
  add_test(NAME video_cli
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/test_video_cli.sh $<TARGET_FILE:camsep-process>
                   $<TARGET_FILE:camsep-train> $<TARGET_FILE:camsep-scene>)
  set_tests_properties(video_cli PROPERTIES TIMEOUT 120)
endif()
