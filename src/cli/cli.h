/* Entry points of the non-interactive front ends. */
#ifndef NSLAB_CLI_H
#define NSLAB_CLI_H

/* nslab run [OPTIONS] -- CMD; returns the exit code. */
int cli_run(int argc, char **argv);

#endif
