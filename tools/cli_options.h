/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One option table per program: getopt_long parses it (`--opt VALUE`,
 * `--opt=VALUE`, short letters, unique abbreviations), and the same table
 * prints --help and the man page (--help-man, hidden), so they cannot drift.
 * Every program also answers --version.
 *
 * Exit statuses, the same in every camsep program (cli_exit_status_text):
 *   0 success; 1 runtime error (a file, a device, the audio server, the
 *   network...); 2 usage error (unknown option, bad or missing value,
 *   options that contradict each other, a settings file that cannot be read).
 * Every error is one line on stderr: "PROGRAM: message".
 *
 * Text in the program description (cli_program) is plain: paragraphs are
 * separated by a blank line and reflowed; a paragraph whose lines all start
 * with two spaces is verbatim (commands, file excerpts).
 */
#ifndef CAMSEP_CLI_OPTIONS_H
#define CAMSEP_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_RUNTIME = 1,
    CLI_EXIT_USAGE = 2,
};

/* Option flags. */
enum {
    CLI_HIDDEN = 1,         /* parsed, but not in --help or the man page */
    CLI_OPTIONAL_VALUE = 2, /* arg == NULL: a switch that also takes --name=VALUE */
};

/* The ids cli_next returns besides an option's own. */
enum {
    CLI_DONE = -1,     /* no more options: positional arguments from *first */
    CLI_ERROR = -2,    /* cli_next_quiet: a usage error, described in err */
    CLI_ID_BASE = 256, /* ids of long-only options start here (below: short letters) */
};

typedef struct cli_option {
    const char *name; /* long name without "--"; NULL: a section heading (help is its title) */
    int short_name;   /* 'o' for -o, or 0 */
    const char *arg;  /* the value's name in the help ("FILE"); NULL: takes no value */
    const char *help; /* a paragraph: the help and the man page wrap it */
    int id;           /* what cli_next returns; 0: the short letter */
    unsigned flags;   /* CLI_HIDDEN, CLI_OPTIONAL_VALUE */
} cli_option;

#define CLI_SECTION(title) {NULL, 0, NULL, (title), 0, 0}

typedef struct cli_item {
    const char *term, *text; /* FILES, ENVIRONMENT entries */
} cli_item;

typedef struct cli_program {
    const char *name;        /* "camsep-train" */
    const char *purpose;     /* the NAME line: "learn a player's spectral dictionary" */
    const char *synopsis;    /* usage forms without the program name, one a line */
    const char *description; /* paragraphs */
    const cli_option *options;
    size_t n_options;
    const char *notes;          /* after the options, in --help too (NULL: none) */
    const char *exit_status;    /* more about the exit status than the convention (NULL) */
    const cli_item *environment; /* terminated by {NULL, NULL}; NULL: none */
    const cli_item *files;       /* the same */
    const char *examples;       /* paragraphs; verbatim ones are commands */
    const char *see_also;       /* "camsep-process(1), jackd(1)" */
} cli_program;

#define CLI_COUNT(table) (sizeof(table) / sizeof((table)[0]))

/* The parser over argv. */
typedef struct cli_parser {
    const cli_program *prog;
    int argc;
    char **argv;
    void *priv; /* getopt_long's tables */
} cli_parser;

/* Starts parsing argv (which getopt_long may permute). Out of memory: exits 1. */
void cli_begin(cli_parser *p, const cli_program *prog, int argc, char **argv);

/* The next option: its id, *value its value (NULL when none); CLI_DONE at the
 * end, *first then the index of the first positional argument. --help,
 * --version and --help-man print and exit 0; an unknown option or a missing or
 * unwanted value prints "PROGRAM: problem (see --help)" and exits 2. Frees
 * the tables at CLI_DONE. */
int cli_next(cli_parser *p, const char **value, int *first);

/* The same, without printing or exiting: CLI_ERROR on an error, with the one-line
 * problem in err; CLI_DONE at the end. --help, --version and --help-man are
 * returned as 'h', CLI_ID_VERSION and CLI_ID_HELP_MAN. */
enum { CLI_ID_VERSION = 1 << 20, CLI_ID_HELP_MAN };
int cli_next_quiet(cli_parser *p, const char **value, int *first, char *err, size_t errlen);
void cli_end(cli_parser *p);

/* "PROGRAM: message" on stderr, exit status 2 (CLI_EXIT_USAGE). */
_Noreturn void cli_usage_fail(const char *program, const char *fmt, ...);

/* The index of value among the NULL-terminated words, or a usage error
 * "OPTION: 'value' is not a, b or c". */
int cli_choice(const char *program, const char *option, const char *value, const char *const *words);

/* --help text; the man page (roff); "PROGRAM VERSION". */
void cli_print_help(FILE *f, const cli_program *prog);
void cli_print_man(FILE *f, const cli_program *prog);
void cli_print_version(FILE *f, const cli_program *prog);
const char *cli_version(void);

/* Text kept for the program's lifetime, for help with computed defaults. */
const char *cli_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
