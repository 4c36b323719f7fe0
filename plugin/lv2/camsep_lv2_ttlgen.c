/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * camsep-lv2-ttlgen OUTDIR: writes the bundle's Turtle (manifest.ttl,
 * camsep.ttl, presets.ttl) from the port layout (camsep_lv2_ports.h) and the
 * catalogue (camsep_lv2_catalog.h), so that lv2:index and the PortIndex enum
 * never disagree. Run at build time. Numbers are written in the C locale
 * (this program never calls setlocale).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "camsep_lv2_catalog.h"
#include "camsep_lv2_ports.h"

/* The plugins' version. By LV2's rule (lv2core: lv2:minorVersion) an odd
 * minor or micro version, or minor 0, marks a development build: a release
 * has both even and minor > 0. The minor goes up for a compatible addition
 * (a port), the micro for changes of metadata only (the port groups). */
#define CAMSEP_LV2_MINOR_VERSION 2
#define CAMSEP_LV2_MICRO_VERSION 2
_Static_assert(CAMSEP_LV2_MINOR_VERSION > 0 && CAMSEP_LV2_MINOR_VERSION % 2 == 0 && CAMSEP_LV2_MICRO_VERSION % 2 == 0,
               "a release version: even minor (> 0) and micro");

/* Port groups (pg:), shared by the variants: the mix in, one per player
 * (its stem and its controls) and "other". */
#define CAMSEP_LV2_GROUP_PREFIX "urn:camsep:lv2:group:"

#define PREFIXES                                                                     \
    "@prefix atom:  <http://lv2plug.in/ns/ext/atom#> .\n"                            \
    "@prefix doap:  <http://usefulinc.com/ns/doap#> .\n"                             \
    "@prefix foaf:  <http://xmlns.com/foaf/0.1/> .\n"                                \
    "@prefix lv2:   <http://lv2plug.in/ns/lv2core#> .\n"                             \
    "@prefix patch: <http://lv2plug.in/ns/ext/patch#> .\n"                           \
    "@prefix pg:    <http://lv2plug.in/ns/ext/port-groups#> .\n"                     \
    "@prefix pprop: <http://lv2plug.in/ns/ext/port-props#> .\n"                      \
    "@prefix pset:  <http://lv2plug.in/ns/ext/presets#> .\n"                         \
    "@prefix rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"               \
    "@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .\n"                     \
    "@prefix state: <http://lv2plug.in/ns/ext/state#> .\n"                           \
    "@prefix units: <http://lv2plug.in/ns/extensions/units#> .\n"                    \
    "@prefix urid:  <http://lv2plug.in/ns/ext/urid#> .\n"                            \
    "@prefix work:  <http://lv2plug.in/ns/ext/worker#> .\n"                          \
    "@prefix log:   <http://lv2plug.in/ns/ext/log#> .\n"                             \
    "@prefix opts:  <http://lv2plug.in/ns/ext/options#> .\n"                         \
    "@prefix ui:    <http://lv2plug.in/ns/extensions/ui#> .\n\n"

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "camsep-lv2-ttlgen: cannot write %s\n", path);
        exit(1);
    }
    return f;
}

static void close_out(FILE *f)
{
    if (ferror(f) || fclose(f)) {
        fprintf(stderr, "camsep-lv2-ttlgen: write failed\n");
        exit(1);
    }
}

/* The UI's binary: camsep_ui plus the plugin binary's suffix (".so"). */
static void ui_binary(const char *binary, char *out, size_t len)
{
    const char *dot = strrchr(binary, '.');
    snprintf(out, len, "%s%s", CAMSEP_LV2_UI_BINARY_STEM, dot ? dot : "");
}

static void write_manifest(const char *dir, const char *binary)
{
    FILE *f = open_out(dir, "manifest.ttl");
    fputs(PREFIXES, f);
    char uibin[256];
    ui_binary(binary, uibin, sizeof uibin);
    fprintf(f, "<%s>\n    a ui:X11UI ;\n    ui:binary <%s> ;\n    rdfs:seeAlso <camsep.ttl> .\n\n", CAMSEP_LV2_UI_URI,
            uibin);
    for (int v = 0; v < camsep_lv2_n_variants; v++)
        fprintf(f, "<%s%s>\n    a lv2:Plugin ;\n    lv2:binary <%s> ;\n    rdfs:seeAlso <camsep.ttl> .\n\n",
                CAMSEP_LV2_PLUGIN_URI_PREFIX, camsep_lv2_variants[v].suffix, binary);
    for (int p = 0; p < camsep_lv2_n_presets; p++) {
        const camsep_lv2_variant *var = camsep_lv2_variant_find(camsep_lv2_presets[p].players);
        fprintf(f, "<%s%s>\n    a pset:Preset ;\n    lv2:appliesTo <%s%s> ;\n    rdfs:seeAlso <presets.ttl> .\n\n",
                CAMSEP_LV2_PRESET_URI_PREFIX, camsep_lv2_presets[p].slug, CAMSEP_LV2_PLUGIN_URI_PREFIX, var->suffix);
    }
    close_out(f);
}

static void scale_point(FILE *f, const char *label, int value, int *first)
{
    fprintf(f, "%s        [ rdfs:label \"%s\" ; rdf:value %d ]", *first ? "        lv2:scalePoint\n" : " ,\n",
            label, value);
    *first = 0;
}

/* group: the port's pg:group ("mix", "player1", "other"), or NULL. */
static void write_port(FILE *f, const camsep_lv2_port_desc *d, uint32_t index, const char *group)
{
    const char *dir = d->direction == CAMSEP_LV2_DIR_OUT ? "lv2:OutputPort" : "lv2:InputPort";
    switch (d->kind) {
    case CAMSEP_KIND_AUDIO:
        fprintf(f, "        a lv2:AudioPort , %s ;\n", dir);
        break;
    case CAMSEP_KIND_CONTROL:
        fprintf(f, "        a lv2:ControlPort , %s ;\n", dir);
        break;
    case CAMSEP_KIND_ATOM:
        fprintf(f, "        a atom:AtomPort , %s ;\n        atom:bufferType atom:Sequence ;\n"
                   "        atom:supports patch:Message ;\n        rsz:minimumSize 8192 ;\n", dir);
        break;
    }
    fprintf(f, "        lv2:index %u ;\n        lv2:symbol \"%s\" ;\n        lv2:name \"%s\" ;\n", index, d->symbol,
            d->name);
    if (d->designation)
        fprintf(f, "        lv2:designation <%s> ;\n", d->designation);
    if (group) {
        fprintf(f, "        pg:group <" CAMSEP_LV2_GROUP_PREFIX "%s> ;\n", group);
        if (d->kind == CAMSEP_KIND_AUDIO && !d->designation)
            fputs("        lv2:designation pg:center ;\n", f); /* the mono group's one channel */
    }
    const char *props[10];
    int np = 0;
    if (d->props & CAMSEP_PROP_INTEGER)
        props[np++] = "lv2:integer";
    if (d->props & CAMSEP_PROP_TOGGLED)
        props[np++] = "lv2:toggled";
    if (d->props & CAMSEP_PROP_ENUMERATION)
        props[np++] = "lv2:enumeration";
    if (d->props & CAMSEP_PROP_EXPENSIVE)
        props[np++] = "pprop:expensive";
    if (d->props & CAMSEP_PROP_ARTIFACTS)
        props[np++] = "pprop:causesArtifacts";
    if (d->props & CAMSEP_PROP_OPTIONAL)
        props[np++] = "lv2:connectionOptional";
    if (d->props & CAMSEP_PROP_NOT_AUTOMATIC)
        props[np++] = "pprop:notAutomatic";
    if (d->designation && strstr(d->designation, "#latency"))
        props[np++] = "lv2:reportsLatency";
    for (int i = 0; i < np; i++)
        fprintf(f, "%s%s", i ? " , " : "        lv2:portProperty ", props[i]);
    if (np)
        fputs(" ;\n", f);
    if (d->kind == CAMSEP_KIND_CONTROL) {
        fprintf(f, "        lv2:default %g ;\n        lv2:minimum %g ;\n        lv2:maximum %g ;\n", (double)d->deflt,
                (double)d->minimum, (double)d->maximum);
        if (d->unit)
            fprintf(f, "        units:unit units:%s ;\n", d->unit);
        int first = 1;
        if (d->props & CAMSEP_PROP_LATENCY_ENUM) {
            scale_point(f, "21 ms (1024 samples at 48 kHz)", CAMSEP_LATENCY_MODE_1024, &first);
            scale_point(f, "10.7 ms (512 samples at 48 kHz)", CAMSEP_LATENCY_MODE_512, &first);
        } else if (d->props & (CAMSEP_PROP_ENUMERATION) && !(d->props & CAMSEP_PROP_CAMERA_ENUM)) {
            if (d->props & CAMSEP_PROP_ACTIVE_ENUM)
                scale_point(f, "dictionary file", -1, &first);
            for (int i = 0; i < CAMSEP_INSTR_COUNT; i++)
                scale_point(f, camsep_lv2_instruments[i].label, i, &first);
        }
        if (d->props & CAMSEP_PROP_CAMERA_ENUM) {
            scale_point(f, "no prior ring", CAMSEP_CAMERA_NO_RING, &first);
            scale_point(f, "capture not running", CAMSEP_CAMERA_STALE, &first);
            scale_point(f, "capture running without camera", CAMSEP_CAMERA_NO_CAMERA, &first);
            scale_point(f, "camera live", CAMSEP_CAMERA_LIVE, &first);
        }
        if (!first)
            fputs(" ;\n", f);
    }
}

static void write_plugin(FILE *f, const camsep_lv2_variant *v)
{
    fprintf(f, "<%s%s>\n", CAMSEP_LV2_PLUGIN_URI_PREFIX, v->suffix);
    fprintf(f, "    a lv2:Plugin , lv2:UtilityPlugin ;\n"
               "    doap:name \"%s\" ;\n"
               "    doap:license <https://spdx.org/licenses/GPL-3.0-or-later> ;\n"
               "    lv2:minorVersion %d ;\n    lv2:microVersion %d ;\n"
               "    rdfs:comment \"Separates a live mono mix into one stem per player (online NMF with fixed "
               "instrument dictionaries), guided by camera priors from camsep-capture. A 2048-sample "
               "analysis window at 44.1/48 kHz with a latency of 1024 samples (21 ms) or, in the 10.7 ms "
               "mode, 512 (both scaled with the sample rate).\" ;\n"
               "    lv2:optionalFeature lv2:hardRTCapable , lv2:isLive , urid:map , work:schedule , log:log ,\n"
               "        state:mapPath , state:freePath , state:makePath , state:threadSafeRestore ;\n"
               "    lv2:extensionData work:interface , state:interface ;\n"
               "    ui:ui <%s> ;\n"
               "    pg:mainInput <" CAMSEP_LV2_GROUP_PREFIX "mix> ;\n",
            v->name, CAMSEP_LV2_MINOR_VERSION, CAMSEP_LV2_MICRO_VERSION, CAMSEP_LV2_UI_URI);
    for (int j = 0; j < v->players; j++)
        fprintf(f, "%s<%s%d>", j ? " ,\n        " : "    patch:writable\n        ", CAMSEP_LV2__dictionary, j + 1);
    fprintf(f, " ,\n        <%s> ,\n        <%s> ;\n", CAMSEP_LV2__shm_name, CAMSEP_LV2__soundcheck);
    fprintf(f, "    patch:readable\n        <%s> ,\n        <%s> ,\n        <%s> ,\n        <%s> ;\n",
            CAMSEP_LV2__soundcheck_state, CAMSEP_LV2__soundcheck_progress, CAMSEP_LV2__soundcheck_message,
            CAMSEP_LV2__soundcheck_notice);
    const uint32_t n = camsep_lv2_port_count(v->players);
    for (uint32_t i = 0; i < n; i++) {
        camsep_lv2_port_desc d;
        camsep_lv2_port_describe(v->players, v->instrument, i, &d);
        fprintf(f, "%s", i ? " , [\n" : "    lv2:port [\n");
        char group[24];
        if (i == CAMSEP_PORT_INPUT)
            snprintf(group, sizeof group, "mix");
        else if (d.player >= 0)
            snprintf(group, sizeof group, "player%d", d.player + 1);
        else if (i >= camsep_lv2_other_port_index(v->players, 0) && i < camsep_lv2_other_port_index(v->players, CAMSEP_OP_COUNT))
            snprintf(group, sizeof group, "other");
        else
            group[0] = 0;
        write_port(f, &d, i, group[0] ? group : NULL);
        fputs("    ]", f);
    }
    fputs(" .\n\n", f);
}

/* The UI: embedded X11, driven by idle(); the host sends it every control
 * output of each variant (meters, camera status, latency, dictionaries). */
static void write_ui(FILE *f)
{
    fprintf(f,
            "<%s>\n    a ui:X11UI ;\n"
            "    lv2:requiredFeature ui:idleInterface ;\n"
            "    lv2:optionalFeature ui:parent , ui:resize , urid:map , opts:options , ui:noUserResize ;\n"
            "    opts:supportedOption ui:scaleFactor ;\n"
            "    lv2:extensionData ui:idleInterface",
            CAMSEP_LV2_UI_URI);
    int first = 1;
    for (int v = 0; v < camsep_lv2_n_variants; v++) {
        const camsep_lv2_variant *var = &camsep_lv2_variants[v];
        for (uint32_t i = 0; i < camsep_lv2_port_count(var->players); i++) {
            camsep_lv2_port_desc d;
            camsep_lv2_port_describe(var->players, var->instrument, i, &d);
            if (d.kind != CAMSEP_KIND_CONTROL || d.direction != CAMSEP_LV2_DIR_OUT)
                continue;
            fprintf(f, "%s[ ui:plugin <%s%s> ; lv2:symbol \"%s\" ; ui:protocol ui:floatProtocol ]",
                    first ? " ;\n    ui:portNotification\n        " : " ,\n        ", CAMSEP_LV2_PLUGIN_URI_PREFIX,
                    var->suffix, d.symbol);
            first = 0;
        }
    }
    fputs(" .\n\n", f);
}

/* The sound check's command (writable) and status (readable) parameters. */
static void write_soundcheck_parameters(FILE *f)
{
    static const struct {
        const char *uri, *label, *range, *comment;
    } params[] = {
        {CAMSEP_LV2__soundcheck, "Sound check", "String",
         "A sound-check command: start (the camera says who plays), alone N (player N plays alone now: a sound "
         "check without the camera, or the next player), stop (learn from what was recorded), cancel. start and "
         "alone N take options seconds=S, atoms=K, iterations=I."},
        {CAMSEP_LV2__soundcheck_state, "Sound check state", "String",
         "idle, recording, learning, done, error or cancelled."},
        {CAMSEP_LV2__soundcheck_progress, "Sound check progress", "Float",
         "Recording: the share of the longest recording; learning: the share done (0 to 1)."},
        {CAMSEP_LV2__soundcheck_message, "Sound check message", "String",
         "What the sound check does, or its result: what it learned, or why it failed (naming the player)."},
        {CAMSEP_LV2__soundcheck_notice, "Sound check notice", "String", "The last command refused, and why."},
    };
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        fprintf(f, "<%s>\n    a lv2:Parameter ;\n    rdfs:label \"%s\" ;\n    rdfs:comment \"%s\" ;\n"
                   "    rdfs:range atom:%s .\n\n",
                params[i].uri, params[i].label, params[i].comment, params[i].range);
}

/* Mono groups: the mix in, and per stem its output with its controls (hosts
 * such as jalv show a group's controls together, under its label). */
static void write_group(FILE *f, const char *symbol, const char *label, int input)
{
    fprintf(f,
            "<" CAMSEP_LV2_GROUP_PREFIX "%s>\n    a pg:%s , pg:MonoGroup ;\n    lv2:symbol \"%s\" ;\n"
            "    rdfs:label \"%s\" ;\n    pg:element [ lv2:index 0 ; lv2:designation pg:center ] .\n\n",
            symbol, input ? "InputGroup" : "OutputGroup", symbol, label);
}

static void write_groups(FILE *f)
{
    char symbol[24], label[32];
    write_group(f, "mix", "Mix", 1);
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++) {
        snprintf(symbol, sizeof symbol, "player%d", j + 1);
        snprintf(label, sizeof label, "Player %d", j + 1);
        write_group(f, symbol, label, 0);
    }
    write_group(f, "other", "Other", 0);
}

static void write_plugins(const char *dir)
{
    FILE *f = open_out(dir, "camsep.ttl");
    fputs(PREFIXES, f);
    fputs("@prefix rsz:   <http://lv2plug.in/ns/ext/resize-port#> .\n\n", f);
    for (int j = 0; j < CAMSEP_LV2_MAX_PLAYERS; j++)
        fprintf(f,
                "<%s%d>\n    a lv2:Parameter ;\n    rdfs:label \"Player %d dictionary file\" ;\n"
                "    rdfs:comment \"A camsep .dict file (e.g. from a sound check); overrides the player's "
                "instrument control. An empty path returns to the instrument.\" ;\n"
                "    rdfs:range atom:Path .\n\n",
                CAMSEP_LV2__dictionary, j + 1, j + 1);
    fprintf(f,
            "<%s>\n    a lv2:Parameter ;\n    rdfs:label \"Prior ring name\" ;\n"
            "    rdfs:comment \"Name of the POSIX shared-memory ring camsep-capture publishes priors in "
            "(default %s).\" ;\n    rdfs:range atom:String .\n\n",
            CAMSEP_LV2__shm_name, CAMSEP_LV2_DEFAULT_SHM_NAME);
    write_soundcheck_parameters(f);
    write_groups(f);
    for (int v = 0; v < camsep_lv2_n_variants; v++)
        write_plugin(f, &camsep_lv2_variants[v]);
    write_ui(f);
    close_out(f);
}

static void write_presets(const char *dir)
{
    FILE *f = open_out(dir, "presets.ttl");
    fputs(PREFIXES, f);
    for (int p = 0; p < camsep_lv2_n_presets; p++) {
        const camsep_lv2_preset *pr = &camsep_lv2_presets[p];
        const camsep_lv2_variant *var = camsep_lv2_variant_find(pr->players);
        fprintf(f, "<%s%s>\n    a pset:Preset ;\n    lv2:appliesTo <%s%s> ;\n    rdfs:label \"%s\" ;\n",
                CAMSEP_LV2_PRESET_URI_PREFIX, pr->slug, CAMSEP_LV2_PLUGIN_URI_PREFIX, var->suffix, pr->label);
        for (int j = 0; j < pr->players; j++) {
            fprintf(f, "%s[ lv2:symbol \"instrument_%d\" ; pset:value %d.0 ]", j ? " , " : "    lv2:port ", j + 1,
                    pr->instrument[j]);
            fprintf(f, " , [ lv2:symbol \"gain_%d\" ; pset:value %.1f ]", j + 1, (double)pr->gain_db[j]);
            fprintf(f, " , [ lv2:symbol \"mute_%d\" ; pset:value %d.0 ]", j + 1,
                    pr->instrument[j] == CAMSEP_INSTR_NONE ? 1 : 0);
        }
        fputs(" .\n\n", f);
    }
    close_out(f);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: camsep-lv2-ttlgen OUTDIR BINARY.so\n");
        return 2;
    }
    write_manifest(argv[1], argv[2]);
    write_plugins(argv[1]);
    write_presets(argv[1]);
    return 0;
}
