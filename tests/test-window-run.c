/* test-window-run.c
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

#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "rv-application.h"
#include "rv-export-dialog-private.h"
#include "rv-export-dialog.h"
#include "rv-mock-api.h"
#include "rv-preferences-window.h"
#include "rv-results-view.h"
#include "rv-test-export.h"
#include "rv-test-gui.h"
#include "rv-test-sheet.h"
#include "rv-window.h"

/* The window with a file, driven as a user drives it, against the mock APIMIGO in this
 * process: open (the action the file chooser, a recent file or a drop ends in), preview,
 * run, review, export. Runs under Xvfb in CI.
 */

#define GOOD_TOKEN "window-run-token"

/* A run long enough to pause, stop or interrupt: this many RUCs, answered after this long,
 * this many at a time (about 2.4 s in all). */
#define SLOW_RUCS        60
#define SLOW_LATENCY_MS  200
#define SLOW_CONCURRENCY 5

static RvApplication *app;

typedef struct
{
  RvMockApi  *mock;
  RvWindow   *window;
  RvSession  *session;
  GSettings  *settings;
  char       *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *db = NULL;

  fixture->mock = rv_mock_api_new ();
  rv_mock_api_set_token (fixture->mock, GOOD_TOKEN);
  g_assert_true (rv_mock_api_listen (fixture->mock, 0, &error));
  g_assert_no_error (error);
  url = rv_mock_api_dup_base_url (fixture->mock);

  fixture->dir = rv_test_make_dir ("rv-window-run");
  db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  g_setenv ("RUC_VALIDATOR_DB", db, TRUE);
  g_setenv ("RUC_VALIDATOR_TOKEN", GOOD_TOKEN, TRUE);

  /* The memory backend lives as long as the process: each case starts from the defaults. */
  fixture->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  g_settings_reset (fixture->settings, "provider");
  g_settings_reset (fixture->settings, "concurrency");
  /* 100 requests a second, the most the preferences allow: the provider's polite default
   * (10 a second) would make each run of tens of RUCs last seconds. The runs that must
   * last are paced by the mock's latency instead (see SLOW_RUCS). */
  g_settings_set_uint (fixture->settings, "rate", 6000);
  g_settings_reset (fixture->settings, "timeout");
  g_settings_set_string (fixture->settings, "base-url", url);

  if (app == NULL)
    {
      app = rv_application_new ();
      /* Not unique (each test process has its own), and still opening files as
       * `ruc-validator FILE` does. */
      g_application_set_flags (G_APPLICATION (app),
                               G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  fixture->window = rv_window_new (GTK_APPLICATION (app));
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  fixture->session = rv_window_get_session (fixture->window);
  /* Cleared when its last reference goes: nothing the session started may keep it. */
  g_object_add_weak_pointer (G_OBJECT (fixture->session), (gpointer *) &fixture->session);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
  /* Laid out, for the screenshots. */
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWindow) other = g_list_model_get_item (toplevels, i - 1);

      if (other != GTK_WINDOW (fixture->window) && gtk_widget_get_visible (GTK_WIDGET (other)))
        gtk_window_destroy (other);
    }
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (fixture->window == NULL);
  /* Every read, count, set-up and run the session started let go of it. */
  RV_TEST_WAIT_FOR (fixture->session == NULL);
  g_clear_object (&fixture->settings);
  g_assert_finalize_object (g_steal_pointer (&fixture->mock));
  rv_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static guint
mock_requests (Fixture *fixture)
{
  RvMockStats stats;

  rv_mock_api_get_stats (fixture->mock, &stats);
  return stats.requests;
}

static void
activate (Fixture    *fixture,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (fixture->window), action,
                                                     parameter));
}

static const RvBatchProgress *
progress (Fixture *fixture)
{
  g_assert_nonnull (rv_session_get_batch (fixture->session));
  return rv_batch_get_progress (rv_session_get_batch (fixture->session));
}

static RvBatchState
batch_state (Fixture *fixture)
{
  return rv_batch_get_state (rv_session_get_batch (fixture->session));
}

/* In the preview, with what a run would cost counted (when there is a column to count). */
static gboolean
preview_ready (Fixture *fixture)
{
  return rv_session_get_state (fixture->session) == RV_SESSION_STATE_PREVIEW &&
         (rv_session_get_column (fixture->session) < 0 ||
          rv_session_get_preflight (fixture->session)->counted);
}

/* Opens @path as a recent row, a drop or the file chooser would, without waiting. */
static void
open_path_async (Fixture    *fixture,
                 const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);

  activate (fixture, "win.open-file", g_variant_new_string (uri));
}

static void
open_path (Fixture    *fixture,
           const char *path)
{
  open_path_async (fixture, path);
  RV_TEST_WAIT_FOR (preview_ready (fixture));
}

static void
open_fixture (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "sheets", name, NULL);

  open_path (fixture, path);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static char *
ruc_at (guint first,
        guint i)
{
  return rv_test_make_ruc ("20", 4000000 + first + i);
}

/* A CSV of @n distinct well-formed RUCs, ruc_at (@first, 0…n-1), one a row. */
static char *
write_rucs_csv (Fixture    *fixture,
                const char *name,
                guint       first,
                guint       n)
{
  g_autoptr(GString) text = g_string_new ("RUC,Razón social\n");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ruc = ruc_at (first, i);

      g_string_append_printf (text, "%s,Empresa %u S.A.C.\n", ruc, i);
    }
  return write_file (fixture, name, text->str, text->len);
}

/* The first widget below @root that activates @action (a button, a row). */
static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first widget below @root with @tooltip, as a user finds a button by hovering it. */
static GtkWidget *
find_with_tooltip (GtkWidget  *root,
                   const char *tooltip)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether @widget and every parent of it are visible (what a user can see, on whichever
 * page the stacks show). */
static gboolean
shown (GtkWidget *widget)
{
  return widget != NULL && gtk_widget_is_drawable (widget);
}

/* Clicks @button, as a user can: it must be on show and sensitive. (gtk_widget_activate()
 * would click it only after the quarter of a second it shows it pressed.) */
static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (shown (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* Whether the window's button for @action can be pressed (a disabled action makes it
 * insensitive). */
static gboolean
action_enabled (Fixture    *fixture,
                const char *action)
{
  GtkWidget *widget = find_actionable (GTK_WIDGET (fixture->window), action);

  g_assert_nonnull (widget);
  return gtk_widget_get_sensitive (widget);
}

static gboolean
window_shows (Fixture    *fixture,
              const char *text)
{
  return rv_test_widget_shows_text (GTK_WIDGET (fixture->window), text);
}

static AdwComboRow *
combo_row (Fixture    *fixture,
           const char *title)
{
  GtkWidget *row = rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_COMBO_ROW, title);

  g_assert_nonnull (row);
  return ADW_COMBO_ROW (row);
}

/* The label under the pre-flight choices ("12 rows · 7 unique RUCs · …"). */
static const char *
preflight_text (Fixture *fixture)
{
  GtkWidget *check = find_actionable (GTK_WIDGET (fixture->window), "win.start");
  GtkWidget *label = gtk_widget_get_prev_sibling (check);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static RvResultsView *
results_view (Fixture *fixture)
{
  GtkWidget *view = rv_test_find_widget (GTK_WIDGET (fixture->window), RV_TYPE_RESULTS_VIEW, NULL);

  g_assert_nonnull (view);
  return RV_RESULTS_VIEW (view);
}

/* The label right of the table's filter: "12 rows", "2 of 12 rows". */
static const char *
shown_text (Fixture *fixture)
{
  GtkWidget *dropdown = rv_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_DROP_DOWN,
                                             NULL);
  GtkWidget *label = gtk_widget_get_next_sibling (dropdown);

  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
transition_running (GtkWidget *root)
{
  if (GTK_IS_STACK (root) && gtk_stack_get_transition_running (GTK_STACK (root)))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (transition_running (child))
      return TRUE;
  return FALSE;
}

/* Saves a screenshot of the window once its pages have stopped moving. */
static void
screenshot (Fixture    *fixture,
            const char *name)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);

  RV_TEST_WAIT_FOR (!transition_running (window));
  rv_test_wait_frames (window, 10);
  rv_test_save_screenshot (window, name);
}

static AdwMessageDialog *
find_message_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_mapped (GTK_WIDGET (window)) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading) == 0)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static guint
count_message_dialogs (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        n++;
    }
  return n;
}

static AdwMessageDialog *
wait_message_dialog (const char *heading)
{
  AdwMessageDialog *dialog;

  RV_TEST_WAIT_FOR ((dialog = find_message_dialog (heading)) != NULL);
  /* Let it draw, for a screenshot. */
  rv_test_wait_frames (GTK_WIDGET (dialog), 10);
  return dialog;
}

/* Answers @dialog as its button @response would, and lets it go. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  g_autofree char *heading = g_strdup (adw_message_dialog_get_heading (dialog));

  g_assert_true (adw_message_dialog_has_response (dialog, response));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  RV_TEST_WAIT_FOR (find_message_dialog (heading) == NULL);
}

static RvExportDialog *
find_export_dialog (void)
{
  GtkWindow *window;

  RV_TEST_WAIT_FOR ((window = rv_test_find_toplevel (RV_TYPE_EXPORT_DIALOG)) != NULL &&
                    gtk_widget_get_mapped (GTK_WIDGET (window)));
  return RV_EXPORT_DIALOG (window);
}

/* The count shown on the counter of @verdict (the button that filters the table by it). */
static guint
counter_value (Fixture   *fixture,
               RvVerdict  verdict)
{
  g_autofree char *tooltip = g_strdup_printf ("Show Only “%s” Rows", rv_verdict_get_label (verdict));
  GtkWidget *button = find_with_tooltip (GTK_WIDGET (fixture->window), tooltip);
  GtkWidget *label;

  g_assert_nonnull (button);
  label = rv_test_find_widget (button, GTK_TYPE_LABEL, NULL);
  g_assert_nonnull (label);
  return (guint) g_ascii_strtoull (gtk_label_get_text (GTK_LABEL (label)), NULL, 10);
}

static guint
answered_counters (Fixture *fixture)
{
  return counter_value (fixture, RV_VERDICT_VALID) +
         counter_value (fixture, RV_VERDICT_OBSERVED) +
         counter_value (fixture, RV_VERDICT_NOT_FOUND);
}

/* What the mock answers @n RUCs from ruc_at (@first, 0), per verdict. */
static void
expected_counts (guint first,
                 guint n,
                 guint counts[RV_N_VERDICTS])
{
  memset (counts, 0, sizeof (guint) * RV_N_VERDICTS);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ruc = ruc_at (first, i);

      switch (rv_mock_api_expected_answer (ruc))
        {
        case RV_MOCK_ANSWER_VALID:
          counts[RV_VERDICT_VALID]++;
          break;
        case RV_MOCK_ANSWER_OBSERVED:
          counts[RV_VERDICT_OBSERVED]++;
          break;
        case RV_MOCK_ANSWER_NOT_FOUND:
          counts[RV_VERDICT_NOT_FOUND]++;
          break;
        case RV_MOCK_ANSWER_BAD_FORMAT:
        default:
          g_assert_not_reached ();
        }
    }
}

static void
assert_counts (Fixture *fixture,
               guint    first,
               guint    n)
{
  guint expected[RV_N_VERDICTS];

  expected_counts (first, n, expected);
  for (RvVerdict v = 0; v < RV_N_VERDICTS; v++)
    {
      g_assert_cmpuint (progress (fixture)->counts[v], ==, expected[v]);
      g_assert_cmpuint (counter_value (fixture, v), ==, expected[v]);
    }
}

/* Whether every request the mock received was answered and its answer is on show: no
 * RUC of the file is in the database before, none fails. */
static gboolean
answers_settled (Fixture *fixture)
{
  RvMockStats stats;

  rv_mock_api_get_stats (fixture->mock, &stats);
  return stats.in_flight == 0 && progress (fixture)->in_flight == 0 &&
         progress (fixture)->done == stats.answered && answered_counters (fixture) == stats.answered;
}

/* Rows with @verdict (or any, for -1) whose normalised RUC is @ruc (or any, for NULL). */
static guint
count_rows (Fixture    *fixture,
            int         verdict,
            const char *ruc)
{
  GListModel *rows = G_LIST_MODEL (rv_session_get_rows (fixture->session));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(RvRow) row = g_list_model_get_item (rows, i);

      if ((verdict < 0 || rv_row_get_verdict (row) == (RvVerdict) verdict) &&
          (ruc == NULL || g_strcmp0 (rv_row_get_ruc (row), ruc) == 0))
        n++;
    }
  return n;
}

/* Whether the mock has no request waiting for its answer. */
static gboolean
answers_settled_mock (Fixture *fixture)
{
  RvMockStats stats;

  rv_mock_api_get_stats (fixture->mock, &stats);
  return stats.in_flight == 0;
}

/* A file whose run lasts (see SLOW_RUCS), opened. */
static void
open_slow_file (Fixture    *fixture,
                const char *name,
                guint       first)
{
  g_autofree char *path = write_rucs_csv (fixture, name, first, SLOW_RUCS);

  g_settings_set_uint (fixture->settings, "concurrency", SLOW_CONCURRENCY);
  rv_mock_api_set_latency (fixture->mock, SLOW_LATENCY_MS, 0);
  open_path (fixture, path);
}

/* Retries after a millisecond or two instead of the default second or more: the batch
 * keeps its number of attempts; only its waits are shortened, for the test's time. */
static void
shorten_retry_waits (Fixture *fixture)
{
  rv_batch_set_retry_policy (rv_session_get_batch (fixture->session), 4, 1, 2);
}

/* Open → preview → run → review → export, and the same file again from the database. */
static void
test_open_run_export (Fixture       *fixture,
                      gconstpointer  data)
{
  const RvBatchProgress *progress;
  const RvPreflight *preflight;
  RvExportDialog *dialog;
  g_autofree char *out = g_build_filename (fixture->dir, "resultado.xlsx", NULL);
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  g_autoptr(RvWorkbook) written = NULL;
  g_autoptr(GError) error = NULL;
  RvExportSummary summary;
  RvExport export;
  guint requests;

  g_assert_false (action_enabled (fixture, "win.export"));
  g_assert_false (action_enabled (fixture, "win.start"));

  open_fixture (fixture, "suppliers.xlsx");

  /* The preview: the sheet with the RUCs (not the notes before it), its column, the cost. */
  g_assert_cmpuint (rv_session_get_sheet (fixture->session), ==, 1);
  g_assert_cmpint (rv_session_get_column (fixture->session), >=, 0);
  preflight = rv_session_get_preflight (fixture->session);
  g_assert_cmpuint (preflight->rows, >, 0);
  g_assert_cmpuint (preflight->to_look_up, >, 0);
  g_assert_cmpuint (preflight->cached, ==, 0);
  g_assert_true (rv_test_widget_shows_text (GTK_WIDGET (fixture->window), "to look up"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "suppliers.xlsx");
  g_assert_true (action_enabled (fixture, "win.start"));
  g_assert_cmpuint (mock_requests (fixture), ==, 0);
  screenshot (fixture, "window-preview.png");

  /* The run. */
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  progress = rv_batch_get_progress (rv_session_get_batch (fixture->session));
  g_assert_cmpuint (progress->counts[RV_VERDICT_PENDING], ==, 0);
  g_assert_cmpuint (progress->done, ==, progress->unique);
  g_assert_cmpuint (progress->requests, ==, preflight->to_look_up);
  g_assert_cmpuint (mock_requests (fixture), ==, preflight->to_look_up);
  g_assert_true (rv_test_widget_shows_text (GTK_WIDGET (fixture->window), "RUCs checked"));
  g_assert_false (action_enabled (fixture, "win.retry"));
  g_assert_true (action_enabled (fixture, "win.export"));
  screenshot (fixture, "window-done.png");

  /* The export, through the action and its dialog. */
  activate (fixture, "win.export", NULL);
  dialog = find_export_dialog ();
  rv_export_dialog_set_format (dialog, RV_EXPORT_FORMAT_XLSX);
  _rv_export_dialog_export_to (dialog, out_file);
  RV_TEST_WAIT_FOR (g_file_test (out, G_FILE_TEST_EXISTS) &&
                    rv_test_find_toplevel (RV_TYPE_EXPORT_DIALOG) == NULL);
  RV_TEST_WAIT_FOR (rv_test_widget_shows_text (GTK_WIDGET (fixture->window), "Exported “resultado.xlsx”"));
  g_assert_true (rv_session_build_export (fixture->session, &export, &summary));
  written = rv_test_export_read_back (RV_EXPORT_FORMAT_XLSX, out);
  rv_test_export_check_workbook (&export, RV_EXPORT_FORMAT_XLSX, written);

  /* The same file again: everything comes from the database. */
  requests = mock_requests (fixture);
  activate (fixture, "win.close-file", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_EMPTY);
  open_fixture (fixture, "suppliers.xlsx");
  preflight = rv_session_get_preflight (fixture->session);
  g_assert_cmpuint (preflight->to_look_up, ==, 0);
  g_assert_cmpuint (preflight->cached, >, 0);
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
}

/* The sheet and the column, chosen in the preview's combo rows as a user chooses them. */
static void
test_sheet_and_column (Fixture       *fixture,
                       gconstpointer  data)
{
  AdwComboRow *sheet_row, *column_row;
  RvRowList *rows;
  g_autofree char *ambiguous = NULL;
  g_autofree char *no_rucs = NULL;
  g_autoptr(GString) csv = g_string_new ("N°,RUC proveedor,RUC cliente,Importe\n");
  g_autoptr(RvRow) first = NULL;
  const char *subtitle;

  /* A workbook whose first sheet is notes: the second is chosen, and the choice is shown. */
  open_fixture (fixture, "suppliers.xlsx");
  sheet_row = combo_row (fixture, "Sheet");
  column_row = combo_row (fixture, "RUC column");
  g_assert_true (shown (GTK_WIDGET (sheet_row)));
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (sheet_row)), ==, 3);
  g_assert_cmpuint (adw_combo_row_get_selected (sheet_row), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (column_row), ==,
                    (guint) rv_session_get_column (fixture->session));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (column_row));
  g_assert_true (subtitle == NULL || subtitle[0] == 0);

  /* The notes, one column of text: nothing to check there, and the user is sent to another
   * sheet (a combo row of one item cannot be opened to choose from). */
  adw_combo_row_set_selected (sheet_row, 0);
  RV_TEST_WAIT_FOR (rv_session_get_sheet (fixture->session) == 0);
  g_assert_cmpint (rv_session_get_column (fixture->session), ==, -1);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (column_row)), ==, 1);
  g_assert_cmpuint (adw_combo_row_get_selected (column_row), ==, GTK_INVALID_LIST_POSITION);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (column_row));
  g_assert_cmpstr (subtitle, ==, "This sheet has no RUC numbers: choose another sheet");
  g_assert_cmpstr (preflight_text (fixture), ==, "Nothing to check in this sheet.");
  g_assert_null (rv_session_get_rows (fixture->session));
  g_assert_false (action_enabled (fixture, "win.start"));
  screenshot (fixture, "window-sheet-no-column.png");

  /* The clients: their own column, rows and count. */
  adw_combo_row_set_selected (sheet_row, 2);
  RV_TEST_WAIT_FOR (rv_session_get_sheet (fixture->session) == 2 && preview_ready (fixture));
  g_assert_cmpint (rv_session_get_column (fixture->session), >=, 0);
  g_assert_nonnull (rv_session_get_rows (fixture->session));
  g_assert_true (action_enabled (fixture, "win.start"));
  g_assert_nonnull (strstr (preflight_text (fixture), "to look up"));

  /* Columns without RUC numbers: the user is asked to choose, and what they choose is
   * checked. */
  no_rucs = write_file (fixture, "names.csv",
                        "Nombre,Ciudad\nAna Peña,Lima\nJosé Ñique,Cusco\nMinera Andina,Arequipa\n",
                        -1);
  open_path (fixture, no_rucs);
  column_row = combo_row (fixture, "RUC column");
  g_assert_cmpint (rv_session_get_column (fixture->session), ==, -1);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (column_row)), ==,
                   "No column looks like RUC numbers: choose the one that holds them");
  g_assert_cmpstr (preflight_text (fixture), ==,
                   "Choose the RUC column to see what a check would take.");
  g_assert_false (action_enabled (fixture, "win.start"));
  adw_combo_row_set_selected (column_row, 0);
  RV_TEST_WAIT_FOR (rv_session_get_column (fixture->session) == 0 && preview_ready (fixture));
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (column_row));
  g_assert_true (subtitle == NULL || subtitle[0] == 0);
  /* Without a RUC header the detection finds no header row: the titles count as a value. */
  g_assert_true (g_str_has_prefix (preflight_text (fixture), "4 rows · 4 unique RUCs · 4 malformed"));
  g_assert_true (action_enabled (fixture, "win.start"));

  /* Two columns of RUCs: the window takes one and says that another could be meant. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *supplier = ruc_at (0, i);
      g_autofree char *client = ruc_at (100, i % 3);

      g_string_append_printf (csv, "%u,%s,%s,%u.00\n", i + 1, supplier, client, 10 * i);
    }
  ambiguous = write_file (fixture, "two-columns.csv", csv->str, csv->len);
  open_path (fixture, ambiguous);
  column_row = combo_row (fixture, "RUC column");
  g_assert_false (shown (GTK_WIDGET (combo_row (fixture, "Sheet"))));
  g_assert_true (rv_column_guess_is_ambiguous (rv_session_get_guess (fixture->session)));
  g_assert_cmpint (rv_session_get_column (fixture->session), ==, 1);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (column_row));
  g_assert_nonnull (subtitle);
  g_assert_nonnull (strstr (subtitle, "Several columns"));
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->unique, ==, 6);
  g_assert_true (g_str_has_prefix (preflight_text (fixture), "6 rows · 6 unique RUCs"));
  screenshot (fixture, "window-column-ambiguous.png");

  /* The other one, through the combo row: new rows, a new count. */
  rows = rv_session_get_rows (fixture->session);
  adw_combo_row_set_selected (column_row, 2);
  RV_TEST_WAIT_FOR (rv_session_get_column (fixture->session) == 2 && preview_ready (fixture));
  g_assert_true (rv_session_get_rows (fixture->session) != rows);
  g_assert_true (rv_results_view_get_rows (results_view (fixture)) ==
                 rv_session_get_rows (fixture->session));
  first = g_list_model_get_item (G_LIST_MODEL (rv_session_get_rows (fixture->session)), 0);
  {
    g_autofree char *client = ruc_at (100, 0);

    g_assert_cmpstr (rv_row_get_value (first), ==, client);
  }
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->unique, ==, 3);
  g_assert_true (g_str_has_prefix (preflight_text (fixture), "6 rows · 3 unique RUCs"));
  g_assert_nonnull (strstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (
    rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_WINDOW_TITLE, NULL))),
                            "RUC cliente"));
  g_assert_cmpuint (mock_requests (fixture), ==, 0);

  /* And the run uses it. */
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_cmpuint (mock_requests (fixture), ==, 3);
}

/* Pause, resume and stop with the run panel's buttons (and Ctrl+P), then "Retry Pending". */
static void
test_pause_resume_stop (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *window;
  GtkWidget *pause, *stop, *retry;
  RvMockStats stats;
  guint answered, requests, done, pending;
  g_autofree char *title = NULL;

  open_slow_file (fixture, "slow.csv", 0);
  window = GTK_WIDGET (fixture->window);
  stop = find_with_tooltip (window, "Stop (Ctrl+.); every answer so far is kept");
  pause = find_with_tooltip (window, "Pause (Ctrl+P)");
  retry = find_actionable (window, "win.retry");
  g_assert_nonnull (stop);
  g_assert_nonnull (pause);
  g_assert_nonnull (retry);

  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (batch_state (fixture) == RV_BATCH_STATE_RUNNING && progress (fixture)->done >= 5);
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_RUNNING);
  g_assert_true (shown (pause));
  g_assert_true (shown (stop));
  g_assert_false (shown (retry));
  g_assert_false (action_enabled (fixture, "win.export"));
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause)), ==, "media-playback-pause-symbolic");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (pause)), ==, "win.pause");
  g_assert_true (window_shows (fixture, "Checking: "));

  /* The counters follow the answers. */
  answered = answered_counters (fixture);
  RV_TEST_WAIT_FOR (answered_counters (fixture) >= answered + 3);

  /* Pause with the button: nothing more is sent once the requests in flight are back. */
  click (pause);
  g_assert_cmpint (batch_state (fixture), ==, RV_BATCH_STATE_PAUSED);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause)), ==, "media-playback-start-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pause), ==, "Resume (Ctrl+P)");
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (pause)), ==, "win.resume");
  g_assert_true (gtk_widget_get_sensitive (pause));
  /* The requests in flight come back, and their answers are stored and shown. */
  RV_TEST_WAIT_FOR (answers_settled (fixture));
  requests = mock_requests (fixture);
  done = progress (fixture)->done;
  g_assert_cmpuint (done, <, SLOW_RUCS);
  title = g_strdup_printf ("Paused: %u of %u RUCs checked", done, SLOW_RUCS);
  RV_TEST_WAIT_FOR (window_shows (fixture, title));
  rv_test_wait_frames (window, 10);
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
  g_assert_cmpuint (progress (fixture)->done, ==, done);
  g_assert_cmpuint (answered_counters (fixture), ==, done);
  screenshot (fixture, "window-paused.png");

  /* Resume with Ctrl+P's action: the same button pauses again. */
  activate (fixture, "win.toggle-pause", NULL);
  g_assert_cmpint (batch_state (fixture), ==, RV_BATCH_STATE_RUNNING);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (pause)), ==, "media-playback-pause-symbolic");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (pause), ==, "Pause (Ctrl+P)");
  RV_TEST_WAIT_FOR (progress (fixture)->done >= done + 5);
  g_assert_cmpuint (progress (fixture)->done, <, SLOW_RUCS);

  /* Stop: what was answered stays, the rest is pending and can be retried. */
  click (stop);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  pending = progress (fixture)->counts[RV_VERDICT_PENDING];
  g_assert_cmpuint (pending, >, 0);
  g_assert_cmpuint (progress (fixture)->done + pending, ==, SLOW_RUCS);
  g_assert_cmpuint (counter_value (fixture, RV_VERDICT_PENDING), ==, pending);
  g_assert_false (shown (pause));
  g_assert_false (shown (stop));
  g_assert_true (shown (retry));
  g_assert_true (action_enabled (fixture, "win.retry"));
  g_assert_true (action_enabled (fixture, "win.export"));
  g_clear_pointer (&title, g_free);
  title = g_strdup_printf ("Checked %u of %u RUCs: %u are pending", SLOW_RUCS - pending, SLOW_RUCS,
                           pending);
  g_assert_true (window_shows (fixture, title));
  screenshot (fixture, "window-stopped.png");

  /* Retry Pending asks for the pending ones only, and finishes them. */
  requests = mock_requests (fixture);
  rv_mock_api_set_latency (fixture->mock, 0, 0);
  click (retry);
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_RUNNING);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_cmpuint (mock_requests (fixture) - requests, ==, pending);
  assert_counts (fixture, 0, SLOW_RUCS);
  g_assert_false (shown (retry));
  g_assert_false (action_enabled (fixture, "win.retry"));
  /* Each RUC was asked once, but those the stop caught in flight (asked again). */
  rv_mock_api_get_stats (fixture->mock, &stats);
  g_assert_cmpuint (stats.unique_rucs, ==, SLOW_RUCS);
  g_assert_cmpuint (stats.repeated_rucs, <=, SLOW_CONCURRENCY);
  g_assert_cmpuint (stats.requests, ==, SLOW_RUCS + stats.repeated_rucs);
}

/* Some RUCs the provider always fails: they end pending, and Retry Pending finishes them
 * once it answers. */
static void
test_pending_then_retry (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = write_rucs_csv (fixture, "faults.csv", 200, 20);
  g_autofree char *failing_a = ruc_at (200, 3);
  g_autofree char *failing_b = ruc_at (200, 11);
  const char *error_body = "{\"message\": \"Server Error\"}";
  guint requests;
  RvResultsView *view;

  rv_mock_api_set_answer (fixture->mock, failing_a, error_body, 503);
  rv_mock_api_set_answer (fixture->mock, failing_b, error_body, 502);
  open_path (fixture, path);
  shorten_retry_waits (fixture);

  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_cmpuint (progress (fixture)->counts[RV_VERDICT_PENDING], ==, 2);
  g_assert_cmpuint (counter_value (fixture, RV_VERDICT_PENDING), ==, 2);
  /* Asked as often as the batch tries (4 times), not more. */
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->mock, failing_a), ==, 4);
  g_assert_cmpuint (rv_mock_api_count_ruc (fixture->mock, failing_b), ==, 4);
  g_assert_true (window_shows (fixture, "Checked 18 of 20 RUCs: 2 are pending"));
  g_assert_true (action_enabled (fixture, "win.retry"));
  g_assert_true (shown (find_actionable (GTK_WIDGET (fixture->window), "win.retry")));

  /* The pending rows, through the filter: with why they are pending. */
  view = results_view (fixture);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (rv_test_find_widget (GTK_WIDGET (fixture->window),
                                                                  GTK_TYPE_DROP_DOWN, NULL)),
                              RV_VERDICT_FILTER_PENDING);
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) == 2);
  g_assert_cmpstr (shown_text (fixture), ==, "2 of 20 rows");
  g_assert_true (window_shows (fixture, "(after 4 attempts)"));
  screenshot (fixture, "window-pending.png");

  /* The provider is well again: only the two are asked. */
  rv_mock_api_set_answer (fixture->mock, failing_a, NULL, 0);
  rv_mock_api_set_answer (fixture->mock, failing_b, NULL, 0);
  requests = mock_requests (fixture);
  activate (fixture, "win.retry", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_cmpuint (mock_requests (fixture) - requests, ==, 2);
  assert_counts (fixture, 200, 20);
  g_assert_false (action_enabled (fixture, "win.retry"));
  g_assert_true (window_shows (fixture, "All 20 RUCs checked"));
  /* The filter still shows the pending rows: none now. */
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) == 0);
  g_assert_cmpstr (shown_text (fixture), ==, "0 of 20 rows");
}

/* The provider fails every request: the batch's circuit breaker stops asking and the
 * window says so; "Try Again" goes on once the provider answers. */
static void
test_provider_unavailable (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *path = write_rucs_csv (fixture, "down.csv", 300, 30);
  GtkWidget *try_again, *revealer;
  GtkWidget *window = GTK_WIDGET (fixture->window);
  guint requests, pending;

  try_again = rv_test_find_widget (window, GTK_TYPE_BUTTON, "_Try Again");
  g_assert_nonnull (try_again);
  revealer = gtk_widget_get_ancestor (try_again, GTK_TYPE_REVEALER);
  g_assert_nonnull (revealer);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));

  rv_mock_api_set_fault (fixture->mock, RV_MOCK_FAULT_5XX, 1.0);
  /* Slow enough for the requests to overlap, as they do with a real service. */
  rv_mock_api_set_latency (fixture->mock, 20, 0);
  open_path (fixture, path);
  shorten_retry_waits (fixture);
  activate (fixture, "win.start", NULL);

  RV_TEST_WAIT_FOR (batch_state (fixture) == RV_BATCH_STATE_UNAVAILABLE);
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_RUNNING);
  RV_TEST_WAIT_FOR (gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)));
  g_assert_true (window_shows (fixture, "The provider is not answering: APIMIGO failed with a server error (HTTP 5"));
  g_assert_true (window_shows (fixture, "The check is waiting; every answer so far is saved."));
  g_assert_true (window_shows (fixture, "Waiting for the provider: "));
  g_assert_true (gtk_widget_get_sensitive (try_again));
  g_assert_false (action_enabled (fixture, "win.retry"));
  /* It waits: nothing more is sent. */
  RV_TEST_WAIT_FOR (progress (fixture)->in_flight == 0);
  requests = mock_requests (fixture);
  rv_test_wait_frames (window, 10);
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
  g_assert_cmpuint (progress (fixture)->counts[RV_VERDICT_PENDING], ==, 30);
  screenshot (fixture, "window-unavailable.png");

  /* Well again; the user tries again. */
  rv_mock_api_set_fault (fixture->mock, RV_MOCK_FAULT_5XX, 0);
  click (try_again);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  /* The RUCs asked as often as the batch tries before the breaker tripped were given up:
   * they are pending, and Retry Pending finishes them. */
  pending = progress (fixture)->counts[RV_VERDICT_PENDING];
  g_test_message ("%u RUCs given up during the outage", pending);
  if (pending > 0)
    {
      g_assert_true (action_enabled (fixture, "win.retry"));
      requests = mock_requests (fixture);
      activate (fixture, "win.retry", NULL);
      RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
      g_assert_cmpuint (mock_requests (fixture) - requests, ==, pending);
    }
  assert_counts (fixture, 300, 30);
  g_assert_true (window_shows (fixture, "All 30 RUCs checked"));
}

/* APIMIGO stops accepting the token during a run: the run ends, and a dialog offers the
 * preferences, where a new token is pasted. */
static void
test_token_rejected (Fixture       *fixture,
                     gconstpointer  data)
{
  AdwMessageDialog *dialog;
  GtkWindow *preferences;
  guint requests;

  open_slow_file (fixture, "token.csv", 400);
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (progress (fixture)->done >= 5);

  rv_mock_api_set_token (fixture->mock, "another-token");
  dialog = wait_message_dialog ("The API token was rejected");
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_DONE);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_cmpuint (count_message_dialogs (), ==, 1);
  g_assert_true (adw_message_dialog_has_response (dialog, "close"));
  /* What was answered before stays; the rest is pending and says why. */
  g_assert_cmpuint (progress (fixture)->counts[RV_VERDICT_PENDING], >, 0);
  g_assert_cmpuint (progress (fixture)->done, >=, 5);
  g_assert_true (action_enabled (fixture, "win.retry"));
  g_assert_true (window_shows (fixture, "Not checked: the API token was refused"));
  /* The run stopped asking. */
  RV_TEST_WAIT_FOR (progress (fixture)->in_flight == 0);
  requests = mock_requests (fixture);
  rv_test_save_screenshot (GTK_WIDGET (dialog), "window-token-rejected.png");
  g_assert_cmpuint (mock_requests (fixture), ==, requests);

  respond (dialog, "preferences");
  RV_TEST_WAIT_FOR ((preferences = rv_test_find_toplevel (RV_TYPE_PREFERENCES_WINDOW)) != NULL);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (fixture->window));

  /* With the token it accepts again, Retry Pending finishes the run. */
  gtk_window_destroy (preferences);
  rv_mock_api_set_token (fixture->mock, GOOD_TOKEN);
  rv_mock_api_set_latency (fixture->mock, 0, 0);
  activate (fixture, "win.retry", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  assert_counts (fixture, 400, SLOW_RUCS);
  g_assert_null (find_message_dialog ("The API token was rejected"));
}

/* Opens @path, which cannot be read: a dialog says why in one sentence, and the window
 * is back where it was, without a file; @shot names a screenshot of the dialog, if set.
 * Returns the dialog's body. */
static char *
open_unreadable (Fixture    *fixture,
                 const char *path,
                 const char *shot)
{
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  open_path_async (fixture, path);
  dialog = wait_message_dialog ("Could Not Open the Spreadsheet");
  body = g_strdup (adw_message_dialog_get_body (dialog));
  g_test_message ("%s: %s", path, body);
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_EMPTY);
  g_assert_null (rv_session_get_file (fixture->session));
  g_assert_cmpuint (count_message_dialogs (), ==, 1);
  /* One sentence, on one line, that names the file. */
  g_assert_nonnull (body);
  g_assert_null (strchr (body, '\n'));
  g_assert_null (strstr (body, ". "));
  g_assert_true (g_unichar_isupper (g_utf8_get_char (body)) || g_str_has_prefix (body, "“"));
  {
    g_autofree char *name = g_path_get_basename (path);

    g_assert_nonnull (strstr (body, name));
  }
  g_assert_true (shown (rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_STATUS_PAGE,
                                             "Check Your Suppliers and Clients")));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "RUC Validator");
  g_assert_false (action_enabled (fixture, "win.start"));
  if (shot != NULL)
    rv_test_save_screenshot (GTK_WIDGET (dialog), shot);
  respond (dialog, "close");
  g_assert_cmpuint (count_message_dialogs (), ==, 0);
  return g_steal_pointer (&body);
}

/* Files that cannot be read: cut short, not a spreadsheet, gone. */
static void
test_unreadable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *truncated = g_test_build_filename (G_TEST_DIST, "fixtures", "bad",
                                                      "xlsx-truncated.xlsx", NULL);
  g_autofree char *renamed = g_test_build_filename (G_TEST_DIST, "fixtures", "bad",
                                                    "png-renamed.xlsx", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "gone.xlsx", NULL);
  g_autofree char *binary = NULL;
  g_autofree char *body = NULL;
  guchar bytes[4096];

  /* Bytes that are no text in any encoding: NULs and control characters. */
  for (guint i = 0; i < sizeof bytes; i++)
    bytes[i] = (guchar) ((i * 7919u) % 256u);
  binary = write_file (fixture, "binary.csv", (const char *) bytes, sizeof bytes);

  g_free (open_unreadable (fixture, truncated, "window-unreadable.png"));
  g_free (open_unreadable (fixture, renamed, NULL));
  g_free (open_unreadable (fixture, binary, NULL));
  body = open_unreadable (fixture, missing, NULL);

  /* The window is still of use: the next file opens. */
  open_fixture (fixture, "suppliers.xlsx");
  g_assert_cmpuint (count_message_dialogs (), ==, 0);

  /* A file that cannot be read while another is open: the open one is let go, and the
   * dialog says why. */
  g_free (open_unreadable (fixture, truncated, NULL));
  screenshot (fixture, "window-unreadable-after.png");
}

typedef struct
{
  Fixture *fixture;
  double   at;          /* cancel once the reading is this far (1: read, being hashed) */
  double   fraction;    /* where the reading was when the user cancelled */
} CancelAt;

/* The user presses Cancel on the loading page once the reading is far enough: from here, in
 * the same main-loop iteration, so that the reading cannot end first. */
static void
on_load_fraction_cb (RvSession  *session,
                     GParamSpec *pspec,
                     CancelAt   *cancel_at)
{
  Fixture *fixture = cancel_at->fixture;
  GtkWidget *cancel;

  if (cancel_at->fraction > 0 || rv_session_get_load_fraction (session) < cancel_at->at)
    return;

  cancel_at->fraction = rv_session_get_load_fraction (session);
  g_assert_cmpint (rv_session_get_state (session), ==, RV_SESSION_STATE_LOADING);
  g_assert_true (window_shows (fixture, "Opening “big.csv”…"));
  cancel = rv_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, "_Cancel");
  g_assert_nonnull (cancel);
  click (cancel);
}

/* Cancel while a large file is read: back to the start page, and the reading lets go of
 * the session. */
static void
test_cancel_loading (Fixture       *fixture,
                     gconstpointer  data)
{
  enum { N_ROWS = 300000 };
  g_autoptr(GString) text = g_string_sized_new (N_ROWS * 32);
  g_autofree char *big = NULL;
  g_autofree char *small = NULL;
  guint refs;

  g_string_append (text, "RUC,Razón social\n");
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autofree char *ruc = ruc_at (1000, i);

      g_string_append_printf (text, "%s,Empresa %u S.A.C.\n", ruc, i);
    }
  big = write_file (fixture, "big.csv", text->str, text->len);
  small = write_rucs_csv (fixture, "small.csv", 500, 3);

  /* Cancelled while reading, and once read (while the file is hashed and the rows set up). */
  refs = G_OBJECT (fixture->session)->ref_count;
  for (guint i = 0; i < 2; i++)
    {
      CancelAt cancel_at = { fixture, i == 0 ? 0.001 : 1.0, 0 };
      gulong handler;

      handler = g_signal_connect (fixture->session, "notify::load-fraction",
                                  G_CALLBACK (on_load_fraction_cb), &cancel_at);
      open_path_async (fixture, big);
      g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_LOADING);
      RV_TEST_WAIT_FOR (cancel_at.fraction > 0);
      g_signal_handler_disconnect (fixture->session, handler);
      g_test_message ("cancelled at %.0f%%", cancel_at.fraction * 100);
      if (i == 0)
        g_assert_cmpfloat (cancel_at.fraction, <, 1.0);

      g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_EMPTY);
      g_assert_null (rv_session_get_file (fixture->session));
      g_assert_null (rv_session_get_workbook (fixture->session));
      g_assert_cmpfloat (rv_session_get_load_fraction (fixture->session), ==, 0);
      g_assert_true (shown (rv_test_find_widget (GTK_WIDGET (fixture->window),
                                                 ADW_TYPE_STATUS_PAGE,
                                                 "Check Your Suppliers and Clients")));
      g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "RUC Validator");

      /* The reading stops and lets go of the session; nothing of it arrives later. */
      RV_TEST_WAIT_FOR (G_OBJECT (fixture->session)->ref_count == refs);
      rv_test_wait_frames (GTK_WIDGET (fixture->window), 5);
      g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_EMPTY);
      g_assert_cmpuint (count_message_dialogs (), ==, 0);
      g_assert_null (rv_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_ACTION_ROW,
                                          "big.csv"));
    }

  /* The window is of use again. */
  open_path (fixture, small);
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->rows, ==, 3);
}

/* The row of the start page's recent list titled @name, if it is there. */
static GtkWidget *
recent_row (Fixture    *fixture,
            const char *name)
{
  GtkWidget *title = rv_test_find_widget (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                          "Recent Spreadsheets");
  GtkWidget *group;

  g_assert_nonnull (title);
  group = gtk_widget_get_ancestor (title, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_nonnull (group);
  return rv_test_find_widget (group, ADW_TYPE_ACTION_ROW, name);
}

/* A file opened is on the start page's recent list once closed; its row opens it again. */
static void
test_recent_files (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "fixtures", "sheets",
                                                   "suppliers.xlsx", NULL);
  g_autofree char *path = g_build_filename (fixture->dir, "proveedores-noviembre.xlsx", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr(GError) error = NULL;
  GtkWidget *row, *group;
  gsize length;

  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  g_assert_no_error (error);
  g_free (write_file (fixture, "proveedores-noviembre.xlsx", contents, length));

  open_path (fixture, path);
  activate (fixture, "win.close-file", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_EMPTY);

  RV_TEST_WAIT_FOR ((row = recent_row (fixture, "proveedores-noviembre.xlsx")) != NULL &&
                    shown (row));
  group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==,
                   "Recent Spreadsheets");
  screenshot (fixture, "window-recent.png");

  /* The list is made again whenever the recent files change (the list is written, and
   * read back): the row is looked for again. The newest is first. */
  row = recent_row (fixture, "proveedores-noviembre.xlsx");
  g_assert_nonnull (row);
  g_assert_true (row == rv_test_find_widget (gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX),
                                             ADW_TYPE_ACTION_ROW, NULL));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, fixture->dir);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (row)), ==, "win.open-file");
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row)),
                                         NULL), ==, uri);

  /* Activated as a click or Enter does. */
  g_assert_true (gtk_widget_activate (row));
  RV_TEST_WAIT_FOR (preview_ready (fixture));
  g_assert_true (g_file_equal (rv_session_get_file (fixture->session), file));
  g_assert_cmpuint (rv_session_get_sheet (fixture->session), ==, 1);
}

/* `ruc-validator FILE`: the application opens it in its window. */
static void
test_command_line (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *path = write_rucs_csv (fixture, "from-the-command-line.csv", 600, 4);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  g_assert_true (G_APPLICATION_HANDLES_OPEN & g_application_get_flags (G_APPLICATION (app)));
  g_application_open (G_APPLICATION (app), &file, 1, "");
  RV_TEST_WAIT_FOR (preview_ready (fixture));
  g_assert_true (g_file_equal (rv_session_get_file (fixture->session), file));
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->rows, ==, 4);
  /* In the window that was there, not a new one. */
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 1);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==,
                   "from-the-command-line.csv");
}

static RvRun *
last_run (Fixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  g_autoptr(RvStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  store = rv_store_new (db, &error);
  g_assert_no_error (error);
  runs = rv_store_list_runs (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  return rv_run_copy (g_ptr_array_index (runs, 0));
}

/* Another file while a check runs: the window asks first; "Keep Checking" keeps the run,
 * "Stop and Open" stops it (its answers are kept) and opens the other file. */
static void
test_open_during_run (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *second = write_rucs_csv (fixture, "second.csv", 800, 5);
  g_autofree char *first = NULL;
  g_autoptr(GFile) second_file = g_file_new_for_path (second);
  g_autoptr(RvRun) run = NULL;
  AdwMessageDialog *dialog;
  GFile *first_file;
  guint done, requests;

  open_slow_file (fixture, "first.csv", 700);
  first_file = rv_session_get_file (fixture->session);
  first = g_file_get_path (first_file);
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (progress (fixture)->done >= 3);

  /* Keep checking. */
  open_path_async (fixture, second);
  dialog = wait_message_dialog ("Stop the Check and Open “second.csv”?");
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_RUNNING);
  g_assert_true (rv_session_get_file (fixture->session) == first_file);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (fixture->window));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "open"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  rv_test_save_screenshot (GTK_WIDGET (dialog), "window-stop-and-open.png");
  respond (dialog, "cancel");
  g_assert_cmpint (rv_session_get_state (fixture->session), ==, RV_SESSION_STATE_RUNNING);
  g_assert_true (rv_session_get_file (fixture->session) == first_file);
  done = progress (fixture)->done;
  RV_TEST_WAIT_FOR (progress (fixture)->done >= done + 3);

  /* Stop and open. */
  open_path_async (fixture, second);
  dialog = wait_message_dialog ("Stop the Check and Open “second.csv”?");
  done = progress (fixture)->done;
  respond (dialog, "open");
  RV_TEST_WAIT_FOR (preview_ready (fixture));
  g_assert_true (g_file_equal (rv_session_get_file (fixture->session), second_file));
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->rows, ==, 5);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "second.csv");

  /* The first run stopped asking, and it is on record as cancelled. */
  RV_TEST_WAIT_FOR (answers_settled_mock (fixture));
  requests = mock_requests (fixture);
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 10);
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
  g_assert_cmpuint (requests, <, SLOW_RUCS);
  run = last_run (fixture);
  g_assert_cmpstr (run->file_name, ==, "first.csv");
  g_assert_cmpint (run->status, ==, RV_RUN_CANCELLED);
  g_assert_cmpint (run->finished_at, >, 0);

  /* Its answers were kept: opened again, what was answered is not asked again. */
  open_path (fixture, first);
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->cached, >=, done);
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->to_look_up, ==,
                    SLOW_RUCS - rv_session_get_preflight (fixture->session)->cached);
}

/* The window closed during a run, with requests in flight: everything lets go, the run is
 * on record as cancelled, and no answer arrives afterwards to a freed window. */
static void
test_close_during_run (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(RvRun) run = NULL;
  guint requests;

  open_slow_file (fixture, "closed.csv", 900);
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (progress (fixture)->done >= 3 && progress (fixture)->in_flight > 0);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (fixture->window == NULL);
  RV_TEST_WAIT_FOR (fixture->session == NULL);
  RV_TEST_WAIT_FOR (answers_settled_mock (fixture));
  requests = mock_requests (fixture);
  g_assert_cmpuint (requests, <, SLOW_RUCS);

  run = last_run (fixture);
  g_assert_cmpstr (run->file_name, ==, "closed.csv");
  g_assert_cmpint (run->status, ==, RV_RUN_CANCELLED);
  g_assert_cmpuint (run->counts[RV_VERDICT_PENDING], >, 0);
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
}

/* The table's search, its verdict filter and the counters, and the count of rows shown. */
static void
test_search_and_filter (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (fixture->window);
  GtkWidget *entry, *counter, *focus;
  GtkDropDown *dropdown;
  RvResultsView *view;
  guint n_rows, expected;
  g_autofree char *label = NULL;

  open_fixture (fixture, "suppliers.xlsx");
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  view = results_view (fixture);
  entry = rv_test_find_widget (window, GTK_TYPE_SEARCH_ENTRY, NULL);
  dropdown = GTK_DROP_DOWN (rv_test_find_widget (window, GTK_TYPE_DROP_DOWN, NULL));
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (rv_session_get_rows (fixture->session)));
  g_assert_cmpuint (n_rows, ==, 12);
  g_assert_cmpuint (rv_results_view_get_n_shown (view), ==, n_rows);
  g_assert_cmpstr (shown_text (fixture), ==, "12 rows");

  /* Ctrl+F, with a file open, is the table's search. */
  activate (fixture, "win.lookup", NULL);
  focus = gtk_window_get_focus (GTK_WINDOW (fixture->window));
  g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));

  /* A RUC, as typed (the search waits for the typing to pause). */
  gtk_editable_set_text (GTK_EDITABLE (entry), "20100047218");
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) == count_rows (fixture, -1, "20100047218"));
  g_assert_cmpuint (rv_results_view_get_n_shown (view), ==, 2);
  g_assert_cmpstr (shown_text (fixture), ==, "2 of 12 rows");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) == n_rows);
  g_assert_cmpstr (shown_text (fixture), ==, "12 rows");

  /* A verdict, from the dropdown. */
  gtk_drop_down_set_selected (dropdown, RV_VERDICT_FILTER_OBSERVED);
  expected = count_rows (fixture, RV_VERDICT_OBSERVED, NULL);
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (rv_results_view_get_n_shown (view), ==, expected);
  label = g_strdup_printf ("%u of 12 rows", expected);
  g_assert_cmpstr (shown_text (fixture), ==, label);

  /* A counter: the dropdown follows it. */
  counter = find_with_tooltip (window, "Show Only “Invalid” Rows");
  click (counter);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, RV_VERDICT_FILTER_INVALID);
  expected = count_rows (fixture, RV_VERDICT_INVALID, NULL);
  g_assert_cmpuint (rv_results_view_get_n_shown (view), ==, expected);
  g_clear_pointer (&label, g_free);
  label = g_strdup_printf ("%u of 12 rows", expected);
  g_assert_cmpstr (shown_text (fixture), ==, label);
  screenshot (fixture, "window-filtered.png");

  /* Both: valid rows of one RUC. */
  click (find_with_tooltip (window, "Show Only “Valid” Rows"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "20131312955");
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) ==
                    count_rows (fixture, RV_VERDICT_VALID, "20131312955"));
  g_assert_cmpuint (rv_results_view_get_n_shown (view), >, 1);

  /* Every problem; then everything again. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_drop_down_set_selected (dropdown, RV_VERDICT_FILTER_PROBLEMS);
  RV_TEST_WAIT_FOR (rv_results_view_get_n_shown (view) ==
                    n_rows - count_rows (fixture, RV_VERDICT_VALID, NULL));
  gtk_drop_down_set_selected (dropdown, RV_VERDICT_FILTER_ALL);
  g_assert_cmpuint (rv_results_view_get_n_shown (view), ==, n_rows);
  g_assert_cmpstr (shown_text (fixture), ==, "12 rows");
}

/* The done state in the dark style. */
static void
test_dark (Fixture       *fixture,
           gconstpointer  data)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();
  GtkWidget *counters;

  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_FORCE_DARK);
  RV_TEST_WAIT_FOR (adw_style_manager_get_dark (style_manager));
  open_fixture (fixture, "suppliers.xlsx");
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  /* The counters' verdict pills take their dark colours, as the table's do. */
  counters = gtk_widget_get_ancestor (find_with_tooltip (GTK_WIDGET (fixture->window),
                                                         "Show Only “Valid” Rows"),
                                      GTK_TYPE_FLOW_BOX);
  g_assert_true (gtk_widget_has_css_class (counters, "dark"));
  screenshot (fixture, "window-done-dark.png");
  adw_style_manager_set_color_scheme (style_manager, ADW_COLOR_SCHEME_DEFAULT);
  RV_TEST_WAIT_FOR (!adw_style_manager_get_dark (style_manager));
  g_assert_false (gtk_widget_has_css_class (counters, "dark"));
}

/* In a process of its own started in Spanish: GLib decides once per process whether
 * libraries' strings are translated (see test-results-view.c). Only strings that
 * po/es.po translates are checked. */
static void
test_spanish (void)
{
  if (g_test_subprocess ())
    {
      Fixture fixture = { 0 };

      fixture_set_up (&fixture, NULL);
      open_fixture (&fixture, "suppliers.xlsx");
      g_assert_nonnull (combo_row (&fixture, "Hoja"));
      g_assert_nonnull (combo_row (&fixture, "Columna de RUC"));
      g_assert_true (window_shows (&fixture, "Todas las filas"));
      screenshot (&fixture, "window-preview-es.png");

      activate (&fixture, "win.start", NULL);
      RV_TEST_WAIT_FOR (rv_session_get_state (fixture.session) == RV_SESSION_STATE_DONE);
      g_assert_true (window_shows (&fixture, "Válido"));
      g_assert_true (window_shows (&fixture, "Observado"));
      g_assert_true (window_shows (&fixture, "No encontrado"));
      g_assert_true (window_shows (&fixture, "Inválido"));
      g_assert_true (window_shows (&fixture, "Pendiente"));
      g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture.window), GTK_TYPE_BUTTON,
                                             "_Exportar…"));
      screenshot (&fixture, "window-done-es.png");

      /* The empty page too. */
      activate (&fixture, "win.close-file", NULL);
      RV_TEST_WAIT_FOR (rv_session_get_state (fixture.session) == RV_SESSION_STATE_EMPTY);
      g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture.window), ADW_TYPE_STATUS_PAGE,
                                             "Revise sus proveedores y clientes"));
      screenshot (&fixture, "window-empty-es.png");
      fixture_tear_down (&fixture, NULL);
      return;
    }

  g_setenv ("RV_TEST_LANGUAGE", "es", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT |
                                   G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("RV_TEST_LANGUAGE");
  g_test_trap_assert_passed ();
}

/* A wrong check digit's suggestion, accepted for its row: that row is checked with the
 * suggested RUC; the other rows and the file stay as they were. */
static void
test_apply_suggestion (Fixture       *fixture,
                       gconstpointer  data)
{
  RvRowList *rows;
  RvResultsView *view;
  RvRow *row = NULL;
  guint requests;

  open_fixture (fixture, "suppliers.xlsx");
  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  requests = mock_requests (fixture);

  rows = rv_session_get_rows (fixture->session);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      g_autoptr(RvRow) r = g_list_model_get_item (G_LIST_MODEL (rows), i);

      if (g_strcmp0 (rv_row_get_value (r), "20131312956") == 0)
        row = r;
    }
  g_assert_nonnull (row);
  g_assert_cmpint (rv_row_get_verdict (row), ==, RV_VERDICT_INVALID);
  g_assert_cmpuint (rv_batch_get_progress (rv_session_get_batch (fixture->session))->counts[RV_VERDICT_INVALID],
                    ==, 1);
  g_assert_cmpstr (rv_row_get_suggestion (row), ==, "20131312955");

  /* What the details pane's button does once the user confirmed. */
  view = RV_RESULTS_VIEW (rv_test_find_widget (GTK_WIDGET (fixture->window), RV_TYPE_RESULTS_VIEW,
                                               NULL));
  g_signal_emit_by_name (view, "apply-suggestion", row, "20131312955");
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE &&
                    rv_row_get_verdict (row) == RV_VERDICT_VALID);
  g_assert_cmpstr (rv_row_get_ruc (row), ==, "20131312955");
  g_assert_cmpstr (rv_row_get_value (row), ==, "20131312956");
  /* 20131312955 was answered for other rows: nothing new is asked. */
  g_assert_cmpuint (mock_requests (fixture), ==, requests);
  /* It was the only malformed value (an empty cell is not counted). */
  g_assert_cmpuint (rv_batch_get_progress (rv_session_get_batch (fixture->session))->counts[RV_VERDICT_INVALID],
                    ==, 0);
}

/* The pre-flight estimate: paced by the rate limit (APIMIGO's 600 a minute when the
 * preferences leave it to the provider) or by the requests in flight, whichever is slower. */
static void
test_estimate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *path = write_rucs_csv (fixture, "estimate.csv", 300, 300);
  const RvPreflight *preflight;

  g_settings_set_uint (fixture->settings, "rate", 0);
  open_path (fixture, path);
  preflight = rv_session_get_preflight (fixture->session);
  g_assert_cmpuint (preflight->to_look_up, ==, 300);
  /* 300 at 10 a second. */
  g_assert_cmpuint (preflight->seconds, ==, 30);
  g_assert_true (window_shows (fixture, "300 to look up (about 30 s)"));

  /* 300 a minute: five a second, a minute for 300. */
  activate (fixture, "win.close-file", NULL);
  g_settings_set_uint (fixture->settings, "rate", 300);
  open_path (fixture, path);
  g_assert_cmpuint (rv_session_get_preflight (fixture->session)->seconds, ==, 60);
  g_assert_true (window_shows (fixture, "300 to look up (about 1 min)"));
  g_assert_cmpuint (mock_requests (fixture), ==, 0);
}

/* APIMIGO chosen in the preferences without a token: the preview says what cannot be
 * looked up, and Check says why, without asking anything. */
static void
test_migo_without_token (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *path = write_rucs_csv (fixture, "sin-token.csv", 400, 10);
  const RvPreflight *preflight;

  g_unsetenv ("RUC_VALIDATOR_TOKEN");
  g_settings_set_string (fixture->settings, "provider", "migo");
  open_path (fixture, path);
  preflight = rv_session_get_preflight (fixture->session);
  g_assert_cmpuint (preflight->to_look_up, ==, 10);
  g_assert_cmpuint (preflight->seconds, ==, 0);
  g_assert_true (window_shows (fixture, "10 cannot be looked up online (see Preferences)"));

  activate (fixture, "win.start", NULL);
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_DONE);
  RV_TEST_WAIT_FOR (window_shows (fixture, "APIMIGO needs an API token"));
  g_assert_cmpuint (mock_requests (fixture), ==, 0);
  g_setenv ("RUC_VALIDATOR_TOKEN", GOOD_TOKEN, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");
  g_autofree char *data_home = NULL;
  int status;

  /* The recent files are in $XDG_DATA_HOME/recently-used.xbel: a folder of this process's
   * own, set before GLib reads the variable (once, at its first use), so that the user's
   * list is never touched and the tests start with none. */
  data_home = g_dir_make_tmp ("rv-window-run-data-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* No keyring either: the token is RUC_VALIDATOR_TOKEN's. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", g_getenv ("RV_TEST_LANGUAGE") ?: "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);
  rv_test_gui_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/window-run/open-run-export", test_open_run_export);
  ADD ("/window-run/sheet-and-column", test_sheet_and_column);
  ADD ("/window-run/pause-resume-stop", test_pause_resume_stop);
  ADD ("/window-run/pending-then-retry", test_pending_then_retry);
  ADD ("/window-run/provider-unavailable", test_provider_unavailable);
  ADD ("/window-run/token-rejected", test_token_rejected);
  ADD ("/window-run/unreadable", test_unreadable);
  ADD ("/window-run/cancel-loading", test_cancel_loading);
  ADD ("/window-run/recent-files", test_recent_files);
  ADD ("/window-run/command-line", test_command_line);
  ADD ("/window-run/open-during-run", test_open_during_run);
  ADD ("/window-run/close-during-run", test_close_during_run);
  ADD ("/window-run/search-and-filter", test_search_and_filter);
  ADD ("/window-run/dark", test_dark);
  ADD ("/window-run/apply-suggestion", test_apply_suggestion);
  ADD ("/window-run/estimate", test_estimate);
  ADD ("/window-run/migo-without-token", test_migo_without_token);
#undef ADD
  g_test_add_func ("/window-run/spanish", test_spanish);

  status = g_test_run ();
  rv_test_remove_tree (data_home);
  return status;
}
