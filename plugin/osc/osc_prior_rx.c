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

/* The mean of the live senders that know a player; held when all of them hold it. */
static void merge(const camsep_prior_rx *rx, camsep_prior_rx_out *out)
{
    out->n_players = rx->n_players;
    out->held = 0;
    for (int j = 0; j < rx->n_players; j++) {
        double sum = 0.0;
        int n = 0, held = 0;
        for (int i = 0; i < CAMSEP_PRIOR_RX_SENDERS; i++) {
            const camsep_prior_rx_sender *s = &rx->senders[i];
            if (s->used && s->live && !isnan(s->activity[j])) {
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

int camsep_prior_rx_message(camsep_prior_rx *rx, const char *sender, const camsep_prior_rx_arg *argv, int argc,
                            int64_t receipt_ns, camsep_prior_rx_out *out, char *why, size_t whylen)
{
    if (argc < 4 || argv[0].type != 't' || !is_number(argv[1].type) || !is_number(argv[2].type) ||
        !is_number(argv[3].type))
        return refuse(rx, why, whylen,
                      "priors: expected time (t), age (f), sequence (i), camera_ok (i), then %d "
                      "activities (f)",
                      rx->n_players);
    /* The activities are floats: a trailing int32 is the held mask. */
    const int has_held = argc > 4 && argv[argc - 1].type == 'i';
    const int n = argc - 4 - has_held;
    if (n == rx->n_players + 1 && !is_number(argv[argc - 1].type))
        return refuse(rx, why, whylen, "priors: after the %d activities, the held mask is an int32 (i), not '%c'",
                      rx->n_players, argv[argc - 1].type);
    if (n != rx->n_players)
        return refuse(rx, why, whylen,
                      "priors for %d players, this host separates %d: not used "
                      "(give camsep-capture one box per player)",
                      n, rx->n_players);
    for (int j = 0; j < n; j++)
        if (!is_number(argv[4 + j].type))
            return refuse(rx, why, whylen, "priors: activity %d is not a number", j + 1);
    const double age = argv[1].number;
    const double seq_d = argv[2].number;
    if (!isfinite(age) || fabs(age) > 3600.0 || !(seq_d >= 0.0 && seq_d < (double)SEQ_MOD))
        return refuse(rx, why, whylen, "priors: age or sequence out of range");
    const double held_d = has_held ? argv[argc - 1].number : 0.0;
    if (!(held_d >= 0.0 && held_d < (double)(1u << n)))
        return refuse(rx, why, whylen, "priors: held mask %.0f has a bit beyond the %d players", held_d, n);

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
    for (int j = 0; j < n; j++) {
        double a = argv[4 + j].number;
        s->activity[j] = isfinite(a) ? (float)(a < 0.0 ? 0.0 : a > 1.0 ? 1.0 : a) : NAN;
    }
    s->held = (uint32_t)held_d;
    if (!(argv[3].number != 0.0))
        for (int j = 0; j < n; j++)
            s->activity[j] = NAN; /* the camera is lost: unknown */
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
