/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Y4M (YUV4MPEG2) frame source: video files, FIFOs and pipes, e.g.
 *
 *     ffmpeg -i rehearsal.mp4 -f yuv4mpegpipe - | camsep ... --video -
 *
 * Only the luma plane of each frame is delivered (stride == width); chroma
 * and alpha planes are read and discarded, so the input may be a pipe.
 *
 * Stream header (one line, at most CAMSEP_Y4M_MAX_LINE bytes with its '\n'):
 *   "YUV4MPEG2" then space-separated tags:
 *   W<width> H<height>   required, 1..CAMSEP_Y4M_MAX_DIM
 *   F<num>:<den>         required, both positive (the frame rate num/den),
 *                        one frame period between 1 us and 1 hour
 *   I<p|?|t|b|m>         optional; every mode is treated as progressive
 *   A<...> X<...>        optional, ignored (X may repeat)
 *   C<colour space>      optional (default 420jpeg): 420jpeg 420paldv
 *                        420mpeg2 420 411 422 444 444alpha mono, and the
 *                        16-bit little-endian variants 420pD 422pD 444pD
 *                        monoD with D = 9..16 (as ffmpeg writes them), whose
 *                        luma is scaled to 8 bits (sample >> (D - 8)).
 *   Any other tag, a repeated W/H/F/I/C, or a malformed value is an error.
 * Each frame: "FRAME", optional parameters (ignored), '\n', then the planes.
 *
 * Timestamps: media time, frame_index * period in ns (rounded). With
 * pace_realtime, frames are delivered at the stream's rate against
 * CLOCK_MONOTONIC and stamped with the CLOCK_MONOTONIC time of delivery; a
 * stream that falls more than one period behind (a slow pipe) is re-anchored
 * rather than played back in a burst.
 *
 * Reads: timeout_ms < 0 waits as long as needed. On a pipe, FIFO, terminal or
 * socket, a read that gets no complete frame within timeout_ms returns
 * CAMSEP_SOURCE_AGAIN and keeps what it has read so far (the next read
 * resumes). On a regular file the timeout does not apply to the I/O. With
 * pace_realtime, a read whose timeout ends before the next frame is due also
 * returns CAMSEP_SOURCE_AGAIN (on any input); the frame is kept for the next
 * read.
 *
 * Results: CAMSEP_SOURCE_END at a clean end of stream (at a frame boundary);
 * CAMSEP_SOURCE_ERROR with a one-line message "NAME: problem (byte offset N)"
 * for a malformed frame header, an I/O error, or a truncated last frame
 * ("NAME: truncated frame K: ..." with K counted from 0 like
 * camsep_frame.sequence). END and ERROR are final: later reads repeat them.
 *
 * Memory: everything is allocated by the open call (the source, one I/O buffer
 * and one frame buffer); reading frames allocates nothing.
 *
 * Threading: a source belongs to one thread; nothing here is real-time safe.
 * Opening a pipe or FIFO blocks until its stream header has arrived (or the
 * writer closes it).
 */
#ifndef CAMSEP_Y4M_SOURCE_H
#define CAMSEP_Y4M_SOURCE_H

#include "frame_source.h"

#include <stddef.h>

#define CAMSEP_Y4M_MAX_DIM 8192
#define CAMSEP_Y4M_MAX_LINE 1024 /* bytes in a header or FRAME line, '\n' included */

/* Opens a Y4M file, FIFO or pipe; "-" reads standard input (left open at
 * close). NULL on failure, with a one-line message in err. */
camsep_frame_source *camsep_y4m_open(const char *path_or_dash, int pace_realtime, char *err,
                                     size_t errlen);

/* The same on an open file descriptor; name labels it in messages. With
 * take_fd, close() closes fd (also when the open fails). */
camsep_frame_source *camsep_y4m_open_fd(int fd, int take_fd, const char *name, int pace_realtime,
                                        char *err, size_t errlen);

/* The same on a stream image in memory (for tests and fuzzing); data must
 * outlive the source and is not copied. max_read > 0 hands the parser at most
 * that many bytes at a time, as a pipe would; 0 means no limit. Memory behaves
 * like a regular file: timeouts do not apply. */
camsep_frame_source *camsep_y4m_open_memory(const void *data, size_t size, size_t max_read,
                                            const char *name, int pace_realtime, char *err,
                                            size_t errlen);

#endif
