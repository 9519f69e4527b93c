/* Whether a busybox acting as `sh -c` runs a command's name as its own
 * applet instead of searching PATH.  busybox's ash does so when built with
 * FEATURE_SH_STANDALONE (find_command: an applet name wins over PATH);
 * Debian's busybox-static is (run on Debian 12, 1:1.35.0-4+deb12u1:
 * `PATH=/dir sh -c ls` runs the applet although /dir/ls exists), Debian's
 * dynamic busybox is not (it runs /dir/ls), and busybox's defconfig (the
 * official busybox image, Alpine) is not.  The build's configuration is not
 * in the binary, so only the build verified here is recognised: a static
 * binary whose banner says "BusyBox v... (Debian ...)".  Anything else is
 * taken to search PATH (its PATH file is judged: a false refusal at worst). */
#ifndef EDGEGUARD_BUSYBOX_H
#define EDGEGUARD_BUSYBOX_H

#include <stdbool.h>
#include <stddef.h>

#define BUSYBOX_SIZE_MAX (8u << 20) /* Debian's busybox-static is 2 MB */

/* data: len bytes of an executable with no PT_INTERP (static).  True when
 * it is Debian's busybox-static and `name` (no '/') is one of its applets,
 * from the applet name table busybox keeps ("[\0[[\0acpid\0...\0\0"). */
bool busybox_sh_runs_applet(const unsigned char *data, size_t len, const char *name);

#endif
