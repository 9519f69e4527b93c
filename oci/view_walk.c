#include "view_walk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"

static struct view_step *top(struct view_walk *w)
{
        return &w->steps[w->depth];
}

static void pop_to(struct view_walk *w, size_t depth)
{
        while (w->depth > depth) {
                struct view_step *s = &w->steps[w->depth--];
                if (s->fd >= 0)
                        close(s->fd);
        }
        w->len = w->steps[w->depth].len;
        w->path[w->len] = '\0';
}

/* The latest layer sitting exactly at w->path that is above `below` (a
 * mount made before the one we are in is hidden by it): its index + 1, or 0. */
static size_t layer_at(const struct view_walk *w, size_t below)
{
        for (size_t i = w->v->n_layers; i > below; i--)
                if (strcmp(w->v->layers[i - 1].dest, w->path) == 0)
                        return i;
        return 0;
}

/* True when a layer above `below` sits strictly under w->path: runc made
 * the directories on the way to it (MkdirAll), whatever was there. */
static bool layer_under(const struct view_walk *w, size_t below)
{
        for (size_t i = w->v->n_layers; i > below; i--) {
                const char *d = w->v->layers[i - 1].dest;
                if (strncmp(d, w->path, w->len) == 0 &&
                    (d[w->len] == '/' || (w->len == 1 && d[1] != '\0')))
                        return true;
        }
        return false;
}

static void pseudo_dir(struct stat *st, mode_t mode, uid_t uid, gid_t gid)
{
        memset(st, 0, sizeof(*st));
        st->st_mode = S_IFDIR | (mode & 07777);
        st->st_uid = uid;
        st->st_gid = gid;
        st->st_nlink = 2;
}

static int push(struct view_walk *w, const struct view_step *s, struct eg_error *err)
{
        if (w->depth + 1 >= VIEW_WALK_DEPTH_MAX) {
                if (s->fd >= 0)
                        close(s->fd);
                return eg_error_set(err, ENAMETOOLONG, "%s: too deep", w->path);
        }
        w->steps[++w->depth] = *s;
        w->steps[w->depth].len = w->len;
        return 0;
}

/* The step for layer i + 1 at w->path. */
static int enter_layer(struct view_walk *w, size_t layer, struct eg_error *err)
{
        const struct view_layer *l = &w->v->layers[layer - 1];
        struct view_step s = {.fd = -1, .kind = l->kind, .layer = layer};

        switch (l->kind) {
        case VIEW_BIND:
                s.fd = fcntl(l->fd, F_DUPFD_CLOEXEC, 3);
                if (s.fd < 0 || fstat(s.fd, &s.st) < 0) {
                        int e = errno;
                        if (s.fd >= 0)
                                close(s.fd);
                        return eg_error_set_errno(err, e, "%s", w->path);
                }
                break;
        case VIEW_NULL:
                memset(&s.st, 0, sizeof(s.st));
                s.st.st_mode = S_IFCHR | 0666;
                s.st.st_rdev = makedev(1, 3);
                break;
        case VIEW_PROC:
        case VIEW_OPAQUE:
                pseudo_dir(&s.st, 0555, 0, 0);
                break;
        case VIEW_EMPTY:
        case VIEW_IMAGE:
                pseudo_dir(&s.st, l->mode, l->uid, l->gid);
                break;
        }
        return push(w, &s, err);
}

static bool in_groups(const struct view_cred *c, gid_t gid)
{
        if (c->gid == gid)
                return true;
        for (size_t i = 0; i < c->n_groups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

/* An access ACL makes the group bits a mask, not the answer: not modelled. */
static bool has_acl(int fd)
{
        char proc[64];

        if (fd < 0)
                return false;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        return getxattr(proc, "system.posix_acl_access", NULL, 0) >= 0 || errno == ERANGE;
}

/* may_lookup(): MAY_EXEC on the directory as generic_permission() decides it. */
static int may_search(struct view_walk *w, struct eg_error *err)
{
        const struct view_cred *c = w->cred;
        const struct view_step *s = top(w);
        mode_t bits;

        if (!S_ISDIR(s->st.st_mode))
                return eg_error_set(err, ENOTDIR, "%s: not a directory", w->path);
        if (c != NULL && c->userns && (s->st.st_mode & 0111) != 0111)
                return eg_error_set(err, VIEW_UNKNOWN,
                                    "%s: whether a user namespace's uid %u may search it is not "
                                    "modelled",
                                    w->path, (unsigned)c->uid);
        if (c == NULL || c->dac_override || c->dac_read_search)
                return 0;
        if (c->uid == s->st.st_uid) /* ACL_USER_OBJ is the owner bits, ACL or not */
                return (s->st.st_mode & S_IXUSR) ? 0
                                                 : eg_error_set(err, EACCES,
                                                                "%s: no search permission for "
                                                                "its owner, uid %u",
                                                                w->path, (unsigned)c->uid);
        if (has_acl(s->fd))
                return eg_error_set(err, VIEW_UNKNOWN,
                                    "%s has an access ACL, which edgeguard does not evaluate",
                                    w->path);
        bits = in_groups(c, (gid_t)s->st.st_gid) ? (s->st.st_mode >> 3) : s->st.st_mode;
        if (bits & 1)
                return 0;
        return eg_error_set(err, EACCES, "%s: no search permission for uid %u gid %u", w->path,
                            (unsigned)c->uid, (unsigned)c->gid);
}

/* A missing name: a directory runc makes, or ENOENT. */
static int missing(struct view_walk *w, const char *name, struct eg_error *err)
{
        struct view_step s = {
                .fd = -1, .kind = VIEW_EMPTY, .layer = top(w)->layer, .created = true};

        if (w->mode != VIEW_WALK_CREATE && !layer_under(w, top(w)->layer))
                return eg_error_set(err, ENOENT, "%s: no %s there", w->path, name);
        pseudo_dir(&s.st, 0755, 0, 0);
        return push(w, &s, err);
}

/* Splices a symlink's target in front of the rest of the path. */
static int splice_link(struct view_walk *w, const char *target, size_t n, char **rest,
                       struct eg_error *err)
{
        size_t rest_len = strlen(*rest);

        if (++w->links > VIEW_SYMLINKS_MAX)
                return eg_error_set(err, ELOOP, "%s: more than %d symlinks", w->path,
                                    VIEW_SYMLINKS_MAX);
        if (n == 0)
                return eg_error_set(err, ENOENT, "%s: an empty symlink", w->path);
        if (n + 1 + rest_len + 1 > sizeof(w->buf))
                return eg_error_set(err, ENAMETOOLONG, "%s: symlink target too long", w->path);
        memmove(w->buf + n + 1, *rest, rest_len + 1);
        memmove(w->buf, target, n);
        w->buf[n] = '/';
        *rest = w->buf;
        pop_to(w, w->depth); /* back to the directory that held the link */
        if (target[0] == '/')
                pop_to(w, 0);
        return 0;
}

static int unknown_place(struct view_walk *w, const char *name, struct eg_error *err)
{
        const struct view_step *s = top(w);
        const struct view_layer *l = s->layer ? &w->v->layers[s->layer - 1] : NULL;

        if (w->mode == VIEW_WALK_CREATE && !s->proc_self)
                return missing(w, name, err);
        if (w->mode == VIEW_WALK_MASK && !s->proc_self) {
                /* no message: a mask ignored as runc ignores ENOENT, every
                 * create for docker's /proc and /sys masks */
                err->errnum = ENOENT;
                err->msg[0] = '\0';
                return -1;
        }
        return eg_error_set(err, VIEW_UNKNOWN,
                            "%s lies inside the %s mount at %s, whose contents edgeguard does "
                            "not model",
                            w->path, l ? l->type : "?", l ? l->dest : "?");
}

static int step_fs(struct view_walk *w, const char *name, char **rest, struct eg_error *err)
{
        struct view_step *cur = top(w);
        struct view_step s = {.kind = cur->kind, .layer = cur->layer};
        char target[PATH_MAX];
        ssize_t n;

        /* a symlink costs one call this way, not four: a hostile $PATH of
         * link chains is a few thousand of them */
        n = readlinkat(cur->fd, name, target, sizeof(target));
        if (n >= 0) {
                if ((size_t)n >= sizeof(target))
                        return eg_error_set(err, ENAMETOOLONG, "%s: symlink too long", w->path);
                return splice_link(w, target, (size_t)n, rest, err);
        }
        if (errno == ENOENT)
                return missing(w, name, err);
        s.fd = openat(cur->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (s.fd < 0) {
                if (errno == ENOENT)
                        return missing(w, name, err);
                return eg_error_set_errno(err, errno, "%s", w->path);
        }
        if (fstat(s.fd, &s.st) < 0) {
                int e = errno;
                close(s.fd);
                return eg_error_set_errno(err, e, "%s", w->path);
        }
        if (S_ISLNK(s.st.st_mode)) {
                n = readlinkat(s.fd, "", target, sizeof(target));
                close(s.fd);
                if (n < 0)
                        return eg_error_set_errno(err, errno, "%s", w->path);
                if ((size_t)n >= sizeof(target))
                        return eg_error_set(err, ENAMETOOLONG, "%s: symlink too long", w->path);
                return splice_link(w, target, (size_t)n, rest, err);
        }
        if (cur->kind == VIEW_BIND && S_ISDIR(s.st.st_mode) && s.st.st_dev != cur->st.st_dev &&
            !w->v->layers[cur->layer - 1].recursive) {
                close(s.fd);
                return eg_error_set(err, VIEW_UNKNOWN,
                                    "%s is a host mount point inside a non-recursive bind mount "
                                    "(the container sees the directory under it)",
                                    w->path);
        }
        return push(w, &s, err);
}

/* The image's part of a path when it is made of layers: the same step as
 * step_fs, on the merged tree (oci/image_fs.h). */
static int step_layers(struct view_walk *w, const char *name, char **rest, struct eg_error *err)
{
        struct view_step *cur = top(w);
        struct view_step s = {.fd = -1, .kind = VIEW_IMAGE, .layer = cur->layer};
        char target[PATH_MAX];
        struct image_fs_node dir = {.id = cur->node, .st = cur->st}, n;

        if (image_fs_lookup(w->v->fs, &dir, name, &n, err) < 0) {
                if (err->errnum == ENOENT)
                        return missing(w, name, err);
                return eg_error_prefix(err, "%s", w->path);
        }
        if (S_ISLNK(n.st.st_mode)) {
                ssize_t len = image_fs_readlink(w->v->fs, &n, target, sizeof(target), err);
                if (len < 0)
                        return eg_error_prefix(err, "%s", w->path);
                if ((size_t)len >= sizeof(target))
                        return eg_error_set(err, ENAMETOOLONG, "%s: symlink too long", w->path);
                return splice_link(w, target, (size_t)len, rest, err);
        }
        s.node = n.id;
        s.st = n.st;
        return push(w, &s, err);
}

static int step_proc(struct view_walk *w, const char *name, char **rest, struct eg_error *err)
{
        struct view_step *cur = top(w);

        if (!cur->proc_self && (strcmp(name, "self") == 0 || strcmp(name, "thread-self") == 0)) {
                struct view_step s = {
                        .fd = -1, .kind = VIEW_PROC, .layer = cur->layer, .proc_self = true};
                pseudo_dir(&s.st, 0555, w->cred ? w->cred->uid : 0, w->cred ? w->cred->gid : 0);
                return push(w, &s, err);
        }
        if (cur->proc_self && strcmp(name, "root") == 0) {
                /* the magic link to the process's root: the container's own */
                pop_to(w, w->depth);
                return splice_link(w, "/", 1, rest, err);
        }
        return unknown_place(w, name, err);
}

/* One component: search permission, then a mount on it, then the layer's
 * own content. */
static int step(struct view_walk *w, const char *name, char **rest, struct eg_error *err)
{
        size_t n = strlen(name), layer;

        if (may_search(w, err) < 0)
                return -1;
        if (strcmp(name, ".") == 0)
                return 0;
        if (strcmp(name, "..") == 0) {
                if (w->depth > 0)
                        pop_to(w, w->depth - 1);
                return 0;
        }
        if (w->len + 1 + n + 1 > sizeof(w->path))
                return eg_error_set(err, ENAMETOOLONG, "%s/%s: path too long", w->path, name);
        if (w->len > 1)
                w->path[w->len++] = '/';
        memcpy(w->path + w->len, name, n + 1);
        w->len += n;
        layer = layer_at(w, top(w)->layer);
        if (layer)
                return enter_layer(w, layer, err);
        switch (top(w)->kind) {
        case VIEW_IMAGE:
                if (w->v->fs != NULL)
                        return step_layers(w, name, rest, err);
                return step_fs(w, name, rest, err);
        case VIEW_BIND:
                return step_fs(w, name, rest, err);
        case VIEW_EMPTY:
                return missing(w, name, err);
        case VIEW_PROC:
                return step_proc(w, name, rest, err);
        case VIEW_OPAQUE:
                return unknown_place(w, name, err);
        case VIEW_NULL:
                break;
        }
        return eg_error_set(err, ENOTDIR, "%s: not a directory", w->path);
}

int view_walk_start(struct view_walk *w, const struct view *v, enum view_walk_mode mode,
                    struct eg_error *err)
{
        size_t layer;

        w->v = v;
        w->mode = mode;
        w->links = 0;
        w->depth = 0;
        w->steps[0] = (struct view_step){.fd = -1, .kind = VIEW_IMAGE, .len = 1};
        strcpy(w->path, "/");
        w->len = 1;
        layer = layer_at(w, 0);
        if (layer) {
                w->depth = (size_t)-1; /* enter_layer pushes onto steps[0] */
                if (enter_layer(w, layer, err) < 0)
                        return w->depth = 0, -1;
                return 0;
        }
        if (v->fs != NULL) {
                struct image_fs_node root;
                if (image_fs_root(v->fs, &root, err) < 0)
                        return eg_error_prefix(err, "the image's root");
                w->steps[0].node = root.id;
                w->steps[0].st = root.st;
                return 0;
        }
        w->steps[0].fd = fcntl(v->root_fd, F_DUPFD_CLOEXEC, 3);
        if (w->steps[0].fd < 0 || fstat(w->steps[0].fd, &w->steps[0].st) < 0)
                return eg_error_set_errno(err, errno, "the rootfs");
        return 0;
}

int view_walk_path(struct view_walk *w, const char *path, struct eg_error *err)
{
        char *rest;

        if (path[0] == '\0')
                return eg_error_set(err, ENOENT, "an empty path");
        if (strlen(path) >= PATH_MAX)
                return eg_error_set(err, ENAMETOOLONG, "path too long");
        strcpy(w->buf, path);
        rest = w->buf;
        if (rest[0] == '/')
                pop_to(w, 0);
        while (*rest) {
                char *name = rest, *slash;

                while (*name == '/')
                        name++;
                if (*name == '\0')
                        break;
                slash = strchr(name, '/');
                if (slash) {
                        *slash = '\0';
                        rest = slash + 1;
                } else {
                        rest = name + strlen(name);
                }
                if (step(w, name, &rest, err) < 0)
                        return -1;
        }
        /* a trailing slash asks for a directory */
        if (path[strlen(path) - 1] == '/' && !S_ISDIR(top(w)->st.st_mode))
                return eg_error_set(err, ENOTDIR, "%s: not a directory", w->path);
        return 0;
}

void view_walk_end(struct view_walk *w)
{
        pop_to(w, 0);
        if (w->steps[0].fd >= 0)
                close(w->steps[0].fd);
        w->steps[0].fd = -1;
}
