/* Stands for dockerd's API on its Windows named pipe, for the plugin's
 * wine test (tests/windows_plugin_test.sh): there is no Windows dockerd to
 * run on Debian.  It answers the two GETs the plugin makes with the fields
 * dockerd 20.10 on Windows fills:
 *   GET /info               {"Isolation": ISOLATION, "DefaultRuntime": ""}
 *   GET /images/{ref}/json  {"Os": "windows", "Architecture": "amd64",
 *                            "OsVersion": OSVERSION}
 * and 404 otherwise, one HTTP/1.0 connection at a time, until killed.
 *   fake_engine.exe PIPE-NAME ISOLATION OSVERSION READY-FILE
 * READY-FILE is created once the pipe exists; OSVERSION "host" is this
 * system's own 10.0.BUILD.0 (RtlGetVersion). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <windows.h>

static void serve_one(HANDLE h, const char *isolation, const char *os_version)
{
        char req[8192], body[512], reply[1024];
        DWORD got = 0, n, used = 0;
        int status = 200;

        while (used < sizeof(req) - 1 &&
               ReadFile(h, req + used, sizeof(req) - 1 - used, &n, NULL) && n > 0) {
                used += n;
                req[used] = '\0';
                if (strstr(req, "\r\n\r\n"))
                        break;
        }
        req[used] = '\0';
        if (strncmp(req, "GET /info ", 10) == 0)
                snprintf(body, sizeof(body), "{\"Isolation\":\"%s\",\"DefaultRuntime\":\"\"}",
                         isolation);
        else if (strncmp(req, "GET /images/", 12) == 0)
                snprintf(body, sizeof(body),
                         "{\"Os\":\"windows\",\"Architecture\":\"amd64\",\"OsVersion\":\"%s\"}",
                         os_version);
        else
                status = 404, snprintf(body, sizeof(body), "{\"message\":\"not found\"}");
        n = (DWORD)snprintf(reply, sizeof(reply),
                            "HTTP/1.0 %d X\r\nContent-Type: application/json\r\n"
                            "Content-Length: %u\r\n\r\n%s",
                            status, (unsigned)strlen(body), body);
        WriteFile(h, reply, n, &got, NULL);
        FlushFileBuffers(h);
}

static const char *own_version(void)
{
        static char text[64];
        typedef LONG(WINAPI * rtl_get_version)(OSVERSIONINFOW *);
        OSVERSIONINFOW v = {.dwOSVersionInfoSize = sizeof(v)};
        FARPROC p = GetProcAddress(GetModuleHandleA("ntdll.dll"), "RtlGetVersion");
        rtl_get_version get;

        memcpy(&get, &p, sizeof(get));
        if (p == NULL || get(&v) != 0)
                return "";
        snprintf(text, sizeof(text), "%lu.%lu.%lu.0", v.dwMajorVersion, v.dwMinorVersion,
                 v.dwBuildNumber);
        return text;
}

int main(int argc, char *argv[])
{
        bool ready = false;
        const char *os_version;

        if (argc != 5) {
                fprintf(stderr, "usage: fake_engine.exe PIPE ISOLATION OSVERSION READY-FILE\n");
                return 2;
        }
        os_version = strcmp(argv[3], "host") == 0 ? own_version() : argv[3];
        for (;;) {
                HANDLE h = CreateNamedPipeA(argv[1], PIPE_ACCESS_DUPLEX,
                                            PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT,
                                            PIPE_UNLIMITED_INSTANCES, 65536, 65536, 0, NULL);
                if (h == INVALID_HANDLE_VALUE) {
                        fprintf(stderr, "fake_engine: CreateNamedPipe: %lu\n", GetLastError());
                        return 1;
                }
                if (!ready) {
                        FILE *f = fopen(argv[4], "w");
                        if (f)
                                fclose(f);
                        ready = true;
                }
                if (ConnectNamedPipe(h, NULL) || GetLastError() == ERROR_PIPE_CONNECTED)
                        serve_one(h, argv[2], os_version);
                DisconnectNamedPipe(h);
                CloseHandle(h);
        }
}
