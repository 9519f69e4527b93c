#include "platform_match.h"

#include <stdio.h>
#include <string.h>

#include "str.h"

/* containerd's normalized form, which differs from platform_normalize in
 * one place: amd64's "v1" is no variant. */
static void match_form(const struct platform *in, struct platform *out)
{
        *out = *in;
        if (out->os[0] == '\0')
                str_copy(out->os, sizeof(out->os), "linux");
        platform_normalize(out);
        if (strcmp(out->arch, "amd64") == 0 && strcmp(out->variant, "v1") == 0)
                out->variant[0] = '\0';
}

static void push(struct platform out[PLATFORM_VECTOR_MAX], size_t *n, const struct platform *base,
                 const char *arch, int variant)
{
        struct platform *p;

        if (*n == PLATFORM_VECTOR_MAX)
                return;
        p = &out[(*n)++];
        *p = *base;
        str_copy(p->arch, sizeof(p->arch), arch);
        if (variant > 0)
                snprintf(p->variant, sizeof(p->variant), "v%d", variant);
        else
                p->variant[0] = '\0';
}

size_t platform_match_vector(const struct platform *target, bool ia32,
                             struct platform out[PLATFORM_VECTOR_MAX])
{
        struct platform t;
        size_t n = 0;
        int level;

        match_form(target, &t);
        out[n++] = t;
        level = platform_variant_level(t.variant);
        if (strcmp(t.arch, "amd64") == 0) {
                for (int v = level - 1; v >= 1; v--)
                        push(out, &n, &t, "amd64", v == 1 ? 0 : v);
                if (ia32)
                        push(out, &n, &t, "386", 0);
        } else if (strcmp(t.arch, "arm") == 0) {
                for (int v = level - 1; v >= 5; v--)
                        push(out, &n, &t, "arm", v);
        } else if (strcmp(t.arch, "arm64") == 0) {
                for (int v = 8; v >= 5; v--)
                        push(out, &n, &t, "arm", v);
        }
        return n;
}

static bool matches(const struct platform *want, const struct platform *c)
{
        if (strcmp(want->os, c->os) != 0 || strcmp(want->arch, c->arch) != 0 ||
            strcmp(want->variant, c->variant) != 0)
                return false;
        if (strcmp(want->os, "windows") == 0 && want->os_version[0] && c->os_version[0])
                return platform_windows_build(want->os_version) ==
                       platform_windows_build(c->os_version);
        return true;
}

int platform_match_rank(const struct platform *target, bool ia32, const struct platform *candidate)
{
        struct platform vector[PLATFORM_VECTOR_MAX], c;
        size_t n = platform_match_vector(target, ia32, vector);

        match_form(candidate, &c);
        for (size_t i = 0; i < n; i++)
                if (matches(&vector[i], &c))
                        return (int)i;
        return -1;
}

ssize_t platform_match_select(const struct platform *target, bool ia32,
                              const struct platform *candidates, const bool *usable, size_t n)
{
        ssize_t best = -1;
        int best_rank = PLATFORM_VECTOR_MAX;

        for (size_t i = 0; i < n; i++) {
                int r;
                if (usable != NULL && !usable[i])
                        continue;
                r = platform_match_rank(target, ia32, &candidates[i]);
                if (r >= 0 && r < best_rank) {
                        best_rank = r;
                        best = (ssize_t)i;
                }
        }
        return best;
}
