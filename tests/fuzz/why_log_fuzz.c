/* The decision log read back (`edgeguard why`): the bounded line reader,
 * each line's record, the filters and grouping, and the text of the kept
 * records, on any file. */
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../policy/log_explain.h"
#include "../../policy/log_select.h"
#include "fuzz.h"

static int fd = -1;

static void tell(const struct log_hit *h)
{
        char *line = malloc(h->len + 1), *text = NULL;
        struct log_entry e;
        struct eg_error err = {0};

        if (line == NULL || pread(fd, line, h->len, h->offset) != (ssize_t)h->len)
                abort(); /* a kept record is where the reader found it */
        if (log_entry_parse(line, h->len, &e, &err) < 0)
                abort(); /* and it parsed then */
        if (log_explain_format(&e, &text, &err) < 0)
                abort();
        free(text);
        log_entry_free(&e);
        free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const whos[] = {NULL, "web", "3f"};
        struct eg_error err = {0};

        if (fd < 0 && (fd = memfd_create("fuzz-log", MFD_CLOEXEC)) < 0)
                abort();
        fuzz_write_file(fd, data, size);
        for (size_t w = 0; w < sizeof(whos) / sizeof(whos[0]); w++) {
                struct log_filter f = {.who = whos[w], .last = 2};
                struct log_selection s;
                struct log_reader r;
                struct log_line line;

                if (lseek(fd, 0, SEEK_SET) != 0 || log_reader_init(&r, fd, &err) < 0)
                        abort();
                log_select_init(&s, &f);
                do {
                        if (log_reader_next(&r, &line, &err) < 0)
                                abort();
                        log_select_line(&s, 0, "fuzz.jsonl", &line);
                } while (line.kind != LOG_LINE_END);
                log_reader_free(&r);
                if (s.records + s.faulty > s.lines)
                        abort();
                for (size_t g = 0; g < s.n_groups; g++)
                        for (size_t i = 0; i < s.groups[g].n_hits; i++)
                                tell(log_group_hit(&s.groups[g], &f, i));
                log_select_free(&s);
        }
        return 0;
}
