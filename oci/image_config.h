/* An image's config (OCI image-spec config.md; docker's image JSON, moby
 * image/image.go) as the engine reads it to make a container: the
 * platform it declares, the process (Entrypoint, Cmd, Env, WorkingDir,
 * User) and the layers' diff_ids.  Read strictly like the manifests
 * (image_json.h); the digest is the caller's to verify. */
#ifndef EDGEGUARD_IMAGE_CONFIG_H
#define EDGEGUARD_IMAGE_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"
#include "image_json.h"
#include "image_manifest.h"
#include "platform.h"
#include "spec.h"

/* docker build writes a few KiB; dockerd's own store reader is the bound
 * (oci/moby.h MOBY_IMAGE_CONFIG_MAX). */
#define IMAGE_CONFIG_MAX (512u << 10)

/* The PATH dockerd gives a container whose image sets none (moby
 * oci/defaults.go DefaultPathEnv for Linux, also runc's and containerd's
 * default). */
#define IMAGE_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct image_config {
        bool has_platform;
        struct platform platform; /* os, architecture, variant, os.version; normalized */
        /* config.Entrypoint and config.Cmd: arrays, or a string that Go's
         * strslice reads as one item; NULL-terminated, n counted */
        size_t n_entrypoint, n_cmd, n_env;
        char **entrypoint, **cmd, **env;
        char *working_dir, *user; /* NULL when absent or "" */
        size_t n_diff_ids;
        char (*diff_ids)[IMAGE_DIGEST_SIZE]; /* rootfs.diff_ids, bottom first */
};

/* Parses an image config.  image_config_free it either way. */
int image_config_parse(const char *text, size_t len, struct image_config *out,
                       struct eg_error *err);
void image_config_free(struct image_config *c);

/* The container's credentials from config.User, resolved as runc's
 * libcontainer/user GetExecUser does for dockerd (moby daemon/oci_linux.go
 * getUser): "" is root; "NAME|UID[:GROUP|GID]"; a name must be in the
 * image's /etc/passwd (a number need not be: then gid 0); a group name
 * must be in /etc/group; without a group, the user's passwd gid and the
 * groups that list the user's name are its groups. */
struct image_user {
        uid_t uid;
        gid_t gid;
        size_t n_groups;
        gid_t groups[64]; /* supplementary; more are refused (runc has 65536) */
};

/* passwd and group: the image's /etc/passwd and /etc/group, NULL when the
 * image has none (then only numeric ids resolve). */
int image_user_resolve(const char *user, const char *passwd, size_t passwd_len, const char *group,
                       size_t group_len, struct image_user *out, struct eg_error *err);

/* The process dockerd makes of the config with no `docker run` overrides
 * (moby daemon/create: Entrypoint + Cmd, or Cmd alone; Env with the
 * default PATH added when it sets none; WorkingDir, default "/"), with
 * the user u, as a spec the facts path judges: process.args/env/cwd/user,
 * dockerd's default capabilities, and a linux or windows section as the
 * config's os says.  Fails when neither Entrypoint nor Cmd is set
 * (dockerd: "No command specified"). */
int image_config_spec(const struct image_config *c, const struct image_user *u, struct spec *out,
                      struct eg_error *err);

/* Where the process image_config_spec makes of c may find its program,
 * as clean paths without the leading '/' (image_fs_from_tars_keeping's
 * form): args[0] joined to WorkingDir when it has a '/'; else args[0] in
 * each directory of the config's $PATH (the last PATH= wins, the default
 * one without; "" and relative directories from WorkingDir), in order, as
 * exec.LookPath tries them for runc (SOURCE: Go os/exec lp_unix.go).
 * Lexical only: a hint of what to keep, never what is judged.  Fills at
 * most max of out; returns how many (0 without a command). */
size_t image_config_command_paths(const struct image_config *c, char (*out)[PATH_MAX], size_t max);

#endif
