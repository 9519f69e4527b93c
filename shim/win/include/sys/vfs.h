/* fstatfs(2) for the mingw-w64 build: there is no binfmt_misc file system
 * to recognise on Windows, so it always fails (ENOSYS). */
#ifndef EDGEGUARD_WIN_SYS_VFS_H
#define EDGEGUARD_WIN_SYS_VFS_H
struct statfs {
        long f_type;
};
int fstatfs(int fd, struct statfs *buf);
#endif
