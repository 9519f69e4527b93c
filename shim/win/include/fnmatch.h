/* fnmatch(3) for the mingw-w64 build: flags 0 only (what the policy uses). */
#ifndef EDGEGUARD_WIN_FNMATCH_H
#define EDGEGUARD_WIN_FNMATCH_H
#define FNM_NOMATCH 1
int fnmatch(const char *pattern, const char *string, int flags);
#endif
