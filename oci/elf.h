/* What an ELF file says about the machine it needs, read with bounded
 * preads that trust no offset, size or count in the file. */
#ifndef EDGEGUARD_ELF_H
#define EDGEGUARD_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform.h"

#define ELF_INTERP_MAX 256

struct elf_info {
        int bits; /* 32 or 64 */
        bool big_endian;
        uint8_t osabi;
        uint16_t type; /* ET_EXEC, ET_DYN, ... */
        uint16_t machine;
        uint32_t flags;
        char interp[ELF_INTERP_MAX]; /* PT_INTERP, "" for a static binary */
        int arm_cpu_arch;            /* .ARM.attributes Tag_CPU_arch, -1 when absent */
        const char *float_abi;       /* ARM EABI: "hard", "soft", or NULL */
        char go_version[24];         /* Go's build info: "go1.19.8" */
        char goarm[8];               /* GOARM=, "" when absent */
        char goamd64[8];             /* GOAMD64=, "" when absent */
        struct platform platform;    /* arch empty when not known: see problem */
        char problem[160]; /* why the file would not run, or why the platform is unknown */
};

/* True when the first bytes are the ELF magic. */
bool elf_is(const unsigned char *head, size_t len);

/* Identifies the ELF file fd of `size` bytes whose first bytes are head.
 * Always fills info; info->problem says what is wrong with a malformed
 * file.  Never reads more than a few hundred KiB. */
void elf_identify(int fd, off_t size, const unsigned char *head, size_t len, struct elf_info *info);

#endif
