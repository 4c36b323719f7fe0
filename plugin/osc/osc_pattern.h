/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * OSC 1.0 address patterns: '?', '*', '[...]' (ranges, '!' negation) and
 * '{a,b}' match within one part of an address ('/' separates parts; a
 * pattern matches addresses with as many parts). A message sent to a pattern
 * goes to every address of the table that it matches: '*' for N in
 * /camsep/player/N/mute mutes every player, and a query of
 * /camsep/player/{1,3}/gain gets two replies. The prefix is matched literally.
 * Output-only addresses and (un)subscribe are never matched by a pattern.
 * Pure functions, any thread; no allocation.
 */
#ifndef CAMSEP_OSC_PATTERN_H
#define CAMSEP_OSC_PATTERN_H

#include "osc_table.h"

/* Whether an address (after the prefix) contains pattern characters. */
int camsep_osc_is_pattern(const char *path);

/* Calls fn once per table address (after the prefix) that pattern matches,
 * for players 1..n_players, in table order; returns how many matched. */
typedef void (*camsep_osc_match_fn)(const camsep_osc_entry *e, int player, const char *path, void *user);
int camsep_osc_match(const char *pattern, int n_players, camsep_osc_match_fn fn, void *user);

#endif
