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
