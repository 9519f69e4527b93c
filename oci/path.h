#ifndef EDGEGUARD_PATH_H
#define EDGEGUARD_PATH_H

#include <stddef.h>

#include "error.h"

/* Go's filepath.Join(base, path) (or path alone when absolute) followed by
 * filepath.Clean: lexical only, no file system access.  Used to name the
 * bundle in messages and records; opening goes through the kernel instead. */
int path_join_clean(const char *base, const char *path, char *out, size_t size,
                    struct eg_error *err);

/* Go's filepath.Clean(path): lexical only.  Unlike path_join_clean it
 * keeps a relative path relative ("a/../../b" -> "../b", "" -> "."): what
 * exec.LookPath makes of filepath.Join(dir, file) for a relative $PATH
 * entry, and what runc makes of a relative root.path before the join. */
int path_clean(const char *in, char *out, size_t size, struct eg_error *err);

#endif
