/* crun_argv_dump ARGS...: prints what edgeguard's crun grammar makes of a
 * crun command line, for the differential test against the real crun:
 *   "ok VERB BUNDLE-OR-- ID", "help VERB", "unknown VERB" or "error MESSAGE". */
#include <stdio.h>

#include "../../shim/crun_argv.h"

int main(int argc, char *argv[])
{
        struct eg_error err = {0};
        struct runc_argv a;

        if (crun_argv_parse(argc, argv, &a, &err) < 0) {
                printf("error %s\n", err.msg);
                return 0;
        }
        if (a.verb_help || a.verb == NULL) {
                printf("help %s\n", a.verb ? a.verb : "-");
                return 0;
        }
        if (!a.verb_known) {
                printf("unknown %s\n", a.verb);
                return 0;
        }
        printf("ok %s %s %s\n", a.verb, a.bundle ? a.bundle : "-",
               a.container_id ? a.container_id : "-");
        return 0;
}
