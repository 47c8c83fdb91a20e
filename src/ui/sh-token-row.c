/* sh-token-row.c — one access token inside its channel's expander row.
 *
 * The title is bound to the owner's name; the subtitle, the state icon and
 * the accessible label depend on several properties at once (state, reason,
 * last verdict, expiry), so they are recomputed on any change of the token
 * rather than copied once.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-broker.h"
#include "sh-provider-registry.h"
#include "sh-time-format.h"
#include "sh-token-row.h"
#include "sh-untrusted-text.h"

struct _ShTokenRow
{
  AdwActionRow  parent_instance;

  ShToken      *token;

  GtkImage     *state_icon;
  GtkWidget    *remove_button;
  char         *shared_text;   /* "Bakery & Sons’s token (Facebook Page)", or NULL */
};

G_DEFINE_FINAL_TYPE (ShTokenRow, sh_token_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_TOKEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const state_classes[] = { "success", "warning", "error", "dim-label" };

/* When the token stops working: said only of a token that works (a dead
 * one "never expires" only in a misleading way), else NULL. */
static char *
format_expiry (ShToken *token,
               gint64   now)
{
  gint64 expires_at = sh_token_get_expires_at (token);
  g_autofree char *until = NULL;

  if (!sh_token_state_is_usable (sh_token_get_effective_state (token)) ||
      sh_token_get_reason (token) == SH_TOKEN_REASON_SECRET_MISSING)
    return NULL;
  if (expires_at == 0)
    return g_strdup (_("Never expires"));
  if (sh_token_get_expires_by (token) > now)
    {
      /* A pasted token whose age is unknown is assumed to end sooner, not
       * later: the row says the expiry is an estimate. */
      until = sh_time_format_until (sh_token_get_expires_by (token), now);
      /* Translators: %s is "in 2 hours"… */
      return g_strdup_printf (_("Expires %s at the latest, maybe sooner: an estimate, since "
                                "when the token was made is not known"), until);
    }
  if (expires_at <= now)
    {
      g_autofree char *date = sh_time_format_date (expires_at);

      /* Translators: %s is a date, e.g. "4 December 2026" */
      return g_strdup_printf (_("Expired on %s"), date);
    }

  until = sh_time_format_until (expires_at, now);
  /* Translators: %s is "in 3 days", "tomorrow", "in 2 hours"… */
  return g_strdup_printf (_("Expires %s"), until);
}

/* "Data access ends in 12 days": the network's limit on reading the
 * channel's data through this token, apart from its expiry (only for a
 * token that works, and only where the network has one), in the words
 * the reminders use (sh_time_format_until()). */
static char *
format_data_access (ShToken *token,
                    gint64   now)
{
  gint64 ends = sh_token_get_data_access_expires_at (token);
  g_autofree char *until = NULL;

  if (ends == 0 || !sh_token_state_is_usable (sh_token_get_effective_state (token)))
    return NULL;
  if (ends <= now)
    return g_strdup (_("Data access ended"));
  until = sh_time_format_until (ends, now);
  /* Translators: %s is "in 12 days", "tomorrow", "in 2 hours"… */
  return g_strdup_printf (_("Data access ends %s"), until);
}

/* "Added on 25 November 2026 · Checked 3 minutes ago": when the person
 * granted it and how fresh its last verdict is (a check that reached none
 * has its own line). Either part is left out when unknown. */
static char *
format_history (ShToken *token,
                gint64   now)
{
  gint64 granted_at = sh_token_get_granted_at (token);
  gint64 checked_at = sh_token_get_checked_at (token);
  g_autofree char *added = NULL;
  g_autofree char *checked = NULL;

  if (granted_at > 0)
    {
      g_autofree char *date = sh_time_format_date (granted_at);

      /* Translators: %s is a date, e.g. "4 December 2026" */
      added = g_strdup_printf (_("Added on %s"), date);
    }
  if (checked_at > 0)
    {
      gint64 ago = MAX (now - checked_at, 0);

      if (ago < 60)
        checked = g_strdup (_("Checked just now"));
      else if (ago < 3600)
        checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked %d minute ago",
                                                "Checked %d minutes ago", (gulong) (ago / 60)),
                                   (int) (ago / 60));
      else if (ago < 86400)
        checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked %d hour ago",
                                                "Checked %d hours ago", (gulong) (ago / 3600)),
                                   (int) (ago / 3600));
      else
        checked = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Checked %d day ago",
                                                "Checked %d days ago", (gulong) (ago / 86400)),
                                   (int) (ago / 86400));
    }
  if (added != NULL && checked != NULL)
    /* Translators: "Added on 25 November 2026 · Checked 3 minutes ago" */
    return g_strdup_printf (_("%s · %s"), added, checked);
  return g_strdup (added != NULL ? added : checked);
}

/* "Invalid — Its owner changed their password…", the reason of the state the
 * token is believed to be in. An unknown check result never hides the last
 * verdict (ARCHITECTURE.md), so that stays the headline. */
static char *
format_verdict (ShToken *token)
{
  ShTokenState effective = sh_token_get_effective_state (token);
  ShTokenReason reason;

  /* Without its secret the token cannot be used whatever it was last
   * judged: no verdict is shown, only that (Remove or add it again). */
  if (sh_token_get_state (token) == SH_TOKEN_STATE_UNKNOWN &&
      sh_token_get_reason (token) == SH_TOKEN_REASON_SECRET_MISSING)
    return g_strdup (_("Secret missing"));
  if (effective == SH_TOKEN_STATE_UNKNOWN)
    return g_strdup (_("Not checked yet"));

  reason = sh_token_state_is_verdict (sh_token_get_state (token))
           ? sh_token_get_reason (token)
           : sh_token_get_last_verdict_reason (token);
  if (reason == SH_TOKEN_REASON_NONE)
    return g_strdup (sh_token_state_get_label (effective));

  /* Translators: a token's state, then why, e.g. "Invalid — Its owner changed…" */
  return g_strdup_printf (_("%s — %s"),
                          sh_token_state_get_label (effective),
                          sh_network_explain_reason (sh_token_get_network (token), reason));
}

static const char *
icon_for_state (ShTokenState state,
                const char **out_class)
{
  switch (state)
    {
    case SH_TOKEN_STATE_VALID:
      *out_class = "success";
      return "emblem-ok-symbolic";
    case SH_TOKEN_STATE_EXPIRING:
      *out_class = "warning";
      return "alarm-symbolic";
    case SH_TOKEN_STATE_EXPIRED:
    case SH_TOKEN_STATE_INVALID:
      *out_class = "error";
      return "dialog-error-symbolic";
    case SH_TOKEN_STATE_UNKNOWN:
    default:
      *out_class = "dim-label";
      return "dialog-question-symbolic";
    }
}

/* The last attempt, when it reached no verdict, on its own line after the
 * verdict: "Could not check again: Facebook asked SocialHub to slow down."
 * A missing secret is no passing failure: what to do about it instead. */
static char *
format_attempt (ShToken *token)
{
  ShTokenReason reason = sh_token_get_reason (token);
  g_autofree char *why = NULL;

  if (sh_token_state_is_verdict (sh_token_get_state (token)) || reason == SH_TOKEN_REASON_NONE)
    return NULL;
  if (reason == SH_TOKEN_REASON_SECRET_MISSING)
    return g_strdup (sh_network_explain_reason (sh_token_get_network (token), reason));
  why = sh_network_describe_check_failure (sh_token_get_network (token), reason);
  if (!sh_token_state_is_verdict (sh_token_get_last_verdict (token)))
    /* Translators: %s says why, e.g. "Facebook asked SocialHub to slow down" */
    return g_strdup_printf (_("Could not check: %s."), why);
  /* Translators: after the last verdict; %s says why the check after it
   * failed, e.g. "Facebook asked SocialHub to slow down" */
  return g_strdup_printf (_("Could not check again: %s."), why);
}

static void
sh_token_row_refresh (ShTokenRow *self)
{
  g_autofree char *verdict = format_verdict (self->token);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *expiry = format_expiry (self->token, now);
  g_autofree char *data_access = format_data_access (self->token, now);
  g_autofree char *history = format_history (self->token, now);
  g_autofree char *attempt = format_attempt (self->token);
  g_autofree char *handouts = sh_broker_describe_handouts (self->token, now);
  g_autoptr(GStrvBuilder) lines = g_strv_builder_new ();
  g_auto(GStrv) parts = NULL;
  g_autofree char *rest = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;
  g_autofree char *owner = sh_untrusted_text_sanitize (sh_token_get_owner_name (self->token));
  const char *css_class = NULL;
  const char *icon;

  /* The verdict first, then whose token it is when it is another
   * channel's, then what it says about the expiry and how old it is, then a
   * later attempt that reached none, each on its own line. The accessible
   * name holds the verdict; the description the rest. */
  if (self->shared_text != NULL)
    g_strv_builder_add (lines, self->shared_text);
  if (expiry != NULL)
    g_strv_builder_add (lines, expiry);
  if (data_access != NULL)
    g_strv_builder_add (lines, data_access);
  if (history != NULL && *history != '\0')
    g_strv_builder_add (lines, history);
  if (attempt != NULL)
    g_strv_builder_add (lines, attempt);
  if (handouts != NULL)
    g_strv_builder_add (lines, handouts);
  parts = g_strv_builder_end (lines);
  description = g_strjoinv (" ", parts);
  rest = g_strjoinv ("\n", parts);
  subtitle = parts[0] != NULL ? g_strjoin ("\n", verdict, rest, NULL) : g_strdup (verdict);
  markup = g_markup_escape_text (subtitle, -1);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), markup);

  icon = icon_for_state (sh_token_get_reason (self->token) == SH_TOKEN_REASON_SECRET_MISSING &&
                         !sh_token_state_is_verdict (sh_token_get_state (self->token))
                         ? SH_TOKEN_STATE_UNKNOWN
                         : sh_token_get_effective_state (self->token), &css_class);
  gtk_image_set_from_icon_name (self->state_icon, icon);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), css_class);

  if (owner == NULL || *owner == '\0')
    {
      g_free (owner);
      owner = g_strdup (_("Unknown person"));
    }
  /* Translators: accessible name of a token row, e.g.
   * "Token of Alice Example: Invalid — Its owner changed their password…" */
  label = g_strdup_printf (_("Token of %s: %s"), owner, verdict);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);

  g_free (label);
  /* Translators: accessible name of a token's remove button */
  label = g_strdup_printf (_("Remove the access token of %s"), owner);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

static void
on_token_notify (ShToken    *token,
                 GParamSpec *pspec,
                 ShTokenRow *self)
{
  sh_token_row_refresh (self);
}

/* A token granted by someone whose name the network did not give still needs
 * a title a person can read. The name is the network's: sanitized (Pango
 * does not ellipsize 300 KB), and escaped, since rows parse titles as markup. */
static gboolean
owner_to_title (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  g_autofree char *owner = sh_untrusted_text_sanitize (g_value_get_string (from));

  g_value_take_string (to, g_markup_escape_text (owner != NULL && *owner != '\0'
                                                 ? owner : _("Unknown person"), -1));
  return TRUE;
}

static void
sh_token_row_constructed (GObject *object)
{
  ShTokenRow *self = SH_TOKEN_ROW (object);

  G_OBJECT_CLASS (sh_token_row_parent_class)->constructed (object);

  g_assert (SH_IS_TOKEN (self->token));

  g_object_bind_property_full (self->token, "owner-name", self, "title",
                               G_BINDING_SYNC_CREATE,
                               owner_to_title, NULL, NULL, NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->remove_button),
                                          g_variant_new_string (sh_token_get_id (self->token)));
  g_signal_connect_object (self->token, "notify",
                           G_CALLBACK (on_token_notify), self, 0);
  sh_token_row_refresh (self);
}

static void
sh_token_row_dispose (GObject *object)
{
  ShTokenRow *self = SH_TOKEN_ROW (object);

  if (self->token != NULL)
    g_signal_handlers_disconnect_by_data (self->token, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SH_TYPE_TOKEN_ROW);
  g_clear_object (&self->token);
  g_clear_pointer (&self->shared_text, g_free);

  G_OBJECT_CLASS (sh_token_row_parent_class)->dispose (object);
}

static void
sh_token_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ShTokenRow *self = SH_TOKEN_ROW (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      g_value_set_object (value, self->token);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_token_row_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ShTokenRow *self = SH_TOKEN_ROW (object);

  switch (prop_id)
    {
    case PROP_TOKEN:
      self->token = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sh_token_row_class_init (ShTokenRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sh_token_row_constructed;
  object_class->dispose = sh_token_row_dispose;
  object_class->get_property = sh_token_row_get_property;
  object_class->set_property = sh_token_row_set_property;

  properties[PROP_TOKEN] =
    g_param_spec_object ("token", NULL, NULL, SH_TYPE_TOKEN,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/socialhub/SocialHub/sh-token-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ShTokenRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, ShTokenRow, remove_button);
}

static void
sh_token_row_init (ShTokenRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* AdwActionRow names itself after its title label and describes itself
   * with its subtitle; GTK 4.8 would append those to our own label and
   * description, and a screen reader would read everything twice. */
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY);
}

GtkWidget *
sh_token_row_new (ShToken *token)
{
  g_return_val_if_fail (SH_IS_TOKEN (token), NULL);

  return g_object_new (SH_TYPE_TOKEN_ROW, "token", token, NULL);
}

/* A token shared from another channel: marked as that channel's, and
 * removed there (its Remove would only hide it until the next check). */
void
sh_token_row_set_shared_text (ShTokenRow *self,
                              const char *text)
{
  g_return_if_fail (SH_IS_TOKEN_ROW (self));

  g_free (self->shared_text);
  self->shared_text = g_strdup (text);
  gtk_widget_set_visible (self->remove_button, text == NULL);
  sh_token_row_refresh (self);
}

ShToken *
sh_token_row_get_token (ShTokenRow *self)
{
  g_return_val_if_fail (SH_IS_TOKEN_ROW (self), NULL);

  return self->token;
}
