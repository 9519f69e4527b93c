/* uname(2) for the mingw-w64 build: sysname "Windows", machine from
 * GetNativeSystemInfo (x86_64, aarch64 or i686). */
#ifndef EDGEGUARD_WIN_SYS_UTSNAME_H
#define EDGEGUARD_WIN_SYS_UTSNAME_H
struct utsname {
        char sysname[65], nodename[65], release[65], version[65], machine[65];
};
int uname(struct utsname *u);
#endif
