/* OCI platform names (os/arch/variant) as containerd spells them, and which
 * platforms a host runs natively or compatibly.  Pure functions. */
#ifndef EDGEGUARD_PLATFORM_H
#define EDGEGUARD_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define PLATFORM_NAME_MAX 32

struct platform {
        char os[PLATFORM_NAME_MAX];      /* "linux", "windows"; "" when not known */
        char arch[PLATFORM_NAME_MAX];    /* GOARCH: "amd64", "arm", "arm64", ... */
        char variant[PLATFORM_NAME_MAX]; /* "v7", "v3", or "" */
        /* Windows' OS version, the image config's "os.version":
         * "10.0.17763.4377" (its third field is the build); "" when not known */
        char os_version[PLATFORM_NAME_MAX];
};

/* Brings any spelling users meet (uname -m, GOARCH, Debian's architecture
 * names, containerd's aliases) to containerd's normalized form, lower case:
 * x86_64 -> amd64, aarch64 -> arm64 (v8 dropped), armhf -> arm/v7,
 * armel -> arm/v6 (containerd's choice), armv7l -> arm/v7, i686 -> 386,
 * ppc64el -> ppc64le, mips64el -> mips64le, macos -> darwin.  Unlike
 * containerd it keeps amd64's "v1": a host measured at the baseline level
 * must not read as one of no stated level, which runs every level. */
void platform_normalize(struct platform *p);

/* Sets p from separate names (NULL for absent) and normalizes it.  Returns
 * -1 when a name is too long or holds characters no platform name has. */
int platform_set(struct platform *p, const char *os, const char *arch, const char *variant,
                 struct eg_error *err);

/* platform_set for what an image declares about itself: without an
 * architecture there is no variant (normalize would make arm's v7 of it). */
int platform_set_declared(struct platform *p, const char *os, const char *arch, const char *variant,
                          struct eg_error *err);

/* Sets p's OS version (NULL or "" for none); -1 when it is too long or
 * holds characters no version has. */
int platform_set_os_version(struct platform *p, const char *version, struct eg_error *err);

/* Parses "OS/ARCH[/VARIANT]" or "ARCH[/VARIANT]" (OS then left empty);
 * the OS may carry its version the way containerd 2 writes it:
 * "windows(10.0.17763)/amd64". */
int platform_parse(const char *text, struct platform *p, struct eg_error *err);

/* "linux/arm/v7", "linux/amd64", "?/arm64" when the OS is not known,
 * "windows(10.0.17763)/amd64" with an OS version. */
void platform_format(const struct platform *p, char *out, size_t size);

bool platform_equal(const struct platform *a, const struct platform *b);

/* The numeric level of an "arm" (v5..v8) or "amd64" (v1..v4) variant, 0
 * when the variant is empty or not one of those. */
int platform_variant_level(const char *variant);

enum platform_support {
        PLATFORM_UNSUPPORTED = 0,
        PLATFORM_NATIVE,     /* same architecture, a variant the CPU has */
        PLATFORM_COMPATIBLE, /* another architecture the kernel runs: 386 on amd64, arm on arm64 */
};

/* What a host of platform `host` does with a binary of platform `want`, by
 * containerd's matrix: amd64 runs 386; arm64 runs arm/v8..v5 when
 * `aarch32` (the CPU and kernel run 32-bit code: probe it, never assume);
 * arm/vN runs arm/vM for M <= N; amd64/vN runs amd64/vM for M <= N.  An
 * empty variant on either side compares the architecture only.  The OS is
 * not compared here. */
enum platform_support platform_host_runs(const struct platform *host, bool aarch32,
                                         const struct platform *want);

const char *platform_support_name(enum platform_support s);

/* The build number of a Windows OS version "10.0.BUILD[.REVISION]": the
 * third field; 0 when the text is not of that form. */
long platform_windows_build(const char *os_version);

#endif
