#include "capability.h"

#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "str.h"

static const char *const docker_default[] = {
        "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
        "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
        "CAP_KILL",    "CAP_AUDIT_WRITE",
};

static bool runc_spelling(const char *name)
{
        if (strncmp(name, "CAP_", 4) != 0 || name[4] < 'A' || name[4] > 'Z')
                return false;
        for (const char *c = name + 4; *c; c++)
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        return strlen(name) < CAPABILITY_NAME_MAX;
}

bool capability_name(int value, char out[CAPABILITY_NAME_MAX])
{
        char *lib = value >= 0 ? cap_to_name((cap_value_t)value) : NULL;
        bool named = lib != NULL && strncmp(lib, "cap_", 4) == 0;

        if (named) {
                size_t i;
                memcpy(out, "CAP_", 4);
                for (i = 4; lib[i] && i + 1 < CAPABILITY_NAME_MAX; i++)
                        out[i] = (char)(lib[i] >= 'a' && lib[i] <= 'z' ? lib[i] - 'a' + 'A'
                                                                       : lib[i]);
                out[i] = '\0';
        } else {
                snprintf(out, CAPABILITY_NAME_MAX, "capability %d", value);
        }
        if (lib)
                cap_free(lib);
        return named;
}

/* libcap's names for 0..63 in runc's spelling, read from libcap once: a
 * hostile spec may list a hundred thousand names, and libcap's parser
 * mallocs for each. */
static struct {
        bool read;
        char names[64][CAPABILITY_NAME_MAX];
        bool named[64];
} known;

static int known_value(const char *name)
{
        if (!known.read) {
                for (int v = 0; v < 64; v++)
                        known.named[v] = capability_name(v, known.names[v]);
                known.read = true;
        }
        for (int v = 0; v < 64; v++)
                if (known.named[v] && known.names[v][4] == name[4] &&
                    strcmp(known.names[v], name) == 0)
                        return v;
        return -1;
}

enum capability_status capability_parse(const char *name, int *value, char *canonical)
{
        char round_trip[CAPABILITY_NAME_MAX];
        cap_value_t v;

        if (canonical)
                canonical[0] = '\0';
        /* In runc's spelling a name is libcap's own or none libcap knows
         * (its names are all it takes in upper case); any other spelling
         * is misspelt, and libcap is asked only for the right one. */
        if (runc_spelling(name)) {
                int known_v = known_value(name);
                if (known_v < 0)
                        return CAPABILITY_UNKNOWN;
                *value = known_v;
                return CAPABILITY_OK;
        }
        /* libcap also takes lower case, numbers and comma lists: the name
         * it reads, if one, is the spelling to suggest */
        if (canonical && strchr(name, ',') == NULL && cap_from_name(name, &v) == 0 && v >= 0 &&
            v < 64 && capability_name(v, round_trip))
                str_copy(canonical, CAPABILITY_NAME_MAX, round_trip);
        return CAPABILITY_MISSPELT;
}

uint64_t capability_docker_default(void)
{
        uint64_t set = 0;

        for (size_t i = 0; i < sizeof(docker_default) / sizeof(docker_default[0]); i++) {
                int v;
                if (capability_parse(docker_default[i], &v, NULL) == CAPABILITY_OK)
                        set |= capability_bit(v);
        }
        return set;
}

int capability_count(uint64_t set)
{
        return __builtin_popcountll(set);
}

void capability_list(uint64_t set, char *out, size_t size)
{
        size_t len = 0;

        out[0] = '\0';
        for (int v = 0; v < 64; v++) {
                char name[CAPABILITY_NAME_MAX];
                if (!(set & capability_bit(v)))
                        continue;
                capability_name(v, name);
                str_append(out, size, &len, "%s%s", len ? ", " : "", name);
        }
}
