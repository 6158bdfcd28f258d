/* test-batch.c
 *
 * Copyright 2026 The RUC Validator authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-batch"

#include "config.h"

#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rv-batch.h"
#include "rv-provider.h"
#include "rv-record.h"
#include "rv-result.h"
#include "rv-ruc.h"
#include "rv-store.h"
#include "rv-test-sheet.h"

/* The engine against a fake provider defined here: every answer, fault and delay is
 * programmed per RUC, and the fake records each call (when, how many others were in
 * flight, whether it was cancelled). Each test that needs a database gets its own
 * real RvStore in a temporary folder.
 */

/* Fake provider */

typedef enum
{
  FAKE_VALID,          /* found, ACTIVO and HABIDO */
  FAKE_OBSERVED,       /* found, BAJA DE OFICIO */
  FAKE_NOT_FOUND,
  FAKE_TRANSIENT,      /* "HTTP 503" */
  FAKE_RATE_LIMITED,   /* 429, with the plan's Retry-After */
  FAKE_AUTH,
  FAKE_BAD_FORMAT,
  FAKE_HANG,           /* no answer until cancelled */
} FakeAnswer;

typedef struct
{
  FakeAnswer first;           /* the answer to the first @times calls */
  guint      times;
  FakeAnswer then;            /* the answer after them */
  gint64     retry_after_ms;  /* for FAKE_RATE_LIMITED; -1 for none */
  GArray    *script;          /* (nullable) the answers to the first calls, before @then */
} FakePlan;

static void
fake_plan_free (gpointer data)
{
  FakePlan *plan = data;

  g_clear_pointer (&plan->script, g_array_unref);
  g_free (plan);
}

typedef struct
{
  char       ruc[12];
  gint64     start_us;
  gint64     end_us;              /* 0 while in flight */
  guint      others_in_flight;    /* calls in flight when this one started */
  gboolean   cancelled;
  FakeAnswer answer;
} FakeCall;

typedef struct
{
  GObject     parent_instance;

  char       *id;
  FakeAnswer  default_answer;
  GHashTable *plans;          /* RUC → FakePlan */
  GHashTable *counts;         /* RUC → calls */
  GArray     *calls;          /* FakeCall */
  guint       in_flight;
  guint       max_in_flight;
  guint       n_cancelled;
  guint       latency_min_ms;
  guint       latency_max_ms;
  guint       default_rate;
  guint       cancel_delay_ms;   /* how long a cancelled call takes to say so */

  /* lookup_many(): the RUCs it knows (RUC → FakeAnswer: VALID or NOT_FOUND). */
  GHashTable *known;
  guint       many_calls;
  guint       many_largest;
  GHashTable *many_counts;    /* RUC → times asked in lookup_many() */
} FakeProvider;

typedef struct
{
  GObjectClass parent_class;
} FakeProviderClass;

typedef struct
{
  FakeProvider parent_instance;
} FakeManyProvider;

typedef struct
{
  FakeProviderClass parent_class;
} FakeManyProviderClass;

GType fake_provider_get_type (void);
GType fake_many_provider_get_type (void);

static void fake_provider_iface_init (RvProviderInterface *iface);
static void fake_many_provider_iface_init (RvProviderInterface *iface);

G_DEFINE_TYPE_WITH_CODE (FakeProvider, fake_provider, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (RV_TYPE_PROVIDER, fake_provider_iface_init))
G_DEFINE_TYPE_WITH_CODE (FakeManyProvider, fake_many_provider, fake_provider_get_type (),
                         G_IMPLEMENT_INTERFACE (RV_TYPE_PROVIDER, fake_many_provider_iface_init))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeProvider, g_object_unref)

#define FAKE_PROVIDER(o) ((FakeProvider *) (o))

typedef struct
{
  FakeProvider *self;
  GTask        *task;
  guint         call;          /* index in self->calls */
  FakeAnswer    answer;
  gint64        retry_after_ms;
  GSource      *timeout;
  GSource      *cancelled;
  gboolean      was_cancelled;
} FakePending;

static RvRecord *
fake_record (const char *ruc,
             FakeAnswer  answer,
             RvSource    source)
{
  RvRecord *record = rv_record_new (ruc, answer != FAKE_NOT_FOUND);

  if (answer != FAKE_NOT_FOUND)
    {
      g_autofree char *name = g_strdup_printf ("EMPRESA %s S.A.C.", ruc);

      rv_record_set_field (record, RV_FIELD_NAME, name);
      rv_record_set_field (record, RV_FIELD_STATE,
                           answer == FAKE_OBSERVED ? "BAJA DE OFICIO" : "ACTIVO");
      rv_record_set_field (record, RV_FIELD_CONDITION, "HABIDO");
    }
  rv_record_set_source (record, source);
  return record;
}

static void
fake_pending_finish (FakePending *pending,
                     gboolean     cancelled)
{
  FakeProvider *self = pending->self;
  FakeCall *call = &g_array_index (self->calls, FakeCall, pending->call);
  g_autoptr(GTask) task = pending->task;

  if (pending->timeout != NULL)
    g_source_destroy (pending->timeout);
  g_clear_pointer (&pending->timeout, g_source_unref);
  if (pending->cancelled != NULL)
    g_source_destroy (pending->cancelled);
  g_clear_pointer (&pending->cancelled, g_source_unref);

  /* Out of flight before the caller hears of it, as a real server's answer is. */
  g_assert_cmpuint (self->in_flight, >, 0);
  self->in_flight--;
  call->end_us = g_get_monotonic_time ();
  call->cancelled = cancelled;

  if (cancelled)
    {
      self->n_cancelled++;
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    }
  else
    {
      GError *error = NULL;

      switch (pending->answer)
        {
        case FAKE_VALID:
        case FAKE_OBSERVED:
          g_task_return_pointer (task, fake_record (call->ruc, pending->answer, RV_SOURCE_API),
                                 (GDestroyNotify) rv_record_unref);
          break;
        case FAKE_NOT_FOUND:
          g_task_return_new_error (task, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_NOT_FOUND,
                                   "No such taxpayer");
          break;
        case FAKE_TRANSIENT:
          g_task_return_new_error (task, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_TRANSIENT,
                                   "HTTP 503");
          break;
        case FAKE_RATE_LIMITED:
          error = g_error_new_literal (RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_RATE_LIMITED,
                                       "Too many requests");
          rv_provider_set_error_retry_after (error, pending->retry_after_ms);
          g_task_return_error (task, error);
          break;
        case FAKE_AUTH:
          g_task_return_new_error (task, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION,
                                   "Unauthenticated.");
          break;
        case FAKE_BAD_FORMAT:
          g_task_return_new_error (task, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_BAD_FORMAT,
                                   "The ruc must be 11 digits");
          break;
        case FAKE_HANG:
        default:
          g_assert_not_reached ();
        }
    }

  g_object_unref (pending->self);
  g_free (pending);
}

static gboolean
fake_pending_timeout_cb (gpointer user_data)
{
  FakePending *pending = user_data;

  g_clear_pointer (&pending->timeout, g_source_unref);
  fake_pending_finish (pending, pending->was_cancelled);
  return G_SOURCE_REMOVE;
}

static gboolean
fake_pending_cancelled_cb (GCancellable *cancellable,
                           gpointer      user_data)
{
  FakePending *pending = user_data;
  FakeProvider *self = pending->self;

  if (self->cancel_delay_ms == 0)
    {
      fake_pending_finish (pending, TRUE);
      return G_SOURCE_REMOVE;
    }

  /* A server that takes its time to notice: the answer is "cancelled", later. */
  g_clear_pointer (&pending->cancelled, g_source_unref);
  if (pending->timeout != NULL)
    g_source_destroy (pending->timeout);
  g_clear_pointer (&pending->timeout, g_source_unref);
  pending->was_cancelled = TRUE;
  pending->timeout = g_timeout_source_new (self->cancel_delay_ms);
  g_source_set_callback (pending->timeout, fake_pending_timeout_cb, pending, NULL);
  g_source_attach (pending->timeout, NULL);
  return G_SOURCE_REMOVE;
}

static guint
fake_latency (FakeProvider *self)
{
  if (self->latency_max_ms <= self->latency_min_ms)
    return self->latency_min_ms;
  return g_test_rand_int_range (self->latency_min_ms, self->latency_max_ms + 1);
}

static const char *
fake_get_id (RvProvider *provider)
{
  return FAKE_PROVIDER (provider)->id;
}

static const char *
fake_get_name (RvProvider *provider)
{
  return "Fake";
}

static guint
fake_get_default_rate (RvProvider *provider)
{
  return FAKE_PROVIDER (provider)->default_rate;
}

static void
fake_lookup_async (RvProvider          *provider,
                   const char          *id,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  FakeProvider *self = FAKE_PROVIDER (provider);
  FakePending *pending = g_new0 (FakePending, 1);
  FakeCall call = { { 0, }, };
  FakePlan *plan = g_hash_table_lookup (self->plans, id);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, id)) + 1;

  g_assert_cmpuint (strlen (id), ==, 11);
  g_assert_true (rv_ruc_is_valid (id));

  g_hash_table_insert (self->counts, g_strdup (id), GUINT_TO_POINTER (n));
  g_strlcpy (call.ruc, id, sizeof call.ruc);
  call.start_us = g_get_monotonic_time ();
  call.others_in_flight = self->in_flight;
  if (plan == NULL)
    call.answer = self->default_answer;
  else if (plan->script != NULL)
    call.answer = n <= plan->script->len ? g_array_index (plan->script, FakeAnswer, n - 1)
                                         : plan->then;
  else
    call.answer = n <= plan->times ? plan->first : plan->then;
  g_array_append_val (self->calls, call);
  self->in_flight++;
  self->max_in_flight = MAX (self->max_in_flight, self->in_flight);

  pending->self = g_object_ref (self);
  pending->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (pending->task, fake_lookup_async);
  pending->call = self->calls->len - 1;
  pending->answer = call.answer;
  pending->retry_after_ms = plan != NULL ? plan->retry_after_ms : -1;

  if (cancellable != NULL)
    {
      pending->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (pending->cancelled, G_SOURCE_FUNC (fake_pending_cancelled_cb),
                             pending, NULL);
      g_source_attach (pending->cancelled, NULL);
    }

  if (call.answer != FAKE_HANG)
    {
      pending->timeout = g_timeout_source_new (fake_latency (self));
      g_source_set_callback (pending->timeout, fake_pending_timeout_cb, pending, NULL);
      g_source_attach (pending->timeout, NULL);
    }
}

static RvRecord *
fake_lookup_finish (RvProvider    *provider,
                    GAsyncResult  *result,
                    GError       **error)
{
  g_assert_true (g_task_is_valid (result, provider));

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_provider_iface_init (RvProviderInterface *iface)
{
  iface->get_id = fake_get_id;
  iface->get_name = fake_get_name;
  iface->get_default_rate = fake_get_default_rate;
  iface->lookup_async = fake_lookup_async;
  iface->lookup_finish = fake_lookup_finish;
}

static void
fake_provider_finalize (GObject *object)
{
  FakeProvider *self = FAKE_PROVIDER (object);

  g_free (self->id);
  g_hash_table_unref (self->plans);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->known);
  g_hash_table_unref (self->many_counts);
  g_array_unref (self->calls);

  G_OBJECT_CLASS (fake_provider_parent_class)->finalize (object);
}

static void
fake_provider_class_init (FakeProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fake_provider_finalize;
}

static void
fake_provider_init (FakeProvider *self)
{
  self->id = g_strdup ("fake");
  self->default_answer = FAKE_VALID;
  self->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fake_plan_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->many_counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->calls = g_array_new (FALSE, TRUE, sizeof (FakeCall));
  self->latency_min_ms = 1;
  self->latency_max_ms = 1;
}

/* The arrays hold NULL where there is no answer. */
static void
record_unref0 (gpointer record)
{
  if (record != NULL)
    rv_record_unref (record);
}

static gboolean
fake_many_answer_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FakeProvider *self = g_task_get_source_object (task);
  GStrv rucs = g_task_get_task_data (task);
  GPtrArray *records;

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  records = g_ptr_array_new_with_free_func (record_unref0);
  for (guint i = 0; rucs[i] != NULL; i++)
    {
      gpointer answer;

      if (g_hash_table_lookup_extended (self->known, rucs[i], NULL, &answer))
        g_ptr_array_add (records, fake_record (rucs[i], GPOINTER_TO_UINT (answer),
                                               RV_SOURCE_PADRON));
      else
        g_ptr_array_add (records, NULL);
    }

  g_task_return_pointer (task, records, (GDestroyNotify) g_ptr_array_unref);
  return G_SOURCE_REMOVE;
}

static void
fake_lookup_many_async (RvProvider          *provider,
                        const char * const  *rucs,
                        guint                n_rucs,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  FakeProvider *self = FAKE_PROVIDER (provider);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GStrv copy = g_new0 (char *, n_rucs + 1);

  self->many_calls++;
  self->many_largest = MAX (self->many_largest, n_rucs);
  for (guint i = 0; i < n_rucs; i++)
    {
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->many_counts, rucs[i])) + 1;

      g_hash_table_insert (self->many_counts, g_strdup (rucs[i]), GUINT_TO_POINTER (n));
      copy[i] = g_strdup (rucs[i]);
    }

  g_task_set_source_tag (task, fake_lookup_many_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_strfreev);
  g_timeout_add (fake_latency (self), fake_many_answer_cb, task);
}

static GPtrArray *
fake_lookup_many_finish (RvProvider    *provider,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_assert_true (g_task_is_valid (result, provider));

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_many_provider_iface_init (RvProviderInterface *iface)
{
  fake_provider_iface_init (iface);
  iface->lookup_many_async = fake_lookup_many_async;
  iface->lookup_many_finish = fake_lookup_many_finish;
}

static void
fake_many_provider_class_init (FakeManyProviderClass *klass)
{
}

static void
fake_many_provider_init (FakeManyProvider *self)
{
  FakeProvider *fake = FAKE_PROVIDER (self);

  g_free (fake->id);
  fake->id = g_strdup ("fake-many");
}

static FakeProvider *
fake_new (const char *id,
          guint       latency_min_ms,
          guint       latency_max_ms)
{
  FakeProvider *self = g_object_new (fake_provider_get_type (), NULL);

  g_free (self->id);
  self->id = g_strdup (id);
  self->latency_min_ms = latency_min_ms;
  self->latency_max_ms = latency_max_ms;
  return self;
}

static void
fake_plan (FakeProvider *self,
           const char   *ruc,
           FakeAnswer    first,
           guint         times,
           FakeAnswer    then)
{
  FakePlan *plan = g_new0 (FakePlan, 1);

  plan->first = first;
  plan->times = times;
  plan->then = then;
  plan->retry_after_ms = -1;
  g_hash_table_insert (self->plans, g_strdup (ruc), plan);
}

static void
fake_plan_429 (FakeProvider *self,
               const char   *ruc,
               guint         times,
               gint64        retry_after_ms)
{
  fake_plan (self, ruc, FAKE_RATE_LIMITED, times, FAKE_VALID);
  ((FakePlan *) g_hash_table_lookup (self->plans, ruc))->retry_after_ms = retry_after_ms;
}

/* The answers to the first calls for @ruc, then @then for ever. */
static void
fake_plan_script (FakeProvider     *self,
                  const char       *ruc,
                  gint64            retry_after_ms,
                  FakeAnswer        then,
                  guint             n,
                  const FakeAnswer *answers)
{
  fake_plan (self, ruc, then, 0, then);
  {
    FakePlan *plan = g_hash_table_lookup (self->plans, ruc);

    plan->retry_after_ms = retry_after_ms;
    plan->script = g_array_new (FALSE, FALSE, sizeof (FakeAnswer));
    g_array_append_vals (plan->script, answers, n);
  }
}

static guint
fake_calls_for (FakeProvider *self,
                const char   *ruc)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, ruc));
}

static FakeCall *
fake_call (FakeProvider *self,
           guint         i)
{
  return &g_array_index (self->calls, FakeCall, i);
}

/* Fixture and helpers */

typedef struct
{
  char    *dir;
  char    *path;
  RvStore *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-batch-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "test.sqlite3", NULL);
  fixture->store = rv_store_new (fixture->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* The store's worker drops its reference on a job just after the job's callback
   * has been scheduled.
   */
  while (G_OBJECT (fixture->store)->ref_count > 1)
    g_usleep (1000);
  g_assert_finalize_object (fixture->store);

  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* @n distinct company RUCs, as a NULL-terminated array. */
static GStrv
make_rucs (guint n,
           guint first)
{
  GStrv rucs = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    rucs[i] = rv_test_make_ruc ("20", first + i * 7);
  return rucs;
}

static gboolean
watchdog_cb (gpointer user_data)
{
  g_error ("%s took too long", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

/* Spins the main context until @cond holds; a test that waits longer fails. */
#define SPIN_UNTIL(cond, what)                                                  \
  G_STMT_START {                                                                \
    guint watchdog_ = g_timeout_add_seconds (30, watchdog_cb, (gpointer) what); \
    while (!(cond))                                                             \
      g_main_context_iteration (NULL, TRUE);                                    \
    g_source_remove (watchdog_);                                                \
  } G_STMT_END

static void
spin_until (const gboolean *flag,
            const char     *what)
{
  SPIN_UNTIL (*flag, what);
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for (guint ms)
{
  gboolean over = FALSE;

  g_timeout_add (ms, set_true_cb, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
  gint64    done_us;
} RunResult;

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunResult *r = user_data;

  g_assert_false (r->done);
  r->ok = rv_batch_run_finish (RV_BATCH (object), result, &r->error);
  g_assert_true (r->ok == (r->error == NULL));
  r->done = TRUE;
  r->done_us = g_get_monotonic_time ();
  /* Over before the caller hears of it. */
  g_assert_cmpint (rv_batch_get_state (RV_BATCH (object)), ==, RV_BATCH_STATE_READY);
}

static void
start_run (RvBatch      *batch,
           GCancellable *cancellable,
           RunResult    *r)
{
  memset (r, 0, sizeof *r);
  rv_batch_run_async (batch, cancellable, run_done_cb, r);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_RUNNING);
}

static gboolean
run_batch (RvBatch       *batch,
           GCancellable  *cancellable,
           GError       **error)
{
  RunResult r;

  start_run (batch, cancellable, &r);
  spin_until (&r.done, "the run");
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.ok;
}

static void
add_values (RvBatch    *batch,
            const char *const *values)
{
  guint n = g_strv_length ((GStrv) values);

  g_assert_cmpuint (rv_batch_add_rows (batch, values, n), ==, n);
}

/* The entry holding the normalised value @value, or -1. */
static int
find_entry (RvBatch    *batch,
            const char *value)
{
  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    if (g_strcmp0 (rv_result_get_value (rv_batch_get_entry_result (batch, e)), value) == 0)
      return e;
  return -1;
}

static RvResult *
result_of (RvBatch    *batch,
           const char *value)
{
  int e = find_entry (batch, value);

  g_assert_cmpint (e, >=, 0);
  return rv_batch_get_entry_result (batch, e);
}

/* The progress agrees with the entries: every distinct non-empty value counted once,
 * under its verdict.
 */
static void
assert_consistent (RvBatch *batch)
{
  const RvBatchProgress *p = rv_batch_get_progress (batch);
  guint counts[RV_N_VERDICTS] = { 0, };
  guint unique = 0;
  guint sum = 0;

  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    {
      RvResult *result = rv_batch_get_entry_result (batch, e);
      guint n_rows;

      /* An entry whose rows all went to other values counts nowhere. */
      rv_batch_get_entry_rows (batch, e, &n_rows);
      if (rv_result_get_value (result)[0] == 0 || n_rows == 0)
        continue;
      counts[rv_result_get_verdict (result)]++;
      unique++;
    }

  for (guint v = 0; v < RV_N_VERDICTS; v++)
    {
      g_assert_cmpuint (p->counts[v], ==, counts[v]);
      sum += p->counts[v];
    }
  g_assert_cmpuint (p->unique, ==, unique);
  g_assert_cmpuint (sum, ==, p->unique);
  g_assert_cmpuint (p->done, ==, p->unique - p->counts[RV_VERDICT_PENDING]);
  g_assert_cmpuint (p->rows, ==, rv_batch_get_n_rows (batch));
}

static RvBatch *
new_batch (RvStore      *store,
           FakeProvider *provider)
{
  RvBatch *batch = rv_batch_new (store);

  if (provider != NULL)
    rv_batch_add_provider (batch, RV_PROVIDER (provider));
  /* Small backoffs, so that retries take milliseconds. */
  rv_batch_set_retry_policy (batch, 4, 5, 50);
  return batch;
}

static void
assert_stored (RvStore    *store,
               const char *ruc,
               gboolean    found)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvRecord) record = rv_store_get_record (store, ruc, -1, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (record);
  g_assert_cmpint (rv_record_get_found (record), ==, found);
}

/* Counts "entry-changed" emissions and can act on the n-th answer. */
typedef struct
{
  RvBatch      *batch;
  RvStore      *store;
  guint         changed;
  guint         answered;         /* changes to a final verdict */
  guint         act_after;        /* answers before the action, 0 for none */
  GCancellable *cancel;           /* cancelled then */
  gboolean      pause;            /* paused then */
  gint64        acted_us;
  guint         stored_checked;   /* answers found in the store as they were reported */
} Watch;

static void
entry_changed_cb (RvBatch *batch,
                  guint    entry,
                  Watch   *watch)
{
  RvResult *result = rv_batch_get_entry_result (batch, entry);

  g_assert_true (batch == watch->batch);
  watch->changed++;
  if (!rv_result_is_final (result))
    return;
  watch->answered++;

  /* Every answer is on disk before it is reported. */
  if (watch->store != NULL && rv_result_get_source (result) == RV_SOURCE_API)
    {
      assert_stored (watch->store, rv_result_get_ruc (result),
                     rv_result_get_verdict (result) != RV_VERDICT_NOT_FOUND);
      watch->stored_checked++;
    }

  if (watch->act_after > 0 && watch->answered == watch->act_after)
    {
      watch->acted_us = g_get_monotonic_time ();
      if (watch->cancel != NULL)
        g_cancellable_cancel (watch->cancel);
      if (watch->pause)
        rv_batch_pause (batch);
    }
}

static void
watch_batch (Watch   *watch,
             RvBatch *batch,
             RvStore *store)
{
  memset (watch, 0, sizeof *watch);
  watch->batch = batch;
  watch->store = store;
  g_signal_connect (batch, "entry-changed", G_CALLBACK (entry_changed_cb), watch);
}

/* Tests */

static void
test_rows (void)
{
  g_autoptr(RvBatch) batch = rv_batch_new (NULL);
  char dni_ruc[12];
  const char *values[] = {
    NULL,                    /* 0: a title row */
    "20131312955",           /* 1 */
    "",                      /* 2: empty */
    "RUC: 20131312955",      /* 3: the same RUC */
    "   ",                   /* 4: empty too */
    "20131312956",           /* 5: wrong check digit */
    "abc",                   /* 6: not a number */
    "12345678",              /* 7: a DNI */
    NULL,                    /* 8: its RUC 10, set below */
    "'20131312955",          /* 9 */
    "abc ",                  /* 10: the same text */
    NULL,                    /* 11 */
  };
  const RvBatchProgress *p;
  const guint *rows;
  guint n_rows;
  int ruc_entry, empty_entry;

  g_assert_true (rv_ruc_from_dni ("12345678", dni_ruc));
  values[8] = dni_ruc;

  g_assert_cmpuint (rv_batch_add_rows (batch, values, 6), ==, 6);
  g_assert_cmpuint (rv_batch_add_rows (batch, values + 6, G_N_ELEMENTS (values) - 6), ==,
                    G_N_ELEMENTS (values) - 6);
  g_assert_cmpuint (rv_batch_get_n_rows (batch), ==, G_N_ELEMENTS (values));

  /* Rows without a value have no entry. */
  g_assert_cmpint (rv_batch_get_row_entry (batch, 0), ==, -1);
  g_assert_null (rv_batch_get_row_result (batch, 0));
  g_assert_cmpint (rv_batch_get_row_entry (batch, 11), ==, -1);

  /* One entry per normalised value, with every row of it, in order. */
  ruc_entry = rv_batch_get_row_entry (batch, 1);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 3), ==, ruc_entry);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 9), ==, ruc_entry);
  rows = rv_batch_get_entry_rows (batch, ruc_entry, &n_rows);
  g_assert_cmpuint (n_rows, ==, 3);
  g_assert_cmpuint (rows[0], ==, 1);
  g_assert_cmpuint (rows[1], ==, 3);
  g_assert_cmpuint (rows[2], ==, 9);
  g_assert_true (rv_batch_get_row_result (batch, 3) == rv_batch_get_row_result (batch, 1));
  g_assert_cmpstr (rv_result_get_value (rv_batch_get_row_result (batch, 1)), ==, "20131312955");
  g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 1)), ==,
                   RV_VERDICT_PENDING);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 10), ==, rv_batch_get_row_entry (batch, 6));

  /* Empty cells share one invalid entry. */
  empty_entry = rv_batch_get_row_entry (batch, 2);
  g_assert_cmpint (empty_entry, >=, 0);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 4), ==, empty_entry);
  g_assert_cmpint (rv_result_get_verdict (rv_batch_get_entry_result (batch, empty_entry)), ==,
                   RV_VERDICT_INVALID);
  g_assert_cmpstr (rv_result_get_reason (rv_batch_get_entry_result (batch, empty_entry)), ==,
                   "Empty cell");
  rows = rv_batch_get_entry_rows (batch, empty_entry, &n_rows);
  g_assert_cmpuint (n_rows, ==, 2);
  g_assert_cmpuint (rows[0], ==, 2);
  g_assert_cmpuint (rows[1], ==, 4);

  /* A DNI and its RUC 10 are two values, looked up as one RUC. */
  g_assert_cmpint (rv_batch_get_row_entry (batch, 7), !=, rv_batch_get_row_entry (batch, 8));
  g_assert_cmpstr (rv_result_get_ruc (rv_batch_get_row_result (batch, 7)), ==, dni_ruc);

  /* Entries: the RUC, empty, bad digit, abc, DNI, RUC 10. The empty one is not counted. */
  g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, 6);
  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->rows, ==, G_N_ELEMENTS (values));
  g_assert_cmpuint (p->unique, ==, 5);
  g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 2);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 3);
  g_assert_cmpuint (p->done, ==, 2);
  g_assert_cmpint (p->eta_us, ==, -1);
  assert_consistent (batch);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_READY);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* The CPU time of this thread, in µs: what work costs, however busy the machine is. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts), ==, 0);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static void
test_rows_many (void)
{
  g_autoptr(RvBatch) batch = rv_batch_new (NULL);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  const RvBatchProgress *p;
  gint64 start, start_cpu, took, took_cpu;

  /* 100,000 rows: 50,000 distinct RUCs twice each, in spreadsheet shapes. */
  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *ruc = rv_test_make_ruc ("20", (i % 50000) * 13);

      g_ptr_array_add (values, i % 2 == 0 ? g_strdup (ruc) : g_strdup_printf ("'%s", ruc));
    }

  start = g_get_monotonic_time ();
  start_cpu = thread_cpu_time ();
  g_assert_cmpuint (rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len),
                    ==, 100000);
  took_cpu = thread_cpu_time () - start_cpu;
  took = g_get_monotonic_time () - start;
  g_test_message ("100,000 rows added in %" G_GINT64_FORMAT " us (%" G_GINT64_FORMAT " us of CPU)",
                  took, took_cpu);
  g_assert_cmpint (took_cpu, <, 100000);

  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->rows, ==, 100000);
  g_assert_cmpuint (p->unique, ==, 50000);
  g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, 50000);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 50000), ==, rv_batch_get_row_entry (batch, 0));

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_dedup (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 5);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (20, 100);
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  char dni_ruc[12];
  RvResult *dni, *ruc10;
  Watch watch;

  g_assert_true (rv_ruc_from_dni ("40404040", dni_ruc));

  /* Each RUC on three rows, a DNI and its RUC 10, invalid values. */
  for (guint copy = 0; copy < 3; copy++)
    for (guint i = 0; rucs[i] != NULL; i++)
      g_ptr_array_add (values, copy == 1 ? (char *) "20131312956" : rucs[i]);
  for (guint i = 0; rucs[i] != NULL; i++)
    g_ptr_array_add (values, rucs[i]);
  g_ptr_array_add (values, (char *) "40404040");
  g_ptr_array_add (values, dni_ruc);
  g_ptr_array_add (values, (char *) "99512333792");
  g_ptr_array_add (values, (char *) "not a ruc");
  rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len);
  watch_batch (&watch, batch, fixture->store);

  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);

  /* One request per RUC: the DNI and its RUC 10 share one; invalid values none. */
  g_assert_cmpuint (fake->calls->len, ==, 21);
  g_assert_cmpuint (g_hash_table_size (fake->counts), ==, 21);
  for (guint i = 0; rucs[i] != NULL; i++)
    g_assert_cmpuint (fake_calls_for (fake, rucs[i]), ==, 1);
  g_assert_cmpuint (fake_calls_for (fake, dni_ruc), ==, 1);
  g_assert_cmpuint (fake_calls_for (fake, "20131312956"), ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->requests, ==, 21);

  /* Every row of a value shares its answer. */
  for (guint row = 0; row < values->len; row++)
    {
      int e = rv_batch_get_row_entry (batch, row);

      g_assert_true (rv_batch_get_row_result (batch, row) == rv_batch_get_entry_result (batch, e));
    }
  for (guint i = 0; rucs[i] != NULL; i++)
    {
      RvResult *result = result_of (batch, rucs[i]);

      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_VALID);
      g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_API);
      g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result)), ==, "fake");
    }

  dni = result_of (batch, "40404040");
  ruc10 = result_of (batch, dni_ruc);
  g_assert_cmpint (rv_result_get_kind (dni), ==, RV_ID_KIND_DNI);
  g_assert_cmpint (rv_result_get_verdict (dni), ==, RV_VERDICT_VALID);
  g_assert_cmpint (rv_result_get_verdict (ruc10), ==, RV_VERDICT_VALID);
  g_assert_true (rv_result_get_record (dni) == rv_result_get_record (ruc10));
  g_assert_nonnull (strstr (rv_result_get_reason (dni), "40404040"));

  g_assert_cmpint (rv_result_get_verdict (result_of (batch, "20131312956")), ==,
                   RV_VERDICT_INVALID);
  g_assert_cmpint (rv_result_get_verdict (result_of (batch, "99512333792")), ==,
                   RV_VERDICT_INVALID);

  /* 22 answered values, each reported once, after it was stored. */
  g_assert_cmpuint (watch.changed, ==, 22);
  g_assert_cmpuint (watch.stored_checked, ==, 22);
  assert_consistent (batch);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 22);
  g_assert_cmpuint (rv_batch_get_progress (batch)->to_look_up, ==, 22);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_cache (Fixture       *fixture,
            gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (30, 500);
  g_autoptr(GError) error = NULL;

  /* A first run answers from the provider, a not-found and an observed one too. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    fake_plan (fake, rucs[0], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
    fake_plan (fake, rucs[1], FAKE_OBSERVED, G_MAXUINT, FAKE_OBSERVED);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 30);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 0);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[0])), ==,
                     RV_VERDICT_NOT_FOUND);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* A new batch on the same store: no request at all, everything from the cache. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
    const RvBatchProgress *p;

    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_no_error (error);

    g_assert_cmpuint (fake->calls->len, ==, 0);
    p = rv_batch_get_progress (batch);
    g_assert_cmpuint (p->requests, ==, 0);
    g_assert_cmpuint (p->cache_hits, ==, 30);
    g_assert_cmpuint (p->to_look_up, ==, 0);
    g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 28);
    g_assert_cmpuint (p->counts[RV_VERDICT_OBSERVED], ==, 1);
    g_assert_cmpuint (p->counts[RV_VERDICT_NOT_FOUND], ==, 1);
    for (guint i = 0; rucs[i] != NULL; i++)
      {
        RvResult *result = result_of (batch, rucs[i]);

        g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_CACHE);
        g_assert_cmpint (rv_record_get_source (rv_result_get_record (result)), ==,
                         RV_SOURCE_CACHE);
        g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result)), ==, "fake");
      }
    assert_consistent (batch);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
on_counted (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* What a run would take from the cache, counted before it, for the window's pre-flight. */
static guint
count_cached (RvBatch *batch)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n = G_MAXUINT;

  rv_batch_count_cached_async (batch, NULL, on_counted, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (rv_batch_count_cached_finish (batch, result, &n, &error));
  g_assert_no_error (error);
  return n;
}

static void
test_count_cached (Fixture       *fixture,
                   gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (30, 700);
  g_autoptr(GError) error = NULL;

  /* Twenty answered and stored. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
    g_autofree char *cut = rucs[20];

    rucs[20] = NULL;
    add_values (batch, (const char * const *) rucs);
    g_assert_cmpuint (count_cached (batch), ==, 0);
    g_assert_true (run_batch (batch, NULL, &error));
    rucs[20] = g_steal_pointer (&cut);
    /* Decided values are not counted again. */
    g_assert_cmpuint (count_cached (batch), ==, 0);
  }

  /* A new list: the thirty, one of them twice, and a malformed value. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
    const char *more[] = { "abc", rucs[3], NULL };
    const RvBatchProgress *p;

    add_values (batch, (const char * const *) rucs);
    add_values (batch, more);
    p = rv_batch_get_progress (batch);
    g_assert_cmpuint (p->unique, ==, 31);
    g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 1);
    g_assert_cmpuint (count_cached (batch), ==, 20);
    /* Counting changes nothing. */
    g_assert_cmpuint (p->cache_hits, ==, 0);
    g_assert_cmpuint (fake->calls->len, ==, 0);

    /* Answers too old to use are not counted. */
    rv_batch_set_max_age (batch, 0, 0);
    g_assert_cmpuint (count_cached (batch), ==, 0);
  }
}

static void
test_max_age (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (4, 900);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);

  /* Stored answers of various ages: 1 hour, 10 days (found); 2 hours, 3 days (not found). */
  {
    const gint64 ages[] = { 3600, 10 * 86400, 2 * 3600, 3 * 86400 };

    for (guint i = 0; i < 4; i++)
      {
        RvRecord *record = fake_record (rucs[i], i < 2 ? FAKE_VALID : FAKE_NOT_FOUND,
                                        RV_SOURCE_API);

        rv_record_set_provider (record, "old");
        rv_record_set_checked_at (record, now - ages[i]);
        g_ptr_array_add (records, record);
      }
    g_assert_true (rv_store_put_records (fixture->store, (RvRecord **) records->pdata,
                                         records->len, &error));
  }

  /* The defaults, a week and a day: the 10-day and the 3-day answers are asked again. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    fake_plan (fake, rucs[3], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 2);
    g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 1);
    g_assert_cmpuint (fake_calls_for (fake, rucs[3]), ==, 1);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 2);
    g_assert_cmpint (rv_result_get_source (result_of (batch, rucs[0])), ==, RV_SOURCE_CACHE);
    g_assert_cmpint (rv_result_get_source (result_of (batch, rucs[1])), ==, RV_SOURCE_API);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* 0 for found answers only: those are asked again, the not-found ones are not. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    rv_batch_set_max_age (batch, 0, -1);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 2);
    g_assert_cmpuint (fake_calls_for (fake, rucs[0]), ==, 1);
    g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 1);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 2);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* 0: everything is asked again, even what was stored this very second. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    rv_batch_set_max_age (batch, 0, 0);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 4);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 0);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Any age: nothing is asked. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    rv_batch_set_max_age (batch, -1, -1);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 0);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 4);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_window (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 15);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (150, 7000);
  g_autoptr(GError) error = NULL;
  guint sliding = 0;
  const guint window = 6;

  rv_batch_set_concurrency (batch, window);
  g_assert_cmpuint (rv_batch_get_concurrency (batch), ==, window);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));

  /* Never more than the window, and the window is used. */
  g_assert_cmpuint (fake->calls->len, ==, 150);
  g_assert_cmpuint (fake->max_in_flight, ==, window);

  /* Sliding, not batched: after the first ones, each request starts as another ends,
   * while the rest of the window is still waiting for its answers.
   */
  for (guint i = window; i < fake->calls->len; i++)
    if (fake_call (fake, i)->others_in_flight == window - 1)
      sliding++;
  g_test_message ("%u of %u requests started with %u others in flight", sliding,
                  fake->calls->len - window, window - 1);
  g_assert_cmpuint (sliding, >=, (fake->calls->len - window) * 9 / 10);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->in_flight, ==, 0);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_rate (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (16, 3000);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 took;

  /* 600 a minute: one request every 100 ms, however wide the window. */
  rv_batch_set_rate (batch, 600);
  rv_batch_set_concurrency (batch, 10);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  took = g_get_monotonic_time () - start;

  g_assert_cmpuint (fake->calls->len, ==, 16);
  for (guint i = 1; i < fake->calls->len; i++)
    g_assert_cmpint (fake_call (fake, i)->start_us - fake_call (fake, i - 1)->start_us, >=,
                     100000 - 2000);

  /* In any second, ten at most. */
  for (guint i = 0; i < fake->calls->len; i++)
    {
      guint n = 0;

      for (guint j = i; j < fake->calls->len; j++)
        if (fake_call (fake, j)->start_us < fake_call (fake, i)->start_us + G_USEC_PER_SEC)
          n++;
      g_assert_cmpuint (n, <=, 10);
    }

  /* And not slower than it needs to be. */
  g_test_message ("16 requests at 600/min took %" G_GINT64_FORMAT " ms", took / 1000);
  g_assert_cmpint (took, >=, 1500000);
  g_assert_cmpint (took, <, 2500000);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_rate_fast (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (3000, 40000);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 took;
  guint most = 0;

  /* 3,000 a second: more than one a millisecond, which main-loop timers cannot space
   * one by one. The rate is still reached, and still not exceeded.
   */
  rv_batch_set_rate (batch, 180000);
  rv_batch_set_concurrency (batch, 50);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  took = g_get_monotonic_time () - start;
  g_test_message ("3,000 requests at 180,000/min took %" G_GINT64_FORMAT " ms", took / 1000);

  g_assert_cmpuint (fake->calls->len, ==, 3000);
  g_assert_cmpint (took, <, 2000000);
  for (guint i = 0, j = 0; i < fake->calls->len; i++)
    {
      while (j < fake->calls->len &&
             fake_call (fake, j)->start_us < fake_call (fake, i)->start_us + 100000)
        j++;
      most = MAX (most, j - i);
    }
  /* 300 in any 100 ms, and the bucket of what 2 ms bring. */
  g_assert_cmpuint (most, <=, 300 + 6);
  g_assert_cmpint (fake_call (fake, 2999)->start_us - fake_call (fake, 0)->start_us, >=,
                   (3000 - 6) * (G_USEC_PER_SEC / 3000));

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static double
mean_gap_ms (FakeProvider *fake,
             guint         first,
             guint         last)
{
  return (fake_call (fake, last)->start_us - fake_call (fake, first)->start_us) /
         (1000.0 * (last - first));
}

static void
test_rate_recovery (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (130, 41000);
  g_autoptr(GError) error = NULL;
  double lowered, recovered;

  /* One 429 at the start lowers 6,000/min (10 ms apart) to 4,800 (12.5 ms); a hundred
   * answers later, the rate is back.
   */
  rv_batch_set_rate (batch, 6000);
  rv_batch_set_concurrency (batch, 5);
  fake_plan_429 (fake, rucs[0], 1, 0);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_cmpuint (fake->calls->len, ==, 131);

  lowered = mean_gap_ms (fake, 5, 60);
  recovered = mean_gap_ms (fake, 115, 130);
  g_test_message ("10 ms apart, 12.5 after a 429: %.2f ms, then %.2f ms", lowered, recovered);
  g_assert_cmpfloat (lowered, >=, 12.4);
  g_assert_cmpfloat (recovered, <, 11.5);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_default_rate (void)
{
  g_auto(GStrv) rucs = make_rucs (4, 3300);
  g_autoptr(GError) error = NULL;

  /* No rate set, none by default: all four go at once. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->max_in_flight, ==, 4);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* The default of the first provider that answers one at a time: 600/min. A padrón
   * before it (no limit) does not lift it.
   */
  {
    g_autoptr(FakeProvider) padron = g_object_new (fake_many_provider_get_type (), NULL);
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = rv_batch_new (NULL);

    fake->default_rate = 600;
    rv_batch_add_provider (batch, RV_PROVIDER (padron));
    rv_batch_add_provider (batch, RV_PROVIDER (fake));
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 4);
    g_assert_cmpuint (fake->max_in_flight, ==, 1);
    for (guint i = 1; i < fake->calls->len; i++)
      g_assert_cmpint (fake_call (fake, i)->start_us - fake_call (fake, i - 1)->start_us, >=,
                       100000 - 2000);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* A rate set wins over the default. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    fake->default_rate = 1;
    rv_batch_set_rate (batch, 60000);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 4);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_transient (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (10, 1100);
  g_autoptr(GError) error = NULL;
  const RvBatchProgress *p;

  /* Fails twice, then answers. */
  fake_plan (fake, rucs[3], FAKE_TRANSIENT, 2, FAKE_OBSERVED);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (fake_calls_for (fake, rucs[3]), ==, 3);
  g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[3])), ==, RV_VERDICT_OBSERVED);
  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->requests, ==, 12);
  g_assert_cmpuint (p->retries, ==, 2);
  g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 9);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 0);
  assert_stored (fixture->store, rucs[3], TRUE);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_backoff (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (30, 1200);
  g_autoptr(GError) error = NULL;
  const gint64 ceilings[] = { 20000, 40000 };
  guint short_ones = 0;

  /* Each fails twice: the n-th retry waits a random time up to 20 ms × 2ⁿ⁻¹. */
  rv_batch_set_retry_policy (batch, 4, 20, 200);
  rv_batch_set_breaker_threshold (batch, 0);
  for (guint i = 0; i < 30; i++)
    fake_plan (fake, rucs[i], FAKE_TRANSIENT, 2, FAKE_VALID);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 30);
  g_assert_cmpuint (rv_batch_get_progress (batch)->retries, ==, 60);

  for (guint r = 0; r < 30; r++)
    {
      gint64 last_end = 0;
      guint n = 0;

      for (guint i = 0; i < fake->calls->len; i++)
        {
          FakeCall *call = fake_call (fake, i);

          if (strcmp (call->ruc, rucs[r]) != 0)
            continue;
          if (last_end != 0)
            {
              gint64 gap = call->start_us - last_end;

              /* Never longer than the ceiling (and what a busy machine adds)… */
              g_assert_cmpint (gap, <=, ceilings[n] + 40000);
              /* …and spread below it: full jitter, not the ceiling every time. */
              if (gap < ceilings[n] / 2)
                short_ones++;
              n++;
            }
          last_end = call->end_us;
        }
      g_assert_cmpuint (n, ==, 2);
    }
  g_test_message ("%u of 60 retries waited less than half their ceiling", short_ones);
  g_assert_cmpuint (short_ones, >=, 5);
  g_assert_cmpuint (short_ones, <, 60);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_max_attempts (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 2);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (5, 1300);
  g_autoptr(GError) error = NULL;
  RvResult *result;

  fake_plan (fake, rucs[2], FAKE_TRANSIENT, G_MAXUINT, FAKE_TRANSIENT);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));

  /* Four attempts, then PENDING with the provider's reason: never a verdict. */
  g_assert_cmpuint (fake_calls_for (fake, rucs[2]), ==, 4);
  result = result_of (batch, rucs[2]);
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);
  g_assert_cmpstr (rv_result_get_reason (result), ==, "Not checked: HTTP 503 (after 4 attempts)");
  g_assert_cmpuint (rv_batch_get_progress (batch)->retries, ==, 3);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 1);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_rate_limited (void)
{
  g_auto(GStrv) rucs = make_rucs (20, 1500);
  g_autoptr(GError) error = NULL;

  /* 429 with Retry-After: 300 ms without any request, for that RUC or another. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 5, 5);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);
    gint64 refused_us = 0;
    guint after = 0;

    rv_batch_set_rate (batch, 60000);
    rv_batch_set_concurrency (batch, 2);
    fake_plan_429 (fake, rucs[4], 1, 300);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));

    for (guint i = 0; i < fake->calls->len; i++)
      if (strcmp (fake_call (fake, i)->ruc, rucs[4]) == 0)
        {
          refused_us = fake_call (fake, i)->end_us;
          break;
        }
    g_assert_cmpint (refused_us, >, 0);
    for (guint i = 0; i < fake->calls->len; i++)
      if (fake_call (fake, i)->start_us > refused_us)
        {
          g_assert_cmpint (fake_call (fake, i)->start_us, >=, refused_us + 300000 - 1000);
          after++;
        }
    g_assert_cmpuint (after, >, 0);
    g_assert_cmpuint (fake_calls_for (fake, rucs[4]), ==, 2);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[4])), ==, RV_VERDICT_VALID);
    g_assert_cmpuint (rv_batch_get_progress (batch)->retries, ==, 1);
    g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 20);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Without Retry-After: an exponential pause. 429s do not use up attempts: five of them
   * with two attempts allowed still end in an answer.
   */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    rv_batch_set_rate (batch, 60000);
    rv_batch_set_retry_policy (batch, 2, 5, 40);
    fake_plan_429 (fake, rucs[0], 5, -1);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake_calls_for (fake, rucs[0]), ==, 6);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[0])), ==, RV_VERDICT_VALID);

    /* The pause after the n-th 429 in a row is 5 × 2ⁿ⁻¹ ms, up to 40. */
    {
      const gint64 pauses[] = { 5, 10, 20, 40, 40 };
      guint n = 0;
      gint64 last_end = 0;

      for (guint i = 0; i < fake->calls->len; i++)
        {
          FakeCall *call = fake_call (fake, i);

          if (strcmp (call->ruc, rucs[0]) != 0)
            continue;
          if (last_end != 0)
            g_assert_cmpint (call->start_us - last_end, >=, pauses[n++] * 1000 - 1000);
          last_end = call->end_us;
        }
      g_assert_cmpuint (n, ==, 5);
    }
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* 429s and failures mixed, two attempts allowed: only the failures count. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);
    const FakeAnswer script[] = { FAKE_RATE_LIMITED, FAKE_TRANSIENT, FAKE_RATE_LIMITED,
                                  FAKE_RATE_LIMITED };

    rv_batch_set_rate (batch, 60000);
    rv_batch_set_retry_policy (batch, 2, 5, 40);
    fake_plan_script (fake, rucs[2], 1, FAKE_VALID, G_N_ELEMENTS (script), script);
    fake_plan_script (fake, rucs[3], 1, FAKE_TRANSIENT, G_N_ELEMENTS (script), script);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake_calls_for (fake, rucs[2]), ==, 5);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[2])), ==, RV_VERDICT_VALID);
    g_assert_cmpuint (fake_calls_for (fake, rucs[3]), ==, 5);
    g_assert_cmpstr (rv_result_get_reason (result_of (batch, rucs[3])), ==,
                     "Not checked: HTTP 503 (after 2 attempts)");
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* More than ten 429s for one RUC: given up, PENDING. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);
    RvResult *result;

    rv_batch_set_rate (batch, 60000);
    rv_batch_set_retry_policy (batch, 4, 1, 5);
    fake_plan_429 (fake, rucs[1], G_MAXUINT, 1);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 11);
    result = result_of (batch, rucs[1]);
    g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);
    g_assert_nonnull (strstr (rv_result_get_reason (result), "Too many requests"));
    g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 19);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_bad_format (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (3, 1700);
  g_autoptr(GError) error = NULL;
  RvResult *result;

  fake_plan (fake, rucs[1], FAKE_BAD_FORMAT, G_MAXUINT, FAKE_BAD_FORMAT);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));

  /* A refusal is not a verdict: PENDING with the provider's words, asked once. */
  g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 1);
  result = result_of (batch, rucs[1]);
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);
  g_assert_cmpstr (rv_result_get_reason (result), ==, "Not checked: The ruc must be 11 digits");
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_auth (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 20, 20);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (60, 1900);
  g_autoptr(GError) error = NULL;
  gint64 refused_us = 0;
  guint answered = 0;
  guint pending = 0;
  Watch watch;

  rv_batch_set_concurrency (batch, 4);
  fake_plan (fake, rucs[9], FAKE_AUTH, G_MAXUINT, FAKE_AUTH);
  add_values (batch, (const char * const *) rucs);
  watch_batch (&watch, batch, fixture->store);

  g_assert_false (run_batch (batch, NULL, &error));
  g_assert_error (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION);
  g_assert_error ((GError *) rv_batch_get_last_error (batch), RV_PROVIDER_ERROR,
                  RV_PROVIDER_ERROR_AUTHENTICATION);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_READY);

  /* No request after the refusal; those in flight were cancelled and are all back. */
  for (guint i = 0; i < fake->calls->len; i++)
    if (strcmp (fake_call (fake, i)->ruc, rucs[9]) == 0)
      refused_us = fake_call (fake, i)->end_us;
  g_assert_cmpint (refused_us, >, 0);
  for (guint i = 0; i < fake->calls->len; i++)
    g_assert_cmpint (fake_call (fake, i)->start_us, <=, refused_us);
  g_assert_cmpuint (fake->n_cancelled, >, 0);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_cmpuint (fake->calls->len, <, 60);

  /* Every entry is answered (and stored) or PENDING with the reason. */
  for (guint i = 0; rucs[i] != NULL; i++)
    {
      RvResult *result = result_of (batch, rucs[i]);

      if (rv_result_is_final (result))
        {
          assert_stored (fixture->store, rucs[i], TRUE);
          answered++;
        }
      else
        {
          g_assert_cmpstr (rv_result_get_reason (result), ==,
                           "Not checked: the API token was refused");
          pending++;
        }
    }
  g_assert_cmpuint (answered, >=, 5);
  g_assert_cmpuint (answered + pending, ==, 60);
  g_assert_cmpuint (watch.stored_checked, ==, answered);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

typedef struct
{
  FakeProvider *fake;
  gint64        tripped_us;
  guint         calls_at_trip;
  guint         rucs_at_trip;
  guint         in_flight_at_trip;
  guint         notifies;
} Breaker;

static void
state_notify_cb (RvBatch    *batch,
                 GParamSpec *pspec,
                 Breaker    *breaker)
{
  breaker->notifies++;
  if (rv_batch_get_state (batch) == RV_BATCH_STATE_UNAVAILABLE && breaker->tripped_us == 0)
    {
      breaker->tripped_us = g_get_monotonic_time ();
      breaker->calls_at_trip = breaker->fake->calls->len;
      breaker->rucs_at_trip = g_hash_table_size (breaker->fake->counts);
      breaker->in_flight_at_trip = breaker->fake->in_flight;
    }
}

/* The record of a run takes its counts from the batch's progress. */
static void
test_fill_run (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 2, 4);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (5, 2300);
  const RvBatchProgress *p;
  RvRun record = { .id = 7, .total = 99, };
  RunResult r;

  fake_plan (fake, rucs[0], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
  add_values (batch, (const char * const *) rucs);
  start_run (batch, NULL, &r);
  SPIN_UNTIL (r.done, "the run");

  rv_batch_fill_run (batch, &record);
  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (record.unique, ==, 5);
  g_assert_cmpuint (record.counts[RV_VERDICT_VALID], ==, 4);
  g_assert_cmpuint (record.counts[RV_VERDICT_NOT_FOUND], ==, 1);
  g_assert_cmpmem (record.counts, sizeof record.counts, p->counts, sizeof p->counts);
  g_assert_cmpuint (record.requests, ==, 5);
  g_assert_cmpuint (record.cache_hits, ==, p->cache_hits);
  /* What the caller knows is left alone. */
  g_assert_cmpint (record.id, ==, 7);
  g_assert_cmpuint (record.total, ==, 99);
}

/* A few RUCs the provider always fails on are not an outage: the run ends with them
 * pending, without the breaker tripping. */
static void
test_breaker_few_bad (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 2, 4);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (20, 2200);
  Breaker breaker = { fake, };
  RunResult r;

  for (guint i = 0; i < 4; i++)
    fake_plan (fake, rucs[16 + i], FAKE_TRANSIENT, G_MAXUINT, FAKE_TRANSIENT);
  rv_batch_set_retry_policy (batch, 4, 1, 2);
  rv_batch_set_concurrency (batch, 3);
  g_signal_connect (batch, "notify::state", G_CALLBACK (state_notify_cb), &breaker);
  add_values (batch, (const char * const *) rucs);
  start_run (batch, NULL, &r);
  SPIN_UNTIL (r.done, "the run");

  g_assert_cmpuint (breaker.tripped_us, ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 4);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 16);
  g_assert_cmpuint (fake->calls->len, ==, 16 + 4 * 4);
}

static void
test_breaker (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 2, 4);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (30, 2100);
  Breaker breaker = { fake, };
  RunResult r;
  const GError *last;

  /* The provider is down: every request fails. */
  fake->default_answer = FAKE_TRANSIENT;
  rv_batch_set_retry_policy (batch, 100, 5, 20);
  rv_batch_set_concurrency (batch, 3);
  g_signal_connect (batch, "notify::state", G_CALLBACK (state_notify_cb), &breaker);
  add_values (batch, (const char * const *) rucs);
  start_run (batch, NULL, &r);

  SPIN_UNTIL (breaker.tripped_us != 0, "the breaker");
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_UNAVAILABLE);
  /* Ten RUCs failing in a row tripped it (their retries do not count twice); in flight
   * were the window's others at most. */
  g_assert_cmpuint (breaker.rucs_at_trip, >=, 10);
  g_assert_cmpuint (breaker.rucs_at_trip, <=, 10 + 3);
  g_assert_cmpuint (breaker.calls_at_trip, >=, breaker.rucs_at_trip);
  last = rv_batch_get_last_error (batch);
  g_assert_error ((GError *) last, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_TRANSIENT);

  /* While unavailable: the requests in flight finish, no new one starts, and the run
   * does not end.
   */
  spin_for (250);
  g_assert_false (r.done);
  g_assert_cmpuint (fake->calls->len, ==, breaker.calls_at_trip);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->in_flight, ==, 0);

  /* It is back: resume goes on, and the run completes. */
  fake->default_answer = FAKE_VALID;
  rv_batch_resume (batch);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_RUNNING);
  spin_until (&r.done, "the run after resume");
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpuint (fake->calls->len, >, breaker.calls_at_trip);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 30);
  /* RUNNING, UNAVAILABLE, RUNNING, READY. */
  g_assert_cmpuint (breaker.notifies, ==, 4);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 30, 30);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GStrv) rucs = make_rucs (100, 2300);
  g_autoptr(GError) error = NULL;
  guint answered = 0;
  Watch watch;

  /* The provider takes 50 ms to acknowledge a cancel: the run waits for it. */
  fake->cancel_delay_ms = 50;
  rv_batch_set_concurrency (batch, 5);
  add_values (batch, (const char * const *) rucs);
  watch_batch (&watch, batch, fixture->store);
  watch.act_after = 10;
  watch.cancel = cancellable;

  g_assert_false (run_batch (batch, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_READY);
  g_assert_cmpint (watch.acted_us, >, 0);

  /* What was in flight was cancelled, and the run waited for it. */
  g_assert_cmpuint (fake->n_cancelled, >, 0);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  for (guint i = 0; i < fake->calls->len; i++)
    g_assert_cmpint (fake_call (fake, i)->start_us, <=, watch.acted_us);

  /* The answers are in the store; the others say why they are pending. */
  for (guint i = 0; rucs[i] != NULL; i++)
    {
      RvResult *result = result_of (batch, rucs[i]);

      if (rv_result_is_final (result))
        {
          assert_stored (fixture->store, rucs[i], TRUE);
          answered++;
        }
      else
        {
          g_assert_cmpstr (rv_result_get_reason (result), ==,
                           "Not checked: the run was cancelled");
        }
    }
  g_assert_cmpuint (answered, >=, 10);
  g_assert_cmpuint (answered, <, 100);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancels after @ms and checks that the run ends within 200 ms of that. */
static void
cancel_soon_and_check (RvBatch *batch,
                       guint    ms)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RunResult r;
  gint64 start;

  start_run (batch, cancellable, &r);
  spin_for (ms);
  g_assert_false (r.done);
  start = g_get_monotonic_time ();
  g_idle_add (cancel_cb, cancellable);
  spin_until (&r.done, "the cancelled run");
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpint (r.done_us - start, <, 200000);
}

static void
test_cancel_waiting (void)
{
  g_auto(GStrv) rucs = make_rucs (3, 2500);

  /* Waiting for the rate limiter (one request every 10 s). */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    rv_batch_set_rate (batch, 6);
    add_values (batch, (const char * const *) rucs);
    cancel_soon_and_check (batch, 100);
    g_assert_cmpuint (fake->calls->len, ==, 1);
    g_assert_cmpstr (rv_result_get_reason (result_of (batch, rucs[2])), ==,
                     "Not checked: the run was cancelled");
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Waiting for a backoff (up to 10 s). */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    fake->default_answer = FAKE_TRANSIENT;
    rv_batch_set_retry_policy (batch, 4, 10000, 10000);
    add_values (batch, (const char * const *) rucs);
    /* A backoff may be short by chance: retried requests are fine, an answer is not. */
    cancel_soon_and_check (batch, 50);
    g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 3);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Paused, and with a request that never ends. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);

    fake_plan (fake, rucs[0], FAKE_HANG, G_MAXUINT, FAKE_HANG);
    add_values (batch, (const char * const *) rucs);
    g_signal_connect_swapped (batch, "entry-changed", G_CALLBACK (rv_batch_pause), batch);
    cancel_soon_and_check (batch, 50);
    g_assert_cmpuint (fake->n_cancelled, ==, 1);
    g_assert_cmpuint (fake->in_flight, ==, 0);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Cancelled before it starts. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GError) error = NULL;

    add_values (batch, (const char * const *) rucs);
    g_cancellable_cancel (cancellable);
    g_assert_false (run_batch (batch, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (fake->calls->len, ==, 0);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_pause (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 10, 10);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (40, 2700);
  RunResult r;
  Watch watch;
  guint calls, answered;

  rv_batch_set_concurrency (batch, 4);
  add_values (batch, (const char * const *) rucs);
  watch_batch (&watch, batch, NULL);
  watch.act_after = 8;
  watch.pause = TRUE;

  start_run (batch, NULL, &r);
  SPIN_UNTIL (watch.acted_us != 0, "the eighth answer");
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_PAUSED);

  /* Paused: what is in flight ends and is recorded; nothing new starts. */
  calls = fake->calls->len;
  spin_for (200);
  g_assert_false (r.done);
  g_assert_cmpuint (fake->calls->len, ==, calls);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_cmpuint (watch.answered, ==, calls);
  for (guint i = 0; i < fake->calls->len; i++)
    g_assert_cmpint (fake_call (fake, i)->start_us, <=, watch.acted_us);
  answered = watch.answered;
  g_assert_cmpuint (answered, <, 40);

  rv_batch_resume (batch);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_RUNNING);
  spin_until (&r.done, "the resumed run");
  g_assert_no_error (r.error);
  g_assert_cmpuint (fake->calls->len, ==, 40);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 40);

  /* A run paused before it sent anything, and with everything answered meanwhile, waits
   * for resume.
   */
  {
    g_autoptr(FakeProvider) fake2 = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch2 = new_batch (NULL, fake2);
    g_autoptr(RvBatch) batch3 = new_batch (NULL, fake2);

    add_values (batch2, (const char * const *) rucs);
    start_run (batch2, NULL, &r);
    rv_batch_pause (batch2);
    spin_for (100);
    g_assert_cmpuint (fake2->calls->len, ==, 0);
    g_assert_false (r.done);
    rv_batch_resume (batch2);
    spin_until (&r.done, "the resumed run");
    g_assert_cmpuint (fake2->calls->len, ==, 40);

    /* Paused while the last ones are in flight: they are answered, the run waits. */
    add_values (batch3, (const char * const *) rucs);
    start_run (batch3, NULL, &r);
    SPIN_UNTIL (fake2->calls->len >= 80, "the last requests");
    rv_batch_pause (batch3);
    spin_for (100);
    g_assert_cmpuint (rv_batch_get_progress (batch3)->counts[RV_VERDICT_VALID], ==, 40);
    g_assert_false (r.done);
    g_assert_cmpint (rv_batch_get_state (batch3), ==, RV_BATCH_STATE_PAUSED);
    rv_batch_resume (batch3);
    spin_until (&r.done, "the resumed run");
    g_assert_true (r.ok);

    g_assert_finalize_object (g_steal_pointer (&batch2));
    g_assert_finalize_object (g_steal_pointer (&batch3));
  }

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_store_before_report (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 4);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (1200, 4000);
  g_autoptr(GError) error = NULL;
  Watch watch;

  /* More than one write's worth (500), answers of all kinds. */
  rv_batch_set_concurrency (batch, 40);
  for (guint i = 0; i < 1200; i += 10)
    fake_plan (fake, rucs[i], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
  add_values (batch, (const char * const *) rucs);
  watch_batch (&watch, batch, fixture->store);
  g_assert_true (run_batch (batch, NULL, &error));

  /* The handler looked each answer up in the store as it was reported. */
  g_assert_cmpuint (watch.stored_checked, ==, 1200);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_NOT_FOUND], ==, 120);
  g_assert_cmpint (rv_store_count_records (fixture->store, &error), ==, 1200);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_store_error (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 2);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (30, 4500);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  Watch watch;

  /* The database refuses every write. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse BEFORE INSERT ON records "
                                     "BEGIN SELECT RAISE (ABORT, 'refused'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  add_values (batch, (const char * const *) rucs);
  watch_batch (&watch, batch, fixture->store);
  g_assert_false (run_batch (batch, NULL, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == RV_STORE_ERROR);

  /* Nothing was reported as answered: it could not be stored. */
  g_assert_cmpuint (watch.answered, ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 30);
  g_assert_nonnull (strstr (rv_result_get_reason (result_of (batch, rucs[0])),
                            "could not be saved"));
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_true (rv_batch_get_last_error (batch) != NULL);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

typedef struct
{
  RvBatch *batch;
  GArray  *times;
  gboolean saw_ready;
} Progress;

static void
progress_cb (RvBatch  *batch,
             Progress *progress)
{
  const RvBatchProgress *p = rv_batch_get_progress (batch);
  gint64 now = g_get_monotonic_time ();
  guint sum = 0;

  g_array_append_val (progress->times, now);
  for (guint v = 0; v < RV_N_VERDICTS; v++)
    sum += p->counts[v];
  g_assert_cmpuint (sum, ==, p->unique);
  g_assert_cmpuint (p->done, ==, p->unique - p->counts[RV_VERDICT_PENDING]);
  g_assert_cmpuint (p->in_flight, <=, rv_batch_get_concurrency (batch));
  g_assert_cmpuint (p->retries, <=, p->requests);
  g_assert_cmpint (p->elapsed_us, >=, 0);
  g_assert_false (progress->saw_ready);
  if (rv_batch_get_state (batch) == RV_BATCH_STATE_READY)
    progress->saw_ready = TRUE;
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (150, 5000);
  g_autoptr(GError) error = NULL;
  Progress progress = { batch, g_array_new (FALSE, FALSE, sizeof (gint64)), FALSE };
  const RvBatchProgress *p;
  const char *extra[] = { "bad", "", "20131312956", NULL };
  gint64 start = g_get_monotonic_time ();
  gint64 took;

  rv_batch_set_rate (batch, 6000);
  rv_batch_set_concurrency (batch, 3);
  for (guint i = 0; i < 150; i += 30)
    fake_plan (fake, rucs[i], FAKE_TRANSIENT, G_MAXUINT, FAKE_TRANSIENT);
  add_values (batch, (const char * const *) rucs);
  add_values (batch, extra);
  g_signal_connect (batch, "progress", G_CALLBACK (progress_cb), &progress);
  g_assert_true (run_batch (batch, NULL, &error));
  took = g_get_monotonic_time () - start;

  /* At most 20 a second: 50 ms apart, except the last word after the end. */
  g_test_message ("%u progress emissions in %" G_GINT64_FORMAT " ms", progress.times->len,
                  took / 1000);
  g_assert_cmpuint (progress.times->len, >=, 10);
  for (guint i = 1; i + 1 < progress.times->len; i++)
    g_assert_cmpint (g_array_index (progress.times, gint64, i) -
                     g_array_index (progress.times, gint64, i - 1), >=, 49000);
  g_assert_cmpuint (progress.times->len, <=, took / 50000 + 2);
  g_assert_true (progress.saw_ready);

  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->rows, ==, 153);
  g_assert_cmpuint (p->unique, ==, 152);
  g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 2);
  g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 145);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 5);
  g_assert_cmpuint (p->done, ==, 147);
  g_assert_cmpuint (p->to_look_up, ==, 150);
  g_assert_cmpuint (p->requests, ==, 145 + 20);
  g_assert_cmpuint (p->retries, ==, 15);
  g_assert_cmpint (p->eta_us, ==, 0);
  g_assert_cmpuint (p->in_flight, ==, 0);
  g_assert_cmpint (p->elapsed_us, >, 0);
  g_assert_cmpint (p->elapsed_us, <=, took);
  g_assert_cmpfloat (p->rate, >, 0);
  assert_consistent (batch);

  g_array_unref (progress.times);
  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_retry_pending (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 2);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_auto(GStrv) rucs = make_rucs (12, 5500);
  g_autoptr(GError) error = NULL;
  Watch watch;

  fake_plan (fake, rucs[5], FAKE_TRANSIENT, 4, FAKE_VALID);
  fake_plan (fake, rucs[7], FAKE_BAD_FORMAT, 1, FAKE_VALID);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 2);
  g_assert_cmpuint (fake->calls->len, ==, 11 + 4);

  /* Again ("Retry pending"): only the two pending ones are asked. */
  watch_batch (&watch, batch, fixture->store);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->calls->len, ==, 11 + 4 + 2);
  g_assert_cmpuint (fake_calls_for (fake, rucs[5]), ==, 5);
  g_assert_cmpuint (fake_calls_for (fake, rucs[7]), ==, 2);
  g_assert_cmpuint (fake_calls_for (fake, rucs[0]), ==, 1);
  g_assert_cmpuint (watch.changed, ==, 2);
  g_assert_cmpuint (rv_batch_get_progress (batch)->requests, ==, 2);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_VALID], ==, 12);

  /* Nothing left: a third run asks nothing and completes. */
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_cmpuint (fake->calls->len, ==, 17);
  assert_consistent (batch);

  /* Rows added after a run: a DNI whose RUC 10 was answered then, and a new RUC. The
   * DNI is answered from the store, the new RUC asked.
   */
  {
    char dni_ruc[12];
    g_autofree char *fresh = rv_test_make_ruc ("20", 77777);
    const char *more[] = { NULL, NULL, NULL, NULL };

    g_assert_true (rv_ruc_from_dni ("40506070", dni_ruc));
    more[0] = dni_ruc;
    rv_batch_add_rows (batch, more, 1);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake_calls_for (fake, dni_ruc), ==, 1);

    more[0] = "40506070";
    more[1] = fresh;
    more[2] = dni_ruc;
    rv_batch_add_rows (batch, more, 3);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake_calls_for (fake, dni_ruc), ==, 1);
    g_assert_cmpuint (fake_calls_for (fake, fresh), ==, 1);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, "40506070")), ==, RV_VERDICT_VALID);
    g_assert_cmpint (rv_result_get_source (result_of (batch, "40506070")), ==, RV_SOURCE_CACHE);
    g_assert_cmpuint (rv_batch_get_progress (batch)->cache_hits, ==, 1);
    g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 0);
    assert_consistent (batch);
  }

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (6, 6000);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_record_unref);
  const char *extra[] = { "20131312956", NULL };

  /* Two RUCs are in the database already. */
  for (guint i = 0; i < 2; i++)
    {
      RvRecord *record = fake_record (rucs[i], i == 0 ? FAKE_VALID : FAKE_NOT_FOUND,
                                      RV_SOURCE_API);

      rv_record_set_provider (record, "migo");
      g_ptr_array_add (records, record);
    }
  g_assert_true (rv_store_put_records (fixture->store, (RvRecord **) records->pdata,
                                       records->len, &error));

  /* No provider: the cache answers what it can, the rest stays pending. */
  {
    g_autoptr(RvBatch) batch = rv_batch_new (fixture->store);
    const RvBatchProgress *p;

    add_values (batch, (const char * const *) rucs);
    add_values (batch, extra);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_no_error (error);

    p = rv_batch_get_progress (batch);
    g_assert_cmpuint (p->cache_hits, ==, 2);
    g_assert_cmpuint (p->requests, ==, 0);
    g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 1);
    g_assert_cmpuint (p->counts[RV_VERDICT_NOT_FOUND], ==, 1);
    g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 1);
    g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 4);
    g_assert_cmpint (rv_result_get_source (result_of (batch, rucs[0])), ==, RV_SOURCE_CACHE);
    g_assert_cmpstr (rv_result_get_reason (result_of (batch, rucs[3])), ==, "Not checked online");
    assert_consistent (batch);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* Without a store either, and with a reason of the caller's. */
  {
    g_autoptr(RvBatch) batch = rv_batch_new (NULL);

    rv_batch_set_offline_reason (batch, "Not checked: no token configured");
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 6);
    g_assert_cmpstr (rv_result_get_reason (result_of (batch, rucs[0])), ==,
                     "Not checked: no token configured");
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_many (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(FakeProvider) padron = g_object_new (fake_many_provider_get_type (), NULL);
  g_autoptr(FakeProvider) api = fake_new ("api", 1, 2);
  g_autoptr(RvBatch) batch = rv_batch_new (fixture->store);
  g_auto(GStrv) rucs = make_rucs (2500, 10000);
  g_autoptr(GError) error = NULL;
  const RvBatchProgress *p;
  guint unknown = 0;

  g_assert_true (rv_provider_can_lookup_many (RV_PROVIDER (padron)));
  g_assert_false (rv_provider_can_lookup_many (RV_PROVIDER (api)));

  /* The padrón knows 60% of them (and says "not found" of some); the API the rest. */
  for (guint i = 0; i < 2500; i++)
    if (i % 5 < 3)
      g_hash_table_insert (padron->known, g_strdup (rucs[i]),
                           GUINT_TO_POINTER (i % 50 == 0 ? FAKE_NOT_FOUND : FAKE_VALID));
  rv_batch_add_provider (batch, RV_PROVIDER (padron));
  rv_batch_add_provider (batch, RV_PROVIDER (api));
  rv_batch_set_concurrency (batch, 20);
  add_values (batch, (const char * const *) rucs);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);

  /* Chunks of 1,000 at most; each RUC once. */
  g_assert_cmpuint (padron->many_largest, <=, 1000);
  g_assert_cmpuint (padron->many_calls, >=, 3);
  g_assert_cmpuint (g_hash_table_size (padron->many_counts), ==, 2500);
  g_assert_cmpuint (padron->calls->len, ==, 0);

  /* The API only for what the padrón did not know. */
  for (guint i = 0; i < 2500; i++)
    {
      RvResult *result = result_of (batch, rucs[i]);

      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (padron->many_counts, rucs[i])),
                        ==, 1);
      if (i % 5 < 3)
        {
          g_assert_cmpuint (fake_calls_for (api, rucs[i]), ==, 0);
          g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_PADRON);
          g_assert_cmpint (rv_result_get_verdict (result), ==,
                           i % 50 == 0 ? RV_VERDICT_NOT_FOUND : RV_VERDICT_VALID);
          g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result)), ==,
                           "fake-many");
        }
      else
        {
          g_assert_cmpuint (fake_calls_for (api, rucs[i]), ==, 1);
          g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_API);
          g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result)), ==, "api");
          unknown++;
        }
    }
  g_assert_cmpuint (api->calls->len, ==, unknown);
  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 0);
  g_assert_cmpuint (p->requests, ==, padron->many_calls + unknown);
  assert_consistent (batch);
  g_assert_finalize_object (g_steal_pointer (&batch));

  /* The padrón alone: what it does not know stays pending, "not checked online". */
  {
    g_autoptr(FakeProvider) padron2 = g_object_new (fake_many_provider_get_type (), NULL);
    g_autoptr(RvBatch) batch2 = rv_batch_new (NULL);
    g_auto(GStrv) few = make_rucs (4, 20000);

    g_hash_table_insert (padron2->known, g_strdup (few[0]), GUINT_TO_POINTER (FAKE_VALID));
    rv_batch_add_provider (batch2, RV_PROVIDER (padron2));
    add_values (batch2, (const char * const *) few);
    g_assert_true (run_batch (batch2, NULL, &error));
    g_assert_cmpint (rv_result_get_verdict (result_of (batch2, few[0])), ==, RV_VERDICT_VALID);
    g_assert_cmpstr (rv_result_get_reason (result_of (batch2, few[1])), ==, "Not checked online");
    g_assert_cmpuint (rv_batch_get_progress (batch2)->counts[RV_VERDICT_PENDING], ==, 3);
    g_assert_finalize_object (g_steal_pointer (&batch2));
  }
}

static void
test_not_found (Fixture       *fixture,
                gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (6, 7700);
  g_autoptr(GError) error = NULL;

  /* The last provider's NOT_FOUND is the verdict, and it is cached. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
    RvResult *result;

    fake_plan (fake, rucs[0], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    result = result_of (batch, rucs[0]);
    g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_NOT_FOUND);
    g_assert_cmpint (rv_result_get_source (result), ==, RV_SOURCE_API);
    g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result)), ==, "fake");
    g_assert_cmpint (rv_record_get_checked_at (rv_result_get_record (result)), >, 0);
    assert_stored (fixture->store, rucs[0], FALSE);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    add_values (batch, (const char * const *) rucs);
    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_cmpuint (fake->calls->len, ==, 0);
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, rucs[0])), ==,
                     RV_VERDICT_NOT_FOUND);
    g_assert_cmpint (rv_result_get_source (result_of (batch, rucs[0])), ==, RV_SOURCE_CACHE);
    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* A first provider's NOT_FOUND falls through to the next one. */
  {
    g_autoptr(FakeProvider) first = fake_new ("first", 1, 1);
    g_autoptr(FakeProvider) second = fake_new ("second", 1, 1);
    g_autoptr(RvBatch) batch = new_batch (NULL, first);
    g_auto(GStrv) other = make_rucs (5, 8800);

    first->default_answer = FAKE_NOT_FOUND;
    fake_plan (first, other[0], FAKE_VALID, G_MAXUINT, FAKE_VALID);
    fake_plan (second, other[1], FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
    rv_batch_add_provider (batch, RV_PROVIDER (second));
    add_values (batch, (const char * const *) other);
    g_assert_true (run_batch (batch, NULL, &error));

    g_assert_cmpuint (first->calls->len, ==, 5);
    g_assert_cmpuint (second->calls->len, ==, 4);
    g_assert_cmpuint (fake_calls_for (second, other[0]), ==, 0);
    g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result_of (batch, other[0]))),
                     ==, "first");
    g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result_of (batch, other[2]))),
                     ==, "second");
    g_assert_cmpint (rv_result_get_verdict (result_of (batch, other[1])), ==,
                     RV_VERDICT_NOT_FOUND);
    g_assert_cmpstr (rv_record_get_provider (rv_result_get_record (result_of (batch, other[1]))),
                     ==, "second");
    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

static void
test_stress (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 5);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const RvBatchProgress *p;
  guint expected_pending = 0;
  guint expected_not_found = 0;
  gint64 start = g_get_monotonic_time ();
  Watch watch;

  /* 10,000 RUCs, each on one or two rows; some DNIs and their RUC 10s; invalid values;
   * 10% of the RUCs with faults of every kind.
   */
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *ruc = rv_test_make_ruc ("20", 30000000 + i * 3);

      g_ptr_array_add (values, g_strdup (ruc));
      if (i % 3 == 0)
        g_ptr_array_add (values, g_strdup_printf ("RUC %s", ruc));

      switch (i % 100)
        {
        case 0: case 10: case 20: case 30:
          fake_plan (fake, ruc, FAKE_TRANSIENT, 1, FAKE_VALID);
          break;
        case 40: case 50:
          fake_plan (fake, ruc, FAKE_TRANSIENT, 2, FAKE_OBSERVED);
          break;
        case 60:
          fake_plan (fake, ruc, FAKE_TRANSIENT, G_MAXUINT, FAKE_TRANSIENT);
          expected_pending++;
          break;
        case 70:
          fake_plan (fake, ruc, FAKE_NOT_FOUND, G_MAXUINT, FAKE_NOT_FOUND);
          expected_not_found++;
          break;
        case 80:
          fake_plan (fake, ruc, FAKE_BAD_FORMAT, G_MAXUINT, FAKE_BAD_FORMAT);
          expected_pending++;
          break;
        case 90:
          if (i % 1000 == 90)
            {
              fake_plan_429 (fake, ruc, 1, 2);
            }
          else
            {
              fake_plan (fake, ruc, FAKE_TRANSIENT, 1, FAKE_NOT_FOUND);
              expected_not_found++;
            }
          break;
        default:
          break;
        }
    }
  for (guint i = 0; i < 200; i++)
    {
      char dni[9];
      char ruc[12];

      g_snprintf (dni, sizeof dni, "%08u", 41000000 + i);
      g_ptr_array_add (values, g_strdup (dni));
      if (i % 2 == 0)
        {
          g_assert_true (rv_ruc_from_dni (dni, ruc));
          g_ptr_array_add (values, g_strdup (ruc));
        }
    }
  /* 20131312955 with each of the nine wrong check digits. */
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (values, g_strdup_printf ("2013131295%u", i % 9 < 5 ? i % 9 : i % 9 + 1));
  g_ptr_array_add (values, NULL);

  rv_batch_set_concurrency (batch, 50);
  rv_batch_set_retry_policy (batch, 4, 2, 20);
  rv_batch_set_breaker_threshold (batch, 0);
  rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len);
  watch_batch (&watch, batch, fixture->store);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("10,000 RUCs in %" G_GINT64_FORMAT " ms, %u requests, at most %u in flight",
                  (g_get_monotonic_time () - start) / 1000, fake->calls->len,
                  fake->max_in_flight);


  /* Nothing lost: every entry final or pending, the counts add up, every RUC asked. */
  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->unique, ==, 10000 + 200 + 100 + 9);
  g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 9);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, expected_pending);
  g_assert_cmpuint (p->counts[RV_VERDICT_NOT_FOUND], ==, expected_not_found);
  g_assert_cmpuint (g_hash_table_size (fake->counts), ==, 10000 + 200);
  g_assert_cmpuint (fake->max_in_flight, <=, 50);
  g_assert_cmpuint (fake->in_flight, ==, 0);
  g_assert_cmpuint (watch.stored_checked, ==, watch.answered);
  g_assert_cmpuint (watch.answered, ==, p->unique - 9 - expected_pending);
  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    {
      RvResult *result = rv_batch_get_entry_result (batch, e);

      if (rv_result_get_verdict (result) == RV_VERDICT_PENDING)
        g_assert_cmpstr (rv_result_get_reason (result), !=, "Not checked yet");
    }
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* The longest a main-loop iteration worked between two ticks of a 1-ms timer, in CPU
 * time of this thread: what the engine costs, however busy the machine is.
 */
typedef struct
{
  gint64 last;
  gint64 worst;
} Ticker;

static gboolean
tick_cb (gpointer user_data)
{
  Ticker *ticker = user_data;
  gint64 now = thread_cpu_time ();

  if (ticker->last != 0)
    ticker->worst = MAX (ticker->worst, now - ticker->last);
  ticker->last = now;
  return G_SOURCE_CONTINUE;
}

static void
test_main_loop (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  Ticker ticker = { 0, };
  gint64 start;
  guint tick;
  RunResult r;
  Watch watch;

  /* 200,000 rows, 100,000 distinct values: started, then cancelled with most of them
   * unanswered, so that the run has them all to settle.
   */
  for (guint i = 0; i < 200000; i++)
    g_ptr_array_add (values, rv_test_make_ruc ("20", 50000000 + (i % 100000) * 3));
  rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len);
  rv_batch_set_concurrency (batch, 50);
  watch_batch (&watch, batch, NULL);

  start = thread_cpu_time ();
  start_run (batch, cancellable, &r);
  g_test_message ("run_async() took %" G_GINT64_FORMAT " us of CPU", thread_cpu_time () - start);
  g_assert_cmpint (thread_cpu_time () - start, <, 16000);

  tick = g_timeout_add (1, tick_cb, &ticker);
  spin_for (300);
  g_assert_cmpuint (watch.answered, >, 0);
  g_cancellable_cancel (cancellable);
  spin_until (&r.done, "the cancelled run");
  g_source_remove (tick);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* Every one of them was reported, and no iteration took more than a frame. */
  g_assert_cmpuint (watch.changed, ==, 100000);
  g_test_message ("the longest iteration: %" G_GINT64_FORMAT " us of CPU", ticker.worst);
  g_assert_cmpint (ticker.worst, <, 16000);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

static void
test_run_twice (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 5, 5);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (3, 9900);
  RunResult r;

  add_values (batch, (const char * const *) rucs);
  start_run (batch, NULL, &r);

  /* A second run while one is going on is a programming error. */
  g_test_expect_message ("rv-batch", G_LOG_LEVEL_CRITICAL, "*self->run == NULL*");
  rv_batch_run_async (batch, NULL, run_done_cb, &r);
  g_test_assert_expected_messages ();

  spin_until (&r.done, "the run");
  g_assert_true (r.ok);
  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* Row values changed after the rows were added: rv_batch_set_row_value(). */

/* The progress of @batch is what @fresh, built with the same values, reports: the
 * counts of values, and with @run_counts those of the last run too.
 */
static void
assert_same_progress (RvBatch  *batch,
                      RvBatch  *fresh,
                      gboolean  run_counts)
{
  const RvBatchProgress *p = rv_batch_get_progress (batch);
  const RvBatchProgress *q = rv_batch_get_progress (fresh);

  g_assert_cmpuint (p->rows, ==, q->rows);
  g_assert_cmpuint (p->unique, ==, q->unique);
  for (guint v = 0; v < RV_N_VERDICTS; v++)
    g_assert_cmpuint (p->counts[v], ==, q->counts[v]);
  g_assert_cmpuint (p->done, ==, q->done);
  if (run_counts)
    {
      g_assert_cmpuint (p->to_look_up, ==, q->to_look_up);
      g_assert_cmpuint (p->cache_hits, ==, q->cache_hits);
      g_assert_cmpuint (p->requests, ==, q->requests);
    }
  assert_consistent (batch);
  assert_consistent (fresh);
}

/* The rows of @entry are @expected, in order (terminated by G_MAXUINT). */
static void
assert_entry_rows (RvBatch     *batch,
                   int          entry,
                   const guint *expected)
{
  const guint *rows;
  guint n_rows;
  guint n = 0;

  g_assert_cmpint (entry, >=, 0);
  rows = rv_batch_get_entry_rows (batch, entry, &n_rows);
  while (expected[n] != G_MAXUINT)
    n++;
  g_assert_cmpuint (n_rows, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (rows[i], ==, expected[i]);
      g_assert_cmpint (rv_batch_get_row_entry (batch, rows[i]), ==, entry);
    }
}

static void
set_row_value (RvBatch    *batch,
               guint       row,
               const char *value)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (rv_batch_set_row_value (batch, row, value, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (rv_result_get_value (rv_batch_get_row_result (batch, row)), !=, NULL);
}

/* What a batch emits, in order. */
typedef struct
{
  GArray *changed;    /* guint: the entries of "entry-changed" */
  guint   progress;   /* "progress" emissions */
} Emissions;

static void
emissions_entry_changed_cb (RvBatch   *batch,
                            guint      entry,
                            Emissions *emissions)
{
  g_array_append_val (emissions->changed, entry);
}

static void
emissions_progress_cb (RvBatch   *batch,
                       Emissions *emissions)
{
  emissions->progress++;
}

static void
emissions_watch (Emissions *emissions,
                 RvBatch   *batch)
{
  emissions->changed = g_array_new (FALSE, FALSE, sizeof (guint));
  emissions->progress = 0;
  g_signal_connect (batch, "entry-changed", G_CALLBACK (emissions_entry_changed_cb), emissions);
  g_signal_connect (batch, "progress", G_CALLBACK (emissions_progress_cb), emissions);
}

static void
emissions_reset (Emissions *emissions)
{
  g_array_set_size (emissions->changed, 0);
  emissions->progress = 0;
}

static void
emissions_clear (Emissions *emissions,
                 RvBatch   *batch)
{
  g_signal_handlers_disconnect_by_data (batch, emissions);
  g_clear_pointer (&emissions->changed, g_array_unref);
}

/* The accountant accepts the suggestion for one of the rows with a wrong check digit. */
static void
test_set_row_value_suggestion (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);
  g_autoptr(GError) error = NULL;
  g_autofree char *other = rv_test_make_ruc ("20", 4242);
  const char *values[] = {
    "20131312956", other, "20131312956", "'20131312956", NULL,
  };
  const guint bad_rows[] = { 0, 2, 3, G_MAXUINT };
  const guint bad_rows_after[] = { 0, 3, G_MAXUINT };
  const guint good_rows[] = { 2, G_MAXUINT };
  const char *suggestion;
  const RvBatchProgress *p;
  RvResult *result;
  int bad_entry, good_entry;
  guint n_entries;

  add_values (batch, values);
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->calls->len, ==, 1);

  bad_entry = rv_batch_get_row_entry (batch, 2);
  assert_entry_rows (batch, bad_entry, bad_rows);
  result = rv_batch_get_row_result (batch, 2);
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_INVALID);
  suggestion = rv_result_get_suggestion (result);
  g_assert_cmpstr (suggestion, ==, "20131312955");

  /* The row moves to a new entry for its new value, pending until the next run; the
   * other rows of the wrong value stay where they were.
   */
  n_entries = rv_batch_get_n_entries (batch);
  set_row_value (batch, 2, suggestion);
  good_entry = rv_batch_get_row_entry (batch, 2);
  g_assert_cmpint (good_entry, ==, n_entries);
  g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, n_entries + 1);
  assert_entry_rows (batch, good_entry, good_rows);
  assert_entry_rows (batch, bad_entry, bad_rows_after);
  result = rv_batch_get_row_result (batch, 2);
  g_assert_cmpstr (rv_result_get_value (result), ==, "20131312955");
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_PENDING);

  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->unique, ==, 3);
  g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 1);
  g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 1);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 1);
  g_assert_cmpuint (p->done, ==, 2);
  assert_consistent (batch);

  /* The next run asks about the new value only: the other one is final already. */
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->calls->len, ==, 2);
  g_assert_cmpuint (fake_calls_for (fake, "20131312955"), ==, 1);
  g_assert_cmpuint (fake_calls_for (fake, other), ==, 1);
  assert_stored (fixture->store, "20131312955", TRUE);

  result = rv_batch_get_row_result (batch, 2);
  g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_VALID);
  g_assert_cmpstr (rv_result_get_ruc (result), ==, "20131312955");
  for (guint i = 0; bad_rows_after[i] != G_MAXUINT; i++)
    {
      result = rv_batch_get_row_result (batch, bad_rows_after[i]);
      g_assert_cmpint (rv_batch_get_row_entry (batch, bad_rows_after[i]), ==, bad_entry);
      g_assert_cmpint (rv_result_get_verdict (result), ==, RV_VERDICT_INVALID);
      g_assert_cmpstr (rv_result_get_value (result), ==, "20131312956");
    }

  p = rv_batch_get_progress (batch);
  g_assert_cmpuint (p->unique, ==, 3);
  g_assert_cmpuint (p->counts[RV_VERDICT_VALID], ==, 2);
  g_assert_cmpuint (p->counts[RV_VERDICT_INVALID], ==, 1);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, 0);
  g_assert_cmpuint (p->to_look_up, ==, 1);
  g_assert_cmpuint (p->requests, ==, 1);
  assert_consistent (batch);

  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* The only row of a value moves: its entry counts nowhere any more, before a run and
 * after it, exactly as if the batch had been built with the new values.
 */
static void
test_set_row_value_only_row (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(FakeProvider) fake_fresh = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_autoptr(RvBatch) fresh = new_batch (NULL, fake_fresh);
  g_auto(GStrv) rucs = make_rucs (3, 7700);
  g_autoptr(GError) error = NULL;
  const char *values[] = { "20131312956", rucs[0], rucs[1], "abc", rucs[1], NULL };
  const char *changed[] = { "20131312955", rucs[0], rucs[1], rucs[2], rucs[1], NULL };
  guint n_entries;
  int gone;

  add_values (batch, values);
  add_values (fresh, changed);
  n_entries = rv_batch_get_n_entries (batch);

  /* Before any run: the wrong check digit and the text become RUCs to look up. */
  gone = rv_batch_get_row_entry (batch, 0);
  set_row_value (batch, 0, "20131312955");
  set_row_value (batch, 3, rucs[2]);
  g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, n_entries + 2);
  assert_same_progress (batch, fresh, TRUE);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_INVALID], ==, 0);

  /* The entry left behind keeps its number and its result, with no row. */
  {
    guint n_rows = 1;

    rv_batch_get_entry_rows (batch, gone, &n_rows);
    g_assert_cmpuint (n_rows, ==, 0);
    g_assert_cmpint (rv_result_get_verdict (rv_batch_get_entry_result (batch, gone)), ==,
                     RV_VERDICT_INVALID);
  }

  /* A run of each: the same requests, the same counts. */
  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (run_batch (fresh, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->calls->len, ==, 4);
  assert_same_progress (batch, fresh, TRUE);
  for (guint row = 0; changed[row] != NULL; row++)
    g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, row)), ==,
                     rv_result_get_verdict (rv_batch_get_row_result (fresh, row)));

  /* After a run: the only row of a value looked up moves to a value another row has.
   * The run's own counts lose it too (it was one of the values to look up).
   */
  set_row_value (batch, 3, rucs[0]);
  {
    const char *moved[] = { "20131312955", rucs[0], rucs[1], rucs[0], rucs[1], NULL };
    g_autoptr(FakeProvider) fake_moved = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) fresh_moved = new_batch (NULL, fake_moved);

    add_values (fresh_moved, moved);
    g_assert_true (run_batch (fresh_moved, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (rv_batch_get_progress (batch)->to_look_up, ==, 3);
    g_assert_cmpuint (rv_batch_get_progress (batch)->unique, ==, 3);
    assert_same_progress (batch, fresh_moved, FALSE);
    g_assert_cmpuint (rv_batch_get_progress (batch)->to_look_up, ==,
                      rv_batch_get_progress (fresh_moved)->to_look_up);

    /* The value comes back on its row: its entry counts again, with its answer. */
    set_row_value (batch, 3, rucs[2]);
    g_assert_cmpuint (rv_batch_get_progress (batch)->to_look_up, ==, 4);
    assert_same_progress (batch, fresh, TRUE);
    g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 3)), ==,
                     RV_VERDICT_VALID);

    g_assert_finalize_object (g_steal_pointer (&fresh_moved));
  }

  g_assert_finalize_object (g_steal_pointer (&batch));
  g_assert_finalize_object (g_steal_pointer (&fresh));
}

/* A row moved onto a value another row holds shares its entry: one lookup for both, and
 * the entry it left, with no row, is never looked up.
 */
static void
test_set_row_value_shared (Fixture       *fixture,
                           gconstpointer  data)
{
  g_auto(GStrv) rucs = make_rucs (3, 8800);
  g_autoptr(GError) error = NULL;
  const char *values[] = { rucs[0], NULL, rucs[1], rucs[0], rucs[2] };

  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) batch = new_batch (NULL, fake);
    const guint shared_rows[] = { 0, 2, 3, G_MAXUINT };
    const guint shared_rows_after[] = { 0, 3, G_MAXUINT };
    const guint left_rows[] = { 2, G_MAXUINT };
    int shared, left;
    guint n_entries;

    rv_batch_add_rows (batch, values, G_N_ELEMENTS (values));
    n_entries = rv_batch_get_n_entries (batch);
    shared = rv_batch_get_row_entry (batch, 0);
    left = rv_batch_get_row_entry (batch, 2);

    /* In the middle of the rows already there: the entry's rows stay in order. */
    set_row_value (batch, 2, rucs[0]);
    g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, n_entries);
    assert_entry_rows (batch, shared, shared_rows);
    g_assert_true (rv_batch_get_row_result (batch, 2) == rv_batch_get_row_result (batch, 0));
    g_assert_cmpuint (rv_batch_get_progress (batch)->unique, ==, 2);
    assert_consistent (batch);

    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (fake->calls->len, ==, 2);
    g_assert_cmpuint (rv_batch_get_progress (batch)->requests, ==, 2);
    g_assert_cmpuint (rv_batch_get_progress (batch)->to_look_up, ==, 2);
    g_assert_cmpuint (fake_calls_for (fake, rucs[0]), ==, 1);
    g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 0);
    g_assert_cmpint (rv_result_get_verdict (rv_batch_get_entry_result (batch, left)), ==,
                     RV_VERDICT_PENDING);
    for (guint row = 0; row < 4; row++)
      if (row != 1)
        g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, row)), ==,
                         RV_VERDICT_VALID);
    assert_consistent (batch);

    /* Away from a shared entry, back to the one it left: the answer is still there, and
     * the shared entry, down to two rows and then one, keeps them in order.
     */
    set_row_value (batch, 2, rucs[1]);
    assert_entry_rows (batch, shared, shared_rows_after);
    assert_entry_rows (batch, left, left_rows);
    g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 2)), ==,
                     RV_VERDICT_PENDING);
    set_row_value (batch, 3, rucs[2]);
    {
      const guint one[] = { 0, G_MAXUINT };

      assert_entry_rows (batch, shared, one);
    }
    assert_consistent (batch);

    g_assert_true (run_batch (batch, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (fake->calls->len, ==, 3);
    g_assert_cmpuint (fake_calls_for (fake, rucs[1]), ==, 1);
    g_assert_cmpuint (fake_calls_for (fake, rucs[2]), ==, 1);
    assert_consistent (batch);

    g_assert_finalize_object (g_steal_pointer (&batch));
  }

  /* The count of cached values leaves out a value no row holds any more. */
  {
    g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
    g_autoptr(RvBatch) first = new_batch (fixture->store, fake);
    g_autoptr(RvBatch) batch = new_batch (fixture->store, fake);

    rv_batch_add_rows (first, values, G_N_ELEMENTS (values));
    g_assert_true (run_batch (first, NULL, &error));
    g_assert_no_error (error);
    g_assert_finalize_object (g_steal_pointer (&first));

    rv_batch_add_rows (batch, values, G_N_ELEMENTS (values));
    g_assert_cmpuint (count_cached (batch), ==, 3);
    set_row_value (batch, 2, rucs[0]);
    g_assert_cmpuint (count_cached (batch), ==, 2);

    g_assert_finalize_object (g_steal_pointer (&batch));
  }
}

/* Not while a run is going on, paused or not. */
static void
test_set_row_value_busy (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 20, 20);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_auto(GStrv) rucs = make_rucs (3, 9100);
  g_autoptr(GError) error = NULL;
  RunResult r;
  int entry;

  add_values (batch, (const char * const *) rucs);
  entry = rv_batch_get_row_entry (batch, 1);
  start_run (batch, NULL, &r);

  g_assert_false (rv_batch_set_row_value (batch, 1, rucs[0], &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_clear_error (&error);

  rv_batch_pause (batch);
  g_assert_cmpint (rv_batch_get_state (batch), ==, RV_BATCH_STATE_PAUSED);
  g_assert_false (rv_batch_set_row_value (batch, 1, rucs[0], &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (rv_batch_set_row_value (batch, 1, rucs[0], NULL));

  /* Nothing moved. */
  g_assert_cmpint (rv_batch_get_row_entry (batch, 1), ==, entry);
  g_assert_cmpuint (rv_batch_get_progress (batch)->unique, ==, 3);

  rv_batch_resume (batch);
  spin_until (&r.done, "the run");
  g_assert_true (r.ok);

  /* Once it is over, it may. */
  set_row_value (batch, 1, rucs[0]);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 1), ==, rv_batch_get_row_entry (batch, 0));

  /* A row that does not exist is a programming error. */
  g_test_expect_message ("rv-batch", G_LOG_LEVEL_CRITICAL, "*row < *");
  g_assert_false (rv_batch_set_row_value (batch, 3, rucs[0], NULL));
  g_test_assert_expected_messages ();

  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* "entry-changed" for the moved row's entry (what RvRowList updates rows from), then for
 * the one it left if rows are left there, and one "progress", there and then.
 */
static void
test_set_row_value_signals (void)
{
  g_autoptr(RvBatch) batch = rv_batch_new (NULL);
  g_auto(GStrv) rucs = make_rucs (2, 9300);
  const char *values[] = { rucs[0], rucs[0], "20131312956", NULL };
  g_autofree char *quoted = g_strdup_printf ("'%s", rucs[0]);
  Emissions emissions;
  int first, bad, entry;

  add_values (batch, values);
  first = rv_batch_get_row_entry (batch, 0);
  bad = rv_batch_get_row_entry (batch, 2);
  emissions_watch (&emissions, batch);

  /* From a shared entry to a new one: both are told. */
  set_row_value (batch, 1, rucs[1]);
  entry = rv_batch_get_row_entry (batch, 1);
  g_assert_cmpuint (emissions.changed->len, ==, 2);
  g_assert_cmpuint (g_array_index (emissions.changed, guint, 0), ==, entry);
  g_assert_cmpuint (g_array_index (emissions.changed, guint, 1), ==, first);
  g_assert_cmpuint (emissions.progress, ==, 1);
  {
    const guint moved[] = { 1, G_MAXUINT };

    assert_entry_rows (batch, entry, moved);
  }

  /* The only row of its entry, onto a shared one: that one only. */
  emissions_reset (&emissions);
  set_row_value (batch, 2, rucs[0]);
  g_assert_cmpuint (emissions.changed->len, ==, 1);
  g_assert_cmpuint (g_array_index (emissions.changed, guint, 0), ==, first);
  g_assert_cmpuint (emissions.progress, ==, 1);
  {
    guint n_rows;

    rv_batch_get_entry_rows (batch, bad, &n_rows);
    g_assert_cmpuint (n_rows, ==, 0);
  }

  /* The same normalised value: nothing changes, nothing is said. */
  emissions_reset (&emissions);
  set_row_value (batch, 2, quoted);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 2), ==, first);
  g_assert_cmpuint (emissions.changed->len, ==, 0);
  g_assert_cmpuint (emissions.progress, ==, 0);
  assert_consistent (batch);

  /* No later "progress" from a timer either. */
  spin_for (100);
  g_assert_cmpuint (emissions.progress, ==, 0);

  emissions_clear (&emissions, batch);
  g_assert_finalize_object (g_steal_pointer (&batch));
}

/* A row added without a value (a blank or title row) may be given one. */
static void
test_set_row_value_no_value (void)
{
  g_autoptr(FakeProvider) fake = fake_new ("fake", 1, 3);
  g_autoptr(RvBatch) batch = new_batch (NULL, fake);
  g_autoptr(RvBatch) fresh = rv_batch_new (NULL);
  g_auto(GStrv) rucs = make_rucs (2, 9500);
  g_autoptr(GError) error = NULL;
  const char *values[] = { NULL, rucs[0], NULL, NULL };
  const char *changed[] = { rucs[1], rucs[0], rucs[0], "", NULL };
  const guint shared_rows[] = { 1, 2, G_MAXUINT };
  Emissions emissions;

  g_assert_cmpuint (rv_batch_add_rows (batch, values, G_N_ELEMENTS (values)), ==, 4);
  add_values (fresh, changed);
  emissions_watch (&emissions, batch);

  set_row_value (batch, 0, rucs[1]);
  g_assert_cmpint (rv_batch_get_row_entry (batch, 0), >=, 0);
  g_assert_cmpuint (emissions.changed->len, ==, 1);
  g_assert_cmpuint (g_array_index (emissions.changed, guint, 0), ==,
                    rv_batch_get_row_entry (batch, 0));
  g_assert_cmpuint (emissions.progress, ==, 1);
  set_row_value (batch, 2, rucs[0]);
  assert_entry_rows (batch, rv_batch_get_row_entry (batch, 1), shared_rows);
  set_row_value (batch, 3, "");
  g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 3)), ==,
                   RV_VERDICT_INVALID);

  /* Rows are rows whether they have a value or not: their number does not change. */
  assert_same_progress (batch, fresh, TRUE);
  g_assert_cmpuint (rv_batch_get_progress (batch)->rows, ==, 4);
  g_assert_cmpuint (rv_batch_get_progress (batch)->unique, ==, 2);

  g_assert_true (run_batch (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fake->calls->len, ==, 2);
  g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 0)), ==,
                   RV_VERDICT_VALID);
  g_assert_cmpint (rv_result_get_verdict (rv_batch_get_row_result (batch, 2)), ==,
                   RV_VERDICT_VALID);
  assert_consistent (batch);

  emissions_clear (&emissions, batch);
  g_assert_finalize_object (g_steal_pointer (&batch));
  g_assert_finalize_object (g_steal_pointer (&fresh));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/batch/rows", test_rows);
  g_test_add_func ("/batch/rows-many", test_rows_many);
  g_test_add ("/batch/dedup", Fixture, NULL, fixture_setup, test_dedup, fixture_teardown);
  g_test_add ("/batch/cache", Fixture, NULL, fixture_setup, test_cache, fixture_teardown);
  g_test_add ("/batch/max-age", Fixture, NULL, fixture_setup, test_max_age, fixture_teardown);
  g_test_add ("/batch/count-cached", Fixture, NULL, fixture_setup, test_count_cached,
              fixture_teardown);
  g_test_add_func ("/batch/window", test_window);
  g_test_add_func ("/batch/rate", test_rate);
  g_test_add_func ("/batch/rate-fast", test_rate_fast);
  g_test_add_func ("/batch/rate-recovery", test_rate_recovery);
  g_test_add_func ("/batch/default-rate", test_default_rate);
  g_test_add ("/batch/transient", Fixture, NULL, fixture_setup, test_transient,
              fixture_teardown);
  g_test_add_func ("/batch/backoff", test_backoff);
  g_test_add_func ("/batch/max-attempts", test_max_attempts);
  g_test_add_func ("/batch/rate-limited", test_rate_limited);
  g_test_add_func ("/batch/bad-format", test_bad_format);
  g_test_add ("/batch/auth", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
  g_test_add_func ("/batch/fill-run", test_fill_run);
  g_test_add_func ("/batch/breaker-few-bad", test_breaker_few_bad);
  g_test_add_func ("/batch/breaker", test_breaker);
  g_test_add ("/batch/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add_func ("/batch/cancel-waiting", test_cancel_waiting);
  g_test_add_func ("/batch/pause", test_pause);
  g_test_add ("/batch/store-before-report", Fixture, NULL, fixture_setup,
              test_store_before_report, fixture_teardown);
  g_test_add ("/batch/store-error", Fixture, NULL, fixture_setup, test_store_error,
              fixture_teardown);
  g_test_add ("/batch/progress", Fixture, NULL, fixture_setup, test_progress, fixture_teardown);
  g_test_add ("/batch/retry-pending", Fixture, NULL, fixture_setup, test_retry_pending,
              fixture_teardown);
  g_test_add ("/batch/offline", Fixture, NULL, fixture_setup, test_offline, fixture_teardown);
  g_test_add ("/batch/many", Fixture, NULL, fixture_setup, test_many, fixture_teardown);
  g_test_add ("/batch/not-found", Fixture, NULL, fixture_setup, test_not_found,
              fixture_teardown);
  g_test_add ("/batch/stress", Fixture, NULL, fixture_setup, test_stress, fixture_teardown);
  g_test_add_func ("/batch/main-loop", test_main_loop);
  g_test_add_func ("/batch/run-twice", test_run_twice);
  g_test_add ("/batch/set-row-value/suggestion", Fixture, NULL, fixture_setup,
              test_set_row_value_suggestion, fixture_teardown);
  g_test_add_func ("/batch/set-row-value/only-row", test_set_row_value_only_row);
  g_test_add ("/batch/set-row-value/shared", Fixture, NULL, fixture_setup,
              test_set_row_value_shared, fixture_teardown);
  g_test_add_func ("/batch/set-row-value/busy", test_set_row_value_busy);
  g_test_add_func ("/batch/set-row-value/signals", test_set_row_value_signals);
  g_test_add_func ("/batch/set-row-value/no-value", test_set_row_value_no_value);

  return g_test_run ();
}
