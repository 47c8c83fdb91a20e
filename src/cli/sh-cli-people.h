/* sh-cli-people.h — `socialhub --people [--json]`: each person who granted
 * tokens and the channels that hang on them alone (sh-people.h), and the
 * count of such channels under --check's summary.
 *
 * The JSON form is ARCHITECTURE.md's and the README's, field for field:
 * {"people":[{"network","user_id","name","tokens":[ids],"sole_link_channels":[ids]}]},
 * user_id and name null where the network did not say.
 */
#pragma once

#include <gio/gio.h>

#include "sh-manager.h"

G_BEGIN_DECLS

void sh_cli_people_print               (ShManager               *manager,
                                        GApplicationCommandLine *cmdline,
                                        gboolean                 json);
/* The line under --check's channels: "2 channels hang on one person: …"
 * (nothing when there is no channel). */
void sh_cli_people_print_check_summary (ShManager               *manager,
                                        GApplicationCommandLine *cmdline);

G_END_DECLS
