/* sh-notifier-words.c — titles, bodies, buttons and default actions. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-notifier-private.h"
#include "sh-provider-registry.h"
#include "sh-time-format.h"
#include "sh-untrusted-text.h"

#define MAX_LINES 5

/* Names are the networks' (or the data file's): sanitized before a
 * notification server shows them. */
static char *
channel_name (ShChannel *channel)
{
  const char *name = sh_channel_get_name (channel);

  return sh_untrusted_text_sanitize (name != NULL && *name != '\0'
                                     ? name : sh_channel_get_external_id (channel));
}

/* The channels told with @notice's own (its riders, sh-notice.h): "@bakery",
 * or NULL when none. */
static char *
riders_names (const ShNotice *notice)
{
  g_autofree char *names = NULL;

  for (guint i = 0; notice->riders != NULL && i < notice->riders->len; i++)
    {
      g_autofree char *name = channel_name (((ShNotice *) g_ptr_array_index (notice->riders, i))->channel);
      char *longer = names == NULL ? g_strdup (name)
                     /* Translators: between the names of channels told together */
                     : g_strdup_printf (_("%s, %s"), names, name);

      g_free (names);
      names = longer;
    }
  return g_steal_pointer (&names);
}

/* @notice's channel and those told with it: "Bakery & Sons and @bakery". */
static char *
notice_names (const ShNotice *notice)
{
  g_autofree char *name = channel_name (notice->channel);
  g_autofree char *riders = riders_names (notice);

  if (riders == NULL)
    return g_steal_pointer (&name);
  /* Translators: a Facebook Page and the Instagram account that lives on its
   * tokens, "Bakery & Sons and @bakery" */
  return g_strdup_printf (_("%s and %s"), name, riders);
}

/* "in 3 days", "tomorrow", "in 2 hours": the words the list and the window
 * use for the same deadline (sh_time_format_until()). */
static char *
time_left (const ShNotice *notice,
           gint64          now)
{
  ShTokenDeadline deadline = notice->kind == SH_NOTICE_DATA_ACCESS_ENDS
                             ? SH_TOKEN_DEADLINE_DATA_ACCESS : SH_TOKEN_DEADLINE_EXPIRY;

  return sh_time_format_until (sh_token_get_deadline (notice->token, deadline), now);
}

char *
_sh_notifier_words_title (const ShNotice *notice,
                          gint64          now)
{
  g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (notice->token));
  g_autofree char *name = notice_names (notice);
  g_autofree char *riders = NULL;
  gboolean has_owner = owner != NULL && *owner != '\0';
  g_autofree char *left = NULL;

  switch (notice->kind)
    {
    case SH_NOTICE_CHANNEL_DISCONNECTED:
      if ((riders = riders_names (notice)) != NULL)
        {
          g_autofree char *own = channel_name (notice->channel);

          /* Translators: "Bakery & Sons and @bakery are disconnected": a
           * Facebook Page and the Instagram account living on its tokens */
          return g_strdup_printf (_("%s and %s are disconnected"), own, riders);
        }
      /* Translators: %s is a Facebook Page or an X account */
      return g_strdup_printf (_("%s is disconnected"), name);
    case SH_NOTICE_TOKEN_EXPIRES:
      left = time_left (notice, now);
      if (has_owner)
        /* Translators: "Alice Example’s token for Acme Coffee expires in 3 days";
         * the last %s is "in 3 days", "tomorrow", "in 2 hours"… */
        return g_strdup_printf (_("%s’s token for %s expires %s"), owner, name, left);
      /* Translators: the last %s is "in 3 days", "tomorrow", "in 2 hours"… */
      return g_strdup_printf (_("An access token for %s expires %s"), name, left);
    case SH_NOTICE_DATA_ACCESS_ENDS:
      left = time_left (notice, now);
      if (has_owner)
        /* Translators: "Data access through Alice Example’s token for Acme Coffee ends in 7 days" */
        return g_strdup_printf (_("Data access through %s’s token for %s ends %s"),
                                owner, name, left);
      return g_strdup_printf (_("Data access through an access token for %s ends %s"),
                              name, left);
    case SH_NOTICE_TOKEN_DEAD:
    default:
      if (has_owner)
        /* Translators: "Alice Example’s token for Acme Coffee stopped working" */
        return g_strdup_printf (_("%s’s token for %s stopped working"), owner, name);
      return g_strdup_printf (_("An access token for %s stopped working"), name);
    }
}

static char *
notice_body (const ShNotice *notice)
{
  const char *why = sh_network_explain_reason (sh_token_get_network (notice->token),
                                              sh_token_get_last_verdict_reason (notice->token));
  g_autofree char *name = notice_names (notice);
  g_autofree char *riders = riders_names (notice);
  g_autofree char *stays = NULL;

  switch (notice->kind)
    {
    case SH_NOTICE_CHANNEL_DISCONNECTED:
      if (riders != NULL)
        {
          g_autofree char *own = channel_name (notice->channel);

          /* Translators: "… Reconnect Bakery & Sons with a new access token:
           * @bakery comes back with it." */
          stays = g_strdup_printf (_("No access token of these channels works any more. "
                                     "Reconnect %s with a new access token: %s comes back "
                                     "with it."), own, riders);
          return g_strconcat (why, *why ? " " : "", stays, NULL);
        }
      return g_strconcat (why, *why ? " " : "",
                          _("No access token of this channel works any more. Reconnect it with a new access token."),
                          NULL);
    case SH_NOTICE_TOKEN_EXPIRES:
      return g_strdup_printf (_("Add a new access token before it expires to keep %s linked."),
                              name);
    case SH_NOTICE_DATA_ACCESS_ENDS:
      return g_strdup_printf (_("After that, the token can no longer read %s. Sign in again "
                                "before then to keep it linked."), name);
    case SH_NOTICE_TOKEN_DEAD:
    default:
      if (riders != NULL)
        /* Translators: "Bakery & Sons and @bakery stay linked through …" */
        stays = g_strdup_printf (_("%s stay linked through their other access tokens."), name);
      else
        stays = g_strdup_printf (_("%s stays linked through its other access tokens."), name);
      return g_strconcat (why, *why ? " " : "", stays, NULL);
    }
}

static GNotificationPriority
notice_priority (ShNoticeKind kind)
{
  switch (kind)
    {
    case SH_NOTICE_CHANNEL_DISCONNECTED: return G_NOTIFICATION_PRIORITY_URGENT;
    case SH_NOTICE_TOKEN_EXPIRES:
    case SH_NOTICE_DATA_ACCESS_ENDS: return G_NOTIFICATION_PRIORITY_LOW;
    case SH_NOTICE_TOKEN_DEAD:
    default: return G_NOTIFICATION_PRIORITY_NORMAL;
    }
}

/* The most urgent kind first: a group is as urgent as its worst part. */
static int
urgency_rank (ShNoticeKind kind)
{
  return kind == SH_NOTICE_CHANNEL_DISCONNECTED ? 2 : kind == SH_NOTICE_TOKEN_DEAD ? 1 : 0;
}

static char *
group_title (GPtrArray *notices)
{
  guint n_disconnected = 0, n_dead = 0, n_expiring = 0, n_data_access = 0;

  for (guint i = 0; i < notices->len; i++)
    {
      const ShNotice *notice = g_ptr_array_index (notices, i);

      switch (notice->kind)
        {
        /* Its riders are channels too, but share its tokens. */
        case SH_NOTICE_CHANNEL_DISCONNECTED:
          n_disconnected += 1 + (notice->riders != NULL ? notice->riders->len : 0);
          break;
        case SH_NOTICE_TOKEN_DEAD: n_dead++; break;
        case SH_NOTICE_TOKEN_EXPIRES: n_expiring++; break;
        case SH_NOTICE_DATA_ACCESS_ENDS:
        default: n_data_access++; break;
        }
    }

  if (n_disconnected > 0 && n_dead + n_expiring + n_data_access == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel is disconnected",
                                         "%u channels are disconnected", n_disconnected),
                            n_disconnected);
  if (n_disconnected > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u channel is disconnected and more need attention",
                                         "%u channels are disconnected and more need attention",
                                         n_disconnected),
                            n_disconnected);
  if (n_dead > 0 && n_expiring + n_data_access == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u access token stopped working",
                                         "%u access tokens stopped working", n_dead), n_dead);
  if (n_dead > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u access token stopped working and more expire soon",
                                         "%u access tokens stopped working and more expire soon",
                                         n_dead), n_dead);
  if (n_expiring == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Data access ends soon for %u access token",
                                         "Data access ends soon for %u access tokens",
                                         n_data_access), n_data_access);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u access token expires soon",
                                       "%u access tokens expire soon",
                                       n_expiring + n_data_access),
                          n_expiring + n_data_access);
}

static char *
group_body (GPtrArray *notices,
            gint64     now)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < notices->len && i < MAX_LINES; i++)
    {
      g_autofree char *line = _sh_notifier_words_title (g_ptr_array_index (notices, i), now);

      g_string_append_printf (body, "%s%s", body->len ? "\n" : "", line);
    }
  if (notices->len > MAX_LINES)
    g_string_append (body, "\n…");
  return g_string_free (body, FALSE);
}

GNotification *
_sh_notifier_words_build (GPtrArray *notices,
                          gint64     now,
                          gboolean   escape_body)
{
  const ShNotice *top = NULL;
  ShChannel *only_channel = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  g_autofree char *escaped = NULL;
  GNotification *notification;

  g_return_val_if_fail (notices != NULL && notices->len > 0, NULL);

  for (guint i = 0; i < notices->len; i++)
    {
      const ShNotice *notice = g_ptr_array_index (notices, i);

      if (top == NULL || urgency_rank (notice->kind) > urgency_rank (top->kind))
        top = notice;
      if (i == 0)
        only_channel = notice->channel;
      else if (only_channel != notice->channel)
        only_channel = NULL;
    }

  if (notices->len == 1)
    {
      title = _sh_notifier_words_title (top, now);
      body = notice_body (top);
    }
  else
    {
      title = group_title (notices);
      body = group_body (notices, now);
    }
  notification = g_notification_new (title);
  if (escape_body)
    escaped = g_markup_escape_text (body, -1);
  g_notification_set_body (notification, escaped != NULL ? escaped : body);
  g_notification_set_priority (notification, notice_priority (top->kind));
  g_notification_set_default_action_and_target (notification, "app.show-channel", "s",
                                                 only_channel != NULL
                                                 ? sh_channel_get_id (only_channel) : "");
  if (only_channel != NULL)
    {
      /* The network's glyph, as in the window (data/icons, installed in hicolor);
       * a group may span networks and keeps the app's icon. */
      const char *network = sh_channel_get_network (only_channel);
      g_autoptr(GIcon) icon = g_themed_icon_new (sh_network_get_icon_name (network));

      g_notification_set_icon (notification, icon);
    }
  if (only_channel != NULL)
    g_notification_add_button_with_target (notification,
                                           top->kind == SH_NOTICE_CHANNEL_DISCONNECTED
                                           ? _("Reconnect") : _("Add Access Token"),
                                           "app.add-token", "s", sh_channel_get_id (only_channel));
  return notification;
}

GNotification *
_sh_notifier_words_build_person (GPtrArray *notices,
                                 gboolean   escape_body)
{
  const ShNotice *first;
  g_autoptr(GHashTable) linked = g_hash_table_new (NULL, NULL);
  guint n_tokens = 0, n_disconnected = 0, n_linked;
  g_autofree char *owner = NULL;
  g_autofree char *target = NULL;
  g_autofree char *title = NULL;
  g_autofree char *lost = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *body = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GIcon) icon = NULL;
  g_autoptr(GString) named = g_string_new (NULL);
  const char *reason;
  GNotification *notification;

  g_return_val_if_fail (notices != NULL && notices->len > 0, NULL);

  first = g_ptr_array_index (notices, 0);
  for (guint i = 0; i < notices->len; i++)
    {
      const ShNotice *notice = g_ptr_array_index (notices, i);
      guint n_riders = notice->riders != NULL ? notice->riders->len : 0;

      n_tokens += sh_notice_count_person_tokens (notice);
      if (notice->kind == SH_NOTICE_CHANNEL_DISCONNECTED)
        n_disconnected += 1 + n_riders;
      else
        {
          g_hash_table_add (linked, notice->channel);
          for (guint j = 0; j < n_riders; j++)
            g_hash_table_add (linked, ((ShNotice *) g_ptr_array_index (notice->riders, j))->channel);
        }
      /* The channels told together are named, not only counted. */
      if (n_riders > 0)
        {
          g_autofree char *line = _sh_notifier_words_title (notice, 0);

          g_string_append_printf (named, "\n%s", line);
        }
    }
  /* What is left of the group is one token's: its own words say it. */
  if (n_tokens < 2 || first->token == NULL)
    return NULL;
  n_linked = g_hash_table_size (linked);

  owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (first->token));
  if (owner == NULL || *owner == '\0')
    {
      g_free (owner);
      owner = sh_untrusted_text_sanitize (sh_token_get_owner_id (first->token));
    }
  reason = sh_token_reason_get_short_label (sh_token_get_last_verdict_reason (first->token));
  /* Translators: "Ana Example’s 8 access tokens stopped working (password changed)";
   * the last %s is a reason in a few words */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%s’s %u access token stopped working (%s)",
                                        "%s’s %u access tokens stopped working (%s)", n_tokens),
                           owner, n_tokens, reason);
  lost = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u channel disconnected",
                                       "%u channels disconnected", n_disconnected),
                          n_disconnected);
  kept = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u still linked", "%u still linked",
                                       n_linked), n_linked);
  if (n_disconnected > 0 && n_linked > 0)
    /* Translators: "3 channels disconnected, 5 still linked." */
    body = g_strdup_printf (_("%s, %s."), lost, kept);
  else
    /* Translators: "3 channels disconnected." or "5 still linked." */
    body = g_strdup_printf (_("%s."), n_disconnected > 0 ? lost : kept);
  if (named->len > 0)
    {
      char *longer = g_strconcat (body, named->str, NULL);

      g_free (body);
      body = longer;
    }

  notification = g_notification_new (title);
  if (escape_body)
    escaped = g_markup_escape_text (body, -1);
  g_notification_set_body (notification, escaped != NULL ? escaped : body);
  g_notification_set_priority (notification, n_disconnected > 0 ? G_NOTIFICATION_PRIORITY_URGENT
                                                                : G_NOTIFICATION_PRIORITY_NORMAL);
  /* The People page on that person (app.show-person, issue 17). */
  target = g_strconcat (sh_token_get_network (first->token), ":",
                        sh_token_get_owner_id (first->token), NULL);
  g_notification_set_default_action_and_target (notification, "app.show-person", "s", target);
  icon = g_themed_icon_new (sh_network_get_icon_name (sh_token_get_network (first->token)));
  g_notification_set_icon (notification, icon);
  return notification;
}
