/* The walk behind view_lookup and view_build, private to view*.c: one path
 * component at a time through the layers of a view. */
#ifndef EDGEGUARD_VIEW_WALK_H
#define EDGEGUARD_VIEW_WALK_H

#include "view.h"

/* Directories held at once: a bound on a hostile path ("a/a/a/..."), as
 * the rootfs fallback walk has; deeper is ENAMETOOLONG. */
#define VIEW_WALK_DEPTH_MAX 256

enum view_walk_mode {
        /* the process looks a path up: missing is ENOENT, unknown places
         * are VIEW_UNKNOWN */
        VIEW_WALK_LOOKUP,
        /* runc places a mount or chdirs (securejoin, then MkdirAll as root):
         * a missing component is a directory runc creates */
        VIEW_WALK_CREATE,
        /* runc masks a path (a mount by the kernel, ENOENT ignored): inside
         * proc, sysfs, runc's /dev, a mask hides nothing the program could
         * be, so there it is answered ENOENT */
        VIEW_WALK_MASK,
};

struct view_step {
        int fd; /* owned, or -1 */
        struct stat st;
        enum view_kind kind;
        size_t layer;   /* 0: the image, i + 1: layers[i] */
        size_t len;     /* the container path's length at this directory */
        bool proc_self; /* VIEW_PROC: /proc/self or /proc/thread-self */
        bool created;   /* a directory runc makes (MkdirAll) */
        /* VIEW_IMAGE when the view has an image_fs: the merged tree's node
         * id (fd is then -1; st is the node's).  Only the id: a step is
         * copied on every component of every lookup of a bundle too. */
        uint64_t node;
};

struct view_walk {
        const struct view *v;
        const struct view_cred *cred; /* NULL: root with every capability */
        enum view_walk_mode mode;
        int links;
        size_t depth; /* steps[0..depth]: steps[0] is the container's root */
        struct view_step steps[VIEW_WALK_DEPTH_MAX];
        char path[PATH_MAX];
        size_t len;
        char buf[2 * PATH_MAX];
};

/* Starts w at the container's root of v as it stands (its n_layers). */
int view_walk_start(struct view_walk *w, const struct view *v, enum view_walk_mode mode,
                    struct eg_error *err);

/* Walks `path` from where w stands (absolute: from the root).  Can be
 * called again to go on from the result (cwd, then a relative path). */
int view_walk_path(struct view_walk *w, const char *path, struct eg_error *err);

/* Closes what w holds. */
void view_walk_end(struct view_walk *w);

#endif
