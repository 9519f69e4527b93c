/* Architecture names as seccomp knows them, through libseccomp: the native
 * architecture, an OCI platform's, and the spec's SCMP_ARCH_* names. */
#ifndef EDGEGUARD_SCMP_ARCH_H
#define EDGEGUARD_SCMP_ARCH_H

#include <stdint.h>

#include "platform.h"

/* libseccomp's token for the architecture edgeguard itself was built for. */
uint32_t scmp_arch_native_token(void);

/* The token for a platform's architecture, 0 when libseccomp has none. */
uint32_t scmp_arch_of_platform(const struct platform *p);

/* The token for a name in linux.seccomp.architectures, spelled exactly as
 * runc accepts it ("SCMP_ARCH_X86_64"); 0 for anything else. */
uint32_t scmp_arch_from_spec_name(const char *name);

/* "SCMP_ARCH_AARCH64" for a token, NULL when not one we name. */
const char *scmp_arch_spec_name(uint32_t token);

/* The platform of a seccomp architecture token (OS left empty). */
int scmp_arch_platform(uint32_t token, struct platform *out);

#endif
