/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ui_font_cache.h"

#include <cairo.h>
#ifdef CAMSEP_UI_FONTCONFIG_FINI
#include <fontconfig/fontconfig.h>
#endif

void ui_release_font_caches(void)
{
    cairo_debug_reset_static_data();
#ifdef CAMSEP_UI_FONTCONFIG_FINI
    FcFini();
#endif
}
