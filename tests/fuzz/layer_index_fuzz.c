/* A hostile tar layer (any compression the reader takes) over a fixed
 * base layer: indexed, merged, walked through the container view and the
 * identifier, its files opened.  Every refusal must say why; nothing may
 * crash, leak, hang or read past a bound. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../oci/exe.h"
#include "../../oci/image_fs.h"
#include "../../oci/view.h"
#include "fuzz.h"

static int layer_fd = -1;
static char layer_path[256];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        snprintf(layer_path, sizeof(layer_path), "%s/layer", fuzz_scratch_dir());
        layer_fd = open(layer_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (layer_fd < 0)
                abort();
        return 0;
}

static void walk(struct view *v, const char *path)
{
        static struct view_node n;
        struct eg_error err = {0};

        if (view_lookup(v, "/", path, &n, &err) < 0) {
                if (err.msg[0] == '\0' || err.errnum == 0)
                        abort(); /* a failure says why */
                return;
        }
        if (n.path[0] != '/' || strstr(n.path, "//") || strstr(n.path, "/../"))
                abort(); /* the container path reached is clean */
        if (n.fd >= 0)
                close(n.fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct exe_facts out; /* 30 KB */
        const char *paths[] = {"/bin/sh", "/usr/bin/app", "/a", "/a/b", "/x", "/etc/passwd"};
        struct layer_blob blob = {.path = layer_path, .member_ordinal = -1};
        struct eg_error err = {0};
        struct image_fs *fs;
        struct view v;

        fuzz_write_file(layer_fd, data, size);
        /* the identifier's program, kept by the index pass (and read
         * again when a later entry replaces it) */
        static const char *const keep[] = {"bin/sh", "usr/bin/app", "x", "a/b"};
        fs = image_fs_from_tars_keeping(&blob, 1, keep, 4, &err);
        if (fs == NULL) {
                if (err.msg[0] == '\0' || err.errnum == 0)
                        abort();
                return 0;
        }
        view_init_layers(&v, fs);
        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
                walk(&v, paths[i]);
        struct exe_query q = {.root_fd = -1,
                              .arg0 = "sh",
                              .path_env = "/bin:/usr/bin:/a:/x",
                              .cwd = "/",
                              .view = &v};
        exe_identify(&q, &out);
        if (out.kind == EXE_UNIDENTIFIED && out.reason[0] == '\0')
                abort();
        view_free(&v);
        image_fs_free(fs);
        return 0;
}
