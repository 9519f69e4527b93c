/* No personalities on Windows: personality(2) fails (ENOSYS). */
#ifndef EDGEGUARD_WIN_SYS_PERSONALITY_H
#define EDGEGUARD_WIN_SYS_PERSONALITY_H
#define PER_LINUX32 0x0008
int personality(unsigned long persona);
#endif
