/* sh-provider.c — the provider base class: dispatch, and honest defaults
 * ("this network does not do that") for what a subclass leaves out. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-provider.h"
#include "sh-provider-registry.h"

G_DEFINE_ABSTRACT_TYPE (ShProvider, sh_provider, G_TYPE_OBJECT)

ShVerdict *
sh_verdict_new (ShTokenState  state,
                ShTokenReason reason)
{
  ShVerdict *verdict = g_new0 (ShVerdict, 1);

  verdict->state = state;
  verdict->reason = reason;
  verdict->checked_at = g_get_real_time () / G_USEC_PER_SEC;
  return verdict;
}

void
sh_verdict_free (ShVerdict *verdict)
{
  if (verdict == NULL)
    return;
  sh_secret_free (verdict->renewed);
  g_free (verdict);
}

GHashTable *
sh_verdicts_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sh_verdict_free);
}

typedef struct {
  ShCheckSummary  summary;
  GHashTable     *verdicts;
  GPtrArray      *found;      /* ShDiscovery, or NULL */
} CheckResult;

static void
check_result_free (CheckResult *result)
{
  g_hash_table_unref (result->verdicts);
  g_clear_pointer (&result->found, g_ptr_array_unref);
  g_free (result);
}

ShDiscovery *
sh_discovery_new (const char       *parent_id,
                  ShGrantedChannel *found)
{
  ShDiscovery *discovery = g_new0 (ShDiscovery, 1);

  discovery->parent_id = g_strdup (parent_id);
  discovery->found = found;
  return discovery;
}

void
sh_discovery_free (ShDiscovery *discovery)
{
  g_free (discovery->parent_id);
  sh_granted_channel_free (discovery->found);
  g_free (discovery);
}

void
sh_provider_return_check_found (GTask                *task,
                                const ShCheckSummary *summary,
                                GHashTable           *verdicts,
                                GPtrArray            *found)
{
  CheckResult *result;

  if (g_task_return_error_if_cancelled (task))
    {
      g_clear_pointer (&found, g_ptr_array_unref);
      return;
    }
  result = g_new0 (CheckResult, 1);
  result->summary = *summary;
  result->verdicts = g_hash_table_ref (verdicts);
  result->found = found;
  g_task_return_pointer (task, result, (GDestroyNotify) check_result_free);
}

void
sh_provider_return_check (GTask                *task,
                          const ShCheckSummary *summary,
                          GHashTable           *verdicts)
{
  CheckResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = g_new0 (CheckResult, 1);
  result->summary = *summary;
  result->verdicts = g_hash_table_ref (verdicts);
  g_task_return_pointer (task, result, (GDestroyNotify) check_result_free);
}

G_DEFINE_BOXED_TYPE (ShGrantedChannel, sh_granted_channel,
                     sh_granted_channel_copy, sh_granted_channel_free)

ShGrantedChannel *
sh_granted_channel_new (const char *network)
{
  ShGrantedChannel *channel = g_new0 (ShGrantedChannel, 1);

  channel->network = g_intern_string (network);
  return channel;
}

ShGrantedChannel *
sh_granted_channel_copy (const ShGrantedChannel *channel)
{
  ShGrantedChannel *copy = g_memdup2 (channel, sizeof *channel);

  copy->external_id = g_strdup (channel->external_id);
  copy->name = g_strdup (channel->name);
  copy->picture_url = g_strdup (channel->picture_url);
  copy->owner_id = g_strdup (channel->owner_id);
  copy->owner_name = g_strdup (channel->owner_name);
  copy->scopes = g_strdupv (channel->scopes);
  copy->secret = channel->secret ? sh_secret_copy (channel->secret) : NULL;
  return copy;
}

void
sh_granted_channel_free (ShGrantedChannel *channel)
{
  if (channel == NULL)
    return;
  g_free (channel->external_id);
  g_free (channel->name);
  g_free (channel->picture_url);
  g_free (channel->owner_id);
  g_free (channel->owner_name);
  g_strfreev (channel->scopes);
  sh_secret_free (channel->secret);
  g_free (channel);
}

static void
not_supported (ShProvider          *self,
               gpointer             source_tag,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_task_report_new_error (self, callback, user_data, source_tag, SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                           _("%s does not support this."),
                           sh_network_get_display_name (sh_provider_get_network (self)));
}

static void
default_sign_in_async (ShProvider *self, ShSignInPromptFunc prompt, gpointer prompt_data,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  not_supported (self, sh_provider_sign_in_async, callback, user_data);
}

static void
default_identify_async (ShProvider *self, const char *access_token, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  not_supported (self, sh_provider_identify_async, callback, user_data);
}

static void
default_check_async (ShProvider *self, GPtrArray *tokens, GHashTable *secrets,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  not_supported (self, sh_provider_check_async, callback, user_data);
}

/* A network without revocation: forgetting the token is all there is. */
static void
default_revoke_async (ShProvider *self, const ShSecret *secret, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_task_report_new_error (self, callback, user_data, sh_provider_revoke_async,
                           SH_ERROR, SH_ERROR_NOT_AVAILABLE,
                           _("%s has no way to revoke a single token; it was only forgotten here."),
                           sh_network_get_display_name (sh_provider_get_network (self)));
}

static GPtrArray *
default_pointer_finish (ShProvider *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GHashTable *
default_check_finish (ShProvider *self, GAsyncResult *result, ShCheckSummary *out_summary,
                      GError **error)
{
  CheckResult *answer = g_task_propagate_pointer (G_TASK (result), error);
  GHashTable *verdicts;

  if (answer == NULL)
    return NULL;
  if (out_summary != NULL)
    *out_summary = answer->summary;
  verdicts = g_hash_table_ref (answer->verdicts);
  check_result_free (answer);
  return verdicts;
}

static GHashTable *
default_check_derived_finish (ShProvider *self, GAsyncResult *result,
                              ShCheckSummary *out_summary, GPtrArray **out_found, GError **error)
{
  CheckResult *answer = g_task_propagate_pointer (G_TASK (result), error);
  GHashTable *verdicts;

  if (answer == NULL)
    return NULL;
  if (out_summary != NULL)
    *out_summary = answer->summary;
  if (out_found != NULL)
    *out_found = g_steal_pointer (&answer->found);
  verdicts = g_hash_table_ref (answer->verdicts);
  check_result_free (answer);
  return verdicts;
}

static gboolean
default_boolean_finish (ShProvider *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sh_provider_class_init (ShProviderClass *klass)
{
  klass->sign_in_async = default_sign_in_async;
  klass->sign_in_finish = default_pointer_finish;
  klass->identify_async = default_identify_async;
  klass->identify_finish = default_pointer_finish;
  klass->check_async = default_check_async;
  klass->check_finish = default_check_finish;
  klass->check_derived_finish = default_check_derived_finish;
  klass->revoke_async = default_revoke_async;
  klass->revoke_finish = default_boolean_finish;
}

static void
sh_provider_init (ShProvider *self)
{
}

const char *
sh_provider_get_network (ShProvider *self)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), NULL);
  return SH_PROVIDER_GET_CLASS (self)->network;
}

void
sh_provider_sign_in_async (ShProvider          *self,
                           ShSignInPromptFunc   prompt,
                           gpointer             prompt_data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SH_IS_PROVIDER (self));
  SH_PROVIDER_GET_CLASS (self)->sign_in_async (self, prompt, prompt_data, cancellable,
                                               callback, user_data);
}

GPtrArray *
sh_provider_sign_in_finish (ShProvider    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), NULL);
  return SH_PROVIDER_GET_CLASS (self)->sign_in_finish (self, result, error);
}

void
sh_provider_identify_async (ShProvider          *self,
                            const char          *access_token,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (SH_IS_PROVIDER (self));
  g_return_if_fail (access_token != NULL);
  SH_PROVIDER_GET_CLASS (self)->identify_async (self, access_token, cancellable, callback, user_data);
}

GPtrArray *
sh_provider_identify_finish (ShProvider    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), NULL);
  return SH_PROVIDER_GET_CLASS (self)->identify_finish (self, result, error);
}

void
sh_provider_check_async (ShProvider          *self,
                         GPtrArray           *tokens,
                         GHashTable          *secrets,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SH_IS_PROVIDER (self));
  g_return_if_fail (tokens != NULL && secrets != NULL);
  SH_PROVIDER_GET_CLASS (self)->check_async (self, tokens, secrets, cancellable, callback,
                                             user_data);
}

GHashTable *
sh_provider_check_finish (ShProvider      *self,
                          GAsyncResult    *result,
                          ShCheckSummary  *out_summary,
                          GError         **error)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), NULL);
  return SH_PROVIDER_GET_CLASS (self)->check_finish (self, result, out_summary, error);
}

void
sh_provider_check_derived_async (ShProvider          *self,
                                 GPtrArray           *channels,
                                 GPtrArray           *parents,
                                 GHashTable          *secrets,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SH_IS_PROVIDER (self));
  g_return_if_fail (SH_PROVIDER_GET_CLASS (self)->check_derived_async != NULL);
  SH_PROVIDER_GET_CLASS (self)->check_derived_async (self, channels, parents, secrets,
                                                     cancellable, callback, user_data);
}

GHashTable *
sh_provider_check_derived_finish (ShProvider      *self,
                                  GAsyncResult    *result,
                                  ShCheckSummary  *out_summary,
                                  GPtrArray      **out_found,
                                  GError         **error)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), NULL);
  if (out_found != NULL)
    *out_found = NULL;
  return SH_PROVIDER_GET_CLASS (self)->check_derived_finish (self, result, out_summary,
                                                             out_found, error);
}

void
sh_provider_revoke_async (ShProvider          *self,
                          const ShSecret      *secret,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (SH_IS_PROVIDER (self));
  SH_PROVIDER_GET_CLASS (self)->revoke_async (self, secret, cancellable, callback, user_data);
}

gboolean
sh_provider_revoke_finish (ShProvider    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (SH_IS_PROVIDER (self), FALSE);
  return SH_PROVIDER_GET_CLASS (self)->revoke_finish (self, result, error);
}
