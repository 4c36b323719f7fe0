/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's window options shared by camsep-train and camsep-process. */
#ifndef CAMSEP_CLI_WINDOW_H
#define CAMSEP_CLI_WINDOW_H

/* Checks the analysis window size (--fft), latency (--latency) and hop
 * (--hop) given on the command line, 0 meaning not given, and fills in the
 * engine's defaults (camsep_config_set_window). A usage error (exit 2), with
 * the reason, if they do not fit together. */
void cli_window(const char *program, int *fft, int *latency, int *hop);

#endif
