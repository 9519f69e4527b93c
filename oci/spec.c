#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "whole_file.h"

static void strv_free(struct spec_strv *v)
{
        for (size_t i = 0; i < v->len; i++)
                free(v->items[i]);
        free(v->items);
        memset(v, 0, sizeof(*v));
}

void spec_free(struct spec *s)
{
        free(s->root_path);
        strv_free(&s->args);
        strv_free(&s->env);
        free(s->cwd);
        for (int i = 0; i < SPEC_CAP_SETS; i++)
                strv_free(&s->caps[i]);
        for (size_t i = 0; i < s->n_annotations; i++) {
                free(s->annotations[i].key);
                free(s->annotations[i].value);
        }
        free(s->annotations);
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].source);
                free(s->mounts[i].type);
                strv_free(&s->mounts[i].options);
        }
        free(s->mounts);
        free(s->seccomp_default_action);
        strv_free(&s->seccomp_architectures);
        strv_free(&s->masked_paths);
        strv_free(&s->readonly_paths);
        for (size_t i = 0; i < s->n_device_rules; i++) {
                free(s->device_rules[i].type);
                free(s->device_rules[i].access);
        }
        free(s->device_rules);
        for (size_t i = 0; i < s->n_devices; i++) {
                free(s->devices[i].path);
                free(s->devices[i].type);
        }
        free(s->devices);
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
