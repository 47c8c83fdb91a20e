/* sh-json-output.c — the command line's view of the channels. */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sh-channel.h"
#include "sh-provider-registry.h"
#include "sh-json.h"
#include "sh-json-output.h"
#include "sh-people.h"
#include "sh-store-format.h"
#include "sh-time-format.h"
#include "sh-untrusted-text.h"

static void
add_reason (JsonBuilder   *builder,
            ShTokenReason  reason)
{
  json_builder_set_member_name (builder, "reason");
  if (reason != SH_TOKEN_REASON_NONE)
    json_builder_add_string_value (builder, sh_token_reason_to_string (reason));
  else
    json_builder_add_null_value (builder);
}

/* "verdict": the last real verdict, kept through attempts that reached
 * none (offline, rate limits), or null before the first one. */
static void
build_verdict (JsonBuilder *builder,
               ShToken     *token)
{
  ShTokenState state = sh_token_get_last_verdict (token);

  json_builder_set_member_name (builder, "verdict");
  if (!sh_token_state_is_verdict (state))
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sh_token_state_to_string (state));
  add_reason (builder, sh_token_get_last_verdict_reason (token));
  json_builder_set_member_name (builder, "at");
  json_builder_add_int_value (builder, sh_token_get_checked_at (token));
  json_builder_end_object (builder);
}

static void
build_token (JsonBuilder *builder,
             ShChannel   *channel,
             ShToken     *token)
{

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, sh_token_get_id (token));
  /* A token shared from another channel (an account living on a Page's
   * tokens): that channel's id, and the token it shares. */
  if (sh_token_get_shares (token) != NULL)
    {
      sh_json_builder_add_string (builder, "via", sh_channel_get_via (channel));
      sh_json_builder_add_string (builder, "shares", sh_token_get_shares (token));
    }
  json_builder_set_member_name (builder, "owner");
  if (sh_token_get_owner_name (token) != NULL)
    json_builder_add_string_value (builder, sh_token_get_owner_name (token));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sh_token_state_to_string (sh_token_get_state (token)));
  add_reason (builder, sh_token_get_reason (token));
  build_verdict (builder, token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, sh_token_get_expires_at (token));
  /* Only when expires_at is an estimate (a pasted token of unknown age):
   * the latest it can end. */
  if (sh_token_get_expires_by (token) != 0)
    {
      json_builder_set_member_name (builder, "expires_by");
      json_builder_add_int_value (builder, sh_token_get_expires_by (token));
    }
  json_builder_set_member_name (builder, "checked_at");
  json_builder_add_int_value (builder, sh_token_get_checked_at (token));
  /* The token broker's hand-outs: [{"at","via","by"}], newest last. */
  json_builder_set_member_name (builder, "handouts");
  sh_store_format_build_handouts (builder, token);
  json_builder_end_object (builder);
}

char *
sh_output_channels_json (GListModel *channels)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n = g_list_model_get_n_items (channels);
  /* people_linked of every channel, in one pass over the tokens. */
  g_autoptr(ShPeople) people = sh_people_new (channels);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "channels");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, sh_channel_get_id (channel));
      json_builder_set_member_name (builder, "network");
      json_builder_add_string_value (builder, sh_channel_get_network (channel));
      json_builder_set_member_name (builder, "external_id");
      json_builder_add_string_value (builder, sh_channel_get_external_id (channel));
      json_builder_set_member_name (builder, "name");
      if (sh_channel_get_name (channel) != NULL)
        json_builder_add_string_value (builder, sh_channel_get_name (channel));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, sh_channel_state_to_string (sh_channel_get_state (channel)));
      if (sh_channel_get_via (channel) != NULL)
        sh_json_builder_add_string (builder, "via", sh_channel_get_via (channel));
      json_builder_set_member_name (builder, "people_linked");
      json_builder_add_int_value (builder, sh_people_get_linked (people, channel));
      json_builder_set_member_name (builder, "tokens");
      json_builder_begin_array (builder);
      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          build_token (builder, channel, token);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return sh_json_builder_to_string (builder);
}

static char *
describe_expiry (ShToken *token,
                 gint64   now)
{
  gint64 expires_at = sh_token_get_expires_at (token);
  gint64 expires_by = sh_token_get_expires_by (token);
  g_autofree char *until = NULL;

  if (expires_at == 0)
    return g_strdup (_("never expires"));
  if (expires_by > now)
    {
      until = sh_time_format_until (expires_by, now);
      /* Translators: a token whose age is unknown; %s is "in 2 hours"… */
      return g_strdup_printf (_("expires %s at the latest, maybe sooner (estimated)"), until);
    }
  if (expires_at <= now)
    return g_strdup (_("expiry date passed"));
  until = sh_time_format_until (expires_at, now);
  /* Translators: %s is "in 3 days", "tomorrow", "in 2 hours"… */
  return g_strdup_printf (_("expires %s"), until);
}

/* One token in a line: its last verdict, then a later attempt that reached
 * none, then the expiry of a token that works. "invalid (password
 * changed), not rechecked: rate limited", "valid, expires in 3 days". */
static char *
describe_token (ShToken *token,
                gint64   now)
{
  ShTokenState verdict = sh_token_get_last_verdict (token);
  ShTokenReason verdict_reason = sh_token_get_last_verdict_reason (token);
  ShTokenReason reason = sh_token_get_reason (token);
  GString *out = g_string_new (NULL);

  if (!sh_token_state_is_verdict (verdict))
    g_string_append (out, sh_token_state_get_short_label (SH_TOKEN_STATE_UNKNOWN));
  else if (verdict_reason != SH_TOKEN_REASON_NONE)
    /* Translators: a token's last verdict and why, e.g. "invalid (password changed)" */
    g_string_append_printf (out, _("%s (%s)"), sh_token_state_get_short_label (verdict),
                            sh_token_reason_get_short_label (verdict_reason));
  else
    g_string_append (out, sh_token_state_get_short_label (verdict));

  if (!sh_token_state_is_verdict (sh_token_get_state (token)) && reason != SH_TOKEN_REASON_NONE)
    {
      if (sh_token_state_is_verdict (verdict))
        /* Translators: after a token's last verdict, why the check after it
         * reached none, e.g. ", not rechecked: rate limited" */
        g_string_append_printf (out, _(", not rechecked: %s"),
                                sh_token_reason_get_short_label (reason));
      else
        /* Translators: why a token never checked was not, e.g. "not checked: offline" */
        g_string_append_printf (out, _(": %s"), sh_token_reason_get_short_label (reason));
    }

  if (sh_token_state_is_usable (sh_token_get_effective_state (token)) &&
      reason != SH_TOKEN_REASON_SECRET_MISSING)
    {
      g_autofree char *expiry = describe_expiry (token, now);

      g_string_append_printf (out, ", %s", expiry);
    }
  return g_string_free (out, FALSE);
}

char *
sh_output_channels_text (GListModel *channels,
                         gint64      now)
{
  GString *out = g_string_new (NULL);
  guint n = g_list_model_get_n_items (channels);

  if (n == 0)
    {
      GPtrArray *networks = sh_provider_registry_list ();
      const char *first = networks->len > 0
                          ? ((ShProviderClass *) g_ptr_array_index (networks, 0))->network
                          : "NETWORK";

      /* Translators: %s is a network id for the command line, e.g. facebook */
      g_string_append_printf (out, _("No channels yet. Add one with “socialhub --login %s” or "
                                     "in the window."), first);
      g_string_append_c (out, '\n');
      return g_string_free (out, FALSE);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ShChannel) channel = g_list_model_get_item (channels, i);
      GListModel *tokens = sh_channel_get_tokens (channel);
      g_autofree char *summary = sh_channel_dup_summary (channel);
      /* Names and ids come from a network or the data file: a terminal
       * gets them sanitized (the JSON form keeps them exact). */
      g_autofree char *name = sh_untrusted_text_sanitize (sh_channel_get_name (channel) ?:
                                                          sh_channel_get_external_id (channel));

      /* Translators: channel name, kind, state and summary, e.g.
       * "Acme Coffee (Facebook Page): Degraded, 1 of 2 tokens valid" */
      g_string_append_printf (out, _("%s (%s): %s, %s\n"),
                              name,
                              sh_network_get_display_name (sh_channel_get_network (channel)),
                              sh_channel_state_get_label (sh_channel_get_state (channel)),
                              summary);
      for (guint j = 0; j < g_list_model_get_n_items (tokens); j++)
        {
          g_autoptr(ShToken) token = g_list_model_get_item (tokens, j);
          g_autofree char *line = describe_token (token, now);
          g_autofree char *id = sh_untrusted_text_sanitize (sh_token_get_id (token));
          g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (token));
          ShTokenReason reason = sh_token_get_last_verdict_reason (token);

          g_string_append_printf (out, "  %s  %s: %s", id, owner ?: _("unknown owner"), line);
          /* What a dead token's reason means, and what to do about a
           * missing secret. */
          if (sh_token_get_reason (token) == SH_TOKEN_REASON_SECRET_MISSING)
            reason = SH_TOKEN_REASON_SECRET_MISSING;
          if (reason != SH_TOKEN_REASON_NONE)
            g_string_append_printf (out, "\n      %s",
                                    sh_network_explain_reason (sh_token_get_network (token), reason));
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}
