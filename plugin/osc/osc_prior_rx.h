/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Receiving camsep-capture's OSC priors (docs/capture-osc.md): from the
 * decoded PREFIX/priors messages of any number of senders to one stream of
 * priors placed on the receiver's CLOCK_MONOTONIC, in time order.
 *
 * - Placement, per sender: by the message's age, at receipt - age, minus the
 *   message's excess network delay: receipt - (time + age) is the offset
 *   between the two machines' clocks plus the delay; its minimum over the
 *   last CAMSEP_PRIOR_RX_DELAY_WINDOW messages is the offset plus the
 *   smallest delay, and what a message has above it is jitter, taken back
 *   (at most CAMSEP_PRIOR_RX_MAX_EXCESS_NS). No clock synchronisation is
 *   needed; only the sender's wall clock must not step during the window.
 * - Sequence numbers: gaps are counted; a message older than the newest of
 *   its sender (reordered, or overtaken) is late and not used; a repeated
 *   one is a duplicate and not used. A sequence number far behind with a
 *   newer time is a restarted sender.
 * - Held mask: an optional int32 after the activities (the first int32
 *   after camera_ok), bit j set when the sender's camera cannot see player j
 *   now (camsep_prior.held); without it, nothing is held.
 * - Motion: an optional block after the held mask, int32 C (channels per
 *   player, 1..CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS) then n x C floats,
 *   player-major (camsep_prior.motion). Non-finite or negative values count
 *   as 0, as in the engine. Without it the sender gives no motion.
 * - Several senders: each player's value is the mean of the live senders
 *   that know it (NaN: this sender does not), and the player is held only
 *   when every one of them holds it; its motion is the mean of those of
 *   them that sent motion, over the fewest channels such a sender sent.
 *   Every accepted message gives one merged prior, later than the previous
 *   one (at least by 1 ns).
 * - Silence: a sender not heard for silence_ns is dropped; when that
 *   changes the merged values, tick() gives a prior at the time of the tick
 *   (all NaN when nobody is left: neutral priors).
 * - A message with another player count (or other types, or a held mask
 *   with bits from the player count on, or a motion block with a channel
 *   count out of range or another number of floats) is refused with a
 *   reason for the sender; nothing changes.
 *
 * Plain C, no allocation, no lock, no system call; one thread at a time
 * (the caller serialises message() and tick()).
 */
#ifndef CAMSEP_OSC_PRIOR_RX_H
#define CAMSEP_OSC_PRIOR_RX_H

#include <stddef.h>
#include <stdint.h>

#define CAMSEP_PRIOR_RX_MAX_PLAYERS 8
#define CAMSEP_PRIOR_RX_SENDERS 8
#define CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS 8     /* CAMSEP_MAX_MOTION_CHANNELS (camsep_engine.h) */
#define CAMSEP_PRIOR_RX_DELAY_WINDOW 64           /* messages: ~2 s at 30 fps */
#define CAMSEP_PRIOR_RX_MAX_EXCESS_NS 250000000LL /* jitter taken back at most */
#define CAMSEP_PRIOR_RX_DEFAULT_SILENCE_NS 250000000LL
/* Arguments of a priors message that are decoded (the OSC server's
 * CAMSEP_OSC_STREAM_MAX_ARGS); a message with more is refused unread. */
#define CAMSEP_PRIOR_RX_MAX_ARGS 40

/* One argument of an OSC message, decoded (the types the format uses). */
typedef struct camsep_prior_rx_arg {
    char type;        /* 't', 'f', 'd', 'i', 'h', or another OSC tag (refused) */
    double number;    /* f, d, i, h */
    uint64_t timetag; /* t: NTP 32.32 */
} camsep_prior_rx_arg;

/* A prior handed on: its event time on the receiver's CLOCK_MONOTONIC,
 * each player's playing likelihood (NaN = unknown: neutral), the players
 * the camera cannot see now (bit j: activity[j] is the last it saw, as
 * camsep_prior.held) and their motion (as camsep_prior.motion, >= 0;
 * motion_channels 0: no sender sent any; 0 for the channels from
 * motion_channels on, and for a player no sender with motion knows). */
typedef struct camsep_prior_rx_out {
    int64_t time_ns;
    int n_players;
    uint32_t held;
    float activity[CAMSEP_PRIOR_RX_MAX_PLAYERS];
    int motion_channels;
    float motion[CAMSEP_PRIOR_RX_MAX_PLAYERS][CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS];
} camsep_prior_rx_out;

typedef struct camsep_prior_rx_stats {
    uint64_t received;   /* messages accepted and used */
    uint64_t gaps;       /* sequence numbers skipped (lost, or still to come out of order) */
    uint64_t late;       /* messages older than their sender's newest: not used */
    uint64_t duplicates; /* messages received twice: not used */
    uint64_t refused;    /* wrong player count, types, held mask or motion block: nothing changed */
    uint64_t silences;   /* senders dropped after silence_ns without a message */
    uint64_t restarts;   /* senders whose sequence started again */
    int senders;         /* live now */
    double jitter_ms;    /* the last accepted message's excess delay, ms */
} camsep_prior_rx_stats;

typedef struct camsep_prior_rx_sender {
    int used, live;
    char key[96];
    int64_t last_heard_ns;
    uint32_t highest;     /* highest sequence number seen */
    uint64_t seen;        /* bit k: highest - k seen */
    uint64_t newest_time; /* NTP time of the newest message used */
    int64_t delay[CAMSEP_PRIOR_RX_DELAY_WINDOW];
    int n_delay, next_delay;
    float activity[CAMSEP_PRIOR_RX_MAX_PLAYERS];
    uint32_t held;       /* of its newest message used */
    int motion_channels; /* of its newest message used; 0: it sent no motion */
    float motion[CAMSEP_PRIOR_RX_MAX_PLAYERS][CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS];
} camsep_prior_rx_sender;

typedef struct camsep_prior_rx {
    int n_players;
    int64_t silence_ns;
    int64_t last_out_ns; /* time of the newest prior handed on (INT64_MIN: none) */
    camsep_prior_rx_sender senders[CAMSEP_PRIOR_RX_SENDERS];
    camsep_prior_rx_stats stats;
} camsep_prior_rx;

/* Set-up: players this receiver serves (1..8); silence_ns <= 0: the default. */
void camsep_prior_rx_init(camsep_prior_rx *rx, int n_players, int64_t silence_ns);

/* A PREFIX/priors message from sender (any stable text naming it, e.g.
 * "udp:10.0.0.2:40211"), taken at receipt_ns (CLOCK_MONOTONIC). Returns 1
 * and fills *out with a prior to hand on; 0 when the message is not used
 * (late, duplicate: counted); -1 with the reason in why when it is refused.
 * argc counts the message's arguments; argv holds the first
 * CAMSEP_PRIOR_RX_MAX_ARGS of them at most (more: refused unread). */
int camsep_prior_rx_message(camsep_prior_rx *rx, const char *sender, const camsep_prior_rx_arg *argv, int argc,
                            int64_t receipt_ns, camsep_prior_rx_out *out, char *why, size_t whylen);
/* A PREFIX/players message (argc names): 0, or -1 with the reason when the
 * count is not this receiver's. */
int camsep_prior_rx_players(camsep_prior_rx *rx, int argc, char *why, size_t whylen);
/* Drops senders silent since now_ns - silence_ns. Returns 1 and fills *out
 * (at now_ns) when that changed the merged values, else 0. */
int camsep_prior_rx_tick(camsep_prior_rx *rx, int64_t now_ns, camsep_prior_rx_out *out);

#endif
