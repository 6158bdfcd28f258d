/* test-lookup-mock.c
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

#define G_LOG_DOMAIN "test-lookup-mock"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "rv-batch.h"
#include "rv-migo-provider.h"
#include "rv-mock-api.h"
#include "rv-provider.h"
#include "rv-record.h"
#include "rv-result.h"
#include "rv-ruc.h"
#include "rv-store.h"
#include "rv-test-sheet.h"

/* The lookup engine (RvBatch) with the real APIMIGO provider against the mock APIMIGO
 * server, in this process: the mock runs on its own thread and main context, so that
 * its timing does not depend on what the engine does on the main thread, and the engine
 * runs on the default main context as the application runs it.
 */

#define RUN_WATCHDOG_S 60

/* Mock server on its own thread */

typedef struct
{
  GMutex        lock;
  GCond         cond;
  GThread      *thread;
  RvMockApi    *mock;
  GMainContext *context;
  GMainLoop    *loop;
  char         *url;
} Server;

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RvMockApi) mock = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_main_context_push_thread_default (context);

  mock = rv_mock_api_new ();
  rv_mock_api_set_seed (mock, 20260101);
  rv_mock_api_listen (mock, 0, &error);
  g_assert_no_error (error);
  loop = g_main_loop_new (context, FALSE);

  g_mutex_lock (&server->lock);
  server->mock = mock;
  server->loop = loop;
  server->context = context;
  server->url = rv_mock_api_dup_base_url (mock);
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (loop);

  /* Disposed on its own thread, hung requests and all. */
  g_assert_finalize_object (g_steal_pointer (&mock));
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
server_start (Server *server)
{
  memset (server, 0, sizeof *server);
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->thread = g_thread_new ("mock", server_thread, server);
  g_mutex_lock (&server->lock);
  while (server->url == NULL)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
}

static gboolean
quit_loop_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (Server *server)
{
  g_main_context_invoke (server->context, quit_loop_cb, server->loop);
  g_thread_join (server->thread);
  g_clear_pointer (&server->url, g_free);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
}

static RvMockStats
server_stats (Server *server)
{
  RvMockStats stats;

  rv_mock_api_get_stats (server->mock, &stats);
  return stats;
}

static void spin_for (guint ms);

/* Waits up to @timeout_ms for the server to have no request in flight. */
static void
server_wait_idle (Server *server,
                  guint   timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (server_stats (server).in_flight > 0 && g_get_monotonic_time () < deadline)
    spin_for (5);
}

/* A real store in a temporary folder */

typedef struct
{
  char    *dir;
  char    *path;
  RvStore *store;
} TempStore;

static void
temp_store_open (TempStore *temp)
{
  g_autoptr(GError) error = NULL;

  temp->dir = g_dir_make_tmp ("test-lookup-mock-XXXXXX", &error);
  g_assert_no_error (error);
  temp->path = g_build_filename (temp->dir, "test.sqlite3", NULL);
  temp->store = rv_store_new (temp->path, &error);
  g_assert_no_error (error);
}

static void
temp_store_close (TempStore *temp)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* The store's worker drops its reference on a job just after the job's callback
   * has been scheduled.
   */
  while (G_OBJECT (temp->store)->ref_count > 1)
    g_usleep (1000);
  g_assert_finalize_object (g_steal_pointer (&temp->store));

  dir = g_dir_open (temp->dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (temp->dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (temp->dir), ==, 0);
  g_clear_pointer (&temp->path, g_free);
  g_clear_pointer (&temp->dir, g_free);
}

static gint64
temp_store_count (TempStore *temp)
{
  g_autoptr(GError) error = NULL;
  gint64 count = rv_store_count_records (temp->store, &error);

  g_assert_no_error (error);
  return count;
}

/* Values */

/* @n distinct company RUCs, as a NULL-terminated array. */
static GStrv
make_rucs (guint n,
           guint first)
{
  GStrv rucs = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    rucs[i] = rv_test_make_ruc ("20", first + i * 7919);
  return rucs;
}

static RvVerdict
verdict_of_answer (RvMockAnswer answer)
{
  switch (answer)
    {
    case RV_MOCK_ANSWER_VALID:
      return RV_VERDICT_VALID;
    case RV_MOCK_ANSWER_OBSERVED:
      return RV_VERDICT_OBSERVED;
    case RV_MOCK_ANSWER_NOT_FOUND:
      return RV_VERDICT_NOT_FOUND;
    case RV_MOCK_ANSWER_BAD_FORMAT:
    default:
      g_assert_not_reached ();
    }
}

/* Running */

static gboolean
watchdog_cb (gpointer user_data)
{
  g_error ("%s took too long", (const char *) user_data);
  return G_SOURCE_REMOVE;
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
  g_assert_cmpint (rv_batch_get_state (RV_BATCH (object)), ==, RV_BATCH_STATE_READY);
}

static void
spin_until_done (RunResult *r)
{
  guint watchdog = g_timeout_add_seconds (RUN_WATCHDOG_S, watchdog_cb, (gpointer) "the run");

  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (watchdog);
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

/* Runs @batch to its end and returns how long it took, in microseconds. */
static gint64
run_batch (RvBatch  *batch,
           GError  **error)
{
  RunResult r;
  gint64 start = g_get_monotonic_time ();

  start_run (batch, NULL, &r);
  spin_until_done (&r);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.done_us - start;
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

static RvMigoProvider *
new_provider (Server     *server,
              const char *token,
              guint       max_connections,
              guint       timeout_seconds)
{
  return rv_migo_provider_new (server->url, token, max_connections, timeout_seconds);
}

static RvBatch *
new_batch (RvStore        *store,
           RvMigoProvider *provider,
           guint           concurrency,
           guint           per_minute)
{
  RvBatch *batch = rv_batch_new (store);

  rv_batch_add_provider (batch, RV_PROVIDER (provider));
  rv_batch_set_concurrency (batch, concurrency);
  rv_batch_set_rate (batch, per_minute);
  return batch;
}

static void
add_values (RvBatch           *batch,
            const char *const *values)
{
  guint n = g_strv_length ((GStrv) values);

  g_assert_cmpuint (rv_batch_add_rows (batch, values, n), ==, n);
}

/* The progress agrees with the entries: every distinct value counted once, under its
 * verdict, and the counts sum to the distinct values.
 */
static void
assert_consistent (RvBatch *batch)
{
  const RvBatchProgress *p = rv_batch_get_progress (batch);
  guint counts[RV_N_VERDICTS] = { 0, };
  guint sum = 0;

  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    counts[rv_result_get_verdict (rv_batch_get_entry_result (batch, e))]++;

  for (guint v = 0; v < RV_N_VERDICTS; v++)
    {
      g_assert_cmpuint (p->counts[v], ==, counts[v]);
      sum += p->counts[v];
    }
  g_assert_cmpuint (p->unique, ==, rv_batch_get_n_entries (batch));
  g_assert_cmpuint (sum, ==, p->unique);
  g_assert_cmpuint (p->done, ==, p->unique - p->counts[RV_VERDICT_PENDING]);
  g_assert_cmpuint (p->rows, ==, rv_batch_get_n_rows (batch));
}

/* Every entry that is not PENDING has the verdict the mock's rules give its RUC; returns
 * the number of PENDING entries.
 */
static guint
assert_expected_verdicts (RvBatch *batch)
{
  guint pending = 0;

  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    {
      RvResult *result = rv_batch_get_entry_result (batch, e);
      RvVerdict verdict = rv_result_get_verdict (result);
      const char *ruc = rv_result_get_ruc (result);

      if (verdict == RV_VERDICT_PENDING)
        {
          pending++;
          continue;
        }
      g_assert_nonnull (ruc);
      if (verdict != verdict_of_answer (rv_mock_api_expected_answer (ruc)))
        g_error ("%s: verdict %d, expected %d", ruc, verdict,
                 verdict_of_answer (rv_mock_api_expected_answer (ruc)));
    }
  return pending;
}

/* The most of @times (sorted) that fall in any window of @window_us. */
static guint
max_in_window (GArray *times,
               gint64  window_us)
{
  guint most = 0;
  guint first = 0;

  for (guint i = 0; i < times->len; i++)
    {
      gint64 t = g_array_index (times, gint64, i);

      while (g_array_index (times, gint64, first) <= t - window_us)
        first++;
      most = MAX (most, i - first + 1);
    }
  return most;
}

/* Tests */

/* A sliding window of 8: exactly 8 in flight at the server, never more, every answer
 * right, every RUC asked once, and about as fast as the window allows.
 */
static void
test_window (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (300, 10000019);
  g_autoptr(GError) error = NULL;
  RvMockStats stats;
  gint64 elapsed;
  double bound_us = 300.0 / 8 * 40000 * 1.6;

  server_start (&server);
  rv_mock_api_set_latency (server.mock, 40, 0.5);
  provider = new_provider (&server, "tok", 8, 30);
  batch = new_batch (NULL, provider, 8, 1000000);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);
  g_test_message ("300 RUCs, window of 8, 40 ms: %.2f s (bound %.2f s)",
                  elapsed / 1e6, bound_us / 1e6);

  stats = server_stats (&server);
  g_assert_cmpuint (stats.max_in_flight, ==, 8);
  g_assert_cmpuint (stats.requests, ==, 300);
  g_assert_cmpuint (stats.answered, ==, 300);
  g_assert_cmpuint (stats.unique_rucs, ==, 300);
  g_assert_cmpuint (stats.repeated_rucs, ==, 0);
  g_assert_cmpuint (rv_batch_get_n_entries (batch), ==, 300);
  assert_consistent (batch);
  g_assert_cmpuint (assert_expected_verdicts (batch), ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->done, ==, 300);
  g_assert_cmpfloat (elapsed, <, bound_us);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* 500 rows, 120 distinct RUCs, in several spellings, with DNIs whose RUC 10 is there
 * too: the server hears of each RUC once.
 */
static void
test_dedup (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_autoptr(GPtrArray) distinct = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) dnis = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  RvMockStats stats;

  /* 100 companies and 20 people with a RUC 10. */
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (distinct, rv_test_make_ruc ("20", 30000001 + i * 104729));
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *dni = g_strdup_printf ("%08u", 41000000 + i * 3571);
      char ruc[12];

      g_assert_true (rv_ruc_from_dni (dni, ruc));
      g_ptr_array_add (distinct, g_strdup (ruc));
      g_ptr_array_add (dnis, g_steal_pointer (&dni));
    }

  for (guint i = 0; i < 500; i++)
    {
      const char *ruc = g_ptr_array_index (distinct, i % distinct->len);

      if (i % 25 == 7)
        g_ptr_array_add (rows, g_strdup (g_ptr_array_index (dnis, (i / 25) % dnis->len)));
      else if (i % 10 == 1)
        g_ptr_array_add (rows, g_strdup_printf ("%s.0", ruc));
      else if (i % 10 == 2)
        g_ptr_array_add (rows, g_strdup_printf (" %s ", ruc));
      else
        g_ptr_array_add (rows, g_strdup (ruc));
    }

  server_start (&server);
  provider = new_provider (&server, "tok", 8, 30);
  batch = new_batch (NULL, provider, 8, 1000000);
  g_assert_cmpuint (rv_batch_add_rows (batch, (const char * const *) rows->pdata, rows->len),
                    ==, 500);

  run_batch (batch, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  g_test_message ("500 rows, %u entries: %u requests, %u RUCs",
                  rv_batch_get_n_entries (batch), stats.requests, stats.unique_rucs);
  for (guint i = 0; i < distinct->len; i++)
    {
      const char *ruc = g_ptr_array_index (distinct, i);

      if (rv_mock_api_count_ruc (server.mock, ruc) != 1)
        g_error ("%s asked %u times", ruc, rv_mock_api_count_ruc (server.mock, ruc));
    }
  g_assert_cmpuint (stats.unique_rucs, ==, distinct->len);
  g_assert_cmpuint (stats.requests, ==, distinct->len);
  g_assert_cmpuint (stats.repeated_rucs, ==, 0);
  assert_consistent (batch);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 0);

  /* Every row has the verdict its RUC has at the mock. */
  for (guint row = 0; row < rv_batch_get_n_rows (batch); row++)
    {
      RvResult *result = rv_batch_get_row_result (batch, row);
      const char *ruc = rv_result_get_ruc (result);

      g_assert_nonnull (ruc);
      g_assert_cmpint (rv_result_get_verdict (result), ==,
                       verdict_of_answer (rv_mock_api_expected_answer (ruc)));
    }

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* The batch's rate is the server's limit: no 429, the server's own window never full. */
static void
test_rate (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (150, 10000079);
  g_autoptr(GArray) times = NULL;
  g_autoptr(GError) error = NULL;
  RvMockStats stats;
  gint64 elapsed;
  double mean_gap_ms;
  guint most;

  server_start (&server);
  rv_mock_api_set_rate_limit (server.mock, 1200, -1);
  rv_mock_api_set_rate_window (server.mock, 2000);
  provider = new_provider (&server, "tok", 10, 30);
  batch = new_batch (NULL, provider, 10, 1200);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  times = rv_mock_api_get_request_times (server.mock);
  most = max_in_window (times, 2 * G_USEC_PER_SEC);
  mean_gap_ms = (g_array_index (times, gint64, times->len - 1) - g_array_index (times, gint64, 0))
                / 1000.0 / (times->len - 1);
  g_test_message ("150 RUCs at 1200/min: %.2f s, %u 429s, max per window %u (own count %u), "
                  "mean gap %.1f ms", elapsed / 1e6, stats.rate_limited, stats.max_per_window,
                  most, mean_gap_ms);

  g_assert_cmpuint (stats.rate_limited, ==, 0);
  g_assert_cmpuint (stats.requests, ==, 150);
  g_assert_cmpuint (stats.max_per_window, <=, 40);
  g_assert_cmpuint (times->len, ==, 150);
  g_assert_cmpuint (most, <=, 40);
  g_assert_cmpfloat (mean_gap_ms, >=, 48);
  g_assert_cmpfloat (elapsed, >=, 150 * 50000 * 0.9);
  assert_consistent (batch);
  g_assert_cmpuint (assert_expected_verdicts (batch), ==, 0);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* The batch unlimited against the same limit: the 429s and their Retry-After are
 * honoured, and the run still ends with every entry answered.
 */
static void
test_rate_unlimited (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (100, 10000103);
  g_autoptr(GError) error = NULL;
  RvMockStats stats;
  gint64 elapsed;

  server_start (&server);
  rv_mock_api_set_rate_limit (server.mock, 1200, -1);
  rv_mock_api_set_rate_window (server.mock, 2000);
  provider = new_provider (&server, "tok", 10, 30);
  batch = new_batch (NULL, provider, 10, 1000000);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  g_test_message ("100 RUCs unlimited against 1200/min: %.2f s, %u requests, %u 429s, "
                  "max per window %u", elapsed / 1e6, stats.requests, stats.rate_limited,
                  stats.max_per_window);

  g_assert_cmpuint (stats.rate_limited, >, 0);
  g_assert_cmpuint (stats.max_per_window, <=, 40);
  g_assert_cmpuint (stats.answered, ==, 100);
  g_assert_cmpuint (stats.repeated_answered, ==, 0);
  assert_consistent (batch);
  g_assert_cmpuint (assert_expected_verdicts (batch), ==, 0);
  g_assert_cmpuint (rv_batch_get_progress (batch)->done, ==, 100);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* One request a second, and a Retry-After of 2 s: the engine waits, it does not hammer. */
static void
test_retry_after (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (5, 10000141);
  g_autoptr(GArray) times = NULL;
  g_autoptr(GError) error = NULL;
  RvMockStats stats;
  gint64 elapsed;

  server_start (&server);
  rv_mock_api_set_rate_limit (server.mock, 60, 2);
  rv_mock_api_set_rate_window (server.mock, 1000);
  provider = new_provider (&server, "tok", 10, 30);
  batch = new_batch (NULL, provider, 10, 1000000);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  g_test_message ("5 RUCs at 1/s, Retry-After 2 s: %.2f s, %u requests, %u 429s",
                  elapsed / 1e6, stats.requests, stats.rate_limited);

  assert_consistent (batch);
  g_assert_cmpuint (assert_expected_verdicts (batch), ==, 0);
  g_assert_cmpuint (stats.answered, ==, 5);
  g_assert_cmpuint (stats.max_per_window, ==, 1);
  g_assert_cmpfloat (elapsed, >=, 1.9 * G_USEC_PER_SEC);
  g_assert_cmpfloat (elapsed, <, 30.0 * G_USEC_PER_SEC);

  /* Nothing is accepted during a hold: each accepted request after the first comes when
   * the Retry-After of the 429s before it is over.
   */
  times = rv_mock_api_get_request_times (server.mock);
  g_assert_cmpuint (times->len, ==, 5);
  for (guint i = 1; i < times->len; i++)
    g_assert_cmpint (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1),
                     >=, 1900 * 1000);

  /* Not hammered: the first wave sends all five (four 429s), and each hold's end at most
   * re-sends the ones still waiting, 4 + 3 + 2 + 1 in all; a client that ignored
   * Retry-After would be refused hundreds of times.
   */
  g_assert_cmpuint (stats.rate_limited, <=, 10);
  g_assert_cmpuint (stats.requests, ==, 5 + stats.rate_limited);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* 10,000 RUCs against a server that fails one request in ten: nothing is lost, nothing
 * answered twice, every answer stored; a second run asks the server nothing it knows.
 */
static void
test_faults (void)
{
  Server server;
  TempStore temp;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_autoptr(RvBatch) again = NULL;
  g_auto(GStrv) rucs = make_rucs (10000, 1000003);
  g_autoptr(GError) error = NULL;
  const RvBatchProgress *p;
  RvMockStats stats;
  gint64 elapsed;
  guint pending, final;

  server_start (&server);
  temp_store_open (&temp);
  rv_mock_api_set_latency (server.mock, 1, 0.5);
  rv_mock_api_set_fault (server.mock, RV_MOCK_FAULT_5XX, 0.04);
  rv_mock_api_set_fault (server.mock, RV_MOCK_FAULT_MALFORMED, 0.03);
  rv_mock_api_set_fault (server.mock, RV_MOCK_FAULT_DROP, 0.03);
  provider = new_provider (&server, "tok", 20, 30);
  batch = new_batch (temp.store, provider, 20, 1000000);
  rv_batch_set_retry_policy (batch, 4, 5, 50);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  p = rv_batch_get_progress (batch);
  pending = assert_expected_verdicts (batch);
  final = p->unique - pending;
  g_test_message ("10,000 RUCs, 10%% faults: %.2f s, %u requests (%u retries), "
                  "faults 5xx %u malformed %u drop %u, %u PENDING",
                  elapsed / 1e6, stats.requests, p->retries, stats.faults[RV_MOCK_FAULT_5XX],
                  stats.faults[RV_MOCK_FAULT_MALFORMED], stats.faults[RV_MOCK_FAULT_DROP],
                  pending);

  assert_consistent (batch);
  g_assert_cmpuint (p->unique, ==, 10000);
  g_assert_cmpuint (rv_batch_get_n_rows (batch), ==, 10000);
  g_assert_cmpuint (p->counts[RV_VERDICT_PENDING], ==, pending);
  g_assert_cmpuint (pending, <=, 10);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_5XX] + stats.faults[RV_MOCK_FAULT_MALFORMED]
                    + stats.faults[RV_MOCK_FAULT_DROP], >, 0);
  g_assert_cmpuint (stats.repeated_answered, ==, 0);
  g_assert_cmpuint (stats.answered, ==, final);
  g_assert_cmpuint (stats.unique_rucs, ==, 10000);
  g_assert_cmpuint (p->requests, ==, stats.requests);

  /* A PENDING entry is one whose four attempts all failed. */
  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    {
      RvResult *result = rv_batch_get_entry_result (batch, e);

      if (rv_result_get_verdict (result) == RV_VERDICT_PENDING)
        g_assert_cmpuint (rv_mock_api_count_ruc (server.mock, rv_result_get_ruc (result)), ==, 4);
    }

  g_assert_cmpint (temp_store_count (&temp), ==, final);

  /* The same RUCs again, on the same store. */
  rv_mock_api_reset_stats (server.mock);
  again = new_batch (temp.store, provider, 20, 1000000);
  rv_batch_set_retry_policy (again, 4, 5, 50);
  add_values (again, (const char * const *) rucs);
  elapsed = run_batch (again, &error);
  g_assert_no_error (error);

  stats = server_stats (&server);
  p = rv_batch_get_progress (again);
  g_test_message ("again: %.2f s, %u cache hits, %u requests", elapsed / 1e6, p->cache_hits,
                  stats.requests);
  assert_consistent (again);
  g_assert_cmpuint (p->cache_hits, ==, final);
  /* Only the RUCs left PENDING are asked again. */
  g_assert_cmpuint (stats.unique_rucs, ==, pending);
  if (pending == 0)
    g_assert_cmpuint (stats.requests, ==, 0);
  assert_expected_verdicts (again);

  g_clear_object (&again);
  g_clear_object (&batch);
  g_clear_object (&provider);
  temp_store_close (&temp);
  server_stop (&server);
}

/* A wrong token: the run stops at once with the error, and nothing is answered. */
static void
test_auth (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (200, 10000169);
  g_autoptr(GError) error = NULL;
  RvMockStats stats;

  server_start (&server);
  rv_mock_api_set_token (server.mock, "right");
  provider = new_provider (&server, "wrong", 8, 30);
  batch = new_batch (NULL, provider, 8, 1000000);
  add_values (batch, (const char * const *) rucs);

  run_batch (batch, &error);
  g_assert_error (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION);

  stats = server_stats (&server);
  g_test_message ("wrong token: %u requests, %u 401s", stats.requests,
                  stats.faults[RV_MOCK_FAULT_401]);
  g_assert_cmpuint (stats.requests, >, 0);
  g_assert_cmpuint (stats.requests, <=, 8);
  g_assert_cmpuint (stats.answered, ==, 0);
  assert_consistent (batch);
  g_assert_cmpuint (rv_batch_get_progress (batch)->counts[RV_VERDICT_PENDING], ==, 200);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* A server that never answers one request in five: the client's timeout ends them and
 * they are retried.
 */
static void
test_hang (void)
{
  Server server;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_auto(GStrv) rucs = make_rucs (40, 10000223);
  g_autoptr(GError) error = NULL;
  const RvBatchProgress *p;
  RvMockStats stats;
  gint64 elapsed;
  guint pending;

  server_start (&server);
  rv_mock_api_set_fault (server.mock, RV_MOCK_FAULT_HANG, 0.2);
  provider = new_provider (&server, "tok", 10, 1);
  batch = new_batch (NULL, provider, 10, 1000000);
  rv_batch_set_retry_policy (batch, 4, 5, 50);
  add_values (batch, (const char * const *) rucs);

  elapsed = run_batch (batch, &error);
  g_assert_no_error (error);

  server_wait_idle (&server, 2000);
  stats = server_stats (&server);
  p = rv_batch_get_progress (batch);
  pending = assert_expected_verdicts (batch);
  g_test_message ("40 RUCs, 20%% hang, 1 s timeout: %.2f s, %u requests, %u hung, %u PENDING",
                  elapsed / 1e6, stats.requests, stats.faults[RV_MOCK_FAULT_HANG], pending);

  assert_consistent (batch);
  g_assert_cmpuint (stats.faults[RV_MOCK_FAULT_HANG], >, 0);
  g_assert_cmpuint (pending, <=, 2);
  /* Every hung request ended, and was retried unless its RUC was given up. */
  g_assert_cmpuint (stats.in_flight, ==, 0);
  g_assert_cmpuint (p->retries + pending, >=, stats.faults[RV_MOCK_FAULT_HANG]);
  g_assert_cmpuint (stats.answered, ==, 40 - pending);
  g_assert_cmpuint (stats.repeated_answered, ==, 0);
  g_assert_cmpfloat (elapsed, <, 15.0 * G_USEC_PER_SEC);

  g_clear_object (&batch);
  g_clear_object (&provider);
  server_stop (&server);
}

/* Cancelled in the middle: the run ends at once, the requests in flight are really
 * cancelled, and what was answered is on disk.
 */
static void
test_cancel (void)
{
  Server server;
  TempStore temp;
  g_autoptr(RvMigoProvider) provider = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_auto(GStrv) rucs = make_rucs (100, 10000271);
  RunResult r;
  RvMockStats stats;
  gint64 cancel_us, drained_us;
  guint answered = 0;

  server_start (&server);
  temp_store_open (&temp);
  rv_mock_api_set_latency (server.mock, 200, 0.2);
  provider = new_provider (&server, "tok", 10, 30);
  batch = new_batch (temp.store, provider, 10, 1000000);
  add_values (batch, (const char * const *) rucs);

  start_run (batch, cancellable, &r);
  spin_for (300);
  g_assert_false (r.done);
  g_assert_cmpuint (server_stats (&server).in_flight, >, 0);
  cancel_us = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  spin_until_done (&r);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* The server sees the requests go. */
  server_wait_idle (&server, 2000);
  drained_us = g_get_monotonic_time ();

  stats = server_stats (&server);
  for (guint e = 0; e < rv_batch_get_n_entries (batch); e++)
    {
      RvResult *result = rv_batch_get_entry_result (batch, e);
      g_autoptr(RvRecord) record = NULL;
      g_autoptr(GError) error = NULL;

      if (rv_result_get_verdict (result) == RV_VERDICT_PENDING)
        continue;
      answered++;
      record = rv_store_get_record (temp.store, rv_result_get_ruc (result), -1, -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (record);
    }
  g_test_message ("cancelled at 300 ms: ended %.0f ms later, server idle %.0f ms later, "
                  "%u requests, %u answered by the server, %u entries answered",
                  (r.done_us - cancel_us) / 1e3, (drained_us - cancel_us) / 1e3,
                  stats.requests, stats.answered, answered);

  assert_consistent (batch);
  assert_expected_verdicts (batch);
  g_assert_cmpint (r.done_us - cancel_us, <, G_USEC_PER_SEC);
  g_assert_cmpuint (stats.in_flight, ==, 0);
  g_assert_cmpuint (answered, >, 0);
  g_assert_cmpuint (answered, <, 100);
  g_assert_cmpuint (stats.requests, <, 100);
  g_assert_cmpint (temp_store_count (&temp), ==, answered);

  g_clear_object (&batch);
  g_clear_object (&provider);
  temp_store_close (&temp);
  server_stop (&server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lookup-mock/window", test_window);
  g_test_add_func ("/lookup-mock/dedup", test_dedup);
  g_test_add_func ("/lookup-mock/rate", test_rate);
  g_test_add_func ("/lookup-mock/rate-unlimited", test_rate_unlimited);
  g_test_add_func ("/lookup-mock/retry-after", test_retry_after);
  g_test_add_func ("/lookup-mock/faults-10000", test_faults);
  g_test_add_func ("/lookup-mock/auth", test_auth);
  g_test_add_func ("/lookup-mock/hang", test_hang);
  g_test_add_func ("/lookup-mock/cancel", test_cancel);

  return g_test_run ();
}
