#include "check.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../oci/cleanup.h"
#include "../oci/host.h"
#include "../policy/explain.h"
#include "../policy/record.h"
#include "check_image.h"
#include "evaluate.h"
#include "options.h"
#include "policy_load.h"
#include "version.h"

static const char usage[] =
        "usage: edgeguard check [--json] [--host HOST] [--policy FILE]\n"
        "                       [--id ID] [--name NAME] [--image REF] BUNDLE\n"
        "       edgeguard check [--json] [--host HOST]... [--targets iotedge]\n"
        "                       (--archive FILE | --oci DIR | --image REF |\n"
        "                        --container NAME)\n"
        "       edgeguard check --version | --help\n"
        "\n"
        "Decides about BUNDLE as create would, without creating anything or writing the\n"
        "decision log, and explains the decision: every fact and every rule's outcome.\n"
        "\n"
        "The second form judges an image by its binaries for each target platform:\n"
        "see `edgeguard check --archive x --help`.\n"
        "\n"
        "Options:\n"
        "  --json                print the decision record instead\n"
        "  --host HOST           decide as if on that host (below)\n"
        "  --policy FILE         the policy file (default /etc/edgeguard/policy.json)\n"
        "  --id ID, --name NAME  the container's id and name, for the exceptions\n"
        "  --image REF           its image reference, for the exceptions\n"
        "  --version             print edgeguard's version\n"
        "  -h, --help            print this help\n"
        "\n"
        "HOST is OS[(OS_VERSION)]/ARCH[/VARIANT][,userland=ARCH[/VARIANT]][,ia32=no]:\n"
        "  linux/amd64/v2                an x86-64 CPU at level v2 (v1: the baseline)\n"
        "  linux/arm/v8                  32-bit ARM kernel and userland on an ARMv8 CPU\n"
        "  linux/arm64,userland=arm/v7   64-bit kernel, 32-bit runc (Raspberry Pi OS)\n"
        "  linux/amd64,ia32=no           an x86-64 kernel that runs no 32-bit x86\n"
        "  windows(10.0.17763)/amd64     Windows, OS build 17763\n"
        "\n"
        "Exit status: 0 allowed (or audit), 1 refused, 2 usage error.\n"
        "See edgeguard(8) and edgeguard-policy(5).\n";

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

static int print_result(const struct evaluation *ev, bool json)
{
        struct record_extra x = {.verb = "check", .version = EDGEGUARD_VERSION, .duration_us = -1};
        cleanup_free char *text = NULL;
        struct eg_error err = {0};
        size_t len;

        clock_gettime(CLOCK_REALTIME, &x.time);
        if (json ? record_format(&ev->in, &ev->decision, &x, &text, &len, &err)
                 : explain_format(&ev->in, &ev->decision, &text, &err)) {
                fprintf(stderr, "edgeguard check: %s\n", err.msg);
                return 2;
        }
        fputs(text, stdout);
        if (fflush(stdout) != 0) {
                perror("edgeguard check: writing the result");
                return 2;
        }
        return ev->decision.verdict == VERDICT_REFUSE ? 1 : 0;
}

/* An image option, or --image without a bundle: the image check.  With a
 * BUNDLE, --image keeps its meaning of the bundle's image reference. */
static bool image_check(int argc, char *argv[])
{
        bool image = false, operand = false;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (strncmp(a, "--archive", 9) == 0 || strncmp(a, "--oci", 5) == 0 ||
                    strncmp(a, "--container", 11) == 0 || strncmp(a, "--targets", 9) == 0)
                        return true;
                if (strcmp(a, "--image") == 0 || strncmp(a, "--image=", 8) == 0)
                        image = true;
                if (a[0] != '-') {
                        const char *prev = argv[i - 1];
                        bool is_value = i > 1 && prev[0] == '-' && strchr(prev, '=') == NULL &&
                                        strcmp(prev, "--json") != 0;
                        operand |= !is_value;
                }
        }
        return image && !operand;
}

int check_main(int argc, char *argv[])
{
        struct evaluation_request rq = {0};
        char id[256];
        const char *policy = NULL;
        struct evaluation *ev;
        bool json = false, missing = false;
        int status;

        if (image_check(argc, argv))
                return check_image_main(argc, argv);

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--json") == 0) {
                        json = true;
                } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                        fputs(usage, stdout);
                        return 0;
                } else if (strcmp(a, "--version") == 0) {
                        printf("edgeguard %s\n", EDGEGUARD_VERSION);
                        return 0;
                } else if (option(argv, &i, argc, "--host", &rq.host, &missing) ||
                           option(argv, &i, argc, "--policy", &policy, &missing) ||
                           option(argv, &i, argc, "--id", &rq.id, &missing) ||
                           option(argv, &i, argc, "--name", &rq.name, &missing) ||
                           option(argv, &i, argc, "--image", &rq.image, &missing)) {
                        if (missing)
                                return usage_error("%s needs a value", a);
                } else if (a[0] == '-' && a[1] != '\0') {
                        return usage_error("unknown option %s", a);
                } else if (rq.bundle != NULL) {
                        return usage_error("one bundle only (also got %s)", a);
                } else {
                        rq.bundle = a;
                }
        }
        if (rq.bundle == NULL)
                return usage_error("no BUNDLE given");
        if (rq.id == NULL) { /* the bundle's name, as containerd's bundles are named by id */
                size_t n = strlen(rq.bundle);
                const char *base;
                while (n > 1 && rq.bundle[n - 1] == '/')
                        n--;
                snprintf(id, sizeof(id), "%.*s", (int)n, rq.bundle);
                base = strrchr(id, '/');
                rq.id = base && base[1] ? base + 1 : id;
        }
        if (rq.host != NULL) {
                struct platform kernel, userland;
                struct eg_error err;
                if (host_parse_stated(rq.host, &kernel, &userland, &err) < 0)
                        return usage_error("--host %s: %s", rq.host, err.msg);
                if (strncasecmp(rq.host, kernel.os, strlen(kernel.os)) != 0)
                        return usage_error("--host %s: write OS/ARCH[/VARIANT]", rq.host);
        }
        if (policy != NULL) {
                rq.policy_path = policy;
                rq.policy_named = true;
        } else {
                rq.policy_path = policy_load_path(&rq.policy_named);
        }
        if ((ev = evaluate(&rq)) == NULL) {
                fprintf(stderr, "edgeguard check: out of memory\n");
                return 2;
        }
        status = print_result(ev, json);
        evaluation_free(ev);
        return status;
}
