/* The cost bound of the policy path, on the worst inputs a hostile bundle
 * can hold: a create's whole evaluation (policy, host, bundle, rootfs,
 * moby's store, every rule, the record) is decided, and its cost grows
 * linearly with the input.
 *
 * Each document is as large as the reader takes (SPEC_SIZE_MAX,
 * MOBY_CONFIG_MAX) and as dense as JSON allows in what it stresses: keys,
 * objects, names looked up in libcap, $PATH directories, symlinks, nesting,
 * escapes.  Each has a reference: the same input at a quarter of the size
 * (linear cost gives at most 4x, a quadratic step 16x), or, for inputs
 * bounded by a count rather than a size (the $PATH directories, the #!
 * depth), 1 MiB of a benign spec.
 *
 * Run as a unit test, it checks that every input is decided and prints
 * each one's CPU time against its reference's, for information only: on a
 * shared machine both time and CPU time measure the cache and the other
 * work as much as the input (1 MiB of keys measured 15x its quarter under
 * load, with exactly 4x the instructions).  `bound_test --write DIR` lays
 * the inputs out instead; tests/bound_test.sh counts their instructions
 * under callgrind, which no load changes, and holds the bounds there. */
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/exe.h"
#include "../oci/moby.h"
#include "../oci/sha256.h"
#include "../oci/spec.h"
#include "../policy/record.h"
#include "../shim/evaluate.h"
#include "harness.h"

#define RUNS       5
#define GROWTH_MAX 6.0 /* full size over a quarter: linear is <= 4 */
#define BENIGN_MAX 4.0 /* a count-bounded input over 1 MiB of a benign spec */

static char dir[160], bundle[200], quarter[200], benign[200], policy[200], docker_root[200];
/* the cases' container id: moby's store has it only for worst_moby_store */
static const char *input_id = "5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e1";
static const char quarter_id[] = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
static const char docker_id[] = "4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0";

static void write_file(const char *path, const char *text, size_t len)
{
        cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
}

/* head, then item(i) joined by sep as many times as fit, then tail: a
 * document of at most max bytes, within an item of it. */
struct filler {
        const char *head, *item, *sep, *tail; /* item: a '#' in it becomes the number */
};

static size_t item_text(const char *item, size_t i, char *out, size_t size)
{
        const char *hash = strchr(item, '#');

        if (hash == NULL)
                return (size_t)snprintf(out, size, "%s", item);
        return (size_t)snprintf(out, size, "%.*s%zu%s", (int)(hash - item), item, i, hash + 1);
}

static char *fill(const struct filler *f, size_t max, size_t *len)
{
        char *text = malloc(max + 1), one[256];
        size_t o = 0, tail = strlen(f->tail);

        if (text == NULL)
                return NULL;
        o += (size_t)snprintf(text, max + 1, "%s", f->head);
        for (size_t i = 0;; i++) {
                size_t n = item_text(f->item, i, one, sizeof(one));
                size_t sep = i ? strlen(f->sep) : 0;
                if (o + sep + n + tail > max)
                        break;
                if (sep)
                        memcpy(text + o, f->sep, sep), o += sep;
                memcpy(text + o, one, n), o += n;
        }
        memcpy(text + o, f->tail, tail + 1);
        *len = o + tail;
        return text;
}

static double elapsed_ms(struct timespec a, struct timespec b)
{
        return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

/* The create path once: evaluate and format the record.  Returns the CPU
 * time it took, in ms: the process's CPU clock, not the wall clock, so
 * that a machine busy with other work (two cores, a parallel build, CI)
 * does not count its waiting for a core against the input. */
static double one_create(const char *where, const char *id, bool *decided)
{
        const struct evaluation_request rq = {
                .policy_path = policy, .policy_named = true, .bundle = where, .id = id};
        struct record_extra x = {.verb = "create", .version = "test", .duration_us = 1};
        struct timespec t0, t1;
        struct evaluation *ev;
        cleanup_free char *line = NULL;
        struct eg_error err;
        size_t len;

        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        ev = evaluate(&rq);
        *decided = ev != NULL && ev->decision.reason[0] != '\0' &&
                   record_format(&ev->in, &ev->decision, &x, &line, &len, &err) == 0;
        evaluation_free(ev);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        return elapsed_ms(t0, t1);
}

static const char *write_dir; /* --write DIR */
static int n_cases;

/* --write: the case as DIR/N/{case,input,reference}, for bound_test.sh. */
static void lay_out(const char *what, const char *ref_bundle, const char *ref_id, double max)
{
        char path[300], text[400];

        n_cases++;
        harness_sh("mkdir -p '%s/%d' && cp -a '%s' '%s/%d/input' && cp -a '%s' '%s/%d/reference'",
                   write_dir, n_cases, bundle, write_dir, n_cases, ref_bundle, write_dir, n_cases);
        snprintf(path, sizeof(path), "%s/%d/case", write_dir, n_cases);
        snprintf(text, sizeof(text), "what='%s'\ninput_id=%s\nreference_id=%s\nmax=%.0f\n", what,
                 input_id, ref_id, max);
        write_file(path, text, strlen(text));
}

/* what (in bundle) against a reference (in ref_bundle, container ref_id):
 * its fastest CPU time at most max times the reference's. */
static void bounded(const char *what, const char *ref_bundle, const char *ref_id, double max)
{
        double best = 1e9, ref = 1e9, ms;
        bool decided = true, ok;

        for (int i = 0; write_dir == NULL && i < RUNS; i++) {
                ms = one_create(bundle, input_id, &ok);
                decided = decided && ok;
                best = ms < best ? ms : best;
                ms = one_create(ref_bundle, ref_id, &ok);
                decided = decided && ok;
                ref = ms < ref ? ms : ref;
        }
        if (write_dir != NULL) {
                lay_out(what, ref_bundle, ref_id, max);
                return;
        }
        printf("# %-52s %6.1f ms CPU, %4.1fx %s (%.1f ms; held to %.0fx by bound_test.sh)\n", what,
               best, best / ref, ref_bundle == quarter ? "a quarter" : "benign", ref, max);
        CHECK(decided);
}

static void write_spec(const char *where, const struct filler *f, size_t max)
{
        char path[300];
        size_t len;
        cleanup_free char *text = fill(f, max, &len);

        CHECK(text != NULL && len + 256 > max);
        if (text == NULL)
                return;
        snprintf(path, sizeof(path), "%s/config.json", where);
        write_file(path, text, len);
}

static void config_case(const char *what, const struct filler *f)
{
        write_spec(bundle, f, SPEC_SIZE_MAX);
        write_spec(quarter, f, SPEC_SIZE_MAX / 4);
        bounded(what, quarter, input_id, GROWTH_MAX);
}

#define SPEC_HEAD "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
#define PROC_HEAD SPEC_HEAD "\"process\":{\"cwd\":\"/\",\"args\":[\"/bin/true\"],"

TEST(worst_config_json)
{
        static const struct {
                const char *what;
                struct filler f;
        } cases[] = {
                {"1 MiB of annotation keys",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"annotations\":{", "\"k#\":\"\"", ",",
                  "}}"}},
                {"1 MiB of device cgroup rules",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"linux\":{\"resources\":{\"devices\":[",
                  "{\"allow\":true,\"type\":\"c\",\"major\":#,\"minor\":3,\"access\":\"rwm\"}", ",",
                  "]}}}"}},
                {"1 MiB of mounts",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"mounts\":[",
                  "{\"destination\":\"/m#\",\"type\":\"bind\",\"source\":\"/"
                  "s\",\"options\":[\"ro\"]}",
                  ",", "]}"}},
                {"1 MiB of unknown capability names",
                 {PROC_HEAD "\"capabilities\":{\"bounding\":[", "\"CAP_#\"", ",", "]}}}"}},
                {"1 MiB of misspelt capability names",
                 {PROC_HEAD "\"capabilities\":{\"effective\":[", "\"cap_sys_admin#\"", ",",
                  "]}}}"}},
                {"1 MiB of capabilities",
                 {PROC_HEAD "\"capabilities\":{\"permitted\":[", "\"CAP_SYS_ADMIN\"", ",", "]}}}"}},
                {"1 MiB of environment variables",
                 {PROC_HEAD "\"env\":[", "\"V#=1\"", ",", ",\"PATH=/bin\"]}}"}},
                {"1 MiB of seccomp architectures",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"linux\":{\"seccomp\":{\"defaultAction\":"
                            "\"SCMP_ACT_ERRNO\",\"architectures\":[",
                  "\"SCMP_ARCH_X86\"", ",", "]}}}"}},
                {"1 MiB of masked paths",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"linux\":{\"maskedPaths\":[", "\"/p#\"", ",",
                  "]}}"}},
                {"1 MiB $PATH, args[0] in none of it",
                 {SPEC_HEAD "\"process\":{\"cwd\":\"/\",\"args\":[\"nothere\"],\"env\":[\"PATH=",
                  "/d#", ":", "\"]}}"}},
                {"1 MiB $PATH of empty entries",
                 {SPEC_HEAD "\"process\":{\"cwd\":\"/\",\"args\":[\"nothere\"],\"env\":[\"PATH=",
                  "", ":", "\"]}}"}},
                {"1 MiB of \\u escapes",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"annotations\":{\"e\":\"", "\\u00e9", "",
                  "\"}}"}},
                {"1 MiB of arrays 64 deep (the limit), unread",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"x\":[",
                  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]"
                  "]]"
                  "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
                  ",", "]}"}},
                {"1 MiB of one string",
                 {PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"annotations\":{\"l\":\"", "x", "", "\"}}"}},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                config_case(cases[i].what, &cases[i].f);
}

/* The rootfs: every $PATH directory a 40-link symlink chain ending in a
 * loop, args[0] a #! chain as deep as the kernel follows. */
TEST(worst_rootfs)
{
        char path[300], text[4096], doc[4200];
        size_t o = 0;

        harness_sh("cd '%s/rootfs' && for i in $(seq 0 40); do ln -s l$((i + 1)) l$i; done && "
                   "ln -s l0 l41 && mkdir -p s && for i in 1 2 3 4 5 6; do "
                   "printf '#!/s/%%s\\n' $((i + 1)) > s/$i; chmod 755 s/$i; done",
                   bundle);
        for (int i = 0; i < EXE_PATH_DIRS_MAX + 10; i++)
                o += (size_t)snprintf(text + o, sizeof(text) - o, "%s/l0", i ? ":" : "");
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        snprintf(doc, sizeof(doc),
                 SPEC_HEAD "\"process\":{\"cwd\":\"/\",\"args\":[\"nothere\"],"
                           "\"env\":[\"PATH=%s\"]}}",
                 text);
        write_file(path, doc, strlen(doc));
        bounded("$PATH of 266 dirs, each a 40-symlink loop", benign, "benign", BENIGN_MAX);
        snprintf(doc, sizeof(doc),
                 SPEC_HEAD "\"process\":{\"cwd\":\"/\",\"args\":[\"/s/1\"],"
                           "\"env\":[\"PATH=/bin\"]}}");
        write_file(path, doc, strlen(doc));
        bounded("#! scripts six deep", benign, "benign", BENIGN_MAX);
}

/* moby's store for container `id`: a config.v2.json and an image config
 * of max_config and max_image bytes. */
static void write_moby_store(const char *id, size_t max_config, size_t max_image)
{
        static const struct filler image = {
                "{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Labels\":{",
                "\"L#\":\"\"", ",", "}}}"};
        char path[400], hex[SHA256_HEX_SIZE], head[256];
        size_t len, ilen;
        cleanup_free char *img = fill(&image, max_image, &ilen);
        cleanup_free char *text = NULL;

        CHECK(img != NULL);
        if (img == NULL)
                return;
        sha256_hex(img, ilen, hex);
        snprintf(head, sizeof(head),
                 "{\"Name\":\"/edgeHub\",\"Driver\":\"overlay2\",\"Image\":\"sha256:%s\","
                 "\"Config\":{\"Image\":\"x\",\"Labels\":{",
                 hex);
        text = fill(&(struct filler){head, "\"L#\":\"\"", ",", "}}}"}, max_config, &len);
        CHECK(text != NULL);
        if (text == NULL)
                return;
        harness_sh("mkdir -p '%s/containers/%s' '%s/image/overlay2/imagedb/content/sha256'",
                   docker_root, id, docker_root);
        snprintf(path, sizeof(path), "%s/containers/%s/config.v2.json", docker_root, id);
        write_file(path, text, len);
        snprintf(path, sizeof(path), "%s/image/overlay2/imagedb/content/sha256/%s", docker_root,
                 hex);
        write_file(path, img, ilen);
}

/* moby's store: a config.v2.json and an image config as large as read. */
TEST(worst_moby_store)
{
        static const char doc[] = PROC_HEAD "\"env\":[\"PATH=/bin\"]}}";
        char path[400];

        input_id = docker_id;
        write_moby_store(docker_id, MOBY_CONFIG_MAX, MOBY_IMAGE_CONFIG_MAX);
        write_moby_store(quarter_id, MOBY_CONFIG_MAX / 4, MOBY_IMAGE_CONFIG_MAX / 4);
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        write_file(path, doc, sizeof(doc) - 1);
        snprintf(path, sizeof(path), "%s/config.json", quarter);
        write_file(path, doc, sizeof(doc) - 1);
        bounded("moby store: config.v2.json and image, 512 KiB each", quarter, quarter_id,
                GROWTH_MAX);
}

/* The benign reference: a valid spec grown to the reader's limit the way
 * `make bench` grows docker's, with 64-byte annotation values; and the
 * quarter-size bundle's rootfs. */
static void write_benign(void)
{
        static const struct filler f = {
                PROC_HEAD "\"env\":[\"PATH=/bin\"]},\"annotations\":{",
                "\"com.example.label.#\":"
                "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"",
                ",", "}}"};
        char path[300];
        size_t len;
        cleanup_free char *text = fill(&f, SPEC_SIZE_MAX, &len);

        CHECK(text != NULL);
        if (text == NULL)
                return;
        harness_sh("mkdir -p '%s' '%s' && ln -s '%s/rootfs' '%s/rootfs' && "
                   "ln -s '%s/rootfs' '%s/rootfs'",
                   benign, quarter, bundle, benign, bundle, quarter);
        snprintf(path, sizeof(path), "%s/config.json", benign);
        write_file(path, text, len);
}

static void setup(void)
{
        char text[512];

        if (write_dir != NULL)
                snprintf(dir, sizeof(dir), "%s/tree", write_dir);
        else
                CHECK(harness_mkdtemp(dir, sizeof(dir), "bound") != NULL);
        snprintf(bundle, sizeof(bundle), "%s/bundle", dir);
        snprintf(quarter, sizeof(quarter), "%s/quarter", dir);
        snprintf(benign, sizeof(benign), "%s/benign", dir);
        snprintf(policy, sizeof(policy), "%s/policy.json", dir);
        snprintf(docker_root, sizeof(docker_root), "%s/docker", dir);
        harness_sh("mkdir -p '%s/rootfs/bin' && cp /bin/busybox '%s/rootfs/bin/busybox' && "
                   "ln -s busybox '%s/rootfs/bin/true' && mkdir -p '%s'",
                   bundle, bundle, bundle, docker_root);
        /* every rule on, so that every rule reads what it can */
        snprintf(text, sizeof(text),
                 "{\"capabilities\":\"docker-default\",\"privileged\":\"refuse\","
                 "\"seccomp_required\":true,\"unknown\":\"refuse\",\"docker_root\":\"%s\","
                 "\"decision_log\":\"%s/decisions.jsonl\"}",
                 docker_root, dir);
        write_file(policy, text, strlen(text));
        write_benign();
}

int main(int argc, char *argv[])
{
        if (argc == 3 && strcmp(argv[1], "--write") == 0)
                write_dir = argv[2];
        setup();
        RUN(worst_config_json);
        RUN(worst_rootfs);
        RUN(worst_moby_store);
        if (write_dir == NULL) /* else the store and rootfs the cases point at stay */
                harness_sh("rm -rf '%s'", dir);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
