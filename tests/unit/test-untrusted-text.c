/* test-untrusted-text.c — sh_untrusted_text_sanitize(): a table of hostile
 * names and what a terminal, a notification or a keyring label gets of
 * them; and a 300 KB name costs one short line. */
#include "config.h"

#include <string.h>

#include "sh-untrusted-text.h"

typedef struct {
  const char *what;
  const char *input;
  gssize      length;   /* -1: up to the NUL */
  guint       max_chars;
  const char *expected;
} Case;

static const Case cases[] = {
  { "plain", "Acme Coffee", -1, 200, "Acme Coffee" },
  { "empty", "", -1, 200, "" },
  { "accents, CJK, emoji, RTL script stay", "Café 東京 👩‍💻 مقهى", -1, 200, "Café 東京 👩‍💻 مقهى" },
  { "terminal title (OSC 0)", "\033]0;pwned\007Acme", -1, 200, "␛]0;pwned␇Acme" },
  { "clear screen (CSI 2J)", "Acme\033[2J\033[H", -1, 200, "Acme␛[2J␛[H" },
  { "8-bit CSI (C1)", "Acme\xc2\x9b" "31m", -1, 200, "Acme�31m" },
  { "other C1 controls", "a\xc2\x80" "b\xc2\x9f" "c", -1, 200, "a�b�c" },
  { "NEL is a line break", "a\xc2\x85" "b", -1, 200, "a b" },
  { "forged line", "Acme\n  tok-1  Mallory: Valid", -1, 200, "Acme   tok-1  Mallory: Valid" },
  { "tab, CR, VT, FF", "a\tb\rc\vd\fe", -1, 200, "a b c d e" },
  { "line and paragraph separators", "a\u2028b\u2029c", -1, 200, "a b c" },
  { "NUL inside", "a\0b", 3, 200, "a␀b" },
  { "DEL and backspace", "ab\177\b\bc", -1, 200, "ab␡␈␈c" },
  { "RLO turning rtl gnp.exe into rtl exe.png", "rtl\u202Egnp.exe", -1, 200, "rtlgnp.exe" },
  { "all bidi controls", "\u202Aa\u202Bb\u202Cc\u202Dd\u202Ee\u2066f\u2067g\u2068h\u2069i"
                         "\u200Ej\u200Fk\u061Cl", -1, 200, "abcdefghijkl" },
  { "bidi controls do not count", "\u202E\u202E\u202Eabc", -1, 3, "abc" },
  { "invalid byte", "Acme\xff" "Coffee", -1, 200, "Acme�Coffee" },
  { "lone continuation bytes", "\x80\xbf", -1, 200, "��" },
  { "truncated sequence at the end", "Caf\xc3", -1, 200, "Caf�" },
  { "overlong slash", "a\xc0\xaf" "b", -1, 200, "a��b" },
  { "UTF-16 surrogate", "a\xed\xa0\x80" "b", -1, 200, "a���b" },
  { "beyond U+10FFFF", "a\xf4\x90\x80\x80" "b", -1, 200, "a����b" },
  { "exactly the limit", "abcde", -1, 5, "abcde" },
  { "one over the limit", "abcdef", -1, 5, "abcd…" },
  { "limit counts characters, not bytes", "ééééééé", -1, 5, "éééé…" },
  { "limit counts what is shown", "\033\033\033\033\033\033", -1, 5, "␛␛␛␛…" },
  { "limit of one", "ab", -1, 1, "…" },
  { "explicit length stops early", "abc\033def", 3, 200, "abc" },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      g_autofree char *out = sh_untrusted_text_sanitize_full (c->input, c->length, c->max_chars);

      g_test_message ("%s", c->what);
      g_assert_cmpstr (out, ==, c->expected);
      g_assert_true (g_utf8_validate (out, -1, NULL));
    }
  g_assert_null (sh_untrusted_text_sanitize (NULL));
}

/* A name from the issue: 300 KB of "A" behind an escape sequence. What a
 * person reads is one line of 200 characters, and only as much of the name
 * as that was read. */
static void
test_huge (void)
{
  gsize size = 300 * 1024;
  g_autofree char *name = g_malloc (size + 1);
  g_autofree char *out = NULL;

  memset (name, 'A', size);
  name[size] = '\0';
  memcpy (name, "\033[2J", 4);
  out = sh_untrusted_text_sanitize (name);
  g_assert_cmpuint (g_utf8_strlen (out, -1), ==, SH_UNTRUSTED_TEXT_MAX_CHARS);
  g_assert_true (g_str_has_prefix (out, "␛[2JAAA"));
  g_assert_true (g_str_has_suffix (out, "A…"));
  g_assert_null (strchr (out, '\033'));
}

/* Every byte value, alone and after a lead byte: nothing dangerous is left. */
static void
test_every_byte (void)
{
  for (guint lead = 0; lead < 256; lead++)
    for (guint b = 0; b < 256; b++)
      {
        char input[3] = { (char) lead, (char) b, 'z' };
        g_autofree char *out = sh_untrusted_text_sanitize_full (input, 3, 200);

        g_assert_true (g_utf8_validate (out, -1, NULL));
        for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
          {
            gunichar c = g_utf8_get_char (p);

            g_assert_true (c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F));
          }
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/untrusted-text/table", test_table);
  g_test_add_func ("/untrusted-text/huge", test_huge);
  g_test_add_func ("/untrusted-text/every-byte", test_every_byte);
  return g_test_run ();
}
