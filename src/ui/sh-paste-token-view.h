/* sh-paste-token-view.h — "I have a token", a view of the "Add Channel"
 * dialog: a token pasted, and optionally whose it is, with what went wrong
 * last time. The dialog hands the token to the provider.
 *
 * Signals:
 *   add              Add Token (or Enter) with some text in the token row
 *   sign-in-instead  the person would rather sign in
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SH_TYPE_PASTE_TOKEN_VIEW (sh_paste_token_view_get_type ())
G_DECLARE_FINAL_TYPE (ShPasteTokenView, sh_paste_token_view, SH, PASTE_TOKEN_VIEW, AdwBin)

/* @description: what happens to a pasted token (the provider's words);
 * @ask_owner: offer the "Whose token is this?" row. */
void        sh_paste_token_view_prepare     (ShPasteTokenView *self,
                                             const char       *description,
                                             gboolean          ask_owner);
/* Shows @error_message (NULL: none) and focuses the token row. */
void        sh_paste_token_view_show_error  (ShPasteTokenView *self,
                                             const char       *error_message);
const char *sh_paste_token_view_get_token   (ShPasteTokenView *self);
const char *sh_paste_token_view_get_owner   (ShPasteTokenView *self);
/* Forgets the pasted token (it is in the granted channels now). */
void        sh_paste_token_view_clear_token (ShPasteTokenView *self);

G_END_DECLS
