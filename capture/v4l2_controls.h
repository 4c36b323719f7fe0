/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Camera controls given as "NAME=VALUE" (--camera-control), set on an open
 * V4L2 device.
 *
 * NAME is a control's name as v4l2-ctl spells it (the driver's name in lower
 * case, every run of other characters one '_': "Exposure, Auto" is
 * exposure_auto), compared ignoring '_' and case; a few names are also known
 * by their control ID so that they work across kernel versions (exposure_auto
 * = auto_exposure, exposure_absolute = exposure_time_absolute,
 * exposure_dynamic_framerate = exposure_auto_priority, white_balance_automatic
 * = white_balance_temperature_auto); or the ID itself (0x009a0901). VALUE is
 * an integer, or for a menu control an item's name ("50hz", "manual").
 * Errors name the control and say why: unknown (with the device's controls),
 * out of range (with the range), read-only, or refused by the driver.
 *
 * Threading: called by the thread that owns the device.
 */
#ifndef CAMSEP_V4L2_CONTROLS_H
#define CAMSEP_V4L2_CONTROLS_H

#include <stddef.h>
#include <stdio.h>

#include "v4l2_device.h"

#define CAMSEP_V4L2_MAX_CONTROLS 16
#define CAMSEP_V4L2_CONTROL_LEN 96 /* bytes of one "NAME=VALUE", with its NUL */

/* Syntax only (the device is not asked): 0, or -1 with the reason in err. */
int camsep_v4l2_control_check(const char *spec, char *err, size_t errlen);

/* Sets the controls on fd in order. 0, or -1 with the first failure in err. */
int camsep_v4l2_apply_controls(const camsep_v4l2_device *d, int fd, const char (*specs)[CAMSEP_V4L2_CONTROL_LEN],
                               int n, char *err, size_t errlen);

/* Prints the device's controls (name, type, range or menu, current value),
 * one a line, each prefixed by indent. */
void camsep_v4l2_print_controls(const camsep_v4l2_device *d, int fd, const char *indent, FILE *out);

#endif
