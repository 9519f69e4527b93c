#include "report.h"

#include <stdio.h>
#include <unistd.h>

#include "runc_log.h"

int report_failure(const struct runc_argv *args, const char *msg)
{
        char line[EG_ERROR_MSG_MAX * 2 + 64];
        struct eg_error log_err = {0};
        int n;

        n = snprintf(line, sizeof line, "edgeguard: %s", msg);
        if (args->log_path != NULL && runc_log_append(args->log_path, runc_argv_log_is_json(args),
                                                      "error", line, &log_err) < 0)
                n = snprintf(line, sizeof line, "edgeguard: %s (and %s)", msg, log_err.msg);
        if (n > 0 && (size_t)n >= sizeof line - 1)
                n = (int)sizeof line - 2;
        /* One write, so that concurrent runtimes' lines do not interleave. */
        if (n > 0) {
                line[n] = '\n';
                (void)!write(2, line, (size_t)n + 1);
        }
        return 1;
}
