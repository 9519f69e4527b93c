/* libFuzzer entry points and the little each target shares.  Every target
 * is built with ASan+UBSan (make fuzz); a crash, a leak, a sanitizer report
 * or a run over libFuzzer's -timeout is a failure. */
#ifndef EDGEGUARD_FUZZ_H
#define EDGEGUARD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A private directory for targets that need files (made once, removed at
 * exit); aborts when it cannot be made. */
const char *fuzz_scratch_dir(void);

/* The file open on fd becomes data[0..size): targets keep one fd open. */
void fuzz_write_file(int fd, const uint8_t *data, size_t size);

#define FUZZ_ARGS_MAX 64

/* A command line from data: argv[0] is argv0, then data's NUL-separated
 * strings, at most FUZZ_ARGS_MAX; argv has room for FUZZ_ARGS_MAX + 2
 * and ends with NULL.  The strings live in *text (the caller frees it).
 * Returns argc, or -1 when out of memory. */
int fuzz_argv(const uint8_t *data, size_t size, const char *argv0, char **argv, char **text);

#endif
