/* sh-x-loopback-request.c — the head of a request to the sign-in loopback
 * server (see the header). RFC 9112 §2–§5, strictly: what a browser sends
 * passes, anything a browser would not send is refused rather than guessed
 * at, since the only client this server has is a browser coming back from X.
 */
#include "config.h"

#include <string.h>

#include "sh-x-loopback-request.h"

#define MAX_METHOD 32

/* RFC 9110 §5.6.2 tchar. */
static gboolean
is_tchar (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_token (const char *start,
          gsize       length)
{
  if (length == 0)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!is_tchar ((guchar) start[i]))
      return FALSE;
  return TRUE;
}

/* method SP origin-form SP HTTP/1.x */
static gboolean
parse_request_line (const char         *line,
                    gsize               length,
                    ShXLoopbackRequest *out)
{
  const char *end = line + length;
  const char *space = memchr (line, ' ', length);
  const char *target, *target_end, *question;

  if (space == NULL || space == line || space - line > MAX_METHOD ||
      !is_token (line, space - line))
    return FALSE;
  target = space + 1;
  target_end = memchr (target, ' ', end - target);
  if (target_end == NULL || target_end == target || *target != '/')
    return FALSE;
  /* Visible ASCII only; a fragment is never sent. */
  for (const char *p = target; p < target_end; p++)
    if ((guchar) *p <= 0x20 || (guchar) *p >= 0x7f || *p == '#')
      return FALSE;
  if (end - (target_end + 1) != 8 ||
      (memcmp (target_end + 1, "HTTP/1.1", 8) != 0 && memcmp (target_end + 1, "HTTP/1.0", 8) != 0))
    return FALSE;

  out->method = g_strndup (line, space - line);
  question = memchr (target, '?', target_end - target);
  if (question != NULL)
    {
      out->path = g_strndup (target, question - target);
      out->query = g_strndup (question + 1, target_end - (question + 1));
    }
  else
    out->path = g_strndup (target, target_end - target);
  return TRUE;
}

static gboolean
is_zero (const char *value)
{
  return *value != '\0' && strspn (value, "0") == strlen (value);
}

/* name ":" OWS value OWS */
static gboolean
parse_header (const char         *line,
              gsize               length,
              ShXLoopbackRequest *out)
{
  const char *end = line + length;
  const char *colon = memchr (line, ':', length);
  const char *value;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  /* No space before the colon (§5.1), and no obsolete line folding. */
  if (colon == NULL || !is_token (line, colon - line))
    return FALSE;
  value = colon + 1;
  while (value < end && (*value == ' ' || *value == '\t'))
    value++;
  while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
    end--;
  name = g_strndup (line, colon - line);
  text = g_strndup (value, end - value);

  if (g_ascii_strcasecmp (name, "Host") == 0)
    {
      /* Two Hosts are an attack on whoever reads the other one (§3.2). */
      if (out->host != NULL)
        return FALSE;
      out->host = g_steal_pointer (&text);
    }
  else if (g_ascii_strcasecmp (name, "Content-Length") == 0)
    {
      if (*text == '\0' || strspn (text, "0123456789") != strlen (text))
        return FALSE;
      if (!is_zero (text))
        out->has_body = TRUE;
    }
  else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
    out->has_body = TRUE;
  return TRUE;
}

/* Bytes a line may hold: no NUL, no CR but the one before its LF, no other
 * control character but a tab; anything from 0x80 up (header values may
 * carry UTF-8). */
static gboolean
line_is_clean (const char *line,
               gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) line[i];

      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return FALSE;
    }
  return TRUE;
}

ShXLoopbackHead
sh_x_loopback_request_parse (const char         *data,
                             gsize               length,
                             ShXLoopbackRequest *out)
{
  gsize limit = MIN (length, SH_X_LOOPBACK_MAX_HEAD);
  gsize start = 0;
  gboolean first = TRUE;

  g_return_val_if_fail (data != NULL || length == 0, SH_X_LOOPBACK_HEAD_MALFORMED);
  g_return_val_if_fail (out != NULL, SH_X_LOOPBACK_HEAD_MALFORMED);

  memset (out, 0, sizeof *out);
  while (start < limit)
    {
      const char *newline = memchr (data + start, '\n', limit - start);
      gsize end, next;

      if (newline == NULL)
        break;
      next = (gsize) (newline - data) + 1;
      end = next - 1;
      /* LF or CRLF (§2.2: a recipient may take a bare LF). */
      if (end > start && data[end - 1] == '\r')
        end--;

      if (!line_is_clean (data + start, end - start))
        goto malformed;
      if (first)
        {
          if (!parse_request_line (data + start, end - start, out))
            goto malformed;
          first = FALSE;
        }
      else if (end == start)
        {
          out->head_length = next;
          return SH_X_LOOPBACK_HEAD_COMPLETE;
        }
      else if (!parse_header (data + start, end - start, out))
        goto malformed;
      start = next;
    }

  /* Nothing is judged before the whole head is there. */
  sh_x_loopback_request_clear (out);
  return length >= SH_X_LOOPBACK_MAX_HEAD ? SH_X_LOOPBACK_HEAD_TOO_LARGE
                                          : SH_X_LOOPBACK_HEAD_INCOMPLETE;

malformed:
  sh_x_loopback_request_clear (out);
  return SH_X_LOOPBACK_HEAD_MALFORMED;
}

void
sh_x_loopback_request_clear (ShXLoopbackRequest *request)
{
  g_return_if_fail (request != NULL);

  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_free (request->host);
  memset (request, 0, sizeof *request);
}

static gboolean
host_is_ours (const char *host,
              guint       port)
{
  g_autofree char *numeric = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *named = g_strdup_printf ("localhost:%u", port);

  if (g_ascii_strcasecmp (host, numeric) == 0 || g_ascii_strcasecmp (host, named) == 0)
    return TRUE;
  /* A browser leaves out the scheme's default port. */
  return port == 80 && (g_str_equal (host, "127.0.0.1") || g_ascii_strcasecmp (host, "localhost") == 0);
}

ShXLoopbackVerdict
sh_x_loopback_request_judge (const ShXLoopbackRequest *request,
                             guint                     port)
{
  g_return_val_if_fail (request != NULL && request->method != NULL && request->path != NULL,
                        SH_X_LOOPBACK_WRONG_HOST);

  if (request->host == NULL || !host_is_ours (request->host, port))
    return SH_X_LOOPBACK_WRONG_HOST;
  if (!g_str_equal (request->method, "GET"))
    return SH_X_LOOPBACK_WRONG_METHOD;
  if (request->has_body)
    return SH_X_LOOPBACK_HAS_BODY;
  if (!g_str_equal (request->path, "/callback"))
    return SH_X_LOOPBACK_NOT_FOUND;
  return SH_X_LOOPBACK_CALLBACK;
}
