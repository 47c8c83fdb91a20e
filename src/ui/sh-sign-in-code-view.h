/* sh-sign-in-code-view.h — the sign-in view of the "Add Channel" dialog
 * while a provider waits for a person: the device code with its address,
 * QR code and copy buttons, or the browser sign-in with its link; and the
 * time left.
 *
 * Signals:
 *   have-token  the person has a token to paste instead
 *   expired     (gboolean device) the time ran out before anyone signed in
 *   toast       (const char *) a short confirmation to show ("Code copied")
 */
#pragma once

#include <adwaita.h>

#include "sh-provider.h"

G_BEGIN_DECLS

#define SH_TYPE_SIGN_IN_CODE_VIEW (sh_sign_in_code_view_get_type ())
G_DECLARE_FINAL_TYPE (ShSignInCodeView, sh_sign_in_code_view, SH, SIGN_IN_CODE_VIEW, AdwBin)

/* Shows @prompt; @device: a code to type (else a browser page), as the
 * provider's class says; @network_name: "Facebook". Starts the countdown. */
void sh_sign_in_code_view_show       (ShSignInCodeView     *self,
                                      const ShSignInPrompt *prompt,
                                      const char           *network_name,
                                      gboolean              device);
/* Stops the countdown and the spinner: the attempt ended. */
void sh_sign_in_code_view_stop       (ShSignInCodeView     *self);
/* The browser page a sign-in waits for while it is shown and running, or
 * NULL (the Sandbox menu approves it as a browser would). */
const char *sh_sign_in_code_view_get_waiting_authorize_uri (ShSignInCodeView *self);
/* Focuses what the person most likely wants first (Copy Code). */
void sh_sign_in_code_view_grab_focus (ShSignInCodeView     *self);

G_END_DECLS
