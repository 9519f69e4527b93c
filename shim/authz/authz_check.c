#include "authz_check.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/str.h"
#include "../../oci/whole_file.h"
#include "../options.h"
#include "docker_api.h"
#include "judge.h"
#include "../ia32_probe.h"

static const char usage[] =
        "usage: edgeguard-authz check [--json] [--policy FILE] [--host OS/ARCH[/VARIANT]]\n"
        "                             [--image-platform OS[(OSVERSION)]/ARCH[/VARIANT]]\n"
        "                             [--daemon-isolation process|hyperv]\n"
        "                             [--default-runtime NAME] [--docker-host unix://PATH]\n"
        "                             REQUEST.json\n"
        "Decides about a recorded AuthZReq body (what dockerd posts to the plugin) as the\n"
        "plugin would, without writing the decision log.  dockerd is not asked unless\n"
        "--docker-host is given: --image-platform and --daemon-isolation stand for its\n"
        "answers.  Exit status: 0 allowed (or audit), 1 refused, 2 usage error.\n";

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
        va_list ap;

        fprintf(stderr, "edgeguard-authz check: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n%s", usage);
        return 2;
}

struct check_args {
        bool json;
        const char *policy, *host, *image_platform, *isolation, *runtime, *docker_host, *file;
};

static int parse_args(int argc, char *argv[], struct check_args *a)
{
        for (int i = 1; i < argc; i++) {
                bool missing = false;
                if (strcmp(argv[i], "--json") == 0) {
                        a->json = true;
                } else if (strcmp(argv[i], "--help") == 0) {
                        fputs(usage, stdout);
                        return 1;
                } else if (option(argv, &i, argc, "--policy", &a->policy, &missing) ||
                           option(argv, &i, argc, "--host", &a->host, &missing) ||
                           option(argv, &i, argc, "--image-platform", &a->image_platform,
                                  &missing) ||
                           option(argv, &i, argc, "--daemon-isolation", &a->isolation, &missing) ||
                           option(argv, &i, argc, "--default-runtime", &a->runtime, &missing) ||
                           option(argv, &i, argc, "--docker-host", &a->docker_host, &missing)) {
                        if (missing)
                                return usage_error("%s needs a value", argv[i]);
                } else if (argv[i][0] == '-' || a->file) {
                        return usage_error("unexpected argument \"%s\"", argv[i]);
                } else {
                        a->file = argv[i];
                }
        }
        if (a->file == NULL)
                return usage_error("no REQUEST.json");
        if (a->docker_host && strncmp(a->docker_host, "unix:///", 8) != 0)
                return usage_error("--docker-host \"%s\" is not unix:///PATH", a->docker_host);
        return 0;
}

int authz_check_main(int argc, char *argv[])
{
        struct check_args a = {0};
        cleanup_free struct host_facts *host = NULL;
        cleanup_free char *text = NULL;
        struct authz_image image = {.status = AUTHZ_IMAGE_FAILED};
        struct authz_daemon daemon = {0};
        struct judge_config cfg = {.timeout_ms = DOCKER_API_TIMEOUT_MS};
        struct judge_answer ans;
        struct eg_error err = {0}, host_err = {0};
        struct host_sources sources;
        struct stat st;
        size_t len = 0;
        int ret;

        if ((ret = parse_args(argc, argv, &a)) != 0)
                return ret == 1 ? 0 : ret;
        if (whole_file_read_at(AT_FDCWD, a.file, a.file, AUTHZ_ENVELOPE_MAX, &text, &len, &st,
                               &err) < 0)
                return fprintf(stderr, "edgeguard-authz check: %s\n", err.msg), 2;
        if (a.image_platform) {
                if (platform_parse(a.image_platform, &image.platform, &err) < 0)
                        return usage_error("--image-platform: %s", err.msg);
                str_copy(image.os_version, sizeof(image.os_version), image.platform.os_version);
                image.status = AUTHZ_IMAGE_READ;
        } else {
                snprintf(image.detail, sizeof(image.detail),
                         "offline (check): dockerd not asked; give --image-platform");
        }
        if (a.isolation || a.runtime) {
                daemon.known = true;
                str_copy(daemon.isolation, sizeof(daemon.isolation),
                         a.isolation ? a.isolation : "");
                str_copy(daemon.default_runtime, sizeof(daemon.default_runtime),
                         a.runtime ? a.runtime : "");
        } else {
                str_copy(daemon.detail, sizeof(daemon.detail),
                         "offline (check): give --daemon-isolation and --default-runtime");
        }
        if ((host = malloc(sizeof(*host))) == NULL)
                return fprintf(stderr, "edgeguard-authz check: out of memory\n"), 2;
        if (a.host) {
                if (host_simulate(a.host, host, &host_err) == 0)
                        cfg.host = host;
                cfg.host_wins = true;
        } else {
                host_sources_default(&sources);
                sources.probe_ia32 = ia32_probe_cached; /* 386 only where it runs */
                if (host_detect(&sources, host, &host_err) == 0)
                        cfg.host = host;
        }
        if (cfg.host == NULL)
                cfg.host_error = host_err.msg;
        cfg.policy_path = a.policy ? a.policy : POLICY_DEFAULT_PATH;
        cfg.policy_named = a.policy != NULL;
        cfg.docker_socket = a.docker_host ? a.docker_host + 7 : NULL;
        cfg.image = &image;
        cfg.daemon = &daemon;
        judge_request(&cfg, text, len, &ans);
        if (!ans.judged)
                printf("allowed: not a call edgeguard judges (only creates, execs and starts below "
                       "API "
                       "1.24 are)\n");
        else if (a.json && ans.record)
                fwrite(ans.record, 1, ans.record_len, stdout);
        else
                printf("%s\n", ans.msg);
        free(ans.record);
        if (fflush(stdout) != 0)
                return perror("edgeguard-authz check: writing the result"), 2;
        return ans.allow ? 0 : 1;
}
