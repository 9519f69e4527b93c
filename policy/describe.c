#include "describe.h"

#include <stdio.h>
#include <string.h>

#include "../oci/str.h"

static const char *machine_name(unsigned machine)
{
        switch (machine) {
        case 3:
                return "Intel 80386";
        case 8:
                return "MIPS";
        case 20:
                return "PowerPC";
        case 21:
                return "PowerPC64";
        case 22:
                return "IBM S/390";
        case 40:
                return "ARM";
        case 43:
                return "SPARC V9";
        case 62:
                return "x86-64";
        case 183:
                return "AArch64";
        case 243:
                return "RISC-V";
        case 258:
                return "LoongArch";
        }
        return NULL;
}

static const char *pe_machine_name(unsigned machine)
{
        switch (machine) {
        case 0x014c:
                return "Intel 386";
        case 0x8664:
                return "x86-64";
        case 0x01c4:
                return "ARMv7 Thumb-2";
        case 0xaa64:
                return "ARM64";
        }
        return NULL;
}

void describe_format(const struct exe_facts *exe, char *out, size_t size)
{
        const struct elf_info *e = &exe->elf;
        const char *m;
        size_t o = 0;

        out[0] = '\0';
        if (exe->kind == EXE_PE) {
                m = pe_machine_name(exe->pe.machine);
                if (m)
                        str_append(out, size, &o, "PE %s", m);
                else
                        str_append(out, size, &o, "PE machine 0x%04x", exe->pe.machine);
                return;
        }
        if (exe->kind != EXE_ELF)
                return;
        m = machine_name(e->machine);
        str_append(out, size, &o, "ELF %d-bit %s ", e->bits, e->big_endian ? "MSB" : "LSB");
        if (m)
                str_append(out, size, &o, "%s", m);
        else
                str_append(out, size, &o, "machine %u", e->machine);
        if (e->arm_cpu_arch >= 0)
                str_append(out, size, &o, ", Tag_CPU_arch %d", e->arm_cpu_arch);
        if (e->float_abi)
                str_append(out, size, &o, ", %s-float", e->float_abi);
        if (e->go_version[0])
                str_append(out, size, &o, ", Go %s", e->go_version);
        if (e->goarm[0])
                str_append(out, size, &o, " GOARM=%s", e->goarm);
        if (e->goamd64[0])
                str_append(out, size, &o, " GOAMD64=%s", e->goamd64);
        if (e->x86_isa_needed)
                str_append(out, size, &o, ", x86 ISA needed x86-64-%s",
                           e->x86_isa_needed == 1
                                   ? "baseline"
                                   : (const char *[]){"", "", "v2", "v3", "v4"}[e->x86_isa_needed]);
        if (e->level_source)
                str_append(out, size, &o, ", level from the %s", e->level_source);
        if (e->interp[0])
                str_append(out, size, &o, ", interpreter %s", e->interp);
        else
                str_append(out, size, &o, ", static");
}

void describe_host(const struct host_facts *host, char *out, size_t size)
{
        char name[4 * PLATFORM_NAME_MAX];
        size_t o = 0;

        platform_format(&host->platform, name, sizeof(name));
        str_append(out, size, &o, "%s", name);
        if (strcmp(host->platform.arch, "amd64") == 0 && host->level_source == NULL)
                str_append(out, size, &o, " (x86-64 level not measured)");
        if (host->userland.arch[0] && strcmp(host->userland.arch, host->platform.arch) != 0) {
                platform_format(&host->userland, name, sizeof(name));
                str_append(out, size, &o, " with a %s userland (%s)", name, host->userland_source);
        }
        if (host->simulated) {
                str_append(out, size, &o,
                           host->ia32 == HOST_IA32_NO ? " (simulated, no IA32)" : " (simulated)");
                return;
        }
        str_append(out, size, &o, " (uname -m %s", host->machine);
        if (host->aarch32 != HOST_AARCH32_NOT_ARM64)
                str_append(out, size, &o, "; 32-bit ARM: %s, from %s",
                           host_aarch32_name(host->aarch32),
                           host->aarch32_source ? host->aarch32_source : "?");
        if (host->ia32 != HOST_IA32_NOT_AMD64)
                str_append(out, size, &o, "; 32-bit x86: %s, from %s", host_ia32_name(host->ia32),
                           host->ia32_source ? host->ia32_source : "?");
        str_append(out, size, &o, ")");
}

void describe_host_runs(const struct host_facts *host, const struct platform *want, char *out,
                        size_t size)
{
        const struct platform *p = &host->platform;
        const char *os = p->os;
        int level = platform_variant_level(p->variant);
        size_t o = 0;

        out[0] = '\0';
        if (strcmp(p->arch, "amd64") == 0 && host->ia32 == HOST_IA32_NO) {
                if (level >= 1)
                        str_append(out, size, &o, "%s/amd64 up to %s", os, p->variant);
                else
                        str_append(out, size, &o, "%s/amd64", os);
                if (want == NULL || strcmp(want->arch, "386") == 0)
                        str_append(out, size, &o,
                                   " only: this host's kernel does not run 32-bit x86 programs "
                                   "(IA32 emulation is off)");
                else
                        str_append(out, size, &o, " only");
        } else if (strcmp(p->arch, "amd64") == 0) {
                if (level >= 1)
                        str_append(out, size, &o, "%s/amd64 up to %s and %s/386", os, p->variant,
                                   os);
                else
                        str_append(out, size, &o, "%s/amd64 and %s/386", os, os);
        } else if (strcmp(p->arch, "arm64") == 0) {
                if (host->aarch32 == HOST_AARCH32_NO)
                        str_append(out, size, &o,
                                   "%s/arm64 only (this CPU or kernel runs no 32-bit ARM)", os);
                else if (host->aarch32 == HOST_AARCH32_YES)
                        str_append(out, size, &o, "%s/arm64 and %s/arm (v5 to v8)", os, os);
                else
                        str_append(out, size, &o,
                                   "%s/arm64 and, where the CPU runs 32-bit code, %s/arm", os, os);
        } else if (strcmp(p->arch, "arm") == 0 && level >= 5) {
                str_append(out, size, &o, "%s/arm from v5 up to %s%s", os, p->variant,
                           level == 8 ? " (a 32-bit ARM kernel: no arm64)" : "");
        } else {
                char name[4 * PLATFORM_NAME_MAX];
                platform_format(p, name, sizeof(name));
                str_append(out, size, &o, "%s only", name);
        }
}
