/* The #! line of a script as the kernel reads it (fs/binfmt_script.c,
 * Linux >= 5.1): only the first BINPRM_BUF_SIZE (256) bytes count, spaces
 * and tabs separate, the interpreter name ends at a space, tab or NUL, and
 * everything after it up to the end of the line is ONE optional argument.
 * A carriage return is not whitespace to the kernel: a script saved with
 * Windows line endings names "/bin/sh\r". */
#ifndef EDGEGUARD_SHEBANG_H
#define EDGEGUARD_SHEBANG_H

#include <stdbool.h>
#include <stddef.h>

#define SHEBANG_BUF_SIZE 256 /* BINPRM_BUF_SIZE */

struct shebang {
        char interp[SHEBANG_BUF_SIZE]; /* as the kernel opens it, CR included */
        char arg[SHEBANG_BUF_SIZE];    /* the optional argument, "" when none */
        bool has_arg;
        bool crlf; /* the line ends in "\r\n": the last word carries the CR */
};

/* True when head starts with "#!". */
bool shebang_is(const unsigned char *head, size_t len);

/* Parses the first min(len, SHEBANG_BUF_SIZE) bytes of a file starting
 * with "#!".  Returns 0, or -1 when the kernel refuses the line with
 * ENOEXEC (no interpreter name, or a name cut by the 256-byte limit). */
int shebang_parse(const unsigned char *head, size_t len, struct shebang *out);

#endif
