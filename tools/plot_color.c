/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-plot: colour maps.
 */
#include "plot_color.h"

#include <math.h>

static double clamp01(double v)
{
    if (!(v > 0.0))  /* also NaN */
        return 0.0;
    return v > 1.0 ? 1.0 : v;
}

static plot_rgb rgb_hex(uint32_t hex)
{
    plot_rgb c = { ((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                   (hex & 0xff) / 255.0 };
    return c;
}

plot_rgb plot_mix(plot_rgb a, plot_rgb b, double t)
{
    plot_rgb c = { a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t };
    return c;
}

plot_rgb plot_magma(double v)
{
    /* Eleven evenly spaced control points, interpolated linearly. */
    static const uint32_t stops[] = { 0x000004, 0x140e36, 0x3b0f70, 0x641a80,
                                      0x8c2981, 0xb73779, 0xde4968, 0xf7705c,
                                      0xfe9f6d, 0xfecf92, 0xfcfdbf };
    const int last = (int)(sizeof stops / sizeof stops[0]) - 1;
    double x = clamp01(v) * last;
    int i = (int)floor(x);
    if (i >= last)
        return rgb_hex(stops[last]);
    return plot_mix(rgb_hex(stops[i]), rgb_hex(stops[i + 1]), x - i);
}

plot_rgb plot_stem_colour(int j)
{
    /* Colour-blind-friendly hues that read on black (masks) and white (curves). */
    static const uint32_t hues[] = { 0xe69f00, 0x56b4e9, 0x009e73, 0xcc79a7,
                                     0xd55e00, 0x2f7fd0, 0xb8a200, 0x8c8c8c };
    const int n = (int)(sizeof hues / sizeof hues[0]);
    return rgb_hex(hues[((j % n) + n) % n]);
}

plot_rgb plot_mask_colour(double m, plot_rgb hue)
{
    const double knee = 0.75;
    const plot_rgb black = { 0.0, 0.0, 0.0 }, white = { 1.0, 1.0, 1.0 };
    m = clamp01(m);
    if (m <= knee)
        return plot_mix(black, hue, m / knee);
    return plot_mix(hue, white, 0.55 * (m - knee) / (1.0 - knee));
}

plot_rgb plot_quiet_colour(void)
{
    return rgb_hex(0x2e2e33);
}

uint32_t plot_pixel(plot_rgb c)
{
    uint32_t r = (uint32_t)lround(clamp01(c.r) * 255.0);
    uint32_t g = (uint32_t)lround(clamp01(c.g) * 255.0);
    uint32_t b = (uint32_t)lround(clamp01(c.b) * 255.0);
    return 0xff000000u | (r << 16) | (g << 8) | b;
}
