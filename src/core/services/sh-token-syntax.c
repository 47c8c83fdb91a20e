/* sh-token-syntax.c — see sh-token-syntax.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "sh-error.h"
#include "sh-provider-registry.h"
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
      return C_("token", "it is empty");
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

/* The provider words the message in its own name; a network nobody
 * registered gets the neutral one. */
static char *
describe_fault (const char    *network,
                gboolean       issued,
                ShTokenSyntax  syntax)
{
  ShProviderClass *klass = sh_provider_registry_lookup (network);
  const char *fault = sh_token_syntax_describe (syntax);

  if (klass != NULL && klass->describe_token_fault != NULL)
    return klass->describe_token_fault (klass, issued, fault);
  if (issued)
    return g_strdup_printf (_("The network handed out an access token SocialHub cannot use: %s."),
                            fault);
  return g_strdup_printf (_("This is not an access token: %s."), fault);
}

gboolean
sh_token_syntax_check_pasted (const char  *network,
                              const char  *data,
                              gsize        length,
                              GError     **error)
{
  ShTokenSyntax syntax;
  g_autofree char *message = NULL;

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

  message = describe_fault (network, FALSE, syntax);
  g_set_error_literal (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

GError *
sh_token_syntax_issued_error (const char    *network,
                              ShTokenSyntax  syntax)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (syntax != SH_TOKEN_SYNTAX_OK, NULL);

  message = describe_fault (network, TRUE, syntax);
  return g_error_new_literal (SH_ERROR, SH_ERROR_SERVER, message);
}

gboolean
sh_token_syntax_check_issued (const char  *network,
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
