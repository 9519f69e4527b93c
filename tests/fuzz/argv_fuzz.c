/* runc's command-line grammar: the input is argv, NUL-separated. */
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../shim/argv.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        cleanup_free char *text = NULL;
        char *argv[FUZZ_ARGS_MAX + 2];
        int argc = fuzz_argv(data, size, "runc", argv, &text);
        struct runc_argv args;
        struct eg_error err;
        char abs[4096];

        if (argc < 0)
                return 0;

        if (runc_argv_parse(argc, argv, &args, &err) < 0 && err.msg[0] == '\0')
                abort(); /* a refusal always says why */
        (void)runc_argv_mentions_creating_verb(argc, argv);
        (void)runc_argv_bundle_abs(&args, "/run/containerd/x", abs, sizeof(abs), &err);
        (void)runc_argv_log_is_json(&args);
        return 0;
}
