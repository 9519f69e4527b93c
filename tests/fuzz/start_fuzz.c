/* The files the start check reads: runc's state.json, /proc/<pid>/stat
 * and edgeguard's own record of what create judged.  The first byte picks
 * the reader, the rest is its input. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/runc_state.h"
#include "../../shim/start_record.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct eg_error err = {0};
        struct runc_init init;
        struct start_record r;
        unsigned long long start;
        cleanup_free char *text = NULL;

        if (size == 0 || (text = malloc(size)) == NULL)
                return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        switch (data[0] % 3) {
        case 0:
                if (runc_state_parse(text, size - 1, &init, &err) < 0 && err.msg[0] == '\0')
                        abort(); /* a refusal always says why */
                if (err.msg[0] == '\0' && init.pid <= 0)
                        abort();
                break;
        case 1:
                (void)proc_stat_starttime(text, &start);
                break;
        default:
                if (start_record_parse(text, size - 1, &r, &err) < 0 && err.msg[0] == '\0')
                        abort();
                start_record_free(&r);
                break;
        }
        return 0;
}
