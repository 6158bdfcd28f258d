/* bench-window.c
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

/* How responsive the window stays (issue "The window", item 8): the real RvWindow,
 * driven as a user drives it, through a run of 10,000 distinct RUCs against the mock
 * APIMIGO (20 ms latency, 20 requests in flight). A meter (RvTestStallMeter) notes the
 * longest main-loop stall and the longest interval between two frames of the window.
 * Goal: no stall over 50 ms. Measured, for each file of 10,000 rows (RUC, name, amount):
 *
 *   - opening it through win.open-file until the preview, with the pre-flight count, is
 *     drawn;
 *   - the run (win.start until the window says it is done), with nobody touching the
 *     window;
 *   - the same run on other RUCs while a "user" scrolls the table a page every 100 ms
 *     and sorts it by another column every second.
 *
 * Then, in a process forked for it alone (so that the figure is its own), the window with
 * a file of 100,000 rows × 10 columns (50,000 distinct RUCs): how long it takes to open
 * (and the longest stall meanwhile), the peak RSS (VmHWM) once the preview is shown; then
 * a run of it against the mock at concurrency 50, cut short (and said so) after
 * --big-run-limit seconds.
 *
 * The mock answers from a thread and main context of its own, so that its work is not
 * counted as the window's. Every run must answer every RUC: a run that leaves one pending,
 * or a window that never gets there, is a failure (exit status 1). A missed goal is only
 * printed. The rate: the preferences allow 6,000 requests a minute at most (and 0 means
 * the provider's polite 600), so the benchmark raises the run's own limit past what
 * 20 requests in flight can reach: the concurrency and the latency set the pace.
 *
 *   bench-window [--rows=N] [--runs=N] [--concurrency=N] [--latency-ms=N] [--jitter=S]
 *                [--big-rows=N] [--big-run-limit=S] [--no-big] [--no-big-run]
 *
 * Run it under xvfb-run: it needs a display.
 */

#define G_LOG_DOMAIN "bench-window"

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bench-child.h"
#include "rv-application.h"
#include "rv-mock-api.h"
#include "rv-results-view.h"
#include "rv-test-gui.h"
#include "rv-test-sheet.h"
#include "rv-window.h"

#define GOOD_TOKEN "bench-window-token"
#define GOAL_STALL_US (50 * 1000)
#define MS(us) ((us) / 1000.0)
#define MIB(kib) ((kib) / 1024.0)

/* How long a window may take to open a file, and a run to end, before the benchmark
 * gives up on it as broken. */
#define OPEN_LIMIT_S 120
#define RUN_LIMIT_S 600

/* The user who looks at the table during a run. */
#define SCROLL_INTERVAL_MS 100
#define SORT_INTERVAL_MS 1000

static struct
{
  int      rows;
  int      runs;
  int      concurrency;
  int      latency_ms;
  double   jitter;
  int      big_rows;
  int      big_concurrency;
  int      big_run_limit_s;
  gboolean no_big;
  gboolean no_big_run;
} opt = { 10000, 1, 20, 20, 0.0, 100000, 50, 120, FALSE, FALSE };

/* The mock APIMIGO in its own thread (as bench-lookup runs it). */
typedef struct
{
  GMutex      lock;
  GCond       cond;
  GThread    *thread;
  RvMockApi  *mock;
  GMainLoop  *loop;
  char       *url;
} Server;

typedef struct
{
  RvApplication *app;
  RvWindow      *window;
  RvSession     *session;
  GSettings     *settings;
  Server         server;
  char          *dir;
} Bench;

/* What one measured stretch saw. */
typedef struct
{
  double  seconds;
  gint64  max_stall_us;
  gint64  max_frame_us;
  guint   n_frames;
  guint   stalls_over_goal;  /* stalls longer than GOAL_STALL_US */
} Stretch;

/* What the child with the big file sends back. */
typedef struct
{
  gboolean ok;
  char     message[256];
  guint    rows;
  guint    unique;
  double   open_seconds;
  gint64   open_max_stall_us;
  gint64   open_max_frame_us;
  double   baseline_kib;      /* VmHWM with the window shown, before the file */
  double   preview_kib;       /* VmHWM once the preview is shown and counted */
  double   preview_rss_kib;   /* VmRSS then */
  gboolean ran;
  gboolean run_complete;
  double   run_seconds;
  guint    run_done;
  guint    run_unique;
  gint64   run_max_stall_us;
  double   run_kib;           /* VmHWM after the run */
} Big;

/* GTK 4.8 warns "GtkColumnListView failed to scroll to given position" when the scrolled
 * position lands past what its estimate of the rows' height covers, which the user's page
 * jumps in the middle of sorts can do: counted and reported once, not printed each time.
 */
static guint n_refused_scrolls;

/* Helpers */

static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (g_strcmp0 (domain, "Gtk") == 0 && message != NULL &&
      strstr (message, "failed to scroll to given position") != NULL)
    {
      n_refused_scrolls++;
      return G_LOG_WRITER_HANDLED;
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static double
proc_status_kib (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, key);
  if (line == NULL)
    return 0;
  return g_ascii_strtod (line + strlen (key), NULL);
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main context until @cond holds or @seconds pass; evaluates to whether it
 * holds. A timer wakes the loop up so that the deadline is seen even when all is quiet.
 */
#define WAIT_UNTIL(cond, seconds) \
  ({ \
    guint wake_id_ = g_timeout_add (50, wake_cb, NULL); \
    gint64 end_ = g_get_monotonic_time () + (gint64) (seconds) * G_USEC_PER_SEC; \
    while (!(cond) && g_get_monotonic_time () < end_) \
      g_main_context_iteration (NULL, TRUE); \
    g_source_remove (wake_id_); \
    (cond); \
  })

/* A second stall recorder next to RvTestStallMeter: how many stalls passed the goal,
 * which the meter's single maximum does not tell. */
typedef struct
{
  guint  id;
  gint64 last_us;
  guint  over_goal;
} StallCounter;

static gboolean
stall_counter_cb (gpointer data)
{
  StallCounter *counter = data;
  gint64 now = g_get_monotonic_time ();

  if (counter->last_us != 0 && now - counter->last_us - 1000 > GOAL_STALL_US)
    counter->over_goal++;
  counter->last_us = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_counter_start (StallCounter *counter)
{
  memset (counter, 0, sizeof *counter);
  counter->id = g_timeout_add_full (G_PRIORITY_HIGH, 1, stall_counter_cb, counter, NULL);
}

static void
stall_counter_stop (StallCounter *counter)
{
  g_clear_handle_id (&counter->id, g_source_remove);
}

static void
stretch_end (Stretch          *stretch,
             RvTestStallMeter *meter,
             StallCounter     *counter,
             gint64            start_us)
{
  stretch->seconds = (g_get_monotonic_time () - start_us) / (double) G_USEC_PER_SEC;
  stretch->max_stall_us = rv_test_stall_meter_get_max_stall_us (meter);
  stretch->max_frame_us = rv_test_stall_meter_get_max_frame_us (meter);
  stretch->n_frames = rv_test_stall_meter_get_n_frames (meter);
  stretch->stalls_over_goal = counter->over_goal;
  stall_counter_stop (counter);
}

static void
print_stretch (const char    *label,
               const Stretch *s)
{
  g_print ("%s: %.2f s | longest main-loop stall %.1f ms (%u over 50 ms) | "
           "longest frame interval %.1f ms, %u frames (%.0f a second)\n",
           label, s->seconds, MS (s->max_stall_us), s->stalls_over_goal, MS (s->max_frame_us),
           s->n_frames, s->seconds > 0 ? s->n_frames / s->seconds : 0.0);
}

/* Files */

static const char *districts[] = { "Miraflores", "San Isidro", "Surco", "La Molina", "Lince",
                                   "Arequipa", "Trujillo", "Chiclayo", "Piura", "Cusco" };

/* @n_rows rows of distinct RUCs whose bodies start at @base: N°, RUC, a name, an amount. */
static char *
write_small_csv (const char *dir,
                 const char *name,
                 guint       n_rows,
                 guint       base)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FILE *f = fopen (path, "w");

  if (f == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  fputs ("N°,RUC,Razón social,Importe\n", f);
  for (guint r = 1; r <= n_rows; r++)
    {
      g_autofree char *ruc = rv_test_make_ruc ("20", base + r * 13);

      fprintf (f, "%u,%s,Comercial %u S.A.C.,%u.%02u\n", r, ruc, r, (r * 7919) % 100000, r % 100);
    }
  if (fclose (f) != 0)
    g_error ("%s: %s", path, g_strerror (errno));
  return g_steal_pointer (&path);
}

/* @n_rows rows × 10 columns; the RUCs repeat, 50,000 distinct ones at most. */
static char *
write_big_csv (const char *dir,
               guint       n_rows)
{
  g_autofree char *path = g_build_filename (dir, "compras-grande.csv", NULL);
  FILE *f = fopen (path, "w");

  if (f == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  fputs ("N°,RUC,Razón social,Dirección,Distrito,Fecha,Base imponible,IGV,Total,Moneda\n", f);
  for (guint r = 1; r <= n_rows; r++)
    {
      /* 7919 is prime: r → i visits every i below 50,000 once in each 50,000 rows. */
      guint i = (guint) (((guint64) r * 7919) % 50000);
      g_autofree char *ruc = rv_test_make_ruc ("20", 30000000 + i * 13);
      double amount = (r % 9973) * 12.5 + 0.5;

      fprintf (f, "%u,%s,Comercial %u Sociedad Anónima Cerrada,Av. José Larco %u Of. %u,%s,"
               "2026-%02u-%02u,%.2f,%.2f,%.2f,PEN\n",
               r, ruc, i, 100 + i % 900, r % 50, districts[r % G_N_ELEMENTS (districts)],
               1 + r % 12, 1 + r % 28, amount, amount * 0.18, amount * 1.18);
    }
  if (fclose (f) != 0)
    g_error ("%s: %s", path, g_strerror (errno));
  return g_steal_pointer (&path);
}

/* The mock */

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (context);

  server->mock = rv_mock_api_new ();
  rv_mock_api_set_token (server->mock, GOOD_TOKEN);
  rv_mock_api_set_latency (server->mock, opt.latency_ms, opt.jitter);
  if (!rv_mock_api_listen (server->mock, 0, &error))
    g_error ("mock: %s", error->message);
  server->loop = g_main_loop_new (context, FALSE);

  g_mutex_lock (&server->lock);
  server->url = rv_mock_api_dup_base_url (server->mock);
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->lock);

  g_main_loop_run (server->loop);

  g_clear_object (&server->mock);
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
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (Server *server)
{
  GMainContext *context = g_main_loop_get_context (server->loop);

  g_main_context_invoke (context, quit_loop, server->loop);
  g_thread_join (server->thread);
  g_clear_pointer (&server->loop, g_main_loop_unref);
  g_clear_pointer (&server->url, g_free);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
}

/* The window */

static void
bench_set_up (Bench *bench,
              guint  concurrency)
{
  g_autofree char *db = NULL;

  /* The environment first: setenv() is not safe once other threads run. */
  bench->dir = rv_test_make_dir ("bench-window");
  db = g_build_filename (bench->dir, "cache.sqlite3", NULL);
  g_setenv ("RUC_VALIDATOR_DB", db, TRUE);
  g_setenv ("RUC_VALIDATOR_TOKEN", GOOD_TOKEN, TRUE);

  server_start (&bench->server);

  bench->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  g_settings_reset (bench->settings, "provider");
  g_settings_set_string (bench->settings, "base-url", bench->server.url);
  g_settings_set_uint (bench->settings, "concurrency", concurrency);
  /* The most the preferences allow; the run's own limit is raised past it (see the top). */
  g_settings_set_uint (bench->settings, "rate", 6000);

  bench->app = rv_application_new ();
  g_application_set_flags (G_APPLICATION (bench->app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (bench->app), NULL, NULL))
    g_error ("Could not register the application");

  bench->window = rv_window_new (GTK_APPLICATION (bench->app));
  g_object_add_weak_pointer (G_OBJECT (bench->window), (gpointer *) &bench->window);
  bench->session = rv_window_get_session (bench->window);
  gtk_window_set_default_size (GTK_WINDOW (bench->window), 1000, 720);
  gtk_window_present (GTK_WINDOW (bench->window));
  if (!WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (bench->window)), 20))
    g_error ("The window was never mapped");
  rv_test_wait_frames (GTK_WIDGET (bench->window), 10);
}

static void
bench_tear_down (Bench *bench)
{
  if (bench->window != NULL)
    gtk_window_destroy (GTK_WINDOW (bench->window));
  WAIT_UNTIL (bench->window == NULL, 10);
  g_clear_object (&bench->settings);
  g_clear_object (&bench->app);
  server_stop (&bench->server);
  rv_test_remove_tree (bench->dir);
  g_clear_pointer (&bench->dir, g_free);
}

static void
activate (Bench      *bench,
          const char *action,
          GVariant   *parameter)
{
  if (!gtk_widget_activate_action_variant (GTK_WIDGET (bench->window), action, parameter))
    g_error ("Could not activate %s", action);
}

static gboolean
preview_ready (Bench *bench)
{
  return rv_session_get_state (bench->session) == RV_SESSION_STATE_PREVIEW &&
         rv_session_get_preflight (bench->session)->counted;
}

/* Opens @path as the file chooser would, and waits for the counted preview to be drawn. */
static gboolean
open_file (Bench      *bench,
           const char *path,
           Stretch    *stretch)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(RvTestStallMeter) meter = NULL;
  StallCounter counter;
  gint64 start;
  gboolean ok;

  if (rv_session_get_state (bench->session) != RV_SESSION_STATE_EMPTY)
    {
      activate (bench, "win.close-file", NULL);
      if (!WAIT_UNTIL (rv_session_get_state (bench->session) == RV_SESSION_STATE_EMPTY, 20))
        return FALSE;
      rv_test_wait_frames (GTK_WIDGET (bench->window), 10);
    }

  meter = rv_test_stall_meter_new (GTK_WIDGET (bench->window));
  stall_counter_start (&counter);
  start = g_get_monotonic_time ();
  activate (bench, "win.open-file", g_variant_new_string (uri));
  ok = WAIT_UNTIL (preview_ready (bench), OPEN_LIMIT_S);
  /* Until the preview is on screen: the first frames with the table are part of it. */
  if (ok)
    rv_test_wait_frames (GTK_WIDGET (bench->window), 2);
  stretch_end (stretch, meter, &counter, start);
  return ok;
}

/* The user looking at the table: a page down every 100 ms (back to the top near the end),
 * another column to sort by every second. */
typedef struct
{
  GtkColumnView *column_view;
  guint          scroll_id;
  guint          sort_id;
  guint          n_scrolls;
  guint          n_sorts;
  guint          refused_before;
} User;

static gboolean
user_scroll_cb (gpointer data)
{
  User *user = data;
  GtkAdjustment *adj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (user->column_view));
  double page = gtk_adjustment_get_page_size (adj);
  double value = gtk_adjustment_get_value (adj) + page;

  /* Back to the top a page before the end: the list's height is an estimate, and a
   * position past its last row is refused with a warning. */
  if (value + 2 * page > gtk_adjustment_get_upper (adj))
    value = 0;
  gtk_adjustment_set_value (adj, value);
  user->n_scrolls++;
  return G_SOURCE_CONTINUE;
}

static gboolean
user_sort_cb (gpointer data)
{
  User *user = data;
  GListModel *columns = gtk_column_view_get_columns (user->column_view);
  /* Verdict, name, RUC, then back to the row's number, each way in turn. */
  static const guint order[] = { 3, 4, 2, 0 };
  guint n = user->n_sorts++;
  g_autoptr(GtkColumnViewColumn) column =
    g_list_model_get_item (columns, order[n % G_N_ELEMENTS (order)]);

  gtk_column_view_sort_by_column (user->column_view, column,
                                  (n / G_N_ELEMENTS (order)) % 2 ? GTK_SORT_DESCENDING
                                                                 : GTK_SORT_ASCENDING);
  return G_SOURCE_CONTINUE;
}

static void
user_start (User     *user,
            RvWindow *window)
{
  GtkWidget *view = rv_test_find_widget (GTK_WIDGET (window), RV_TYPE_RESULTS_VIEW, NULL);

  memset (user, 0, sizeof *user);
  if (view == NULL ||
      (user->column_view = GTK_COLUMN_VIEW (rv_test_find_widget (view, GTK_TYPE_COLUMN_VIEW,
                                                                 NULL))) == NULL)
    g_error ("The window has no results table");
  user->refused_before = n_refused_scrolls;
  user->scroll_id = g_timeout_add (SCROLL_INTERVAL_MS, user_scroll_cb, user);
  user->sort_id = g_timeout_add (SORT_INTERVAL_MS, user_sort_cb, user);
}

static void
user_stop (User *user)
{
  GListModel *columns = gtk_column_view_get_columns (user->column_view);
  g_autoptr(GtkColumnViewColumn) first = g_list_model_get_item (columns, 0);

  g_clear_handle_id (&user->scroll_id, g_source_remove);
  g_clear_handle_id (&user->sort_id, g_source_remove);
  gtk_column_view_sort_by_column (user->column_view, first, GTK_SORT_ASCENDING);
}

/* Once the run's batch has its provider, its limit goes past what the concurrency can
 * reach (see the top). */
static gboolean
run_started (Bench *bench)
{
  RvBatch *batch = rv_session_get_batch (bench->session);

  return rv_session_get_state (bench->session) == RV_SESSION_STATE_DONE ||
         (batch != NULL && rv_batch_get_state (batch) != RV_BATCH_STATE_READY);
}

static void
lift_rate_limit (Bench *bench)
{
  RvBatch *batch = rv_session_get_batch (bench->session);

  if (batch != NULL)
    rv_batch_set_rate (batch, 6000000);
}

static gboolean
run_done (Bench *bench)
{
  return rv_session_get_state (bench->session) == RV_SESSION_STATE_DONE;
}

/* Starts the run, waits for its end; FALSE when it never ends or leaves a RUC pending. */
static gboolean
run_file (Bench    *bench,
          gboolean  with_user,
          Stretch  *stretch,
          GString  *report)
{
  const RvPreflight *preflight = rv_session_get_preflight (bench->session);
  g_autoptr(RvTestStallMeter) meter = NULL;
  const RvBatchProgress *p;
  StallCounter counter;
  RvMockStats before, after;
  User user = { 0 };
  guint to_look_up = preflight->to_look_up;
  gint64 start;
  gboolean ended;

  rv_test_wait_frames (GTK_WIDGET (bench->window), 10);
  rv_mock_api_get_stats (bench->server.mock, &before);
  if (with_user)
    user_start (&user, bench->window);

  meter = rv_test_stall_meter_new (GTK_WIDGET (bench->window));
  stall_counter_start (&counter);
  start = g_get_monotonic_time ();
  activate (bench, "win.start", NULL);
  if (WAIT_UNTIL (run_started (bench), 20))
    lift_rate_limit (bench);
  ended = WAIT_UNTIL (run_done (bench), RUN_LIMIT_S);
  stretch_end (stretch, meter, &counter, start);
  if (with_user)
    user_stop (&user);

  if (!ended)
    {
      g_string_append_printf (report, "the run did not end within %d s", RUN_LIMIT_S);
      return FALSE;
    }

  p = rv_batch_get_progress (rv_session_get_batch (bench->session));
  rv_mock_api_get_stats (bench->server.mock, &after);
  g_string_append_printf (report, "%u RUCs, %u requests (%u at once at most), "
                          "%.0f answers a second", p->unique, after.requests - before.requests,
                          after.max_in_flight, stretch->seconds > 0 ? p->done / stretch->seconds : 0.0);
  if (with_user)
    g_string_append_printf (report, "; the user scrolled %u times (GTK refused %u of the "
                            "positions) and sorted %u times", user.n_scrolls,
                            n_refused_scrolls - user.refused_before, user.n_sorts);

  if (p->counts[RV_VERDICT_PENDING] != 0 || p->done != p->unique ||
      p->requests != to_look_up || after.requests - before.requests != to_look_up)
    {
      g_string_append_printf (report, " — BROKEN: %u pending, %u of %u done, %u requests "
                              "for %u to look up", p->counts[RV_VERDICT_PENDING], p->done,
                              p->unique, p->requests, to_look_up);
      return FALSE;
    }
  return TRUE;
}

static const char *
goal_text (gint64 max_stall_us)
{
  return max_stall_us <= GOAL_STALL_US ? "met" : "NOT met";
}

/* The 10,000 rows */

static gboolean
measure_runs (Bench *bench)
{
  gboolean ok = TRUE;
  gint64 worst_open = 0;
  gint64 worst_run = 0;

  for (int k = 0; k < opt.runs * 2 && ok; k++)
    {
      gboolean with_user = k % 2 == 1;
      g_autofree char *name = g_strdup_printf ("compras-%d.csv", k + 1);
      /* Each file its own RUCs, so that none comes from the database. */
      g_autofree char *path = write_small_csv (bench->dir, name, opt.rows,
                                               10000000 + k * 2000000);
      g_autoptr(GString) report = g_string_new (NULL);
      g_autofree char *label = NULL;
      Stretch open = { 0 }, run = { 0 };

      g_print ("\n%s: %d rows, %d distinct RUCs%s\n", name, opt.rows, opt.rows,
               with_user ? ", a user scrolling and sorting the table during the run" : "");
      if (!open_file (bench, path, &open))
        {
          g_print ("BROKEN: the preview of %s never came\n", name);
          return FALSE;
        }
      print_stretch ("  open (until the preview is drawn)", &open);

      ok = run_file (bench, with_user, &run, report);
      label = g_strdup_printf ("  run%s", with_user ? " (user scrolling/sorting)" : "");
      print_stretch (label, &run);
      g_print ("  run: %s\n", report->str);
      g_print ("  goal: no stall over 50 ms: open %s, run %s\n",
               goal_text (open.max_stall_us), goal_text (run.max_stall_us));
      worst_open = MAX (worst_open, open.max_stall_us);
      worst_run = MAX (worst_run, run.max_stall_us);
    }

  if (ok)
    g_print ("\ngoal: no stall over 50 ms during a run: %s (longest %.1f ms); "
             "while opening: %s (longest %.1f ms)\n", goal_text (worst_run), MS (worst_run),
             goal_text (worst_open), MS (worst_open));
  return ok;
}

/* The 100,000 rows, in a child */

static void
measure_big (gpointer data,
             gpointer result)
{
  const char *path = data;
  Big *big = result;
  Bench bench = { 0 };
  Stretch open = { 0 };
  const RvBatchProgress *p;
  gint64 start;

  rv_test_gui_init ();
  bench_set_up (&bench, opt.big_concurrency);
  big->baseline_kib = proc_status_kib ("VmHWM:");

  if (!open_file (&bench, path, &open))
    {
      g_strlcpy (big->message, "the preview never came", sizeof big->message);
      return;
    }
  rv_test_wait_frames (GTK_WIDGET (bench.window), 10);
  big->ok = TRUE;
  big->open_seconds = open.seconds;
  big->open_max_stall_us = open.max_stall_us;
  big->open_max_frame_us = open.max_frame_us;
  big->preview_kib = proc_status_kib ("VmHWM:");
  big->preview_rss_kib = proc_status_kib ("VmRSS:");
  big->rows = rv_session_get_preflight (bench.session)->rows;
  big->unique = rv_session_get_preflight (bench.session)->unique;

  if (opt.no_big_run)
    return;

  {
    g_autoptr(RvTestStallMeter) meter = rv_test_stall_meter_new (GTK_WIDGET (bench.window));

    big->ran = TRUE;
    start = g_get_monotonic_time ();
    activate (&bench, "win.start", NULL);
    if (WAIT_UNTIL (run_started (&bench), 20))
      lift_rate_limit (&bench);
    big->run_complete = WAIT_UNTIL (run_done (&bench), opt.big_run_limit_s);
    big->run_seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
    big->run_max_stall_us = rv_test_stall_meter_get_max_stall_us (meter);
  }
  p = rv_batch_get_progress (rv_session_get_batch (bench.session));
  big->run_done = p->done;
  big->run_unique = p->unique;
  big->run_kib = proc_status_kib ("VmHWM:");
  if (big->run_complete && p->counts[RV_VERDICT_PENDING] != 0)
    {
      big->ok = FALSE;
      g_snprintf (big->message, sizeof big->message, "the run left %u RUCs pending",
                  p->counts[RV_VERDICT_PENDING]);
    }
  /* The child ends here without tearing down: _exit() follows. */
}

static gboolean
report_big (const char *dir)
{
  g_autofree char *path = write_big_csv (dir, opt.big_rows);
  Big big = { 0 };

  g_print ("compras-grande.csv: %d rows × 10 columns, in a process of its own\n", opt.big_rows);
  if (!bench_in_child (measure_big, path, &big, sizeof big))
    g_strlcpy (big.message, "the measuring process died or failed", sizeof big.message);
  g_unlink (path);

  if (big.rows == 0)
    {
      g_print ("BROKEN: %s\n", big.message);
      return FALSE;
    }

  g_print ("  open (until the preview is drawn; %u rows, %u distinct RUCs): %.2f s | "
           "longest main-loop stall %.1f ms | longest frame interval %.1f ms\n",
           big.rows, big.unique, big.open_seconds, MS (big.open_max_stall_us),
           MS (big.open_max_frame_us));
  g_print ("  peak RSS with the file loaded: %.1f MiB (VmHWM; VmRSS %.1f MiB; "
           "%.1f MiB with the window alone)\n",
           MIB (big.preview_kib), MIB (big.preview_rss_kib), MIB (big.baseline_kib));

  if (!big.ran)
    g_print ("  run: skipped (--no-big-run)\n");
  else if (big.run_complete)
    g_print ("  run at concurrency %d: %u RUCs in %.1f s (%.0f a second), longest main-loop "
             "stall %.1f ms, peak RSS after it %.1f MiB\n",
             opt.big_concurrency, big.run_unique, big.run_seconds,
             big.run_unique / big.run_seconds, MS (big.run_max_stall_us), MIB (big.run_kib));
  else
    g_print ("  run at concurrency %d: cut short after %d s with %u of %u RUCs answered "
             "(%.0f a second), longest main-loop stall %.1f ms, peak RSS then %.1f MiB\n",
             opt.big_concurrency, opt.big_run_limit_s, big.run_done, big.run_unique,
             big.run_done / big.run_seconds, MS (big.run_max_stall_us), MIB (big.run_kib));

  if (!big.ok)
    g_print ("BROKEN: %s\n", big.message);
  return big.ok;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");
  gboolean ok = TRUE;
  GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &opt.rows, "Rows (distinct RUCs) of each run (10,000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &opt.runs, "Pairs of runs: alone, then with a user (1)", "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &opt.concurrency, "Requests in flight (20)", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &opt.latency_ms, "The mock's mean latency (20)", "MS" },
    { "jitter", 0, 0, G_OPTION_ARG_DOUBLE, &opt.jitter, "The latency's lognormal sigma (0)", "S" },
    { "big-rows", 0, 0, G_OPTION_ARG_INT, &opt.big_rows, "Rows of the big file (100,000)", "N" },
    { "big-run-limit", 0, 0, G_OPTION_ARG_INT, &opt.big_run_limit_s,
      "Seconds the big file's run may take before it is cut short (120)", "S" },
    { "no-big", 0, 0, G_OPTION_ARG_NONE, &opt.no_big, "Skip the big file", NULL },
    { "no-big-run", 0, 0, G_OPTION_ARG_NONE, &opt.no_big_run, "Open the big file, do not run it", NULL },
    { NULL }
  };

  g_log_set_writer_func (log_writer, NULL, NULL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new ("— how responsive the window stays through a run");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt.rows < 1 || opt.runs < 1 ||
      opt.concurrency < 1 || opt.concurrency > 50 || opt.big_rows < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "invalid option value");
      return 2;
    }

  g_print ("The window against the mock: latency %d ms (sigma %.2f), concurrency %d, "
           "no rate limit\n", opt.latency_ms, opt.jitter, opt.concurrency);

  dir = rv_test_make_dir ("bench-window-files");

  /* First, while this process has no thread and no display yet, so that the child starts
   * clean (see bench-child.c). */
  if (!opt.no_big)
    ok = report_big (dir);

  if (ok)
    {
      Bench bench = { 0 };

      rv_test_gui_init ();
      bench_set_up (&bench, opt.concurrency);
      ok = measure_runs (&bench);
      bench_tear_down (&bench);
    }

  rv_test_remove_tree (dir);
  return ok ? 0 : 1;
}
