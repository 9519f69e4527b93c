#include "ia32_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/path_trust.h"
#include "../oci/small_file.h"

#define IA32_CACHE_DEFAULT "/run/edgeguard/ia32"
#define PROBE_EXIT         42 /* what the probe exits with: not a loader's or shell's */

/* ELF32 header (52 bytes), one PT_LOAD of the whole file at 0x08048000,
 * then the code at 0x08048054: xor ebx,ebx; mov bl,42; xor eax,eax;
 * inc eax (__NR_exit); int 0x80. */
static const unsigned char probe_elf[] = {
        /* e_ident: ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV, and
         * padding that the kernel's ELF loader ignores but qemu's binfmt_misc
         * magic requires to be zero: run by an emulator it would say yes */
        0x7f,
        'E',
        'L',
        'F',
        1,
        1,
        1,
        0,
        0,
        'E',
        'G',
        'P',
        'R',
        'O',
        'B',
        'E',
        2,
        0,
        3,
        0, /* e_type ET_EXEC, e_machine EM_386 */
        1,
        0,
        0,
        0, /* e_version */
        0x54,
        0x80,
        0x04,
        0x08, /* e_entry */
        52,
        0,
        0,
        0, /* e_phoff */
        0,
        0,
        0,
        0, /* e_shoff */
        0,
        0,
        0,
        0, /* e_flags */
        52,
        0,
        32,
        0, /* e_ehsize, e_phentsize */
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0, /* e_phnum, e_shentsize, e_shnum, e_shstrndx */
        /* program header */
        1,
        0,
        0,
        0, /* p_type PT_LOAD */
        0,
        0,
        0,
        0, /* p_offset */
        0x00,
        0x80,
        0x04,
        0x08, /* p_vaddr */
        0x00,
        0x80,
        0x04,
        0x08, /* p_paddr */
        93,
        0,
        0,
        0, /* p_filesz */
        93,
        0,
        0,
        0, /* p_memsz */
        5,
        0,
        0,
        0, /* p_flags R|X */
        0,
        0x10,
        0,
        0, /* p_align */
        /* code */
        0x31,
        0xdb,
        0xb3,
        PROBE_EXIT,
        0x31,
        0xc0,
        0x40,
        0xcd,
        0x80,
};
_Static_assert(sizeof(probe_elf) == 93, "p_filesz and p_memsz say 93");

const char *ia32_cache_path(void)
{
        const char *p = getenv("EDGEGUARD_IA32_CACHE");

        if (p && p[0] == '/')
                return p;
        return geteuid() == 0 ? IA32_CACHE_DEFAULT : NULL;
}

/* The child's side: never returns.  errno goes back through the pipe
 * (close-on-exec: EOF means the exec happened), which holds also where
 * vfork is a fork (valgrind) and memory is not shared. */
static void probe_child(int fd, int report, const sigset_t *mask)
{
        static char *const argv[] = {(char *)"edgeguard-ia32-probe", NULL};
        static char *const envp[] = {NULL};
        char self[64];
        int e;

        /* the container's descriptors (console socket, preserved fds,
         * stdio) must not reach the probe */
        syscall(SYS_close_range, 0U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
        sigprocmask(SIG_SETMASK, mask, NULL);
        syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
        if (errno == ENOSYS) { /* before Linux 3.19, or under valgrind */
                snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
                execve(self, argv, envp);
        }
        e = errno ? errno : EINVAL;
        if (write(report, &e, sizeof(e)) < 0)
                _exit(126);
        _exit(127);
}

int ia32_probe_exec(void)
{
        cleanup_close int fd = memfd_create("edgeguard-ia32-probe", MFD_CLOEXEC);
        cleanup_close int from_child = -1;
        int pipe_fds[2], status = 0, exec_errno = 0;
        sigset_t all, saved;
        ssize_t n;
        pid_t pid;

        if (fd < 0 || write(fd, probe_elf, sizeof(probe_elf)) != (ssize_t)sizeof(probe_elf) ||
            pipe2(pipe_fds, O_CLOEXEC) < 0)
                return -1;
        from_child = pipe_fds[0];
        /* blocked until the exec: no handler of ours runs in the child,
         * which shares our memory; exec resets every handler to default */
        sigfillset(&all);
        if (sigprocmask(SIG_SETMASK, &all, &saved) < 0) {
                close(pipe_fds[1]);
                return -1;
        }
        pid = vfork();
        if (pid == 0)
                probe_child(fd, pipe_fds[1], &saved);
        sigprocmask(SIG_SETMASK, &saved, NULL);
        close(pipe_fds[1]);
        if (pid < 0)
                return -1;
        while ((n = read(from_child, &exec_errno, sizeof(exec_errno))) < 0 && errno == EINTR)
                ;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        if (n == (ssize_t)sizeof(exec_errno))
                return exec_errno == ENOEXEC ? 0 : -1;
        return n == 0 && WIFEXITED(status) && WEXITSTATUS(status) == PROBE_EXIT ? 1 : -1;
}

static int boot_id(char *out, size_t size)
{
        ssize_t n = small_file_read(AT_FDCWD, "/proc/sys/kernel/random/boot_id", out, size);

        if (n <= 0)
                return -1;
        out[strcspn(out, "\n")] = '\0';
        return out[0] ? 0 : -1;
}

/* "yes BOOT_ID\n" or "no BOOT_ID\n", from a file only root can have written. */
static int cache_read(const char *path, const char *boot)
{
        char text[128], want[80], problem[256];

        if (!path_trusted(path, 0, true, problem, sizeof(problem)) ||
            small_file_read(AT_FDCWD, path, text, sizeof(text)) <= 0)
                return -1;
        snprintf(want, sizeof(want), "yes %s\n", boot);
        if (strcmp(text, want) == 0)
                return 1;
        snprintf(want, sizeof(want), "no %s\n", boot);
        return strcmp(text, want) == 0 ? 0 : -1;
}

/* Written beside, then renamed over: a reader sees the old file or the new. */
static void cache_write(const char *path, const char *boot, int answer)
{
        char tmp[PATH_MAX], text[128], dir[PATH_MAX], *slash;
        int n;

        if (geteuid() != 0 || snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
            (slash = strrchr(dir, '/')) == NULL)
                return;
        *slash = '\0';
        if (dir[0] && mkdir(dir, 0755) < 0 && errno != EEXIST)
                return;
        if (snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
                return;
        n = snprintf(text, sizeof(text), "%s %s\n", answer ? "yes" : "no", boot);
        cleanup_close int fd =
                open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        if (write(fd, text, (size_t)n) != n || rename(tmp, path) < 0)
                unlink(tmp);
}

int ia32_probe_cached(void)
{
        const char *path = ia32_cache_path();
        char boot[64];
        int answer;

        if (path == NULL || boot_id(boot, sizeof(boot)) < 0)
                return ia32_probe_exec();
        answer = cache_read(path, boot);
        if (answer >= 0)
                return answer;
        answer = ia32_probe_exec();
        if (answer >= 0)
                cache_write(path, boot, answer);
        return answer;
}
