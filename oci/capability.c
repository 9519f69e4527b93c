#include "capability.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

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

/* Linux's capabilities by number (include/uapi/linux/capability.h, 0 to
 * CAP_CHECKPOINT_RESTORE of 5.9), the names runc 1.1 knows.  A table
 * built at compile time: nothing to fill at run time, so nothing to lock
 * in the plugin's threads (pthread_once is not on every mingw build), and
 * no libcap call per name (a hostile spec may list a hundred thousand). */
static const char *const names[] = {
        "CAP_CHOWN",              /* 0 */
        "CAP_DAC_OVERRIDE",       /* 1 */
        "CAP_DAC_READ_SEARCH",    /* 2 */
        "CAP_FOWNER",             /* 3 */
        "CAP_FSETID",             /* 4 */
        "CAP_KILL",               /* 5 */
        "CAP_SETGID",             /* 6 */
        "CAP_SETUID",             /* 7 */
        "CAP_SETPCAP",            /* 8 */
        "CAP_LINUX_IMMUTABLE",    /* 9 */
        "CAP_NET_BIND_SERVICE",   /* 10 */
        "CAP_NET_BROADCAST",      /* 11 */
        "CAP_NET_ADMIN",          /* 12 */
        "CAP_NET_RAW",            /* 13 */
        "CAP_IPC_LOCK",           /* 14 */
        "CAP_IPC_OWNER",          /* 15 */
        "CAP_SYS_MODULE",         /* 16 */
        "CAP_SYS_RAWIO",          /* 17 */
        "CAP_SYS_CHROOT",         /* 18 */
        "CAP_SYS_PTRACE",         /* 19 */
        "CAP_SYS_PACCT",          /* 20 */
        "CAP_SYS_ADMIN",          /* 21 */
        "CAP_SYS_BOOT",           /* 22 */
        "CAP_SYS_NICE",           /* 23 */
        "CAP_SYS_RESOURCE",       /* 24 */
        "CAP_SYS_TIME",           /* 25 */
        "CAP_SYS_TTY_CONFIG",     /* 26 */
        "CAP_MKNOD",              /* 27 */
        "CAP_LEASE",              /* 28 */
        "CAP_AUDIT_WRITE",        /* 29 */
        "CAP_AUDIT_CONTROL",      /* 30 */
        "CAP_SETFCAP",            /* 31 */
        "CAP_MAC_OVERRIDE",       /* 32 */
        "CAP_MAC_ADMIN",          /* 33 */
        "CAP_SYSLOG",             /* 34 */
        "CAP_WAKE_ALARM",         /* 35 */
        "CAP_BLOCK_SUSPEND",      /* 36 */
        "CAP_AUDIT_READ",         /* 37 */
        "CAP_PERFMON",            /* 38 */
        "CAP_BPF",                /* 39 */
        "CAP_CHECKPOINT_RESTORE", /* 40 */
};

#define N_NAMES ((int)(sizeof(names) / sizeof(names[0])))

bool capability_name(int value, char out[CAPABILITY_NAME_MAX])
{
        if (value >= 0 && value < N_NAMES) {
                str_copy(out, CAPABILITY_NAME_MAX, names[value]);
                return true;
        }
        snprintf(out, CAPABILITY_NAME_MAX, "capability %d", value);
        return false;
}

static int known_value(const char *name)
{
        for (int v = 0; v < N_NAMES; v++)
                if (names[v][4] == name[4] && strcmp(names[v], name) == 0)
                        return v;
        return -1;
}

/* What libcap's cap_from_name would read a spelling runc refuses as: a
 * number (strtoul base 0: "21", "0x15") or "cap_" and a name in any case;
 * -1 for none (a comma list among them). */
static int lenient_value(const char *name)
{
        char *end;
        unsigned long n;

        if (strchr(name, ',') != NULL)
                return -1;
        if (name[0] >= '0' && name[0] <= '9') {
                n = strtoul(name, &end, 0);
                return *end == '\0' && n < (unsigned long)N_NAMES ? (int)n : -1;
        }
        if (strncasecmp(name, "cap_", 4) != 0)
                return -1;
        for (int v = 0; v < N_NAMES; v++)
                if (strcasecmp(names[v] + 4, name + 4) == 0)
                        return v;
        return -1;
}

enum capability_status capability_parse(const char *name, int *value, char *canonical)
{
        int v;

        if (canonical)
                canonical[0] = '\0';
        /* In runc's spelling a name is in the table or unknown; any other
         * spelling is misspelt, and the right one is suggested when libcap
         * would have read it */
        if (runc_spelling(name)) {
                if ((v = known_value(name)) < 0)
                        return CAPABILITY_UNKNOWN;
                *value = v;
                return CAPABILITY_OK;
        }
        if (canonical && (v = lenient_value(name)) >= 0)
                str_copy(canonical, CAPABILITY_NAME_MAX, names[v]);
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
