/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The OSC address space: one table, its lookup, the values it reports and
 * its documentation (text and Markdown). Pure functions, any thread.
 */
#define _POSIX_C_SOURCE 200809L

#include "osc_table.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SET CAMSEP_OSC_F_SET
#define QRY CAMSEP_OSC_F_QUERY
#define STA CAMSEP_OSC_F_STATE
#define MET CAMSEP_OSC_F_METER
#define OUT CAMSEP_OSC_F_OUT
#define PLR CAMSEP_OSC_F_PLAYER
#define AUD CAMSEP_OSC_F_AUDIO

static const camsep_osc_entry table[] = {
    {CAMSEP_OSC_E_PLAYER_GAIN, "/player/N/gain", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_NUMBER, "f|i|h|d", "f",
     CAMSEP_OSC_GAIN_MIN_DB, CAMSEP_OSC_GAIN_MAX_DB, "dB", CAMSEP_OSC_CMD_PLAYER_GAIN,
     "Stem gain of player N. -60 dB is the floor (silence).", "-6.0"},
    {CAMSEP_OSC_E_PLAYER_GAIN_NORM, "/player/N/gain/norm", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_NUMBER,
     "f|i|h|d", "f", 0.0, 1.0, "fader", CAMSEP_OSC_CMD_PLAYER_GAIN,
     "Fader alias of /gain. Taper: n >= 0.25: dB = 48 (n - 0.75) (0.75 = 0 dB, 1 = +12 dB, "
     "0.25 = -24 dB); n < 0.25: dB = -60 + 144 n (0 = -60 dB).",
     "0.75"},
    {CAMSEP_OSC_E_PLAYER_MUTE, "/player/N/mute", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_BOOL, "T|F|i|f|h|d", "i",
     0.0, 1.0, "0/1", CAMSEP_OSC_CMD_PLAYER_MUTE, "Mute player N's stem (1 = muted).", "1"},
    {CAMSEP_OSC_E_PLAYER_SOLO, "/player/N/solo", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_BOOL, "T|F|i|f|h|d", "i",
     0.0, 1.0, "0/1", CAMSEP_OSC_CMD_PLAYER_SOLO, "Solo player N's stem (1 = soloed).", "1"},
    {CAMSEP_OSC_E_PLAYER_BOX, "/player/N/box", SET | QRY | STA | PLR, CAMSEP_OSC_ARGS_BOX, "ffff (each f|i|h|d)",
     "ffff", 0.0, 1.0, "frame 0..1", CAMSEP_OSC_CMD_PLAYER_BOX,
     "Player N's box x y w h, normalised to the camera frame (0,0 = top left); w, h > 0, x+w <= 1, "
     "y+h <= 1.",
     "0.1 0.2 0.3 0.5"},
    {CAMSEP_OSC_E_PLAYER_INSTRUMENT, "/player/N/instrument", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_INSTRUMENT,
     "s", "s", 0.0, 0.0, "name", CAMSEP_OSC_CMD_PLAYER_INSTRUMENT,
     "Use a bundled dictionary (presets/dictionaries) for player N: 1..63 of [A-Za-z0-9_.-].", "violin"},
    {CAMSEP_OSC_E_PLAYER_DICTIONARY, "/player/N/dictionary", SET | QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_PATH, "s",
     "s", 0.0, 0.0, "path", CAMSEP_OSC_CMD_PLAYER_DICTIONARY,
     "Use a dictionary file (camsep-train output) for player N: a path of 1..255 bytes on the host.",
     "/srv/show/violin.dict"},
    {CAMSEP_OSC_E_PLAYER_NAME, "/player/N/name", SET | QRY | STA | PLR, CAMSEP_OSC_ARGS_NAME, "s", "s", 0.0, 0.0,
     "text", CAMSEP_OSC_CMD_PLAYER_NAME, "Display name of player N: 1..63 bytes, no control characters.", "Anna"},
    {CAMSEP_OSC_E_PLAYER_METERS, "/player/N/meters", OUT | MET | PLR, CAMSEP_OSC_ARGS_NONE, "-", "fff", 0.0, 0.0,
     "dB, 0..1, >= 0", 0,
     "Sent to meters subscribers: stem level (dBFS, floor -120), motion (camera playing likelihood "
     "0..1), activation (engine, >= 0).",
     ""},
    {CAMSEP_OSC_E_PLAYER_TRUST, "/player/N/trust", QRY | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "ff", 0.0, 0.0,
     "0..1, -1..1", 0,
     "Player N's camera prior: trust, the weight the engine gives it (0 = ignored, 1 = believed; 1 with "
     "prior_strength 0), and agreement, its correlation with the player's sound over the last seconds "
     "(NaN while unknown) (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYER_SPLIT, "/player/N/split", QRY | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "f", 0.0, 0.0, "0..1", 0,
     "How far player N's stem is split from a twin's (a player with the same dictionary, whom the audio "
     "cannot tell apart) by their motion: 0 = not at all (no twin, or motion that does not follow the "
     "sound), 1 = fully (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYER_SHARE, "/player/N/share", QRY | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "f", 0.0, 0.0, "0..1", 0,
     "How far the masks weigh player N towards the share of the sound their graded motion (how hard they "
     "bow, blow or strike) predicts: 0 = not at all (the audio alone decides: no camera, motion that has not "
     "followed their sound, a camera out of time, a twin, a player resting or hidden), up to the share "
     "strength (default 1: all the way) (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYER_GATE, "/player/N/gate", QRY | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "f", 0.0, 0.0, "0..1", 0,
     "The rest gate on player N: the share of the player's sound kept in their stem while the camera sees "
     "them resting and is in time with the audio (/camera/offset); 1 = all (open: playing, or the camera "
     "not in time), down to 0.001 = gated; the rest goes to the players who play (read-only).",
     ""},
    {CAMSEP_OSC_E_BYPASS, "/bypass", SET | QRY | STA | AUD, CAMSEP_OSC_ARGS_BOOL, "T|F|i|f|h|d", "i", 0.0, 1.0, "0/1",
     CAMSEP_OSC_CMD_BYPASS, "Bypass separation (1 = every stem passes the input, faded).", "0"},
    {CAMSEP_OSC_E_PRIOR_STRENGTH, "/prior_strength", SET | QRY | STA | AUD, CAMSEP_OSC_ARGS_NUMBER, "f|i|h|d", "f", 0.0,
     CAMSEP_OSC_PRIOR_STRENGTH_MAX, "gamma", CAMSEP_OSC_CMD_PRIOR_STRENGTH,
     "Strength of the camera's activity prior (engine activity_strength; 0 = audio only).", "0.3"},
    {CAMSEP_OSC_E_MASK_POWER, "/mask_power", SET | QRY | STA | AUD, CAMSEP_OSC_ARGS_NUMBER, "f|i|h|d", "f",
     CAMSEP_OSC_MASK_POWER_MIN, CAMSEP_OSC_MASK_POWER_MAX, "p", CAMSEP_OSC_CMD_MASK_POWER,
     "Soft-mask exponent (1 = ratio mask, 2 = Wiener-like; higher separates harder).", "2"},
    {CAMSEP_OSC_E_CAMERA_LATENCY, "/camera_latency", SET | QRY | STA, CAMSEP_OSC_ARGS_NUMBER, "f|i|h|d", "f", 0.0,
     CAMSEP_OSC_CAMERA_LATENCY_MAX_S, "s", CAMSEP_OSC_CMD_CAMERA_LATENCY,
     "Camera latency: a frame shows what was heard this long before it was captured.", "0.08"},
    {CAMSEP_OSC_E_PLAYER_HIDDEN, "/player/N/hidden", QRY | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "i", 0.0, 0.0, "0/1",
     0,
     "1 while the camera cannot see player N (something passes in front, too dark to see motion): the "
     "camera then holds what it saw last, and the rest gate leaves the player alone (read-only).",
     ""},
    {CAMSEP_OSC_E_CAMERA_OFFSET, "/camera/offset", QRY | AUD, CAMSEP_OSC_ARGS_NONE, "-", "ff", 0.0, 0.0, "s, -1..1", 0,
     "The camera's offset against the audio, measured from the players' motion and their sound: seconds "
     "(> 0: the camera is later than /camera_latency says, < 0: earlier) and how clearly (a correlation, "
     "-1..1); NaN NaN until measured. It tells how far the camera-latency setting is off. A late camera "
     "(positive) turns the rest gate (/player/N/gate) off, and so does an early one: the gate acts only "
     "while the offset is within a few hundredths of a second (read-only).",
     ""},
    {CAMSEP_OSC_E_MOTION_KNEE, "/motion_knee", SET | QRY | STA, CAMSEP_OSC_ARGS_NUMBER, "f|i|h|d", "f",
     CAMSEP_OSC_MOTION_KNEE_MIN, CAMSEP_OSC_MOTION_KNEE_MAX, "share", CAMSEP_OSC_CMD_MOTION_KNEE,
     "Share of a player's usual motion that the camera reads as fully playing. 0.5 (default): who plays, "
     "robust to sway; 1: graded by how much they move, for a calm stage.",
     "1"},
    {CAMSEP_OSC_E_PRESET_RECALL, "/preset/recall", SET | QRY | STA | AUD, CAMSEP_OSC_ARGS_PRESET, "i|f|h|d or s", "is",
     1.0, CAMSEP_OSC_PRESET_MAX, "number or name", CAMSEP_OSC_CMD_PRESET_RECALL,
     "Recall a preset by number (1..999) or name. Query: the current preset (0 \"\" = none).", "3"},
    {CAMSEP_OSC_E_PRESET_STORE, "/preset/store", SET | QRY | AUD, CAMSEP_OSC_ARGS_PRESET, "i|f|h|d or s", "is", 1.0,
     CAMSEP_OSC_PRESET_MAX, "number or name", CAMSEP_OSC_CMD_PRESET_STORE,
     "Store the current settings as preset number (1..999) or name. Query: the current preset.", "\"verse\""},
    {CAMSEP_OSC_E_STATUS_XRUNS, "/status/xruns", QRY | STA | AUD, CAMSEP_OSC_ARGS_NONE, "-", "i", 0.0, 0.0, "count", 0,
     "Audio xruns since start (read-only).", ""},
    {CAMSEP_OSC_E_STATUS_CAMERA, "/status/camera", QRY | STA, CAMSEP_OSC_ARGS_NONE, "-", "sf", 0.0, 0.0, "state, fps",
     0, "Camera state (\"running\", \"lost\", \"off\", ...) and frames per second (read-only).", ""},
    {CAMSEP_OSC_E_STATUS_CAMERA_MOTION, "/status/camera_motion", QRY, CAMSEP_OSC_ARGS_NONE, "-", "ff", 0.0, 0.0,
     "px per frame", 0,
     "The camera's own motion (shake, pans, a vibrating stand) in its latest frame: u v, in camera pixels "
     "per frame (+u right, +v down), subtracted before the players' motion is measured; NaN NaN with no "
     "camera or while it is lost (read-only).",
     ""},
    {CAMSEP_OSC_E_STATUS_DSP_LOAD, "/status/dsp_load", QRY | MET | AUD, CAMSEP_OSC_ARGS_NONE, "-", "f", 0.0, 0.0,
     "0..1", 0, "Share of the audio period spent separating (read-only; sent with meters).", ""},
    {CAMSEP_OSC_E_STATUS_LATENCY, "/status/latency", QRY | STA | AUD, CAMSEP_OSC_ARGS_NONE, "-", "fi", 0.0, 0.0,
     "s, samples", 0, "Latency from input to stems, in seconds and samples (read-only).", ""},
    {CAMSEP_OSC_E_STATUS_REMOTE_PRIORS, "/status/remote_priors", QRY | STA | AUD, CAMSEP_OSC_ARGS_NONE, "-", "siiiii",
     0.0, 0.0, "state, senders, received, gaps, late, refused", 0,
     "Priors received on this port from camsep-capture --osc (PREFIX/priors, docs/capture-osc.md): state "
     "(\"receiving\", \"waiting\", \"off: ...\"), live senders, priors used, sequence numbers lost, priors "
     "late or duplicated, messages refused (read-only).",
     ""},
    {CAMSEP_OSC_E_SOUNDCHECK_START, "/soundcheck/start", SET | AUD, CAMSEP_OSC_ARGS_ACTION_PLAYER, "[i|f|h|d]", "-",
     1.0, CAMSEP_OSC_MAX_PLAYERS, "player", CAMSEP_OSC_CMD_SOUNDCHECK_START,
     "Start a sound check: record while the players play alone, then together; /soundcheck/stop learns a "
     "dictionary per player from it. No argument: the camera says who plays (refused without a camera). "
     "N: player N plays alone now (no camera needed); while such a sound check records, N announces the next "
     "player, and only the players announced are learned. Refused while one records or learns.",
     "2"},
    {CAMSEP_OSC_E_SOUNDCHECK_STOP, "/soundcheck/stop", SET | AUD, CAMSEP_OSC_ARGS_ACTION, "-", "-", 0.0, 0.0, "",
     CAMSEP_OSC_CMD_SOUNDCHECK_STOP,
     "End the sound check's recording and learn: the dictionaries are written next to the session and used "
     "at once. Refused when none records.",
     ""},
    {CAMSEP_OSC_E_SOUNDCHECK_CANCEL, "/soundcheck/cancel", SET | AUD, CAMSEP_OSC_ARGS_ACTION, "-", "-", 0.0, 0.0, "",
     CAMSEP_OSC_CMD_SOUNDCHECK_CANCEL,
     "Drop the sound check (recording or learning); nothing changes. Refused when none runs.", ""},
    {CAMSEP_OSC_E_SOUNDCHECK_STATUS, "/soundcheck/status", QRY | STA | AUD, CAMSEP_OSC_ARGS_NONE, "-", "sffi", 0.0, 0.0,
     "state, s, 0..1, player", 0,
     "The sound check: state (\"idle\", \"recording\", \"learning\", \"done\", \"error\", \"cancelled\"), "
     "seconds recorded, learning progress 0..1, and who plays (0: the camera says; N: player N announced) "
     "(read-only).",
     ""},
    {CAMSEP_OSC_E_SOUNDCHECK_MESSAGE, "/soundcheck/message", QRY | STA | AUD, CAMSEP_OSC_ARGS_NONE, "-", "s", 0.0, 0.0,
     "text", 0,
     "The last sound check's outcome: what was learned and where it was written, or why it failed (a player "
     "with too little material is named); \"\" before any (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYER_SOUNDCHECK, "/player/N/soundcheck", QRY | STA | PLR | AUD, CAMSEP_OSC_ARGS_NONE, "-", "ff",
     0.0, 0.0, "s, s", 0,
     "Sound-check material of player N: seconds played alone and with others, as the camera (or the "
     "announcements) saw it so far; the learner's count once learned (read-only).",
     ""},
    {CAMSEP_OSC_E_ASSOCIATE, "/associate", QRY | AUD, CAMSEP_OSC_ARGS_NONE, "-", "ssfff", 0.0, 0.0,
     "pairing, state, confidence, s, needed", 0,
     "Which box is which player, from the data (each box's motion against each player's sound): the "
     "proposal as the player shown in each box (\"2,1\": player 1's box shows player 2, player 2's box "
     "player 1; \"\" none yet), its state (\"proposed\": confident and different from the boxes' order, "
     "/associate/apply applies it; \"in order\"; \"applied\"; \"low confidence: why\"; \"waiting: why\"; "
     "\"off: why\"), its confidence, the seconds of music with motion behind it and the confidence needed "
     "to apply it with that much evidence (3; 2 from 12 s on) (read-only).",
     ""},
    {CAMSEP_OSC_E_ASSOCIATE_APPLY, "/associate/apply", SET | AUD, CAMSEP_OSC_ARGS_ACTION_FORCE, "[s]", "-", 0.0, 0.0,
     "\"force\"", CAMSEP_OSC_CMD_ASSOCIATE_APPLY,
     "Apply the /associate proposal: the boxes are exchanged so that each player's box shows that player. "
     "Refused with the reason when there is none, when the boxes are already in order, or when it is low "
     "confidence, unless \"force\" is given.",
     "\"force\""},
    {CAMSEP_OSC_E_PLAYERS_FIND, "/players/find", SET, CAMSEP_OSC_ARGS_ACTION_FIND, "[i|f|h|d] [f|i|h|d]", "-", 1.0,
     CAMSEP_OSC_MAX_PLAYERS, "players", CAMSEP_OSC_CMD_PLAYERS_FIND,
     "Look for N players (a whole number; default: the program's number of players) in the camera's "
     "picture, from where it moves against the camera over the next S seconds (default 10): /players/found "
     "follows the search, /player/N/found gives the boxes, /players/found/apply uses them. Asked again while "
     "looking, it starts over. Needs the program's own camera (camsep-jack, camsep-portaudio: --video).",
     "2 5"},
    {CAMSEP_OSC_E_PLAYERS_FIND_CANCEL, "/players/find/cancel", SET, CAMSEP_OSC_ARGS_ACTION, "-", "-", 0.0, 0.0, "",
     CAMSEP_OSC_CMD_PLAYERS_FIND_CANCEL,
     "Stop looking for the players; what was found is dropped (/players/found: \"idle\").", ""},
    {CAMSEP_OSC_E_PLAYERS_FOUND, "/players/found", QRY | STA, CAMSEP_OSC_ARGS_NONE, "-", "sfis", 0.0, 0.0,
     "state, 0..1, count, text", 0,
     "The search for the players: its state (\"idle\", \"looking\", \"ready\", \"nothing moved\", "
     "\"failed\"), its progress 0..1, the number of boxes found (/player/N/found) and one line saying what was "
     "found or why not (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYER_FOUND, "/player/N/found", QRY | PLR, CAMSEP_OSC_ARGS_NONE, "-", "fffff", 0.0, 0.0,
     "frame 0..1, 0..1", 0,
     "The box found for player N (the N-th from the left): x y w h normalised to the frame as /player/N/box, "
     "and its share of the motion; all 0 when none was found for N (read-only).",
     ""},
    {CAMSEP_OSC_E_PLAYERS_FOUND_APPLY, "/players/found/apply", SET, CAMSEP_OSC_ARGS_ACTION_FORCE, "[s]", "-", 0.0, 0.0,
     "\"force\"", CAMSEP_OSC_CMD_PLAYERS_FOUND_APPLY,
     "The boxes found become the players' boxes, left to right to players 1, 2, ... Refused with the reason "
     "when the search is not ready, when it found another number of boxes than there are players (\"force\": "
     "fewer found go to the first players), or when the camera's frame size changed since.",
     "\"force\""},
    {CAMSEP_OSC_E_SUBSCRIBE, "/subscribe", SET | QRY, CAMSEP_OSC_ARGS_SUBSCRIBE, "s [f] [f]", "sff", 0.0, 0.0, "Hz, s",
     0,
     "Feedback to the sender's address (UDP: its host and port; TCP: its connection). \"state\" [lease]: "
     "every state address whose value changes (and all of them at once now); \"meters\" rate [lease]: "
     "/player/N/meters and /status/dsp_load at rate Hz (0.5..60). Lease 1..3600 s (default 30); "
     "renew before it ends. Query: the sender's subscriptions (what, rate, seconds left).",
     "\"meters\" 10 30"},
    {CAMSEP_OSC_E_UNSUBSCRIBE, "/unsubscribe", SET, CAMSEP_OSC_ARGS_UNSUBSCRIBE, "[s]", "-", 0.0, 0.0, "", 0,
     "End the sender's \"state\", \"meters\" or \"all\" subscriptions; without argument: all.", "\"meters\""},
    {CAMSEP_OSC_E_ERROR, "/error", OUT, CAMSEP_OSC_ARGS_NONE, "-", "ss", 0.0, 0.0, "", 0,
     "Sent to a sender whose message was rejected: the address it sent and the reason.", ""},
};

#undef SET
#undef QRY
#undef STA
#undef MET
#undef OUT
#undef PLR
#undef AUD

const camsep_osc_entry *camsep_osc_table(int *n)
{
    *n = (int)(sizeof table / sizeof table[0]);
    return table;
}

const camsep_osc_entry *camsep_osc_entry_by_id(camsep_osc_entry_id id)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].id == id)
            return &table[i];
    return NULL;
}

int camsep_osc_entry_is_action(const camsep_osc_entry *e)
{
    return e->args == CAMSEP_OSC_ARGS_ACTION || e->args == CAMSEP_OSC_ARGS_ACTION_PLAYER ||
           e->args == CAMSEP_OSC_ARGS_ACTION_FORCE || e->args == CAMSEP_OSC_ARGS_ACTION_FIND;
}

const camsep_osc_entry *camsep_osc_lookup(const char *path, int *player)
{
    static const char pl[] = "/player/";
    *player = -1;
    if (!path)
        return NULL;
    if (strncmp(path, pl, sizeof pl - 1) == 0) {
        const char *p = path + sizeof pl - 1;
        int n = 0, digits = 0;
        if (*p == '0')
            return NULL; /* no leading zeros, no player 0 */
        while (*p >= '0' && *p <= '9' && digits < 3) {
            n = n * 10 + (*p - '0');
            p++;
            digits++;
        }
        if (digits == 0 || n < 1 || n > CAMSEP_OSC_MAX_PLAYERS || *p != '/')
            return NULL;
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
            const camsep_osc_entry *e = &table[i];
            if (!(e->flags & CAMSEP_OSC_F_PLAYER) || (e->flags & CAMSEP_OSC_F_OUT))
                continue;
            /* e->path is "/player/N" + suffix */
            if (strcmp(e->path + sizeof pl, p) == 0) {
                *player = n - 1;
                return e;
            }
        }
        return NULL;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const camsep_osc_entry *e = &table[i];
        if ((e->flags & (CAMSEP_OSC_F_PLAYER | CAMSEP_OSC_F_OUT)) == 0 && strcmp(e->path, path) == 0)
            return e;
    }
    return NULL;
}

static float finite_or(float x, float fallback)
{
    return isfinite(x) ? x : fallback;
}

static void set_text(camsep_osc_value *v, const char *s, size_t cap)
{
    size_t n = strnlen(s, cap < sizeof v->s ? cap : sizeof v->s - 1);
    if (n >= sizeof v->s)
        n = sizeof v->s - 1;
    memcpy(v->s, s, n);
    v->s[n] = '\0';
}

float camsep_osc_gain_from_norm(float n)
{
    if (!(n > 0.0f))
        return CAMSEP_OSC_GAIN_MIN_DB;
    if (n > 1.0f)
        n = 1.0f;
    if (n >= 0.25f)
        return 48.0f * (n - 0.75f);
    return -60.0f + 144.0f * n;
}

float camsep_osc_gain_to_norm(float g)
{
    if (!(g > CAMSEP_OSC_GAIN_MIN_DB))
        return 0.0f;
    if (g > CAMSEP_OSC_GAIN_MAX_DB)
        g = CAMSEP_OSC_GAIN_MAX_DB;
    if (g >= -24.0f)
        return 0.75f + g / 48.0f;
    return (g + 60.0f) / 144.0f;
}

int camsep_osc_entry_value(const camsep_osc_entry *e, const camsep_osc_state *st, int player,
                           camsep_osc_value *v)
{
    memset(v, 0, sizeof *v);
    const camsep_osc_player_state *p = NULL;
    if (e->flags & CAMSEP_OSC_F_PLAYER) {
        if (player < 0 || player >= CAMSEP_OSC_MAX_PLAYERS)
            return -1;
        p = &st->players[player];
    }
    switch (e->id) {
    case CAMSEP_OSC_E_PLAYER_GAIN:
        strcpy(v->types, "f");
        v->f[0] = finite_or(p->gain_db, CAMSEP_OSC_GAIN_MIN_DB);
        return 0;
    case CAMSEP_OSC_E_PLAYER_GAIN_NORM:
        strcpy(v->types, "f");
        v->f[0] = camsep_osc_gain_to_norm(finite_or(p->gain_db, CAMSEP_OSC_GAIN_MIN_DB));
        return 0;
    case CAMSEP_OSC_E_PLAYER_MUTE:
        strcpy(v->types, "i");
        v->i[0] = p->mute != 0;
        return 0;
    case CAMSEP_OSC_E_PLAYER_SOLO:
        strcpy(v->types, "i");
        v->i[0] = p->solo != 0;
        return 0;
    case CAMSEP_OSC_E_PLAYER_BOX:
        strcpy(v->types, "ffff");
        v->f[0] = finite_or(p->box.x, 0.0f);
        v->f[1] = finite_or(p->box.y, 0.0f);
        v->f[2] = finite_or(p->box.w, 0.0f);
        v->f[3] = finite_or(p->box.h, 0.0f);
        return 0;
    case CAMSEP_OSC_E_PLAYER_INSTRUMENT:
        strcpy(v->types, "s");
        set_text(v, p->instrument, sizeof p->instrument);
        return 0;
    case CAMSEP_OSC_E_PLAYER_DICTIONARY:
        strcpy(v->types, "s");
        set_text(v, p->dictionary, sizeof p->dictionary);
        return 0;
    case CAMSEP_OSC_E_PLAYER_NAME:
        strcpy(v->types, "s");
        set_text(v, p->name, sizeof p->name);
        return 0;
    case CAMSEP_OSC_E_PLAYER_METERS:
        strcpy(v->types, "fff");
        v->f[0] = p->level_db > -120.0f ? finite_or(p->level_db, -120.0f) : -120.0f;
        v->f[1] = finite_or(p->motion, 0.0f);
        v->f[2] = finite_or(p->activation, 0.0f);
        return 0;
    case CAMSEP_OSC_E_PLAYER_TRUST:
        strcpy(v->types, "ff");
        v->f[0] = fminf(1.0f, fmaxf(0.0f, finite_or(p->trust, 1.0f)));
        v->f[1] = isfinite(p->agreement) ? fminf(1.0f, fmaxf(-1.0f, p->agreement)) : NAN;
        return 0;
    case CAMSEP_OSC_E_PLAYER_SPLIT:
        strcpy(v->types, "f");
        v->f[0] = fminf(1.0f, fmaxf(0.0f, finite_or(p->split, 0.0f)));
        return 0;
    case CAMSEP_OSC_E_PLAYER_SHARE:
        strcpy(v->types, "f");
        v->f[0] = fminf(1.0f, fmaxf(0.0f, finite_or(p->share, 0.0f)));
        return 0;
    case CAMSEP_OSC_E_PLAYER_GATE:
        strcpy(v->types, "f");
        v->f[0] = fminf(1.0f, fmaxf(0.0f, finite_or(p->gate, 1.0f)));
        return 0;
    case CAMSEP_OSC_E_BYPASS:
        strcpy(v->types, "i");
        v->i[0] = st->bypass != 0;
        return 0;
    case CAMSEP_OSC_E_PRIOR_STRENGTH:
        strcpy(v->types, "f");
        v->f[0] = finite_or(st->prior_strength, 0.0f);
        return 0;
    case CAMSEP_OSC_E_MASK_POWER:
        strcpy(v->types, "f");
        v->f[0] = finite_or(st->mask_power, 0.0f);
        return 0;
    case CAMSEP_OSC_E_CAMERA_LATENCY:
        strcpy(v->types, "f");
        v->f[0] = finite_or(st->camera_latency_s, 0.0f);
        return 0;
    case CAMSEP_OSC_E_PLAYER_HIDDEN:
        strcpy(v->types, "i");
        v->i[0] = p->hidden != 0;
        return 0;
    case CAMSEP_OSC_E_CAMERA_OFFSET:
        strcpy(v->types, "ff");
        v->f[0] = finite_or(st->camera_offset_s, NAN);
        v->f[1] = isfinite(st->camera_offset_corr) ? fminf(1.0f, fmaxf(-1.0f, st->camera_offset_corr)) : NAN;
        return 0;
    case CAMSEP_OSC_E_MOTION_KNEE:
        strcpy(v->types, "f");
        v->f[0] = finite_or(st->motion_knee, 0.0f);
        return 0;
    case CAMSEP_OSC_E_PRESET_RECALL:
    case CAMSEP_OSC_E_PRESET_STORE:
        strcpy(v->types, "is");
        v->i[0] = st->preset_index;
        set_text(v, st->preset_name, sizeof st->preset_name);
        return 0;
    case CAMSEP_OSC_E_STATUS_XRUNS:
        strcpy(v->types, "i");
        v->i[0] = st->xruns > (uint64_t)INT_MAX ? INT_MAX : (int)st->xruns;
        return 0;
    case CAMSEP_OSC_E_STATUS_CAMERA:
        strcpy(v->types, "sf");
        set_text(v, st->camera_state, sizeof st->camera_state);
        v->f[0] = finite_or(st->camera_fps, 0.0f);
        return 0;
    case CAMSEP_OSC_E_STATUS_CAMERA_MOTION:
        strcpy(v->types, "ff");
        v->f[0] = finite_or(st->camera_motion_u, NAN);
        v->f[1] = finite_or(st->camera_motion_v, NAN);
        return 0;
    case CAMSEP_OSC_E_STATUS_REMOTE_PRIORS:
        strcpy(v->types, "siiiii");
        set_text(v, st->remote_state, sizeof st->remote_state);
        for (int k = 0; k < 5; k++)
            v->i[k] = st->remote[k] > (uint64_t)INT_MAX ? INT_MAX : (int)st->remote[k];
        return 0;
    case CAMSEP_OSC_E_STATUS_DSP_LOAD:
        strcpy(v->types, "f");
        v->f[0] = finite_or(st->dsp_load, 0.0f);
        return 0;
    case CAMSEP_OSC_E_STATUS_LATENCY:
        strcpy(v->types, "fi");
        v->f[0] = finite_or(st->latency_s, 0.0f);
        v->i[0] = st->latency_samples;
        return 0;
    case CAMSEP_OSC_E_SOUNDCHECK_STATUS:
        strcpy(v->types, "sffi");
        set_text(v, st->soundcheck_state, sizeof st->soundcheck_state);
        v->f[0] = finite_or(st->soundcheck_seconds, 0.0f);
        v->f[1] = fminf(1.0f, fmaxf(0.0f, finite_or(st->soundcheck_progress, 0.0f)));
        v->i[0] = st->soundcheck_player;
        return 0;
    case CAMSEP_OSC_E_SOUNDCHECK_MESSAGE:
        strcpy(v->types, "s");
        set_text(v, st->soundcheck_message, sizeof st->soundcheck_message);
        return 0;
    case CAMSEP_OSC_E_PLAYER_SOUNDCHECK:
        strcpy(v->types, "ff");
        v->f[0] = finite_or(p->soundcheck_alone_s, 0.0f);
        v->f[1] = finite_or(p->soundcheck_together_s, 0.0f);
        return 0;
    case CAMSEP_OSC_E_ASSOCIATE:
        strcpy(v->types, "ssfff");
        set_text(v, st->associate_pairing, sizeof st->associate_pairing);
        snprintf(v->s2, sizeof v->s2, "%.*s", (int)sizeof st->associate_state - 1, st->associate_state);
        v->f[0] = finite_or(st->associate_confidence, 0.0f);
        v->f[1] = finite_or(st->associate_evidence_s, 0.0f);
        v->f[2] = finite_or(st->associate_needed, 0.0f);
        return 0;
    case CAMSEP_OSC_E_PLAYERS_FOUND:
        strcpy(v->types, "sfis");
        set_text(v, st->found_state, sizeof st->found_state);
        v->f[0] = fminf(1.0f, fmaxf(0.0f, finite_or(st->found_progress, 0.0f)));
        v->i[0] = st->found_n < 0 ? 0 : st->found_n;
        snprintf(v->s2, sizeof v->s2, "%.*s", (int)sizeof st->found_message - 1, st->found_message);
        return 0;
    case CAMSEP_OSC_E_PLAYER_FOUND:
        strcpy(v->types, "fffff");
        v->f[0] = finite_or(p->found_box.x, 0.0f);
        v->f[1] = finite_or(p->found_box.y, 0.0f);
        v->f[2] = finite_or(p->found_box.w, 0.0f);
        v->f[3] = finite_or(p->found_box.h, 0.0f);
        v->f[4] = fminf(1.0f, fmaxf(0.0f, finite_or(p->found_share, 0.0f)));
        return 0;
    case CAMSEP_OSC_E_ASSOCIATE_APPLY:
    case CAMSEP_OSC_E_PLAYERS_FIND:
    case CAMSEP_OSC_E_PLAYERS_FIND_CANCEL:
    case CAMSEP_OSC_E_PLAYERS_FOUND_APPLY:
    case CAMSEP_OSC_E_SOUNDCHECK_START:
    case CAMSEP_OSC_E_SOUNDCHECK_STOP:
    case CAMSEP_OSC_E_SOUNDCHECK_CANCEL:
    case CAMSEP_OSC_E_SUBSCRIBE:
    case CAMSEP_OSC_E_UNSUBSCRIBE:
    case CAMSEP_OSC_E_ERROR:
    case CAMSEP_OSC_E_COUNT:
        break;
    }
    return -1;
}

int camsep_osc_value_equal(const camsep_osc_value *a, const camsep_osc_value *b)
{
    if (strcmp(a->types, b->types) != 0 || strcmp(a->s, b->s) != 0 || strcmp(a->s2, b->s2) != 0)
        return 0;
    for (size_t k = 0; k < sizeof a->f / sizeof a->f[0]; k++)
        if (a->f[k] != b->f[k] && !(isnan(a->f[k]) && isnan(b->f[k])))
            return 0;
    return !memcmp(a->i, b->i, sizeof a->i);
}

int camsep_osc_format_path(char *buf, size_t len, const char *prefix, const camsep_osc_entry *e, int player)
{
    int n;
    if (e->flags & CAMSEP_OSC_F_PLAYER)
        n = snprintf(buf, len, "%s/player/%d%s", prefix, player + 1, e->path + 9);
    else
        n = snprintf(buf, len, "%s%s", prefix, e->path);
    return (n < 0 || (size_t)n >= len) ? -1 : n;
}

int camsep_osc_prefix_valid(const char *prefix)
{
    if (!prefix || prefix[0] != '/')
        return 0;
    size_t n = strlen(prefix);
    if (n < 2 || n > 64 || prefix[n - 1] == '/')
        return 0;
    for (size_t i = 1; i < n; i++) {
        char c = prefix[i];
        if (c == '/') {
            if (prefix[i - 1] == '/')
                return 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

void camsep_osc_fmt_num(char *buf, size_t len, double x)
{
    snprintf(buf, len, "%g", x);
    /* %g writes digits, sign, exponent, inf/nan and the locale's decimal
     * point: whatever else appears is that decimal point. */
    for (char *c = buf; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == 'e' || *c == 'i' || *c == 'n' ||
              *c == 'f' || *c == 'a'))
            *c = '.';
}

/* ---- documentation ---- */

/* Markdown table cell text: '|' would end the cell. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static const char *direction(const camsep_osc_entry *e)
{
    if (e->flags & CAMSEP_OSC_F_OUT)
        return "out";
    if (camsep_osc_entry_is_action(e))
        return "action";
    if ((e->flags & (CAMSEP_OSC_F_SET | CAMSEP_OSC_F_QUERY)) == (CAMSEP_OSC_F_SET | CAMSEP_OSC_F_QUERY))
        return "set/query";
    if (e->flags & CAMSEP_OSC_F_SET)
        return "set";
    return "query";
}

static void range_text(const camsep_osc_entry *e, char *buf, size_t len)
{
    if (e->args == CAMSEP_OSC_ARGS_ACTION_FIND) {
        char lo[32], hi[32], slo[32], shi[32];
        camsep_osc_fmt_num(lo, sizeof lo, e->min);
        camsep_osc_fmt_num(hi, sizeof hi, e->max);
        camsep_osc_fmt_num(slo, sizeof slo, CAMSEP_OSC_FIND_SECONDS_MIN);
        camsep_osc_fmt_num(shi, sizeof shi, CAMSEP_OSC_FIND_SECONDS_MAX);
        snprintf(buf, len, "%s..%s %s, %s..%s s", lo, hi, e->units, slo, shi);
        return;
    }
    if (e->args == CAMSEP_OSC_ARGS_NUMBER || e->args == CAMSEP_OSC_ARGS_BOX || e->args == CAMSEP_OSC_ARGS_PRESET ||
        e->args == CAMSEP_OSC_ARGS_ACTION_PLAYER) {
        char lo[32], hi[32];
        camsep_osc_fmt_num(lo, sizeof lo, e->min);
        camsep_osc_fmt_num(hi, sizeof hi, e->max);
        snprintf(buf, len, "%s..%s %s", lo, hi, e->units);
    }
    else
        snprintf(buf, len, "%s", e->units);
}

static const char *feedback_text(const camsep_osc_entry *e)
{
    if (e->flags & CAMSEP_OSC_F_STATE)
        return "state";
    if (e->flags & CAMSEP_OSC_F_METER)
        return "meters";
    return "-";
}

void camsep_osc_print_doc_prefix(FILE *f, int markdown, const char *prefix)
{
    int n;
    const camsep_osc_entry *t = camsep_osc_table(&n);
    if (!camsep_osc_prefix_valid(prefix))
        prefix = CAMSEP_OSC_DEFAULT_PREFIX;
    if (markdown) {
        fprintf(f, "# camsep OSC address space\n\n"
                   "Prefix `%s`; UDP and TCP on the same port (default %s). `N` is a player, 1..%d.\n"
                   "Numbers may be sent as `i`, `f`, `h`, `d` or `T`/`F`; booleans as `T`/`F`, 0/1 or "
                   "0.0/1.0. A message without arguments is a query: the reply (types in *Reply*) goes "
                   "to the sender on the same protocol; but an *action* (Use) is done without arguments. "
                   "Rejected messages get `%s/error ss` (address, "
                   "reason); nothing changes. Bundles are accepted (elements run at once). OSC 1.0 "
                   "address patterns (`?` `*` `[1-3]` `{1,4}`, within one part) after the prefix reach "
                   "every address they match but the actions: `%s/player/*/mute 1` mutes everyone.\n\n",
                prefix, CAMSEP_OSC_DEFAULT_PORT, CAMSEP_OSC_MAX_PLAYERS, prefix, prefix);
        fprintf(f, "| Address | Args | Range / units | Use | Reply | Feedback | Description | Example |\n");
        fprintf(f, "|---|---|---|---|---|---|---|---|\n");
    } else {
        fprintf(f, "# camsep OSC address space: prefix %s, UDP and TCP port %s (default), N = player 1..%d\n",
                prefix, CAMSEP_OSC_DEFAULT_PORT, CAMSEP_OSC_MAX_PLAYERS);
        fprintf(f, "# numbers: i f h d T F; booleans: T F 0 1; no argument = query (reply to sender), or\n"
                   "# the action itself (use = action); rejected: %s/error ss (address, reason);\n"
                   "# patterns ? * [1-3] {1,4} reach every match but the actions\n",
                prefix);
        fprintf(f, "# %-34s %-20s %-28s %-9s %-5s %-6s %s\n", "address", "args", "range/units", "use", "reply",
                "feed", "description [example]");
    }
    for (int i = 0; i < n; i++) {
        const camsep_osc_entry *e = &t[i];
        char range[192], path[160];
        range_text(e, range, sizeof range);
        snprintf(path, sizeof path, "%s%s", prefix, e->path);
        if (markdown) {
            fprintf(f, "| `%s` | `", path);
            md_text(f, e->types);
            fprintf(f, "` | ");
            md_text(f, range);
            fprintf(f, " | %s | `%s` | %s | ", direction(e), e->reply, feedback_text(e));
            md_text(f, e->doc);
            fprintf(f, " | ");
            if (e->example[0]) {
                fprintf(f, "`%s ", path);
                md_text(f, e->example);
                fputc('`', f);
            }
            fprintf(f, " |\n");
        } else {
            fprintf(f, "%-36s %-20s %-28s %-9s %-5s %-6s %s", path, e->types, range, direction(e), e->reply,
                    feedback_text(e), e->doc);
            if (e->example[0])
                fprintf(f, " [%s %s]", path, e->example);
            fputc('\n', f);
        }
    }
}

void camsep_osc_print_doc(FILE *f, int markdown)
{
    camsep_osc_print_doc_prefix(f, markdown, CAMSEP_OSC_DEFAULT_PREFIX);
}
