/* No container root file system on Windows: the plugin judges API requests,
 * never a bundle, so oci/exe.c's walk into a rootfs (which the decision
 * core links for its names and rules) has nothing to open.  These stand
 * for oci/view.c and oci/rootfs.c, which are Linux's (openat2, /proc). */
#ifdef _WIN32
#include <errno.h>
#include <string.h>

#include "../../oci/rootfs.h"
#include "../../oci/view.h"

void view_init_image(struct view *v, int root_fd)
{
        memset(v, 0, sizeof(*v));
        (void)root_fd;
}

int view_lookup(struct view *v, const char *cwd, const char *path, struct view_node *out,
                struct eg_error *err)
{
        (void)v, (void)cwd, (void)out;
        return eg_error_set(err, ENOSYS, "%s: no container file system on Windows", path);
}

int rootfs_reopen_regular(int path_fd, struct eg_error *err)
{
        (void)path_fd;
        return eg_error_set(err, ENOSYS, "no container file system on Windows");
}
#endif
