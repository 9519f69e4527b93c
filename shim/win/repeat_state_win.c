/* The repeat table on Windows: not kept (its Linux version, shim/repeat_state.c,
 * waits on flock under a SIGALRM timer, neither of which Windows has), so
 * every refusal is written as the first of its kind.  The plugin does not
 * ask for it anyway: its decision log path is not a '/' path on Windows. */
#ifdef _WIN32
#include <string.h>

#include "../repeat_state.h"

void repeat_state_observe(const char *log_path, const char *key, time_t now, long window,
                          struct repeat_note *note)
{
        (void)log_path, (void)key, (void)window;
        memset(note, 0, sizeof(*note));
        note->write = true;
        note->count = 1;
        note->first = now;
}
#endif
