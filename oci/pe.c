#include "pe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "str.h"

/* Real files put the PE header within the first KiB; allow far more, but
 * not "anywhere in a 4 GiB file". */
#define LFANEW_MAX     (1u << 20)
#define IMAGE_FILE_DLL 0x2000

bool pe_is(const unsigned char *head, size_t len)
{
        return len >= 2 && head[0] == 'M' && head[1] == 'Z';
}

static const char *arch_of_machine(uint16_t machine, const char **variant)
{
        *variant = "";
        switch (machine) {
        case 0x8664:
                return "amd64";
        case 0xaa64:
                return "arm64";
        case 0x014c:
                return "386";
        case 0x01c4: /* ARMNT: Thumb-2, ARMv7 */
                *variant = "v7";
                return "arm";
        }
        return NULL;
}

void pe_identify(int fd, off_t size, const unsigned char *head, size_t len, struct pe_info *info)
{
        unsigned char pe[24];
        uint32_t lfanew;
        const char *arch, *variant;
        ssize_t n;

        memset(info, 0, sizeof(*info));
        str_copy(info->platform.os, sizeof(info->platform.os), "windows");
        if (len < 0x40) {
                snprintf(info->problem, sizeof(info->problem), "truncated MZ header");
                return;
        }
        lfanew = (uint32_t)head[0x3c] | (uint32_t)head[0x3d] << 8 | (uint32_t)head[0x3e] << 16 |
                 (uint32_t)head[0x3f] << 24;
        if (lfanew > LFANEW_MAX || size < 0 || (uint64_t)lfanew + sizeof(pe) > (uint64_t)size) {
                snprintf(info->problem, sizeof(info->problem),
                         "MZ file whose PE header offset %u is past its end (DOS program?)",
                         lfanew);
                return;
        }
        do
                n = pread(fd, pe, sizeof(pe), lfanew);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)sizeof(pe) || memcmp(pe, "PE\0\0", 4) != 0) {
                snprintf(info->problem, sizeof(info->problem),
                         "MZ file without a PE signature (DOS program?)");
                return;
        }
        info->machine = (uint16_t)(pe[4] | pe[5] << 8);
        info->characteristics = (uint16_t)(pe[22] | pe[23] << 8);
        arch = arch_of_machine(info->machine, &variant);
        if (arch == NULL) {
                snprintf(info->problem, sizeof(info->problem), "PE machine 0x%04x", info->machine);
                return;
        }
        str_copy(info->platform.arch, sizeof(info->platform.arch), arch);
        str_copy(info->platform.variant, sizeof(info->platform.variant), variant);
        if (info->characteristics & IMAGE_FILE_DLL)
                snprintf(info->problem, sizeof(info->problem), "a DLL, not an executable");
}
