/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "process_associate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void associate_stem_classes(const camsep_dictionary *const *players, int n, int *stem_class)
{
    for (int j = 0; j < n; j++) {
        stem_class[j] = j;
        for (int k = 0; k < j; k++) {
            const camsep_dictionary *a = players[j], *b = players[k];
            if (a->n_atoms == b->n_atoms && a->n_bins == b->n_bins && a->fft_size == b->fft_size &&
                a->sample_rate == b->sample_rate &&
                !memcmp(a->atoms, b->atoms, sizeof(float) * (size_t)a->n_atoms * (size_t)a->n_bins)) {
                stem_class[j] = stem_class[k];
                break;
            }
        }
    }
}

int associate_run(const camsep_config *cfg, const camsep_params *params, const camsep_dictionary *const *players,
                  int n_players, const camsep_dictionary *other, audio_reader *mix, int block,
                  camera_spool *camera, assoc_motion motion_source, assoc_audio audio_source,
                  const camsep_assoc_config *acfg,
                  camsep_assoc_result *out, progress *bar, char *err, size_t errlen)
{
    int rc = -1;
    float *in = NULL, *stems[CAMSEP_MAX_SOURCES] = {0};
    camsep_box_assoc *assoc = camsep_box_assoc_create(acfg, err, errlen);
    camsep_engine *e = assoc ? camsep_engine_create(cfg, err, errlen) : NULL;
    if (!e)
        goto done;
    camsep_dictset *set = camsep_dictset_create(e, players, n_players, other, err, errlen);
    if (!set)
        goto done;
    if (camsep_engine_post_dictset(e, set) || camsep_engine_post_params(e, params)) {
        camsep_dictset_free(set);
        snprintf(err, errlen, "the association pass's engine refused its settings");
        goto done;
    }
    const int n_boxes = acfg->n_boxes;
    const double rate = audio_reader_rate(mix);
    camsep_prior p;
    float energy[CAMSEP_MAX_SOURCES];
    int got;
    while ((got = camera_spool_next(camera, &p, energy)) == 1) {
        float motion[CAMSEP_ASSOC_MAX];
        for (int i = 0; i < n_boxes; i++) /* a box the camera cannot see says nothing of its player */
            motion[i] = (p.held >> i) & 1u                       ? NAN
                        : motion_source == ASSOC_MOTION_ENERGY    ? energy[i]
                        : motion_source == ASSOC_MOTION_CHANNEL ? p.motion[i][0]
                                                                : p.activity[i];
        camsep_box_assoc_add_motion(assoc, (double)p.time / rate, motion);
    }
    if (got < 0 || camera_spool_rewind(camera, err, errlen)) {
        snprintf(err, errlen, "the camera's priors: temporary file error");
        goto done;
    }
    int out_of_memory = !(in = malloc(sizeof(float) * (size_t)block));
    for (int j = 0; j < cfg->max_sources; j++)
        out_of_memory |= !(stems[j] = malloc(sizeof(float) * (size_t)block));
    if (out_of_memory) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    const size_t frames = (size_t)audio_reader_frames(mix), total = frames + (size_t)camsep_engine_latency(e);
    for (size_t pos = 0; pos < total; pos += (size_t)block) {
        const size_t n = total - pos < (size_t)block ? total - pos : (size_t)block;
        const size_t from_file = pos >= frames ? 0 : frames - pos < n ? frames - pos : n;
        if (from_file && audio_reader_read(mix, in, from_file, err, errlen) != (long)from_file)
            goto done;
        for (size_t i = from_file; i < n; i++)
            in[i] = 0.0f;
        camsep_engine_process(e, in, stems, (uint32_t)n);
        camsep_frame_report r;
        while (camsep_engine_read_report(e, &r) == 0)
            if ((size_t)r.time < frames)
                camsep_box_assoc_add_activation(assoc, (double)r.time / rate,
                                                audio_source == ASSOC_AUDIO_SHARE ? r.mask_energy : r.activation,
                                                r.audio_misfit);
        progress_update(bar, (int64_t)(pos + n));
    }
    if (audio_reader_rewind(mix, err, errlen))
        goto done;
    camsep_box_assoc_compute(assoc, out);
    rc = 0;
done:
    for (int j = 0; j < CAMSEP_MAX_SOURCES; j++)
        free(stems[j]);
    free(in);
    camsep_engine_free(e);
    camsep_box_assoc_free(assoc);
    return rc;
}

static void print_pairing(FILE *f, const int *stem_of_box, int n)
{
    for (int i = 0; i < n; i++)
        fprintf(f, "%s%d", i ? "," : "", stem_of_box[i] + 1);
}

void associate_print(FILE *f, const camsep_assoc_result *r, const char *const *dict_paths,
                     const camsep_dictionary *const *players)
{
    fprintf(f, "association: correlation of box motion (rows) with stem activation (columns)\n");
    fprintf(f, "association:        ");
    for (int j = 0; j < r->n_stems; j++)
        fprintf(f, "  stem%-3d", j + 1);
    fputc('\n', f);
    for (int i = 0; i < r->n_boxes; i++) {
        fprintf(f, "association: box %-3d", i + 1);
        for (int j = 0; j < r->n_stems; j++)
            fprintf(f, " %7.3f%s", (double)r->corr[i][j], r->stem_of_box[i] == j ? "*" : " ");
        fputc('\n', f);
    }
    for (int i = 0; i < r->n_boxes; i++) {
        const int j = r->stem_of_box[i];
        fprintf(f, "association: box %d -> stem %d (%s", i + 1, j + 1, dict_paths[j]);
        if (players[j]->name[0])
            fprintf(f, ", \"%s\"", players[j]->name);
        fprintf(f, ")\n");
    }
    fprintf(f, "association: pairing ");
    print_pairing(f, r->stem_of_box, r->n_boxes);
    if (r->forced) {
        fprintf(f, " (the only one possible)\n");
    } else {
        fprintf(f, "; next best ");
        print_pairing(f, r->runner_up, r->n_boxes);
        fputc('\n', f);
    }
    fprintf(f, "association: confidence %.2f (margin %.3f, noise %.3f, mean correlation %.3f), evidence %.1f s of "
               "music with motion, camera lag %+.2f s; needed %.2f\n",
            (double)r->confidence, (double)r->margin, (double)r->noise, (double)r->score, (double)r->evidence_s,
            (double)r->lag_s, (double)r->needed);
    if (r->confident)
        fprintf(f, "association: confident\n");
    else
        fprintf(f, "association: low confidence (%s)\n", r->reason);
}
