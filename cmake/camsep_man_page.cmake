# SPDX-License-Identifier: GPL-3.0-or-later
# cmake -DPROGRAM=EXE -DPAGE=OUT.1 -DGZIP=gzip -P camsep_man_page.cmake
# Writes EXE's man page (EXE --help-man) to OUT.1 and OUT.1.gz (gzip -9n).
execute_process(COMMAND ${PROGRAM} --help-man OUTPUT_FILE ${PAGE}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${PAGE}.tmp)
  message(FATAL_ERROR "${PROGRAM} --help-man failed (${rc})")
endif()
file(RENAME ${PAGE}.tmp ${PAGE})
execute_process(COMMAND ${GZIP} -9n -c ${PAGE} OUTPUT_FILE ${PAGE}.gz RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip ${PAGE} failed (${rc})")
endif()
