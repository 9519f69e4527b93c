/* A binfmt_misc entry as /proc/sys/fs/binfmt_misc/NAME shows it, then the
 * parsed entry matched against the input's own first bytes. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/binfmt.h"
#include "../../oci/cleanup.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        cleanup_free char *text = malloc(size + 1);
        static struct binfmt_table t; /* 45 KB */
        unsigned char head[BINFMT_BUF_SIZE] = {0};
        struct eg_error err;

        if (text == NULL)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        binfmt_table_reset(&t);
        t.mounted = t.enabled = true;
        if (binfmt_parse_entry("qemu-fuzz", text, &t.entries[0], &err) < 0) {
                if (err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
                return 0;
        }
        t.n = 1;
        memcpy(head, data, size < sizeof(head) ? size : sizeof(head));
        (void)binfmt_match(&t, head, "/bin/x.fuzz");
        return 0;
}
