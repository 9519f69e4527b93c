/* `edgeguard why`: the latest decisions about a module, read back from the
 * decision log and told in words, with the fix.  No runc command is
 * called "why". */
#ifndef EDGEGUARD_WHY_H
#define EDGEGUARD_WHY_H

/* argv[0] is "why".  Exit status: 0 something matched, 1 nothing did (or
 * there is no log), 2 usage, or a log that cannot be read. */
int why_main(int argc, char *argv[]);

#endif
