/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Port layout of the camsep.lv2 variants. Indices are fixed ports first,
 * then one block of CAMSEP_PP_COUNT ports per player, then the "other"
 * stem's block. camsep_lv2_port_describe() gives everything the Turtle needs
 * for an index, so the generated .ttl and this enum cannot drift apart.
 *
 * Threading: pure functions, any thread.
 */
#ifndef CAMSEP_LV2_PORTS_H
#define CAMSEP_LV2_PORTS_H

#include <stdint.h>

/* Fixed ports (every variant). */
typedef enum camsep_lv2_port_index {
    CAMSEP_PORT_INPUT = 0,          /* audio in: the mix */
    CAMSEP_PORT_CONTROL,            /* atom in: patch:Set / patch:Get of file and string parameters */
    CAMSEP_PORT_NOTIFY,             /* atom out: patch:Set replies and change notifications */
    CAMSEP_PORT_ENABLED,            /* lv2:enabled: 0 = bypass (cross-faded, latency-compensated) */
    CAMSEP_PORT_STRENGTH,           /* prior strength gamma */
    CAMSEP_PORT_MASK_POWER,         /* soft-mask exponent */
    CAMSEP_PORT_CAMERA_LATENCY,     /* seconds */
    CAMSEP_PORT_LATENCY,            /* out: lv2:latency, samples */
    CAMSEP_PORT_CAMERA_STATUS,      /* out: camsep_lv2_camera_status */
    CAMSEP_PORT_FIRST_PLAYER        /* first port of player 1's block */
} camsep_lv2_port_index;

/* Offsets inside a player's block. */
typedef enum camsep_lv2_player_port {
    CAMSEP_PP_OUT = 0,   /* audio out: the player's stem */
    CAMSEP_PP_INSTRUMENT,/* enumeration: camsep_lv2_instrument */
    CAMSEP_PP_GAIN,      /* dB */
    CAMSEP_PP_MUTE,      /* toggle */
    CAMSEP_PP_LEVEL,     /* out: output peak level, dB */
    CAMSEP_PP_MOTION,    /* out: the activity prior in use, 0..1 (1 = playing or no camera) */
    CAMSEP_PP_ACTIVE,    /* out: the dictionary in use: instrument value, or -1 for a file */
    CAMSEP_PP_COUNT
} camsep_lv2_player_port;

/* Offsets inside the "other" block. */
typedef enum camsep_lv2_other_port {
    CAMSEP_OP_OUT = 0,
    CAMSEP_OP_GAIN,
    CAMSEP_OP_MUTE,
    CAMSEP_OP_LEVEL,
    CAMSEP_OP_COUNT
} camsep_lv2_other_port;

typedef enum camsep_lv2_camera_status {
    CAMSEP_CAMERA_NO_RING = 0, /* no shared-memory ring with that name */
    CAMSEP_CAMERA_STALE = 1,   /* a ring, but no live writer */
    CAMSEP_CAMERA_NO_CAMERA = 2, /* the capture process runs without a camera */
    CAMSEP_CAMERA_LIVE = 3     /* priors arriving */
} camsep_lv2_camera_status;

#define CAMSEP_LV2_DIR_IN 0
#define CAMSEP_LV2_DIR_OUT 1

static inline uint32_t camsep_lv2_player_port_index(int player, camsep_lv2_player_port which)
{
    return (uint32_t)CAMSEP_PORT_FIRST_PLAYER + (uint32_t)player * CAMSEP_PP_COUNT + (uint32_t)which;
}

static inline uint32_t camsep_lv2_other_port_index(int players, camsep_lv2_other_port which)
{
    return (uint32_t)CAMSEP_PORT_FIRST_PLAYER + (uint32_t)players * CAMSEP_PP_COUNT + (uint32_t)which;
}

/* After the other block, so that adding it kept every earlier index. */
static inline uint32_t camsep_lv2_latency_mode_port_index(int players)
{
    return camsep_lv2_other_port_index(players, CAMSEP_OP_COUNT);
}

static inline uint32_t camsep_lv2_port_count(int players)
{
    return camsep_lv2_latency_mode_port_index(players) + 1;
}

/* Latency modes: the engine's latency at 44.1/48 kHz (scaled with the rate,
 * as the 2048-sample analysis window is). */
typedef enum camsep_lv2_latency_mode {
    CAMSEP_LATENCY_MODE_1024 = 0, /* 21.3 ms at 48 kHz (the default) */
    CAMSEP_LATENCY_MODE_512 = 1,  /* 10.7 ms at 48 kHz */
    CAMSEP_LATENCY_MODE_COUNT
} camsep_lv2_latency_mode;

/* Latency in samples at 44.1/48 kHz of each mode. */
static inline int camsep_lv2_mode_latency(int mode)
{
    return mode == CAMSEP_LATENCY_MODE_512 ? 512 : 1024;
}

typedef enum camsep_lv2_port_kind {
    CAMSEP_KIND_AUDIO,
    CAMSEP_KIND_CONTROL,
    CAMSEP_KIND_ATOM
} camsep_lv2_port_kind;

/* Properties of a control port (bit set). */
enum {
    CAMSEP_PROP_INTEGER = 1,
    CAMSEP_PROP_TOGGLED = 2,
    CAMSEP_PROP_ENUMERATION = 4, /* instrument scale points */
    CAMSEP_PROP_EXPENSIVE = 8,   /* pprop:expensive */
    CAMSEP_PROP_ARTIFACTS = 16,  /* pprop:causesArtifacts */
    CAMSEP_PROP_OPTIONAL = 32,   /* lv2:connectionOptional */
    CAMSEP_PROP_CAMERA_ENUM = 64,/* camera status scale points */
    CAMSEP_PROP_ACTIVE_ENUM = 128,/* instrument scale points plus -1 = file */
    CAMSEP_PROP_LATENCY_ENUM = 256,/* latency mode scale points */
    CAMSEP_PROP_NOT_AUTOMATIC = 512/* pprop:notAutomatic */
};

typedef struct camsep_lv2_port_desc {
    camsep_lv2_port_kind kind;
    int direction;           /* CAMSEP_LV2_DIR_IN / _OUT */
    char symbol[32];
    char name[64];
    float minimum, maximum, deflt; /* control ports */
    const char *unit;        /* units: local name ("db", "s", "frame"), or NULL */
    const char *designation; /* full URI, or NULL */
    unsigned props;
    int player;              /* 0-based player of a per-player port, -1 otherwise */
} camsep_lv2_port_desc;

/* Describes port `index` of the variant with `players` players whose default
 * line-up is `default_instruments`. Returns 0, or -1 past the last port. */
int camsep_lv2_port_describe(int players, const int *default_instruments, uint32_t index,
                             camsep_lv2_port_desc *d);

/* Control ranges the plugin clamps to (also written to the Turtle). */
#define CAMSEP_LV2_GAIN_MIN_DB (-60.0f)
#define CAMSEP_LV2_GAIN_MAX_DB 12.0f
#define CAMSEP_LV2_STRENGTH_MAX 5.0f
#define CAMSEP_LV2_MASK_POWER_MIN 0.5f
#define CAMSEP_LV2_MASK_POWER_MAX 4.0f
#define CAMSEP_LV2_CAMERA_LATENCY_MIN (-0.5f)
#define CAMSEP_LV2_CAMERA_LATENCY_MAX 1.0f
#define CAMSEP_LV2_METER_FLOOR_DB (-90.0f)

#endif
