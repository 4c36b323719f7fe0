/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target for the standalone hosts' configuration files
 * (plugin/standalone/host_config.c): any text is parsed as camsep-jack's and
 * as camsep-portaudio's configuration. A text that is refused has a message of
 * one line that names it; one that is taken is written back out, and that
 * text must parse again to the same configuration. Build with -DCAMSEP_FUZZ=ON
 * and clang (tests/CMakeLists.txt); seeds: tests/test_host_config --write-seeds DIR.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char formatted[2][1 << 16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static host_config c, d;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const int hosts[2] = {HOST_JACK, HOST_PORTAUDIO};
    for (int h = 0; h < 2; h++) {
        char err[1024] = "";
        host_config_default(&c, hosts[h]);
        if (host_config_parse(&c, text, "fuzz.conf", err, sizeof err) != 0) {
            if (strncmp(err, "fuzz.conf", 9) != 0 || strchr(err, '\n'))
                abort(); /* a refusal names the file, on one line */
            continue;
        }
        const size_t n = host_config_format(&c, formatted[0], sizeof formatted[0]);
        if (n >= sizeof formatted[0])
            continue; /* not written whole: nothing to compare */
        host_config_default(&d, hosts[h]);
        if (host_config_parse(&d, formatted[0], "again.conf", err, sizeof err) != 0)
            abort(); /* what was written out must read back */
        host_config_format(&d, formatted[1], sizeof formatted[1]);
        if (strcmp(formatted[0], formatted[1]) != 0)
            abort(); /* ... to the same configuration */
    }
    free(text);
    return 0;
}
