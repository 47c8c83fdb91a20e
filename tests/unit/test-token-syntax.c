/* test-token-syntax.c — the one token syntax check (sh-token-syntax.h):
 * what a person pasted and what a network handed back is refused before
 * anything is sent or stored when it cannot be a token, with a reason a
 * person can act on. */
#include "config.h"

#include <string.h>

#include "sh-error.h"
#include "sh-providers.h"
#include "sh-token-syntax.h"

static void
test_judge (void)
{
  char long_token[SH_TOKEN_SYNTAX_MAX_LENGTH + 2];

  g_assert_cmpint (sh_token_syntax_judge ("EAAB1x2y3z", 10), ==, SH_TOKEN_SYNTAX_OK);
  /* X tokens are base64url with ':' and '.' inside. */
  g_assert_cmpint (sh_token_syntax_judge ("bWdD-S_0:1.a=", 13), ==, SH_TOKEN_SYNTAX_OK);
  g_assert_cmpint (sh_token_syntax_judge ("", 0), ==, SH_TOKEN_SYNTAX_EMPTY);
  g_assert_cmpint (sh_token_syntax_judge (NULL, 0), ==, SH_TOKEN_SYNTAX_EMPTY);
  /* The NUL is judged, not taken for the end. */
  g_assert_cmpint (sh_token_syntax_judge ("abc\0def", 7), ==, SH_TOKEN_SYNTAX_CONTROL);
  g_assert_cmpint (sh_token_syntax_judge ("abc\x01" "def", 7), ==, SH_TOKEN_SYNTAX_CONTROL);
  g_assert_cmpint (sh_token_syntax_judge ("abc\x7f", 4), ==, SH_TOKEN_SYNTAX_CONTROL);
  g_assert_cmpint (sh_token_syntax_judge ("abc\ndef", 7), ==, SH_TOKEN_SYNTAX_LINE_BREAK);
  g_assert_cmpint (sh_token_syntax_judge ("abc\r", 4), ==, SH_TOKEN_SYNTAX_LINE_BREAK);
  g_assert_cmpint (sh_token_syntax_judge ("abc def", 7), ==, SH_TOKEN_SYNTAX_SPACE);
  g_assert_cmpint (sh_token_syntax_judge ("abc\tdef", 7), ==, SH_TOKEN_SYNTAX_SPACE);
  /* A zero-width space (U+200B) and a typographic quote. */
  g_assert_cmpint (sh_token_syntax_judge ("abc\xe2\x80\x8b", 6), ==, SH_TOKEN_SYNTAX_NON_ASCII);
  g_assert_cmpint (sh_token_syntax_judge ("\xe2\x80\x9c" "abc", 6), ==, SH_TOKEN_SYNTAX_NON_ASCII);
  /* A control character outranks a space found before it. */
  g_assert_cmpint (sh_token_syntax_judge ("a b\x02", 4), ==, SH_TOKEN_SYNTAX_CONTROL);

  memset (long_token, 'A', sizeof long_token);
  g_assert_cmpint (sh_token_syntax_judge (long_token, SH_TOKEN_SYNTAX_MAX_LENGTH), ==,
                   SH_TOKEN_SYNTAX_OK);
  g_assert_cmpint (sh_token_syntax_judge (long_token, SH_TOKEN_SYNTAX_MAX_LENGTH + 1), ==,
                   SH_TOKEN_SYNTAX_TOO_LONG);
}

static void
test_pasted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_malloc (64 * 1024 + 1);

  /* The line end of a terminal and spaces copied along are not the token. */
  g_assert_true (sh_token_syntax_check_pasted ("facebook", "  EAAB123\r\n", 11, NULL));
  g_assert_true (sh_token_syntax_check_pasted ("x", "\ttok-1:2\n", 9, NULL));

  g_assert_false (sh_token_syntax_check_pasted ("facebook", "abc\0def\n", 8, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "This is not a Facebook access token: it contains a control character.");
  g_clear_error (&error);

  g_assert_false (sh_token_syntax_check_pasted ("x", "two words", 9, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "This is not an X access token: it contains a space.");
  g_clear_error (&error);

  g_assert_false (sh_token_syntax_check_pasted ("x", " \n ", 3, &error));
  g_assert_cmpstr (error->message, ==, "This is not an X access token: it is empty.");
  g_clear_error (&error);

  /* Refused, not cut to a size that would then be sent. */
  memset (huge, 'A', 64 * 1024);
  huge[64 * 1024] = '\n';
  g_assert_false (sh_token_syntax_check_pasted ("facebook", huge, 64 * 1024 + 1, &error));
  g_assert_cmpstr (error->message, ==,
                   "This is not a Facebook access token: it is longer than 4096 characters.");
}

static void
test_issued (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sh_token_syntax_check_issued ("facebook", "EAAPage1", 8, NULL));
  /* Strict: a network has no reason to pad a token. */
  g_assert_false (sh_token_syntax_check_issued ("facebook", "EAAPage1\n", 9, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
  g_assert_cmpstr (error->message, ==,
                   "Facebook handed out an access token SocialHub cannot use: "
                   "it spans more than one line.");
  g_clear_error (&error);
  g_assert_false (sh_token_syntax_check_issued ("x", "", 0, &error));
  g_assert_error (error, SH_ERROR, SH_ERROR_SERVER);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();
  g_test_add_func ("/token-syntax/judge", test_judge);
  g_test_add_func ("/token-syntax/pasted", test_pasted);
  g_test_add_func ("/token-syntax/issued", test_issued);
  return g_test_run ();
}
