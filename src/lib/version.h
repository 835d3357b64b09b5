/* Versions of minirun, the spec it implements and the libraries it runs with. */
#ifndef MINIRUN_VERSION_H
#define MINIRUN_VERSION_H

/* The text of `minirun --version`, newline-terminated (static storage). */
const char *mr_version_text(void);

/* "2.5.4": the libseccomp in use at run time. */
const char *mr_version_libseccomp(void);

#endif
