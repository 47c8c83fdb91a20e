/* test-util.c — see test-util.h. */
#include "config.h"

#include "test-util.h"

static gboolean
on_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

void
sh_test_wait_for_result (GAsyncResult **result,
                         guint          timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (sh_test_time_limit (timeout_ms), on_timeout, &timed_out);

  while (*result == NULL && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (*result == NULL)
    g_error ("no result within %u ms", timeout_ms);
  g_source_remove (id);
}

void
sh_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

char *
sh_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("socialhub-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

ShManager *
sh_test_load_manager (const char *dir)
{
  ShManager *manager = sh_manager_new (dir, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  sh_manager_load_async (manager, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  g_assert_true (sh_manager_load_finish (manager, result, &error));
  g_assert_no_error (error);
  return manager;
}

ShChannel *
sh_test_make_channel (const char *name,
                      const char *network,
                      guint       n_tokens)
{
  g_autofree char *id = sh_channel_generate_id ();
  static guint serial;
  /* Unique in the process: a list refuses two channels with one external id. */
  g_autofree char *external_id = g_strdup_printf ("%u%06u", g_random_int_range (1, 1000), ++serial);
  ShChannel *channel = sh_channel_new (id, network, external_id);

  sh_channel_set_name (channel, name);
  for (guint i = 0; i < n_tokens; i++)
    {
      g_autofree char *token_id = sh_token_generate_id ();
      g_autofree char *owner = g_strdup_printf ("Owner %u", i + 1);
      /* One person each: "Owner 2" is nobody else's id. */
      g_autofree char *owner_id = g_strdup_printf ("%u", 100 + i);
      g_autoptr(ShToken) token = sh_token_new (token_id, network, id);

      sh_token_set_owner_name (token, owner);
      sh_token_set_owner_id (token, owner_id);
      sh_channel_add_token (channel, token);
    }
  return channel;
}

gint64
sh_test_time_limit (gint64 usec)
{
  const char *factor = g_getenv ("SH_TEST_TIME_FACTOR");
  guint64 value = 1;

  if (factor != NULL)
    g_ascii_string_to_unsigned (factor, 10, 1, 1000, &value, NULL);
  return usec * (gint64) value;
}

GTlsCertificate *
sh_test_make_self_signed_certificate (const char *dir)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *cert = g_build_filename (dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  GTlsCertificate *certificate;
  int status;
  /* An EC key: made in milliseconds, where RSA takes up to a second. The
   * name matches the address, so that the only fault is the issuer. */
  const char *argv[] = {
    openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", NULL,
  };

  if (openssl == NULL)
    return NULL;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl could not make a certificate: %s", err);
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  g_assert_no_error (error);
  return certificate;
}

gint64
sh_test_fake_clock (gpointer now_seconds)
{
  return *(const gint64 *) now_seconds;
}

guint
sh_test_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, any_port, TRUE, &error));
  local = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
}
