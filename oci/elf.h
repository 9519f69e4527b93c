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
        /* x86-64 psABI level (1..4) that .note.gnu.property's
         * GNU_PROPERTY_X86_ISA_1_NEEDED states, 0 when absent */
        int x86_isa_needed;
        /* The same in the ELF interpreter's file (set by elf_interp_level), 0 when
         * absent or not read. */
        int interp_x86_isa_needed;
        /* What set an amd64 platform.variant: "GOAMD64 in Go's build info",
         * "x86 ISA needed note", "x86 ISA needed note of the ELF interpreter"; NULL when
         * nothing states a level (the baseline, v1) */
        const char *level_source;
        struct platform platform; /* arch empty when not known: see problem */
        char problem[160];        /* why the file would not run, or why the platform is unknown */
};

/* True when the first bytes are the ELF magic. */
bool elf_is(const unsigned char *head, size_t len);

/* Identifies the ELF file fd of `size` bytes whose first bytes are head.
 * Always fills info; info->problem says what is wrong with a malformed
 * file.  Never reads more than a few hundred KiB. */
void elf_identify(int fd, off_t size, const unsigned char *head, size_t len, struct elf_info *info);

/* The platform an ELF header alone names (class, data, e_machine, OS
 * ABI; no variant): -1 when head is not an ELF header of a known machine. */
int elf_header_platform(const unsigned char *head, size_t len, struct platform *out);

/* Reads the ELF interpreter (PT_INTERP's file, open for reading as fd) for
 * its own x86 ISA needed note and raises info's amd64 level to it when
 * higher: glibc's loader refuses to start on a CPU below the level its
 * own build needs ("Fatal glibc error: CPU does not support x86-64-v2"),
 * whatever the executable says.  Only for an amd64 info; a file that is
 * not an x86-64 ELF file is ignored (its presence is judged elsewhere). */
void elf_interp_level(int fd, struct elf_info *info);

/* The highest x86-64 level GNU_PROPERTY_X86_ISA_1_NEEDED bits name: bit 0
 * the baseline (1), bit 1 v2, bit 2 v3, bit 3 v4; 0 for none.  SOURCE:
 * the x86-64 psABI, binutils 2.36's include/elf/common.h. */
int elf_x86_isa_level(uint32_t bits);

#endif
