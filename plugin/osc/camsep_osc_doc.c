/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-osc-doc: print the OSC address space (what --osc-doc prints in the
 * hosts). Usage: camsep-osc-doc [--markdown] [--prefix /camsep]
 */
#include <stdio.h>
#include <string.h>

#include "cli_options.h"
#include "osc_control.h"
#include "osc_table.h"

enum { OPT_MARKDOWN = CLI_ID_BASE, OPT_PREFIX };

static const cli_option OPTIONS[] = {
    {"markdown", 0, NULL, "a Markdown table instead of text", OPT_MARKDOWN, 0},
    {"prefix", 0, "PATH", "the address prefix the program was given (default /camsep)", OPT_PREFIX, 0},
};

static const cli_program PROGRAM = {
    .name = "camsep-osc-doc",
    .purpose = "print camsep's OSC address space",
    .synopsis = "[--markdown] [--prefix /camsep]",
    .description = "Prints every OSC address camsep-jack, camsep-portaudio, camsep-capture and the LV2 plugin "
                   "answer, with its arguments and what it does, as text or as a Markdown table: the same text "
                   "as their --osc-doc.",
    .options = OPTIONS,
    .n_options = CLI_COUNT(OPTIONS),
    .examples = "  camsep-osc-doc --prefix /stage | grep mute",
    .see_also = "camsep-jack(1), camsep-portaudio(1), camsep-capture(1), oscsend(1)",
};

int main(int argc, char **argv)
{
    int markdown = 0, id, first;
    const char *prefix = CAMSEP_OSC_DEFAULT_PREFIX, *v;
    cli_parser cp;
    cli_begin(&cp, &PROGRAM, argc, argv);
    while ((id = cli_next(&cp, &v, &first)) != CLI_DONE) {
        if (id == OPT_MARKDOWN) {
            markdown = 1;
        } else if (id == OPT_PREFIX) {
            prefix = v;
            if (!camsep_osc_prefix_valid(prefix))
                cli_usage_fail(PROGRAM.name, "--prefix: bad prefix '%s' (e.g. /camsep)", prefix);
        }
    }
    if (first < argc)
        cli_usage_fail(PROGRAM.name, "unexpected argument %s (see --help)", argv[first]);
    camsep_osc_print_doc_prefix(stdout, markdown, prefix);
    return ferror(stdout) ? 1 : 0;
}
