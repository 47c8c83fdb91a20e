/* sh-add-token-dialog.h — "Add Channel" / "Add Access Token": sign in on a
 * network (or paste a token), choose the Pages, file their tokens. */
#pragma once

#include <adwaita.h>

#include "sh-channel.h"
#include "sh-manager.h"

G_BEGIN_DECLS

#define SH_TYPE_ADD_TOKEN_DIALOG (sh_add_token_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ShAddTokenDialog, sh_add_token_dialog, SH, ADD_TOKEN_DIALOG, AdwWindow)

/* @channel: the channel the token is for, or NULL to add any channel. The
 * dialog emits "tokens-added" (guint n) when it has filed tokens, then
 * closes itself. */
GtkWidget *sh_add_token_dialog_new         (GtkWindow        *parent,
                                            ShManager        *manager,
                                            ShChannel        *channel);
ShChannel *sh_add_token_dialog_get_channel (ShAddTokenDialog *self);
guint      sh_add_token_dialog_get_n_new_channels (ShAddTokenDialog *self);

G_END_DECLS
