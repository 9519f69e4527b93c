/* The one channel to the person who ran `docker run`: runc's --log file.
 * containerd's shim shows the msg of the last line whose level is "error";
 * a malformed line there breaks error reporting for the container, so the
 * line is built with yajl_gen and appended in one write. */
#ifndef EDGEGUARD_RUNC_LOG_H
#define EDGEGUARD_RUNC_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../oci/error.h"

/* One line, '\n'-terminated: JSON {"level":LEVEL,"msg":...,"time":...} or
 * logrus' text form; level is "error" for a refusal, "warning" for what
 * the caller should see without failing.  Invalid UTF-8 in msg becomes
 * U+FFFD.  Returns the length, or -1 when it does not fit. */
int runc_log_format(const char *level, bool json, const char *msg, struct timespec now, char *out,
                    size_t size, struct eg_error *err);

/* Appends that line to path.  Never blocks (a FIFO there is refused), never
 * truncates. */
int runc_log_append(const char *path, bool json, const char *level, const char *msg,
                    struct eg_error *err);

#endif
