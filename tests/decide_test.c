/* The rules over real bundles: Debian's busybox for each architecture in a
 * rootfs, hosts simulated, policies parsed from text.  Each case checks
 * the verdict, the deciding rule and the words a person reads. */
#include "scene.h"

TEST(native_allowed)
{
        make_bundle("amd64", "\"linux\":{}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("allowed container \"ctr1\"\0runs natively"));
        expect_record("decision", NULL, "allow");
        expect_record("rule", NULL, NULL);
        expect_record("detected", "arch", "amd64");
        expect_record("detected", "file", "/bin/busybox");
        expect_record("host", "arch", "amd64");
        expect_record("policy", "source", "built-in defaults");
        expect_record("time", NULL, "2027-01-15T08:00:00.000000Z");
}

TEST(foreign_refused_with_what_to_do)
{
        make_bundle("arm64", "\"linux\":{}");
        decide_scene(&(struct scene){.host = "linux/amd64/v3"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("refused container \"ctr1\"\0/bin/busybox is linux/arm64 (ELF 64-bit LSB "
                     "AArch64, static)\0it runs linux/amd64 up to v3 and linux/386\0[rule "
                     "arch]\0docker pull --platform linux/amd64 "
                     "IMAGE\0/etc/edgeguard/policy.json"));
        expect_record("rules", "arch", "*");
}

TEST(arm_variants_and_aarch32)
{
        make_bundle("armhf", "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("linux/arm/v7\0compatible\0not probed"));
        decide_scene(&(struct scene){.host = "linux/arm64", .aarch32 = HOST_AARCH32_YES});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("compatible"));
        decide_scene(&(struct scene){.host = "linux/arm64", .aarch32 = HOST_AARCH32_NO});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("linux/arm64 only (this CPU or kernel runs no "
                     "32-bit ARM)"));
        decide_scene(&(struct scene){.host = "linux/arm/v6"}); /* a Pi Zero */
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/arm/v7\0linux/arm from v5 up to v6"));
        make_bundle("armel", "");
        decide_scene(&(struct scene){.host = "linux/arm/v6"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("linux/arm/v5"));
        make_bundle("i386", "");
        decide_scene(&(struct scene){.host = "linux/arm64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/386\0Intel 80386"));
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("compatible"));
        make_bundle("ppc64el", "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/ppc64le\0PowerPC64"));
}

TEST(windows_and_hyperv)
{
        make_bundle("amd64", "\"windows\":{\"hyperv\":{}}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_OS,
               WORDS("this is a windows container\0Use an image for "
                     "linux/amd64"));
        CHECK(d.results[RULE_HYPERV].outcome == OUTCOME_FAIL);
        decide_scene(&(struct scene){.host = "windows/amd64"});
        expect(VERDICT_REFUSE, RULE_HYPERV, WORDS("Hyper-V isolation\0--isolation=process"));
        make_bundle("", "\"windows\":{}");
        decide_scene(&(struct scene){.host = "windows/amd64"});
        /* no executable found: noted, the spec decides the OS */
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule unknown)"));
        make_bundle("amd64", "\"linux\":{},\"windows\":{}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_OS, WORDS("both a linux and a windows section"));
}

TEST(audit_and_off)
{
        make_bundle("arm64", "");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"mode\":\"audit\"}"});
        expect(VERDICT_AUDIT, RULE_ARCH, WORDS("audit: would refuse container\0audit mode]"));
        expect_record("decision", NULL, "audit");
        expect_record("rule", NULL, "arch");
        decide_scene(
                &(struct scene){.host = "linux/amd64", .policy = "{\"rules\":{\"arch\":\"off\"}}"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule arch)"));
        /* a rule set explicitly wins over the global mode */
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"mode\":\"audit\",\"rules\":{\"arch\":"
                                               "\"enforce\"}}"});
        expect(VERDICT_REFUSE, RULE_ARCH, NULL);
}

TEST(exceptions)
{
        const char *policy = "{\"exceptions\":[{\"name\":\"edge*\",\"rules\":[\"arch\"],"
                             "\"reason\":\"ticket 42\",\"expires\":\"2027-01-31T00:00:00Z\"}]}";
        const char *by_image = "{\"exceptions\":[{\"image\":\"mcr.microsoft.com/*:1.4\",\"rules\":"
                               "[\"arch\"],\"reason\":\"vendor image\"}]}";

        make_bundle("arm64", "");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = policy, .name = "edgeHub"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("excepted from rule arch (\"ticket 42\", until 2027-01-31T00:00:00Z)"));
        CHECK(d.results[RULE_ARCH].action == ACTION_EXCEPTED);
        expect_record("rules", "arch", "*");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = policy, .name = "other"});
        expect(VERDICT_REFUSE, RULE_ARCH, NULL);
        /* the container id counts as a name too (plain runc has no other) */
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"exceptions\":[{\"name\":\"ctr?\",\"rules\":"
                                               "[\"arch\"],\"reason\":\"r\"}]}"});
        expect(VERDICT_ALLOW, RULE_COUNT, NULL);
        decide_scene(&(struct scene){
                .host = "linux/amd64", .policy = policy, .name = "edgeHub", .now = 1801353600});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("the exception for it (\"ticket 42\") expired at 2027-01-31T00:00:00Z"));
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = by_image,
                                     .image = "mcr.microsoft.com/azureiotedge-hub:1.4"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("vendor image"));
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = by_image});
        expect(VERDICT_REFUSE, RULE_ARCH, NULL); /* no image known: an image pattern cannot match */
}

TEST(unknown_executables)
{
        make_bundle("", "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT,
               WORDS("noted (rule unknown): the executable could not be identified: "
                     "\"/bin/busybox\": No such file or directory in the container"));
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_UNKNOWN, WORDS("\"unknown\": \"allow\""));
        /* nothing identified, but the image declares a foreign platform */
        make_bundle("", "\"annotations\":{\"org.opencontainers.image.architecture\":\"arm64\"}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("the image declares ?/arm64 (annotations; the executable could not be "
                     "identified)"));
        /* type "bind" without a bind option is a file system runc cannot
         * mount: nothing there is modelled, so nothing is judged */
        make_bundle("amd64", "\"mounts\":[{\"destination\":\"/bin\",\"type\":\"bind\","
                             "\"source\":\"/opt/tools\"}]");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"unknown\":\"refuse\"}"});
        expect(VERDICT_REFUSE, RULE_UNKNOWN,
               WORDS("/bin/busybox lies inside the bind mount at /bin, whose contents edgeguard "
                     "does not model"));
}

TEST(metadata_disagreement)
{
        make_bundle("arm64", "\"annotations\":{\"org.opencontainers.image.os\":\"linux\","
                             "\"org.opencontainers.image.architecture\":\"amd64\"}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("linux/arm64"));
        CHECK(d.results[RULE_METADATA].outcome == OUTCOME_FAIL);
        CHECK(strstr(d.results[RULE_METADATA].detail,
                     "the image declares linux/amd64 (annotations) but /bin/busybox is "
                     "linux/arm64") != NULL);
        expect_record("declared", "arch", "amd64");
        expect_record("declared", "source", "annotations");
        make_bundle("amd64", "\"annotations\":{\"org.opencontainers.image.architecture\":"
                             "\"arm64\"}");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule metadata): the image declares"));
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"rules\":{\"metadata\":\"enforce\"}}"});
        expect(VERDICT_REFUSE, RULE_METADATA, WORDS("Fix the image's platform metadata"));
        make_bundle("amd64", "\"annotations\":{\"org.opencontainers.image.architecture\":"
                             "\"x86 64\"}");
        decide_scene(&(struct scene){.host = "linux/amd64",
                                     .policy = "{\"rules\":{\"metadata\":\"enforce\"}}"});
        expect(VERDICT_REFUSE, RULE_METADATA, WORDS("image annotations"));
}

TEST(bundle_ownership)
{
        char path[256];

        make_bundle("amd64", "");
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        chmod(path, 0666);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_BUNDLE,
               WORDS("config.json is writable by everyone (mode "
                     "0666)\0chmod go-w"));
        chmod(path, 0644);
        chmod(bundle, 0775);
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_BUNDLE, WORDS("the bundle directory is writable by group"));
        chmod(bundle, 0755);
        if (geteuid() == 0) {
                CHECK(chown(path, 1234, 1234) == 0);
                decide_scene(&(struct scene){.host = "linux/amd64"});
                expect(VERDICT_REFUSE, RULE_BUNDLE, WORDS("config.json is owned by uid 1234"));
                CHECK(chown(path, 0, 0) == 0);
        } else {
                printf("#   not root: cannot give config.json to another uid\n");
                harness_case_failed = 1;
        }
}

TEST(emulation)
{
        struct binfmt_entry qemu;
        struct eg_error err = {0};

        CHECK(binfmt_parse_entry("qemu-aarch64",
                                 "enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n"
                                 "flags: POCF\noffset 0\n"
                                 "magic 7f454c460201010000000000000000000200b700\n"
                                 "mask ffffffffffffff00fffffffffffffffffeffffff\n",
                                 &qemu, &err) == 0);
        make_bundle("arm64", "");
        decide_scene(&(struct scene){.host = "linux/amd64", .binfmt = &qemu});
        expect(VERDICT_REFUSE, RULE_EMULATION,
               WORDS("only under emulation: binfmt_misc entry qemu-aarch64 hands it to "
                     "/usr/libexec/qemu-binfmt/aarch64-binfmt-P\0\"allow_emulation\": true"));
        expect_record("emulator", "name", "qemu-aarch64");
        decide_scene(&(struct scene){
                .host = "linux/amd64", .binfmt = &qemu, .policy = "{\"allow_emulation\":true}"});
        expect(VERDICT_ALLOW, RULE_COUNT, WORDS("noted (rule emulation)"));
        expect_record("emulator", "flags", "POCF");
        /* an armhf binary does not match the aarch64 entry */
        make_bundle("armhf", "");
        decide_scene(&(struct scene){
                .host = "linux/amd64", .binfmt = &qemu, .policy = "{\"allow_emulation\":true}"});
        expect(VERDICT_REFUSE, RULE_ARCH, NULL);
}

/* The text's rule lines keep one column for the outcome, also after
 * the longest rule names. */
TEST(rule_columns_line_up)
{
        const char *rules, *line;
        long column = -1;

        make_bundle("amd64", "");
        decide_scene(&(struct scene){.host = "linux/amd64"});
        rules = strstr(explanation, "rules:\n");
        CHECK(rules != NULL);
        for (line = rules ? rules + 7 : ""; *line == ' '; line = strchr(line, '\n') + 1) {
                const char *name_end = strchr(line + 2, ' ');
                const char *outcome = name_end;
                while (*outcome == ' ')
                        outcome++;
                if (column < 0)
                        column = outcome - line;
                if (outcome - line != column)
                        printf("#   misaligned: %.60s\n", line), harness_case_failed = 1;
                if (strchr(line, '\n') == NULL)
                        break;
        }
        CHECK(column > 0 && strstr(explanation, "  certain_failure ") != NULL);
}

static int count(const char *s, const char *what)
{
        int n = 0;

        for (; (s = strstr(s, what)) != NULL; s++)
                n++;
        return n;
}

/* An amd64 host without IA32: why it runs no 386 is said for a 386
 * program, and not for an arm64 one (the host's description names IA32
 * once already). */
TEST(ia32_said_where_it_matters)
{
        make_bundle("arm64", "");
        decide_scene(&(struct scene){.host = "linux/amd64,ia32=no"});
        expect(VERDICT_REFUSE, RULE_ARCH,
               WORDS("which this host does not run: it runs linux/amd64 only"));
        CHECK(count(d.reason, "IA32") == 1);
        make_bundle("i386", "");
        decide_scene(&(struct scene){.host = "linux/amd64,ia32=no"});
        expect(VERDICT_REFUSE, RULE_ARCH, WORDS("does not run 32-bit x86 programs"));
}

TEST(unusable_inputs)
{
        char path[256];
        FILE *f;

        make_bundle("amd64", "");
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"mode\":"});
        expect(VERDICT_REFUSE, RULE_POLICY, WORDS("Fix or remove /test/policy.json"));
        /* check's text says so once: not also "policy: built-in defaults" */
        CHECK(strstr(explanation, "cannot be used, so every create is refused (rule policy)") !=
              NULL);
        CHECK(strstr(explanation, "policy:     built-in defaults") == NULL);
        snprintf(path, sizeof(path), "%s/config.json", bundle);
        f = fopen(path, "we");
        if (f) {
                fputs("{\"process\":{},\"Process\":{}}", f);
                fclose(f);
        }
        decide_scene(&(struct scene){.host = "linux/amd64"});
        expect(VERDICT_REFUSE, RULE_CONFIG,
               WORDS("Process: key that runc (Go's "
                     "case-insensitive match) reads as "
                     "\"process\""));
        expect_record("detected", NULL, NULL);
        /* even audit mode cannot except the policy itself */
        decide_scene(&(struct scene){.host = "linux/amd64", .policy = "{\"mode\":\"audit\"}"});
        expect(VERDICT_AUDIT, RULE_CONFIG, NULL);
}

int main(void)
{
        if (harness_mkdtemp(bundle, sizeof(bundle), "decide") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        RUN(native_allowed);
        RUN(rule_columns_line_up);
        RUN(ia32_said_where_it_matters);
        RUN(foreign_refused_with_what_to_do);
        RUN(arm_variants_and_aarch32);
        RUN(windows_and_hyperv);
        RUN(audit_and_off);
        RUN(exceptions);
        RUN(unknown_executables);
        RUN(metadata_disagreement);
        RUN(bundle_ownership);
        RUN(emulation);
        RUN(unusable_inputs);
        harness_sh("rm -rf '%s'", bundle);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
