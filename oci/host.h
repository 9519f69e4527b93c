/* What this host runs: its OS, architecture and variant, whether an arm64
 * CPU and kernel run 32-bit ARM code, and which foreign formats
 * binfmt_misc would hand to an emulator.  Every source can be redirected
 * (a fake /proc and /sys, a given uname, a given probe) for tests, and the
 * whole answer replaced by a simulated platform. */
#ifndef EDGEGUARD_HOST_H
#define EDGEGUARD_HOST_H

#include <stdint.h>

#include "binfmt.h"
#include "error.h"
#include "platform.h"

enum host_aarch32 {
        HOST_AARCH32_NOT_ARM64, /* the question does not arise */
        HOST_AARCH32_YES,
        HOST_AARCH32_NO,
        HOST_AARCH32_UNKNOWN, /* not probed (simulated host, fake tree without a probe) */
};

struct host_sources {
        const char *proc;    /* "/proc" unless testing */
        const char *sys;     /* "/sys" unless testing */
        const char *sysname; /* uname -s; NULL: ask uname(2) */
        const char *machine; /* uname -m; NULL: ask uname(2) */
        /* 1 when the kernel runs AArch32 tasks, 0 when not, -1 unknown; NULL: not probed */
        int (*probe_aarch32)(void);
        /* runc, whose ELF header tells the userland's architecture (a 32-bit
         * userland on a 64-bit kernel); NULL: not read */
        const char *runtime;
};

struct host_facts {
        struct platform platform; /* the kernel's: linux/arm64, linux/arm/v6, linux/amd64/v3 */
        char machine[65];         /* uname -m as read */
        char cpu_model[128];      /* /proc/cpuinfo "model name", if any */
        enum host_aarch32 aarch32;
        const char *aarch32_source; /* how aarch32 was decided */
        uint32_t scmp_native;       /* libseccomp's native arch: edgeguard's own build */
        int cap_last;               /* the kernel's last capability; -1 when not known */
        bool has_cap_bounding;
        uint64_t cap_bounding; /* edgeguard's bounding set, which runc inherits */
        bool simulated;
        /* amd64: how platform.variant's level was told ("cpuinfo flags",
         * "stated"); NULL when it could not be (then the variant is empty) */
        const char *level_source;
        /* The userland's platform: runc's own (its ELF header), which the
         * seccomp filter takes as native; arch empty when not known (then
         * taken to be the kernel's).  A Raspberry Pi on 32-bit Raspberry Pi
         * OS with the 64-bit kernel: kernel linux/arm64, userland linux/arm. */
        struct platform userland;
        char userland_source[128];  /* "ELF header of /usr/sbin/runc", "stated", or why not */
        struct binfmt_table binfmt; /* last: see host_facts_reset */
};

/* The real sources: /proc, /sys, uname(2), the personality probe. */
void host_sources_default(struct host_sources *src);

int host_detect(const struct host_sources *src, struct host_facts *out, struct eg_error *err);

/* A host that is only a platform (the check command's --host, the
 * policy's "host"): no binfmt_misc, AArch32 unknown.  The text is
 *   OS[(OS_VERSION)]/ARCH[/VARIANT][,userland=ARCH[/VARIANT]]
 * "linux/amd64/v1" is a CPU at the x86-64 baseline level; "linux/amd64"
 * states no level (every level is taken to run); "linux/arm/v8" is, as
 * containerd reads it, a 32-bit ARM kernel and userland on an ARMv8 CPU;
 * "linux/arm64,userland=arm/v7" a 64-bit kernel under a 32-bit userland
 * (runc and its seccomp filter are 32-bit ARM); "windows(10.0.17763)/amd64"
 * a Windows host of build 17763. */
int host_simulate(const char *platform, struct host_facts *out, struct eg_error *err);

/* Parses host_simulate's text: the kernel's platform (OS "linux" when not
 * given) and the userland's (arch empty when not stated). */
int host_parse_stated(const char *text, struct platform *kernel, struct platform *userland,
                      struct eg_error *err);

/* The platform that runc and its seccomp filter take as native: the
 * userland's when known, else the kernel's. */
const struct platform *host_userland(const struct host_facts *host);

/* Whether the host runs code for `want`, natively or compatibly; an arm64
 * host whose AArch32 support is unknown is taken to run it, as containerd
 * assumes (the caller can see host->aarch32 and say so). */
enum platform_support host_runs(const struct host_facts *host, const struct platform *want);

/* personality(PER_LINUX32) succeeds on arm64 only when some CPU runs 32-bit
 * EL0 code; the previous personality is restored at once. */
int host_probe_aarch32_personality(void);

const char *host_aarch32_name(enum host_aarch32 a);

#endif
