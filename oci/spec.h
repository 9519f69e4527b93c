/* A typed view of the few config.json fields the policy reads, taken by a
 * strict yajl callback pass (no tree).  Everything else is skipped unread.
 *
 * Refused, with the JSON path and byte offset in the message: a document
 * over SPEC_SIZE_MAX or nested deeper than SPEC_DEPTH_MAX; a duplicate key
 * in any object; a key Go's encoding/json would fold onto a field read here
 * ("Process", "proceſſ"); a value of the wrong type on such a field; a NUL
 * in a string kept here; invalid UTF-8; a surrogate escape decoders read
 * differently; trailing data.  runc reads the same file with Go, which
 * takes the last duplicate and folds case: a document the two would read
 * differently could show the policy one program and runc another. */
#ifndef EDGEGUARD_SPEC_H
#define EDGEGUARD_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

/* Docker's specs are a few KiB, with a large seccomp profile ~40 KiB. */
#define SPEC_SIZE_MAX  (1u << 20)
#define SPEC_DEPTH_MAX 64

struct spec_strv {
        bool present; /* the field was there and not null */
        size_t len;
        char **items; /* len strings, then NULL */
};

enum spec_cap_set {
        SPEC_CAP_BOUNDING,
        SPEC_CAP_EFFECTIVE,
        SPEC_CAP_INHERITABLE,
        SPEC_CAP_PERMITTED,
        SPEC_CAP_AMBIENT,
        SPEC_CAP_SETS
};

struct spec_mount {
        char *destination, *source, *type;
        struct spec_strv options;
};

struct spec_int {
        bool present; /* the field was there and not null */
        long long value;
};

/* One linux.resources.devices entry: the device cgroup rule.  An absent
 * major or minor is the wildcard, as is type "a" or none. */
struct spec_device_rule {
        bool allow;
        char *type, *access;
        struct spec_int major, minor;
};

/* One linux.devices entry: a device node runc creates in the container. */
struct spec_device {
        char *path, *type;
};

/* An array of whole numbers (process.user.additionalGids). */
struct spec_ints {
        bool present;
        size_t len;
        long long *items;
};

/* One linux.namespaces entry. */
struct spec_namespace {
        char *type, *path;
};

/* One linux.seccomp.syscalls entry; only its presence matters here. */
struct spec_syscall {
        char *action;
};

/* The spec's hook lists (runtime-spec config.md "POSIX-platform Hooks"),
 * in the order runc runs them.  startContainer runs inside the container
 * (runc's init, after the user switch, just before the process's execve);
 * the others run on the host as runc's caller. */
enum spec_hook_kind {
        SPEC_HOOK_PRESTART,
        SPEC_HOOK_CREATE_RUNTIME,
        SPEC_HOOK_CREATE_CONTAINER,
        SPEC_HOOK_START_CONTAINER,
        SPEC_HOOK_POSTSTART,
        SPEC_HOOK_POSTSTOP,
        SPEC_HOOK_KINDS
};

/* One hook: runc runs `path` as it is (Go's exec.Cmd.Path: no $PATH
 * search; a relative path is taken from the working directory) with args
 * as its whole argv. */
struct spec_hook {
        char *path;
        struct spec_strv args, env;
        struct spec_int timeout;
};

struct spec_hook_list {
        size_t len;
        struct spec_hook *items;
};

struct spec_annotation {
        char *key, *value;
};

/* A string field is NULL when absent or null; an object's has_ flag is set
 * when it is present and not null (Go leaves a nil pointer for null). */
struct spec {
        bool has_root;
        char *root_path;
        bool root_readonly;

        bool has_process;
        struct spec_strv args, env;
        char *cwd;
        bool has_capabilities;
        struct spec_strv caps[SPEC_CAP_SETS];
        /* process.user: the credentials runc's init takes before it looks
         * the program up (runc's finalizeNamespace, then exec.LookPath) */
        bool has_user;
        struct spec_int user_uid, user_gid;
        struct spec_ints user_additional_gids;

        size_t n_annotations;
        struct spec_annotation *annotations;

        size_t n_mounts;
        struct spec_mount *mounts;

        bool has_linux;
        bool has_seccomp;
        char *seccomp_default_action;
        size_t n_seccomp_syscalls;
        struct spec_syscall *seccomp_syscalls;
        struct spec_strv seccomp_architectures;
        struct spec_strv masked_paths, readonly_paths;
        size_t n_device_rules;
        struct spec_device_rule *device_rules;
        size_t n_devices;
        struct spec_device *devices;
        size_t n_namespaces;
        struct spec_namespace *namespaces;

        bool has_hooks;
        struct spec_hook_list hooks[SPEC_HOOK_KINDS];

        bool has_windows;
        bool has_hyperv; /* windows.hyperv present: Hyper-V isolation */

        /* Every string above lives here: one allocation the size of the
         * document (a kept string is shorter than its JSON), not one each. */
        char *strings;
        size_t strings_used, strings_size;
};

/* Parses len bytes of JSON into out (zeroed first; spec_free it on both
 * success and failure). */
int spec_parse(const char *text, size_t len, struct spec *out, struct eg_error *err);

void spec_free(struct spec *s);

/* Reads `config.json` in the bundle directory bundle_fd: a regular file
 * (opened O_NONBLOCK: a FIFO there cannot hang us) of at most
 * SPEC_SIZE_MAX bytes, then spec_parse.  `st` receives the file's fstat,
 * for the ownership check. */
int spec_read_at(int bundle_fd, struct spec *out, struct stat *st, struct eg_error *err);

/* The value of an annotation, NULL when absent. */
const char *spec_annotation(const struct spec *s, const char *key);

/* The value process.env gives `name`, the last one winning as in runc's
 * init (os.Setenv in order); NULL when not set. */
const char *spec_env(const struct spec *s, const char *name);

const char *spec_cap_set_name(enum spec_cap_set set);

/* The key of a hook list in config.json: "prestart", "createRuntime", ... */
const char *spec_hook_kind_name(enum spec_hook_kind kind);

/* Whether runc installs a seccomp filter: linux.seccomp present, and a
 * defaultAction or at least one syscalls entry.  runc 1.1's
 * specconv.SetupSeccomp: "No default action specified, no syscalls
 * listed, assume seccomp disabled"; so "seccomp": {} is no filter. */
bool spec_seccomp_filtered(const struct spec *s);

#endif
