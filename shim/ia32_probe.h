/* Whether this host's kernel runs 32-bit x86 programs, by running one.
 * An amd64 kernel may not: built without CONFIG_IA32_EMULATION, booted
 * with ia32_emulation=0 (Linux 6.7+), or a paravirtualised guest whose
 * hypervisor runs no 32-bit code (PVM) although the kernel's config and
 * /proc/sys/abi/vsyscall32 say yes.  Neither containerd's platforms
 * package nor runc asks: they take "amd64 runs 386" as given, and such a
 * container fails at exec with "exec format error". */
#ifndef EDGEGUARD_IA32_PROBE_H
#define EDGEGUARD_IA32_PROBE_H

/* Where the answer is kept for the boot: EDGEGUARD_IA32_CACHE, else for
 * root /run/edgeguard/ia32 (a tmpfs: gone at reboot; the boot id in it
 * tells a stale one anyway); NULL for other callers (probed every time). */
const char *ia32_cache_path(void);

/* Execs a 93-byte static i386 ELF (an int 0x80 exit(42)) from a memfd in a
 * vfork child (its e_ident padding is not zero, so that qemu-i386's
 * binfmt_misc entry, whose magic wants zeros there, does not run it and
 * turn "emulated" into "yes") that inherits no descriptor (close_range CLOEXEC), no
 * environment, and default signal handlers (exec resets them).  Returns 1
 * when it ran, 0 when execve said ENOEXEC (the kernel's ELF loader refuses
 * 32-bit x86), -1 when it could not tell. */
int ia32_probe_exec(void);

/* ia32_probe_exec's answer, from the cache when that is a regular file
 * owned by root, writable by no one else, on a trusted path, written in
 * this boot; otherwise probed and, for root, cached (written to a
 * temporary file and renamed over).  For host_sources.probe_ia32. */
int ia32_probe_cached(void);

#endif
