/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "video_boxes.h"

#include <stdio.h>
#include <string.h>

#include "optical_flow.h"
#include "y4m_source.h"

int video_boxes_find(const char *path, int players, int counted, double seconds, float threshold, video_boxes *out,
                     char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    camsep_frame_source *src = camsep_y4m_open(path, 0, err, errlen);
    if (!src)
        return -1;
    camsep_box_finder_config cfg;
    camsep_box_finder_config_default(&cfg);
    if (threshold > 0.0f)
        cfg.threshold = threshold;
    cfg.split_to_count = counted;
    if (cfg.columns > src->width)
        cfg.columns = src->width;
    camsep_flow *flow = camsep_flow_create(src->width, src->height, NULL);
    camsep_box_finder *bf = flow ? camsep_box_finder_create(src->width, src->height, &cfg) : NULL;
    int rc = 0;
    if (!bf) {
        snprintf(err, errlen, "%s: %dx%d: cannot analyse pictures of this size (or out of memory)", path, src->width,
                 src->height);
        rc = -1;
    }
    const double rate = src->frame_rate > 0.0 ? src->frame_rate : 30.0;
    while (rc == 0 && !(seconds > 0.0 && (double)out->frames >= seconds * rate)) {
        camsep_frame frame;
        char why[256];
        const camsep_source_status st = camsep_frame_source_read(src, &frame, 1000, why, sizeof why);
        if (st == CAMSEP_SOURCE_END)
            break;
        if (st != CAMSEP_SOURCE_OK) {
            snprintf(err, errlen, "%s: frame %ld: %s", path, out->frames + 1,
                     st == CAMSEP_SOURCE_AGAIN ? "no frame" : why);
            rc = -1;
            break;
        }
        out->frames++;
        if (camsep_flow_compute(flow, frame.luma, frame.stride) < 0) {
            snprintf(err, errlen, "%s: frame %ld: the picture changed size", path, out->frames);
            rc = -1;
            break;
        }
        camsep_box_finder_add(bf, flow);
    }
    if (rc == 0) {
        out->n = camsep_box_finder_propose(bf, players, out->box, out->share);
        out->seconds = (double)out->frames / rate;
        out->width = src->width;
        out->height = src->height;
    }
    camsep_box_finder_free(bf);
    camsep_flow_free(flow);
    camsep_frame_source_close(src);
    return rc;
}
