/* crun's command-line grammar (argp): the input is argv, NUL-separated. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../shim/crun_argv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        cleanup_free char *text = NULL;
        char *argv[FUZZ_ARGS_MAX + 2];
        int argc = fuzz_argv(data, size, "crun", argv, &text);
        struct runc_argv args;
        struct eg_error err = {0};

        if (argc < 0)
                return 0;

        if (crun_argv_parse(argc, argv, &args, &err) < 0 && err.msg[0] == '\0')
                abort(); /* a refusal always says why */
        if (args.container_id != NULL && args.verb == NULL)
                abort(); /* an id only after a command */
        return 0;
}
