/* The host on Windows: no /proc, no binfmt_misc, no IA32 probe.  The plugin
 * states it (host_simulate of "windows/ARCH", ARCH from uname, which is
 * GetNativeSystemInfo here); `check` takes --host. */
#ifdef _WIN32
#include "../ia32_probe.h"

/* shim/ia32_probe.c's exec of an i386 ELF: nothing to run on Windows. */
int ia32_probe_cached(void)
{
        return -1;
}
#endif
