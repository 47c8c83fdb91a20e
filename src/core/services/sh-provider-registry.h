/* sh-provider-registry.h — which networks this build knows.
 *
 * A network is a string id ("facebook", "x") and a registered ShProvider
 * type. src/providers/sh-providers.c registers each provider once, one line
 * per network; everything else asks here instead of naming a network. The
 * registry is process-wide and keeps registration order, which is the order
 * networks are offered in. Not thread-safe: register from the main thread
 * before anything reads it.
 */
#pragma once

#include <glib-object.h>

#include "sh-provider.h"

G_BEGIN_DECLS

/* Registers @provider_type (a concrete ShProvider) under its class's
 * network id; registering the same id again is a no-op. */
void             sh_provider_registry_add    (GType        provider_type);
/* ShProviderClass *, in registration order; owned by the registry. */
GPtrArray       *sh_provider_registry_list   (void);
/* The class registered for @network, or NULL. */
ShProviderClass *sh_provider_registry_lookup (const char  *network);
/* @network interned when a provider is registered for it, else NULL: how
 * the data file and the command line accept a network id. */
const char      *sh_provider_registry_intern (const char  *network);

/* The getters below translate; for a network nobody registered they fall
 * back to the id itself (or core's neutral wording). */
const char      *sh_provider_class_get_network_name  (ShProviderClass *klass);
const char      *sh_provider_class_get_display_name  (ShProviderClass *klass);
const char      *sh_provider_class_get_sign_in_blurb (ShProviderClass *klass);
char            *sh_provider_class_dup_text          (ShProviderClass *klass,
                                                      ShProviderText   text,
                                                      const char      *arg);

/* "Facebook Page", "X Account": the kind of channel of @network. */
const char      *sh_network_get_display_name (const char    *network);
/* "Facebook", "X": the network itself, in running text. */
const char      *sh_network_get_name         (const char    *network);
const char      *sh_network_get_icon_name    (const char    *network);
/* Whether several people can grant one channel of @network (a Page's
 * admins), so that a second person's token keeps it linked. */
gboolean         sh_network_get_shared_channels (const char *network);
/* The network whose people grant @network's tokens: its parent network for
 * channels living on another's tokens (interned), else @network. */
const char      *sh_network_get_owner_network (const char  *network);
/* @own (comma-separated scopes) and what the networks living on @network's
 * channels ask of its sign-in (parent_scopes). */
char            *sh_provider_registry_dup_scopes (const char *network,
                                                  const char *own);
/* What @reason means for a token of @network, in its provider's words
 * where it has its own, else sh_token_reason_get_explanation(). */
const char      *sh_network_explain_reason   (const char    *network,
                                              ShTokenReason  reason);

/* Why a check of @network reached no verdict (@reason is one for unknown),
 * as a clause: "Facebook asked SocialHub to slow down". */
char            *sh_network_describe_check_failure (const char    *network,
                                                    ShTokenReason  reason);

G_END_DECLS
