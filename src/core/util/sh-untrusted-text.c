/* sh-untrusted-text.c — see sh-untrusted-text.h. */
#include "config.h"

#include <string.h>

#include "sh-untrusted-text.h"

#define REPLACEMENT   0xFFFD   /* � */
#define PICTURE_NUL   0x2400   /* ␀: U+2400 + c for the C0 controls */
#define PICTURE_DEL   0x2421   /* ␡ */
#define ELLIPSIS      "…"

typedef enum {
  KEEP,
  SPACE,
  PICTURE,
  REPLACE,
  DROP,
} Action;

static Action
classify (gunichar c)
{
  switch (c)
    {
    case '\t': case '\n': case 0x0B: case 0x0C: case '\r':
    case 0x85: case 0x2028: case 0x2029:
      return SPACE;
    /* Bidi controls: embeddings and overrides, isolates, marks. */
    case 0x202A: case 0x202B: case 0x202C: case 0x202D: case 0x202E:
    case 0x2066: case 0x2067: case 0x2068: case 0x2069:
    case 0x200E: case 0x200F: case 0x061C:
      return DROP;
    case 0x7F:
      return PICTURE;
    default:
      break;
    }
  if (c < 0x20)
    return PICTURE;
  if (c >= 0x80 && c <= 0x9F)
    return REPLACE;
  return KEEP;
}

/* One character of @p (at most @left bytes): its code point and length;
 * a byte that does not start a valid character is U+FFFD, one byte long. */
static gunichar
next_char (const char *p,
           gsize       left,
           gsize      *length)
{
  gunichar c;

  /* GLib takes a NUL inside a sequence as an incomplete one. */
  if (*p == '\0')
    {
      *length = 1;
      return 0;
    }
  c = g_utf8_get_char_validated (p, (gssize) left);
  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *length = 1;
      return REPLACEMENT;
    }
  *length = (gsize) (g_utf8_next_char (p) - p);
  return c;
}

char *
sh_untrusted_text_sanitize_full (const char *text,
                                 gssize      length,
                                 guint       max_chars)
{
  GString *out;
  const char *p, *end;
  gsize cut = 0;          /* bytes of out after max_chars - 1 characters */
  guint n_chars = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (max_chars > 0, NULL);

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = (gssize) strlen (text);
  end = text + length;
  /* Only as much as can be shown is read: a 300 KB name costs no more. */
  out = g_string_sized_new (MIN ((gsize) length, (gsize) max_chars * 4) + 1);

  for (p = text; p < end; )
    {
      gsize size;
      gunichar c = next_char (p, (gsize) (end - p), &size);

      p += size;
      switch (classify (c))
        {
        case SPACE:
          c = ' ';
          break;
        case PICTURE:
          c = c == 0x7F ? PICTURE_DEL : PICTURE_NUL + c;
          break;
        case REPLACE:
          c = REPLACEMENT;
          break;
        case DROP:
          continue;
        case KEEP:
        default:
          break;
        }

      if (n_chars == max_chars)
        {
          /* One character too many: the last one kept makes way for "…". */
          g_string_truncate (out, cut);
          g_string_append (out, ELLIPSIS);
          return g_string_free (out, FALSE);
        }
      g_string_append_unichar (out, c);
      n_chars++;
      if (n_chars == max_chars - 1)
        cut = out->len;
    }
  return g_string_free (out, FALSE);
}

char *
sh_untrusted_text_sanitize (const char *text)
{
  if (text == NULL)
    return NULL;
  return sh_untrusted_text_sanitize_full (text, -1, SH_UNTRUSTED_TEXT_MAX_CHARS);
}
