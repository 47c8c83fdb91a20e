/* fuzz-untrusted-text.c — sh_untrusted_text_sanitize_full(), the one filter
 * between a name from a network or the data file and a terminal, a
 * notification or a keyring label (sh-untrusted-text.h).
 *
 * Every input, as bytes (NULs included) and as a C string, with limits of
 * 1, 2, 7 and 200 characters and with none. What it holds: the result is
 * valid UTF-8; it has no C0 control, DEL, C1 control, bidi control, line
 * or paragraph separator; at most the limit in characters; a cut result is
 * the uncut one's first limit - 1 characters and "…"; sanitizing it again
 * changes nothing; the C-string form is the bytes form up to the first NUL.
 */
#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "sh-untrusted-text.h"

static const guint limits[] = { 1, 2, 7, SH_UNTRUSTED_TEXT_MAX_CHARS };

static void
assert_safe (const char *out)
{
  g_assert_nonnull (out);
  g_assert_true (g_utf8_validate (out, -1, NULL));
  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_true (c >= 0x20);
      g_assert_true (c < 0x7F || c > 0x9F);
      g_assert_true (c < 0x202A || c > 0x202E);
      g_assert_true (c < 0x2066 || c > 0x2069);
      g_assert_true (c != 0x200E && c != 0x200F && c != 0x061C);
      g_assert_true (c != 0x2028 && c != 0x2029);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = size > 0 ? (const char *) data : "";
  g_autofree char *whole = sh_untrusted_text_sanitize_full (text, (gssize) size, G_MAXUINT);
  glong whole_chars;

  assert_safe (whole);
  whole_chars = g_utf8_strlen (whole, -1);
  /* Never more characters than bytes came in. */
  g_assert_cmpint (whole_chars, <=, (glong) size);

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      guint limit = limits[i];
      g_autofree char *out = sh_untrusted_text_sanitize_full (text, (gssize) size, limit);
      g_autofree char *again = NULL;
      glong n = g_utf8_strlen (out, -1);

      assert_safe (out);
      g_assert_cmpint (n, <=, (glong) limit);
      if (whole_chars <= (glong) limit)
        g_assert_cmpstr (out, ==, whole);
      else
        {
          /* The first limit - 1 characters of the whole, then "…". */
          gsize kept = (gsize) (g_utf8_offset_to_pointer (whole, limit - 1) - whole);

          g_assert_cmpint (n, ==, (glong) limit);
          g_assert_true (g_str_has_suffix (out, "…"));
          g_assert_cmpuint (strlen (out), ==, kept + strlen ("…"));
          g_assert_true (memcmp (out, whole, kept) == 0);
        }
      again = sh_untrusted_text_sanitize_full (out, -1, limit);
      g_assert_cmpstr (again, ==, out);
    }

  /* As a C string: what comes before the first NUL. */
  {
    g_autofree char *string = sh_fuzz_strndup (data, size);
    g_autofree char *from_string = sh_untrusted_text_sanitize (string);
    g_autofree char *from_bytes = sh_untrusted_text_sanitize_full (text, (gssize) strlen (string),
                                                                   SH_UNTRUSTED_TEXT_MAX_CHARS);

    g_assert_cmpstr (from_string, ==, from_bytes);
  }
  return 0;
}
