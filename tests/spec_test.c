/* The strict config.json reader: what it keeps, and every refusal with the
 * place it names.  Refusal cases live in tests/data/spec/refuse/: NAME.json
 * and, in NAME.expect, a substring the error message must contain. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../oci/cleanup.h"
#include "../oci/gofold.h"
#include "../oci/spec.h"
#include "harness.h"

#define REFUSE_DIR "tests/data/spec/refuse"

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        long n;

        if (f == NULL)
                return NULL;
        if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
                buf = malloc((size_t)n + 1);
                if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
                        buf[n] = '\0';
                        *len = (size_t)n;
                } else {
                        free(buf);
                        buf = NULL;
                }
        }
        fclose(f);
        return buf;
}

static int parse_str(const char *json, struct spec *s, struct eg_error *err)
{
        return spec_parse(json, strlen(json), s, err);
}

TEST(refusal_corpus)
{
        struct dirent **names;
        int n = scandir(REFUSE_DIR, &names, NULL, alphasort), cases = 0;

        CHECK(n > 0);
        for (int i = 0; i < n; i++) {
                char path[512], *dot = strrchr(names[i]->d_name, '.');
                if (dot == NULL || strcmp(dot, ".json") != 0) {
                        free(names[i]);
                        continue;
                }
                size_t len = 0, elen = 0;
                snprintf(path, sizeof(path), REFUSE_DIR "/%s", names[i]->d_name);
                cleanup_free char *json = slurp(path, &len);
                snprintf(path + strlen(path) - 5, 8, ".expect");
                cleanup_free char *expect = slurp(path, &elen);
                struct eg_error err = {0};
                struct spec s;

                CHECK(json != NULL && expect != NULL);
                if (json == NULL || expect == NULL) {
                        free(names[i]);
                        continue;
                }
                expect[strcspn(expect, "\n")] = '\0';
                int rc = spec_parse(json, len, &s, &err);
                if (rc != -1 || strstr(err.msg, expect) == NULL) {
                        printf("#   %s: rc %d, message \"%s\", expected \"%s\"\n", names[i]->d_name,
                               rc, err.msg, expect);
                        harness_case_failed = 1;
                }
                if (strstr(err.msg, "(byte ") == NULL) {
                        printf("#   %s: no byte offset in \"%s\"\n", names[i]->d_name, err.msg);
                        harness_case_failed = 1;
                }
                spec_free(&s);
                cases++;
                free(names[i]);
        }
        free(names);
        CHECK(cases >= 40);
}

static const char docker_like[] =
        "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"
        "\"args\":[\"/bin/sh\",\"-c\",\"echo \\u00e9\"],\"env\":[\"PATH=/usr/bin:/bin\","
        "\"HOSTNAME=x\",\"PATH=/opt/bin:/bin\"],\"cwd\":\"/srv\",\"capabilities\":"
        "{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"effective\":[\"CAP_CHOWN\"],"
        "\"permitted\":[]},\"terminal\":false,\"oomScoreAdj\":0},"
        "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"x\","
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        "{\"destination\":\"/opt\",\"type\":\"bind\",\"source\":\"/srv/opt\",\"options\":"
        "[\"rbind\",\"ro\"]}],"
        "\"annotations\":{\"org.opencontainers.image.os\":\"linux\","
        "\"org.opencontainers.image.architecture\":\"arm\",\"ORG.opencontainers.image.os\":\"x\"},"
        "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
        "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":[{\"names\":"
        "[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1e400}]}]},"
        "\"namespaces\":[{\"type\":\"pid\"}],\"Sysctl\":null},\"Hostname\":\"folded but unread\"}";

TEST(reads_the_fields_the_policy_uses)
{
        struct eg_error err = {0};
        struct spec s;

        CHECK(parse_str(docker_like, &s, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(s.has_process && s.has_root && s.has_linux && !s.has_windows && !s.has_hyperv);
        CHECK_STR(s.root_path, "rootfs");
        CHECK(s.root_readonly);
        CHECK(s.args.present && s.args.len == 3);
        CHECK_STR(s.args.items[2], "echo \xc3\xa9");
        CHECK(s.args.items[3] == NULL);
        CHECK_STR(s.cwd, "/srv");
        CHECK_STR(spec_env(&s, "PATH"), "/opt/bin:/bin"); /* the last one, as runc's init */
        CHECK_STR(spec_env(&s, "HOSTNAME"), "x");
        CHECK(spec_env(&s, "HOME") == NULL);
        CHECK(s.has_capabilities);
        CHECK(s.caps[SPEC_CAP_BOUNDING].len == 2);
        CHECK(s.caps[SPEC_CAP_PERMITTED].present && s.caps[SPEC_CAP_PERMITTED].len == 0);
        CHECK(!s.caps[SPEC_CAP_AMBIENT].present);
        CHECK_STR(spec_annotation(&s, "org.opencontainers.image.architecture"), "arm");
        CHECK_STR(spec_annotation(&s, "ORG.opencontainers.image.os"), "x"); /* a map: exact keys */
        CHECK(s.n_mounts == 2);
        CHECK_STR(s.mounts[1].destination, "/opt");
        CHECK_STR(s.mounts[1].options.items[0], "rbind");
        CHECK(s.has_seccomp);
        CHECK_STR(s.seccomp_default_action, "SCMP_ACT_ERRNO");
        CHECK(s.seccomp_architectures.len == 2);
        CHECK_STR(s.seccomp_architectures.items[1], "SCMP_ARCH_X86");
        spec_free(&s);
}

/* What the privileged rule reads, from specs dockerd 20.10 wrote. */
TEST(reads_masks_and_devices_of_docker_specs)
{
        struct eg_error err = {0};
        struct spec s;
        size_t len = 0;
        char *text = slurp("tests/data/spec/docker/privileged.json", &len);

        CHECK(text != NULL);
        CHECK(text && spec_parse(text, len, &s, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(!s.has_seccomp && s.masked_paths.len == 0 && s.readonly_paths.len == 0);
        CHECK(s.n_device_rules == 1 && s.device_rules[0].allow && s.device_rules[0].type == NULL);
        CHECK(!s.device_rules[0].major.present && !s.device_rules[0].minor.present);
        CHECK_STR(s.device_rules[0].access, "rwm");
        CHECK(s.n_devices == 102);
        CHECK(s.caps[SPEC_CAP_BOUNDING].len == 38);
        spec_free(&s);
        free(text);

        text = slurp("tests/data/spec/docker/device.json", &len);
        CHECK(text && spec_parse(text, len, &s, &err) == 0);
        CHECK(s.has_seccomp && s.masked_paths.len == 10 && s.readonly_paths.len == 5);
        CHECK_STR(s.masked_paths.items[2], "/proc/kcore");
        CHECK(s.n_device_rules == 9 && !s.device_rules[0].allow);
        CHECK(s.device_rules[8].allow && s.device_rules[8].major.present &&
              s.device_rules[8].major.value == 1 && s.device_rules[8].minor.value == 3);
        CHECK_STR(s.device_rules[8].type, "c");
        CHECK(s.n_devices == 1);
        CHECK_STR(s.devices[0].path, "/dev/xnull");
        CHECK_STR(s.devices[0].type, "c");
        spec_free(&s);
        free(text);

        /* null is absent; -1 is kept for the rule to read as a wildcard */
        CHECK(parse_str("{\"linux\":{\"maskedPaths\":null,\"resources\":{\"devices\":[{"
                        "\"allow\":true,\"major\":null,\"minor\":-1}]}}}",
                        &s, &err) == 0);
        CHECK(!s.masked_paths.present && s.n_device_rules == 1);
        CHECK(!s.device_rules[0].major.present && s.device_rules[0].minor.present &&
              s.device_rules[0].minor.value == -1);
        spec_free(&s);
}

TEST(null_means_absent_as_in_go)
{
        struct eg_error err = {0};
        struct spec s;

        CHECK(parse_str("{\"process\":null,\"root\":{\"path\":null,\"readonly\":null},"
                        "\"windows\":{\"hyperv\":null},\"linux\":null,\"mounts\":null,"
                        "\"annotations\":null}",
                        &s, &err) == 0);
        CHECK(!s.has_process && s.has_root && s.root_path == NULL && !s.root_readonly);
        CHECK(s.has_windows && !s.has_hyperv && !s.has_linux && s.n_mounts == 0);
        spec_free(&s);

        CHECK(parse_str("{\"windows\":{\"hyperv\":{\"utilityVMPath\":\"\"}},"
                        "\"process\":{\"args\":[]}}",
                        &s, &err) == 0);
        CHECK(s.has_windows && s.has_hyperv);
        CHECK(s.args.present && s.args.len == 0 && s.args.items == NULL);
        spec_free(&s);
}

TEST(escapes_decode_like_go)
{
        struct eg_error err = {0};
        struct spec s;

        /* an escaped exact key is the key; a surrogate pair is one character */
        CHECK(parse_str("{\"proc\\u0065ss\":{\"args\":[\"/bin/\\ud83d\\ude00\",\"a\\/b\"]}}", &s,
                        &err) == 0);
        CHECK(s.has_process && s.args.len == 2);
        CHECK_STR(s.args.items[0], "/bin/\xf0\x9f\x98\x80");
        CHECK_STR(s.args.items[1], "a/b");
        spec_free(&s);
}

TEST(go_key_folding)
{
        CHECK(gofold_equal("process", 7, "process"));
        CHECK(gofold_equal("PrOcEsS", 7, "process"));
        CHECK(gofold_equal("proce\xc5\xbf\xc5\xbf", 9, "process")); /* U+017F */
        CHECK(gofold_equal("\xe2\x84\xaa"
                           "ey",
                           5, "key")); /* U+212A */
        CHECK(gofold_equal("defaultaction", 13, "defaultAction"));
        CHECK(!gofold_equal("proces", 6, "process"));
        CHECK(!gofold_equal("processes", 9, "process"));
        CHECK(!gofold_equal("pr\xc3\xb6"
                            "cess",
                            8, "process")); /* ö is no o */
        CHECK(!gofold_equal("\xe2\x84\xaa"
                            "ey",
                            5, "sey")); /* Kelvin is k only */
        CHECK(!gofold_equal("proce\xc5\xbf", 7, "procek"));
        CHECK(!gofold_equal("pro\xff"
                            "ess",
                            7, "process")); /* invalid UTF-8 */
        CHECK(!gofold_equal("hyper-v", 7, "hyperv"));
}

TEST(depth_cap_and_deep_nesting)
{
        size_t depth = 400000;
        cleanup_free char *deep = malloc(2 * depth + 1);
        struct eg_error err = {0};
        struct spec s;
        struct timespec a, b;

        CHECK(deep != NULL);
        if (deep == NULL)
                return;
        /* {"a":[[[...]]]} */
        memset(deep, '[', depth);
        memset(deep + depth, ']', depth);
        memcpy(deep, "{\"a\":", 5);
        deep[2 * depth - 1] = '}';
        deep[2 * depth] = '\0';
        clock_gettime(CLOCK_MONOTONIC, &a);
        CHECK(spec_parse(deep, 2 * depth, &s, &err) == -1);
        clock_gettime(CLOCK_MONOTONIC, &b);
        CHECK(strstr(err.msg, "nested deeper than 64 levels") != NULL);
        spec_free(&s);
        /* fast because it stops at level 65, not because the machine is */
        CHECK(b.tv_sec - a.tv_sec < 5);

        /* 64 levels of objects are fine */
        char ok[64 * 6 + 64 + 1], *p = ok;
        for (int i = 0; i < 63; i++)
                p += sprintf(p, "{\"a\":");
        p += sprintf(p, "{}");
        for (int i = 0; i < 63; i++)
                *p++ = '}';
        *p = '\0';
        CHECK(parse_str(ok, &s, &err) == 0);
        spec_free(&s);
}

TEST(size_cap_in_memory)
{
        size_t len = SPEC_SIZE_MAX + 1u;
        cleanup_free char *big = malloc(len);
        struct eg_error err = {0};
        struct spec s;

        CHECK(big != NULL);
        if (big == NULL)
                return;
        memset(big, ' ', len);
        big[0] = '{';
        big[len - 1] = '}';
        CHECK(spec_parse(big, len, &s, &err) == -1);
        CHECK(strstr(err.msg, "over the 1048576-byte limit") != NULL);
        spec_free(&s);
        CHECK(spec_parse(big, len - 1, &s, &err) == -1); /* not closed: only a syntax error */
        CHECK(strstr(err.msg, "invalid JSON") != NULL);
        spec_free(&s);
}

TEST(many_keys_stay_linear)
{
        size_t n = 60000, o = 0; /* 1 MiB holds ~65000 keys like these */
        cleanup_free char *json = malloc(n * 16 + 16);
        struct eg_error err = {0};
        struct spec s;

        CHECK(json != NULL);
        if (json == NULL)
                return;
        o += (size_t)sprintf(json, "{\"annotations\":{");
        for (size_t i = 0; i < n; i++)
                o += (size_t)sprintf(json + o, "%s\"k%zu\":\"v\"", i ? "," : "", i);
        o += (size_t)sprintf(json + o, ",\"k%zu\":\"dup\"}}", n / 2);
        CHECK(spec_parse(json, o, &s, &err) == -1);
        CHECK(strstr(err.msg, "annotations.k30000: duplicate key") != NULL);
        spec_free(&s);
}

/* ---- reading the file from a bundle ---- */

static char bundle[160];

static int bundle_fd(void)
{
        return open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

static void put_config(const char *text)
{
        char path[256];
        FILE *f;

        snprintf(path, sizeof(path), "%s/config.json", bundle);
        unlink(path);
        f = fopen(path, "we");
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

TEST(read_from_bundle)
{
        cleanup_close int fd = bundle_fd();
        struct eg_error err = {0};
        struct stat st;
        struct spec s;

        put_config(docker_like);
        CHECK(spec_read_at(fd, &s, &st, &err) == 0);
        CHECK(S_ISREG(st.st_mode) && st.st_size == (off_t)strlen(docker_like));
        CHECK_STR(s.root_path, "rootfs");
        spec_free(&s);

        put_config("{\"process\":{\"args\":3}}");
        CHECK(spec_read_at(fd, &s, &st, &err) == -1);
        CHECK(strncmp(err.msg, "config.json: process.args: a number", 35) == 0);
        spec_free(&s);
}

TEST(read_refuses_what_is_not_a_small_regular_file)
{
        cleanup_close int fd = bundle_fd();
        struct eg_error err = {0};
        struct stat st;
        struct spec s;
        char path[256];

        snprintf(path, sizeof(path), "%s/config.json", bundle);
        unlink(path);
        CHECK(spec_read_at(fd, &s, &st, &err) == -1);
        CHECK(strstr(err.msg, "opening config.json: No such file or directory") != NULL);

        CHECK(mkfifo(path, 0644) == 0); /* nobody writes: a blocking open would hang */
        CHECK(spec_read_at(fd, &s, &st, &err) == -1);
        CHECK_STR(err.msg, "config.json is not a regular file");
        unlink(path);

        CHECK(mkdir(path, 0755) == 0);
        CHECK(spec_read_at(fd, &s, &st, &err) == -1);
        CHECK(strstr(err.msg, "config.json") != NULL);
        rmdir(path);

        /* 100 MiB (sparse): refused by size before a byte is read */
        int big = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        CHECK(big >= 0 && ftruncate(big, 100 << 20) == 0);
        close(big);
        CHECK(spec_read_at(fd, &s, &st, &err) == -1);
        CHECK_STR(err.msg, "config.json: 104857600 bytes, over the 1048576-byte limit");
        unlink(path);
}

TEST(read_follows_a_symlinked_config_like_runc)
{
        cleanup_close int fd = bundle_fd();
        struct eg_error err = {0};
        struct stat st;
        struct spec s;
        char path[256], real[256];

        snprintf(real, sizeof(real), "%s/real.json", bundle);
        FILE *f = fopen(real, "we");
        CHECK(f != NULL);
        if (f == NULL)
                return;
        fputs("{\"root\":{\"path\":\"/r\"}}", f);
        fclose(f);
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        unlink(path);
        CHECK(symlink("real.json", path) == 0);
        CHECK(spec_read_at(fd, &s, &st, &err) == 0);
        CHECK_STR(s.root_path, "/r");
        CHECK(S_ISREG(st.st_mode));
        spec_free(&s);
        unlink(path);
        unlink(real);
}

static void cleanup_bundle(void)
{
        char path[256];

        snprintf(path, sizeof(path), "%s/config.json", bundle);
        unlink(path);
        rmdir(bundle);
}

TEST(reads_hooks_and_seccomp_syscalls)
{
        struct eg_error err = {0};
        struct spec s;
        size_t len = 0;
        char *text = slurp("tests/data/spec/docker/default.json", &len);

        /* dockerd 20.10's own network hook */
        CHECK(text && spec_parse(text, len, &s, &err) == 0);
        CHECK(s.has_hooks && s.hooks[SPEC_HOOK_PRESTART].len == 1);
        CHECK_STR(s.hooks[SPEC_HOOK_PRESTART].items[0].path, "/proc/5471/exe");
        CHECK_STR(s.hooks[SPEC_HOOK_PRESTART].items[0].args.items[0], "libnetwork-setkey");
        CHECK(s.hooks[SPEC_HOOK_START_CONTAINER].len == 0);
        CHECK(spec_seccomp_filtered(&s) && s.n_seccomp_syscalls > 10);
        spec_free(&s);
        free(text);

        CHECK(parse_str("{\"hooks\":{\"startContainer\":[{\"path\":\"/bin/x\",\"args\":[\"x\","
                        "\"1\"],\"env\":[\"A=1\"],\"timeout\":5}],\"poststop\":null,"
                        "\"createRuntime\":[{\"path\":\"/a\"},{\"path\":\"/b\"}]},"
                        "\"linux\":{\"seccomp\":{}}}",
                        &s, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK(s.hooks[SPEC_HOOK_START_CONTAINER].len == 1);
        CHECK(s.hooks[SPEC_HOOK_START_CONTAINER].items[0].args.len == 2);
        CHECK(s.hooks[SPEC_HOOK_START_CONTAINER].items[0].timeout.value == 5);
        CHECK(s.hooks[SPEC_HOOK_POSTSTOP].len == 0 && s.hooks[SPEC_HOOK_CREATE_RUNTIME].len == 2);
        CHECK_STR(s.hooks[SPEC_HOOK_CREATE_RUNTIME].items[1].path, "/b");
        /* "seccomp": {} is no filter to runc */
        CHECK(s.has_seccomp && !spec_seccomp_filtered(&s));
        spec_free(&s);
}

int main(void)
{
        if (harness_mkdtemp(bundle, sizeof(bundle), "spec-test") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(refusal_corpus);
        RUN(reads_the_fields_the_policy_uses);
        RUN(reads_masks_and_devices_of_docker_specs);
        RUN(reads_hooks_and_seccomp_syscalls);
        RUN(null_means_absent_as_in_go);
        RUN(escapes_decode_like_go);
        RUN(go_key_folding);
        RUN(depth_cap_and_deep_nesting);
        RUN(size_cap_in_memory);
        RUN(many_keys_stay_linear);
        RUN(read_from_bundle);
        RUN(read_refuses_what_is_not_a_small_regular_file);
        RUN(read_follows_a_symlinked_config_like_runc);
        cleanup_bundle();
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
