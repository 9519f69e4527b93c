/* The image readers: OCI index / manifest list, manifests, docker save's
 * manifest.json, image configs, config.User, the synthesized spec. */
#include <string.h>

#include "../oci/image_config.h"
#include "../oci/image_manifest.h"
#include "../oci/sha256.h"
#include "harness.h"

#define D(c) "sha256:" c c c c c c c c c c c c c c c c /* 64 hex from 4 */
#define DA   D("aaaa")
#define DB   D("bbbb")
#define DC   D("cccc")

static int index_of(const char *text, struct image_index *ix, struct eg_error *err)
{
        return image_index_parse(text, strlen(text), ix, err);
}

TEST(an_oci_index_with_platforms)
{
        const char *text =
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
                "\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                "\"digest\":\"" DA "\",\"size\":12,\"platform\":{\"architecture\":\"arm\","
                "\"os\":\"linux\",\"variant\":\"v7\"}},"
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DB
                "\",\"size\":3,\"platform\":{\"architecture\":\"aarch64\",\"os\":\"linux\"}},"
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DC
                "\",\"size\":3,\"annotations\":{\"vnd.docker.reference.type\":"
                "\"attestation-manifest\"},\"platform\":{\"architecture\":\"unknown\","
                "\"os\":\"unknown\"}}]}";
        struct image_index ix;
        struct eg_error err = {0};

        CHECK(index_of(text, &ix, &err) == 0);
        CHECK(ix.n == 3);
        if (ix.n == 3) {
                CHECK_STR(ix.manifests[0].platform.arch, "arm");
                CHECK_STR(ix.manifests[0].platform.variant, "v7");
                CHECK_STR(ix.manifests[1].platform.arch, "arm64");
                CHECK(ix.manifests[0].size == 12);
                CHECK_STR(ix.manifests[1].digest, DB);
                CHECK(!ix.manifests[1].attestation && ix.manifests[2].attestation);
        }
        image_index_free(&ix);
        CHECK(image_document_kind(text, strlen(text)) == IMAGE_MEDIA_INDEX);
}

TEST(a_docker_manifest_list_and_a_bare_index_json)
{
        const char *list =
                "{\"schemaVersion\":2,\"mediaType\":"
                "\"application/vnd.docker.distribution.manifest.list.v2+json\",\"manifests\":[{"
                "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                "\"digest\":\"" DA "\",\"size\":1,\"platform\":{\"architecture\":\"amd64\","
                "\"os\":\"windows\",\"os.version\":\"10.0.17763.4377\"}}]}";
        /* skopeo's index.json: no mediaType, no platform */
        const char *layout = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                             "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DA
                             "\",\"size\":1}]}";
        struct image_index ix;
        struct eg_error err = {0};

        CHECK(index_of(list, &ix, &err) == 0);
        CHECK(ix.n == 1 && ix.manifests[0].has_platform);
        if (ix.n == 1)
                CHECK_STR(ix.manifests[0].platform.os_version, "10.0.17763.4377");
        image_index_free(&ix);
        CHECK(index_of(layout, &ix, &err) == 0);
        CHECK(ix.n == 1 && !ix.manifests[0].has_platform);
        image_index_free(&ix);
        CHECK(image_document_kind(layout, strlen(layout)) == IMAGE_MEDIA_INDEX);
}

/* Each is refused, and the message says where. */
TEST(indexes_that_are_refused)
{
        static const struct {
                const char *text, *msg;
        } cases[] = {
                {"{\"schemaVersion\":1,\"manifests\":[]}", "schemaVersion"},
                {"{\"manifests\":[]}", "schemaVersion: missing"},
                {"{\"schemaVersion\":2}", "manifests: missing"},
                {"{\"schemaVersion\":2,\"Manifests\":[],\"manifests\":[]}", "second spelling"},
                {"{\"schemaVersion\":2,\"manifests\":[],\"manife\\u017fts\":[]}",
                 "second spelling"},
                {"{\"schemaVersion\":2,\"manifests\":[],\"manifests\":[]}", "duplicate key"},
                {"{\"schemaVersion\":2,\"mediaType\":\"application/"
                 "vnd.oci.image.manifest.v1+json\","
                 "\"manifests\":[]}",
                 "mediaType"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:ab\"}]}",
                 "manifests[0].digest"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DA
                 "\",\"Digest\":\"" DB "\"}]}",
                 "manifests[0].Digest: a second spelling"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DA
                 "\",\"platform\":{\"os\":\"linux\"}}]}",
                 "no architecture"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DA
                 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"Variant\":"
                 "\"v6\"}}]}",
                 "platform.Variant"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"text/"
                 "plain\",\"digest\":\"" DA "\"}]}",
                 "not a manifest or index"},
                {"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" DA
                 "\",\"size\":-1}]}",
                 "negative"},
                {"[1,2]", "where an object"},
                {"{\"schemaVersion\":2,\"manifests\":[]} x", "trailing"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct image_index ix;
                struct eg_error err = {0};
                int r = index_of(cases[i].text, &ix, &err);
                CHECK(r == -1);
                if (r != -1 || strstr(err.msg, cases[i].msg) == NULL)
                        printf("#   case %zu: \"%s\" (expected \"%s\")\n", i, err.msg,
                               cases[i].msg);
                CHECK(strstr(err.msg, cases[i].msg) != NULL);
                image_index_free(&ix);
        }
}

TEST(a_manifest_and_its_refusals)
{
        const char *ok = "{\"schemaVersion\":2,\"mediaType\":"
                         "\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{"
                         "\"mediaType\":\"application/vnd.docker.container.image.v1+json\","
                         "\"digest\":\"" DA "\",\"size\":100},\"layers\":[{\"mediaType\":"
                         "\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"digest\":\"" DB
                         "\",\"size\":5},{\"mediaType\":"
                         "\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"" DC
                         "\",\"size\":6}]}";
        const char *bad_config =
                "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
                "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" DA "\"},\"layers\":[]}";
        const char *two_configs = "{\"schemaVersion\":2,\"config\":{\"mediaType\":"
                                  "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" DA
                                  "\"},\"CONFIG\":{},\"layers\":[]}";
        struct image_manifest m;
        struct eg_error err = {0};

        CHECK(image_manifest_parse(ok, strlen(ok), &m, &err) == 0);
        CHECK(m.n_layers == 2);
        CHECK_STR(m.config.digest, DA);
        if (m.n_layers == 2)
                CHECK_STR(m.layers[1].digest, DC);
        image_manifest_free(&m);
        CHECK(image_document_kind(ok, strlen(ok)) == IMAGE_MEDIA_MANIFEST);
        CHECK(image_manifest_parse(bad_config, strlen(bad_config), &m, &err) == -1);
        CHECK(strstr(err.msg, "not an image config") != NULL);
        image_manifest_free(&m);
        CHECK(image_manifest_parse(two_configs, strlen(two_configs), &m, &err) == -1);
        CHECK(strstr(err.msg, "CONFIG: a second spelling of \"config\"") != NULL);
        image_manifest_free(&m);
}

TEST(docker_save_manifest_json)
{
        const char *ok = "[{\"Config\":\""
                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                         ".json\",\"RepoTags\":[\"eg/app:1\"],\"Layers\":[\"0123/layer.tar\","
                         "\"blobs/sha256/bb\"]}]";
        static const struct {
                const char *text, *msg;
        } bad[] = {
                {"[]", "empty array"},
                {"[{\"Config\":\"config.json\",\"Layers\":[]}]", "[0].Config"},
                {"[{\"Config\":\"blobs/sha256/"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "\",\"Layers\":[\"../etc/passwd\"]}]",
                 "[0].Layers[0]"},
                {"[{\"Config\":\"blobs/sha256/"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "\",\"Layers\":[\"/abs/layer.tar\"]}]",
                 "not a plain member name"},
                {"[{\"Config\":\"blobs/sha256/"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "\",\"Layers\":[],\"layers\":[\"x\"]}]",
                 "second spelling"},
                {"[{\"Config\":\"blobs/sha256/"
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                 "\",\"Layers\":[1]}]",
                 "[0].Layers[0]: a number"},
        };
        struct archive_manifest m;
        struct eg_error err = {0};

        CHECK(archive_manifest_parse(ok, strlen(ok), &m, &err) == 0);
        CHECK(m.n == 1);
        if (m.n == 1) {
                CHECK(m.images[0].n_layers == 2 && m.images[0].n_tags == 1);
                CHECK_STR(m.images[0].config_digest, DA);
                CHECK_STR(m.images[0].layers[1], "blobs/sha256/bb");
                CHECK_STR(m.images[0].repo_tags[0], "eg/app:1");
        }
        archive_manifest_free(&m);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                CHECK(archive_manifest_parse(bad[i].text, strlen(bad[i].text), &m, &err) == -1);
                if (strstr(err.msg, bad[i].msg) == NULL)
                        printf("#   case %zu: \"%s\"\n", i, err.msg);
                CHECK(strstr(err.msg, bad[i].msg) != NULL);
                archive_manifest_free(&m);
        }
}

TEST(digests_are_verified)
{
        const char *blob = "{}";
        char hex[SHA256_HEX_SIZE], digest[IMAGE_DIGEST_SIZE];
        struct eg_error err = {0};

        sha256_hex(blob, 2, hex);
        snprintf(digest, sizeof(digest), "sha256:%s", hex);
        CHECK(image_digest_verify(digest, blob, 2, "config", &err) == 0);
        CHECK(image_digest_verify(DA, blob, 2, "blobs/sha256/aaaa", &err) == -1);
        CHECK(strstr(err.msg, "blobs/sha256/aaaa: its content's digest is sha256:") != NULL);
        CHECK(image_digest_verify("sha512:00", blob, 2, "x", &err) == -1);
        CHECK(!image_digest_valid(
                "sha256:"
                "AAAAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

static const char config_text[] =
        "{\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\",\"config\":{"
        "\"Entrypoint\":[\"/usr/bin/tini\",\"--\"],\"Cmd\":[\"app\",\"-v\"],"
        "\"Env\":[\"A=1\"],\"WorkingDir\":\"/srv\",\"User\":\"app\"},"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" DA "\",\"" DB "\"]},"
        "\"container_config\":{\"Cmd\":[\"ignored\"]},\"history\":[]}";

TEST(an_image_config_as_a_process)
{
        struct image_config c;
        struct image_user u = {.uid = 1000, .gid = 1000};
        struct spec s;
        struct eg_error err = {0};

        CHECK(image_config_parse(config_text, sizeof(config_text) - 1, &c, &err) == 0);
        CHECK(c.has_platform);
        CHECK_STR(c.platform.arch, "arm");
        CHECK_STR(c.platform.variant, "v7");
        CHECK(c.n_entrypoint == 2 && c.n_cmd == 2 && c.n_diff_ids == 2);
        CHECK_STR(c.working_dir, "/srv");
        CHECK_STR(c.user, "app");
        CHECK(image_config_spec(&c, &u, &s, &err) == 0);
        CHECK(s.args.len == 4);
        if (s.args.len == 4) {
                CHECK_STR(s.args.items[0], "/usr/bin/tini");
                CHECK_STR(s.args.items[2], "app");
                CHECK(s.args.items[4] == NULL);
        }
        CHECK_STR(spec_env(&s, "PATH"), IMAGE_DEFAULT_PATH);
        CHECK_STR(spec_env(&s, "A"), "1");
        CHECK_STR(s.cwd, "/srv");
        CHECK(s.user_uid.value == 1000 && s.user_gid.value == 1000);
        CHECK(s.has_linux && !s.has_windows);
        CHECK(s.strings_used <= s.strings_size);
        spec_free(&s);
        image_config_free(&c);
}

TEST(cmd_alone_a_string_cmd_and_no_command)
{
        const char *cmd_only = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{"
                               "\"Cmd\":\"/bin/app\",\"Env\":[\"PATH=/opt/bin\"]}}";
        const char *none = "{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{}}";
        struct image_config c;
        struct spec s;
        struct eg_error err = {0};

        CHECK(image_config_parse(cmd_only, strlen(cmd_only), &c, &err) == 0);
        CHECK(image_config_spec(&c, NULL, &s, &err) == 0);
        CHECK(s.args.len == 1);
        CHECK_STR(s.args.items[0], "/bin/app");
        CHECK_STR(spec_env(&s, "PATH"), "/opt/bin");
        CHECK_STR(s.cwd, "/");
        CHECK(s.user_uid.value == 0);
        spec_free(&s);
        image_config_free(&c);
        CHECK(image_config_parse(none, strlen(none), &c, &err) == 0);
        CHECK(image_config_spec(&c, NULL, &s, &err) == -1);
        CHECK(strstr(err.msg, "No command specified") != NULL);
        image_config_free(&c);
}

TEST(configs_that_are_refused)
{
        static const struct {
                const char *text, *msg;
        } cases[] = {
                {"{\"config\":{\"Cmd\":[\"a\"],\"cmd\":[\"b\"]}}", "config.cmd: a second spelling"},
                {"{\"config\":{\"Env\":\"PATH=/x\"}}", "config.Env: a string"},
                {"{\"config\":{\"Entrypoint\":[1]}}", "config.Entrypoint[0]"},
                {"{\"Config\":{\"Cmd\":[\"a\"]}}", "a second spelling of \"config\""},
                {"{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:x\"]}}", "diff_ids[0]"},
                {"{\"architecture\":\"arm/../x\"}", ""},
                {"{\"config\":{\"User\":5}}", "config.User"},
        };

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct image_config c;
                struct eg_error err = {0};
                CHECK(image_config_parse(cases[i].text, strlen(cases[i].text), &c, &err) == -1);
                if (strstr(err.msg, cases[i].msg) == NULL)
                        printf("#   case %zu: \"%s\"\n", i, err.msg);
                CHECK(strstr(err.msg, cases[i].msg) != NULL && err.msg[0] != '\0');
                image_config_free(&c);
        }
}

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# a comment\n"
                             "app:x:1000:1001::/home/app:/bin/sh\n"
                             "short:x\n"
                             "big:x:99999999999:1::/:/bin/sh\n";
static const char group[] = "root:x:0:\n"
                            "app:x:1001:\n"
                            "video:x:44:app,other\n"
                            "audio:x:29:other\n"
                            "render:x:107:app\n";

TEST(config_user_as_runc_resolves_it)
{
        struct image_user u;
        struct eg_error err = {0};

        CHECK(image_user_resolve("app", passwd, sizeof(passwd) - 1, group, sizeof(group) - 1, &u,
                                 &err) == 0);
        CHECK(u.uid == 1000 && u.gid == 1001 && u.n_groups == 2);
        CHECK(u.groups[0] == 44 && u.groups[1] == 107);
        CHECK(image_user_resolve("1000", passwd, sizeof(passwd) - 1, group, sizeof(group) - 1, &u,
                                 &err) == 0);
        CHECK(u.uid == 1000 && u.gid == 1001);
        CHECK(image_user_resolve("4242", passwd, sizeof(passwd) - 1, NULL, 0, &u, &err) == 0);
        CHECK(u.uid == 4242 && u.gid == 0 && u.n_groups == 0);
        CHECK(image_user_resolve("app:audio", passwd, sizeof(passwd) - 1, group, sizeof(group) - 1,
                                 &u, &err) == 0);
        CHECK(u.uid == 1000 && u.gid == 29 && u.n_groups == 0);
        CHECK(image_user_resolve("7:8", NULL, 0, NULL, 0, &u, &err) == 0);
        CHECK(u.uid == 7 && u.gid == 8);
        CHECK(image_user_resolve("", NULL, 0, NULL, 0, &u, &err) == 0);
        CHECK(u.uid == 0 && u.gid == 0);
        CHECK(image_user_resolve("nobody", passwd, sizeof(passwd) - 1, group, sizeof(group) - 1, &u,
                                 &err) == -1);
        CHECK(strstr(err.msg, "unable to find user nobody") != NULL);
        CHECK(image_user_resolve("app:nogroup", passwd, sizeof(passwd) - 1, group,
                                 sizeof(group) - 1, &u, &err) == -1);
        CHECK(strstr(err.msg, "unable to find group nogroup") != NULL);
        CHECK(image_user_resolve("big", passwd, sizeof(passwd) - 1, NULL, 0, &u, &err) == -1);
        CHECK(strstr(err.msg, "out of range") != NULL);
        CHECK(image_user_resolve("99999999999", NULL, 0, NULL, 0, &u, &err) == -1);
}

HARNESS_MAIN(RUN(an_oci_index_with_platforms), RUN(a_docker_manifest_list_and_a_bare_index_json),
             RUN(indexes_that_are_refused), RUN(a_manifest_and_its_refusals),
             RUN(docker_save_manifest_json), RUN(digests_are_verified),
             RUN(an_image_config_as_a_process), RUN(cmd_alone_a_string_cmd_and_no_command),
             RUN(configs_that_are_refused), RUN(config_user_as_runc_resolves_it))
