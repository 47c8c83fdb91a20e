/* sh-pkce.c — PKCE verifiers and challenges, OAuth state values.
 *
 * Randomness comes from getrandom(2), which blocks only until the kernel's
 * pool is first seeded; if the call is missing (very old kernels) the bytes
 * come from /dev/urandom. When neither works the program aborts: a guessable
 * verifier or state is worse than no sign-in at all.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "sh-pkce.h"

#define RANDOM_BYTES 32

static gboolean
read_urandom (guint8 *buffer,
              gsize   len)
{
  gsize done = 0;
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  while (done < len)
    {
      ssize_t n = read (fd, buffer + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          close (fd);
          return FALSE;
        }
      done += (gsize) n;
    }
  close (fd);
  return TRUE;
}

static void
fill_random (guint8 *buffer,
             gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buffer + done, len - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          if (read_urandom (buffer + done, len - done))
            return;
          g_error ("No source of secure random numbers: %s", g_strerror (errno));
        }
      done += (gsize) n;
    }
}

char *
sh_pkce_base64url_encode (const guint8 *data,
                          gsize         len)
{
  char *out = g_base64_encode (data, len);
  char *p;

  for (p = out; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return out;
}

static char *
new_random_string (void)
{
  guint8 bytes[RANDOM_BYTES];
  char *out;

  fill_random (bytes, sizeof bytes);
  out = sh_pkce_base64url_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  return out;
}

char *
sh_pkce_new_verifier (void)
{
  return new_random_string ();
}

char *
sh_pkce_new_state (void)
{
  return new_random_string ();
}

char *
sh_pkce_challenge_s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_assert (digest_len == sizeof digest);
  return sh_pkce_base64url_encode (digest, digest_len);
}

gboolean
sh_pkce_verify_s256 (const char *verifier,
                     const char *challenge)
{
  g_autofree char *computed = NULL;
  gsize len;
  guint8 diff = 0;

  if (verifier == NULL || challenge == NULL)
    return FALSE;

  computed = sh_pkce_challenge_s256 (verifier);
  len = strlen (computed);
  if (strlen (challenge) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    diff |= (guint8) (computed[i] ^ challenge[i]);
  return diff == 0;
}
