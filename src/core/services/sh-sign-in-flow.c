/* sh-sign-in-flow.c — see sh-sign-in-flow.h. */
#include "config.h"

#include "sh-manager.h"
#include "sh-sign-in-flow.h"

struct _ShSignInFlow
{
  GObject       parent_instance;

  ShManager    *manager;
  const char   *network;     /* interned */
  GCancellable *attempt;     /* the current attempt, NULL when none */
};

G_DEFINE_FINAL_TYPE (ShSignInFlow, sh_sign_in_flow, G_TYPE_OBJECT)

enum {
  SIGNAL_PROMPT,
  SIGNAL_GRANTED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One sign-in or identification; it holds the flow until it ends. */
typedef struct {
  ShSignInFlow *self;
  GCancellable *cancellable;
  char         *owner;       /* identify: the typed name */
  gboolean      pasted;
} Attempt;

static Attempt *
attempt_new (ShSignInFlow *self,
             gboolean      pasted)
{
  Attempt *attempt = g_new0 (Attempt, 1);

  sh_sign_in_flow_cancel (self);
  self->attempt = g_cancellable_new ();
  attempt->self = g_object_ref (self);
  attempt->cancellable = g_object_ref (self->attempt);
  attempt->pasted = pasted;
  return attempt;
}

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->cancellable);
  g_object_unref (attempt->self);
  g_free (attempt->owner);
  g_free (attempt);
}

/* Whether what an attempt brings may still be announced. */
static gboolean
attempt_is_current (Attempt *attempt)
{
  return attempt->self->attempt == attempt->cancellable &&
         !g_cancellable_is_cancelled (attempt->cancellable);
}

static void
on_prompt (const ShSignInPrompt *prompt,
           gpointer              user_data)
{
  Attempt *attempt = user_data;

  if (attempt_is_current (attempt))
    g_signal_emit (attempt->self, signals[SIGNAL_PROMPT], 0, prompt);
}

/* The end of an attempt: announced only if it is still the current one. */
static void
finish (Attempt   *attempt,
        GPtrArray *channels,
        GError    *error)
{
  ShSignInFlow *self = attempt->self;

  if (!attempt_is_current (attempt))
    return;
  g_clear_object (&self->attempt);
  if (channels == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error, attempt->pasted);
      return;
    }
  /* The typed name, where the network did not name the person. */
  if (attempt->pasted)
    sh_manager_name_owner (channels, attempt->owner);
  g_signal_emit (self, signals[SIGNAL_GRANTED], 0, channels, attempt->pasted);
}

/* The end of a sign-in, or of a pasted token's identification. */
static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Attempt *attempt = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) channels =
    attempt->pasted ? sh_provider_identify_finish (SH_PROVIDER (source), result, &error)
                    : sh_provider_sign_in_finish (SH_PROVIDER (source), result, &error);

  finish (attempt, channels, error);
  attempt_free (attempt);
}

gboolean
sh_sign_in_flow_sign_in (ShSignInFlow *self)
{
  ShProvider *provider;
  Attempt *attempt;

  g_return_val_if_fail (SH_IS_SIGN_IN_FLOW (self), FALSE);

  provider = sh_sign_in_flow_get_provider (self);
  if (provider == NULL)
    return FALSE;
  attempt = attempt_new (self, FALSE);
  sh_provider_sign_in_async (provider, on_prompt, attempt, attempt->cancellable,
                             on_finished, attempt);
  return TRUE;
}

gboolean
sh_sign_in_flow_identify (ShSignInFlow *self,
                          const char   *access_token,
                          const char   *owner)
{
  ShProvider *provider;
  Attempt *attempt;

  g_return_val_if_fail (SH_IS_SIGN_IN_FLOW (self), FALSE);
  g_return_val_if_fail (access_token != NULL, FALSE);

  provider = sh_sign_in_flow_get_provider (self);
  if (provider == NULL)
    return FALSE;
  attempt = attempt_new (self, TRUE);
  attempt->owner = g_strdup (owner);
  sh_provider_identify_async (provider, access_token, attempt->cancellable, on_finished, attempt);
  return TRUE;
}

void
sh_sign_in_flow_cancel (ShSignInFlow *self)
{
  g_return_if_fail (SH_IS_SIGN_IN_FLOW (self));

  if (self->attempt != NULL)
    g_cancellable_cancel (self->attempt);
  g_clear_object (&self->attempt);
}

void
sh_sign_in_flow_set_network (ShSignInFlow *self,
                             const char   *network)
{
  g_return_if_fail (SH_IS_SIGN_IN_FLOW (self));
  self->network = g_intern_string (network);
}

const char *
sh_sign_in_flow_get_network (ShSignInFlow *self)
{
  g_return_val_if_fail (SH_IS_SIGN_IN_FLOW (self), NULL);
  return self->network;
}

ShProvider *
sh_sign_in_flow_get_provider (ShSignInFlow *self)
{
  g_return_val_if_fail (SH_IS_SIGN_IN_FLOW (self), NULL);
  return self->network != NULL ? sh_manager_get_provider (self->manager, self->network) : NULL;
}

static void
sh_sign_in_flow_dispose (GObject *object)
{
  ShSignInFlow *self = SH_SIGN_IN_FLOW (object);

  sh_sign_in_flow_cancel (self);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (sh_sign_in_flow_parent_class)->dispose (object);
}

static void
sh_sign_in_flow_class_init (ShSignInFlowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sh_sign_in_flow_dispose;

  signals[SIGNAL_PROMPT] =
    g_signal_new ("prompt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_GRANTED] =
    g_signal_new ("granted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_PTR_ARRAY, G_TYPE_BOOLEAN);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ERROR, G_TYPE_BOOLEAN);
}

static void
sh_sign_in_flow_init (ShSignInFlow *self)
{
}

ShSignInFlow *
sh_sign_in_flow_new (ShManager *manager)
{
  ShSignInFlow *self;

  g_return_val_if_fail (SH_IS_MANAGER (manager), NULL);

  self = g_object_new (SH_TYPE_SIGN_IN_FLOW, NULL);
  self->manager = g_object_ref (manager);
  return self;
}
