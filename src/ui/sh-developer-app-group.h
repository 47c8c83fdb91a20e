/* sh-developer-app-group.h — one network's "own app" settings in the
 * Preferences: a group titled with the network's name, with one row per
 * configuration key its provider declares with a GSettings key
 * (ShConfigKey in sh-config.h). Text keys are bound in one direction and
 * written when applied, after the provider's check; port keys are spin
 * buttons bound both ways, with the provider's word on the callback to
 * register (ShProviderClass.describe_redirect).
 *
 * Rows are named after their key ("facebook-app-id" → "facebook_app_id_row",
 * a port's spin button "…_spin"), so tests and tools can find them.
 */
#pragma once

#include <adwaita.h>

#include "sh-provider-registry.h"

G_BEGIN_DECLS

#define SH_TYPE_DEVELOPER_APP_GROUP (sh_developer_app_group_get_type ())
G_DECLARE_FINAL_TYPE (ShDeveloperAppGroup, sh_developer_app_group, SH, DEVELOPER_APP_GROUP,
                      AdwPreferencesGroup)

/* NULL when @klass declares no key with a GSettings key. */
GtkWidget *sh_developer_app_group_new (ShProviderClass *klass,
                                       GSettings       *settings);

/* Drops every binding and the settings. The Preferences window calls it
 * from its dispose: its pages may outlive it a while, and a binding left
 * would keep the settings alive (as the window's own bindings, which it
 * unbinds there too). */
void       sh_developer_app_group_unbind (ShDeveloperAppGroup *self);

G_END_DECLS
