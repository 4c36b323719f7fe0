/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Receiving camsep-capture's OSC priors (see osc_prior_rx.h). */
#include "osc_prior_rx.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SEQ_MOD 0x80000000u /* sequence numbers are modulo 2^31 */
#define SEEN_BITS 64

void camsep_prior_rx_init(camsep_prior_rx *rx, int n_players, int64_t silence_ns)
{
    memset(rx, 0, sizeof *rx);
    rx->n_players = n_players < 1                             ? 1
                    : n_players > CAMSEP_PRIOR_RX_MAX_PLAYERS ? CAMSEP_PRIOR_RX_MAX_PLAYERS
                                                              : n_players;
    rx->silence_ns = silence_ns > 0 ? silence_ns : CAMSEP_PRIOR_RX_DEFAULT_SILENCE_NS;
    rx->last_out_ns = INT64_MIN;
}

/* Counts a refusal and writes its reason; -1. */
static int refuse(camsep_prior_rx *rx, char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    rx->stats.refused++;
    return -1;
}

static int is_number(char t)
{
    return t == 'f' || t == 'd' || t == 'i' || t == 'h';
}

/* NTP 32.32 to nanoseconds since 1900; -1 for "immediately" (0 or 1) */
static int64_t ntp_ns(uint64_t tt)
{
    if (tt <= 1)
        return -1;
    return (int64_t)(tt >> 32) * 1000000000 + (int64_t)(((tt & 0xffffffffu) * 1000000000u) >> 32);
}

static camsep_prior_rx_sender *find_sender(camsep_prior_rx *rx, const char *key, int64_t now)
{
    camsep_prior_rx_sender *victim = NULL;
    for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
        camsep_prior_rx_sender *s = &rx->senders[i];
        if (s->used && !strncmp(s->key, key, sizeof s->key - 1))
            return s;
        if (!s->used)
            victim = victim && !victim->used ? victim : s;
        else if (!s->live && (!victim || (victim->used && s->last_heard_ns < victim->last_heard_ns)))
            victim = s;
    }
    if (!victim)
        return NULL;
    memset(victim, 0, sizeof *victim);
    victim->used = 1;
    snprintf(victim->key, sizeof victim->key, "%s", key);
    victim->last_heard_ns = now;
    return victim;
}

static int knows(const camsep_prior_rx_sender *s, int j)
{
    return s->used && s->live && !isnan(s->activity[j]);
}

/* The mean of the live senders that know a player; held when all of them hold it. */
static void merge_activity(const camsep_prior_rx *rx, camsep_prior_rx_out *out)
{
    out->n_players = rx->n_players;
    out->held = 0;
    for (int j = 0; j < rx->n_players; j++) {
        double sum = 0.0;
        int n = 0, held = 0;
        for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
            const camsep_prior_rx_sender *s = &rx->senders[i];
            if (knows(s, j)) {
                sum += s->activity[j];
                n++;
                held += (s->held >> j) & 1u;
            }
        }
        out->activity[j] = n ? (float)(sum / n) : NAN;
        if (n && held == n)
            out->held |= 1u << j;
    }
}

/* The fewest channels a live sender that knows a player sent motion in; 0: none. */
static int merged_channels(const camsep_prior_rx *rx)
{
    int channels = 0;
    for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
        const camsep_prior_rx_sender *s = &rx->senders[i];
        int known = 0;
        for (int j = 0; j < rx->n_players; j++)
            known += knows(s, j);
        if (known && s->motion_channels > 0 && (!channels || s->motion_channels < channels))
            channels = s->motion_channels;
    }
    return channels;
}

/* Each player's motion: the mean of the live senders that know it and sent motion. */
static void merge_motion(const camsep_prior_rx *rx, camsep_prior_rx_out *out)
{
    const int channels = merged_channels(rx);
    out->motion_channels = channels;
    memset(out->motion, 0, sizeof out->motion);
    for (int j = 0; j < rx->n_players && channels; j++) {
        double sum[CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS] = {0};
        int n = 0;
        for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
            const camsep_prior_rx_sender *s = &rx->senders[i];
            if (!knows(s, j) || !s->motion_channels)
                continue;
            for (int c = 0; c < channels; c++)
                sum[c] += s->motion[j][c];
            n++;
        }
        for (int c = 0; c < channels && n; c++)
            out->motion[j][c] = (float)(sum[c] / n);
    }
}

static void merge(const camsep_prior_rx *rx, camsep_prior_rx_out *out)
{
    merge_activity(rx, out);
    merge_motion(rx, out);
}

static void emit(camsep_prior_rx *rx, int64_t t, camsep_prior_rx_out *out)
{
    if (rx->last_out_ns != INT64_MIN && t <= rx->last_out_ns)
        t = rx->last_out_ns + 1; /* priors go on in time order */
    rx->last_out_ns = t;
    out->time_ns = t;
    merge(rx, out);
}

static void reset_sequence(camsep_prior_rx_sender *s, uint32_t seq)
{
    s->highest = seq;
    s->seen = 1;
    s->n_delay = s->next_delay = 0;
}

/* The sender's excess delay of a message with clock difference d, which
 * joins the window; 0 when the difference is unknown. */
static int64_t excess_delay(camsep_prior_rx_sender *s, int have_d, int64_t d)
{
    if (!have_d)
        return 0;
    int64_t lo = d;
    for (int k = 0; k < s->n_delay; k++)
        if (s->delay[k] < lo)
            lo = s->delay[k];
    if (d - lo > CAMSEP_PRIOR_RX_MAX_EXCESS_NS) {
        s->n_delay = s->next_delay = 0; /* the sender's wall clock stepped back: start again */
        lo = d;
    }
    s->delay[s->next_delay] = d;
    s->next_delay = (s->next_delay + 1) % CAMSEP_PRIOR_RX_DELAY_WINDOW;
    if (s->n_delay < CAMSEP_PRIOR_RX_DELAY_WINDOW)
        s->n_delay++;
    return d - lo;
}

/* Where a message's parts are: activities at 4.., then the held mask and the motion block. */
typedef struct layout {
    int n;        /* activities */
    int held_at;  /* index of the held mask; 0: none */
    int channels; /* motion channels per player; 0: no motion block */
} layout;

/* The types of the header, activities and held mask; 0, or -1 refused. */
static int parse_activities(camsep_prior_rx *rx, const camsep_prior_rx_arg *argv, int argc, layout *l, char *why,
                            size_t whylen)
{
    if (argc > CAMSEP_PRIOR_RX_MAX_ARGS) /* only the first ones were decoded */
        return refuse(rx, why, whylen, "priors: %d arguments, at most %d are read", argc, CAMSEP_PRIOR_RX_MAX_ARGS);
    if (argc < 4 || argv[0].type != 't' || !is_number(argv[1].type) || !is_number(argv[2].type) ||
        !is_number(argv[3].type))
        return refuse(rx, why, whylen,
                      "priors: expected time (t), age (f), sequence (i), camera_ok (i), then %d "
                      "activities (f)",
                      rx->n_players);
    /* The activities are floats: the first int32 after them is the held mask. */
    int k = 4;
    while (k < argc && argv[k].type != 'i')
        k++;
    l->n = k - 4;
    l->held_at = k < argc ? k : 0;
    if (!l->held_at && l->n == rx->n_players + 1 && !is_number(argv[argc - 1].type))
        return refuse(rx, why, whylen, "priors: after the %d activities, the held mask is an int32 (i), not '%c'",
                      rx->n_players, argv[argc - 1].type);
    if (l->n != rx->n_players)
        return refuse(rx, why, whylen,
                      "priors for %d players, this host separates %d: not used "
                      "(give camsep-capture one box per player)",
                      l->n, rx->n_players);
    for (int j = 0; j < l->n; j++)
        if (!is_number(argv[4 + j].type))
            return refuse(rx, why, whylen, "priors: activity %d is not a number", j + 1);
    const double held = l->held_at ? argv[l->held_at].number : 0.0;
    if (!(held >= 0.0 && held < (double)(1u << l->n)))
        return refuse(rx, why, whylen, "priors: held mask %.0f has a bit beyond the %d players", held, l->n);
    return 0;
}

/* The motion block after the held mask, if any: int32 C, then n x C floats; 0, or -1 refused. */
static int parse_motion(camsep_prior_rx *rx, const camsep_prior_rx_arg *argv, int argc, layout *l, char *why,
                        size_t whylen)
{
    l->channels = 0;
    const int at = l->held_at + 1;
    if (!l->held_at || at >= argc)
        return 0;
    if (argv[at].type != 'i')
        return refuse(rx, why, whylen, "priors: the motion block starts with its channel count (i), not '%c'",
                      argv[at].type);
    const double c = argv[at].number;
    if (!(c >= 1.0 && c <= CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS))
        return refuse(rx, why, whylen, "priors: %.0f motion channels, not 1..%d", c,
                      CAMSEP_PRIOR_RX_MAX_MOTION_CHANNELS);
    const int floats = argc - at - 1, want = l->n * (int)c;
    if (floats != want)
        return refuse(rx, why, whylen, "priors: %d motion values, not %d (%d players x %d channels)", floats, want,
                      l->n, (int)c);
    for (int k = 0; k < floats; k++)
        if (argv[at + 1 + k].type != 'f' && argv[at + 1 + k].type != 'd')
            return refuse(rx, why, whylen, "priors: motion value %d is '%c', not a float (f)", k + 1,
                          argv[at + 1 + k].type);
    l->channels = (int)c;
    return 0;
}

/* The message's values into its sender: activities, held mask, motion (none when the camera is lost). */
static void take_values(camsep_prior_rx_sender *s, const camsep_prior_rx_arg *argv, const layout *l)
{
    const int camera_ok = argv[3].number != 0.0;
    for (int j = 0; j < l->n; j++) {
        double a = argv[4 + j].number;
        s->activity[j] = camera_ok && isfinite(a) ? (float)(a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a) : NAN;
    }
    s->held = l->held_at ? (uint32_t)argv[l->held_at].number : 0u;
    s->motion_channels = camera_ok ? l->channels : 0;
    memset(s->motion, 0, sizeof s->motion);
    if (!s->motion_channels)
        return;
    const int first = l->held_at + 2; /* after the mask and the channel count */
    for (int j = 0; j < l->n; j++)
        for (int c = 0; c < s->motion_channels; c++) {
            const double v = argv[first + j * l->channels + c].number;
            s->motion[j][c] = isfinite(v) && v > 0.0 ? (float)v : 0.0f; /* as the engine takes it */
        }
}

int camsep_prior_rx_message(camsep_prior_rx *rx, const char *sender, const camsep_prior_rx_arg *argv, int argc,
                            int64_t receipt_ns, camsep_prior_rx_out *out, char *why, size_t whylen)
{
    layout l = {0, 0, 0};
    if (parse_activities(rx, argv, argc, &l, why, whylen) || parse_motion(rx, argv, argc, &l, why, whylen))
        return -1;
    const double age = argv[1].number;
    const double seq_d = argv[2].number;
    if (!isfinite(age) || fabs(age) > 3600.0 || !(seq_d >= 0.0 && seq_d < (double)SEQ_MOD))
        return refuse(rx, why, whylen, "priors: age or sequence out of range");

    camsep_prior_rx_sender *s = find_sender(rx, sender, receipt_ns);
    if (!s)
        return refuse(rx, why, whylen, "priors: more than %d senders at once", CAMSEP_PRIOR_RX_SENDERS);
    const uint32_t seq = (uint32_t)seq_d;
    const uint64_t tt = argv[0].timetag;
    const int64_t age_ns = (int64_t)llround(age * 1e9);
    const int64_t t_ns = ntp_ns(tt);
    s->last_heard_ns = receipt_ns;
    s->live = 1;
    if (!s->seen) {
        reset_sequence(s, seq); /* its first message */
    } else {
        const uint32_t diff = (seq - s->highest) & (SEQ_MOD - 1);
        const int ahead = diff != 0 && diff < SEQ_MOD / 2;
        if (!ahead && t_ns >= 0 && tt > s->newest_time && s->newest_time) {
            rx->stats.restarts++; /* a new process under the same address */
            reset_sequence(s, seq);
        } else if (ahead) {
            rx->stats.gaps += diff - 1;
            s->seen = diff >= SEEN_BITS ? 1 : (s->seen << diff) | 1;
            s->highest = seq;
        } else {
            const uint32_t back = (s->highest - seq) & (SEQ_MOD - 1);
            const uint64_t bit = back < SEEN_BITS ? (uint64_t)1 << back : 0;
            if (bit && (s->seen & bit)) {
                rx->stats.duplicates++;
            } else {
                s->seen |= bit;
                rx->stats.late++;
            }
            return 0;
        }
    }
    if (t_ns >= 0)
        s->newest_time = tt;

    const int64_t d = receipt_ns - (t_ns + age_ns);
    const int64_t excess = excess_delay(s, t_ns >= 0, d);
    rx->stats.jitter_ms = (double)excess * 1e-6;
    take_values(s, argv, &l);
    rx->stats.received++;
    emit(rx, receipt_ns - age_ns - excess, out);
    int live = 0;
    for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++)
        live += rx->senders[i].used && rx->senders[i].live;
    rx->stats.senders = live;
    return 1;
}

int camsep_prior_rx_players(camsep_prior_rx *rx, int argc, char *why, size_t whylen)
{
    if (argc != rx->n_players)
        return refuse(rx, why, whylen,
                      "players: the sender has %d players, this host separates %d "
                      "(give camsep-capture one box per player)",
                      argc, rx->n_players);
    return 0;
}

int camsep_prior_rx_tick(camsep_prior_rx *rx, int64_t now_ns, camsep_prior_rx_out *out)
{
    int changed = 0, live = 0;
    for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
        camsep_prior_rx_sender *s = &rx->senders[i];
        if (s->used && s->live && now_ns - s->last_heard_ns > rx->silence_ns) {
            s->live = 0;
            rx->stats.silences++;
            changed = 1;
        }
        live += s->used && s->live;
    }
    rx->stats.senders = live;
    if (changed)
        emit(rx, now_ns, out);
    return changed;
}
