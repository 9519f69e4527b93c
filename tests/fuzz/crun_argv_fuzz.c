/* crun's command-line grammar (argp): the input is argv, NUL-separated. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../shim/crun_argv.h"
#include "fuzz.h"

#define ARGS_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        cleanup_free char *text = malloc(size + 1);
        char *argv[ARGS_MAX + 2];
        int argc = 0;
        struct runc_argv args;
        struct eg_error err = {0};

        if (text == NULL)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        argv[argc++] = (char *)"crun";
        for (char *p = text; p < text + size && argc <= ARGS_MAX; p += strlen(p) + 1)
                argv[argc++] = p;
        argv[argc] = NULL;

        if (crun_argv_parse(argc, argv, &args, &err) < 0 && err.msg[0] == '\0')
                abort(); /* a refusal always says why */
        if (args.container_id != NULL && args.verb == NULL)
                abort(); /* an id only after a command */
        return 0;
}
