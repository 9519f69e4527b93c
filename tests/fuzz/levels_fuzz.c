/* What the levels work reads from hostile input: a program's (or its ELF
 * interpreter's) x86 ISA needed notes, and a stated host with its userland
 * and Windows build (--host, the policy's "host").  The input is both the
 * file and, up to its first NUL, the host text. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../oci/cleanup.h"
#include "../../oci/elf.h"
#include "../../oci/host.h"
#include "fuzz.h"

static int file_fd = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
        (void)argc;
        (void)argv;
        file_fd = memfd_create("levels-fuzz", MFD_CLOEXEC);
        if (file_fd < 0)
                abort();
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct elf_info info;
        struct platform kernel, userland;
        struct eg_error err;
        char text[256], out[4 * PLATFORM_NAME_MAX];
        size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

        fuzz_write_file(file_fd, data, size);
        memset(&info, 0, sizeof(info));
        strcpy(info.platform.arch, "amd64");
        elf_interp_level(file_fd, &info);
        if (info.interp_x86_isa_needed < 0 || info.interp_x86_isa_needed > 4)
                abort();
        elf_identify(file_fd, (off_t)size, data, size, &info);
        if (info.x86_isa_needed < 0 || info.x86_isa_needed > 4)
                abort();

        memcpy(text, data, n);
        text[n] = '\0';
        if (host_parse_stated(text, &kernel, &userland, &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
                return 0;
        }
        platform_format(&kernel, out, sizeof(out));
        (void)platform_windows_build(kernel.os_version);
        return 0;
}
