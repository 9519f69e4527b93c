/* ELF, PE and #! identification through exe_identify, as a create sees
 * it: the input is /bin/x in a rootfs, and process.args[0] is "x". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../oci/exe.h"
#include "fuzz.h"

static int root_fd = -1, file_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        char path[128];

        (void)argc;
        (void)argv;
        snprintf(path, sizeof(path), "%s/rootfs", fuzz_scratch_dir());
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                abort();
        snprintf(path, sizeof(path), "%s/rootfs/bin", fuzz_scratch_dir());
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                abort();
        snprintf(path, sizeof(path), "%s/rootfs/bin/x", fuzz_scratch_dir());
        file_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0755);
        snprintf(path, sizeof(path), "%s/rootfs", fuzz_scratch_dir());
        root_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (file_fd < 0 || root_fd < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct exe_facts out; /* 30 KB */
        const struct exe_query q = {
                .root_fd = root_fd,
                .arg0 = "x",
                .path_env = "/usr/bin:/bin",
                .cwd = "/",
                .resolver = ROOTFS_AUTO,
        };

        fuzz_write_file(file_fd, data, size);
        exe_identify(&q, &out);
        if (out.kind == EXE_UNIDENTIFIED && out.reason[0] == '\0')
                abort(); /* unidentified always says why */
        return 0;
}
