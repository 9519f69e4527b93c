#include "backend.h"

#include <string.h>

#include "crun_argv.h"

enum backend_grammar backend_grammar_of(const char *path)
{
        const char *base = strrchr(path, '/');

        base = base ? base + 1 : path;
        if (strcmp(base, "crun") == 0 || strncmp(base, "crun-", 5) == 0)
                return BACKEND_CRUN;
        return BACKEND_RUNC;
}

const char *backend_name(enum backend_grammar g)
{
        return g == BACKEND_CRUN ? "crun" : "runc";
}

int backend_argv_parse(enum backend_grammar g, int argc, char *const argv[], struct runc_argv *out,
                       struct eg_error *err)
{
        return g == BACKEND_CRUN ? crun_argv_parse(argc, argv, out, err)
                                 : runc_argv_parse(argc, argv, out, err);
}

const char *backend_default_root(enum backend_grammar g)
{
        return g == BACKEND_CRUN ? "/run/crun" : "/run/runc";
}
