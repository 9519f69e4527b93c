/* The words a person reads in a refusal, a record and `edgeguard check`:
 * what the executable is and how that was told, and what the host runs. */
#ifndef EDGEGUARD_DESCRIBE_H
#define EDGEGUARD_DESCRIBE_H

#include <stddef.h>

#include "../oci/exe.h"
#include "../oci/host.h"

/* "ELF 64-bit LSB AArch64" or "ELF 32-bit LSB ARM, Tag_CPU_arch v7, hard-float,
 * Go go1.19.8 GOARM=7" or "PE x86-64" */
void describe_format(const struct exe_facts *exe, char *out, size_t size);

/* "linux/arm64 (aarch64; 32-bit ARM: yes, from sysfs aarch32_el0)" */
void describe_host(const struct host_facts *host, char *out, size_t size);

/* "linux/amd64, linux/386": what the host runs natively or compatibly.
 * want: the platform refused, or NULL for the whole picture; an amd64
 * host without IA32 says why it runs no 386 only when want is 386 (for
 * an arm64 program the reason would be noise, and the host's own
 * description names IA32 already). */
void describe_host_runs(const struct host_facts *host, const struct platform *want, char *out,
                        size_t size);

#endif
