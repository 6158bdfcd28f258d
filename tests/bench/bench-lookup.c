/* bench-lookup.c
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

/* Our engine against the batch strategy of the Python service it replaces, on the same
 * mock server, the same provider code and the same 1,000 RUCs:
 *
 *   - the sliding window (RvBatch): up to N requests in flight at all times;
 *   - fixed batches of N: send N, wait for the slowest, send the next N (implemented
 *     here only, to measure it).
 *
 * The mock answers after a lognormal delay (mean 100 ms, sigma 0.5) from its own thread
 * and main context, so that the client's CPU time can be told apart from the server's.
 * Then a rate-limited run: the mock allows 600 requests a minute and the engine is set to
 * 600 a minute; it must reach at least 97% of that with no request refused.
 *
 * Goals (issue "Lookups"): window ≥ 95% of concurrency ÷ mean latency; ≥ 1.5 × the batch
 * strategy; rate ≥ 97% of the limit, no 429.
 */

#define G_LOG_DOMAIN "bench-lookup"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "rv-batch.h"
#include "rv-migo-provider.h"
#include "rv-mock-api.h"
#include "rv-ruc.h"
#include "rv-store.h"
#include "rv-test-sheet.h"

#define CONCURRENCY 10
#define LATENCY_MS 100
#define SIGMA 0.5

typedef struct
{
  GMutex     lock;
  GCond      cond;
  RvMockApi *mock;
  GMainLoop *loop;
  char      *url;
  guint      per_minute;
  gint64     cpu_ns;
} Server;

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gint64
process_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  gint64 cpu_start;

  g_main_context_push_thread_default (context);
  cpu_start = thread_cpu_ns ();

  server->mock = rv_mock_api_new ();
  rv_mock_api_set_latency (server->mock, LATENCY_MS, SIGMA);
  if (server->per_minute > 0)
    rv_mock_api_set_rate_limit (server->mock, server->per_minute, -1);
  if (!rv_mock_api_listen (server->mock, 0, &error))
    g_error ("mock: %s", error->message);
  server->loop = g_main_loop_new (context, FALSE);

  g_mutex_lock (&server->lock);
  server->url = rv_mock_api_dup_base_url (server->mock);
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);

  g_clear_object (&server->mock);
  server->cpu_ns = thread_cpu_ns () - cpu_start;
  g_main_context_pop_thread_default (context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static GThread *
server_start (Server *server,
              guint   per_minute)
{
  GThread *thread;

  memset (server, 0, sizeof *server);
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->per_minute = per_minute;
  thread = g_thread_new ("mock", server_thread, server);
  g_mutex_lock (&server->lock);
  while (server->url == NULL)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
  return thread;
}

static void
server_stop (Server  *server,
             GThread *thread)
{
  g_main_context_invoke (g_main_loop_get_context (server->loop), quit_loop, server->loop);
  g_thread_join (thread);
  g_main_loop_unref (server->loop);
  g_free (server->url);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
}

static GPtrArray *
make_rucs (guint n,
           guint seed)
{
  GPtrArray *rucs = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rucs, rv_test_make_ruc ("20", seed * 1000003u + i * 7919u));
  return rucs;
}

typedef struct
{
  double   seconds;
  double   client_cpu_ms;
  guint    answers;
  guint    requests;
  guint    rate_limited;
  guint    max_per_window;
  guint    max_in_flight;
} Figures;

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!rv_batch_run_finish (RV_BATCH (object), result, &error))
    g_error ("run: %s", error->message);
  g_main_loop_quit (user_data);
}

static Figures
run_engine (guint n,
            guint seed,
            guint per_minute_limit)
{
  Server server;
  GThread *thread = server_start (&server, per_minute_limit);
  g_autoptr(RvMigoProvider) provider = rv_migo_provider_new (server.url, "bench", CONCURRENCY, 30);
  g_autoptr(RvBatch) batch = rv_batch_new (NULL);
  g_autoptr(GPtrArray) rucs = make_rucs (n, seed);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const RvBatchProgress *progress;
  RvMockStats stats;
  Figures figures = { 0 };
  gint64 start, cpu_start;

  rv_batch_add_provider (batch, RV_PROVIDER (provider));
  rv_batch_set_concurrency (batch, CONCURRENCY);
  /* Without a limit of its own, the engine is held only by the window. */
  rv_batch_set_rate (batch, per_minute_limit > 0 ? per_minute_limit : 1000000);
  rv_batch_add_rows (batch, (const char * const *) rucs->pdata, rucs->len);

  cpu_start = process_cpu_ns ();
  start = g_get_monotonic_time ();
  rv_batch_run_async (batch, NULL, on_run_done, loop);
  g_main_loop_run (loop);
  figures.seconds = (g_get_monotonic_time () - start) / 1e6;

  progress = rv_batch_get_progress (batch);
  figures.answers = progress->done;
  rv_mock_api_get_stats (server.mock, &stats);
  figures.requests = stats.requests;
  figures.rate_limited = stats.rate_limited;
  figures.max_per_window = stats.max_per_window;
  figures.max_in_flight = stats.max_in_flight;

  server_stop (&server, thread);
  figures.client_cpu_ms = (process_cpu_ns () - cpu_start - server.cpu_ns) / 1e6;
  return figures;
}

typedef struct
{
  GMainLoop *loop;
  guint      waiting;
  guint      answers;
} Batch10;

static void
on_batch_answer (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Batch10 *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RvRecord) record = rv_provider_lookup_finish (RV_PROVIDER (object), result, &error);

  if (record != NULL || g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_NOT_FOUND))
    state->answers++;
  if (--state->waiting == 0)
    g_main_loop_quit (state->loop);
}

/* The Python service's strategy: asyncio.gather over a batch of 10, then the next. */
static Figures
run_batches (guint n,
             guint seed)
{
  Server server;
  GThread *thread = server_start (&server, 0);
  g_autoptr(RvMigoProvider) provider = rv_migo_provider_new (server.url, "bench", CONCURRENCY, 30);
  g_autoptr(GPtrArray) rucs = make_rucs (n, seed);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Batch10 state = { loop, 0, 0 };
  RvMockStats stats;
  Figures figures = { 0 };
  gint64 start, cpu_start;

  cpu_start = process_cpu_ns ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < rucs->len; i += CONCURRENCY)
    {
      for (guint k = i; k < MIN (i + CONCURRENCY, rucs->len); k++)
        {
          state.waiting++;
          rv_provider_lookup_async (RV_PROVIDER (provider), g_ptr_array_index (rucs, k), NULL,
                                    on_batch_answer, &state);
        }
      g_main_loop_run (loop);
    }
  figures.seconds = (g_get_monotonic_time () - start) / 1e6;
  figures.answers = state.answers;
  rv_mock_api_get_stats (server.mock, &stats);
  figures.requests = stats.requests;
  figures.max_in_flight = stats.max_in_flight;

  server_stop (&server, thread);
  figures.client_cpu_ms = (process_cpu_ns () - cpu_start - server.cpu_ns) / 1e6;
  return figures;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int
main (int   argc,
      char *argv[])
{
  guint n = 1000;
  guint n_rate = 1000;
  Figures engine, batches, rated;
  double limit = CONCURRENCY / (LATENCY_MS / 1000.0);
  double engine_rate, batch_rate, rated_rate;

  setlocale (LC_ALL, "");
  if (argc > 1)
    n = (guint) g_ascii_strtoull (argv[1], NULL, 10);
  if (argc > 2)
    n_rate = (guint) g_ascii_strtoull (argv[2], NULL, 10);

  g_print ("# %u unique RUCs, concurrency %u, mock latency lognormal mean %u ms sigma %.1f\n",
           n, CONCURRENCY, LATENCY_MS, SIGMA);
  g_print ("# the window's limit: %u ÷ %.3f s = %.1f lookups/s\n", CONCURRENCY, LATENCY_MS / 1000.0, limit);

  engine = run_engine (n, 1, 0);
  batches = run_batches (n, 2);
  engine_rate = engine.answers / engine.seconds;
  batch_rate = batches.answers / batches.seconds;

  g_print ("\n%-28s %12s %12s\n", "", "RvBatch", "batches of 10");
  g_print ("%-28s %12u %12u\n", "answers", engine.answers, batches.answers);
  g_print ("%-28s %12u %12u\n", "requests", engine.requests, batches.requests);
  g_print ("%-28s %12u %12u\n", "most in flight (server)", engine.max_in_flight, batches.max_in_flight);
  g_print ("%-28s %12.2f %12.2f\n", "wall time (s)", engine.seconds, batches.seconds);
  g_print ("%-28s %12.1f %12.1f\n", "lookups/s", engine_rate, batch_rate);
  g_print ("%-28s %11.1f%% %11.1f%%\n", "of the window's limit", 100 * engine_rate / limit,
           100 * batch_rate / limit);
  g_print ("%-28s %12.1f %12.1f\n", "client CPU ms / 1,000", engine.client_cpu_ms * 1000 / n,
           batches.client_cpu_ms * 1000 / n);
  g_print ("\nRvBatch ÷ batches of 10: %.2f× (goal ≥ 1.5×); window: %.1f%% of the limit (goal ≥ 95%%)\n",
           engine_rate / batch_rate, 100 * engine_rate / limit);

  g_print ("\n# rate limit: the mock allows 600/min (sliding 60 s), the engine is set to 600/min, %u RUCs\n",
           n_rate);
  rated = run_engine (n_rate, 3, 600);
  rated_rate = rated.answers / rated.seconds * 60;
  g_print ("achieved: %.1f/min = %.1f%% of the limit (goal ≥ 97%%); 429 answers: %u; most in any 60 s: %u\n",
           rated_rate, 100 * rated_rate / 600, rated.rate_limited, rated.max_per_window);
  g_print ("peak RSS: %ld MiB\n", peak_rss_kib () / 1024);

  return 0;
}
