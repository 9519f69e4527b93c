/* One call for a whole bundle: spec, declared and detected platforms,
 * mounts that hide the executable; runc's own `runc spec` output parses. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/facts.h"
#include "harness.h"

static char bundle[160];

static void write_file(const char *rel, const char *text)
{
        char p[512];
        FILE *f;

        snprintf(p, sizeof(p), "%s/%s", bundle, rel);
        f = fopen(p, "we");
        CHECK(f != NULL);
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static void copy_in(const char *src, const char *rel)
{
        char cmd[1024];

        snprintf(cmd, sizeof(cmd), "install -D -m 0755 '%s' '%s/%s'", src, bundle, rel);
        CHECK(system(cmd) == 0);
}

static const char *fmt(const struct platform *p)
{
        static char buf[2][128];
        static int i;

        i ^= 1;
        platform_format(p, buf[i], sizeof(buf[i]));
        return buf[i];
}

static int gather(struct bundle_facts *f, struct eg_error *err)
{
        return facts_gather(bundle, rootfs_resolver_detect(), f, err);
}

TEST(arm_module_with_honest_annotations)
{
        struct bundle_facts f;
        struct eg_error err = {0};
        const char *foreign = harness_foreign_dir();
        char src[512];

        snprintf(src, sizeof(src), "%s/armhf/busybox-static", foreign);
        copy_in(src, "rootfs/bin/busybox");
        CHECK(symlink("busybox", strcat(strcpy(src, bundle), "/rootfs/bin/sh")) == 0);
        write_file("config.json",
                   "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\",\"-c\",\"true\"],"
                   "\"env\":[\"PATH=/usr/bin:/bin\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
                   "\"annotations\":{\"org.opencontainers.image.os\":\"linux\","
                   "\"org.opencontainers.image.architecture\":\"arm\","
                   "\"org.opencontainers.image.variant\":\"v7\"},\"linux\":{}}");
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK_STR(f.spec_os, "linux");
        CHECK(f.has_declared);
        CHECK_STR(fmt(&f.declared), "linux/arm/v7");
        CHECK(f.exe_checked && f.exe.kind == EXE_ELF);
        CHECK_STR(fmt(&f.exe.platform), "linux/arm/v7");
        CHECK_STR(f.exe.file, "/bin/sh");
        CHECK_STR(f.exe.resolved, "/bin/busybox");
        CHECK(f.exe_mount == NULL);
        CHECK(S_ISDIR(f.bundle_st.st_mode) && S_ISREG(f.config_st.st_mode));
        facts_free(&f);
}

TEST(annotations_that_lie)
{
        struct bundle_facts f;
        struct eg_error err = {0};

        write_file("config.json", "{\"process\":{\"args\":[\"/bin/busybox\"],\"cwd\":\"/"
                                  "\"},\"root\":{\"path\":\"rootfs\"},"
                                  "\"annotations\":{\"org.opencontainers.image.architecture\":"
                                  "\"x86_64\"},\"linux\":{}}");
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(fmt(&f.declared), "?/amd64");
        CHECK_STR(fmt(&f.exe.platform), "linux/arm/v7");
        CHECK(!platform_equal(&f.declared, &f.exe.platform));
        facts_free(&f);

        write_file("config.json",
                   "{\"process\":{\"args\":[\"/bin/busybox\"]},\"root\":{\"path\":\"rootfs\"},"
                   "\"annotations\":{\"org.opencontainers.image.architecture\":\"arm/v7\"}}");
        CHECK(gather(&f, &err) == 0);
        CHECK(!f.has_declared);
        CHECK(strstr(f.declared_problem, "image annotations: architecture name \"arm/v7\"") !=
              NULL);
        facts_free(&f);
}

TEST(windows_and_hyperv)
{
        struct bundle_facts f;
        struct eg_error err = {0};

        write_file("config.json",
                   "{\"process\":{\"args\":[\"cmd\",\"/c\",\"exit\"],\"cwd\":\"C:\\\\\"},"
                   "\"root\":{\"path\":\"\\\\\\\\?\\\\Volume{x}\"},"
                   "\"windows\":{\"layerFolders\":[\"C:\\\\l\"],\"hyperv\":{}}}");
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(f.spec_os, "windows");
        CHECK(f.spec.has_hyperv);
        CHECK(f.exe_checked);
        CHECK(f.exe.kind == EXE_UNIDENTIFIED);
        CHECK(strstr(f.exe.reason, "Volume{x}") != NULL);
        facts_free(&f);

        /* a PE entrypoint, found as CreateProcess would: drive dropped,
         * backslashes, ".exe" appended, then PATH */
        {
                unsigned char pe[256] = {'M', 'Z'};
                char path[512];
                FILE *out;
                pe[0x3c] = 0x80;
                memcpy(pe + 0x80, "PE\0\0\x64\x86", 6);
                pe[0x80 + 22] = 0x22;
                snprintf(path, sizeof(path), "%s/rootfs/app", bundle);
                mkdir(path, 0755);
                strcat(path, "/hello.exe");
                out = fopen(path, "we");
                CHECK(out != NULL && fwrite(pe, 1, sizeof(pe), out) == sizeof(pe));
                if (out)
                        fclose(out);
        }
        write_file("config.json",
                   "{\"process\":{\"args\":[\"C:\\\\app\\\\hello\"],\"cwd\":\"C:\\\\\"},"
                   "\"root\":{\"path\":\"rootfs\"},\"windows\":{}}");
        CHECK(gather(&f, &err) == 0);
        CHECK(f.exe.kind == EXE_PE);
        CHECK_STR(f.exe.file, "/app/hello.exe");
        CHECK_STR(fmt(&f.exe.platform), "windows/amd64");
        facts_free(&f);
        write_file("config.json",
                   "{\"process\":{\"args\":[\"hello.exe\"],\"cwd\":\"C:\\\\\",\"env\":"
                   "[\"PATH=C:\\\\Windows;c:\\\\app\"]},"
                   "\"root\":{\"path\":\"rootfs\"},\"windows\":{}}");
        CHECK(gather(&f, &err) == 0);
        CHECK(f.exe.kind == EXE_PE);
        CHECK_STR(f.exe.file, "/app/hello.exe");
        facts_free(&f);

        write_file("config.json",
                   "{\"process\":{\"args\":[\"/bin/busybox\"]},\"root\":{\"path\":\"rootfs\"},"
                   "\"windows\":{},\"linux\":{}}");
        CHECK(gather(&f, &err) == 0);
        CHECK(f.spec_os_conflict);
        facts_free(&f);
}

TEST(a_mount_over_the_executable)
{
        struct bundle_facts f;
        struct eg_error err = {0};

        write_file("config.json",
                   "{\"process\":{\"args\":[\"/bin/busybox\"],\"cwd\":\"/"
                   "\"},\"root\":{\"path\":\"rootfs\"},"
                   "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
                   "{\"destination\":\"/bin/\",\"type\":\"bind\",\"source\":\"/srv/bin\","
                   "\"options\":[\"rbind\"]},{\"destination\":\"/binx\",\"type\":\"tmpfs\"}]}");
        CHECK(gather(&f, &err) == 0);
        /* runc cannot mount a missing source: what is there is unknown */
        CHECK(f.exe.view_unknown);
        CHECK(strstr(f.exe.reason, "the bind (its source cannot be opened) mount at /bin") != NULL);
        facts_free(&f);
}

TEST(rootfs_and_config_problems)
{
        struct bundle_facts f;
        struct eg_error err = {0};
        char abs[600];

        snprintf(abs, sizeof(abs),
                 "{\"process\":{\"args\":[\"/bin/busybox\"]},\"root\":{\"path\":\"%s/rootfs\"}}",
                 bundle);
        write_file("config.json", abs);
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(fmt(&f.exe.platform), "linux/arm/v7");
        facts_free(&f);

        write_file("config.json",
                   "{\"process\":{\"args\":[\"/bin/busybox\"]},\"root\":{\"path\":\"nope\"}}");
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(f.exe.reason, "root.path nope: No such file or directory");
        facts_free(&f);

        write_file("config.json", "{\"process\":{\"args\":[\"/bin/busybox\"]}}");
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(f.exe.reason, "the spec names no root.path");
        facts_free(&f);

        write_file("config.json", "{\"process\":{\"args\":[\"/bin/busybox\"]},\"Root\":{}}");
        CHECK(gather(&f, &err) == -1);
        char want[256];
        snprintf(want, sizeof(want), "bundle %s: config.json: Root: key that runc", bundle);
        CHECK(strncmp(err.msg, want, strlen(want)) == 0);
        facts_free(&f);

        CHECK(facts_gather("/nonexistent-bundle", ROOTFS_AUTO, &f, &err) == -1);
        CHECK_STR(err.msg, "bundle /nonexistent-bundle: No such file or directory");
        facts_free(&f);
}

TEST(runc_spec_output_is_accepted)
{
        struct bundle_facts f;
        struct eg_error err = {0};
        char cmd[1024];

        snprintf(cmd, sizeof(cmd),
                 "rm -f '%s/config.json' && PATH=$PATH:/usr/sbin:/sbin runc spec --bundle '%s'",
                 bundle, bundle);
        CHECK(system(cmd) == 0);
        CHECK(gather(&f, &err) == 0);
        CHECK_STR(err.msg, "");
        CHECK_STR(f.spec.args.items ? f.spec.args.items[0] : NULL, "sh");
        CHECK_STR(spec_env(&f.spec, "PATH"),
                  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        CHECK(f.spec.has_capabilities && f.spec.caps[SPEC_CAP_BOUNDING].len == 3);
        CHECK(f.spec.n_mounts > 5 && f.spec.root_readonly);
        CHECK_STR(f.exe.file, "/bin/sh");
        CHECK_STR(fmt(&f.exe.platform), "linux/arm/v7");
        facts_free(&f);
}

int main(void)
{
        char cmd[1024];

        if (harness_mkdtemp(bundle, sizeof(bundle), "facts-test") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(arm_module_with_honest_annotations);
        RUN(annotations_that_lie);
        RUN(windows_and_hyperv);
        RUN(a_mount_over_the_executable);
        RUN(rootfs_and_config_problems);
        RUN(runc_spec_output_is_accepted);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bundle);
        if (system(cmd) != 0)
                harness_failed++;
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
