/* The image check's result: a table in words, or JSON. */
#include <stdio.h>
#include <string.h>

#include "../oci/utf8.h"
#include "../oci/yajl_cleanup.h"
#include "check_image.h"

/* Names from the image (labels, paths in reasons) shown with control
 * characters escaped: a hostile image must not rewrite the terminal. */
static const char *clean(const char *s, char *buf, size_t size)
{
        utf8_sanitize_visible(s ? s : "", buf, size);
        return buf;
}
#define CLEAN(s, buf) clean((s), (buf), sizeof(buf))

static void manifest_words(const struct check_image *im, char *out, size_t size)
{
        char claim[96], label[200];

        if (im == NULL) {
                snprintf(out, size, "no manifest");
                return;
        }
        CLEAN(im->label, label);
        if (im->has_claim) {
                platform_format(&im->claim, claim, sizeof(claim));
                snprintf(out, size, "%.150s (%.90s)", label, claim);
        } else {
                snprintf(out, size, "%.200s", label);
        }
}

static const char *verdict_words(const struct check_row *row, char *buf, size_t size)
{
        if (row->verdict == VERDICT_REFUSE)
                return "REFUSED";
        snprintf(buf, size, "runs %s%s", row->how,
                 row->verdict == VERDICT_AUDIT ? " (audit: a rule would refuse)" : "");
        return buf;
}

static void print_words(const struct check_report *r, size_t refused, size_t lies)
{
        char a[256], b[256], reason[2 * DECISION_REASON_MAX], source[600];

        printf("edgeguard check: %s %s: %zu image%s%s\n", r->source_kind, CLEAN(r->source, source),
               r->n_images, r->n_images == 1 ? "" : "s",
               r->n_attestations ? " (attestation manifests not images: skipped)" : "");
        printf("\nTargets (the manifest the engine would pull there, judged by its binaries):\n");
        for (size_t i = 0; i < r->n_rows; i++) {
                const struct check_row *row = &r->rows[i];
                manifest_words(row->image, a, sizeof(a));
                printf("  %-16s %-22s %s\n", row->target->name, verdict_words(row, b, sizeof(b)),
                       a);
                printf("      %s\n", CLEAN(row->reason, reason));
        }
        if (r->n_claims) {
                printf("\nManifests against the platform they claim:\n");
                for (size_t i = 0; i < r->n_claims; i++) {
                        const struct check_row *row = &r->claims[i];
                        manifest_words(row->image, a, sizeof(a));
                        printf("  %-40s %s (claim from the %s)\n", a,
                               row->verdict == VERDICT_REFUSE ? "DOES NOT RUN THERE" : "honest",
                               row->image->claim_source ? row->image->claim_source : "?");
                        if (row->verdict == VERDICT_REFUSE)
                                printf("      %s\n", CLEAN(row->reason, reason));
                }
        }
        printf("\n%s: %zu of %zu target rows refused; %zu manifest%s %s\n",
               refused || lies ? "REFUSED" : "OK", refused, r->n_rows, lies, lies == 1 ? "" : "s",
               "not running on the platform it claims");
}

struct gen {
        yajl_gen g;
        bool failed;
};

static void s(struct gen *o, const char *v)
{
        char buf[2 * DECISION_REASON_MAX];

        if (v == NULL) {
                o->failed |= yajl_gen_null(o->g) != yajl_gen_status_ok;
                return;
        }
        CLEAN(v, buf);
        o->failed |= yajl_gen_string(o->g, (const unsigned char *)buf, strlen(buf)) !=
                     yajl_gen_status_ok;
}

static void kv(struct gen *o, const char *k, const char *v)
{
        s(o, k);
        s(o, v);
}

static void row_json(struct gen *o, const struct check_row *row)
{
        char p[96];

        o->failed |= yajl_gen_map_open(o->g) != yajl_gen_status_ok;
        if (row->target)
                kv(o, "target", row->target->name);
        kv(o, "verdict", verdict_name(row->verdict));
        kv(o, "how", row->how[0] ? row->how : NULL);
        kv(o, "rule", row->rule < RULE_COUNT ? rule_name(row->rule) : NULL);
        kv(o, "manifest", row->image ? row->image->label : NULL);
        kv(o, "digest", row->image && row->image->digest[0] ? row->image->digest : NULL);
        if (row->image && row->image->has_claim) {
                platform_format(&row->image->claim, p, sizeof(p));
                kv(o, "claims", p);
                kv(o, "claim_source", row->image->claim_source);
        }
        if (row->image && row->image->gathered && !row->image->problem[0] &&
            row->image->facts.exe.platform.arch[0]) {
                platform_format(&row->image->facts.exe.platform, p, sizeof(p));
                kv(o, "detected", p);
                kv(o, "file", row->image->facts.exe.file);
        }
        kv(o, "reason", row->reason);
        o->failed |= yajl_gen_map_close(o->g) != yajl_gen_status_ok;
}

static int print_json(const struct check_report *r, int status)
{
        cleanup_yajl_gen yajl_gen g = yajl_gen_alloc(NULL);
        struct gen o = {.g = g};
        const unsigned char *buf;
        size_t len;

        if (g == NULL)
                return 2;
        o.failed |= yajl_gen_map_open(g) != yajl_gen_status_ok;
        kv(&o, "source", r->source);
        kv(&o, "format", r->source_kind);
        s(&o, "targets");
        o.failed |= yajl_gen_array_open(g) != yajl_gen_status_ok;
        for (size_t i = 0; i < r->n_rows; i++)
                row_json(&o, &r->rows[i]);
        o.failed |= yajl_gen_array_close(g) != yajl_gen_status_ok;
        s(&o, "manifests");
        o.failed |= yajl_gen_array_open(g) != yajl_gen_status_ok;
        for (size_t i = 0; i < r->n_claims; i++)
                row_json(&o, &r->claims[i]);
        o.failed |= yajl_gen_array_close(g) != yajl_gen_status_ok;
        s(&o, "status");
        o.failed |= yajl_gen_integer(g, status) != yajl_gen_status_ok;
        o.failed |= yajl_gen_map_close(g) != yajl_gen_status_ok;
        if (o.failed || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                return 2;
        fwrite(buf, 1, len, stdout);
        putchar('\n');
        return 0;
}

int check_report_print(const struct check_report *r, bool json)
{
        size_t refused = 0, lies = 0;
        int status;

        for (size_t i = 0; i < r->n_rows; i++)
                refused += r->rows[i].verdict == VERDICT_REFUSE;
        for (size_t i = 0; i < r->n_claims; i++)
                lies += r->claims[i].verdict == VERDICT_REFUSE;
        status = refused || lies || r->n_rows == 0 ? 1 : 0;
        if (json) {
                if (print_json(r, status) != 0)
                        return 2;
        } else {
                print_words(r, refused, lies);
        }
        if (fflush(stdout) != 0) {
                perror("edgeguard check: writing the result");
                return 2;
        }
        return status;
}
