/* sh-pkce.h — Proof Key for Code Exchange (RFC 7636) and OAuth state values.
 *
 * Shared by the X provider (which makes a verifier and sends its challenge)
 * and the sandbox (which checks a verifier against a stored challenge).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new code verifier: 32 bytes from the kernel's CSPRNG, base64url without
 * padding (43 characters). */
char     *sh_pkce_new_verifier     (void);
/* The S256 challenge of @verifier: BASE64URL(SHA256(ASCII(verifier))),
 * without padding. */
char     *sh_pkce_challenge_s256   (const char *verifier);
/* Whether @verifier's S256 challenge is @challenge (constant time). */
gboolean  sh_pkce_verify_s256      (const char *verifier,
                                    const char *challenge);
/* A new OAuth state value: 256 random bits, base64url (43 characters). */
char     *sh_pkce_new_state        (void);
/* @data as base64url without padding (RFC 4648 §5, RFC 7636 appendix A). */
char     *sh_pkce_base64url_encode (const guint8 *data,
                                    gsize         len);

G_END_DECLS
