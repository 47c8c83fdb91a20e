/* sh-token-syntax.c — see sh-token-syntax.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-token-syntax.h"

ShTokenSyntax
sh_token_syntax_judge (const char *data,
                       gsize       length)
{
  ShTokenSyntax found = SH_TOKEN_SYNTAX_OK;

  if (length == 0 || data == NULL)
    return SH_TOKEN_SYNTAX_EMPTY;
  if (length > SH_TOKEN_SYNTAX_MAX_LENGTH)
    return SH_TOKEN_SYNTAX_TOO_LONG;

  /* The first fault found names the text; a control character outranks
   * the others, since it is what breaks a header. */
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) data[i];

      if (c == '\r' || c == '\n')
        return SH_TOKEN_SYNTAX_LINE_BREAK;
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return SH_TOKEN_SYNTAX_CONTROL;
      if (found != SH_TOKEN_SYNTAX_OK)
        continue;
      if (c == ' ' || c == '\t')
        found = SH_TOKEN_SYNTAX_SPACE;
      else if (c >= 0x80)
        found = SH_TOKEN_SYNTAX_NON_ASCII;
    }
  return found;
}

const char *
sh_token_syntax_describe (ShTokenSyntax syntax)
{
  switch (syntax)
    {
    case SH_TOKEN_SYNTAX_OK:
      return "";
    case SH_TOKEN_SYNTAX_EMPTY:
      return _("it is empty");
    case SH_TOKEN_SYNTAX_TOO_LONG:
      /* The cap is a fixed number; spelled out so translators see it. */
      return _("it is longer than 4096 characters");
    case SH_TOKEN_SYNTAX_SPACE:
      return _("it contains a space");
    case SH_TOKEN_SYNTAX_LINE_BREAK:
      return _("it spans more than one line");
    case SH_TOKEN_SYNTAX_CONTROL:
      return _("it contains a control character");
    case SH_TOKEN_SYNTAX_NON_ASCII:
      return _("it contains a character that is not plain ASCII, such as a typographic quote "
               "or an invisible space");
    default:
      g_return_val_if_reached ("");
    }
}

static gboolean
is_space (char c)
{
  /* What g_strstrip() removes, so that the text checked here is the text a
   * caller that strips goes on with. */
  return g_ascii_isspace (c);
}

gboolean
sh_token_syntax_check_pasted (ShNetwork    network,
                              const char  *data,
                              gsize        length,
                              GError     **error)
{
  ShTokenSyntax syntax;

  while (length > 0 && is_space (data[0]))
    {
      data++;
      length--;
    }
  while (length > 0 && is_space (data[length - 1]))
    length--;

  syntax = sh_token_syntax_judge (data, length);
  if (syntax == SH_TOKEN_SYNTAX_OK)
    return TRUE;

  switch (network)
    {
    case SH_NETWORK_FACEBOOK:
      g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                   _("This is not a Facebook access token: %s."), sh_token_syntax_describe (syntax));
      break;
    case SH_NETWORK_X:
    default:
      g_set_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT,
                   _("This is not an X access token: %s."), sh_token_syntax_describe (syntax));
      break;
    }
  return FALSE;
}

GError *
sh_token_syntax_issued_error (ShNetwork     network,
                              ShTokenSyntax syntax)
{
  g_return_val_if_fail (syntax != SH_TOKEN_SYNTAX_OK, NULL);

  switch (network)
    {
    case SH_NETWORK_FACEBOOK:
      return g_error_new (SH_ERROR, SH_ERROR_SERVER,
                          _("Facebook handed out an access token SocialHub cannot use: %s."),
                          sh_token_syntax_describe (syntax));
    case SH_NETWORK_X:
    default:
      return g_error_new (SH_ERROR, SH_ERROR_SERVER,
                          _("X handed out an access token SocialHub cannot use: %s."),
                          sh_token_syntax_describe (syntax));
    }
}

gboolean
sh_token_syntax_check_issued (ShNetwork    network,
                              const char  *data,
                              gsize        length,
                              GError     **error)
{
  ShTokenSyntax syntax = sh_token_syntax_judge (data, length);

  if (syntax == SH_TOKEN_SYNTAX_OK)
    return TRUE;
  g_propagate_error (error, sh_token_syntax_issued_error (network, syntax));
  return FALSE;
}
