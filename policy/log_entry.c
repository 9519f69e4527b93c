#include "log_entry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../oci/rfc3339.h"
#include "log_reader.h"

const char *log_entry_string(const struct json_value *v, const char *key)
{
        const struct json_value *m = json_get(v, key);

        return m && m->type == JSON_STRING ? m->text : NULL;
}

long long log_entry_count(const struct json_value *v, const char *key)
{
        const struct json_value *m = json_get(v, key);
        char *end;
        long long n;

        if (m == NULL || m->type != JSON_NUMBER || m->text[0] == '-')
                return -1;
        errno = 0;
        n = strtoll(m->text, &end, 10);
        return errno == 0 && *end == '\0' ? n : -1;
}

static int verdict_from_name(const char *name, enum verdict *out)
{
        for (enum verdict v = VERDICT_ALLOW; v <= VERDICT_REFUSE; v++)
                if (strcmp(name, verdict_name(v)) == 0) {
                        *out = v;
                        return 0;
                }
        return -1;
}

int log_entry_parse(const char *text, size_t len, struct log_entry *e, struct eg_error *err)
{
        const struct json_value *repeat;
        long long n;

        memset(e, 0, sizeof(*e));
        if (json_parse(text, len, LOG_LINE_MAX, LOG_ENTRY_DEPTH_MAX, &e->root, err) < 0)
                return -1;
        if (e->root.type != JSON_OBJECT)
                return eg_error_set(err, 0, "%s, not a record (an object)",
                                    json_type_name(e->root.type));
        if ((e->decision = log_entry_string(&e->root, "decision")) == NULL ||
            verdict_from_name(e->decision, &e->verdict) < 0)
                return eg_error_set(err, 0, "no \"decision\" of allow, audit or refuse");
        if ((e->time_text = log_entry_string(&e->root, "time")) == NULL)
                return eg_error_set(err, 0, "no \"time\"");
        if (rfc3339_parse(e->time_text, &e->time, err) < 0)
                return eg_error_prefix(err, "\"time\"");
        e->rule = log_entry_string(&e->root, "rule");
        e->reason = log_entry_string(&e->root, "reason");
        e->verb = log_entry_string(&e->root, "verb");
        e->door = log_entry_string(&e->root, "door");
        e->id = log_entry_string(&e->root, "id");
        e->name = log_entry_string(&e->root, "name");
        e->image = log_entry_string(&e->root, "image");
        e->image_id = log_entry_string(&e->root, "image_id");
        e->pod = log_entry_string(&e->root, "pod");
        if ((repeat = json_get(&e->root, "repeat")) != NULL) {
                e->repeat_count = (n = log_entry_count(repeat, "count")) > 0 ? n : 0;
                e->repeat_unlogged = (n = log_entry_count(repeat, "unlogged")) > 0 ? n : 0;
                e->repeat_since = log_entry_string(repeat, "since");
        }
        return 0;
}

void log_entry_free(struct log_entry *e)
{
        json_free(&e->root);
        memset(e, 0, sizeof(*e));
}
