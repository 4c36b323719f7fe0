/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli_window.h"

#include "camsep_engine.h"
#include "cli.h"
#include "cli_options.h"

void cli_window(const char *program, int *fft, int *latency, int *hop)
{
    camsep_config cfg;
    camsep_config_default(&cfg, 48000.0);
    camsep_config_set_window(&cfg, *fft, *latency, *hop);
    char err[256];
    if (camsep_config_validate(&cfg, err, sizeof err))
        cli_usage_fail(program, "--fft %d --latency %d --hop %d: %s", cfg.fft_size, cfg.latency, cfg.hop, err);
    *fft = cfg.fft_size;
    *latency = cfg.latency;
    *hop = cfg.hop;
}
