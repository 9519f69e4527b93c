/* The spec's hooks as the facts the hooks rule judges.  runc 1.1 runs a
 * hook with Go's exec.Cmd{Path: hook.path, Args: hook.args}: `path` is
 * executed as written, never searched on $PATH (libcontainer/configs
 * Command.Run).  Host hooks (prestart, createRuntime, createContainer,
 * poststart, poststop) run in runc's own mount namespace as runc's
 * caller, after the decision; startContainer hooks run in the container's
 * init after the user switch, just before the process is executed
 * (standard_init_linux.go), so their program comes from the container's
 * rootfs and is identified like the process (exe_identify). */
#ifndef EDGEGUARD_HOOKS_H
#define EDGEGUARD_HOOKS_H

#include <limits.h>
#include <stdbool.h>

#include "exe.h"
#include "platform.h"
#include "rootfs.h"
#include "spec.h"

/* A spec with more hooks than this is refused by the hooks rule unread:
 * Docker adds one, NVIDIA's toolkit one more. */
#define HOOKS_MAX 32

struct hook_fact {
        enum spec_hook_kind kind;
        size_t index;     /* in its list */
        const char *path; /* the spec's, in its string arena; "" when absent */
        const char *arg0; /* args[0], NULL when none */
        /* host hooks: the program a /proc/<pid>/exe path names (readlink,
         * " (deleted)" cut: the magic link still opens that inode), else
         * the path itself; "" when it cannot be told */
        char program[PATH_MAX];
        /* startContainer hooks: what exe_identify found in the rootfs */
        enum exe_kind kind_found;
        struct platform platform;
        char reason[320];
};

struct hook_facts {
        size_t n;                /* every hook in the spec, even past HOOKS_MAX */
        struct hook_fact *items; /* min(n, HOOKS_MAX) of them, in runc's order */
};

/* Fills out from s, whose bundle directory is bundle_fd: the rootfs
 * (root.path, as the process's lookup opens it) is opened only when there
 * are startContainer hooks; when it cannot be, they are unidentified.
 * Returns -1 only when out of memory; hooks_free out either way. */
int hooks_gather(const struct spec *s, int bundle_fd, enum rootfs_resolver resolver,
                 struct hook_facts *out, struct eg_error *err);

void hooks_free(struct hook_facts *h);

bool hooks_runs_on_host(enum spec_hook_kind kind);

/* The args[0] under which exe_identify finds a container hook's program as
 * runc's exec.Cmd.Path does: a path without a slash is the working
 * directory's, "./name" to LookPath. */
void hooks_lookup_name(const char *path, char *out, size_t size);

#endif
