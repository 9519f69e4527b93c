/* The whole policy path of a create on a hostile config.json: the bundle's
 * facts, every rule under a strict policy, the record and the explanation.
 * The rootfs holds busybox as /bin/sh, so specs can reach identification. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../../policy/explain.h"
#include "../../policy/record.h"
#include "../../shim/evaluate.h"
#include "fuzz.h"

static char bundle[96], policy[96];
static int config_fd = -1;

static const char strict_policy[] =
        "{\"capabilities\":\"docker-default\",\"privileged\":\"refuse\",\"seccomp_required\":true,"
        "\"unknown\":\"refuse\",\"exceptions\":[{\"name\":\"edge*\",\"rules\":[\"arch\"],"
        "\"reason\":\"fuzz\"}]}";

static void make_rootfs(void)
{
        char cmd[512];

        snprintf(cmd, sizeof(cmd),
                 "mkdir -p '%s/rootfs/bin' && cp /bin/busybox '%s/rootfs/bin/busybox' && "
                 "ln -s busybox '%s/rootfs/bin/sh'",
                 bundle, bundle, bundle);
        if (system(cmd) != 0)
                abort(); /* busybox-static is one of hack/install-deps.sh's packages */
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        char path[128];
        int fd;

        (void)argc;
        (void)argv;
        snprintf(bundle, sizeof(bundle), "%s/bundle", fuzz_scratch_dir());
        snprintf(policy, sizeof(policy), "%s/policy.json", fuzz_scratch_dir());
        make_rootfs();
        fd = open(policy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, strict_policy, strlen(strict_policy)) < 0)
                abort();
        close(fd);
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        config_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (config_fd < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const struct evaluation_request rq = {
                .policy_path = policy,
                .policy_named = true,
                .host = "linux/amd64",
                .bundle = bundle,
                .id = "fuzz",
        };
        struct record_extra x = {.verb = "create", .version = "fuzz", .duration_us = 1};
        struct evaluation *ev;
        cleanup_free char *record = NULL, *explained = NULL;
        struct eg_error err;
        size_t len;

        fuzz_write_file(config_fd, data, size);
        ev = evaluate(&rq);
        if (ev == NULL)
                return 0;
        if (ev->policy_error[0] != '\0')
                abort(); /* the fixed policy must load */
        if (ev->decision.reason[0] == '\0')
                abort(); /* every decision says why */
        if (record_format(&ev->in, &ev->decision, &x, &record, &len, &err) < 0 ||
            explain_format(&ev->in, &ev->decision, &explained, &err) < 0)
                abort();
        evaluation_free(ev);
        return 0;
}
