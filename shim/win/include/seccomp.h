/* The two libseccomp calls oci/scmp_arch.c makes, for the mingw-w64 build:
 * names to the kernel's AUDIT_ARCH_* tokens (linux/audit.h), as
 * libseccomp 2.5 maps them.  A Windows host has no seccomp: the tokens only
 * compare a spec's seccomp architectures with an image's platform. */
#ifndef EDGEGUARD_WIN_SECCOMP_H
#define EDGEGUARD_WIN_SECCOMP_H
#include <stdint.h>
uint32_t seccomp_arch_resolve_name(const char *arch_name);
uint32_t seccomp_arch_native(void);
#endif
