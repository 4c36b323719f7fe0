/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Frame sources: where the capture side gets its pictures from (a V4L2
 * camera, a Y4M file or pipe, a test pattern). Every source delivers 8-bit
 * luma frames with a capture timestamp; colour is not needed for motion.
 *
 * Threading: a source is owned by one capture thread; none of these calls is
 * real-time safe (they may block up to the timeout and do I/O).
 */
#ifndef CAMSEP_FRAME_SOURCE_H
#define CAMSEP_FRAME_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "camsep_video_types.h"

typedef enum camsep_source_status {
    CAMSEP_SOURCE_OK = 0,      /* a frame was delivered */
    CAMSEP_SOURCE_END = 1,     /* end of file or pipe: no more frames, ever */
    CAMSEP_SOURCE_AGAIN = 2,   /* no frame within the timeout (camera slow or gone for now) */
    CAMSEP_SOURCE_ERROR = -1,  /* a fault; the message says what. Live sources may recover */
} camsep_source_status;

typedef struct camsep_frame_source camsep_frame_source;

typedef struct camsep_frame_source_ops {
    camsep_source_status (*read)(camsep_frame_source *s, camsep_frame *out, int timeout_ms, char *err,
                                 size_t errlen);
    void (*close)(camsep_frame_source *s);
} camsep_frame_source_ops;

/* Every source starts with this header; its own state follows. */
struct camsep_frame_source {
    const camsep_frame_source_ops *ops;
    int width, height;         /* current frame size (0 while unknown) */
    double frame_rate;         /* nominal frames per second (0 if unknown) */
    char description[128];     /* for status lines: "/dev/video0 640x480 YUYV 30 fps" */
};

static inline camsep_source_status camsep_frame_source_read(camsep_frame_source *s, camsep_frame *out,
                                                            int timeout_ms, char *err, size_t errlen)
{
    return s->ops->read(s, out, timeout_ms, err, errlen);
}

static inline void camsep_frame_source_close(camsep_frame_source *s)
{
    if (s)
        s->ops->close(s);
}

#endif
