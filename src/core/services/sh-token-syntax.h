/* sh-token-syntax.h — whether a text can be an access token at all.
 *
 * One rule for every network and every way a token arrives: pasted by a
 * person (command line, add-token dialog) or handed back by a network
 * (a Page token listed after a grant, a device-login token, a token or
 * refresh answer). The rule is generic; the provider of @network only words
 * the message in its own name (ShProviderClass.describe_token_fault). A token travels in an HTTP header and a form
 * body and is stored in the keyring, so it must be printable ASCII with no
 * space, and no longer than SH_TOKEN_SYNTAX_MAX_LENGTH. Nothing here
 * contacts a network; the check runs before any request or storage.
 *
 * Length-aware on purpose: the bytes are judged as given, so a NUL inside a
 * paste is seen (and refused), not silently cut off by a C string.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Real tokens are a few hundred characters at most (the longest known
 * are about 300); 4 KiB leaves room for growth and still
 * fits any HTTP header limit. */
#define SH_TOKEN_SYNTAX_MAX_LENGTH 4096

typedef enum {
  SH_TOKEN_SYNTAX_OK,
  SH_TOKEN_SYNTAX_EMPTY,
  SH_TOKEN_SYNTAX_TOO_LONG,
  SH_TOKEN_SYNTAX_SPACE,        /* a space or tab inside */
  SH_TOKEN_SYNTAX_LINE_BREAK,   /* CR or LF inside */
  SH_TOKEN_SYNTAX_CONTROL,      /* any other control character, NUL included */
  SH_TOKEN_SYNTAX_NON_ASCII,    /* a byte ≥ 0x80: typographic quotes, invisible spaces, … */
} ShTokenSyntax;

/* Judges all @length bytes of @data, strictly (no surrounding whitespace
 * either). @data may be NULL when @length is 0. */
ShTokenSyntax sh_token_syntax_judge        (const char    *data,
                                            gsize          length);
/* What is wrong, for the end of a sentence: "it contains a control
 * character". "" for SH_TOKEN_SYNTAX_OK. */
const char   *sh_token_syntax_describe     (ShTokenSyntax  syntax);

/* A token a person pasted: whitespace around it (the line end of a
 * terminal, a space copied along) is ignored, anything else is judged.
 * Fails with SH_ERROR_INVALID_ARGUMENT, "This is not a <network> access
 * token: it contains a control character". */
gboolean      sh_token_syntax_check_pasted (const char    *network,
                                            const char    *data,
                                            gsize          length,
                                            GError       **error);
/* A token a network handed back: judged strictly. Fails with
 * SH_ERROR_SERVER ("<network> handed out an access token SocialHub cannot
 * use: …"): the network answered, but not with something usable. */
gboolean      sh_token_syntax_check_issued (const char    *network,
                                            const char    *data,
                                            gsize          length,
                                            GError       **error);

/* The error sh_token_syntax_check_issued() gives for @syntax, for a caller
 * that judged the token itself (a parser that hands out no bad token). */
GError       *sh_token_syntax_issued_error (const char    *network,
                                            ShTokenSyntax  syntax);

G_END_DECLS
