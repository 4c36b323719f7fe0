/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-osc-doc: print the OSC address space (what --osc-doc prints in the
 * hosts). Usage: camsep-osc-doc [--markdown] [--prefix /camsep]
 */
#include <stdio.h>
#include <string.h>

#include "osc_control.h"
#include "osc_table.h"

int main(int argc, char **argv)
{
    int markdown = 0;
    const char *prefix = CAMSEP_OSC_DEFAULT_PREFIX;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0) {
            markdown = 1;
        } else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc) {
            prefix = argv[++i];
            if (!camsep_osc_prefix_valid(prefix)) {
                fprintf(stderr, "camsep-osc-doc: bad prefix '%s' (e.g. /camsep)\n", prefix);
                return 2;
            }
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: camsep-osc-doc [--markdown] [--prefix /camsep]\n"
                   "Prints camsep's OSC address space, as text or Markdown.\n");
            return 0;
        } else {
            fprintf(stderr, "camsep-osc-doc: unknown option '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    camsep_osc_print_doc_prefix(stdout, markdown, prefix);
    return ferror(stdout) ? 1 : 0;
}
