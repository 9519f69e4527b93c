/* dockerd's store read for check --image / --container: a store laid out
 * here as dockerd 20.10 lays it out (overlay2). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../oci/moby_image.h"
#include "../oci/sha256.h"
#include "harness.h"

static char root[256];
static char image_id[80], diff0[80], diff1[80], chain1[80];
static const char cid[] = "c0ffee0000000000000000000000000000000000000000000000000000000001";

static void put(const char *path, const char *text)
{
        char full[512];
        FILE *f;

        snprintf(full, sizeof(full), "%s/%s", root, path);
        harness_sh("mkdir -p \"$(dirname '%s')\"", full);
        f = fopen(full, "w");
        CHECK(f != NULL);
        if (f) {
                fputs(text, f);
                fclose(f);
        }
}

static void lay_out_store(void)
{
        char hex[SHA256_HEX_SIZE], config[1024], line[512], path[600];

        sha256_hex("layer0", 6, hex);
        snprintf(diff0, sizeof(diff0), "sha256:%s", hex);
        sha256_hex("layer1", 6, hex);
        snprintf(diff1, sizeof(diff1), "sha256:%s", hex);
        /* moby layer.CreateChainID: sha256 of "chain(n-1) diff(n)" */
        snprintf(line, sizeof(line), "%s %s", diff0, diff1);
        sha256_hex(line, strlen(line), hex);
        snprintf(chain1, sizeof(chain1), "sha256:%s", hex);
        snprintf(config, sizeof(config),
                 "{\"architecture\":\"arm64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/app\"]},"
                 "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}",
                 diff0, diff1);
        sha256_hex(config, strlen(config), hex);
        snprintf(image_id, sizeof(image_id), "sha256:%s", hex);
        snprintf(path, sizeof(path), "image/overlay2/imagedb/content/sha256/%s", hex);
        put(path, config);
        snprintf(line, sizeof(line),
                 "{\"Repositories\":{\"eg/app\":{\"eg/app:1\":\"%s\",\"eg/app:latest\":\"%s\"},"
                 "\"busybox\":{\"busybox:latest\":\"%s\"}}}",
                 image_id, image_id, image_id);
        put("image/overlay2/repositories.json", line);
        snprintf(path, sizeof(path), "image/overlay2/layerdb/sha256/%s/cache-id", diff0 + 7);
        put(path, "aaaa");
        snprintf(path, sizeof(path), "image/overlay2/layerdb/sha256/%s/cache-id", chain1 + 7);
        put(path, "bbbb");
        harness_sh("mkdir -p '%s/overlay2/aaaa/diff' '%s/overlay2/bbbb/diff' "
                   "'%s/overlay2/cccc/diff'",
                   root, root, root);
        snprintf(path, sizeof(path), "image/overlay2/layerdb/mounts/%s/mount-id", cid);
        put(path, "cccc");
        snprintf(path, sizeof(path), "containers/%s/config.v2.json", cid);
        snprintf(config, sizeof(config),
                 "{\"Name\":\"/module\",\"Image\":\"%s\",\"Driver\":\"overlay2\","
                 "\"Path\":\"/bin/true\",\"Args\":[\"-x\"],\"Config\":{\"Image\":\"eg/app:1\","
                 "\"Env\":[\"PATH=/bin\"],\"WorkingDir\":\"/w\",\"User\":\"1:2\"}}",
                 image_id);
        put(path, config);
}

static int open_root(void)
{
        return open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

TEST(references_as_docker_spells_them)
{
        int fd = open_root();
        char id[MOBY_IMAGE_ID_SIZE];
        struct eg_error err = {0};

        CHECK(moby_image_resolve(fd, "eg/app:1", id, &err) == 0);
        CHECK_STR(id, image_id);
        CHECK(moby_image_resolve(fd, "eg/app", id, &err) == 0); /* :latest */
        CHECK(moby_image_resolve(fd, "docker.io/library/busybox", id, &err) == 0);
        CHECK(moby_image_resolve(fd, image_id, id, &err) == 0);
        CHECK(moby_image_resolve(fd, image_id + 7, id, &err) == 0);
        CHECK_STR(id, image_id);
        CHECK(moby_image_resolve(fd, "eg/other:1", id, &err) == -1);
        CHECK(strstr(err.msg, "no image eg/other:1") != NULL);
        close(fd);
}

TEST(the_layer_chain_to_overlay2_dirs)
{
        int fd = open_root();
        struct moby_image img;
        struct eg_error err = {0};

        CHECK(moby_image_open(fd, image_id, &img, &err) == 0);
        CHECK(img.n_layers == 2);
        if (img.n_layers == 2) {
                CHECK_STR(img.layer_names[0], "overlay2/aaaa/diff");
                CHECK_STR(img.layer_names[1], "overlay2/bbbb/diff");
        }
        CHECK(img.config.has_platform);
        CHECK(moby_image_add_container_layer(fd, cid, &img, &err) == 0);
        CHECK(img.n_layers == 3);
        moby_image_free(&img);
        close(fd);
}

TEST(a_store_that_lies_is_refused)
{
        int fd = open_root();
        struct moby_image img;
        struct eg_error err = {0};
        char path[600];

        /* a config that does not hash to its id */
        snprintf(path, sizeof(path), "%s/image/overlay2/imagedb/content/sha256/%s", root,
                 image_id + 7);
        harness_sh("cp '%s' '%s.orig' && printf ' ' >>'%s'", path, path, path);
        CHECK(moby_image_open(fd, image_id, &img, &err) == -1);
        CHECK(strstr(err.msg, "its content's digest is") != NULL);
        moby_image_free(&img);
        harness_sh("mv '%s.orig' '%s'", path, path);
        /* a cache-id that climbs out */
        snprintf(path, sizeof(path), "image/overlay2/layerdb/sha256/%s/cache-id", chain1 + 7);
        put(path, "../../etc");
        CHECK(moby_image_open(fd, image_id, &img, &err) == -1);
        CHECK(strstr(err.msg, "not a layer id") != NULL);
        moby_image_free(&img);
        put(path, "bbbb");
        close(fd);
}

TEST(containers_by_name_prefix_and_their_process)
{
        int fd = open_root();
        char id[65];
        struct moby_container c;
        struct image_config cfg;
        struct eg_error err = {0};

        CHECK(moby_container_find(fd, "module", id, &err) == 0);
        CHECK_STR(id, cid);
        CHECK(moby_container_find(fd, "/module", id, &err) == 0);
        CHECK(moby_container_find(fd, "c0ffee", id, &err) == 0);
        CHECK_STR(id, cid);
        CHECK(moby_container_find(fd, "nosuch", id, &err) == -1);
        CHECK(moby_container_process(fd, cid, &c, &cfg, &err) == 0);
        CHECK(cfg.n_entrypoint == 2 && cfg.n_cmd == 0);
        if (cfg.n_entrypoint == 2) {
                CHECK_STR(cfg.entrypoint[0], "/bin/true");
                CHECK_STR(cfg.entrypoint[1], "-x");
        }
        CHECK_STR(cfg.working_dir, "/w");
        CHECK_STR(cfg.user, "1:2");
        CHECK_STR(c.image_ref, "eg/app:1");
        image_config_free(&cfg);
        close(fd);
}

int main(void)
{
        if (harness_mkdtemp(root, sizeof(root), "moby-image") == NULL) {
                perror("mkdtemp");
                return 1;
        }
        lay_out_store();
        RUN(references_as_docker_spells_them);
        RUN(the_layer_chain_to_overlay2_dirs);
        RUN(a_store_that_lies_is_refused);
        RUN(containers_by_name_prefix_and_their_process);
        harness_sh("rm -rf '%s'", root);
        printf("%d passed, %d failed\n", harness_passed, harness_failed);
        return harness_failed != 0;
}
