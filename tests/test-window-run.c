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
  g_autofree char *data_home = NULL;

  fixture->mock = rv_mock_api_new ();
  rv_mock_api_set_token (fixture->mock, GOOD_TOKEN);
  g_assert_true (rv_mock_api_listen (fixture->mock, 0, &error));
  g_assert_no_error (error);
  url = rv_mock_api_dup_base_url (fixture->mock);

  fixture->dir = rv_test_make_dir ("rv-window-run-XXXXXX");
  db = g_build_filename (fixture->dir, "cache.sqlite3", NULL);
  g_setenv ("RUC_VALIDATOR_DB", db, TRUE);
  g_setenv ("RUC_VALIDATOR_TOKEN", GOOD_TOKEN, TRUE);

  fixture->settings = g_settings_new ("io.github.rucvalidator.RucValidator");
  g_settings_reset (fixture->settings, "provider");
  g_settings_set_string (fixture->settings, "base-url", url);

  if (app == NULL)
    {
      app = rv_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  fixture->window = rv_window_new (GTK_APPLICATION (app));
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  fixture->session = rv_window_get_session (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 720);
  gtk_window_present (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->window)));
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
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  RV_TEST_WAIT_FOR (fixture->window == NULL);
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

static void
open_fixture (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "sheets", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);

  activate (fixture, "win.open-file", g_variant_new_string (uri));
  RV_TEST_WAIT_FOR (rv_session_get_state (fixture->session) == RV_SESSION_STATE_PREVIEW &&
                    rv_session_get_preflight (fixture->session)->counted);
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

static RvExportDialog *
find_export_dialog (void)
{
  GtkWindow *window;

  RV_TEST_WAIT_FOR ((window = rv_test_find_toplevel (RV_TYPE_EXPORT_DIALOG)) != NULL &&
                    gtk_widget_get_mapped (GTK_WIDGET (window)));
  return RV_EXPORT_DIALOG (window);
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
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 30);
  rv_test_save_screenshot (GTK_WIDGET (fixture->window), "window-preview.png");

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
  rv_test_wait_frames (GTK_WIDGET (fixture->window), 30);
  rv_test_save_screenshot (GTK_WIDGET (fixture->window), "window-done.png");

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

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");

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
  ADD ("/window-run/apply-suggestion", test_apply_suggestion);
#undef ADD

  return g_test_run ();
}
