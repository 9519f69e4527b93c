#include "scmp_arch.h"

#include <seccomp.h>
#include <string.h>

/* libseccomp's names beside the OCI ones.  runc accepts exactly these
 * SCMP_ARCH_ spellings; libseccomp's own name is their lower-case tail. */
static const struct {
        const char *spec_name;
        const char *oci_arch;
} scmp_names[] = {
        {"SCMP_ARCH_X86", "386"},         {"SCMP_ARCH_X86_64", "amd64"},
        {"SCMP_ARCH_X32", NULL},          {"SCMP_ARCH_ARM", "arm"},
        {"SCMP_ARCH_AARCH64", "arm64"},   {"SCMP_ARCH_MIPS", "mips"},
        {"SCMP_ARCH_MIPS64", "mips64"},   {"SCMP_ARCH_MIPS64N32", NULL},
        {"SCMP_ARCH_MIPSEL", "mipsle"},   {"SCMP_ARCH_MIPSEL64", "mips64le"},
        {"SCMP_ARCH_MIPSEL64N32", NULL},  {"SCMP_ARCH_PPC", "ppc"},
        {"SCMP_ARCH_PPC64", "ppc64"},     {"SCMP_ARCH_PPC64LE", "ppc64le"},
        {"SCMP_ARCH_S390", "s390"},       {"SCMP_ARCH_S390X", "s390x"},
        {"SCMP_ARCH_PARISC", NULL},       {"SCMP_ARCH_PARISC64", NULL},
        {"SCMP_ARCH_RISCV64", "riscv64"},
};

#define N_SCMP_NAMES (sizeof(scmp_names) / sizeof(scmp_names[0]))

static uint32_t resolve_spec_name(const char *spec_name)
{
        char lib_name[32];
        const char *tail = spec_name + strlen("SCMP_ARCH_");
        size_t i;

        for (i = 0; tail[i] && i + 1 < sizeof(lib_name); i++)
                lib_name[i] =
                        (char)(tail[i] >= 'A' && tail[i] <= 'Z' ? tail[i] - 'A' + 'a' : tail[i]);
        lib_name[i] = '\0';
        return seccomp_arch_resolve_name(lib_name);
}

uint32_t scmp_arch_native_token(void)
{
        return seccomp_arch_native();
}

uint32_t scmp_arch_from_spec_name(const char *name)
{
        for (size_t i = 0; i < N_SCMP_NAMES; i++)
                if (strcmp(name, scmp_names[i].spec_name) == 0)
                        return resolve_spec_name(name);
        return 0;
}

uint32_t scmp_arch_of_platform(const struct platform *p)
{
        for (size_t i = 0; i < N_SCMP_NAMES; i++)
                if (scmp_names[i].oci_arch && strcmp(p->arch, scmp_names[i].oci_arch) == 0)
                        return resolve_spec_name(scmp_names[i].spec_name);
        return 0;
}

const char *scmp_arch_spec_name(uint32_t token)
{
        for (size_t i = 0; token != 0 && i < N_SCMP_NAMES; i++)
                if (resolve_spec_name(scmp_names[i].spec_name) == token)
                        return scmp_names[i].spec_name;
        return NULL;
}

int scmp_arch_platform(uint32_t token, struct platform *out)
{
        for (size_t i = 0; token != 0 && i < N_SCMP_NAMES; i++)
                if (scmp_names[i].oci_arch && resolve_spec_name(scmp_names[i].spec_name) == token) {
                        memset(out, 0, sizeof(*out));
                        strcpy(out->arch, scmp_names[i].oci_arch);
                        platform_normalize(out);
                        return 0;
                }
        return -1;
}
