/* dockerd's store: the two parsers over real files captured from dockerd
 * 20.10 (tests/data/moby) and hostile variants, and the reader over store
 * trees laid out here: absent, partial, symlinked, FIFO, tampered. */
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/moby.h"
#include "harness.h"

#define FIXTURE_DIR     "tests/data/moby"
#define FIXTURE_ID      "1acb2d68f5a35c2d1486959303948b9d4bcbc609361d36c3bd4ff355a6e25e03"
#define FIXTURE_IMAGE   "0a0698e8599a9f35a28e89f7b9f2c09488a253a9a54240ff1e08b37390769232"
#define FIXTURE_IMAGEID "sha256:" FIXTURE_IMAGE

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf = calloc(1, 1 << 20);
        size_t n = 0;

        if (f != NULL && buf != NULL)
                n = fread(buf, 1, (1 << 20) - 1, f);
        if (f != NULL)
                fclose(f);
        *len = n;
        return buf;
}

static int parse_container(const char *text, struct moby_container *c, struct eg_error *err)
{
        return moby_container_parse(text, strlen(text), c, err);
}

static void expect_container_error(const char *text, const char *message)
{
        struct moby_container c;
        struct eg_error err = {0};

        CHECK(parse_container(text, &c, &err) == -1);
        if (strstr(err.msg, message) == NULL)
                printf("#   for %s: \"%s\" lacks \"%s\"\n", text, err.msg, message),
                        harness_case_failed = 1;
}

TEST(container_from_dockerd)
{
        size_t len;
        char *text = slurp(FIXTURE_DIR "/config.v2.json", &len);
        struct moby_container c;
        struct eg_error err = {0};

        CHECK(len > 1000);
        CHECK(moby_container_parse(text, len, &c, &err) == 0);
        CHECK_STR(c.name, "liar1");
        CHECK_STR(c.image_ref, "eg/liar:1");
        CHECK_STR(c.image_id, FIXTURE_IMAGEID);
        CHECK_STR(c.driver, "overlay2");
        free(text);
}

TEST(container_fields_checked)
{
        struct moby_container c;
        struct eg_error err = {0};

        expect_container_error("{\"Name\":5}", "Name: a number where a string is expected");
        expect_container_error("{\"Config\":[]}", "Config: an array where an object is expected");
        expect_container_error("{\"Config\":{\"Image\":{}}}", "Config.Image: an object where");
        expect_container_error("[]", "array where an object is expected");
        expect_container_error("{\"Name\":\"a\",\"Name\":\"b\"}", "duplicate key");
        expect_container_error("{\"Name\":\"a\"", "");
        /* forms that cannot be a store path leave the field empty */
        CHECK(parse_container("{\"Name\":\"/m\",\"Image\":\"sha256:../../etc\",\"Driver\":"
                              "\"../../x\",\"Config\":null}",
                              &c, &err) == 0);
        CHECK_STR(c.name, "m");
        CHECK_STR(c.image_id, "");
        CHECK_STR(c.driver, "");
        CHECK(parse_container("{\"Image\":\"sha256:" FIXTURE_IMAGE "0\",\"Driver\":\".\"}", &c,
                              &err) == 0);
        CHECK_STR(c.image_id, "");
        CHECK_STR(c.driver, "");
        CHECK(parse_container("{\"Image\":\"SHA256:" FIXTURE_IMAGE "\"}", &c, &err) == 0);
        CHECK_STR(c.image_id, "");
        CHECK(parse_container("{}", &c, &err) == 0);
        CHECK_STR(c.name, "");
}

TEST(container_limits)
{
        char deep[200];
        struct moby_container c;
        struct eg_error err = {0};

        memset(deep, '[', 100);
        memset(deep + 100, ']', 100);
        CHECK(moby_container_parse(deep, sizeof(deep), &c, &err) == -1);
        CHECK(strstr(err.msg, "deep") != NULL || strstr(err.msg, "depth") != NULL);
        CHECK(moby_container_parse("{}", MOBY_CONFIG_MAX + 1, &c, &err) == -1);
}

static int parse_image(const char *text, struct platform *p, bool *declared, struct eg_error *err)
{
        return moby_image_parse(text, strlen(text), p, declared, err);
}

TEST(image_platforms)
{
        size_t len;
        char *text = slurp(FIXTURE_DIR "/image-config.json", &len);
        struct platform p;
        bool declared;
        struct eg_error err = {0};

        CHECK(moby_image_parse(text, len, &p, &declared, &err) == 0);
        CHECK(declared);
        CHECK_STR(p.os, "linux");
        CHECK_STR(p.arch, "amd64");
        free(text);

        CHECK(parse_image("{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}", &p,
                          &declared, &err) == 0);
        CHECK(declared && strcmp(p.arch, "arm") == 0 && strcmp(p.variant, "v7") == 0);
        CHECK(parse_image("{\"os\":\"linux\",\"architecture\":\"aarch64\",\"variant\":\"v8\"}", &p,
                          &declared, &err) == 0);
        CHECK(declared && strcmp(p.arch, "arm64") == 0 && p.variant[0] == '\0');
        CHECK(parse_image("{\"os\":\"windows\",\"architecture\":\"amd64\","
                          "\"os.version\":\"10.0.17763.1\"}",
                          &p, &declared, &err) == 0);
        CHECK(declared && strcmp(p.os, "windows") == 0);
        CHECK(parse_image("{\"os\":\"linux\"}", &p, &declared, &err) == 0);
        CHECK(declared && strcmp(p.os, "linux") == 0 && p.arch[0] == '\0' && p.variant[0] == '\0');
        CHECK(parse_image("{\"os\":\"\",\"architecture\":\"\"}", &p, &declared, &err) == 0);
        CHECK(!declared);
        CHECK(parse_image("{\"config\":{}}", &p, &declared, &err) == 0);
        CHECK(!declared);

        CHECK(parse_image("{\"architecture\":\"arm/../../x\"}", &p, &declared, &err) == -1);
        CHECK(!declared);
        CHECK(parse_image("{\"architecture\":7}", &p, &declared, &err) == -1);
        CHECK(strstr(err.msg, "architecture: a number where a string is expected") != NULL);
        CHECK(parse_image("\"linux\"", &p, &declared, &err) == -1);
}

TEST(docker_ids)
{
        CHECK(moby_is_id(FIXTURE_ID));
        CHECK(!moby_is_id("edgeHub"));
        CHECK(!moby_is_id(NULL));
        CHECK(!moby_is_id(FIXTURE_ID "0"));
        CHECK(!moby_is_id("1ACB2D68F5A35C2D1486959303948B9D4BCBC609361D36C3BD4FF355A6E25E03"));
        CHECK(!moby_is_id("../../../../../../../../../../../../../../../../../../../../etc/x"));
}

/* ---- the reader, over trees made here ---- */

static char root[PATH_MAX + 16];

static void put_file(const char *rel, const char *src)
{
        char path[PATH_MAX * 2], cmd[PATH_MAX * 5];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && cp '%s' '%s'", path, src, path);
        CHECK(system(cmd) == 0);
}

static void make_store(void)
{
        char cmd[PATH_MAX + 32];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        CHECK(system(cmd) == 0);
        put_file("containers/" FIXTURE_ID "/config.v2.json", FIXTURE_DIR "/config.v2.json");
        put_file("image/overlay2/imagedb/content/sha256/" FIXTURE_IMAGE,
                 FIXTURE_DIR "/image-config.json");
}

static void at(const char *rel, char *out, size_t size)
{
        snprintf(out, size, "%s/%s", root, rel);
}

TEST(store_read)
{
        struct moby_facts m;

        make_store();
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_READ);
        CHECK_STR(moby_status_name(m.status), "read");
        CHECK_STR(m.container.name, "liar1");
        CHECK(m.has_platform && strcmp(m.platform.arch, "amd64") == 0);
}

TEST(store_absent_and_skipped)
{
        struct moby_facts m;
        char path[PATH_MAX * 2];

        make_store();
        moby_store_read(root, "0000000000000000000000000000000000000000000000000000000000000000",
                        &m);
        CHECK(m.status == MOBY_ABSENT);
        CHECK(strstr(m.detail, "config.v2.json") != NULL);
        at("nonexistent", path, sizeof(path));
        moby_store_read(path, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_ABSENT);
        CHECK(strstr(m.detail, "No such file") != NULL);
        moby_store_read(root, "edgeHub", &m);
        CHECK(m.status == MOBY_SKIPPED);
        CHECK(strstr(m.detail, "not a docker id") != NULL);
        moby_store_read(NULL, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_SKIPPED);
}

TEST(store_partial_without_image_config)
{
        struct moby_facts m;
        char path[PATH_MAX * 2];

        make_store();
        at("image/overlay2/imagedb/content/sha256/" FIXTURE_IMAGE, path, sizeof(path));
        CHECK(unlink(path) == 0);
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_PARTIAL);
        CHECK_STR(m.container.name, "liar1");
        CHECK(!m.has_platform);
}

TEST(store_tampered_image_config)
{
        struct moby_facts m;
        char path[PATH_MAX * 2];
        FILE *f;

        make_store();
        at("image/overlay2/imagedb/content/sha256/" FIXTURE_IMAGE, path, sizeof(path));
        CHECK((f = fopen(path, "w")) != NULL);
        if (f != NULL) {
                fputs("{\"os\":\"linux\",\"architecture\":\"arm64\"}", f);
                fclose(f);
        }
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_INVALID);
        CHECK(strstr(m.detail, "does not hash to its name") != NULL);
        CHECK(!m.has_platform);
        CHECK_STR(m.container.name, "liar1"); /* the container itself is still known */
}

TEST(store_refuses_links_and_fifos)
{
        struct moby_facts m;
        char path[PATH_MAX * 2], target[PATH_MAX * 2], cmd[PATH_MAX * 5];

        make_store();
        at("containers/" FIXTURE_ID "/config.v2.json", path, sizeof(path));
        at("elsewhere.json", target, sizeof(target));
        CHECK(rename(path, target) == 0);
        CHECK(symlink(target, path) == 0);
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_INVALID);
        CHECK(m.container.name[0] == '\0');

        CHECK(unlink(path) == 0);
        CHECK(mkfifo(path, 0600) == 0);
        moby_store_read(root, FIXTURE_ID, &m); /* must not block */
        CHECK(m.status == MOBY_INVALID);
        CHECK(strstr(m.detail, "not a regular file") != NULL);

        /* a symlinked directory below the root is not followed either */
        make_store();
        at("containers", path, sizeof(path));
        at("containers.real", target, sizeof(target));
        CHECK(rename(path, target) == 0);
        CHECK(symlink("containers.real", path) == 0);
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_INVALID);

        /* the root itself may be a symlink: devices move it to a data partition */
        make_store();
        at("../moby-root-link", path, sizeof(path));
        unlink(path);
        CHECK(symlink(root, path) == 0);
        moby_store_read(path, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_READ);
        unlink(path);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        CHECK(system(cmd) == 0);
}

TEST(store_oversized_config)
{
        struct moby_facts m;
        char path[PATH_MAX * 2];

        make_store();
        at("containers/" FIXTURE_ID "/config.v2.json", path, sizeof(path));
        CHECK(truncate(path, (off_t)MOBY_CONFIG_MAX + 1) == 0);
        moby_store_read(root, FIXTURE_ID, &m);
        CHECK(m.status == MOBY_INVALID);
        CHECK(strstr(m.detail, "limit") != NULL);
}

int main(void)
{
        char base[PATH_MAX];

        if (harness_mkdtemp(base, sizeof(base) - 16, "moby") == NULL)
                return perror("mkdtemp"), 1;
        snprintf(root, sizeof(root), "%s/docker", base);
        RUN(container_from_dockerd);
        RUN(container_fields_checked);
        RUN(container_limits);
        RUN(image_platforms);
        RUN(docker_ids);
        RUN(store_read);
        RUN(store_absent_and_skipped);
        RUN(store_partial_without_image_config);
        RUN(store_tampered_image_config);
        RUN(store_refuses_links_and_fifos);
        RUN(store_oversized_config);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
