/* Which manifest of a multi-platform image an engine pulls for a target,
 * as containerd's platforms package decides it (platforms.Only: an
 * ordered vector of acceptable platforms; dockerd 20.10's puller filters
 * a manifest list by Match and sorts it stably by Less, then takes the
 * first):
 *   amd64/vN: amd64/vN .. amd64/v1 (v1 is "no variant"), then 386;
 *   arm/vN:   arm/vN .. arm/v5;
 *   arm64:    arm64, then arm/v8 .. arm/v5;
 *   others:   themselves.
 * A candidate matches an entry when OS, architecture and variant are
 * equal after containerd's normalization (arm without variant is v7,
 * arm64/v8 and amd64/v1 are the bare architecture).  Windows adds
 * hcsshim's rule: a process-isolated container needs the host's OS build
 * (DESIGN.md), so a candidate stating another build does not match a
 * target stating one. */
#ifndef EDGEGUARD_PLATFORM_MATCH_H
#define EDGEGUARD_PLATFORM_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "platform.h"

#define PLATFORM_VECTOR_MAX 8

/* containerd's vector for target (normalized here); with ia32 false an
 * amd64 target leaves 386 out (a kernel without IA32 emulation: the
 * engine would pull it, edgeguard says the host cannot run it, so the
 * honest answer is to pull another).  Returns the count. */
size_t platform_match_vector(const struct platform *target, bool ia32,
                             struct platform out[PLATFORM_VECTOR_MAX]);

/* The position of candidate in target's vector (0 best), -1 when none. */
int platform_match_rank(const struct platform *target, bool ia32, const struct platform *candidate);

/* The index of the candidate the engine takes: the best rank, the first
 * in document order among equal ranks; -1 when none matches.  Entries
 * with usable[i] false (attestations, a missing platform) are skipped;
 * usable may be NULL. */
ssize_t platform_match_select(const struct platform *target, bool ia32,
                              const struct platform *candidates, const bool *usable, size_t n);

#endif
