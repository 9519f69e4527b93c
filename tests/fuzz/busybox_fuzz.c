/* busybox_sh_runs_applet over hostile binaries: the input is the applet
 * name up to its first NUL, then the file's bytes. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/busybox.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const uint8_t *nul = memchr(data, '\0', size < 64 ? size : 64);
        char name[64];
        size_t n;

        if (nul == NULL)
                return 0;
        n = (size_t)(nul - data);
        memcpy(name, data, n);
        name[n] = '\0';
        (void)busybox_sh_runs_applet(nul + 1, size - n - 1, name);
        (void)busybox_sh_runs_applet(nul + 1, size - n - 1, "ls");
        return 0;
}
