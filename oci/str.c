#include "str.h"

#include <stdarg.h>
#include <stdio.h>

void str_printf_first(char *dst, size_t size, const char *fmt, ...)
{
        va_list ap;

        if (dst[0])
                return;
        va_start(ap, fmt);
        vsnprintf(dst, size, fmt, ap);
        va_end(ap);
}

void str_append(char *dst, size_t size, size_t *len, const char *fmt, ...)
{
        va_list ap;
        int n;

        if (*len + 1 >= size)
                return;
        va_start(ap, fmt);
        n = vsnprintf(dst + *len, size - *len, fmt, ap);
        va_end(ap);
        if (n > 0)
                *len = *len + (size_t)n < size ? *len + (size_t)n : size - 1;
}
