/* sh-channel.h — a Facebook Page or an X account and the tokens that link it.
 *
 * The channel's state is derived from its tokens every time one changes; it is
 * never stored (ARCHITECTURE.md, "Model").
 */
#pragma once

#include <gio/gio.h>
#include "sh-enums.h"
#include "sh-token.h"

G_BEGIN_DECLS

#define SH_TYPE_CHANNEL (sh_channel_get_type ())
G_DECLARE_FINAL_TYPE (ShChannel, sh_channel, SH, CHANNEL, GObject)

ShChannel      *sh_channel_new              (const char  *id,
                                             const char  *network,
                                             const char  *external_id);
char           *sh_channel_generate_id      (void);

const char     *sh_channel_get_id           (ShChannel   *self);
const char     *sh_channel_get_network      (ShChannel   *self);
const char     *sh_channel_get_external_id  (ShChannel   *self);
const char     *sh_channel_get_name         (ShChannel   *self);
void            sh_channel_set_name         (ShChannel   *self,
                                             const char  *name);
const char     *sh_channel_get_picture_url  (ShChannel   *self);
void            sh_channel_set_picture_url  (ShChannel   *self,
                                             const char  *picture_url);
/* A channel that lives on another channel's tokens (a provider with a
 * parent network, sh-provider.h) names that channel's id; its tokens share
 * the other channel's (sh_token_get_shares). NULL for other channels. */
const char     *sh_channel_get_via          (ShChannel   *self);
void            sh_channel_set_via          (ShChannel   *self,
                                             const char  *channel_id);
/* The name of the channel it lives on, as its tokens were last matched
 * with that channel's (sh-derived.h); not stored. */
const char     *sh_channel_get_via_name     (ShChannel   *self);
void            sh_channel_set_via_name     (ShChannel   *self,
                                             const char  *name);
/* When the channels living on this one were last looked for (unix
 * seconds, 0: never): their provider's discovery, about once a day. */
gint64          sh_channel_get_discovered_at (ShChannel  *self);
void            sh_channel_set_discovered_at (ShChannel  *self,
                                              gint64      when);
GListModel     *sh_channel_get_tokens       (ShChannel   *self);
guint           sh_channel_get_n_tokens     (ShChannel   *self);
guint           sh_channel_get_n_valid      (ShChannel   *self);
ShChannelState  sh_channel_get_state        (ShChannel   *self);
char           *sh_channel_dup_summary      (ShChannel   *self);

void            sh_channel_add_token        (ShChannel   *self,
                                             ShToken     *token);
/* The same for @n_tokens at once (one items-changed, one notification). */
void            sh_channel_add_tokens       (ShChannel   *self,
                                             ShToken    **tokens,
                                             guint        n_tokens);
gboolean        sh_channel_remove_token     (ShChannel   *self,
                                             ShToken     *token);
ShToken        *sh_channel_lookup_token     (ShChannel   *self,
                                             const char  *token_id);

ShChannelState  sh_channel_state_derive     (const ShTokenState *effective_states,
                                             guint               n_states);

G_END_DECLS
