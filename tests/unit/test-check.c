/* test-check.c — checks asked for at the same moment share one run.
 *
 * The window's Check Now, the monitor and a forwarded --check may ask while
 * a check runs; they must get its result, not send every request again. A
 * provider that answers only when the test says so shows how many runs were
 * made and whether one was cancelled. Runs under build-aux/with-session.sh
 * (a real keyring: every check reads it first). Also: adding the same
 * secret twice adds nothing, and a typed owner name fills only a gap. */
#include "config.h"

#include "sh-checker.h"
#include "sh-error.h"
#include "sh-manager.h"
#include "sh-monitor.h"
#include "sh-notifier.h"
#include "sh-store-private.h"
#include "sh-providers.h"
#include "test-util.h"

/* ---- a provider that answers when told ------------------------------------ */

#define TEST_TYPE_HELD_PROVIDER (test_held_provider_get_type ())
G_DECLARE_FINAL_TYPE (TestHeldProvider, test_held_provider, TEST, HELD_PROVIDER, ShProvider)

struct _TestHeldProvider
{
  ShProvider  parent_instance;

  guint       n_checks;
  guint       n_cancelled;
  GTask      *held;       /* the check in flight */
  GPtrArray  *tokens;     /* its tokens */
  gboolean    judge;      /* answer "valid" for each, not only count them */
};

G_DEFINE_FINAL_TYPE (TestHeldProvider, test_held_provider, SH_TYPE_PROVIDER)

static void
on_held_cancelled (GCancellable     *cancellable,
                   TestHeldProvider *self)
{
  self->n_cancelled++;
}

static void
held_check_async (ShProvider          *provider,
                  GPtrArray           *tokens,
                  GHashTable          *secrets,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  TestHeldProvider *self = TEST_HELD_PROVIDER (provider);

  g_assert_null (self->held);
  self->n_checks++;
  self->held = g_task_new (self, cancellable, callback, user_data);
  g_clear_pointer (&self->tokens, g_ptr_array_unref);
  self->tokens = g_ptr_array_ref (tokens);
  g_task_set_task_data (self->held, GUINT_TO_POINTER (tokens->len), NULL);
  if (cancellable != NULL)
    g_signal_connect (cancellable, "cancelled", G_CALLBACK (on_held_cancelled), self);
}

/* The network answers: every token judged, one request. */
static void
held_release (TestHeldProvider *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->held);
  g_autoptr(GHashTable) verdicts = sh_verdicts_new ();
  ShCheckSummary summary = { 0 };

  g_assert_nonnull (task);
  if (g_task_get_cancellable (task) != NULL)
    g_signal_handlers_disconnect_by_data (g_task_get_cancellable (task), self);
  summary.n_checked = GPOINTER_TO_UINT (g_task_get_task_data (task));
  summary.n_requests = 1;
  for (guint i = 0; self->judge && i < self->tokens->len; i++)
    g_hash_table_insert (verdicts, g_strdup (sh_token_get_id (g_ptr_array_index (self->tokens, i))),
                         sh_verdict_new (SH_TOKEN_STATE_VALID, SH_TOKEN_REASON_NONE));
  sh_provider_return_check (task, &summary, verdicts);
}

static void
test_held_provider_finalize (GObject *object)
{
  g_clear_pointer (&TEST_HELD_PROVIDER (object)->tokens, g_ptr_array_unref);
  G_OBJECT_CLASS (test_held_provider_parent_class)->finalize (object);
}

static void
test_held_provider_class_init (TestHeldProviderClass *klass)
{
  ShProviderClass *provider_class = SH_PROVIDER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_held_provider_finalize;
  provider_class->network = "facebook";
  provider_class->check_async = held_check_async;
}

static void
test_held_provider_init (TestHeldProvider *self)
{
}

/* ---- fixture ---------------------------------------------------------------- */

typedef struct {
  char             *dir;
  ShManager        *manager;
  TestHeldProvider *provider;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(ShChannel) channel = sh_test_make_channel ("Acme Coffee", "facebook", 2);
  g_autoptr(GError) error = NULL;

  fixture->dir = sh_test_make_dir ();
  fixture->manager = sh_manager_new (fixture->dir, FALSE);
  fixture->provider = g_object_new (TEST_TYPE_HELD_PROVIDER, NULL);
  sh_manager_add_provider (fixture->manager, SH_PROVIDER (fixture->provider));
  sh_manager_load_async (fixture->manager, NULL, sh_test_store_result, &loaded);
  sh_test_wait_for_result (&loaded, 5000);
  g_assert_true (sh_manager_load_finish (fixture->manager, loaded, &error));
  g_assert_no_error (error);
  sh_channel_list_add (sh_manager_get_channels (fixture->manager), channel);

  /* A token without its secret is not sent to the network ("secret
   * missing"): these have theirs. */
  for (guint i = 0; i < sh_channel_get_n_tokens (channel); i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), i);
      g_autoptr(ShSecret) secret = sh_secret_new ("test-check-secret", NULL, 0);
      g_autoptr(GAsyncResult) stored = NULL;
      ShSecretStore *secrets = sh_manager_get_secret_store (fixture->manager);

      sh_secret_store_store_async (secrets, token, secret, NULL, sh_test_store_result, &stored);
      sh_test_wait_for_result (&stored, 5000);
      g_assert_true (sh_secret_store_store_finish (secrets, stored, &error));
    }
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->manager);
  g_clear_object (&fixture->provider);
  g_free (fixture->dir);
}

static void
wait_until_held (Fixture *fixture)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (fixture->provider->held == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (fixture->provider->held);
}

static void
assert_checked (Fixture      *fixture,
                GAsyncResult *result,
                guint         n_checked)
{
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };

  g_assert_true (sh_checker_check_finish (sh_manager_get_checker (fixture->manager), result, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_checked, ==, n_checked);
  g_assert_cmpuint (summary.n_requests, ==, 1);
}

/* Asks for a check; *@result is set when it answers. */
static void
start_check (Fixture       *fixture,
             GCancellable  *cancellable,
             GAsyncResult **result)
{
  sh_checker_check_async (sh_manager_get_checker (fixture->manager), cancellable,
                          sh_test_store_result, result);
}

/* The check asked for by @later is a run of its own: the network's second. */
static void
assert_second_run (Fixture       *fixture,
                   GAsyncResult **later)
{
  wait_until_held (fixture);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 2);
  held_release (fixture->provider);
  sh_test_wait_for_result (later, 5000);
  assert_checked (fixture, *later, 2);
}

/* Three callers while one run goes: one check at the network, three answers. */
static void
test_callers_share_one_run (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) third = NULL;
  g_autoptr(GAsyncResult) later = NULL;

  start_check (fixture, NULL, &first);
  wait_until_held (fixture);
  start_check (fixture, NULL, &second);
  start_check (fixture, NULL, &third);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 1);

  held_release (fixture->provider);
  sh_test_wait_for_result (&first, 5000);
  sh_test_wait_for_result (&second, 5000);
  sh_test_wait_for_result (&third, 5000);
  assert_checked (fixture, first, 2);
  assert_checked (fixture, second, 2);
  assert_checked (fixture, third, 2);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 1);

  /* Asked after the run ended: a new run. */
  start_check (fixture, NULL, &later);
  assert_second_run (fixture, &later);
}

/* Check Now while a check runs (the monitor's, started before the person
 * fixed a token): not the answer of that run, which may have judged the
 * token before the fix, but of a run that starts after it ends — one more
 * request at the network, none alongside the first. */
static void
test_check_now_after_running (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ShMonitor) monitor = sh_monitor_new (fixture->manager, NULL);
  g_autoptr(GAsyncResult) running = NULL;
  g_autoptr(GAsyncResult) now = NULL;
  g_autoptr(GError) error = NULL;
  ShCheckSummary summary = { 0 };

  start_check (fixture, NULL, &running);
  wait_until_held (fixture);
  sh_monitor_check_now_async (monitor, NULL, sh_test_store_result, &now);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 1);

  held_release (fixture->provider);
  sh_test_wait_for_result (&running, 5000);
  assert_checked (fixture, running, 2);
  /* The run under way has answered; Check Now has not: its run goes. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (now);
  wait_until_held (fixture);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 2);

  held_release (fixture->provider);
  sh_test_wait_for_result (&now, 5000);
  g_assert_true (sh_monitor_check_now_finish (monitor, now, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.n_checked, ==, 2);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 2);
}

/* One caller gives up (its window closed): it hears "cancelled" at once,
 * the other still gets the result, and the network's check is not stopped. */
static void
test_one_caller_leaves (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) window = g_cancellable_new ();
  g_autoptr(GAsyncResult) leaving = NULL;
  g_autoptr(GAsyncResult) staying = NULL;
  g_autoptr(GError) error = NULL;

  start_check (fixture, window, &leaving);
  start_check (fixture, NULL, &staying);
  wait_until_held (fixture);
  g_cancellable_cancel (window);
  sh_test_wait_for_result (&leaving, 5000);
  g_assert_false (sh_checker_check_finish (sh_manager_get_checker (fixture->manager), leaving, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->provider->n_cancelled, ==, 0);

  held_release (fixture->provider);
  sh_test_wait_for_result (&staying, 5000);
  assert_checked (fixture, staying, 2);
}

/* Everybody gives up: the run itself is cancelled, and the next ask starts
 * a new one rather than joining the dead one. */
static void
test_all_callers_leave (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GCancellable) a = g_cancellable_new ();
  g_autoptr(GCancellable) b = g_cancellable_new ();
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GAsyncResult) second = NULL;
  g_autoptr(GAsyncResult) later = NULL;

  start_check (fixture, a, &first);
  start_check (fixture, b, &second);
  wait_until_held (fixture);
  g_cancellable_cancel (a);
  g_assert_cmpuint (fixture->provider->n_cancelled, ==, 0);
  g_cancellable_cancel (b);
  g_assert_cmpuint (fixture->provider->n_cancelled, ==, 1);
  sh_test_wait_for_result (&first, 5000);
  sh_test_wait_for_result (&second, 5000);

  start_check (fixture, NULL, &later);
  /* The provider answers the cancelled check late, as a real one would. */
  {
    g_autoptr(GTask) old = g_steal_pointer (&fixture->provider->held);

    g_signal_handlers_disconnect_by_data (g_task_get_cancellable (old), fixture->provider);
    g_task_return_new_error (old, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
  }
  assert_second_run (fixture, &later);
}

/* The broker's "check that channel first" (a leftover of issue 17's
 * review: it checked every channel): only that channel's tokens go to the
 * network; asked while a check of every channel runs, it joins that run. */
static void
test_one_channel (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ShChannel) bean = sh_test_make_channel ("Bean Bar", "facebook", 1);
  g_autoptr(ShToken) bean_token = g_list_model_get_item (sh_channel_get_tokens (bean), 0);
  g_autoptr(ShSecret) secret = sh_secret_new ("test-check-secret", NULL, 0);
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) one = NULL;
  g_autoptr(GAsyncResult) all = NULL;
  g_autoptr(GAsyncResult) joined = NULL;
  g_autoptr(GError) error = NULL;
  ShChecker *checker = sh_manager_get_checker (fixture->manager);
  ShSecretStore *secrets = sh_manager_get_secret_store (fixture->manager);
  const char *only[] = { sh_channel_get_id (bean), NULL };

  sh_channel_list_add (sh_manager_get_channels (fixture->manager), bean);
  sh_secret_store_store_async (secrets, bean_token, secret, NULL, sh_test_store_result, &stored);
  sh_test_wait_for_result (&stored, 5000);
  g_assert_true (sh_secret_store_store_finish (secrets, stored, &error));

  sh_checker_check_channels_async (checker, only, NULL, sh_test_store_result, &one);
  wait_until_held (fixture);
  g_assert_cmpuint (fixture->provider->tokens->len, ==, 1);
  g_assert_true (g_ptr_array_index (fixture->provider->tokens, 0) == (gpointer) bean_token);
  held_release (fixture->provider);
  sh_test_wait_for_result (&one, 5000);
  assert_checked (fixture, one, 1);

  /* Every channel's check under way: the one channel's joins it. */
  start_check (fixture, NULL, &all);
  wait_until_held (fixture);
  sh_checker_check_channels_async (checker, only, NULL, sh_test_store_result, &joined);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 2);
  g_assert_cmpuint (fixture->provider->tokens->len, ==, 3);
  held_release (fixture->provider);
  sh_test_wait_for_result (&all, 5000);
  sh_test_wait_for_result (&joined, 5000);
  assert_checked (fixture, all, 3);
  assert_checked (fixture, joined, 3);
  g_assert_cmpuint (fixture->provider->n_checks, ==, 2);
}

/* ---- one write of the data file per check ---------------------------------- */

static void
count_write (gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
}

/* A check writes the data file once, with what the notifier told: the
 * check used to save its verdicts, and the notifier then saved again. */
static void
test_one_save_per_check (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(ShNotifier) notifier = sh_notifier_new (fixture->manager, NULL);
  g_autoptr(ShManager) again = sh_manager_new (fixture->dir, FALSE);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  gint64 quiet_until;
  gint n_writes = 0;
  ShChannel *channel;

  _sh_store_set_before_rename_hook (sh_manager_get_store (fixture->manager), count_write,
                                    &n_writes);
  fixture->provider->judge = TRUE;
  start_check (fixture, NULL, &result);
  wait_until_held (fixture);
  held_release (fixture->provider);
  sh_test_wait_for_result (&result, 5000);
  assert_checked (fixture, result, 2);
  /* Whatever the check's end set going has time to write too. */
  quiet_until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < quiet_until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (g_atomic_int_get (&n_writes), ==, 1);

  /* That one write holds the verdicts and what was told. */
  sh_manager_load_async (again, NULL, sh_test_store_result, &loaded);
  sh_test_wait_for_result (&loaded, 5000);
  g_assert_true (sh_manager_load_finish (again, loaded, &error));
  g_assert_no_error (error);
  channel = g_list_model_get_item (G_LIST_MODEL (sh_manager_get_channels (again)), 0);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ShToken) token = g_list_model_get_item (sh_channel_get_tokens (channel), i);

      g_assert_cmpint (sh_token_get_state (token), ==, SH_TOKEN_STATE_VALID);
      g_assert_cmpint (sh_token_get_notified_state (token), ==, SH_TOKEN_STATE_VALID);
    }
  g_object_unref (channel);
}

/* ---- adding: the same secret twice ------------------------------------------ */

static ShGrantedChannel *
x_granted (const char *access_token,
           const char *refresh_token,
           const char *owner_id)
{
  ShGrantedChannel *granted = sh_granted_channel_new ("x");

  granted->external_id = g_strdup ("44196397");
  granted->name = g_strdup ("@acmecoffee");
  granted->owner_id = g_strdup (owner_id);
  granted->owner_name = g_strdup ("Acme Coffee");
  granted->secret = sh_secret_new (access_token, refresh_token, 0);
  return granted;
}

static ShToken *
add_granted (Fixture                *fixture,
             const ShGrantedChannel *granted,
             GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sh_manager_add_granted_async (fixture->manager, granted, NULL, sh_test_store_result, &result);
  sh_test_wait_for_result (&result, 10000);
  return sh_manager_add_granted_finish (fixture->manager, result, error);
}

static guint
n_x_tokens (Fixture *fixture)
{
  ShChannel *channel = sh_channel_list_lookup_external (sh_manager_get_channels (fixture->manager),
                                                        "x", "44196397");

  if (channel == NULL)
    return 0;
  return g_list_model_get_n_items (sh_channel_get_tokens (channel));
}

/* The same X grant again, by its access token or by its refresh token (X
 * renews the access token, so a later paste may carry a newer one): nothing
 * is added, the error names the token there, and the keyring holds one
 * secret. Another token of the same person is a renewal, as before. */
static void
test_add_same_secret (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ShGrantedChannel) first = x_granted ("x-access-1", "x-refresh-1", NULL);
  g_autoptr(ShGrantedChannel) same_access = x_granted ("x-access-1", NULL, NULL);
  g_autoptr(ShGrantedChannel) same_refresh = x_granted ("x-access-2", "x-refresh-1", NULL);
  g_autoptr(ShGrantedChannel) other = x_granted ("x-access-3", "x-refresh-3", NULL);
  g_autoptr(ShToken) token = NULL;
  g_autoptr(ShToken) again = NULL;
  g_autoptr(ShToken) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  token = add_granted (fixture, first, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);
  g_assert_cmpuint (n_x_tokens (fixture), ==, 1);
  id = g_strdup (sh_token_get_id (token));

  again = add_granted (fixture, same_access, &error);
  g_assert_null (again);
  g_assert_error (error, SH_ERROR, SH_ERROR_ALREADY_ADDED);
  g_assert_nonnull (strstr (error->message, id));
  g_assert_nonnull (strstr (error->message, "@acmecoffee (X Account)"));
  g_assert_nonnull (strstr (error->message, "the token of Acme Coffee"));
  g_clear_error (&error);
  g_assert_cmpuint (n_x_tokens (fixture), ==, 1);

  again = add_granted (fixture, same_refresh, &error);
  g_assert_null (again);
  g_assert_error (error, SH_ERROR, SH_ERROR_ALREADY_ADDED);
  g_clear_error (&error);
  g_assert_cmpuint (n_x_tokens (fixture), ==, 1);

  second = add_granted (fixture, other, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);
  g_assert_cmpuint (n_x_tokens (fixture), ==, 2);
}

/* The message names a channel and a person that came from a network: it is
 * printed to a terminal, so no escape sequence or bidi override of theirs
 * reaches it raw (sh-untrusted-text.h). */
static void
test_add_same_secret_hostile_names (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ShGrantedChannel) first = x_granted ("x-access-1", "x-refresh-1", NULL);
  g_autoptr(ShGrantedChannel) again = x_granted ("x-access-1", NULL, NULL);
  g_autoptr(ShToken) token = NULL;
  g_autoptr(ShToken) none = NULL;
  g_autoptr(GError) error = NULL;

  g_free (first->name);
  first->name = g_strdup ("@acme\033]0;pwned\007coffee");
  g_free (first->owner_name);
  first->owner_name = g_strdup ("Eve \342\200\256gnp.exe");
  token = add_granted (fixture, first, &error);
  g_assert_no_error (error);

  none = add_granted (fixture, again, &error);
  g_assert_error (error, SH_ERROR, SH_ERROR_ALREADY_ADDED);
  g_assert_null (strchr (error->message, '\033'));
  g_assert_null (strchr (error->message, '\007'));
  g_assert_null (strstr (error->message, "\342\200\256"));
  g_assert_nonnull (strstr (error->message, "Eve gnp.exe"));
}

/* A typed owner name fills in only where the network named nobody. */
static void
test_name_owner (void)
{
  g_autoptr(GPtrArray) granted = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_granted_channel_free);
  g_autofree char *long_name = g_strnfill (SH_OWNER_NAME_MAX + 10, 'a');
  ShGrantedChannel *page = sh_granted_channel_new ("facebook");
  ShGrantedChannel *named = sh_granted_channel_new ("facebook");

  named->owner_name = g_strdup ("Dan Example");
  g_ptr_array_add (granted, page);
  g_ptr_array_add (granted, named);

  g_assert_cmpuint (sh_manager_name_owner (granted, "   "), ==, 0);
  g_assert_null (page->owner_name);
  g_assert_cmpuint (sh_manager_name_owner (granted, "  Carol Example \n"), ==, 1);
  g_assert_cmpstr (page->owner_name, ==, "Carol Example");
  g_assert_cmpstr (named->owner_name, ==, "Dan Example");

  g_clear_pointer (&page->owner_name, g_free);
  g_assert_cmpuint (sh_manager_name_owner (granted, long_name), ==, 1);
  g_assert_cmpint (g_utf8_strlen (page->owner_name, -1), ==, SH_OWNER_NAME_MAX);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  sh_providers_register ();

  g_test_add ("/check/callers-share-one-run", Fixture, NULL,
              fixture_set_up, test_callers_share_one_run, fixture_tear_down);
  g_test_add ("/check/check-now-after-running", Fixture, NULL,
              fixture_set_up, test_check_now_after_running, fixture_tear_down);
  g_test_add ("/check/one-caller-leaves", Fixture, NULL,
              fixture_set_up, test_one_caller_leaves, fixture_tear_down);
  g_test_add ("/check/all-callers-leave", Fixture, NULL,
              fixture_set_up, test_all_callers_leave, fixture_tear_down);
  g_test_add ("/check/one-channel", Fixture, NULL,
              fixture_set_up, test_one_channel, fixture_tear_down);
  g_test_add ("/check/one-save-per-check", Fixture, NULL,
              fixture_set_up, test_one_save_per_check, fixture_tear_down);
  g_test_add ("/check/add-same-secret", Fixture, NULL,
              fixture_set_up, test_add_same_secret, fixture_tear_down);
  g_test_add ("/check/add-same-secret-hostile-names", Fixture, NULL,
              fixture_set_up, test_add_same_secret_hostile_names, fixture_tear_down);
  g_test_add_func ("/check/name-owner", test_name_owner);
  return g_test_run ();
}
