/* What the device cgroup lets a container open, computed from the spec's
 * linux.resources.devices the way runc 1.1 computes it: the spec's rules
 * in order, then runc's own defaults appended (specconv.AllowedDevices:
 * "c *:* m", "b *:* m", /dev/null, zero, full, random, urandom, tty,
 * ptmx, pts, net/tun), all fed through runc's devices emulator
 * (libcontainer/cgroups/devices/devices_emulator.go), which both the
 * cgroup v1 writer and the cgroup v2 eBPF filter (devicefilter.go) are
 * built from.  Its rules, restated:
 * - a rule of type "a" (or no type) resets everything, whatever its
 *   major, minor and access: allow means every device (allow-list off),
 *   deny means none; so "a rw" alone allows every device with every
 *   access;
 * - in deny-by-default mode an allow rule adds its access to the entry of
 *   the same type:major:minor (so "c *:* rw" then "c *:* m" is
 *   "c *:* rwm"), a deny rule removes it; in allow-by-default mode the
 *   other way round;
 * - removing access that a wider wildcard entry still grants is an error
 *   ("cannot punch hole in existing wildcard rule"), and runc fails;
 * - an empty access, or a type other than a, b, c, makes runc fail
 *   before any of this (specconv.CreateCgroupConfig). */
#ifndef EDGEGUARD_DEVICE_CGROUP_H
#define EDGEGUARD_DEVICE_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "spec.h"

enum {
        DEVICE_READ = 1,
        DEVICE_WRITE = 2,
        DEVICE_MKNOD = 4,
};

struct device_cgroup {
        bool runc_fails;   /* runc refuses the rules; problem says why */
        char problem[200]; /* names the rule: linux.resources.devices[N] */
        bool every_device; /* allow-by-default: every device not denied */
        /* the access every character / block device gets: the entry for
         * "c *:*" / "b *:*" (DEVICE_ bits); in allow-by-default mode the
         * bits not denied for "*:*" */
        unsigned every_char, every_block;
        /* the spec rule that last reset the filter (type a), or touched
         * "c *:*" / "b *:*"; (size_t)-1 when none */
        size_t reset_by, char_by, block_by;
};

/* Fills out from s's device rules.  Cannot fail: what runc would refuse
 * is reported in out->runc_fails. */
void device_cgroup_of(const struct spec *s, struct device_cgroup *out);

/* "rwm", "rw", "m", "" for a set of DEVICE_ bits; out holds 4 bytes. */
void device_access_text(unsigned bits, char out[4]);

#endif
