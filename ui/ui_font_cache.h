/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * For programs (the demo, the tests), at exit: frees cairo's and fontconfig's
 * font caches so that LeakSanitizer sees a clean exit in the CAMSEP_SANITIZE
 * builds. Never from the library: a host may still use fonts.
 */
#ifndef CAMSEP_UI_FONT_CACHE_H
#define CAMSEP_UI_FONT_CACHE_H

void ui_release_font_caches(void);

#endif
