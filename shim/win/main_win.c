/* edgeguard-authz.exe: the engine plugin on a Windows host, where there is
 * no runc and only the plugin can refuse a Hyper-V container.
 *   edgeguard-authz.exe [--listen 127.0.0.1:PORT] [--policy FILE]
 *                       [--docker-host npipe:////./pipe/NAME]
 *   edgeguard-authz.exe check ...          (as on Linux)
 * Started by the service control manager it runs as the service
 * "edgeguard-authz" (StartServiceCtrlDispatcher); otherwise in the console
 * until Ctrl-C.  The Linux main is shim/authz/main.c. */
#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../oci/cleanup.h"
#include "../../oci/host.h"
#include "../authz/authz_check.h"
#include "../authz/docker_api.h"
#include "../authz/server.h"
#include "../options.h"
#include "../version.h"
#include "listen_tcp.h"

#define SERVICE_NAME        "edgeguard-authz"
#define DEFAULT_LISTEN      "127.0.0.1:" EDGEGUARD_WIN_PORT
#define EDGEGUARD_WIN_PORT  "9477"
#define DEFAULT_DOCKER_HOST "npipe:////./pipe/docker_engine"

static const char usage[] =
        "usage: edgeguard-authz.exe [--listen 127.0.0.1:PORT] [--policy FILE]\n"
        "                           [--docker-host npipe:////./pipe/NAME]\n"
        "       edgeguard-authz.exe check [--json] [--policy FILE] --host windows/amd64 ...\n"
        "Docker's authorization plugin for edgeguard's policy, on Windows (default\n" DEFAULT_LISTEN
        "; policy %ProgramData%\\edgeguard\\policy.json, decision log\n"
        "%ProgramData%\\edgeguard\\decisions.jsonl).  Register it with\n"
        "%ProgramData%\\docker\\plugins\\edgeguard.spec holding tcp://" DEFAULT_LISTEN "\n"
        "and daemon.json \"authorization-plugins\": [\"edgeguard\"].\n";

static struct {
        const char *listen;
        char policy[MAX_PATH], log[MAX_PATH], pipe[MAX_PATH];
        bool policy_named;
        HANDLE stop;
        SERVICE_STATUS_HANDLE status;
        int exit_code;
} opt = {.listen = DEFAULT_LISTEN};

static void program_data(char *out, size_t size, const char *file)
{
        const char *pd = getenv("ProgramData");
        snprintf(out, size, "%s\\edgeguard\\%s", pd && pd[0] ? pd : "C:\\ProgramData", file);
}

/* npipe:////./pipe/NAME (Go's URL form, as dockerd's -H takes it) into
 * \\.\pipe\NAME. */
static bool pipe_name(const char *url, char *out, size_t size)
{
        static const char prefix[] = "npipe:////./pipe/";
        const char *name = url + sizeof(prefix) - 1;

        if (strncmp(url, prefix, sizeof(prefix) - 1) != 0 || name[0] == '\0' ||
            strpbrk(name, "/\\") != NULL)
                return false;
        snprintf(out, size, "\\\\.\\pipe\\%s", name);
        return true;
}

static void report_status(DWORD state, DWORD exit_code)
{
        SERVICE_STATUS st = {.dwServiceType = SERVICE_WIN32_OWN_PROCESS,
                             .dwCurrentState = state,
                             .dwWin32ExitCode = exit_code,
                             .dwWaitHint = 10000};

        if (opt.status == NULL)
                return;
        if (state == SERVICE_RUNNING)
                st.dwControlsAccepted = SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN;
        SetServiceStatus(opt.status, &st);
}

static BOOL WINAPI on_console(DWORD type)
{
        (void)type;
        SetEvent(opt.stop);
        return TRUE;
}

static DWORD WINAPI on_control(DWORD control, DWORD type, LPVOID data, LPVOID context)
{
        (void)type, (void)data, (void)context;
        if (control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN) {
                report_status(SERVICE_STOP_PENDING, NO_ERROR);
                SetEvent(opt.stop);
        }
        return NO_ERROR;
}

/* "windows(MAJOR.MINOR.BUILD)/amd64": the build decides which images run
 * process-isolated (rule windows_build).  RtlGetVersion, as GetVersionEx
 * lies to programs without a compatibility manifest. */
static void host_platform(char *out, size_t size)
{
        typedef LONG(WINAPI * rtl_get_version)(OSVERSIONINFOW *);
        OSVERSIONINFOW v = {.dwOSVersionInfoSize = sizeof(v)};
        HMODULE ntdll = GetModuleHandleA("ntdll.dll");
        FARPROC p = ntdll ? GetProcAddress(ntdll, "RtlGetVersion") : NULL;
        rtl_get_version get;

        snprintf(out, size, "windows/amd64");
        if (p == NULL)
                return;
        memcpy(&get, &p, sizeof(get));
        if (get(&v) == 0)
                snprintf(out, size, "windows(%lu.%lu.%lu)/amd64", v.dwMajorVersion,
                         v.dwMinorVersion, v.dwBuildNumber);
}

static int serve(void)
{
        cleanup_free struct host_facts *host = malloc(sizeof(*host));
        struct judge_config cfg = {.policy_path = opt.policy,
                                   .policy_named = opt.policy_named,
                                   .docker_socket = opt.pipe,
                                   .decision_log_default = opt.log,
                                   .timeout_ms = DOCKER_API_TIMEOUT_MS,
                                   .write_log = true};
        struct eg_error err = {0}, host_err = {0};
        struct sockaddr_in addr;
        char platform[64];
        struct server *s;
        WSADATA wsa;
        int fd;

        if (host == NULL)
                return fprintf(stderr, "edgeguard-authz: out of memory\n"), 1;
        /* the .exe is x86-64: Windows on Arm runs it emulated, and says so */
        host_platform(platform, sizeof(platform));
        if (host_simulate(platform, host, &host_err) == 0)
                cfg.host = host;
        else
                cfg.host_error = host_err.msg; /* every create is refused, and says why */
        if (listen_tcp_parse(opt.listen, &addr, &err) < 0)
                return fprintf(stderr, "edgeguard-authz: %s\n", err.msg), 2;
        if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
                return fprintf(stderr, "edgeguard-authz: WSAStartup failed\n"), 1;
        if ((fd = listen_tcp(&addr, opt.listen, &err)) < 0) {
                fprintf(stderr, "edgeguard-authz: %s\n", err.msg);
                return 1;
        }
        if ((s = server_start(fd, &cfg, &err)) == NULL) {
                fprintf(stderr, "edgeguard-authz: %s\n", err.msg);
                closesocket((SOCKET)fd);
                return 1;
        }
        fprintf(stderr,
                "edgeguard-authz %s: serving on %s (host %s, policy %s, decision log %s, "
                "dockerd at %s)\n",
                EDGEGUARD_VERSION, opt.listen, platform, opt.policy, opt.log, opt.pipe);
        fflush(stderr);
        report_status(SERVICE_RUNNING, NO_ERROR);
        WaitForSingleObject(opt.stop, INFINITE);
        server_stop(s);
        closesocket((SOCKET)fd);
        WSACleanup();
        return 0;
}

static void WINAPI service_main(DWORD argc, LPSTR *argv)
{
        (void)argc, (void)argv;
        opt.status = RegisterServiceCtrlHandlerExA(SERVICE_NAME, on_control, NULL);
        if (opt.status == NULL)
                return;
        report_status(SERVICE_START_PENDING, NO_ERROR);
        opt.exit_code = serve();
        /* a non-zero exit makes the SCM's failure actions (sc.exe failure) restart it */
        report_status(SERVICE_STOPPED, opt.exit_code ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR);
}

int main(int argc, char *argv[])
{
        const char *policy = NULL, *docker_host = DEFAULT_DOCKER_HOST;
        SERVICE_TABLE_ENTRYA table[] = {{(LPSTR)SERVICE_NAME, service_main}, {NULL, NULL}};

        if (argc >= 2 && strcmp(argv[1], "check") == 0)
                return authz_check_main(argc - 1, argv + 1);
        for (int i = 1; i < argc; i++) {
                bool missing = false;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        fputs(usage, stdout);
                        return 0;
                }
                if (strcmp(argv[i], "--version") == 0) {
                        printf("edgeguard-authz %s\n", EDGEGUARD_VERSION);
                        return 0;
                }
                if (option(argv, &i, argc, "--listen", &opt.listen, &missing) ||
                    option(argv, &i, argc, "--policy", &policy, &missing) ||
                    option(argv, &i, argc, "--docker-host", &docker_host, &missing)) {
                        if (missing)
                                return fprintf(stderr, "edgeguard-authz: %s needs a value\n%s",
                                               argv[i], usage),
                                       2;
                        continue;
                }
                return fprintf(stderr, "edgeguard-authz: unknown argument \"%s\"\n%s", argv[i],
                               usage),
                       2;
        }
        if (!pipe_name(docker_host, opt.pipe, sizeof(opt.pipe)))
                return fprintf(stderr,
                               "edgeguard-authz: --docker-host \"%s\" is not "
                               "npipe:////./pipe/NAME\n",
                               docker_host),
                       2;
        opt.policy_named = policy != NULL;
        if (policy)
                snprintf(opt.policy, sizeof(opt.policy), "%s", policy);
        else
                program_data(opt.policy, sizeof(opt.policy), "policy.json");
        program_data(opt.log, sizeof(opt.log), "decisions.jsonl");
        if ((opt.stop = CreateEventA(NULL, TRUE, FALSE, NULL)) == NULL)
                return fprintf(stderr, "edgeguard-authz: CreateEvent failed\n"), 1;
        /* the SCM's process: it returns once the service stopped */
        if (StartServiceCtrlDispatcherA(table))
                return opt.exit_code;
        if (GetLastError() != ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
                return fprintf(stderr, "edgeguard-authz: StartServiceCtrlDispatcher: error %lu\n",
                               GetLastError()),
                       1;
        SetConsoleCtrlHandler(on_console, TRUE);
        return serve();
}
#endif
