# SPDX-License-Identifier: GPL-3.0-or-later
# Man pages generated from the programs' own option tables (tools/cli_options.h):
# each program prints its page with the hidden --help-man, so the page and
# --help cannot drift. Built into ${CMAKE_BINARY_DIR}/man (NAME.1 for `man -l`
# and the tests, NAME.1.gz compressed with gzip -9n as Debian wants) and
# installed into ${CMAKE_INSTALL_MANDIR}/man1.
set(CAMSEP_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(_camsep_man_script ${CMAKE_CURRENT_LIST_DIR}/camsep_man_page.cmake)

# camsep_man_pages(TARGET...): a page for each program target that is built.
function(camsep_man_pages)
  find_program(CAMSEP_GZIP gzip REQUIRED)
  file(MAKE_DIRECTORY ${CAMSEP_MAN_DIR})
  set(pages)
  foreach(t IN LISTS ARGN)
    if(NOT TARGET ${t})
      continue()
    endif()
    set(page ${CAMSEP_MAN_DIR}/${t}.1)
    add_custom_command(
      OUTPUT ${page} ${page}.gz
      COMMAND ${CMAKE_COMMAND} -DPROGRAM=$<TARGET_FILE:${t}> -DPAGE=${page} -DGZIP=${CAMSEP_GZIP}
              -P ${_camsep_man_script}
      DEPENDS ${t} ${_camsep_man_script}
      COMMENT "Man page ${t}.1 from ${t} --help-man"
      VERBATIM)
    list(APPEND pages ${page} ${page}.gz)
    install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endforeach()
  add_custom_target(man_pages ALL DEPENDS ${pages})
endfunction()
