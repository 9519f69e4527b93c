/* The container's view of its file system, as runc 1.1 sets it up before
 * its init looks the program up: the image's rootfs, the spec's mounts in
 * order (bind sources are host directories and files; tmpfs is empty; proc,
 * sysfs, cgroup, mqueue, devpts and runc's /dev are not modelled), then
 * linux.maskedPaths (/dev/null over a file, an empty read-only tmpfs over a
 * directory).  linux.readonlyPaths change nothing about what runs (runc
 * remounts them read-only, never noexec) and are not modelled.
 *
 * Paths are resolved component by component, the way the kernel walks them
 * inside the container: at every component and every symlink hop the most
 * recent mount on that path wins, ".." is physical, absolute symlinks
 * restart at the container's root, and /proc/self/root is that root.  A
 * lookup that reaches a place the model does not know (inside /proc, /sys,
 * runc's /dev, a non-recursive bind crossing a host mount, a directory with
 * an ACL) fails with VIEW_UNKNOWN rather than guess.
 *
 * Sources: runc 1.1 libcontainer/rootfs_linux.go (mountToRootfs: destinations
 * through securejoin.SecureJoin, MkdirAll of missing ones; maskPath),
 * specconv/spec_linux.go (createLibcontainerMount: any "bind"/"rbind" option
 * makes a bind whatever the type; relative sources join runc's cwd, the
 * bundle), init_linux.go (finalizeNamespace: chdir and setupUser before
 * exec.LookPath), the kernel's fs/namei.c (may_lookup: search permission on
 * every directory, CAP_DAC_READ_SEARCH / CAP_DAC_OVERRIDE override it). */
#ifndef EDGEGUARD_VIEW_H
#define EDGEGUARD_VIEW_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"
#include "image_fs.h"
#include "spec.h"

/* errnum of a lookup whose answer edgeguard cannot know: refuse, never
 * take it as "not there" and go on to the next $PATH entry. */
#define VIEW_UNKNOWN EREMOTEIO

/* The kernel's symlink limit (MAXSYMLINKS): a path needing more is ELOOP. */
#define VIEW_SYMLINKS_MAX 40
/* Symlinks followed by all the lookups of one view together (the kernel
 * allows 40 per lookup, and a $PATH of 256 link chains is 10496 of them,
 * each a system call here): past this the answer is VIEW_UNKNOWN, which
 * no image needs. */
#define VIEW_LINKS_BUDGET 1024
/* Mounts plus masks: a bound on a hostile spec. */
#define VIEW_LAYERS_MAX 1024
/* setgroups(2) takes at most NGROUPS_MAX (65536); a spec asking more fails. */
#define VIEW_GROUPS_MAX 65536

enum view_kind {
        VIEW_IMAGE,  /* the rootfs of the image */
        VIEW_BIND,   /* a host file or directory bind-mounted */
        VIEW_EMPTY,  /* a tmpfs, or a directory runc creates for a mount point */
        VIEW_NULL,   /* /dev/null bound over a masked file */
        VIEW_PROC,   /* runc's proc mount */
        VIEW_OPAQUE, /* sysfs, cgroup, devpts, mqueue, runc's /dev, ... */
};

struct view_layer {
        char *dest; /* clean container path where it sits, as runc resolved it */
        enum view_kind kind;
        int fd;         /* VIEW_BIND: O_PATH fd of the source, else -1 */
        bool recursive; /* VIEW_BIND: "rbind", the host's submounts come along */
        dev_t dev;      /* VIEW_BIND: st_dev of the source */
        mode_t mode;    /* VIEW_EMPTY: the root directory's mode */
        uid_t uid;
        gid_t gid;
        const char *source; /* for messages: the spec's source, "maskedPaths", ... */
        const char *type;
        size_t mount; /* index in the spec's mounts; SIZE_MAX for a mask */
};

/* Who looks: process.user and the effective capabilities runc's init has
 * when it calls exec.LookPath. */
struct view_cred {
        uid_t uid;
        gid_t gid;
        size_t n_groups;
        gid_t *groups;
        bool dac_override, dac_read_search; /* in the effective set */
        /* In a user namespace the image's owners are host ids and the
         * capabilities hold only over mapped ones: not modelled, so only a
         * directory every class may search is searched for sure. */
        bool userns;
};

struct view {
        int root_fd; /* the image's rootfs, borrowed; -1 when fs is set */
        /* An image made of layers (oci/image_fs.h), borrowed: the image's
         * part of every path is looked up there instead of under root_fd;
         * NULL for a bundle's rootfs directory. */
        struct image_fs *fs;
        size_t n_layers;
        struct view_layer *layers;
        struct view_cred cred;
        /* How the bundle is named for relative bind sources; borrowed. */
        int bundle_fd;
        size_t links_left; /* of VIEW_LINKS_BUDGET */
};

/* What a path resolved to.  fd is an O_PATH | O_CLOEXEC fd the caller
 * closes, or -1 for a directory with no fd (an empty tmpfs, a mount point
 * runc creates); st is always filled. */
struct view_node {
        int fd;
        struct stat st;
        enum view_kind kind;
        size_t layer;        /* 0: the image, i + 1: layers[i] */
        char path[PATH_MAX]; /* the container path reached, symlinks resolved */
};

/* A view of the image alone, looked at as root with every capability: what
 * callers without a spec (images, archives) use. */
void view_init_image(struct view *v, int root_fd);

/* view_init_image for an image made of layers: the merged tree of fs
 * (borrowed; it outlives v) is the rootfs.  A regular file found there is
 * handed out as image_fs_open makes it (the layer's own file, or a sealed
 * memfd with a tar entry's bytes); one that is there but cannot be read
 * (over IMAGE_FS_FILE_MAX, a damaged layer) is VIEW_UNKNOWN, never "not
 * there". */
void view_init_layers(struct view *v, struct image_fs *fs);

/* view_build over the layers of fs: the spec's mounts, masks and user on
 * top of the merged image (bind sources are not relative to a bundle:
 * there is none). */
int view_build_layers(struct view *v, struct image_fs *fs, const struct spec *s,
                      struct eg_error *err);

/* Builds the view of spec s over the rootfs root_fd (borrowed, as is
 * bundle_fd, where relative bind sources are found).  Fails (-1, err) on
 * what runc itself would refuse or what cannot be modelled: a mount source
 * that cannot be opened, a destination through an unknown place, more than
 * VIEW_LAYERS_MAX mounts, a uid/gid out of range.  view_free it either way. */
int view_build(struct view *v, int root_fd, int bundle_fd, const struct spec *s,
               struct eg_error *err);

void view_free(struct view *v);

/* Resolves `path` as the container's process would: absolute, or relative
 * to `cwd` (which runc creates when missing, as root); symlinks followed,
 * the final one too; search permission checked on every directory as
 * v->cred (cwd itself is reached as root, as runc's chdir is); counts its
 * symlinks against v->links_left.  On failure
 * err->errnum is ENOENT, ENOTDIR, EACCES, ELOOP, ENAMETOOLONG or
 * VIEW_UNKNOWN. */
int view_lookup(struct view *v, const char *cwd, const char *path, struct view_node *out,
                struct eg_error *err);

/* view_lookup's fd, or -1 with err: the role rootfs_open has for an image
 * (an O_PATH fd to fstat, then rootfs_reopen_regular).  A directory without
 * an fd is answered with EISDIR. */
int view_open(struct view *v, const char *path, struct eg_error *err);

const char *view_kind_name(enum view_kind kind);

/* v->cred from process.user and the effective capabilities (view_build's
 * own step, for the start check's lookup as the same user); v->cred.groups
 * is v's to free (view_free). */
int view_set_cred(struct view *v, const struct spec *s, struct eg_error *err);

#endif
