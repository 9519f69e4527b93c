/* `edgeguard check`: the decision for a bundle, explained, with nothing
 * created and nothing logged.  No runc command is called "check". */
#ifndef EDGEGUARD_CHECK_H
#define EDGEGUARD_CHECK_H

/* argv[0] is "check".  Exit status: 0 allow (or audit), 1 refuse, 2 usage. */
int check_main(int argc, char *argv[]);

#endif
