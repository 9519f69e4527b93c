/* Between decide.c and the files holding its rules: how a rule states
 * its outcome. */
#ifndef EDGEGUARD_RULES_H
#define EDGEGUARD_RULES_H

#include "decision.h"

void rule_set_result(struct decision *d, enum rule r, enum outcome o, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

#define pass(d, r, ...) rule_set_result(d, r, OUTCOME_PASS, __VA_ARGS__)
#define fail(d, r, ...) rule_set_result(d, r, OUTCOME_FAIL, __VA_ARGS__)
#define skip(d, r, ...) rule_set_result(d, r, OUTCOME_SKIPPED, __VA_ARGS__)

/* The rules over what the container may do, privileged, capabilities
 * and seccomp (privilege.c); in->facts is set. */
void rules_privilege(struct decision *d, const struct decision_input *in);

/* The hooks rule (hooks_rule.c); in->facts is set, in->host may be NULL. */
void rule_hooks(struct decision *d, const struct decision_input *in);

/* The spec's seccomp architectures, space separated ("" for none). */
void seccomp_arch_names(const struct spec *s, char *out, size_t size);

/* The SCMP_ARCH_ name of `p`'s system calls when the spec's seccomp
 * filter would kill them for their architecture; NULL when it would not
 * (or there is no filter, or libseccomp has no name for the arch). */
const char *seccomp_arch_gap(const struct spec *s, uint32_t runtime_native,
                             const struct platform *p);

/* How a Windows host of build `host` runs process-isolated containers of
 * build `container`: "the same build" or the documented compatibility that
 * allows it; NULL when it does not (decide.c's table). */
const char *windows_builds_match(long host, long container);

#endif
