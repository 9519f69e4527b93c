#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char scratch[64];

static void remove_scratch(void)
{
        char cmd[96];

        /* the tree is the target's own, with fixed names under a mkdtemp dir */
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
        if (system(cmd) != 0)
                fprintf(stderr, "fuzz: could not remove %s\n", scratch);
}

const char *fuzz_scratch_dir(void)
{
        if (scratch[0] == '\0') {
                const char *tmp = getenv("TMPDIR");
                snprintf(scratch, sizeof(scratch), "%.40s/edgeguard-fuzz.XXXXXX",
                         tmp && tmp[0] ? tmp : "/tmp");
                if (mkdtemp(scratch) == NULL) {
                        perror("fuzz: mkdtemp");
                        abort();
                }
                atexit(remove_scratch);
        }
        return scratch;
}

void fuzz_write_file(int fd, const uint8_t *data, size_t size)
{
        if (ftruncate(fd, 0) < 0 || (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size)) {
                perror("fuzz: writing the input file");
                abort();
        }
}

int fuzz_argv(const uint8_t *data, size_t size, const char *argv0, char **argv, char **text)
{
        int argc = 0;

        if ((*text = malloc(size + 1)) == NULL)
                return -1;
        memcpy(*text, data, size);
        (*text)[size] = '\0';
        argv[argc++] = (char *)argv0;
        for (char *p = *text; p < *text + size && argc <= FUZZ_ARGS_MAX; p += strlen(p) + 1)
                argv[argc++] = p;
        argv[argc] = NULL;
        return argc;
}
