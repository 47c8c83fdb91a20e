/* sh-sandbox-world.c — the sandbox's world as one object: its clock, the
 * delay before a device code approves itself, and the Graph usage count.
 * The records, codes, faults and lasting state are kept in the files named
 * in sh-sandbox-world-private.h. */
#include "config.h"

#include "sh-sandbox-world-private.h"

#define DEFAULT_APPROVE_DELAY 3
/* Calls per hour that count as 100 % in X-App-Usage. */
#define GRAPH_HOURLY_BUDGET   10000

G_DEFINE_FINAL_TYPE (ShSandboxWorld, sh_sandbox_world, G_TYPE_OBJECT)

static void
sh_sandbox_world_finalize (GObject *object)
{
  ShSandboxWorld *self = SH_SANDBOX_WORLD (object);

  g_ptr_array_unref (self->people);
  g_ptr_array_unref (self->pages);
  g_ptr_array_unref (self->x_accounts);
  g_hash_table_unref (self->token_index);
  g_clear_pointer (&self->page_usage, g_hash_table_unref);
  g_ptr_array_unref (self->tokens);
  g_ptr_array_unref (self->device_codes);
  g_ptr_array_unref (self->x_codes);
  g_ptr_array_unref (self->x_redirects);
  g_ptr_array_unref (self->faults);
  g_free (self->forced_device_person);
  g_free (self->decline_next_scope);
  g_free (self->approver);

  G_OBJECT_CLASS (sh_sandbox_world_parent_class)->finalize (object);
}

static void
sh_sandbox_world_class_init (ShSandboxWorldClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sh_sandbox_world_finalize;
}

static void
sh_sandbox_world_init (ShSandboxWorld *self)
{
  self->approve_delay = DEFAULT_APPROVE_DELAY;
  self->faults = g_ptr_array_new_with_free_func ((GDestroyNotify) sh_sandbox_fault_free);
  _sh_sandbox_world_init_records (self);
  _sh_sandbox_world_init_codes (self);
}

ShSandboxWorld *
sh_sandbox_world_new (void)
{
  return g_object_new (SH_TYPE_SANDBOX_WORLD, NULL);
}

/* ---- clock ---------------------------------------------------------------- */

/* The tests' fake clock (tests/lib/shtest/faketime.py): SOCIALHUB_SANDBOX_CLOCK
 * "FAKE REAL RATE" (Unix seconds, REAL on the real clock) makes the world's
 * time FAKE at the real moment REAL, running RATE times as fast: the clock
 * the app under test reads through libfaketime. A formula on the real
 * clock rather than libfaketime here too, whose clock would start when this
 * process starts: so the world is never behind the app, whose libfaketime
 * starts a moment after the test computed its start. */
static gint64
real_or_test_now (void)
{
  static gsize parsed = 0;
  static double fake, real, rate;
  double now = g_get_real_time () / (double) G_USEC_PER_SEC;

  if (g_once_init_enter (&parsed))
    {
      const char *clock = g_getenv ("SOCIALHUB_SANDBOX_CLOCK");
      g_auto(GStrv) parts = clock != NULL ? g_strsplit (clock, " ", 3) : NULL;

      rate = 0;
      if (parts != NULL && g_strv_length (parts) == 3)
        {
          fake = g_ascii_strtod (parts[0], NULL);
          real = g_ascii_strtod (parts[1], NULL);
          rate = g_ascii_strtod (parts[2], NULL);
        }
      if (rate <= 0 && clock != NULL)
        g_warning ("SOCIALHUB_SANDBOX_CLOCK is not “FAKE REAL RATE”: the real clock it is");
      g_once_init_leave (&parsed, 1);
    }
  return rate > 0 ? (gint64) (fake + (now - real) * rate) : (gint64) now;
}

gint64
sh_sandbox_world_now (ShSandboxWorld *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), 0);
  return real_or_test_now () + self->clock_offset;
}

void
sh_sandbox_world_advance (ShSandboxWorld *self,
                          gint64          seconds)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  self->clock_offset += seconds;
}

void
sh_sandbox_world_set_approve_delay (ShSandboxWorld *self,
                                    guint           seconds)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  self->approve_delay = seconds;
}

guint
sh_sandbox_world_get_approve_delay (ShSandboxWorld *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), 0);
  return self->approve_delay;
}

/* ---- usage ------------------------------------------------------------------------ */

guint
sh_sandbox_world_count_graph_call (ShSandboxWorld *self)
{
  gint64 now = sh_sandbox_world_now (self);
  guint percent;

  if (now - self->usage_window_start >= 3600)
    {
      self->usage_window_start = now;
      self->usage_calls = 0;
    }
  self->usage_calls++;
  percent = MIN (100, MAX (self->usage_floor,
                           self->usage_calls * 100 /
                             (self->usage_budget > 0 ? self->usage_budget : GRAPH_HOURLY_BUDGET)));
  self->usage_peak = MAX (self->usage_peak, percent);
  return percent;
}

void
sh_sandbox_world_set_hourly_budget (ShSandboxWorld *self,
                                    guint           calls)
{
  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  self->usage_budget = calls;
  self->usage_peak = 0;
}

guint
sh_sandbox_world_get_usage_peak (ShSandboxWorld *self)
{
  g_return_val_if_fail (SH_IS_SANDBOX_WORLD (self), 0);
  return self->usage_peak;
}

void
sh_sandbox_world_set_app_usage (ShSandboxWorld *self,
                                guint           percent)
{
  self->usage_floor = MIN (percent, 100);
}

/* A Page's own hour: its calls since it began, and its budget. */
typedef struct {
  gint64 window_start;
  guint  calls;
  guint  budget;     /* 0: the world's page_budget */
  guint  peak;
} PageHour;

static PageHour *
page_hour (ShSandboxWorld *self,
           const char     *page_id)
{
  PageHour *hour;

  if (self->page_usage == NULL)
    self->page_usage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  hour = g_hash_table_lookup (self->page_usage, page_id);
  if (hour == NULL)
    {
      hour = g_new0 (PageHour, 1);
      hour->window_start = sh_sandbox_world_now (self);
      g_hash_table_insert (self->page_usage, g_strdup (page_id), hour);
    }
  if (sh_sandbox_world_now (self) - hour->window_start >= 3600)
    {
      hour->window_start = sh_sandbox_world_now (self);
      hour->calls = 0;
    }
  return hour;
}

static guint
page_budget (ShSandboxWorld *self,
             PageHour       *hour)
{
  return hour->budget > 0 ? hour->budget
         : self->page_budget > 0 ? self->page_budget : SH_SANDBOX_PAGE_HOURLY_BUDGET;
}

void
sh_sandbox_world_set_page_budget (ShSandboxWorld *self,
                                  const char     *page_id,
                                  guint           calls)
{
  PageHour *hour;

  g_return_if_fail (SH_IS_SANDBOX_WORLD (self));
  if (page_id == NULL)
    {
      self->page_budget = calls;
      return;
    }
  hour = page_hour (self, page_id);
  hour->budget = calls;
  hour->calls = 0;
  hour->peak = 0;
  hour->window_start = sh_sandbox_world_now (self);
}

gboolean
sh_sandbox_world_count_page_call (ShSandboxWorld *self,
                                  const char     *page_id,
                                  guint          *out_percent,
                                  guint          *out_regain_minutes)
{
  PageHour *hour = page_hour (self, page_id);
  guint budget = page_budget (self, hour);
  gint64 left;

  hour->calls++;
  *out_percent = MIN (100, hour->calls * 100 / budget);
  hour->peak = MAX (hour->peak, *out_percent);
  *out_regain_minutes = 0;
  if (hour->calls <= budget)
    return TRUE;
  left = hour->window_start + 3600 - sh_sandbox_world_now (self);
  *out_regain_minutes = MAX (1, (left + 59) / 60);
  return FALSE;
}

guint
sh_sandbox_world_get_page_usage (ShSandboxWorld *self,
                                 const char     *page_id,
                                 guint          *out_peak)
{
  PageHour *hour = page_hour (self, page_id);

  if (out_peak != NULL)
    *out_peak = hour->peak;
  return MIN (100, hour->calls * 100 / page_budget (self, hour));
}
