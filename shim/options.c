#include "options.h"

#include <string.h>

bool option(char *argv[], int *i, int argc, const char *name, const char **value, bool *missing)
{
        size_t n = strlen(name);

        if (strncmp(argv[*i], name, n) != 0)
                return false;
        if (argv[*i][n] == '=') {
                *value = argv[*i] + n + 1;
                return true;
        }
        if (argv[*i][n] != '\0')
                return false;
        if (*i + 1 >= argc) {
                *missing = true;
                return true;
        }
        *value = argv[++*i];
        return true;
}
