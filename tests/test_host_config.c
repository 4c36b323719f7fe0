/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The standalone hosts' configuration: a good file, every kind of malformed
 * line with its line number, the command line, a write/read round trip, the
 * C locale for numbers, and the bundled dictionary lookup. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "host_config.h"
#include "host_dicts.h"
#include "port_regex.h"
#include "soundcheck.h"

static const char GOOD[] = "# a quartet\n"
                           "fft = 2048   # the analysis window\n"
                           "latency = 512  # 10.7 ms at 48 kHz\n"
                           "hop = 256\n"
                           "iterations = 20\n"
                           "prior-strength = 1.5\n"
                           "mask-power = 1\n"
                           "other = yes\n"
                           "video = /dev/video2\n"
                           "camera-size = 640x480\n"
                           "camera-fps = 30\n"
                           "camera-latency = -0.04\n"
                           "motion-knee = 1.25\n"
                           "trust-memory = 8\n"
                           "split-strength = 0.5\n"
                           "rest-gate = 0.25\n"
                           "share-strength = 0.35\n"
                           "loop = on\n"
                           "status-interval = 0.5\n"
                           "name = stage\n"
                           "connect = in=system:capture_2\n"
                           "connect = violin=system:playback_1\n"
                           "device = hw:1\n"
                           "\n"
                           "[player violin]\n"
                           "box = 10,20,200,300\n"
                           "gain = -6.5\n"
                           "\n"
                           "[ player  cello ]\n"
                           "dictionary = /tmp/cello.dict\n"
                           "box = 300.5,20,200,300\n"
                           "mute = true\n"
                           "solo = false\n";

static void expect_error(const char *text, const char *want)
{
    host_config c;
    host_config_default(&c, HOST_JACK);
    char err[512] = "";
    int rc = host_config_parse(&c, text, "t.conf", err, sizeof err);
    CHECK_MSG(rc == -1, "accepted: %s", text);
    CHECK_MSG(strstr(err, want) != NULL, "error '%s' lacks '%s'", err, want);
}

static int args(host_config *c, int host, const char *line, char *err, size_t errlen, const char **query)
{
    char buf[1024], *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", line);
    argv[argc++] = "prog";
    for (char *t = strtok(buf, " "); t && argc < 63; t = strtok(NULL, " "))
        argv[argc++] = t;
    argv[argc] = NULL;
    host_config_default(c, host);
    return host_config_args(c, argc, argv, query, err, errlen);
}

/* Seeds for tests/fuzz_host_config: the good file, and one line of each kind. */
static int write_seeds(const char *dir)
{
    static const char *const seeds[] = {
        GOOD,
        "input-match = ^system:capture_[0-9]+$\n",
        "[player a]\nbox = 1,2,3,4\ngain = -inf\n",
        "latency = 256\nfft = 4096\nhop = 64\nother-gain = 3\nbypass = on\n",
        "camera-control = exposure_dynamic_framerate=0\nconnect = in=system:capture_1\n",
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/seed-%zu.conf", dir, i);
        FILE *f = fopen(path, "w");
        if (!f || fputs(seeds[i], f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "test_host_config: cannot write %s\n", path);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-seeds") == 0)
        return write_seeds(argv[2]);
    char err[512];
    host_config c;
    host_config_default(&c, HOST_JACK);
    CHECK_MSG(host_config_parse(&c, GOOD, "good.conf", err, sizeof err) == 0, "%s", err);
    CHECK(c.fft == 2048 && c.latency == 512 && c.params.iterations == 20);
    CHECK(c.params.activity_strength == 1.5f && c.params.mask_power == 1.0f);
    CHECK(c.other == 1 && !strcmp(c.video, "/dev/video2") && c.camera_width == 640 && c.camera_height == 480);
    CHECK(c.camera_fps == 30.0 && c.camera_latency == -0.04 && c.loop == 1 && c.status_interval == 0.5);
    CHECK(c.motion_knee == 1.25 && c.params.trust_memory_s == 8.0f && c.params.split_strength == 0.5f);
    CHECK(c.params.rest_gate == 0.25f);
    CHECK(c.params.share_strength == 0.35f);
    CHECK(!strcmp(c.jack_name, "stage") && c.n_connect == 2 && !strcmp(c.connect[1].port, "system:playback_1"));
    CHECK(!strcmp(c.device, "hw:1"));
    CHECK(c.n_players == 2);
    CHECK(!strcmp(c.players[0].name, "violin") && c.players[0].has_box && c.players[0].box.w == 200.0f);
    CHECK(c.players[0].gain_db == -6.5f && !c.players[0].instrument[0] && !c.players[0].dictionary[0]);
    CHECK(!strcmp(c.players[1].name, "cello") && !strcmp(c.players[1].dictionary, "/tmp/cello.dict"));
    CHECK(c.players[1].box.x == 300.5f && c.players[1].mute == 1 && c.players[1].solo == 0);
    CHECK(host_config_validate(&c, err, sizeof err) == 0);
    CHECK(host_config_stem_index(&c, "cello") == 1 && host_config_stem_index(&c, "other") == 2);
    CHECK(host_config_stem_index(&c, "viola") == -1);

    /* Round trip: what is written reads back the same. */
    size_t n = host_config_format(&c, NULL, 0);
    char *text = malloc(n + 1);
    CHECK(text && host_config_format(&c, text, n + 1) == n);
    host_config d;
    host_config_default(&d, HOST_JACK);
    CHECK_MSG(host_config_parse(&d, text, "written", err, sizeof err) == 0, "%s\n%s", err, text);
    CHECK(d.n_players == 2 && d.fft == 2048 && d.latency == 512 && d.hop == 256 &&
          d.params.activity_strength == 1.5f && d.players[0].gain_db == -6.5f);
    CHECK(d.players[1].mute && d.players[1].box.x == 300.5f && d.n_connect == 2 && d.camera_latency == -0.04);
    CHECK(d.motion_knee == 1.25 && d.params.trust_memory_s == 8.0f && d.params.split_strength == 0.5f);
    CHECK(d.params.rest_gate == 0.25f);
    CHECK(d.params.share_strength == 0.35f);
    CHECK(!strcmp(d.players[0].instrument, "violin")); /* the implicit instrument is written out */
    free(text);

    /* Save and load through a file; relative paths resolve against the file's directory. */
    char dir[] = "/tmp/test_host_config_XXXXXX", path[256];
    CHECK(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.conf", dir);
    CHECK_MSG(host_config_save(&c, path, err, sizeof err) == 0, "%s", err);
    host_config_default(&d, HOST_PORTAUDIO);
    CHECK_MSG(host_config_load(&d, path, err, sizeof err) == 0, "%s", err);
    CHECK(d.n_players == 2 && d.players[1].mute);
    FILE *f = fopen(path, "w");
    CHECK(f);
    fprintf(f, "[player a]\ndictionary = dicts/a.dict\n");
    fclose(f);
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_load(&d, path, err, sizeof err) == 0);
    char want[300];
    snprintf(want, sizeof want, "%s/dicts/a.dict", dir);
    CHECK_MSG(!strcmp(d.players[0].dictionary, want), "%s", d.players[0].dictionary);
    unlink(path);
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_load(&d, path, err, sizeof err) == -1 && strstr(err, "s.conf"));
    rmdir(dir);

    /* Sound check keys: read, checked, written back but for the one-off run. */
    host_config_default(&d, HOST_JACK);
    CHECK(d.soundcheck_transpose == -1);
    CHECK_MSG(host_config_parse(&d, "soundcheck = 20\nsoundcheck-dir = sc\nsoundcheck-atoms = 16\n"
                                    "soundcheck-iterations = 50\nsoundcheck-transpose = 2\nvideo = x.y4m\n"
                                    "[player a]\nbox = 0,0,10,10\n",
                                "sc.conf", err, sizeof err) == 0,
              "%s", err);
    CHECK(d.soundcheck_s == 20.0 && !strcmp(d.soundcheck_dir, "sc") && d.soundcheck_atoms == 16 &&
          d.soundcheck_iterations == 50 && d.soundcheck_transpose == 2);
    CHECK(host_config_validate(&d, err, sizeof err) == 0);
    d.video[0] = 0;
    CHECK(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "soundcheck") && strstr(err, "/soundcheck/start N"));
    n = host_config_format(&d, NULL, 0);
    text = malloc(n + 1);
    CHECK(text && host_config_format(&d, text, n + 1) == n);
    CHECK(!strstr(text, "soundcheck = ") && strstr(text, "soundcheck-dir = sc\n") &&
          strstr(text, "soundcheck-atoms = 16\n") && strstr(text, "soundcheck-iterations = 50\n") &&
          strstr(text, "soundcheck-transpose = 2\n"));
    free(text);
    expect_error("soundcheck = 121\n", "t.conf:1:");
    expect_error("soundcheck-transpose = 13\n", "t.conf:1:");
    expect_error("soundcheck-transpose = -1\n", "t.conf:1:");
    CHECK(host_config_parse(&d, "soundcheck-transpose = auto\n", "a.conf", err, sizeof err) == 0 &&
          d.soundcheck_transpose == CAMSEP_SOUNDCHECK_TRANSPOSE_AUTO);
    expect_error("soundcheck-atoms = 0\n", "t.conf:1:");
    expect_error("soundcheck-atoms = 65\n", "t.conf:1:");
    expect_error("[player a]\nsoundcheck = 5\n", "global setting");
    const char *query = NULL;
    CHECK(args(&d, HOST_PORTAUDIO, "--soundcheck 12.5 --soundcheck-dir /srv/sc --player a", err, sizeof err,
               &query) == 0 && !query);
    CHECK(d.soundcheck_s == 12.5 && !strcmp(d.soundcheck_dir, "/srv/sc"));

    /* After a sound check the --config file names the new dictionaries: only
     * those lines change, comments and everything else stay. */
    {
        char sdir[] = "/tmp/test_host_config_sc_XXXXXX", conf[256], buf[4096];
        CHECK(mkdtemp(sdir));
        snprintf(conf, sizeof conf, "%s/show.conf", sdir);
        FILE *g = fopen(conf, "w");
        CHECK(g);
        fputs("# the show\nfft = 2048\n\n[player violin]\ninstrument = violin   # bundled\ngain = -3\n"
              "\n[ player  cello ]\nbox = 1,2,3,4\n[player flute]\ndictionary = old.dict\nmute = true",
              g);
        fclose(g);
        const char *who[3] = {"violin", "cello", "oboe"}, *files[3] = {"/sc/violin.dict", "/sc/#2 cello.dict", "/x"};
        int missing = -1;
        CHECK_MSG(host_config_set_dictionaries(conf, 3, who, files, &missing, err, sizeof err) == 0, "%s", err);
        CHECK(missing == 1);
        g = fopen(conf, "r");
        CHECK(g);
        size_t got = fread(buf, 1, sizeof buf - 1, g);
        fclose(g);
        buf[got] = 0;
        CHECK_MSG(!strcmp(buf, "# the show\nfft = 2048\n\n[player violin]\ndictionary = /sc/violin.dict\ngain = -3\n"
                               "\n[ player  cello ]\nbox = 1,2,3,4\ndictionary = /sc/#2 cello.dict\n[player flute]\n"
                               "dictionary = old.dict\nmute = true"),
                  "edited file:\n%s", buf);
        host_config_default(&d, HOST_JACK);
        CHECK_MSG(host_config_load(&d, conf, err, sizeof err) == 0, "%s", err);
        CHECK(!strcmp(d.players[0].dictionary, "/sc/violin.dict") && !d.players[0].instrument[0] &&
              !strcmp(d.players[1].dictionary, "/sc/#2 cello.dict") && d.players[0].gain_db == -3.0f);
        /* a '#' where it would start a comment is escaped */
        const char *hashed[1] = {"/sc/cello #2.dict"};
        CHECK_MSG(host_config_set_dictionaries(conf, 1, who + 1, hashed, &missing, err, sizeof err) == 0, "%s", err);
        host_config_default(&d, HOST_JACK);
        CHECK_MSG(host_config_load(&d, conf, err, sizeof err) == 0, "%s", err);
        CHECK_MSG(!strcmp(d.players[1].dictionary, "/sc/cello #2.dict"), "%s", d.players[1].dictionary);
        unlink(conf);
        CHECK(host_config_set_dictionaries(conf, 3, who, files, &missing, err, sizeof err) == -1 && strstr(err, conf));
        rmdir(sdir);
    }

    /* Malformed files: the line number and the problem. */
    expect_error("fft = 1024\nfft = 2048\n", "t.conf:2: 'fft' is given twice");
    expect_error("bogus = 1\n", "t.conf:1: unknown key 'bogus'");
    expect_error("\n\nfft 1024\n", "t.conf:3: expected 'key = value'");
    expect_error("fft = abc\n", "t.conf:1: fft: 'abc' is not a whole number");
    expect_error("fft = 1024x\n", "t.conf:1: fft:");
    expect_error("prior-strength = 0,5\n", "t.conf:1: prior-strength: '0,5' is not a number");
    expect_error("mask-power = nan\n", "t.conf:1: mask-power");
    expect_error("trust-memory = -1\n", "t.conf:1: trust-memory");
    expect_error("split-strength = 1.5\n", "t.conf:1: split-strength");
    expect_error("rest-gate = -0.1\n", "t.conf:1: rest-gate");
    expect_error("share-strength = 1.5\n", "t.conf:1: share-strength");
    expect_error("motion-knee = 0.05\n", "t.conf:1: motion-knee");
    expect_error("box = 1,2,3,4\n", "t.conf:1: 'box' belongs in a [player NAME] section");
    expect_error("[player a]\nfft = 1024\n", "t.conf:2: 'fft' is a global setting");
    expect_error("[player a]\nbox = 1,2,0,4\n", "t.conf:2: box:");
    expect_error("[player a]\nbox = 1,2,3\n", "t.conf:2: box:");
    expect_error("[player a]\n[player a]\n", "t.conf:2: player 'a' is given twice");
    expect_error("[player in]\n", "t.conf:1: player name 'in' is reserved");
    expect_error("[player a b]\n", "t.conf:1: player name 'a b'");
    expect_error("[group a]\n", "t.conf:1: unknown section");
    expect_error("[player a\n", "t.conf:1: malformed section header");
    expect_error("loop = maybe\n", "t.conf:1: loop: 'maybe' is not true or false");
    expect_error("video =\n", "t.conf:1: 'video' has no value");
    expect_error("camera-size = 640*480\n", "t.conf:1: camera-size");
    expect_error("connect = system:capture_1\n", "t.conf:1: connect: 'system:capture_1' is not STEM=PORT");
    expect_error("[player a]\ninstrument = ../violin\n", "t.conf:2: instrument:");
    expect_error("[player a]\ngain = 30\n", "t.conf:2: gain:");
    expect_error("[player p1]\n[player p2]\n[player p3]\n[player p4]\n[player p5]\n[player p6]\n[player p7]\n"
                 "[player p8]\n",
                 "t.conf:8: at most 7 players");

    /* Validation of a whole configuration. */
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "no players"));
    CHECK(host_config_parse(&d, "video = x.y4m\n[player a]\n", "v", err, sizeof err) == 0);
    CHECK(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "player 'a' has no box"));
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_parse(&d, "connect = b=x:y\n[player a]\n", "v", err, sizeof err) == 0);
    CHECK(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "'b' is not in"));
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_parse(&d, "fft = 1000\nhop = 600\n[player a]\n", "v", err, sizeof err) == 0);
    CHECK(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "hop"));
    host_config_default(&d, HOST_JACK);
    CHECK(host_config_parse(&d, "fft = 1024\nlatency = 2048\n[player a]\n", "v", err, sizeof err) == 0);
    CHECK_MSG(host_config_validate(&d, err, sizeof err) == -1 && strstr(err, "latency 2048"), "%s", err);

    /* The command line. */
    const char *q;
    CHECK_MSG(args(&c, HOST_JACK,
                   "--player violin --box 1,2,3,4 --gain -3 --player cello=/x/c.dict --mute --other --fft 512 "
                   "--prior-strength=2 -n cam --connect in=a:b --video v.y4m --box 5,6,7,8",
                   err, sizeof err, &q) == 0,
              "%s", err);
    CHECK(c.n_players == 2 && c.players[0].gain_db == -3.0f && c.players[0].box.x == 1.0f);
    CHECK(!strcmp(c.players[1].dictionary, "/x/c.dict") && c.players[1].mute && c.players[1].box.x == 5.0f);
    CHECK(c.other && c.fft == 512 && c.params.activity_strength == 2.0f && !strcmp(c.jack_name, "cam"));
    CHECK(c.n_connect == 1 && !strcmp(c.video, "v.y4m") && host_config_validate(&c, err, sizeof err) == 0);
    CHECK(args(&c, HOST_JACK, "--player violin=viola", err, sizeof err, &q) == 0 &&
          !strcmp(c.players[0].instrument, "viola"));
    CHECK(args(&c, HOST_JACK, "--box 1,2,3,4", err, sizeof err, &q) == -1 && strstr(err, "give --player NAME first"));
    CHECK(args(&c, HOST_JACK, "--device 1", err, sizeof err, &q) == -1 && strstr(err, "camsep-portaudio"));
    CHECK(args(&c, HOST_PORTAUDIO, "--name x", err, sizeof err, &q) == -1 && strstr(err, "camsep-jack"));
    CHECK(args(&c, HOST_JACK, "--fft", err, sizeof err, &q) == -1 && strstr(err, "--fft needs a value"));
    CHECK(args(&c, HOST_JACK, "--what", err, sizeof err, &q) == -1 && strstr(err, "unknown option --what"));
    CHECK(args(&c, HOST_JACK, "--iterations 0", err, sizeof err, &q) == -1 && strstr(err, "--iterations:"));
    CHECK(args(&c, HOST_PORTAUDIO, "--list-devices", err, sizeof err, &q) == 1 && !strcmp(q, "list-devices"));
    CHECK(args(&c, HOST_JACK, "--list-devices", err, sizeof err, &q) == 1 && !strcmp(q, "list-devices"));
    /* camera controls: repeated, checked for NAME=VALUE, kept in order, written back by the formatter */
    CHECK_MSG(args(&c, HOST_JACK, "--player a --camera-control exposure_auto=1 --camera-control=power_line_frequency=1",
                   err, sizeof err, &q) == 0,
              "%s", err);
    CHECK(c.n_camera_controls == 2 && !strcmp(c.camera_control[0], "exposure_auto=1") &&
          !strcmp(c.camera_control[1], "power_line_frequency=1"));
    {
        char buf[8192];
        host_config_format(&c, buf, sizeof buf);
        CHECK(strstr(buf, "camera-control = exposure_auto=1\ncamera-control = power_line_frequency=1\n"));
        host_config e;
        host_config_default(&e, HOST_JACK);
        CHECK_MSG(host_config_parse(&e, buf, "round trip", err, sizeof err) == 0, "%s", err);
        CHECK(e.n_camera_controls == 2 && !strcmp(e.camera_control[1], "power_line_frequency=1"));
    }
    CHECK(args(&c, HOST_JACK, "--camera-control exposure_auto", err, sizeof err, &q) == -1 &&
          strstr(err, "expected NAME=VALUE"));
    CHECK(args(&c, HOST_JACK, "--player a -h", err, sizeof err, &q) == 1 && !strcmp(q, "help"));
    CHECK(args(&c, HOST_JACK, "--config /nonexistent/x.conf", err, sizeof err, &q) == -1 &&
          strstr(err, "/nonexistent/x.conf"));

    /* Numbers stay in the C locale whatever the environment says. */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        host_config_default(&d, HOST_JACK);
        CHECK(host_config_parse(&d, "prior-strength = 0.25\n[player a]\n", "l", err, sizeof err) == 0);
        CHECK(d.params.activity_strength == 0.25f);
        char buf[4096];
        host_config_format(&d, buf, sizeof buf);
        CHECK(strstr(buf, "prior-strength = 0.25\n"));
        setlocale(LC_NUMERIC, "C");
    } else {
        printf("test_host_config: no German or French locale; the locale check is skipped\n");
    }

    /* Bundled dictionaries (CAMSEP_DICT_DIR is set by ctest). */
    camsep_config window;
    host_config_default(&d, HOST_JACK);
    host_config_engine_window(&d, &window);
    const int fall = window.latency / 2;
    camsep_dictionary *found = host_dict_find("violin", window.fft_size, fall, err, sizeof err);
    CHECK_MSG(found && found->window_fall == fall, "%s", err);
    camsep_dictionary_free(found);
    /* The 10 ms mode finds the presets learned for it (latency-512/). */
    found = host_dict_find("violin", 2048, 256, err, sizeof err);
    CHECK_MSG(found && found->window_fall == 256 && found->fft_size == 2048, "%s", err);
    camsep_dictionary_free(found);
    /* A window nothing was learned for is refused, saying so. */
    CHECK(!host_dict_find("violin", 2048, 100, err, sizeof err));
    CHECK_MSG(strstr(err, "latency 200") && strstr(err, "camsep-train"), "%s", err);
    CHECK(!host_dict_find("theremin", window.fft_size, fall, err, sizeof err));
    CHECK_MSG(strstr(err, "theremin") && strstr(err, "violin"), "%s", err);
    camsep_dictionary *dict = host_dict_load("p", "cello", "", &window, err, sizeof err);
    CHECK_MSG(dict, "%s", err);
    camsep_dictionary_free(dict);
    CHECK(!host_dict_load("p", "", "/nonexistent.dict", &window, err, sizeof err) && strstr(err, "player p:"));
    /* input-match: a regular expression naming the input's port, checked when read, saved. */
    host_config_default(&d, HOST_JACK);
    CHECK_MSG(host_config_parse(&d, "input-match = ^USB Audio.*:capture_FL$\n[player a]\n", "m.conf", err, sizeof err) == 0,
              "%s", err);
    CHECK(!strcmp(d.input_match, "^USB Audio.*:capture_FL$"));
    char saved[4096];
    snprintf(saved, sizeof saved, "/tmp/test_host_config_%d.conf", (int)getpid());
    CHECK_MSG(host_config_save(&d, saved, err, sizeof err) == 0, "%s", err);
    host_config_default(&c, HOST_JACK);
    CHECK_MSG(host_config_load(&c, saved, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(c.input_match, d.input_match));
    unlink(saved);
    expect_error("input-match = (capture\n", "is not a regular expression");
    /* a box a float cannot hold was taken as infinite, and saved as "inf" that no
     * file can be read with (found by fuzzing) */
    expect_error("[player a]\nbox = 5,20,200,3.9e110\n", "t.conf:2: box: '5,20,200,3.9e110' is not X,Y,W,H");
    expect_error("[player a]\nbox = 5,20,100001,10\n", "at most 100000");
    /* Repetitions that glibc's regcomp() would expand to gigabytes are refused
     * before it sees them (a++++... took it 15 s and 3 GB; found by fuzzing). */
    expect_error("input-match = a++++++++++++++++++++++\n", "repeats a repetition");
    expect_error("input-match = a*********++++++++++*********e\n", "repeats a repetition");
    expect_error("input-match = a{2}+\n", "repeats a repetition");
    expect_error("input-match = ((a{255}){255}){20}\n", "repeats too much");
    expect_error("input-match = ((((((((((((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+)+\n",
                 "repeats too much");
    const char *fine[] = {"^system:capture_[0-9]+$", "^(USB Audio|Focusrite).*:capture_(FL|1)$", "a{2,3}b+c*d?",
                          "[]a[:digit:]]{1,16}", "x{100}y{100}z{100}", "\\(literal\\)+"};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
        CHECK_MSG(!port_regex_problem(fine[i]), "%s: %s", fine[i], port_regex_problem(fine[i]));
    /* Text settings come back the same from the file they are saved in: a '#'
     * where it would start a comment is written "\\#" (found by fuzzing: a
     * value "#x" was saved as "key = #x", a comment). */
    {
        host_config w, r;
        host_config_default(&w, HOST_JACK);
        char *cli[] = {"prog", "--video", "/media/cams/stage #2.y4m", "--input-match", "#?[ab]",
                        "--server", "a#b", "--connect", "in=USB #1:capture_1", NULL};
        CHECK_MSG(host_config_args(&w, 9, cli, &q, err, sizeof err) == 0, "%s", err);
        static char saved_text[1 << 16];
        host_config_format(&w, saved_text, sizeof saved_text);
        CHECK_MSG(strstr(saved_text, "video = /media/cams/stage \\#2.y4m\n") && strstr(saved_text, "input-match = \\#?[ab]\n") &&
                      strstr(saved_text, "server = a#b\n"),
                  "%s", saved_text);
        host_config_default(&r, HOST_JACK);
        CHECK_MSG(host_config_parse(&r, saved_text, "saved.conf", err, sizeof err) == 0, "%s", err);
        CHECK(!strcmp(r.video, w.video) && !strcmp(r.input_match, w.input_match) && !strcmp(r.jack_server, "a#b"));
        CHECK(r.n_connect == 1 && !strcmp(r.connect[0].port, "USB #1:capture_1"));
        /* what a file could not keep is refused where it is given */
        char *bad[][3] = {{"prog", "--video", " leading.y4m"},
                          {"prog", "--video", "trailing.y4m "},
                          {"prog", "--device", "line\nbreak"},
                          {"prog", "--server", "x \\#y"}};
        const char *why[] = {"white space", "white space", "control character", "write # instead"};
        for (int i = 0; i < 4; i++) {
            host_config_default(&w, i == 2 ? HOST_PORTAUDIO : HOST_JACK);
            CHECK_MSG(host_config_args(&w, 3, bad[i], &q, err, sizeof err) == -1 && strstr(err, why[i]),
                      "%s: %s", bad[i][2], err);
        }
        /* a hand-written "\\#" after white space is the '#'; elsewhere it stays */
        host_config_default(&r, HOST_JACK);
        CHECK_MSG(host_config_parse(&r, "video = a \\#1 # the comment\nserver = a\\#b\n", "h.conf", err, sizeof err) == 0,
                  "%s", err);
        CHECK_MSG(!strcmp(r.video, "a #1") && !strcmp(r.jack_server, "a\\#b"), "'%s' '%s'", r.video, r.jack_server);
    }
    /* the estimate itself: atoms and brackets one each, a+ = a a*, X{n} n copies */
    CHECK(port_regex_measure("abc").elements == 3.0);
    CHECK(port_regex_measure("a+").elements == 3.0);
    CHECK(port_regex_measure("a*").elements == 2.0);
    CHECK(port_regex_measure("(a*)+").stacked == 0 && port_regex_measure("a*+").stacked == 1);
    CHECK(port_regex_measure("[*+]+a\\++").stacked == 0 && port_regex_measure("a?{2}b+*").stacked == 2);
    CHECK(port_regex_measure("((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)").elements > PORT_REGEX_MAX_ELEMENTS);
    CHECK(port_regex_measure("(ab){3}").elements == 10.0);
    CHECK(port_regex_measure("[]a)]x").elements == 2.0);
    CHECK(port_regex_measure("a|b").elements == 3.0);
    CHECK(port_regex_measure("a{2,}").elements == 4.0);
    CHECK(port_regex_measure("\\(").elements == 1.0);
    CHECK(port_regex_measure("a{99999999999999999999999}").elements > PORT_REGEX_MAX_ELEMENTS);
    printf("test_host_config: ok\n");
    return 0;
}
