/* sh-cli-application.h — the headless GApplication for --list, --check, …
 *
 * Same application id as the window, so that when the window is open a
 * command is forwarded to it; when it is not, this instance runs the command
 * itself without initialising GTK (no display needed).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SH_TYPE_CLI_APPLICATION (sh_cli_application_get_type ())
G_DECLARE_FINAL_TYPE (ShCliApplication, sh_cli_application, SH, CLI_APPLICATION, GApplication)

ShCliApplication *sh_cli_application_new                   (void);
int               sh_cli_application_get_local_exit_status (ShCliApplication *self);
/* NULL before startup. */
struct _ShManager *sh_cli_application_get_manager         (ShCliApplication *self);

G_END_DECLS
