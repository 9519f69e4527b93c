/* Everything the policy needs to know about one bundle, gathered in one
 * call: the spec's view, the platform the spec asks for, the one the image
 * declares, and the one the executable really is. */
#ifndef EDGEGUARD_FACTS_H
#define EDGEGUARD_FACTS_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>

#include "error.h"
#include "exe.h"
#include "hooks.h"
#include "image_fs.h"
#include "platform.h"
#include "rootfs.h"
#include "spec.h"
#include "view.h"

#define FACTS_ANNOTATION_OS         "org.opencontainers.image.os"
#define FACTS_ANNOTATION_ARCH       "org.opencontainers.image.architecture"
#define FACTS_ANNOTATION_VARIANT    "org.opencontainers.image.variant"
#define FACTS_ANNOTATION_OS_VERSION "org.opencontainers.image.os.version"

/* Programs looked through wrappers to after args[0]: tini -- gosu u env x */
#define FACTS_BEHIND_MAX 4

/* A program a wrapper (oci/wrapper.h) or a #! line's env executes. */
struct exe_behind {
        char via[PATH_MAX + 32];               /* "dumb-init (/usr/bin/dumb-init)" */
        const struct spec_mount *mount;        /* the spec mount it came from */
        const struct spec_mount *interp_mount; /* NULL: see bundle_facts */
        struct exe_facts exe;
};

struct bundle_facts {
        struct stat bundle_st; /* for the rule that the bundle be the caller's alone */
        /* the first component of the bundle's or the rootfs' path that
         * someone else could change (path_trusted); "" when none, or not
         * checked (the caller fills it: it knows the absolute paths) */
        char path_problem[640];
        bool paths_checked;
        struct stat config_st;
        struct spec spec;

        /* "windows" when the spec has a windows section, "linux" for a linux
         * one, "" for neither; both is recorded in spec_os_conflict */
        char spec_os[16];
        bool spec_os_conflict;

        bool has_declared; /* any of the image annotations present */
        struct platform declared;
        char declared_source[32];   /* "annotations", "moby image config" */
        char declared_problem[160]; /* an annotation that is not a platform name */

        struct hook_facts hooks;

        bool exe_checked; /* a Windows spec's paths are mapped: C:\x\y.exe -> /x/y.exe */
        /* the spec mount the executable came from (the view judged the file
         * there); interp_mount is kept NULL: the view looks the interpreter
         * up through the mounts too */
        const struct spec_mount *exe_mount;
        const struct spec_mount *interp_mount;
        /* what args[0] executes in turn, in order (heap; n_behind entries) */
        struct exe_behind *behind;
        size_t n_behind;
        char behind_note[200]; /* why the walk stopped at a wrapper, "" when it did not */
        bool behind_unclear;   /* ... at one that runs a program edgeguard cannot tell */
        struct exe_facts exe;  /* last: see facts_gather */
};

/* Reads bundle_dir/config.json and looks into its rootfs.  Returns -1 only
 * when the bundle or its config.json cannot be read or is refused by the
 * strict reader; what the rootfs holds is reported in out->exe.
 * facts_free() out either way. */
int facts_gather(const char *bundle_dir, enum rootfs_resolver resolver, struct bundle_facts *out,
                 struct eg_error *err);

/* An image judged as a bundle is, by the same path: s is the spec the
 * caller synthesized from the image config (process.args = Entrypoint +
 * Cmd, env, cwd, user; a linux or windows section for the image's OS;
 * annotations org.opencontainers.image.* for the platform it declares),
 * moved into out->spec (s is left empty: spec_free on it is a no-op); fs
 * (borrowed) is the image's root filesystem, looked at as runc's init
 * would with no mounts but the spec's.  bundle_st, config_st and hooks
 * stay empty: there is no bundle.  Returns -1 only on a NULL fs; what the
 * layers hold is reported in out->exe.  facts_free() out either way. */
int facts_gather_image(struct spec *s, struct image_fs *fs, struct bundle_facts *out,
                       struct eg_error *err);

/* Takes the engine's word for the declared platform (or its problem with
 * it) when the spec's annotations declare none: they were set for this
 * very container, so they win. */
void facts_declare(struct bundle_facts *f, const struct platform *p, const char *source,
                   const char *problem);

void facts_free(struct bundle_facts *f);

#endif
