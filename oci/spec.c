#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "whole_file.h"

void spec_free(struct spec *s)
{
        /* the strings are all in s->strings; the arrays hold pointers into it */
        free(s->args.items);
        free(s->env.items);
        for (int i = 0; i < SPEC_CAP_SETS; i++)
                free(s->caps[i].items);
        free(s->annotations);
        free(s->user_additional_gids.items);
        for (size_t i = 0; i < s->n_mounts; i++)
                free(s->mounts[i].options.items);
        free(s->mounts);
        free(s->seccomp_architectures.items);
        free(s->masked_paths.items);
        free(s->readonly_paths.items);
        free(s->device_rules);
        free(s->seccomp_syscalls);
        for (int k = 0; k < SPEC_HOOK_KINDS; k++) {
                for (size_t i = 0; i < s->hooks[k].len; i++) {
                        free(s->hooks[k].items[i].args.items);
                        free(s->hooks[k].items[i].env.items);
                }
                free(s->hooks[k].items);
        }
        free(s->devices);
        free(s->namespaces);
        free(s->strings);
        memset(s, 0, sizeof(*s));
}

const char *spec_annotation(const struct spec *s, const char *key)
{
        for (size_t i = 0; i < s->n_annotations; i++)
                if (strcmp(s->annotations[i].key, key) == 0)
                        return s->annotations[i].value;
        return NULL;
}

const char *spec_env(const struct spec *s, const char *name)
{
        size_t n = strlen(name);
        const char *value = NULL;

        for (size_t i = 0; i < s->env.len; i++)
                if (strncmp(s->env.items[i], name, n) == 0 && s->env.items[i][n] == '=')
                        value = s->env.items[i] + n + 1;
        return value;
}

const char *spec_hook_kind_name(enum spec_hook_kind kind)
{
        static const char *const names[SPEC_HOOK_KINDS] = {
                [SPEC_HOOK_PRESTART] = "prestart",
                [SPEC_HOOK_CREATE_RUNTIME] = "createRuntime",
                [SPEC_HOOK_CREATE_CONTAINER] = "createContainer",
                [SPEC_HOOK_START_CONTAINER] = "startContainer",
                [SPEC_HOOK_POSTSTART] = "poststart",
                [SPEC_HOOK_POSTSTOP] = "poststop",
        };

        return (unsigned)kind < SPEC_HOOK_KINDS ? names[kind] : "?";
}

bool spec_seccomp_filtered(const struct spec *s)
{
        return s->has_seccomp && ((s->seccomp_default_action && s->seccomp_default_action[0]) ||
                                  s->n_seccomp_syscalls > 0);
}

const char *spec_cap_set_name(enum spec_cap_set set)
{
        static const char *const names[SPEC_CAP_SETS] = {"bounding", "effective", "inheritable",
                                                         "permitted", "ambient"};
        return set < SPEC_CAP_SETS ? names[set] : "?";
}

int spec_read_at(int bundle_fd, struct spec *out, struct stat *st, struct eg_error *err)
{
        cleanup_free char *text = NULL;
        size_t len = 0;

        memset(out, 0, sizeof(*out));
        if (whole_file_read_at(bundle_fd, "config.json", "config.json", SPEC_SIZE_MAX, &text, &len,
                               st, err) < 0)
                return -1;
        if (spec_parse(text, len, out, err) < 0)
                return eg_error_prefix(err, "config.json");
        return 0;
}
