#include "rfc3339.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void rfc3339_format(struct timespec t, bool micro, char out[RFC3339_MAX])
{
        struct tm tm;
        size_t len;

        if (gmtime_r(&t.tv_sec, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
                memcpy(out, "1970-01-01T00:00:00Z", sizeof "1970-01-01T00:00:00Z");
                return;
        }
        len = strftime(out, RFC3339_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
        if (micro)
                snprintf(out + len, RFC3339_MAX - len, ".%06uZ",
                         (unsigned)(t.tv_nsec / 1000) % 1000000u);
        else
                memcpy(out + len, "Z", 2);
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
        int v = 0;

        for (int i = 0; i < n; i++, (*p)++) {
                if (!isdigit((unsigned char)**p))
                        return false;
                v = v * 10 + (**p - '0');
        }
        *out = v;
        return true;
}

static bool expect(const char **p, const char *chars)
{
        if (**p == '\0' || strchr(chars, **p) == NULL)
                return false;
        (*p)++;
        return true;
}

int rfc3339_parse(const char *text, time_t *out, struct eg_error *err)
{
        static const int days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        struct tm tm = {0};
        const char *p = text;
        int year, mon, day, hour, min, sec, oh = 0, om = 0, sign = 0;
        time_t t;

        if (!digits(&p, 4, &year) || !expect(&p, "-") || !digits(&p, 2, &mon) || !expect(&p, "-") ||
            !digits(&p, 2, &day) || !expect(&p, "Tt") || !digits(&p, 2, &hour) ||
            !expect(&p, ":") || !digits(&p, 2, &min) || !expect(&p, ":") || !digits(&p, 2, &sec))
                goto bad;
        if (*p == '.') {
                p++;
                if (!isdigit((unsigned char)*p))
                        goto bad;
                while (isdigit((unsigned char)*p))
                        p++;
        }
        if (*p == 'Z' || *p == 'z') {
                p++;
        } else if (*p == '+' || *p == '-') {
                sign = *p++ == '+' ? 1 : -1;
                if (!digits(&p, 2, &oh) || !expect(&p, ":") || !digits(&p, 2, &om) || oh > 23 ||
                    om > 59)
                        goto bad;
        } else {
                goto bad;
        }
        if (*p != '\0' || mon < 1 || mon > 12 || day < 1 || day > days[mon - 1] ||
            (mon == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) ||
            hour > 23 || min > 59 || sec > 60)
                goto bad;
        tm.tm_year = year - 1900;
        tm.tm_mon = mon - 1;
        tm.tm_mday = day;
        tm.tm_hour = hour;
        tm.tm_min = min;
        tm.tm_sec = sec;
        t = timegm(&tm);
        *out = t - sign * (oh * 3600 + om * 60);
        return 0;
bad:
        return eg_error_set(err, 0,
                            "\"%.64s\" is not an RFC 3339 date-time such as 2027-01-31T00:00:00Z",
                            text);
}
