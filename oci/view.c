#include "view.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cleanup.h"
#include "path.h"
#include "view_walk.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static void cleanup_walkp(struct view_walk **w)
{
        if (*w) {
                view_walk_end(*w);
                free(*w);
        }
}
#define cleanup_walk __attribute__((cleanup(cleanup_walkp)))

static struct view_walk *walk_new(const struct view *v, enum view_walk_mode mode,
                                  struct eg_error *err)
{
        struct view_walk *w = malloc(sizeof(*w));

        if (w == NULL) {
                eg_error_set(err, ENOMEM, "out of memory");
                return NULL;
        }
        w->cred = NULL;
        if (view_walk_start(w, v, mode, err) < 0) {
                free(w);
                return NULL;
        }
        return w;
}

/* Takes w's symlinks from the view's budget; -1 once it is spent. */
static int spend_links(struct view *v, const struct view_walk *w, struct eg_error *err)
{
        v->links_left -= (size_t)w->links < v->links_left ? (size_t)w->links : v->links_left;
        if (v->links_left > 0)
                return 0;
        return eg_error_set(err, VIEW_UNKNOWN, "more than %d symlinks followed in the spec's paths",
                            VIEW_LINKS_BUDGET);
}

void view_init_image(struct view *v, int root_fd)
{
        memset(v, 0, sizeof(*v));
        v->root_fd = root_fd;
        v->bundle_fd = -1;
        v->links_left = VIEW_LINKS_BUDGET;
        v->cred.dac_override = v->cred.dac_read_search = true;
}

void view_init_layers(struct view *v, struct image_fs *fs)
{
        view_init_image(v, -1);
        v->fs = fs;
}

void view_free(struct view *v)
{
        for (size_t i = 0; i < v->n_layers; i++) {
                if (v->layers[i].fd >= 0)
                        close(v->layers[i].fd);
                free(v->layers[i].dest);
        }
        free(v->layers);
        free(v->cred.groups);
        v->layers = NULL;
        v->cred.groups = NULL;
        v->n_layers = 0;
}

static bool has_option(const struct spec_mount *m, const char *name)
{
        for (size_t i = 0; i < m->options.len; i++)
                if (strcmp(m->options.items[i], name) == 0)
                        return true;
        return false;
}

/* A tmpfs option "name=N" in base 8 or 10, the last one winning. */
static unsigned long tmpfs_option(const struct spec_mount *m, const char *name, int base,
                                  unsigned long dflt)
{
        size_t n = strlen(name);
        unsigned long v = dflt;

        for (size_t i = 0; i < m->options.len; i++) {
                const char *o = m->options.items[i];
                if (strncmp(o, name, n) == 0 && o[n] == '=')
                        v = strtoul(o + n + 1, NULL, base);
        }
        return v;
}

/* A bind source as runc's mount(2) names it: absolute as written, relative
 * to runc's cwd, the bundle, after filepath.Join. */
static int open_source(const struct view *v, const char *source, struct eg_error *err)
{
        char clean[PATH_MAX];
        int fd;

        if (source == NULL || source[0] == '\0')
                return eg_error_set(err, ENOENT, "a bind mount without a source");
        if (source[0] == '/') {
                fd = open(source, O_PATH | O_CLOEXEC);
        } else {
                if (path_clean(source, clean, sizeof(clean), err) < 0)
                        return -1;
                if (strncmp(clean, "..", 2) == 0 && (clean[2] == '/' || clean[2] == '\0'))
                        return eg_error_set(err, VIEW_UNKNOWN,
                                            "bind source %s climbs out of the bundle: the "
                                            "directory runc takes depends on its $PWD",
                                            source);
                fd = openat(v->bundle_fd, clean, O_PATH | O_CLOEXEC);
        }
        if (fd < 0)
                return eg_error_set_errno(err, errno, "bind source %s", source);
        return fd;
}

static int add_layer(struct view *v, const struct view_layer *l, const char *dest,
                     struct eg_error *err)
{
        struct view_layer *n;

        if (v->n_layers == VIEW_LAYERS_MAX)
                return eg_error_set(err, E2BIG, "more than %d mounts and masks", VIEW_LAYERS_MAX);
        if ((v->n_layers & (v->n_layers - 1)) == 0) { /* 0, 1, 2, 4, ...: grown by doubling */
                n = realloc(v->layers, (v->n_layers ? 2 * v->n_layers : 1) * sizeof(*n));
                if (n == NULL)
                        return eg_error_set(err, ENOMEM, "out of memory");
                v->layers = n;
        }
        n = v->layers;
        n[v->n_layers] = *l;
        n[v->n_layers].dest = strdup(dest);
        if (n[v->n_layers].dest == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        v->n_layers++;
        return 0;
}

static void classify_bind(struct view_layer *l, int fd)
{
        struct statfs fs;
        struct stat st;

        l->kind = VIEW_BIND;
        if (fstat(fd, &st) == 0)
                l->dev = st.st_dev;
        /* the host's own proc, sysfs, cgroup: nothing modelled there */
        if (fstatfs(fd, &fs) == 0 &&
            (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC ||
             fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC))
                l->kind = VIEW_OPAQUE;
}

/* mounts[i]: placed where securejoin takes its destination in the view of
 * the mounts before it (runc's mountToRootfs, one by one). */
static int add_mount(struct view *v, const struct spec_mount *m, size_t i, struct eg_error *err)
{
        struct view_layer l = {.fd = -1,
                               .mount = i,
                               .source = m->source ? m->source : "",
                               .type = m->type ? m->type : ""};
        cleanup_walk struct view_walk *w = NULL;
        cleanup_close int fd = -1;
        char lexical[PATH_MAX];
        const struct view_step *at;
        struct eg_error why;

        if (path_join_clean("/", m->destination ? m->destination : "", lexical, sizeof(lexical),
                            err) < 0)
                return -1;
        w = walk_new(v, VIEW_WALK_CREATE, err);
        if (w == NULL || view_walk_path(w, lexical, err) < 0 || spend_links(v, w, err) < 0)
                return eg_error_prefix(err, "destination");
        at = &w->steps[w->depth];
        if (has_option(m, "bind") || has_option(m, "rbind")) {
                l.recursive = has_option(m, "rbind");
                l.type = "bind";
                fd = open_source(v, m->source, &why);
                if (fd < 0) {
                        /* runc would fail to mount it; matters only to a
                         * lookup that goes there (a spec checked away from
                         * its host names sources that are not here) */
                        l.kind = VIEW_OPAQUE;
                        l.type = "bind (its source cannot be opened)";
                } else {
                        classify_bind(&l, fd);
                        l.fd = steal_fd(&fd);
                }
        } else if (m->type && strcmp(m->type, "tmpfs") == 0 && strcmp(lexical, "/dev") != 0 &&
                   strcmp(w->path, "/dev") != 0 && !has_option(m, "tmpcopyup")) {
                l.kind = VIEW_EMPTY;
                l.mode = (mode_t)tmpfs_option(m, "mode", 8, 01777);
                l.uid = (uid_t)tmpfs_option(m, "uid", 10, 0);
                l.gid = (gid_t)tmpfs_option(m, "gid", 10, 0);
                if (!at->created && S_ISDIR(at->st.st_mode))
                        l.mode = at->st.st_mode & 07777; /* runc chmods it back */
        } else if (m->type && strcmp(m->type, "proc") == 0) {
                l.kind = VIEW_PROC;
        } else {
                /* sysfs, cgroup, devpts, mqueue, runc's /dev (device nodes,
                 * links into /proc), tmpcopyup, a device: not modelled */
                l.kind = VIEW_OPAQUE;
        }
        if (add_layer(v, &l, w->path, err) < 0) {
                if (l.fd >= 0)
                        close(l.fd);
                return -1;
        }
        return 0;
}

/* runc's maskPath, after every mount: /dev/null over a file, a read-only
 * empty tmpfs over a directory, nothing where the path is missing. */
static int add_mask(struct view *v, const char *path, struct eg_error *err)
{
        struct view_layer l = {.fd = -1,
                               .mount = SIZE_MAX,
                               .source = "maskedPaths",
                               .type = "mask",
                               .mode = 01777};
        cleanup_walk struct view_walk *w = walk_new(v, VIEW_WALK_MASK, err);

        if (w == NULL)
                return -1;
        if (view_walk_path(w, path, err) < 0) {
                if (spend_links(v, w, err) < 0)
                        return -1;
                return err->errnum == ENOENT ? 0 : -1;
        }
        if (spend_links(v, w, err) < 0)
                return -1;
        l.kind = S_ISDIR(w->steps[w->depth].st.st_mode) ? VIEW_EMPTY : VIEW_NULL;
        return add_layer(v, &l, w->path, err);
}

static bool has_cap(const struct spec *s, const char *name)
{
        const struct spec_strv *e = &s->caps[SPEC_CAP_EFFECTIVE];

        for (size_t i = 0; i < e->len; i++)
                if (strcmp(e->items[i], name) == 0)
                        return true;
        return false;
}

/* process.user and the effective capabilities: runc's setupUser
 * ("uid:gid", so no supplementary groups from /etc/group, then
 * additionalGids) and ApplyCaps, both before exec.LookPath. */
int view_set_cred(struct view *v, const struct spec *s, struct eg_error *err)
{
        const struct spec_ints *g = &s->user_additional_gids;
        long long uid = s->user_uid.present ? s->user_uid.value : 0;
        long long gid = s->user_gid.present ? s->user_gid.value : 0;

        /* Go's uint32 takes no more; (uid_t)-1 would mean "unchanged" */
        if (uid < 0 || uid >= UINT32_MAX || gid < 0 || gid >= UINT32_MAX)
                return eg_error_set(err, EINVAL, "process.user: uid %lld gid %lld out of range",
                                    uid, gid);
        if (g->len > VIEW_GROUPS_MAX)
                return eg_error_set(err, E2BIG, "process.user.additionalGids: over %d groups",
                                    VIEW_GROUPS_MAX);
        v->cred.uid = (uid_t)uid;
        v->cred.gid = (gid_t)gid;
        v->cred.dac_override = has_cap(s, "CAP_DAC_OVERRIDE");
        v->cred.dac_read_search = has_cap(s, "CAP_DAC_READ_SEARCH");
        for (size_t i = 0; i < s->n_namespaces; i++)
                if (s->namespaces[i].type && strcmp(s->namespaces[i].type, "user") == 0)
                        v->cred.userns = true;
        if (g->len == 0)
                return 0;
        v->cred.groups = calloc(g->len, sizeof(gid_t));
        if (v->cred.groups == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < g->len; i++) {
                if (g->items[i] < 0 || g->items[i] >= UINT32_MAX)
                        return eg_error_set(err, EINVAL,
                                            "process.user.additionalGids: %lld out of range",
                                            g->items[i]);
                v->cred.groups[i] = (gid_t)g->items[i];
        }
        v->cred.n_groups = g->len;
        return 0;
}

/* The spec's part of the view, over the image v was initialised with. */
static int build_from_spec(struct view *v, const struct spec *s, struct eg_error *err)
{
        if (view_set_cred(v, s, err) < 0)
                return -1;
        /* each is a walk: bounded so that a hostile spec stays cheap */
        if (s->n_mounts + s->masked_paths.len > VIEW_LAYERS_MAX)
                return eg_error_set(err, E2BIG, "more than %d mounts and masked paths",
                                    VIEW_LAYERS_MAX);
        for (size_t i = 0; i < s->n_mounts; i++)
                if (add_mount(v, &s->mounts[i], i, err) < 0)
                        return eg_error_prefix(err, "mounts[%zu]", i);
        for (size_t i = 0; i < s->masked_paths.len; i++)
                if (add_mask(v, s->masked_paths.items[i], err) < 0)
                        return eg_error_prefix(err, "linux.maskedPaths[%zu]", i);
        return 0;
}

int view_build(struct view *v, int root_fd, int bundle_fd, const struct spec *s,
               struct eg_error *err)
{
        view_init_image(v, root_fd);
        v->bundle_fd = bundle_fd;
        return build_from_spec(v, s, err);
}

int view_build_layers(struct view *v, struct image_fs *fs, const struct spec *s,
                      struct eg_error *err)
{
        view_init_layers(v, fs);
        return build_from_spec(v, s, err);
}

int view_lookup(struct view *v, const char *cwd, const char *path, struct view_node *out,
                struct eg_error *err)
{
        cleanup_walk struct view_walk *w = NULL;
        struct view_step *t;
        int ret;

        out->fd = -1;
        if (v->links_left == 0)
                return eg_error_set(err, VIEW_UNKNOWN, "more than %d symlinks followed",
                                    VIEW_LINKS_BUDGET);
        if (path[0] != '/') {
                /* runc's MkdirAll(cwd) and chdir, as root, before setupUser */
                w = walk_new(v, VIEW_WALK_CREATE, err);
                if (w == NULL || view_walk_path(w, cwd && cwd[0] ? cwd : "/", err) < 0)
                        return eg_error_prefix(err, "process.cwd");
                w->mode = VIEW_WALK_LOOKUP;
        } else {
                w = walk_new(v, VIEW_WALK_LOOKUP, err);
                if (w == NULL)
                        return -1;
        }
        w->cred = &v->cred;
        w->links = 0;
        ret = view_walk_path(w, path, err);
        /* failed lookups spend it too: they are the costly ones */
        if (spend_links(v, w, err) < 0 || ret < 0)
                return -1;
        t = &w->steps[w->depth];
        if (t->kind == VIEW_IMAGE && v->fs != NULL && !S_ISDIR(t->st.st_mode)) {
                /* a file of the layers: its bytes only now, for the one
                 * path that is asked for */
                struct image_fs_node n = {.id = t->node, .st = t->st};
                t->fd = image_fs_open(v->fs, &n, err);
                /* a file that is there but cannot be read (over the size
                 * edgeguard reads, a damaged layer) is not "not there":
                 * unknown; EACCES is a device or FIFO, as execve says */
                if (t->fd < 0 && err->errnum != EACCES)
                        err->errnum = VIEW_UNKNOWN;
                if (t->fd < 0)
                        return eg_error_prefix(err, "%s", w->path);
        }
        out->fd = steal_fd(&t->fd);
        out->st = t->st;
        out->kind = t->kind;
        out->layer = t->layer;
        memcpy(out->path, w->path, w->len + 1);
        return 0;
}

int view_open(struct view *v, const char *path, struct eg_error *err)
{
        struct view_node *n = malloc(sizeof(*n));
        int fd;

        if (n == NULL)
                return eg_error_set(err, ENOMEM, "out of memory");
        if (view_lookup(v, "/", path, n, err) < 0) {
                free(n);
                return -1;
        }
        fd = n->fd;
        if (fd < 0 && n->kind == VIEW_NULL)
                fd = open("/dev/null", O_PATH | O_CLOEXEC);
        else if (fd < 0)
                eg_error_set(err, EISDIR, "%s: a directory", n->path);
        free(n);
        return fd;
}

const char *view_kind_name(enum view_kind kind)
{
        switch (kind) {
        case VIEW_IMAGE:
                return "image";
        case VIEW_BIND:
                return "bind";
        case VIEW_EMPTY:
                return "empty";
        case VIEW_NULL:
                return "masked";
        case VIEW_PROC:
                return "proc";
        case VIEW_OPAQUE:
                return "opaque";
        }
        return "?";
}
