/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "camsep_lv2_catalog.h"

#include <string.h>

const camsep_lv2_instrument_info camsep_lv2_instruments[CAMSEP_INSTR_COUNT] = {
    [CAMSEP_INSTR_NONE] = {"", "none (player unused)"},
    [CAMSEP_INSTR_VIOLIN] = {"violin", "violin"},
    [CAMSEP_INSTR_VIOLA] = {"viola", "viola"},
    [CAMSEP_INSTR_CELLO] = {"cello", "cello"},
    [CAMSEP_INSTR_DOUBLE_BASS] = {"double_bass", "double bass"},
    [CAMSEP_INSTR_FLUTE] = {"flute", "flute"},
    [CAMSEP_INSTR_CLARINET] = {"clarinet", "clarinet"},
    [CAMSEP_INSTR_OBOE] = {"oboe", "oboe"},
    [CAMSEP_INSTR_BASSOON] = {"bassoon", "bassoon"},
    [CAMSEP_INSTR_TENOR_SAX] = {"tenor_sax", "tenor sax"},
    [CAMSEP_INSTR_TRUMPET] = {"trumpet", "trumpet"},
    [CAMSEP_INSTR_TROMBONE] = {"trombone", "trombone"},
    [CAMSEP_INSTR_FRENCH_HORN] = {"french_horn", "french horn"},
    [CAMSEP_INSTR_PIANO] = {"piano", "piano"},
    [CAMSEP_INSTR_NYLON_GUITAR] = {"nylon_guitar", "nylon-string guitar"},
    [CAMSEP_INSTR_STEEL_GUITAR] = {"steel_guitar", "steel-string guitar"},
    [CAMSEP_INSTR_ELECTRIC_BASS] = {"electric_bass", "electric bass"},
    [CAMSEP_INSTR_VOICE] = {"voice", "voice"},
    [CAMSEP_INSTR_DRUMS] = {"drums", "drums"},
};

const camsep_lv2_variant camsep_lv2_variants[] = {
    {2, "2p", "camsep (2 players)", {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_CELLO}},
    {3, "3p", "camsep (3 players)", {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLA, CAMSEP_INSTR_CELLO}},
    {4, "4p", "camsep (4 players)",
     {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLA, CAMSEP_INSTR_CELLO}},
    {6, "6p", "camsep (6 players)",
     {CAMSEP_INSTR_FLUTE, CAMSEP_INSTR_OBOE, CAMSEP_INSTR_CLARINET, CAMSEP_INSTR_FRENCH_HORN,
      CAMSEP_INSTR_BASSOON, CAMSEP_INSTR_NONE}},
};
const int camsep_lv2_n_variants = (int)(sizeof camsep_lv2_variants / sizeof camsep_lv2_variants[0]);

/* Line-ups. A preset sets every instrument and gain control of its variant
 * (unused slots are "none"); controls it does not name keep their values. */
const camsep_lv2_preset camsep_lv2_presets[] = {
    {"string_duo", "String duo (violin, cello)", 2, {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_CELLO}, {0}},
    {"string_trio", "String trio (violin, viola, cello)", 3,
     {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLA, CAMSEP_INSTR_CELLO}, {0}},
    {"jazz_trio_sax", "Jazz trio (tenor sax, double bass, drums)", 3,
     {CAMSEP_INSTR_TENOR_SAX, CAMSEP_INSTR_DOUBLE_BASS, CAMSEP_INSTR_DRUMS}, {0}},
    {"jazz_trio_piano", "Jazz trio (piano, double bass, drums)", 3,
     {CAMSEP_INSTR_PIANO, CAMSEP_INSTR_DOUBLE_BASS, CAMSEP_INSTR_DRUMS}, {0}},
    {"string_quartet", "String quartet (violin, violin, viola, cello)", 4,
     {CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLIN, CAMSEP_INSTR_VIOLA, CAMSEP_INSTR_CELLO}, {0}},
    {"rock_band", "Rock band (voice, steel guitar, electric bass, drums)", 4,
     {CAMSEP_INSTR_VOICE, CAMSEP_INSTR_STEEL_GUITAR, CAMSEP_INSTR_ELECTRIC_BASS, CAMSEP_INSTR_DRUMS},
     {0, 0, 0, -3}},
    {"wind_quintet", "Wind quintet (flute, oboe, clarinet, french horn, bassoon)", 6,
     {CAMSEP_INSTR_FLUTE, CAMSEP_INSTR_OBOE, CAMSEP_INSTR_CLARINET, CAMSEP_INSTR_FRENCH_HORN,
      CAMSEP_INSTR_BASSOON, CAMSEP_INSTR_NONE}, {0}},
    {"brass_quartet", "Brass quartet (trumpet, trumpet, french horn, trombone)", 4,
     {CAMSEP_INSTR_TRUMPET, CAMSEP_INSTR_TRUMPET, CAMSEP_INSTR_FRENCH_HORN, CAMSEP_INSTR_TROMBONE}, {0}},
};
const int camsep_lv2_n_presets = (int)(sizeof camsep_lv2_presets / sizeof camsep_lv2_presets[0]);

const camsep_lv2_variant *camsep_lv2_variant_find(int players)
{
    for (int i = 0; i < camsep_lv2_n_variants; i++)
        if (camsep_lv2_variants[i].players == players)
            return &camsep_lv2_variants[i];
    return NULL;
}

const camsep_lv2_variant *camsep_lv2_variant_by_uri(const char *uri)
{
    const size_t n = strlen(CAMSEP_LV2_PLUGIN_URI_PREFIX);
    if (!uri || strncmp(uri, CAMSEP_LV2_PLUGIN_URI_PREFIX, n))
        return NULL;
    for (int i = 0; i < camsep_lv2_n_variants; i++)
        if (!strcmp(uri + n, camsep_lv2_variants[i].suffix))
            return &camsep_lv2_variants[i];
    return NULL;
}
