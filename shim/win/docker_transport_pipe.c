/* The plugin's calls into dockerd on Windows: the named pipe dockerd
 * serves its API on (\\.\pipe\docker_engine by default), opened for
 * overlapped I/O so that every step waits at most until one deadline: a
 * daemon that accepts and never answers must not hold a create for ever.
 * The Linux version is shim/authz/docker_transport_unix.c. */
#ifdef _WIN32
#include <errno.h>
#include <stdbool.h>
#include <windows.h>

#include "../authz/docker_transport.h"

static int left_ms(ULONGLONG deadline)
{
        ULONGLONG now = GetTickCount64();
        return now >= deadline ? 0 : (int)(deadline - now);
}

/* One overlapped ReadFile or WriteFile, waited for until the deadline
 * (then cancelled).  Returns the bytes moved, 0 at the pipe's end, -1. */
static long pipe_io(HANDLE h, bool write, void *buf, DWORD len, ULONGLONG deadline,
                    struct eg_error *err)
{
        OVERLAPPED ov = {0};
        DWORD done = 0;
        BOOL ok;
        DWORD e;

        if ((ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL)) == NULL)
                return eg_error_set(err, EIO, "CreateEvent: Windows error %lu", GetLastError());
        ok = write ? WriteFile(h, buf, len, NULL, &ov) : ReadFile(h, buf, len, NULL, &ov);
        e = ok ? ERROR_SUCCESS : GetLastError();
        if (!ok && e == ERROR_IO_PENDING &&
            WaitForSingleObject(ov.hEvent, (DWORD)left_ms(deadline)) != WAIT_OBJECT_0) {
                CancelIo(h);
                GetOverlappedResult(h, &ov, &done, TRUE);
                CloseHandle(ov.hEvent);
                return eg_error_set(err, ETIMEDOUT, "no answer from dockerd in time");
        }
        ok = (ok || e == ERROR_IO_PENDING) && GetOverlappedResult(h, &ov, &done, FALSE);
        e = ok ? ERROR_SUCCESS : GetLastError();
        CloseHandle(ov.hEvent);
        if (!ok && (e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED) && !write)
                return 0;
        if (!ok)
                return eg_error_set(err, EIO, "%s dockerd's pipe: Windows error %lu",
                                    write ? "writing to" : "reading from", e);
        return (long)done;
}

static HANDLE open_pipe(const char *name, ULONGLONG deadline, struct eg_error *err)
{
        for (;;) {
                HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                       FILE_FLAG_OVERLAPPED | SECURITY_SQOS_PRESENT |
                                               SECURITY_IDENTIFICATION,
                                       NULL);
                DWORD e;
                if (h != INVALID_HANDLE_VALUE)
                        return h;
                e = GetLastError();
                /* every instance busy: wait for one, within the deadline */
                if (e != ERROR_PIPE_BUSY || left_ms(deadline) == 0 ||
                    !WaitNamedPipeA(name, (DWORD)left_ms(deadline))) {
                        eg_error_set(err, e == ERROR_PIPE_BUSY ? ETIMEDOUT : ENOENT,
                                     "connecting to %s: Windows error %lu", name, e);
                        return INVALID_HANDLE_VALUE;
                }
        }
}

int docker_transport_get(const char *address, const char *request, size_t len, int timeout_ms,
                         char *buf, size_t cap, size_t *used, struct eg_error *err)
{
        ULONGLONG deadline = GetTickCount64() + (ULONGLONG)(timeout_ms > 0 ? timeout_ms : 0);
        HANDLE h = open_pipe(address, deadline, err);
        int ret = 0;

        *used = 0;
        if (h == INVALID_HANDLE_VALUE)
                return -1;
        for (size_t sent = 0; sent < len && ret == 0;) {
                long n = pipe_io(h, true, (char *)request + sent, (DWORD)(len - sent), deadline,
                                 err);
                if (n <= 0)
                        ret = n < 0 ? -1 : eg_error_set(err, EIO, "dockerd closed the pipe");
                else
                        sent += (size_t)n;
        }
        while (ret == 0 && *used < cap) {
                size_t want = cap - *used;
                long n = pipe_io(h, false, buf + *used, want > 65536 ? 65536 : (DWORD)want,
                                 deadline, err);
                if (n < 0)
                        ret = -1;
                else if (n == 0)
                        break;
                else
                        *used += (size_t)n;
        }
        CloseHandle(h);
        return ret;
}
#endif
