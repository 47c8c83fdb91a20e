/* sh-desktop-status.c — the channels in one line. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-channel.h"
#include "sh-desktop-status.h"

char *
sh_desktop_status_describe (GListModel *channels)
{
  guint n = g_list_model_get_n_items (channels);
  guint n_attention = 0, n_unknown = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);

      switch (sh_channel_get_state (channel))
        {
        case SH_CHANNEL_STATE_DEGRADED:
        case SH_CHANNEL_STATE_DISCONNECTED:
          n_attention++;
          break;
        case SH_CHANNEL_STATE_UNKNOWN:
          n_unknown++;
          break;
        case SH_CHANNEL_STATE_CONNECTED:
        default:
          break;
        }
    }
  if (n_attention > 0)
    /* Translators: shown by the desktop beside the app running in the background */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel needs attention",
                                         "%u channels need attention", n_attention),
                            n_attention);
  if (n_unknown > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel not checked yet",
                                         "%u channels not checked yet", n_unknown),
                            n_unknown);
  if (n == 0)
    return g_strdup (_("No channels yet"));
  return g_strdup (_("All channels connected"));
}
