#include "check_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/image_facts.h"
#include "../oci/image_load.h"
#include "../oci/moby_image.h"
#include "../oci/platform_match.h"
#include "../oci/str.h"
#include "evaluate.h"
#include "options.h"
#include "policy_load.h"

static const char usage[] =
        "usage: edgeguard check [--json] [--policy FILE] [--host HOST]... [--targets SET]\n"
        "                       (--archive FILE | --oci DIR | --image REF |\n"
        "                        --container NAME)\n"
        "\n"
        "Judges an image by the binaries inside, for each target platform, as the\n"
        "runtime would judge the container the engine makes of it there.  Nothing is\n"
        "pulled, created or logged.\n"
        "\n"
        "Images:\n"
        "  --archive FILE    a `docker save` or buildx --output type=docker/type=oci tar,\n"
        "                    plain or compressed (gzip, zstd, xz, bzip2)\n"
        "  --oci DIR         an OCI image layout (skopeo, umoci,\n"
        "                    buildx --output type=oci,dest=DIR)\n"
        "  --image REF       an image in dockerd's store (read from its files under the\n"
        "                    policy's docker_root, overlay2; no dockerd needed)\n"
        "  --container NAME  a docker container (name or id): its own process and files\n"
        "Targets (default: this host, or the policy's \"host\"):\n"
        "  --host HOST       a platform the image must run on; repeat for several\n"
        "  --targets iotedge linux/amd64, linux/arm/v7 and linux/arm64: the Linux\n"
        "                    platforms of Azure IoT Edge's supported-systems table\n"
        "For each target, the manifest the engine would pull there (containerd's\n"
        "platform matching) is judged; then every manifest against the platform it\n"
        "claims.  HOST is as for `edgeguard check BUNDLE --host` (see --help).\n"
        "\n"
        "Exit status: 0 every target runs the image and no manifest lies about its\n"
        "platform; 1 something is refused (or the image cannot be read); 2 usage.\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "edgeguard check: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n%s", usage);
        return 2;
}

enum source_kind { SOURCE_NONE, SOURCE_ARCHIVE, SOURCE_OCI, SOURCE_IMAGE, SOURCE_CONTAINER };

struct run {
        enum source_kind kind;
        const char *source;
        struct policy policy;
        const char *policy_error;
        char policy_error_buf[EG_ERROR_MSG_MAX];
        size_t n_targets;
        struct check_target targets[CHECK_TARGETS_MAX];
        /* archive / OCI layout */
        struct image_source *src;
        struct image_set set;
        /* dockerd's store */
        int root_fd;
        struct moby_image moby;
        struct image_config container_config;
        char container_id[65];
        struct moby_container container;
        struct check_report report;
        struct decision *d;
};

static int add_target(struct run *r, const char *text)
{
        struct check_target *t;
        struct platform kernel, userland;
        struct eg_error err;

        if (r->n_targets == CHECK_TARGETS_MAX)
                return usage_error("more than %d targets", CHECK_TARGETS_MAX);
        /* the bundle check's rules for HOST (check.c) */
        if (host_parse_stated(text, &kernel, &userland, &err) < 0)
                return usage_error("--host %s: %s", text, err.msg);
        if (kernel.os[0] == '\0' || strncasecmp(text, kernel.os, strlen(kernel.os)) != 0)
                return usage_error("--host %s: write OS/ARCH[/VARIANT]", text);
        t = &r->targets[r->n_targets];
        if ((t->host = malloc(sizeof(*t->host))) == NULL)
                return usage_error("out of memory");
        r->n_targets++;
        if (host_simulate(text, t->host, &err) < 0)
                return usage_error("--host %s: %s", text, err.msg);
        str_copy(t->name, sizeof(t->name), text);
        t->ia32 = t->host->ia32 != HOST_IA32_NO;
        return 0;
}

static int this_host(struct run *r)
{
        struct check_target *t = &r->targets[0];
        struct eg_error err;

        if ((t->host = malloc(sizeof(*t->host))) == NULL)
                return usage_error("out of memory");
        r->n_targets = 1;
        if (evaluate_host(&r->policy, NULL, t->host, &err) < 0) {
                fprintf(stderr, "edgeguard check: this host's platform: %s\n", err.msg);
                return 1;
        }
        platform_format(&t->host->platform, t->name, sizeof(t->name));
        t->ia32 = t->host->ia32 != HOST_IA32_NO;
        return 0;
}

static struct check_image *new_image(struct run *r)
{
        struct check_image *im = &r->report.images[r->report.n_images++];

        memset(im, 0, sizeof(*im));
        return im;
}

/* The images of an archive or layout, as image_load reads them. */
static int open_archive(struct run *r)
{
        struct eg_error err = {0};

        if ((r->src = image_source_open(r->source, &err)) == NULL) {
                fprintf(stderr, "edgeguard check: %s: %s\n", r->source, err.msg);
                return err.errnum == ENOENT ? 2 : 1;
        }
        if (r->kind == SOURCE_OCI && !image_source_is_dir(r->src)) {
                fprintf(stderr,
                        "edgeguard check: --oci %s: not a directory (--archive reads "
                        "a tar file)\n",
                        r->source);
                return 2;
        }
        if (image_load(r->src, &r->set, &err) < 0) {
                fprintf(stderr, "edgeguard check: %s: refused: %s\n", r->source, err.msg);
                return 1;
        }
        r->report.source_kind = r->set.format;
        r->report.n_attestations = r->set.n_skipped_attestations;
        if ((r->report.images = calloc(r->set.n ? r->set.n : 1, sizeof(*r->report.images))) == NULL)
                return usage_error("out of memory");
        for (size_t i = 0; i < r->set.n; i++) {
                const struct image_candidate *c = &r->set.items[i];
                struct check_image *im = new_image(r);
                str_copy(im->label, sizeof(im->label), c->label);
                str_copy(im->digest, sizeof(im->digest), c->manifest_digest);
                im->from_index = c->from_index;
                im->has_claim = c->has_claim;
                im->claim = c->claim;
                im->claim_source = c->claim_source;
                im->config = &c->config;
                str_copy(im->problem, sizeof(im->problem), c->problem);
        }
        return 0;
}

/* The image (or container) from dockerd's store. */
static int open_store(struct run *r)
{
        char id[MOBY_IMAGE_ID_SIZE];
        struct check_image *im;
        struct eg_error err = {0};
        const char *root = r->policy.docker_root;

        if ((r->root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
                fprintf(stderr, "edgeguard check: docker root %s: %s\n", root, strerror(errno));
                return 2;
        }
        if ((r->report.images = calloc(1, sizeof(*r->report.images))) == NULL)
                return usage_error("out of memory");
        r->report.source_kind =
                r->kind == SOURCE_IMAGE ? "dockerd's image store" : "dockerd's container store";
        if (r->kind == SOURCE_CONTAINER) {
                if (moby_container_find(r->root_fd, r->source, r->container_id, &err) < 0 ||
                    moby_container_process(r->root_fd, r->container_id, &r->container,
                                           &r->container_config, &err) < 0) {
                        fprintf(stderr, "edgeguard check: --container %s: %s\n", r->source,
                                err.msg);
                        return err.errnum == ENOENT ? 2 : 1;
                }
                str_copy(id, sizeof(id), r->container.image_id);
        } else if (moby_image_resolve(r->root_fd, r->source, id, &err) < 0) {
                fprintf(stderr, "edgeguard check: --image %s: %s\n", r->source, err.msg);
                return err.errnum == ENOENT ? 2 : 1;
        }
        im = new_image(r);
        snprintf(im->label, sizeof(im->label), "%.150s", r->source);
        str_copy(im->digest, sizeof(im->digest), id);
        if (moby_image_open(r->root_fd, id, &r->moby, &err) < 0 ||
            (r->kind == SOURCE_CONTAINER &&
             moby_image_add_container_layer(r->root_fd, r->container_id, &r->moby, &err) < 0)) {
                str_copy(im->problem, sizeof(im->problem), err.msg);
                return 0;
        }
        im->config = r->kind == SOURCE_CONTAINER ? &r->container_config : &r->moby.config;
        if (r->moby.config.has_platform) {
                im->has_claim = true;
                im->claim = r->moby.config.platform;
                im->claim_source = "image config";
        }
        return 0;
}

/* $PATH directories whose args[0] is kept: the default $PATH has 6 */
#define CHECK_KEEP_PATHS_MAX 16

static struct image_fs *image_fs_of(struct run *r, size_t i, struct eg_error *err)
{
        const struct image_candidate *c;
        cleanup_free struct layer_blob *blobs = NULL;
        cleanup_free char(*keep_paths)[PATH_MAX] = NULL;
        const char *keep[CHECK_KEEP_PATHS_MAX];
        const struct image_config *cfg;
        size_t n_keep = 0;

        if (r->kind == SOURCE_IMAGE || r->kind == SOURCE_CONTAINER)
                return moby_image_fs(&r->moby, err);
        c = &r->set.items[i];
        if ((blobs = calloc(c->n_layers + 1, sizeof(*blobs))) == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        for (size_t l = 0; l < c->n_layers; l++)
                if (image_source_layer(r->src, c->layers[l], &blobs[l], err) < 0) {
                        eg_error_prefix(err, "layer %zu (%s)", l, c->layers[l]);
                        return NULL;
                }
        /* the program's bytes kept by the index pass: no second
         * decompression of its layer to read them */
        cfg = r->report.images[i].config;
        if (cfg != NULL &&
            (keep_paths = calloc(CHECK_KEEP_PATHS_MAX, sizeof(*keep_paths))) != NULL) {
                n_keep = image_config_command_paths(cfg, keep_paths, CHECK_KEEP_PATHS_MAX);
                for (size_t k = 0; k < n_keep; k++)
                        keep[k] = keep_paths[k];
        }
        return image_fs_from_tars_keeping(blobs, c->n_layers, keep, n_keep, err);
}

/* The facts of image i, gathered once (whichever target asks first). */
static void gather(struct run *r, size_t i)
{
        struct check_image *im = &r->report.images[i];
        struct image_fs *fs;
        struct eg_error err = {0};

        if (im->gathered || im->problem[0])
                return;
        im->gathered = true;
        if ((fs = image_fs_of(r, i, &err)) == NULL ||
            image_facts_gather(im->config, fs, &im->facts, &err) < 0)
                str_copy(im->problem, sizeof(im->problem), err.msg);
        image_fs_free(fs);
}

static void how(const struct check_target *t, const struct decision *d, char *out, size_t size)
{
        const struct host_facts *h = t->host;

        out[0] = '\0';
        if (d->verdict == VERDICT_REFUSE)
                return;
        if (d->emulator != NULL)
                snprintf(out, size, "under emulation (%.64s)", d->emulator->interpreter);
        else if (d->subject.arch[0] == '\0')
                snprintf(out, size, "unidentified");
        else
                snprintf(out, size, "%s",
                         platform_host_runs(&h->platform, h->aarch32 == HOST_AARCH32_YES,
                                            &d->subject) == PLATFORM_COMPATIBLE
                                 ? "compatibly"
                                 : "natively");
}

static void judge(struct run *r, size_t i, const struct check_target *t, struct check_row *row)
{
        struct check_image *im = &r->report.images[i];
        struct decision_input in = {.policy = &r->policy, .policy_error = r->policy_error};

        gather(r, i);
        row->image = im;
        row->rule = RULE_COUNT;
        if (im->problem[0]) {
                row->verdict = VERDICT_REFUSE;
                snprintf(row->reason, sizeof(row->reason), "cannot be judged: %s", im->problem);
                return;
        }
        in.facts = &im->facts;
        in.host = t->host;
        in.ctx = (struct decision_context){
                .id = im->digest,
                .name = im->label,
                .image = r->kind == SOURCE_CONTAINER ? r->container.image_ref : im->label,
                .image_id = im->digest[0] ? im->digest : NULL,
                .caller_uid = geteuid(),
                .now = time(NULL),
        };
        if (r->kind == SOURCE_CONTAINER) {
                in.ctx.id = r->container_id;
                in.ctx.name = r->container.name;
        }
        decide(&in, r->d);
        row->verdict = r->d->verdict;
        row->rule = r->d->rule;
        str_copy(row->reason, sizeof(row->reason), r->d->reason);
        /* The runtime lets a policy take an unidentified program (rule
         * unknown, "off" by default: runc then says what it says).  Before
         * deployment that is no answer: a program that is missing, a
         * symlink loop or an unreadable file does not run anywhere, and a
         * gate must not print "runs". */
        if (row->verdict != VERDICT_REFUSE && r->d->results[RULE_UNKNOWN].outcome == OUTCOME_FAIL) {
                row->verdict = VERDICT_REFUSE;
                row->rule = RULE_UNKNOWN;
                snprintf(row->reason, sizeof(row->reason),
                         "cannot be judged, so not known to run: %.900s [rule unknown: check "
                         "refuses what it cannot identify, whatever the policy's mode]",
                         r->d->results[RULE_UNKNOWN].detail);
        }
        how(t, r->d, row->how, sizeof(row->how));
}

static void platforms_served(const struct run *r, char *out, size_t size)
{
        size_t len = 0;

        out[0] = '\0';
        for (size_t i = 0; i < r->report.n_images; i++) {
                char p[96];
                if (!r->report.images[i].has_claim)
                        continue;
                platform_format(&r->report.images[i].claim, p, sizeof(p));
                str_append(out, size, &len, "%s%s", len ? ", " : "", p);
        }
        if (len == 0)
                str_copy(out, size, "none stated");
}

static void target_rows(struct run *r, const struct check_target *t)
{
        struct check_report *rep = &r->report;
        struct platform claims[IMAGE_LOAD_IMAGES_MAX];
        bool usable[IMAGE_LOAD_IMAGES_MAX], any_index = false;
        ssize_t pick;

        for (size_t i = 0; i < rep->n_images; i++) {
                const struct check_image *im = &rep->images[i];
                if (!im->from_index) { /* loaded whatever the platform: judged everywhere */
                        struct check_row *row = &rep->rows[rep->n_rows++];
                        row->target = t;
                        judge(r, i, t, row);
                        continue;
                }
                any_index = true;
                claims[i] = im->claim;
                usable[i] = im->has_claim;
        }
        if (!any_index)
                return;
        pick = platform_match_select(&t->host->platform, t->ia32, claims, usable, rep->n_images);
        struct check_row *row = &rep->rows[rep->n_rows++];
        row->target = t;
        if (pick >= 0) {
                judge(r, (size_t)pick, t, row);
                return;
        }
        char served[512];
        platforms_served(r, served, sizeof(served));
        row->verdict = VERDICT_REFUSE;
        row->rule = RULE_ARCH;
        snprintf(row->reason, sizeof(row->reason),
                 "no manifest of the image is for %s (it has %s): the engine finds nothing to "
                 "pull there",
                 t->name, served);
}

/* Every manifest against the platform it claims: its binaries judged on a
 * host of exactly that platform. */
static void claim_rows(struct run *r)
{
        struct check_report *rep = &r->report;

        for (size_t i = 0; i < rep->n_images; i++) {
                struct check_image *im = &rep->images[i];
                struct check_target t = {0};
                struct check_row *row;
                struct eg_error err;
                if (!im->has_claim)
                        continue;
                platform_format(&im->claim, t.name, sizeof(t.name));
                if ((t.host = malloc(sizeof(*t.host))) == NULL)
                        continue;
                row = &rep->claims[rep->n_claims++];
                if (host_simulate(t.name, t.host, &err) < 0) {
                        row->image = im;
                        row->verdict = VERDICT_REFUSE;
                        row->rule = RULE_COUNT;
                        snprintf(row->reason, sizeof(row->reason),
                                 "the platform it claims, %s, is not one edgeguard can judge: %s",
                                 t.name, err.msg);
                } else {
                        judge(r, i, &t, row);
                }
                row->target = NULL;
                free(t.host);
        }
}

static void run_free(struct run *r)
{
        for (size_t i = 0; i < r->n_targets; i++)
                free(r->targets[i].host);
        for (size_t i = 0; i < r->report.n_images; i++)
                facts_free(&r->report.images[i].facts);
        free(r->report.images);
        free(r->report.rows);
        free(r->report.claims);
        free(r->d);
        image_set_free(&r->set);
        image_source_free(r->src);
        moby_image_free(&r->moby);
        image_config_free(&r->container_config);
        if (r->root_fd >= 0)
                close(r->root_fd);
        policy_free(&r->policy);
}

static int set_source(struct run *r, enum source_kind kind, const char *value)
{
        if (r->kind != SOURCE_NONE)
                return usage_error("one of --archive, --oci, --image, --container only");
        r->kind = kind;
        r->source = value;
        return 0;
}

static int parse(struct run *r, int argc, char *argv[], bool *json, const char **policy,
                 const char *hosts[], size_t *n_hosts, const char **targets)
{
        static const struct {
                const char *name;
                enum source_kind kind;
        } sources[] = {{"--archive", SOURCE_ARCHIVE},
                       {"--oci", SOURCE_OCI},
                       {"--image", SOURCE_IMAGE},
                       {"--container", SOURCE_CONTAINER}};
        bool missing = false;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *v = NULL;
                bool known = false;
                if (strcmp(a, "--json") == 0) {
                        *json = true;
                        continue;
                }
                for (size_t s = 0; s < sizeof(sources) / sizeof(sources[0]) && !known; s++)
                        if (option(argv, &i, argc, sources[s].name, &v, &missing)) {
                                known = true;
                                if (!missing && set_source(r, sources[s].kind, v))
                                        return 2;
                        }
                if (!known && option(argv, &i, argc, "--host", &v, &missing)) {
                        known = true;
                        if (!missing && *n_hosts == CHECK_TARGETS_MAX)
                                return usage_error("more than %d targets", CHECK_TARGETS_MAX);
                        if (!missing)
                                hosts[(*n_hosts)++] = v;
                }
                if (!known && !option(argv, &i, argc, "--targets", targets, &missing) &&
                    !option(argv, &i, argc, "--policy", policy, &missing))
                        return usage_error("%s: not an option of an image check", a);
                if (missing)
                        return usage_error("%s needs a value", a);
        }
        if (r->kind == SOURCE_NONE)
                return usage_error("no image given");
        if (*targets != NULL && strcmp(*targets, "iotedge") != 0)
                return usage_error("--targets %s: the one named set is iotedge", *targets);
        return 0;
}

static int run_check(struct run *r, bool json)
{
        size_t rows;
        int status;

        status = r->kind == SOURCE_ARCHIVE || r->kind == SOURCE_OCI ? open_archive(r)
                                                                    : open_store(r);
        if (status != 0)
                return status;
        rows = r->n_targets * (r->report.n_images + 1);
        r->report.rows = calloc(rows, sizeof(*r->report.rows));
        r->report.claims = calloc(r->report.n_images + 1, sizeof(*r->report.claims));
        r->d = malloc(sizeof(*r->d));
        if (r->report.rows == NULL || r->report.claims == NULL || r->d == NULL)
                return usage_error("out of memory");
        for (size_t t = 0; t < r->n_targets; t++)
                target_rows(r, &r->targets[t]);
        claim_rows(r);
        return check_report_print(&r->report, json);
}

int check_image_main(int argc, char *argv[])
{
        struct run r = {.root_fd = -1};
        const char *policy = NULL, *hosts[CHECK_TARGETS_MAX], *targets = NULL;
        size_t n_hosts = 0;
        bool json = false, named;
        struct eg_error err = {0};
        int status;

        for (int i = 1; i < argc; i++)
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        fputs(usage, stdout);
                        return 0;
                }
        if ((status = parse(&r, argc, argv, &json, &policy, hosts, &n_hosts, &targets)) != 0)
                return status;
        r.report.source = r.source;
        named = true;
        if (policy == NULL)
                policy = policy_load_path(&named);
        if (policy_load(policy, named, false, &r.policy, &err) < 0) {
                str_copy(r.policy_error_buf, sizeof(r.policy_error_buf), err.msg);
                r.policy_error = r.policy_error_buf;
        }
        if (targets != NULL) {
                static const char *const iotedge[] = {"linux/amd64", "linux/arm/v7", "linux/arm64"};
                for (size_t i = 0; i < 3 && status == 0; i++)
                        status = add_target(&r, iotedge[i]);
        }
        for (size_t i = 0; i < n_hosts && status == 0; i++)
                status = add_target(&r, hosts[i]);
        if (status == 0 && r.n_targets == 0)
                status = this_host(&r);
        if (status == 0)
                status = run_check(&r, json);
        run_free(&r);
        return status;
}
