/* The ovni command's subcommands: each returns the process exit code
 * (0 ok, 1 input or processing error, 2 usage error). */
#ifndef OVNI_CLI_H
#define OVNI_CLI_H

#include "ovni/ovni.h"

int cli_info(int argc, char **argv);
int cli_demo(int argc, char **argv);

/* Opens the device from --device/--cpu choices (NULL: auto). */
int cli_open_device(const char *spec, ovni_device **dev);

#endif
