/* The decision log on Windows: "-" is stderr; a path is appended to, one
 * WriteFile per record on a handle opened with FILE_APPEND_DATA only (the
 * system moves every write to the end, as O_APPEND does), its directories
 * created first.  No syslog on Windows: "syslog" is refused with a reason.
 * The Linux version is shim/decision_log.c. */
#ifdef _WIN32
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

#include "../../oci/str.h"
#include "../decision_log.h"

/* mkdir -p of path's parents; both separators, a drive's root kept. */
static void make_parents(const char *path)
{
        char dir[MAX_PATH];

        if (!str_copy(dir, sizeof(dir), path))
                return;
        for (char *p = dir + 1; *p; p++) {
                if (*p != '/' && *p != '\\')
                        continue;
                if (p[-1] == ':') /* C:\ */
                        continue;
                char c = *p;
                *p = '\0';
                CreateDirectoryA(dir, NULL);
                *p = c;
        }
}

static HANDLE open_log(const char *target)
{
        return CreateFileA(target, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

int decision_log_write(const char *target, const char *line, size_t len, struct eg_error *err)
{
        HANDLE h;
        DWORD done = 0;
        BOOL ok;

        if (strcmp(target, "-") == 0)
                return fwrite(line, 1, len, stderr) == len && fflush(stderr) == 0
                               ? 0
                               : eg_error_set(err, EIO, "writing the decision to stderr");
        if (strcmp(target, "syslog") == 0)
                return eg_error_set(err, ENOTSUP, "decision log \"syslog\": none on Windows");
        if (len > MAXDWORD)
                return eg_error_set(err, EFBIG, "decision log %s: record too long", target);
        h = open_log(target);
        if (h == INVALID_HANDLE_VALUE && GetLastError() == ERROR_PATH_NOT_FOUND) {
                make_parents(target);
                h = open_log(target);
        }
        if (h == INVALID_HANDLE_VALUE)
                return eg_error_set(err, EIO, "opening the decision log %s: Windows error %lu",
                                    target, GetLastError());
        ok = WriteFile(h, line, (DWORD)len, &done, NULL);
        CloseHandle(h);
        if (!ok || done != len)
                return eg_error_set(err, EIO, "writing the decision log %s: %lu of %zu bytes",
                                    target, (unsigned long)done, len);
        return 0;
}
#endif
