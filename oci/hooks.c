#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "str.h"

bool hooks_runs_on_host(enum spec_hook_kind kind)
{
        return kind != SPEC_HOOK_START_CONTAINER;
}

/* "/proc/<digits>/exe" exactly: the form dockerd writes
 * (filepath.Join("/proc", strconv.Itoa(os.Getpid()), "exe")). */
static bool proc_exe_link(const char *path)
{
        const char *p;

        if (strncmp(path, "/proc/", 6) != 0)
                return false;
        p = path + 6;
        if (*p < '1' || *p > '9')
                return false;
        while (*p >= '0' && *p <= '9')
                p++;
        return strcmp(p, "/exe") == 0;
}

static void host_program(struct hook_fact *h)
{
        static const char deleted[] = " (deleted)";
        ssize_t n;
        size_t len;

        if (h->path[0] == '\0') {
                h->program[0] = '\0';
                snprintf(h->reason, sizeof(h->reason), "no path");
                return;
        }
        if (!proc_exe_link(h->path)) {
                str_copy(h->program, sizeof(h->program), h->path);
                return;
        }
        n = readlink(h->path, h->program, sizeof(h->program) - 1);
        if (n < 0) {
                h->program[0] = '\0';
                snprintf(h->reason, sizeof(h->reason), "%.64s: %s", h->path, strerror(errno));
                return;
        }
        h->program[n] = '\0';
        len = (size_t)n;
        /* a program replaced on disk since it started (a package upgrade
         * under a running dockerd) still runs from the old inode */
        if (len > sizeof(deleted) - 1 &&
            strcmp(h->program + len - (sizeof(deleted) - 1), deleted) == 0)
                h->program[len - (sizeof(deleted) - 1)] = '\0';
}

void hooks_lookup_name(const char *path, char *out, size_t size)
{
        snprintf(out, size, "%s%s", strchr(path, '/') ? "" : "./", path);
}

/* Identified like the process (hooks_lookup_name). */
static void container_program(struct hook_fact *h, const struct spec *s, int root_fd,
                              enum rootfs_resolver resolver, struct exe_facts *scratch)
{
        char arg0[PATH_MAX];
        struct exe_query q = {.root_fd = root_fd, .cwd = s->cwd, .resolver = resolver};

        h->kind_found = EXE_UNIDENTIFIED;
        if (root_fd < 0) {
                snprintf(h->reason, sizeof(h->reason), "the rootfs could not be opened");
                return;
        }
        if (h->path[0] == '\0') {
                snprintf(h->reason, sizeof(h->reason), "no path");
                return;
        }
        hooks_lookup_name(h->path, arg0, sizeof(arg0));
        q.arg0 = arg0;
        exe_facts_reset(scratch);
        exe_identify(&q, scratch);
        h->kind_found = scratch->kind;
        h->platform = scratch->platform;
        str_copy(h->reason, sizeof(h->reason), scratch->reason);
        str_copy(h->program, sizeof(h->program), scratch->file);
}

int hooks_gather(const struct spec *s, int bundle_fd, enum rootfs_resolver resolver,
                 struct hook_facts *out, struct eg_error *err)
{
        cleanup_free struct exe_facts *scratch = NULL;
        cleanup_close int root_fd = -1;
        size_t kept = 0;

        memset(out, 0, sizeof(*out));
        for (int k = 0; k < SPEC_HOOK_KINDS; k++)
                out->n += s->hooks[k].len;
        if (out->n == 0)
                return 0;
        out->items = calloc(out->n < HOOKS_MAX ? out->n : HOOKS_MAX, sizeof(*out->items));
        if (out->items == NULL)
                return eg_error_set(err, ENOMEM, "hooks: out of memory");
        for (int k = 0; k < SPEC_HOOK_KINDS; k++) {
                for (size_t i = 0; i < s->hooks[k].len && kept < HOOKS_MAX; i++) {
                        const struct spec_hook *sh = &s->hooks[k].items[i];
                        struct hook_fact *h = &out->items[kept++];
                        h->kind = (enum spec_hook_kind)k;
                        h->index = i;
                        h->path = sh->path ? sh->path : "";
                        h->arg0 = sh->args.len ? sh->args.items[0] : NULL;
                        if (hooks_runs_on_host(h->kind)) {
                                host_program(h);
                                continue;
                        }
                        if (scratch == NULL) {
                                if ((scratch = malloc(sizeof(*scratch))) == NULL)
                                        return eg_error_set(err, ENOMEM, "hooks: out of memory");
                                if (s->root_path && s->root_path[0])
                                        root_fd = openat(bundle_fd, s->root_path,
                                                         O_PATH | O_DIRECTORY | O_CLOEXEC);
                        }
                        container_program(h, s, root_fd, resolver, scratch);
                }
        }
        return 0;
}

void hooks_free(struct hook_facts *h)
{
        free(h->items);
        h->items = NULL;
        h->n = 0;
}
