/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Drawing without X, on a cairo image surface: the picture lands where the
 * layout says (a known pattern's grey levels at their scaled positions), the
 * boxes at their places in their player's colour, tinted by the prior, with a
 * label; the meters are as high as their values; the luma conversion; boxes
 * found in the picture dashed in the colour of the player each would become,
 * with a label along their bottom. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ui_draw.h"
#include "ui_font_cache.h"
#include "ui_image.h"
#include "ui_layout.h"
#include "ui_meter.h"

#define FW 160
#define FH 120
#define WW 640
#define WH 400

static uint8_t frame[FH][FW];

/* quadrants of known grey levels */
static int grey_at(int x, int y) { return x < FW / 2 ? (y < FH / 2 ? 30 : 90) : (y < FH / 2 ? 160 : 220); }

static void pixel(cairo_surface_t *s, double wx, double wy, double rgb[3])
{
    const int x = (int)floor(wx), y = (int)floor(wy);
    CHECK_MSG(x >= 0 && y >= 0 && x < cairo_image_surface_get_width(s) && y < cairo_image_surface_get_height(s),
              "pixel (%d, %d) outside the image", x, y);
    const uint32_t p = *(const uint32_t *)(const void *)(cairo_image_surface_get_data(s) +
                                                         (size_t)y * (size_t)cairo_image_surface_get_stride(s) +
                                                         4 * (size_t)x);
    rgb[0] = ((p >> 16) & 0xff) / 255.0;
    rgb[1] = ((p >> 8) & 0xff) / 255.0;
    rgb[2] = (p & 0xff) / 255.0;
}

static int close_to(const double a[3], const double b[3], double tol)
{
    return fabs(a[0] - b[0]) <= tol && fabs(a[1] - b[1]) <= tol && fabs(a[2] - b[2]) <= tol;
}

static void frame_point(const ui_layout *l, double fx, double fy, double *wx, double *wy)
{
    ui_layout_frame_to_window(l, fx, fy, wx, wy);
}

/* the rows of a bar (at its horizontal middle) whose colour is near rgb */
static int bar_rows(cairo_surface_t *s, ui_rect bar, const double rgb[3])
{
    int rows = 0;
    for (int y = (int)ceil(bar.y); y < (int)floor(bar.y + bar.h); y++) {
        double p[3];
        pixel(s, bar.x + bar.w / 2.0, y + 0.5, p);
        rows += close_to(p, rgb, 0.02);
    }
    return rows;
}

static void test_layout(void)
{
    ui_layout l;
    ui_layout_compute(&l, WW, WH, FW, FH, 2);
    CHECK(fabs(l.meters.w - (2 * UI_METER_MARGIN + 2 * UI_METER_COLUMN)) < 1e-9);
    CHECK(fabs(l.status.h - UI_STATUS_HEIGHT) < 1e-9 && fabs(l.status.y + l.status.h - WH) < 1e-9);
    /* aspect kept, centred, inside the video area */
    CHECK(fabs(l.image.w / l.image.h - (double)FW / FH) < 1e-9);
    CHECK(l.image.x >= 0.0 && l.image.x + l.image.w <= l.video.w + 1e-9 && l.image.h <= l.video.h + 1e-9);
    CHECK(fabs((l.image.x - l.video.x) - (l.video.x + l.video.w - l.image.x - l.image.w)) < 1e-9);
    double fx, fy, wx, wy;
    ui_layout_frame_to_window(&l, 40, 30, &wx, &wy);
    ui_layout_window_to_frame(&l, wx, wy, &fx, &fy);
    CHECK(fabs(fx - 40) < 1e-9 && fabs(fy - 30) < 1e-9);
    /* a tall frame: fitted by height */
    ui_layout_compute(&l, WW, WH, 100, 1000, 1);
    CHECK(fabs(l.image.h - l.video.h) < 1e-9 && l.image.w < l.video.w);
    /* no frame: no image, no scale */
    ui_layout_compute(&l, WW, WH, 0, 0, 3);
    CHECK(l.scale == 0.0 && l.image.w == 0.0);
    CHECK(ui_layout_meter_hit(&l, l.meters.x + UI_METER_MARGIN + 1.5 * UI_METER_COLUMN, 100) == 1);
    CHECK(ui_layout_meter_hit(&l, 10, 100) == -1);
}

static void test_image_conversion(void)
{
    uint8_t luma[3 * 8]; /* 3 x 2 with stride 8 */
    memset(luma, 0, sizeof luma);
    luma[0] = 10, luma[1] = 20, luma[2] = 30, luma[8] = 40, luma[9] = 50, luma[10] = 60;
    cairo_surface_t *s = NULL;
    CHECK(ui_image_from_luma(&s, luma, 3, 2, 8) == 0 && s);
    double p[3];
    pixel(s, 2, 1, p);
    CHECK(fabs(p[0] - 60 / 255.0) < 1e-9 && fabs(p[1] - p[0]) < 1e-9 && fabs(p[2] - p[0]) < 1e-9);
    pixel(s, 0, 0, p);
    CHECK(fabs(p[0] - 10 / 255.0) < 1e-9);
    cairo_surface_t *same = s;
    CHECK(ui_image_from_luma(&s, luma, 3, 2, 8) == 0 && s == same); /* reused */
    CHECK(ui_image_from_luma(&s, luma, 2, 2, 8) == 0 && cairo_image_surface_get_width(s) == 2);
    CHECK(ui_image_from_luma(&s, luma, 4, 2, 3) == -1); /* stride < width */
    cairo_surface_destroy(s);
    CHECK(ui_image_filter(0.5) == CAIRO_FILTER_GOOD && ui_image_filter(2.0) == CAIRO_FILTER_BILINEAR);
}

static void test_meter_maths(void)
{
    CHECK(fabsf(ui_meter_level_fraction(-30.0f) - 0.5f) < 1e-6f);
    CHECK(ui_meter_level_fraction(-90.0f) == 0.0f && ui_meter_level_fraction(6.0f) == 1.0f);
    CHECK(ui_meter_level_fraction(NAN) == 0.0f && ui_meter_motion_fraction(NAN) == 0.0f);
    ui_peak p;
    ui_peak_reset(&p);
    CHECK(isinf(p.db));
    CHECK(ui_peak_update(&p, -10.0f, 0.0) == -10.0f);
    CHECK(ui_peak_update(&p, -20.0f, 1.0) == -10.0f);  /* held */
    CHECK(ui_peak_update(&p, NAN, 1.4) == -10.0f);     /* still held */
    const float fallen = ui_peak_update(&p, NAN, 2.0); /* 0.5 s past the hold: 10 dB lower */
    CHECK(fabsf(fallen - -20.0f) < 1e-3f);
    CHECK(fabsf(ui_peak_update(&p, NAN, 2.5) - -30.0f) < 1e-3f);
    CHECK(ui_peak_update(&p, -5.0f, 2.6) == -5.0f); /* a new peak */
    CHECK(isinf(ui_peak_update(&p, NAN, 10.0)));    /* fell off the scale */
}

/* The picture of four grey quadrants as a cairo image. */
static cairo_surface_t *quadrant_image(void)
{
    for (int y = 0; y < FH; y++)
        for (int x = 0; x < FW; x++)
            frame[y][x] = (uint8_t)grey_at(x, y);
    cairo_surface_t *image = NULL;
    CHECK(ui_image_from_luma(&image, &frame[0][0], FW, FH, FW) == 0);
    return image;
}

static void test_drawing(void)
{
    cairo_surface_t *image = quadrant_image();

    ui_box_edit edit;
    ui_box_edit_init(&edit, 3);
    ui_box_edit_set_frame_size(&edit, FW, FH);
    const camsep_box boxes[3] = {{10, 10, 40, 30}, {90, 70, 50, 40}, {0, 0, 0, 0}};
    ui_box_edit_set_host(&edit, boxes, 3, 0.0);
    /* a pending box drawn in the bottom-left quadrant */
    edit.pending = (camsep_box){10, 70, 40, 30};
    edit.has_pending = 1;

    ui_view v;
    memset(&v, 0, sizeof v);
    ui_layout_compute(&v.layout, WW, WH, FW, FH, 3);
    v.image = image;
    v.edit = &edit;
    v.n_players = 3;
    const char *names[3] = {"Anna", "Ben", "Cleo"}, *ins[3] = {"violin", "", NULL};
    const float motion[3] = {1.0f, NAN, 0.0f}, level[3] = {-30.0f, NAN, -6.0f}, peak[3] = {-6.0f, -INFINITY, -3.0f};
    for (int j = 0; j < 3; j++) {
        v.name[j] = names[j];
        v.instrument[j] = ins[j];
        v.motion[j] = motion[j];
        v.level_db[j] = level[j];
        v.peak_db[j] = peak[j];
    }
    v.motion[0] = 0.25f; /* the meter height check uses 0.25; the tint check below uses it too */
    v.status = "camera running 30.0 fps | DSP 12 % | xruns 0";

    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WW, WH);
    cairo_t *cr = cairo_create(s);
    ui_draw(cr, &v);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    if (getenv("UI_TEST_PNG"))
        cairo_surface_write_to_png(s, getenv("UI_TEST_PNG"));

    const ui_layout *l = &v.layout;
    double wx, wy, p[3];
    /* the picture: each quadrant's grey at its scaled place (points away from boxes and edges) */
    const int pts[4][2] = {{70, 52}, {150, 10}, {60, 110}, {150, 112}};
    for (int k = 0; k < 4; k++) {
        frame_point(l, pts[k][0] + 0.5, pts[k][1] + 0.5, &wx, &wy);
        pixel(s, wx, wy, p);
        const double g = grey_at(pts[k][0], pts[k][1]) / 255.0;
        const double want[3] = {g, g, g};
        CHECK_MSG(close_to(p, want, 2.0 / 255.0), "picture at frame (%d, %d): %.3f, want %.3f", pts[k][0],
                  pts[k][1], p[0], g);
    }
    /* letterbox: outside the image but in the video area, not the picture */
    pixel(s, l->video.x + l->video.w / 2.0, l->image.y + l->image.h + 2.0, p);
    CHECK(l->image.y + l->image.h + 2.0 >= l->video.h || p[0] < 0.1);

    /* player 1's box: outline in its colour on the left edge, tint inside */
    double c0[3];
    ui_player_colour(0, c0);
    frame_point(l, 10, 25, &wx, &wy);
    pixel(s, wx, wy, p);
    CHECK_MSG(close_to(p, c0, 2.0 / 255.0), "outline %.3f %.3f %.3f", p[0], p[1], p[2]);
    frame_point(l, 30, 32, &wx, &wy); /* below the label, inside */
    pixel(s, wx, wy, p);
    const double a0 = ui_box_tint_alpha(0.25f), g0 = 30 / 255.0;
    const double tint0[3] = {g0 * (1 - a0) + c0[0] * a0, g0 * (1 - a0) + c0[1] * a0, g0 * (1 - a0) + c0[2] * a0};
    CHECK_MSG(close_to(p, tint0, 3.0 / 255.0), "tint %.3f %.3f %.3f want %.3f %.3f %.3f", p[0], p[1], p[2],
              tint0[0], tint0[1], tint0[2]);
    /* its label strip: along the top inside the box, clearly not the tinted picture */
    frame_point(l, 10, 10, &wx, &wy);
    int label = 0;
    for (int dy = 3; dy < (int)UI_LABEL_HEIGHT - 2; dy += 3)
        for (int dx = 3; dx < 40; dx += 3) {
            pixel(s, wx + dx, wy + dy, p);
            label += !close_to(p, tint0, 0.1);
        }
    CHECK_MSG(label > 30, "label pixels %d", label);

    /* player 2: prior unknown (NaN): no tint, the picture as it is; outline in its colour */
    double c1[3];
    ui_player_colour(1, c1);
    frame_point(l, 115, 100, &wx, &wy);
    pixel(s, wx, wy, p);
    const double g1[3] = {220 / 255.0, 220 / 255.0, 220 / 255.0};
    CHECK(close_to(p, g1, 2.0 / 255.0));
    frame_point(l, 140, 90, &wx, &wy); /* right edge */
    pixel(s, wx, wy, p);
    CHECK(close_to(p, c1, 2.0 / 255.0));

    /* the pending box: a dashed white outline somewhere along its bottom edge */
    int white = 0;
    for (double fx = 12; fx < 48; fx += 0.25) {
        frame_point(l, fx, 100, &wx, &wy);
        pixel(s, wx, wy, p);
        white += p[0] > 0.97 && p[1] > 0.97 && p[2] > 0.97;
    }
    CHECK_MSG(white > 10, "white %d", white);

    /* meters: heights proportional to the values */
    ui_rect mb, lb;
    ui_meter_bars(l, 0, &mb, &lb);
    int rows = bar_rows(s, mb, c0);
    CHECK_MSG(abs(rows - (int)lround(0.25 * mb.h)) <= 2, "motion rows %d of %.0f", rows, mb.h);
    const double green[3] = {0.3, 0.8, 0.35};
    rows = bar_rows(s, lb, green);
    CHECK_MSG(abs(rows - (int)lround(0.5 * lb.h)) <= 3, "level rows %d of %.0f", rows, lb.h); /* minus the peak line */
    /* the held peak: a white line at -6 dB */
    const double peak_y = lb.y + lb.h * (1.0 - ui_meter_level_fraction(-6.0f)); /* a 2-pixel line around it */
    pixel(s, lb.x + lb.w / 2.0, ceil(peak_y - 1.0) + 0.5, p);
    CHECK(p[0] > 0.97 && p[1] > 0.97 && p[2] > 0.97);
    /* player 3: motion 0 (empty bar), level -6 dB (amber, 90 %) */
    double c2[3];
    ui_player_colour(2, c2);
    ui_meter_bars(l, 2, &mb, &lb);
    CHECK(bar_rows(s, mb, c2) == 0);
    const double amber[3] = {0.95, 0.8, 0.2};
    rows = bar_rows(s, lb, amber);
    CHECK_MSG(abs(rows - (int)lround(0.9 * lb.h)) <= 4, "level rows %d of %.0f", rows, lb.h);
    /* player 2: nothing known, empty bars */
    ui_meter_bars(l, 1, &mb, &lb);
    CHECK(bar_rows(s, mb, c1) == 0 && bar_rows(s, lb, green) == 0);

    /* the status line has text in it */
    int light = 0;
    for (double x = 8; x < 200; x += 1)
        for (double y = l->status.y + 4; y < l->status.y + l->status.h - 3; y += 1) {
            pixel(s, x, y, p);
            light += p[0] > 0.6;
        }
    CHECK_MSG(light > 40, "status pixels %d", light);

    /* selecting a box draws it thicker with handles; no picture draws no boxes */
    edit.selected = 0;
    cr = cairo_create(s);
    ui_draw(cr, &v);
    v.image = NULL;
    ui_draw(cr, &v);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);

    cairo_surface_destroy(s);
    cairo_surface_destroy(image);
}

/* The fraction of points along a frame-pixel segment whose colour is near rgb. */
static double edge_share(cairo_surface_t *s, const ui_layout *l, double fx0, double fy0, double fx1, double fy1,
                         const double rgb[3])
{
    int on = 0, all = 0;
    for (double t = 0.0; t <= 1.0; t += 0.01, all++) {
        double wx, wy, p[3];
        ui_layout_frame_to_window(l, fx0 + t * (fx1 - fx0), fy0 + t * (fy1 - fy0), &wx, &wy);
        pixel(s, wx, wy, p);
        on += close_to(p, rgb, 2.0 / 255.0);
    }
    return (double)on / all;
}

static void test_found_boxes(void)
{
    cairo_surface_t *image = quadrant_image();
    ui_box_edit edit;
    ui_box_edit_init(&edit, 2);
    ui_box_edit_set_frame_size(&edit, FW, FH);
    const camsep_box boxes[2] = {{10, 10, 40, 30}, {0, 0, 0, 0}};
    ui_box_edit_set_host(&edit, boxes, 2, 0.0);
    ui_view v;
    memset(&v, 0, sizeof v);
    ui_layout_compute(&v.layout, WW, WH, FW, FH, 2);
    v.image = image;
    v.edit = &edit;
    v.n_players = 2;
    const char *names[2] = {"Anna", "Ben"};
    for (int j = 0; j < 2; j++) {
        v.name[j] = names[j];
        v.motion[j] = NAN;
        v.level_db[j] = NAN;
        v.peak_db[j] = -INFINITY;
    }
    /* player 1's box stays where it is; two found boxes to the right */
    v.n_found = 2;
    v.found[0] = (camsep_box){90, 8, 30, 40};
    v.found[1] = (camsep_box){125, 8, 30, 40};
    v.found_share[0] = 0.4f;
    v.found_share[1] = 0.6f;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WW, WH);
    for (int pass = 0; pass < 2; pass++) {
        cairo_t *cr = cairo_create(s);
        ui_draw(cr, &v);
        cairo_destroy(cr);
        cairo_surface_flush(s);
        double c0[3], c1[3];
        ui_player_colour(0, c0);
        ui_player_colour(1, c1);
        const double left0 = edge_share(s, &v.layout, 90, 10, 90, 36, c0);
        const double left1 = edge_share(s, &v.layout, 125, 10, 125, 36, c1);
        const double top0 = edge_share(s, &v.layout, 92, 8, 118, 8, c0);
        if (pass == 0 && getenv("UI_TEST_FOUND_PNG"))
            cairo_surface_write_to_png(s, getenv("UI_TEST_FOUND_PNG"));
        if (pass == 0) {
            /* dashed: part of each edge in the colour of the player it would become, part the picture */
            CHECK_MSG(left0 > 0.2 && left0 < 0.8 && left1 > 0.2 && left1 < 0.8 && top0 > 0.2 && top0 < 0.8,
                      "dashed edges: %.2f %.2f %.2f", left0, left1, top0);
            /* the label strip along the bottom, inside the box: not the picture's grey */
            int label = 0;
            for (double fx = 91; fx < 119; fx += 0.5) {
                double wx, wy, p[3];
                ui_layout_frame_to_window(&v.layout, fx, 46, &wx, &wy);
                pixel(s, wx, wy - 3.0, p);
                const double g = 160 / 255.0, grey[3] = {g, g, g};
                label += !close_to(p, grey, 0.05);
            }
            CHECK_MSG(label > 30, "found label pixels %d", label);
            /* player 1's own box is drawn as before: solid */
            CHECK(edge_share(s, &v.layout, 10, 12, 10, 38, c0) > 0.95);
            v.n_found = 0; /* hidden: the picture again */
        } else {
            CHECK_MSG(left0 == 0.0 && left1 == 0.0 && top0 == 0.0, "hidden: %.2f %.2f %.2f", left0, left1, top0);
        }
    }
    cairo_surface_destroy(s);
    cairo_surface_destroy(image);
}

int main(void)
{
    test_layout();
    test_image_conversion();
    test_meter_maths();
    test_drawing();
    test_found_boxes();
    ui_release_font_caches();
    return 0;
}
