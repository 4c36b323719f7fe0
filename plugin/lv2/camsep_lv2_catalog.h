/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one description of the camsep.lv2 bundle that both the plugin and the
 * Turtle generator (camsep_lv2_ttlgen.c) read, and the UI: URIs, the variants (2, 3, 4
 * and 6 players), the bundled instruments (the values of the per-player
 * "instrument" enumeration) and the line-up presets.
 *
 * Threading: constant data, any thread.
 */
#ifndef CAMSEP_LV2_CATALOG_H
#define CAMSEP_LV2_CATALOG_H

#define CAMSEP_LV2_URI "urn:camsep:lv2"
#define CAMSEP_LV2_PLUGIN_URI_PREFIX CAMSEP_LV2_URI ":camsep-"    /* + "4p" */
#define CAMSEP_LV2_PRESET_URI_PREFIX CAMSEP_LV2_URI ":preset:"    /* + slug */
#define CAMSEP_LV2__dictionary CAMSEP_LV2_URI ":dictionary"        /* + player number, 1-based */
#define CAMSEP_LV2__shm_name CAMSEP_LV2_URI ":shm_name"
/* The sound check (camsep_lv2_soundcheck.h): commands in, status out. */
#define CAMSEP_LV2__soundcheck CAMSEP_LV2_URI ":soundcheck"                   /* atom:String, writable */
#define CAMSEP_LV2__soundcheck_state CAMSEP_LV2_URI ":soundcheck_state"       /* atom:String, readable */
#define CAMSEP_LV2__soundcheck_progress CAMSEP_LV2_URI ":soundcheck_progress" /* atom:Float 0..1, readable */
#define CAMSEP_LV2__soundcheck_message CAMSEP_LV2_URI ":soundcheck_message"   /* atom:String, readable */
#define CAMSEP_LV2__soundcheck_notice CAMSEP_LV2_URI ":soundcheck_notice"     /* atom:String, readable */
#define CAMSEP_LV2_DEFAULT_SHM_NAME "/camsep"
#define CAMSEP_LV2_DICT_DIR "dictionaries"  /* inside the bundle */
#define CAMSEP_LV2_OTHER_DICT "other.dict"  /* the "other" stem's dictionary, in CAMSEP_LV2_DICT_DIR */
#define CAMSEP_LV2_UI_URI CAMSEP_LV2_URI ":ui"  /* the UI (plugin/lv2/ui/), a ui:X11UI */
#define CAMSEP_LV2_UI_BINARY_STEM "camsep_ui"   /* + the module suffix, in the bundle */

#define CAMSEP_LV2_MAX_PLAYERS 6

/* Values of the "instrument" controls. Keep in the order of the table in
 * camsep_lv2_catalog.c (checked there at compile time). */
enum camsep_lv2_instrument {
    CAMSEP_INSTR_NONE = 0, /* player slot unused: no dictionary, silent output */
    CAMSEP_INSTR_VIOLIN,
    CAMSEP_INSTR_VIOLA,
    CAMSEP_INSTR_CELLO,
    CAMSEP_INSTR_DOUBLE_BASS,
    CAMSEP_INSTR_FLUTE,
    CAMSEP_INSTR_CLARINET,
    CAMSEP_INSTR_OBOE,
    CAMSEP_INSTR_BASSOON,
    CAMSEP_INSTR_TENOR_SAX,
    CAMSEP_INSTR_TRUMPET,
    CAMSEP_INSTR_TROMBONE,
    CAMSEP_INSTR_FRENCH_HORN,
    CAMSEP_INSTR_PIANO,
    CAMSEP_INSTR_NYLON_GUITAR,
    CAMSEP_INSTR_STEEL_GUITAR,
    CAMSEP_INSTR_ELECTRIC_BASS,
    CAMSEP_INSTR_VOICE,
    CAMSEP_INSTR_DRUMS,
    CAMSEP_INSTR_COUNT
};

typedef struct camsep_lv2_instrument_info {
    const char *name;  /* file stem in dictionaries/ ("" for none) */
    const char *label; /* scale point label */
} camsep_lv2_instrument_info;

typedef struct camsep_lv2_variant {
    int players;
    const char *suffix; /* plugin URI suffix, e.g. "4p" */
    const char *name;   /* doap:name */
    int instrument[CAMSEP_LV2_MAX_PLAYERS]; /* default line-up */
} camsep_lv2_variant;

typedef struct camsep_lv2_preset {
    const char *slug;  /* URI suffix and file-friendly name */
    const char *label; /* rdfs:label */
    int players;       /* the variant it applies to */
    int instrument[CAMSEP_LV2_MAX_PLAYERS];
    float gain_db[CAMSEP_LV2_MAX_PLAYERS];
} camsep_lv2_preset;

extern const camsep_lv2_instrument_info camsep_lv2_instruments[CAMSEP_INSTR_COUNT];
extern const camsep_lv2_variant camsep_lv2_variants[];
extern const int camsep_lv2_n_variants;
extern const camsep_lv2_preset camsep_lv2_presets[];
extern const int camsep_lv2_n_presets;

/* The variant with this many players, or NULL. */
const camsep_lv2_variant *camsep_lv2_variant_find(int players);
/* The variant whose plugin URI this is, or NULL. */
const camsep_lv2_variant *camsep_lv2_variant_by_uri(const char *uri);

#endif
