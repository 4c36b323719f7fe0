/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli_options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifndef CAMSEP_VERSION
#error "CAMSEP_VERSION is set by CMake from the project version"
#endif

enum { HELP_WIDTH = 79, HELP_COLUMN_MAX = 30 };

/* The options every program has, after its own. */
static const cli_option STANDARD[] = {
    {"help", 'h', NULL, "print this help and exit", 'h', 0},
    {"version", 0, NULL, "print the version and exit", CLI_ID_VERSION, 0},
    {"help-man", 0, NULL, "print the manual page (roff) and exit", CLI_ID_HELP_MAN, CLI_HIDDEN},
};

const char *cli_version(void) { return CAMSEP_VERSION; }

static int option_id(const cli_option *o) { return o->id ? o->id : o->short_name; }

/* ---- text kept for the program's lifetime ---- */

const char *cli_text(const char *fmt, ...)
{
    static char pool[16384];
    static size_t used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(pool + used, sizeof pool - used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof pool - used)
        return fmt; /* cannot happen with the tables' sizes; the format is still readable */
    const char *s = pool + used;
    used += (size_t)n + 1;
    return s;
}

/* ---- parsing ---- */

typedef struct parser_tables {
    struct option *longs;
    char *shorts;
    const cli_option **all; /* the program's then the standard options */
    size_t n_all;
} parser_tables;

static const cli_option *find_id(const parser_tables *t, int id)
{
    for (size_t i = 0; i < t->n_all; i++)
        if (t->all[i]->name && option_id(t->all[i]) == id)
            return t->all[i];
    return NULL;
}

void cli_begin(cli_parser *p, const cli_program *prog, int argc, char **argv)
{
    size_t n = prog->n_options + CLI_COUNT(STANDARD);
    parser_tables *t = calloc(1, sizeof *t);
    if (t) {
        t->longs = calloc(n + 1, sizeof *t->longs);
        t->shorts = calloc(3 * n + 2, 1);
        t->all = calloc(n, sizeof *t->all);
    }
    if (!t || !t->longs || !t->shorts || !t->all) {
        fprintf(stderr, "%s: out of memory\n", prog->name);
        exit(CLI_EXIT_RUNTIME);
    }
    size_t k = 0, s = 0;
    t->shorts[s++] = ':'; /* a missing value returns ':' */
    for (size_t i = 0; i < n; i++) {
        const cli_option *o = i < prog->n_options ? &prog->options[i] : &STANDARD[i - prog->n_options];
        t->all[t->n_all++] = o;
        if (!o->name)
            continue;
        int has = o->arg ? required_argument : (o->flags & CLI_OPTIONAL_VALUE) ? optional_argument : no_argument;
        t->longs[k++] = (struct option){o->name, has, NULL, option_id(o)};
        if (o->short_name) {
            t->shorts[s++] = (char)o->short_name;
            if (has != no_argument)
                t->shorts[s++] = ':';
            if (has == optional_argument)
                t->shorts[s++] = ':';
        }
    }
    *p = (cli_parser){prog, argc, argv, t};
    optind = 0; /* glibc: start afresh */
    opterr = 0;
}

void cli_end(cli_parser *p)
{
    parser_tables *t = p->priv;
    if (t) {
        free(t->longs);
        free(t->shorts);
        free(t->all);
        free(t);
    }
    p->priv = NULL;
}

static int fail_quiet(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_quiet(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return CLI_ERROR;
}

/* The problem getopt_long found, as one line. */
static int describe_error(const cli_parser *p, int c, char *err, size_t errlen)
{
    const parser_tables *t = p->priv;
    const char *typed = optind > 0 && optind <= p->argc ? p->argv[optind - 1] : "";
    const cli_option *o = optopt ? find_id(t, optopt) : NULL;
    for (size_t i = 0; !o && optopt && optopt < CLI_ID_BASE && i < t->n_all; i++)
        if (t->all[i]->name && t->all[i]->short_name == optopt)
            o = t->all[i];
    if (c == ':') {
        if (o && strncmp(typed, "--", 2))
            return fail_quiet(err, errlen, "-%c needs a value", o->short_name);
        return fail_quiet(err, errlen, "--%s needs a value", o ? o->name : "?");
    }
    if (o && !strncmp(typed, "--", 2))
        return fail_quiet(err, errlen, "--%s takes no value", o->name);
    if (optopt && optopt < CLI_ID_BASE)
        return fail_quiet(err, errlen, "unknown option -%c", optopt);
    size_t len = strcspn(typed, "=");
    int matches = 0;
    for (size_t i = 0; i < t->n_all && len > 2; i++)
        matches += t->all[i]->name && !strncmp(t->all[i]->name, typed + 2, len - 2);
    if (matches > 1)
        return fail_quiet(err, errlen, "ambiguous option %.*s", (int)len, typed);
    return fail_quiet(err, errlen, "unknown option %.*s", (int)len, typed);
}

int cli_next_quiet(cli_parser *p, const char **value, int *first, char *err, size_t errlen)
{
    *value = NULL;
    int c = getopt_long(p->argc, p->argv, ((parser_tables *)p->priv)->shorts, ((parser_tables *)p->priv)->longs,
                        NULL);
    if (c == -1) {
        if (first)
            *first = optind;
        return CLI_DONE;
    }
    if (c == '?' || c == ':')
        return describe_error(p, c, err, errlen);
    *value = optarg;
    const parser_tables *t = p->priv;
    for (size_t i = 0; c < CLI_ID_BASE && i < t->n_all; i++)
        if (t->all[i]->name && t->all[i]->short_name == c)
            return option_id(t->all[i]); /* a short letter: its option's id */
    return c;
}

int cli_next(cli_parser *p, const char **value, int *first)
{
    char err[256];
    int c = cli_next_quiet(p, value, first, err, sizeof err);
    switch (c) {
    case CLI_ERROR:
        cli_end(p);
        cli_usage_fail(p->prog->name, "%s (see --help)", err);
    case 'h':
    case CLI_ID_VERSION:
    case CLI_ID_HELP_MAN:
        cli_end(p);
        if (c == 'h')
            cli_print_help(stdout, p->prog);
        else if (c == CLI_ID_VERSION)
            cli_print_version(stdout, p->prog);
        else
            cli_print_man(stdout, p->prog);
        exit(fflush(stdout) || ferror(stdout) ? CLI_EXIT_RUNTIME : CLI_EXIT_OK);
    case CLI_DONE:
        cli_end(p);
        break;
    }
    return c;
}

void cli_usage_fail(const char *program, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(CLI_EXIT_USAGE);
}

int cli_choice(const char *program, const char *option, const char *value, const char *const *words)
{
    int n = 0;
    for (; words[n]; n++)
        if (!strcmp(value, words[n]))
            return n;
    char list[256] = "";
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof list; i++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
                                words[i]);
    cli_usage_fail(program, "%s: '%s' is not %s", option, value, list);
}

void cli_print_version(FILE *f, const cli_program *prog) { fprintf(f, "%s %s\n", prog->name, CAMSEP_VERSION); }

/* ---- paragraphs ---- */

/* Calls fn on each paragraph of text (separated by blank lines). */
typedef void (*paragraph_fn)(FILE *f, const char *start, size_t len, int verbatim, void *ctx);

static int is_blank_line(const char *s, const char *end)
{
    for (; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

static void each_paragraph(FILE *f, const char *text, paragraph_fn fn, void *ctx)
{
    const char *s = text, *end = text + strlen(text);
    while (s < end) {
        while (s < end && is_blank_line(s, end)) { /* skip blank lines */
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            s = nl ? nl + 1 : end;
        }
        if (s >= end)
            break;
        const char *p = s;
        int verbatim = 1;
        while (p < end && !is_blank_line(p, end)) {
            verbatim &= p[0] == ' ' && p + 1 < end && p[1] == ' ';
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        size_t len = (size_t)(p - s);
        while (len && s[len - 1] == '\n')
            len--;
        fn(f, s, len, verbatim, ctx);
        s = p;
    }
}

/* ---- --help ---- */

/* Words of s[0..len) wrapped to HELP_WIDTH; the first line continues at
 * column `col`, the others start at `indent`. */
static void wrap(FILE *f, const char *s, size_t len, int col, int indent)
{
    const char *end = s + len;
    int line_start = 1;
    while (s < end) {
        while (s < end && (*s == ' ' || *s == '\n' || *s == '\t'))
            s++;
        if (s >= end)
            break;
        const char *w = s;
        int width = 0;
        while (s < end && *s != ' ' && *s != '\n' && *s != '\t') {
            if ((*s & 0xC0) != 0x80) /* count characters, not UTF-8 bytes */
                width++;
            s++;
        }
        if (!line_start && col + 1 + width > HELP_WIDTH) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
            line_start = 1;
        }
        if (!line_start) {
            fputc(' ', f);
            col++;
        }
        fwrite(w, 1, (size_t)(s - w), f);
        col += width;
        line_start = 0;
    }
    fputc('\n', f);
}

static void help_paragraph(FILE *f, const char *s, size_t len, int verbatim, void *ctx)
{
    int *count = ctx;
    if ((*count)++)
        fputc('\n', f);
    if (verbatim)
        fprintf(f, "%.*s\n", (int)len, s);
    else
        wrap(f, s, len, 0, 0);
}

static int help_left(const cli_option *o, char *buf, size_t size)
{
    if (o->short_name)
        return snprintf(buf, size, "  -%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
                        o->arg ? o->arg : "");
    return snprintf(buf, size, "      --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* 1 if the heading opts[i] has a visible option before the next heading. */
static int section_shown(const cli_option *opts, size_t n, size_t i)
{
    for (i++; i < n && opts[i].name; i++)
        if (!(opts[i].flags & CLI_HIDDEN))
            return 1;
    return 0;
}

static void help_options(FILE *f, const cli_option *opts, size_t n, int column)
{
    for (size_t i = 0; i < n; i++) {
        const cli_option *o = &opts[i];
        if (!o->name) {
            if (section_shown(opts, n, i))
                fprintf(f, "\n%s:\n", o->help);
            continue;
        }
        if (o->flags & CLI_HIDDEN)
            continue;
        char left[128];
        int w = help_left(o, left, sizeof left);
        fputs(left, f);
        if (w + 2 > column) {
            fprintf(f, "\n%*s", column, "");
        } else {
            fprintf(f, "%*s", column - w, "");
        }
        wrap(f, o->help, strlen(o->help), column, column);
    }
}

void cli_print_help(FILE *f, const cli_program *prog)
{
    const char *s = prog->synopsis;
    for (int first = 1; *s; first = 0) {
        size_t n = strcspn(s, "\n");
        fprintf(f, "%s %s %.*s\n", first ? "usage:" : "      ", prog->name, (int)n, s);
        s += n + (s[n] == '\n');
    }
    int count = 0;
    fputc('\n', f);
    each_paragraph(f, prog->description, help_paragraph, &count);
    int column = 0;
    for (size_t i = 0; i < prog->n_options + CLI_COUNT(STANDARD); i++) {
        const cli_option *o = i < prog->n_options ? &prog->options[i] : &STANDARD[i - prog->n_options];
        char left[128];
        int w = o->name && !(o->flags & CLI_HIDDEN) ? help_left(o, left, sizeof left) + 2 : 0;
        if (w > column && w <= HELP_COLUMN_MAX)
            column = w;
    }
    if (prog->n_options && prog->options[0].name)
        fputs("\nOptions:\n", f);
    help_options(f, prog->options, prog->n_options, column);
    fputc('\n', f);
    help_options(f, STANDARD, CLI_COUNT(STANDARD), column);
    if (prog->notes) {
        fputc('\n', f);
        count = 0;
        each_paragraph(f, prog->notes, help_paragraph, &count);
    }
    fputs("\nExit status: 0 success, 1 runtime error, 2 usage error", f);
    fputs(prog->exit_status ? " (see the manual page).\n" : ".\n", f);
}

/* ---- the man page ---- */

/* Writes s[0..len) as roff text: '-' as \-, '\' as \e, a leading '.' or '\''
 * guarded, non-ASCII as \[uXXXX]; newlines become spaces unless keep_lines. */
static void roff_text(FILE *f, const char *s, size_t len, int keep_lines)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    int line_start = 1;
    while (p < end) {
        unsigned c = *p;
        if (line_start && (c == '.' || c == '\''))
            fputs("\\&", f);
        line_start = 0;
        if (c == '\n') {
            fputc(keep_lines ? '\n' : ' ', f);
            line_start = keep_lines;
            while (!keep_lines && p + 1 < end && p[1] == ' ')
                p++;
            p++;
        } else if (c == '-') {
            fputs("\\-", f);
            p++;
        } else if (c == '\\') {
            fputs("\\e", f);
            p++;
        } else if (c < 0x80) {
            fputc((int)c, f);
            p++;
        } else {
            int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
            uint32_t cp = c & (0x3Fu >> extra);
            p++;
            for (int k = 0; k < extra && p < end; k++, p++)
                cp = (cp << 6) | (*p & 0x3Fu);
            fprintf(f, "\\[u%04X]", (unsigned)cp);
        }
    }
}

static void roff_string(FILE *f, const char *s) { roff_text(f, s, strlen(s), 0); }

static void man_paragraph(FILE *f, const char *s, size_t len, int verbatim, void *ctx)
{
    (void)ctx;
    if (verbatim) {
        fputs(".PP\n.RS 4\n.nf\n", f);
        /* drop the two spaces that mark the paragraph as verbatim */
        const char *end = s + len;
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            const char *e = nl ? nl : end;
            const char *b = s + 2 <= e ? s + 2 : e;
            roff_text(f, b, (size_t)(e - b), 1);
            fputc('\n', f);
            s = nl ? nl + 1 : end;
        }
        fputs(".fi\n.RE\n", f);
    } else {
        fputs(".PP\n", f);
        roff_text(f, s, len, 0);
        fputc('\n', f);
    }
}

static void man_items(FILE *f, const char *title, const cli_item *items)
{
    if (!items || !items[0].term)
        return;
    fprintf(f, ".SH %s\n", title);
    for (; items->term; items++) {
        fputs(".TP\n.B ", f);
        roff_string(f, items->term);
        fputc('\n', f);
        roff_string(f, items->text);
        fputc('\n', f);
    }
}

static void man_option(FILE *f, const cli_option *o)
{
    fputs(".TP\n", f);
    if (o->short_name)
        fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", f);
    roff_string(f, o->name);
    fputs("\\fR", f);
    if (o->arg) {
        fputs(" \\fI", f);
        roff_string(f, o->arg);
        fputs("\\fR", f);
    }
    fputc('\n', f);
    roff_string(f, o->help);
    fputc('\n', f);
}

void cli_print_man(FILE *f, const cli_program *prog)
{
    fprintf(f, ".\\\" Generated by %s --help-man from its option table: do not edit.\n", prog->name);
    fputs(".TH \"", f);
    for (const char *c = prog->name; *c; c++) {
        if (*c == '-')
            fputs("\\-", f);
        else
            fputc(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c, f);
    }
    fprintf(f, "\" 1 \"\" \"camsep %s\" \"User Commands\"\n", CAMSEP_VERSION);
    fputs(".nh\n.ad l\n.SH NAME\n", f); /* no hyphenated option or program names */
    roff_string(f, prog->name);
    fputs(" \\- ", f);
    roff_string(f, prog->purpose);
    fputs("\n.SH SYNOPSIS\n.nf\n", f);
    for (const char *s = prog->synopsis; *s;) {
        size_t n = strcspn(s, "\n");
        fputs("\\fB", f);
        roff_string(f, prog->name);
        fputs("\\fR ", f);
        roff_text(f, s, n, 0);
        fputc('\n', f);
        s += n + (s[n] == '\n');
    }
    fputs(".fi\n.SH DESCRIPTION\n", f);
    each_paragraph(f, prog->description, man_paragraph, NULL);
    fputs(".SH OPTIONS\n", f);
    for (size_t i = 0; i < prog->n_options; i++) {
        const cli_option *o = &prog->options[i];
        if (!o->name) {
            if (section_shown(prog->options, prog->n_options, i)) {
                fputs(".SS ", f);
                roff_string(f, o->help);
                fputc('\n', f);
            }
        } else if (!(o->flags & CLI_HIDDEN)) {
            man_option(f, o);
        }
    }
    fputs(".SS Every program\n", f);
    for (size_t i = 0; i < CLI_COUNT(STANDARD); i++)
        if (!(STANDARD[i].flags & CLI_HIDDEN))
            man_option(f, &STANDARD[i]);
    fputs(".SH EXIT STATUS\n.TP\n.B 0\nsuccess\n"
          ".TP\n.B 1\na runtime error: a file that cannot be read or written, a device, the audio server, "
          "the network\n"
          ".TP\n.B 2\na usage error: an unknown option, a missing or bad value, options that contradict each "
          "other, a settings file that cannot be read\n",
          f);
    fputs(".PP\nEvery error is one line on the standard error: the program's name, a colon and the problem.\n", f);
    if (prog->exit_status)
        each_paragraph(f, prog->exit_status, man_paragraph, NULL);
    man_items(f, "ENVIRONMENT", prog->environment);
    man_items(f, "FILES", prog->files);
    if (prog->notes) {
        fputs(".SH NOTES\n", f);
        each_paragraph(f, prog->notes, man_paragraph, NULL);
    }
    if (prog->examples) {
        fputs(".SH EXAMPLES\n", f);
        each_paragraph(f, prog->examples, man_paragraph, NULL);
    }
    if (prog->see_also) {
        fputs(".SH SEE ALSO\n", f);
        /* "name(1), name(1)": names in bold */
        for (const char *s = prog->see_also; *s;) {
            size_t n = strcspn(s, ",");
            const char *b = s;
            while (*b == ' ')
                b++;
            size_t paren = strcspn(b, "(,");
            fputs(".BR ", f);
            roff_text(f, b, paren, 0);
            fputc(' ', f);
            roff_text(f, b + paren, (size_t)(s + n - b - (long)paren), 0);
            fputs(s[n] == ',' ? ",\n" : "\n", f);
            s += n + (s[n] == ',');
        }
    }
}
