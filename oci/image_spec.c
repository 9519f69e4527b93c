/* The spec dockerd would give runc for an image run without overrides,
 * reduced to what the facts path reads: the process, dockerd's default
 * capabilities and seccomp profile.  Not modelled (`docker run` options,
 * not the image's): mounts, masked paths, devices, namespaces. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_config.h"
#include "path.h"
#include "str.h"

/* moby oci/caps/defaults.go DefaultCapabilities: what a `docker run`
 * without --cap-add/--cap-drop gets, in every set runc applies. */
static const char *const default_caps[] = {
        "CAP_CHOWN",
        "CAP_DAC_OVERRIDE",
        "CAP_FSETID",
        "CAP_FOWNER",
        "CAP_MKNOD",
        "CAP_NET_RAW",
        "CAP_SETGID",
        "CAP_SETUID",
        "CAP_SETFCAP",
        "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT",
        "CAP_KILL",
        "CAP_AUDIT_WRITE",
        NULL,
};

/* moby's default seccomp profile (profiles/seccomp/default.json): it
 * errors what it does not list, and its archMap admits the native
 * architecture with its companions (x86_64: x86, x32; aarch64: arm; ...).
 * The union of the map stands for "the host's entry", whatever the host. */
static const char seccomp_default_action[] = "SCMP_ACT_ERRNO";
static const char *const seccomp_archs[] = {
        "SCMP_ARCH_X86_64",   "SCMP_ARCH_X86",         "SCMP_ARCH_X32",       "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_ARM",      "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_MIPSEL",    "SCMP_ARCH_PPC64LE",
        "SCMP_ARCH_S390X",    "SCMP_ARCH_S390",        "SCMP_ARCH_RISCV64",   NULL,
};

struct arena {
        char *buf;
        size_t used, size;
};

static char *arena_put(struct arena *a, const char *s)
{
        size_t n = strlen(s) + 1;
        char *at = a->buf + a->used;

        memcpy(at, s, n); /* sized in advance: see image_config_spec */
        a->used += n;
        return at;
}

static size_t strv_bytes(char *const *v, size_t n)
{
        size_t total = 0;
        for (size_t i = 0; i < n; i++)
                total += strlen(v[i]) + 1;
        return total;
}

static bool has_path(const struct image_config *c)
{
        for (size_t i = 0; i < c->n_env; i++)
                if (strncmp(c->env[i], "PATH=", 5) == 0)
                        return true;
        return false;
}

static int strv_alloc(struct spec_strv *v, size_t n, struct eg_error *err)
{
        v->present = true;
        v->len = 0;
        if ((v->items = calloc(n + 1, sizeof(*v->items))) == NULL)
                return eg_error_set(err, 12, "out of memory");
        return 0;
}

int image_config_spec(const struct image_config *c, const struct image_user *u, struct spec *out,
                      struct eg_error *err)
{
        static const char path_env[] = "PATH=" IMAGE_DEFAULT_PATH;
        const char *cwd = c->working_dir ? c->working_dir : "/";
        bool add_path = !has_path(c);
        size_t n_args = c->n_entrypoint + c->n_cmd, n_caps = 0, n_archs = 0;
        struct arena a = {0};

        memset(out, 0, sizeof(*out));
        if (n_args == 0)
                return eg_error_set(err, 0,
                                    "the image config sets no Entrypoint and no Cmd: "
                                    "dockerd refuses it (\"No command specified\")");
        while (default_caps[n_caps])
                n_caps++;
        while (seccomp_archs[n_archs])
                n_archs++;
        a.size = strv_bytes(c->entrypoint, c->n_entrypoint) + strv_bytes(c->cmd, c->n_cmd) +
                 strv_bytes(c->env, c->n_env) + sizeof(path_env) + strlen(cwd) + 1 +
                 strv_bytes((char *const *)default_caps, n_caps) +
                 strv_bytes((char *const *)seccomp_archs, n_archs) +
                 sizeof(seccomp_default_action) + sizeof("rootfs");
        if ((a.buf = malloc(a.size)) == NULL)
                return eg_error_set(err, 12, "out of memory");
        out->strings = a.buf;
        out->strings_size = a.size;

        out->has_root = true;
        out->root_path = arena_put(&a, "rootfs");
        out->has_process = true;
        if (strv_alloc(&out->args, n_args, err) < 0 ||
            strv_alloc(&out->env, c->n_env + add_path, err) < 0)
                goto fail;
        for (size_t i = 0; i < c->n_entrypoint; i++)
                out->args.items[out->args.len++] = arena_put(&a, c->entrypoint[i]);
        for (size_t i = 0; i < c->n_cmd; i++)
                out->args.items[out->args.len++] = arena_put(&a, c->cmd[i]);
        /* dockerd puts its default PATH first, the image's Env after it */
        if (add_path)
                out->env.items[out->env.len++] = arena_put(&a, path_env);
        for (size_t i = 0; i < c->n_env; i++)
                out->env.items[out->env.len++] = arena_put(&a, c->env[i]);
        out->cwd = arena_put(&a, cwd);

        out->has_user = true;
        out->user_uid = (struct spec_int){true, u ? u->uid : 0};
        out->user_gid = (struct spec_int){true, u ? u->gid : 0};
        if (u && u->n_groups) {
                out->user_additional_gids.present = true;
                if ((out->user_additional_gids.items = calloc(u->n_groups, sizeof(long long))) ==
                    NULL) {
                        eg_error_set(err, 12, "out of memory");
                        goto fail;
                }
                for (size_t i = 0; i < u->n_groups; i++)
                        out->user_additional_gids.items[i] = u->groups[i];
                out->user_additional_gids.len = u->n_groups;
        }

        out->has_capabilities = true;
        for (int set = 0; set < SPEC_CAP_SETS; set++) {
                if (set == SPEC_CAP_INHERITABLE || set == SPEC_CAP_AMBIENT)
                        continue; /* moby >= 20.10.14 leaves these empty */
                if (strv_alloc(&out->caps[set], n_caps, err) < 0)
                        goto fail;
        }
        for (size_t i = 0; i < n_caps; i++) {
                char *name = arena_put(&a, default_caps[i]);
                for (int set = 0; set < SPEC_CAP_SETS; set++)
                        if (out->caps[set].items != NULL)
                                out->caps[set].items[out->caps[set].len++] = name;
        }
        out->has_seccomp = true;
        out->seccomp_default_action = arena_put(&a, seccomp_default_action);
        if (strv_alloc(&out->seccomp_architectures, n_archs, err) < 0)
                goto fail;
        for (size_t i = 0; i < n_archs; i++)
                out->seccomp_architectures.items[out->seccomp_architectures.len++] =
                        arena_put(&a, seccomp_archs[i]);
        out->strings_used = a.used;
        if (c->has_platform && strcmp(c->platform.os, "windows") == 0)
                out->has_windows = true;
        else
                out->has_linux = true;
        return 0;
fail:
        spec_free(out);
        return -1;
}

/* Adds a clean absolute path, without its '/', unless it is the root. */
static size_t add_command_path(const char *clean, char (*out)[PATH_MAX], size_t n, size_t max)
{
        if (n < max && clean[0] == '/' && clean[1] != '\0')
                str_copy(out[n++], PATH_MAX, clean + 1);
        return n;
}

size_t image_config_command_paths(const struct image_config *c, char (*out)[PATH_MAX], size_t max)
{
        const char *arg0 = c->n_entrypoint ? c->entrypoint[0] : c->n_cmd ? c->cmd[0] : NULL;
        const char *search = IMAGE_DEFAULT_PATH, *p;
        char cwd[PATH_MAX], dir[PATH_MAX], joined[PATH_MAX];
        struct eg_error err;
        size_t n = 0;

        if (arg0 == NULL || arg0[0] == '\0' ||
            path_join_clean("/", c->working_dir ? c->working_dir : "/", cwd, sizeof(cwd), &err) < 0)
                return 0;
        if (strchr(arg0, '/') != NULL)
                return path_join_clean(cwd, arg0, joined, sizeof(joined), &err) < 0
                               ? 0
                               : add_command_path(joined, out, 0, max);
        for (size_t i = 0; i < c->n_env; i++)
                if (strncmp(c->env[i], "PATH=", 5) == 0)
                        search = c->env[i] + 5;
        for (p = search; n < max; p++) {
                size_t len = strcspn(p, ":");
                snprintf(dir, sizeof(dir), "%.*s", (int)len, p);
                if (path_join_clean(cwd, dir[0] ? dir : ".", joined, sizeof(joined), &err) == 0 &&
                    path_join_clean(joined, arg0, dir, sizeof(dir), &err) == 0)
                        n = add_command_path(dir, out, n, max);
                p += len;
                if (*p == '\0')
                        break;
        }
        return n;
}
