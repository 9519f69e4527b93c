#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

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
        cleanup_close int fd = -1;
        cleanup_free char *text = NULL;
        size_t len = 0;

        memset(out, 0, sizeof(*out));
        fd = openat(bundle_fd, "config.json", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return eg_error_set_errno(err, errno, "opening config.json");
        if (fstat(fd, st) < 0)
                return eg_error_set_errno(err, errno, "config.json");
        if (!S_ISREG(st->st_mode))
                return eg_error_set(err, 0, "config.json is not a regular file");
        if ((unsigned long long)st->st_size > SPEC_SIZE_MAX)
                return eg_error_set(err, 0, "config.json: %lld bytes, over the %u-byte limit",
                                    (long long)st->st_size, SPEC_SIZE_MAX);
        /* Sized by fstat, grown if the file grows meanwhile, never past the cap + 1 */
        size_t capacity = (size_t)st->st_size + 1;
        text = malloc(capacity);
        if (text == NULL)
                return eg_error_set(err, ENOMEM, "config.json: out of memory");
        for (;;) {
                ssize_t n = pread(fd, text + len, capacity - len, (off_t)len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return eg_error_set_errno(err, errno, "reading config.json");
                if (n == 0)
                        break;
                len += (size_t)n;
                if (len == capacity) {
                        char *bigger;
                        if (capacity > SPEC_SIZE_MAX)
                                return eg_error_set(err, 0,
                                                    "config.json: grew past the %u-byte limit",
                                                    SPEC_SIZE_MAX);
                        capacity = capacity * 2 > SPEC_SIZE_MAX + 1u ? SPEC_SIZE_MAX + 1u
                                                                     : capacity * 2;
                        bigger = realloc(text, capacity);
                        if (bigger == NULL)
                                return eg_error_set(err, ENOMEM, "config.json: out of memory");
                        text = bigger;
                }
        }
        if (spec_parse(text, len, out, err) < 0)
                return eg_error_prefix(err, "config.json");
        return 0;
}
