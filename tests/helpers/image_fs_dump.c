/* image_fs_dump tars|dirs|root ARG... -- PATH...: what each PATH resolves
 * to through the container view over an image made of tar layers, of
 * layer directories, or of one real directory (an overlay mount): one
 * line a path, "PATH ERRNO" or "PATH -> RESOLVED dir|TYPE SIZE BYTES",
 * so that the three can be compared (tests/image_fs_overlay_test.sh). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/image_fs.h"
#include "../../oci/view.h"

static void dump(struct view *v, const char *path)
{
        static struct view_node n;
        struct eg_error err;
        unsigned char buf[64];
        ssize_t got;
        int fd;
        char proc[64];

        if (view_lookup(v, "/", path, &n, &err) < 0) {
                printf("%s %s\n", path, strerrorname_np(err.errnum));
                return;
        }
        if (S_ISDIR(n.st.st_mode)) {
                printf("%s -> %s dir\n", path, n.path);
                if (n.fd >= 0)
                        close(n.fd);
                return;
        }
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", n.fd);
        fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        got = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
        printf("%s -> %s %o %lld ", path, n.path, (unsigned)n.st.st_mode & 07777,
               (long long)n.st.st_size);
        for (ssize_t i = 0; i < got; i++)
                putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
        putchar('\n');
        if (fd >= 0)
                close(fd);
        close(n.fd);
}

int main(int argc, char **argv)
{
        struct layer_blob blobs[IMAGE_FS_LAYERS_MAX];
        int fds[IMAGE_FS_LAYERS_MAX];
        struct image_fs *fs = NULL;
        struct eg_error err;
        struct view v;
        int i = 2, n = 0;

        if (argc < 3) {
                fprintf(stderr, "usage: image_fs_dump tars|dirs|root ARG... -- PATH...\n");
                return 2;
        }
        for (; i < argc && strcmp(argv[i], "--") != 0 && n < IMAGE_FS_LAYERS_MAX; i++, n++) {
                blobs[n] = (struct layer_blob){.path = argv[i], .member_ordinal = -1};
                fds[n] = open(argv[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        }
        if (strcmp(argv[1], "tars") == 0)
                fs = image_fs_from_tars(blobs, (size_t)n, &err);
        else if (strcmp(argv[1], "dirs") == 0)
                fs = image_fs_from_dirs(fds, NULL, (size_t)n, &err);
        if (strcmp(argv[1], "root") == 0) {
                view_init_image(&v, fds[0]);
        } else if (fs == NULL) {
                printf("refused: %s\n", err.msg);
                return 1;
        } else {
                view_init_layers(&v, fs);
        }
        for (i++; i < argc; i++)
                dump(&v, argv[i]);
        view_free(&v);
        image_fs_free(fs);
        return 0;
}
