/* sh-background.h — what `run-in-background` does beyond keeping the
 * process: starting at login, and the desktop's line about the app.
 *
 * Inside Flatpak (sh-flatpak.h) turning the key on asks the Background
 * portal (autostart with --gapplication-service, a reason the person
 * reads); a refusal turns the key off again and is kept as "refusal", the
 * text Preferences shows. Turning it off asks again without autostart, so
 * that the portal removes its entry. Where the portal has SetStatus, the
 * line under the app in GNOME's Background Apps follows the channels
 * ("2 channels need attention", "All channels connected").
 *
 * Outside Flatpak the key writes and removes the XDG autostart entry
 * (sh-autostart.h).
 */
#pragma once

#include <gio/gio.h>
#include "sh-channel-list.h"

G_BEGIN_DECLS

#define SH_TYPE_BACKGROUND (sh_background_get_type ())
G_DECLARE_FINAL_TYPE (ShBackground, sh_background, SH, BACKGROUND, GObject)

/* @settings holds run-in-background; @channels is what the status line
 * describes. */
ShBackground *sh_background_new           (GSettings     *settings,
                                           ShChannelList *channels);
/* Applies the key now (a first start asks the portal, so that the default
 * "on" also means autostart) and follows it from then on. */
void          sh_background_start         (ShBackground  *self);
gboolean      sh_background_get_flatpak   (ShBackground  *self);
/* Why the portal refused, for a person to read; NULL when it did not. */
const char   *sh_background_get_refusal   (ShBackground  *self);
/* The line about the channels, also where no portal shows it. */
const char   *sh_background_get_status    (ShBackground  *self);

G_END_DECLS
