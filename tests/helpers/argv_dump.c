/* argv_dump ARGS...: prints what edgeguard's grammar makes of a runc command
 * line, for the differential test against the real runc:
 *   "ok VERB BUNDLE-OR-- ID", "help VERB" or "error MESSAGE". */
#include <stdio.h>

#include "../../shim/argv.h"

int main(int argc, char *argv[])
{
        struct eg_error err = {0};
        struct runc_argv a;

        if (runc_argv_parse(argc, argv, &a, &err) < 0) {
                printf("error %s\n", err.msg);
                return 0;
        }
        if (a.verb_help) {
                printf("help %s\n", a.verb);
                return 0;
        }
        printf("ok %s %s %s\n", a.verb ? a.verb : "-", a.bundle && a.bundle[0] ? a.bundle : "-",
               a.container_id ? a.container_id : "-");
        return 0;
}
