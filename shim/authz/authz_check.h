/* `edgeguard-authz check REQUEST.json`: explains a recorded AuthZReq
 * offline, as `edgeguard check` does a bundle. */
#ifndef EDGEGUARD_AUTHZ_CHECK_H
#define EDGEGUARD_AUTHZ_CHECK_H

int authz_check_main(int argc, char *argv[]);

#endif
