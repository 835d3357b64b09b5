/* RLIMIT_* names as the spec writes them. */
#ifndef MINIRUN_RLIMIT_NAMES_H
#define MINIRUN_RLIMIT_NAMES_H

/* The resource number for setrlimit(2), or -1 when unknown. */
int mr_rlimit_from_name(const char *name);

#endif
