/*
 * camsep.lv2's UI (camsep_ui.so): URIs shared by the UI and the Turtle
 * generator (camsep_lv2_ttlgen.c).
 */
#ifndef CAMSEP_LV2_UI_H
#define CAMSEP_LV2_UI_H

#include "camsep_lv2_catalog.h"

#define CAMSEP_LV2_UI_URI CAMSEP_LV2_URI ":ui"  /* a ui:X11UI */
#define CAMSEP_LV2_UI_BINARY_STEM "camsep_ui"   /* + the module suffix, in the bundle */

#endif
