/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep.lv2 patch messages (audio thread): patch:Set of a dictionary file,
 * the ring name or a sound-check command goes to the worker; patch:Get is answered with the current
 * values; changes the worker made are announced with patch:Set on notify.
 */
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "lv2/atom/util.h"
#include "lv2/patch/patch.h"

#include "camsep_lv2.h"

void camsep_lv2_patch_begin(camsep_lv2 *self)
{
    if (!self->notify || !self->has_map)
        return;
    const uint32_t capacity = self->notify->atom.size;
    lv2_atom_forge_set_buffer(&self->forge, (uint8_t *)self->notify, capacity);
    if (!lv2_atom_forge_sequence_head(&self->forge, &self->notify_frame, 0)) {
        self->notify->atom.size = 0; /* not even room for the header */
        self->notify = NULL;
    }
}

static int player_of(const camsep_lv2 *self, LV2_URID key)
{
    for (int j = 0; j < self->players; j++)
        if (self->uris.dictionary[j] == key)
            return j;
    return -1;
}

static void handle_set(camsep_lv2 *self, const LV2_Atom_Object *obj)
{
    const LV2_Atom_URID *property = NULL;
    const LV2_Atom *value = NULL;
    lv2_atom_object_get(obj, self->uris.patch_property, (const LV2_Atom **)&property, self->uris.patch_value,
                        &value, 0);
    if (!property || property->atom.type != self->uris.atom_URID || !value)
        return;
    const LV2_URID key = property->body;
    int player = player_of(self, key);
    uint32_t type;
    if (player >= 0 && (value->type == self->uris.atom_Path || value->type == self->uris.atom_String))
        type = CAMSEP_MSG_SET_FILE;
    else if (key == self->uris.shm_name && value->type == self->uris.atom_String)
        type = CAMSEP_MSG_SET_SHM_NAME;
    else if (key == self->uris.soundcheck && value->type == self->uris.atom_String)
        type = CAMSEP_MSG_SOUNDCHECK;
    else
        return;
    const char *text = (const char *)LV2_ATOM_BODY_CONST(value);
    const uint32_t len = (uint32_t)strnlen(text, value->size);
    union {
        camsep_lv2_msg_text m;
        char bytes[sizeof(camsep_lv2_msg_text) + CAMSEP_LV2_PATH_MAX];
    } buf;
    if (type == CAMSEP_MSG_SOUNDCHECK) /* the worker decides; it needs to know whether the camera can */
        player = self->camera_state == CAMSEP_CAMERA_LIVE;
    const uint32_t size = camsep_lv2_msg_text_make(&buf, sizeof buf, type, player, text, len);
    if (size)
        camsep_lv2_dispatch(self, &buf, size); /* a full queue drops it, as a host would drop an event */
}

void camsep_lv2_patch_read(camsep_lv2 *self)
{
    if (!self->control || !self->has_map)
        return;
    LV2_ATOM_SEQUENCE_FOREACH (self->control, ev) {
        if (ev->body.type != self->uris.atom_Object)
            continue;
        const LV2_Atom_Object *obj = (const LV2_Atom_Object *)&ev->body;
        if (obj->body.otype == self->uris.patch_Set) {
            handle_set(self, obj);
        } else if (obj->body.otype == self->uris.patch_Get) {
            const LV2_Atom_URID *property = NULL;
            lv2_atom_object_get(obj, self->uris.patch_property, (const LV2_Atom **)&property, 0);
            if (!property) {
                self->notify_pending |= (1u << self->players) - 1u; /* everything */
                self->notify_pending |= CAMSEP_LV2_NOTIFY_SHM_NAME | CAMSEP_LV2_NOTIFY_SOUNDCHECK;
            } else if (property->atom.type == self->uris.atom_URID) {
                const LV2_URID k = property->body;
                const int player = player_of(self, k);
                if (player >= 0)
                    self->notify_pending |= 1u << player;
                else if (k == self->uris.shm_name)
                    self->notify_pending |= CAMSEP_LV2_NOTIFY_SHM_NAME;
                else if (k == self->uris.soundcheck_state || k == self->uris.soundcheck_progress ||
                         k == self->uris.soundcheck_message || k == self->uris.soundcheck)
                    self->notify_pending |= CAMSEP_LV2_NOTIFY_SOUNDCHECK;
                else if (k == self->uris.soundcheck_notice)
                    self->notify_pending |= CAMSEP_LV2_NOTIFY_SOUNDCHECK_NOTICE;
            }
        }
    }
}

/* patch:Set of key to a path or string (text), or a float (number). */
static int write_set(camsep_lv2 *self, LV2_URID key, LV2_URID type, const char *text, float number)
{
    LV2_Atom_Forge *forge = &self->forge;
    LV2_Atom_Forge_Frame frame;
    const uint32_t len = text ? (uint32_t)strlen(text) : 0;
    return lv2_atom_forge_frame_time(forge, 0) && lv2_atom_forge_object(forge, &frame, 0, self->uris.patch_Set) &&
           lv2_atom_forge_key(forge, self->uris.patch_property) && lv2_atom_forge_urid(forge, key) &&
           lv2_atom_forge_key(forge, self->uris.patch_value) &&
           (type == self->uris.atom_Path    ? lv2_atom_forge_path(forge, text, len)
            : type == self->uris.atom_Float ? lv2_atom_forge_float(forge, number)
                                            : lv2_atom_forge_string(forge, text, len)) &&
           (lv2_atom_forge_pop(forge, &frame), 1);
}

/* The sound check's state, progress and message, then a refused command. */
static void write_soundcheck(camsep_lv2 *self)
{
    const camsep_lv2_sc_status *st = &self->sc_status;
    const camsep_lv2_uris *u = &self->uris;
    if ((self->notify_pending & CAMSEP_LV2_NOTIFY_SOUNDCHECK) &&
        write_set(self, u->soundcheck_state, u->atom_String, camsep_lv2_sc_state_name(st->state), 0.0f) &&
        write_set(self, u->soundcheck_progress, u->atom_Float, NULL, st->progress) &&
        write_set(self, u->soundcheck_message, u->atom_String, st->message, 0.0f))
        self->notify_pending &= ~CAMSEP_LV2_NOTIFY_SOUNDCHECK;
    if ((self->notify_pending & CAMSEP_LV2_NOTIFY_SOUNDCHECK_NOTICE) &&
        write_set(self, u->soundcheck_notice, u->atom_String, st->notice, 0.0f))
        self->notify_pending &= ~CAMSEP_LV2_NOTIFY_SOUNDCHECK_NOTICE;
}

void camsep_lv2_patch_end(camsep_lv2 *self)
{
    if (!self->notify || !self->has_map)
        return;
    for (int j = 0; j < self->players; j++) {
        if (!(self->notify_pending & (1u << j)))
            continue;
        if (!write_set(self, self->uris.dictionary[j], self->uris.atom_Path, self->rt_file[j], 0.0f))
            break; /* no room: the rest goes out next time */
        self->notify_pending &= ~(1u << j);
    }
    if ((self->notify_pending & (CAMSEP_LV2_NOTIFY_SHM_NAME)) &&
        write_set(self, self->uris.shm_name, self->uris.atom_String, self->rt_shm_name, 0.0f))
        self->notify_pending &= ~(CAMSEP_LV2_NOTIFY_SHM_NAME);
    write_soundcheck(self);
    lv2_atom_forge_pop(&self->forge, &self->notify_frame);
}
