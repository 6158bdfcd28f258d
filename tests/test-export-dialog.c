/* test-export-dialog.c
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

#include "rv-export-dialog-private.h"
#include "rv-sheet-reader.h"
#include "rv-test-export.h"
#include "rv-test-gui.h"
#include "rv-test-sheet.h"

/* Drives the real export dialog under Xvfb: the choices, the write through what the file
 * chooser's Accept does, a failure, a cancellation, the chooser itself (GTK's own dialog
 * stands in for the portal here), the suggested name in two languages, Show in Folder
 * without a file manager, and screenshots.
 */

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The files in @dir, sorted, as one string "a b c" ("" for none). */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

typedef struct
{
  GtkWindow      *parent;
  RvTestExport   *data;
  char           *dir;
  char           *input_path;
  RvExportDialog *dialog;       /* weak */
  GFile          *exported;
  guint           n_exported;
  char           *failed;
  guint           n_failed;
  guint           n_format_notifies;
  guint           n_rows_notifies;
} Fixture;

static void
exported_cb (RvExportDialog *dialog,
             GFile          *file,
             Fixture        *fixture)
{
  g_assert_true (G_IS_FILE (file));
  fixture->n_exported++;
  g_set_object (&fixture->exported, file);
  /* The file is in place when the signal says so. */
  g_assert_true (g_file_query_exists (file, NULL));
}

static void
failed_cb (RvExportDialog *dialog,
           const char     *message,
           Fixture        *fixture)
{
  fixture->n_failed++;
  g_free (fixture->failed);
  fixture->failed = g_strdup (message);
}

static void
notify_cb (RvExportDialog *dialog,
           GParamSpec     *pspec,
           Fixture        *fixture)
{
  if (g_str_equal (pspec->name, "format"))
    fixture->n_format_notifies++;
  else if (g_str_equal (pspec->name, "rows"))
    fixture->n_rows_notifies++;
}

/* A new dialog over @export, with its signals recorded in @fixture. */
static void
open_dialog (Fixture        *fixture,
             const RvExport *export)
{
  g_assert_null (fixture->dialog);

  fixture->dialog = rv_export_dialog_new (fixture->parent, export, fixture->input_path);
  g_assert_true (RV_IS_EXPORT_DIALOG (fixture->dialog));
  g_object_add_weak_pointer (G_OBJECT (fixture->dialog), (gpointer *) &fixture->dialog);
  g_signal_connect (fixture->dialog, "exported", G_CALLBACK (exported_cb), fixture);
  g_signal_connect (fixture->dialog, "failed", G_CALLBACK (failed_cb), fixture);
  g_signal_connect (fixture->dialog, "notify", G_CALLBACK (notify_cb), fixture);
  fixture->n_exported = fixture->n_failed = 0;
  fixture->n_format_notifies = fixture->n_rows_notifies = 0;
  g_clear_object (&fixture->exported);
  g_clear_pointer (&fixture->failed, g_free);

  rv_export_dialog_present (fixture->dialog);
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->dialog)));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->parent = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (fixture->parent, 800, 600);
  gtk_window_present (fixture->parent);
  RV_TEST_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (fixture->parent)));

  fixture->data = rv_test_export_new ();
  fixture->dir = rv_test_make_dir ("test-export-dialog");
  /* The checked file need not exist for the dialog: only its folder and name are used. */
  fixture->input_path = g_build_filename (fixture->dir, "proveedores.xlsx", NULL);
  open_dialog (fixture, &fixture->data->export);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  gtk_window_destroy (fixture->parent);

  g_clear_object (&fixture->exported);
  g_clear_pointer (&fixture->failed, g_free);
  rv_test_export_free (fixture->data);
  rv_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->input_path);
}

static GtkCheckButton *
find_check (Fixture    *fixture,
            const char *title)
{
  GtkWidget *row = rv_test_find_widget (GTK_WIDGET (fixture->dialog), ADW_TYPE_ACTION_ROW, title);
  GtkWidget *check;

  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  check = rv_test_find_widget (row, GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_nonnull (check);
  return GTK_CHECK_BUTTON (check);
}

/* What a click on a row does. */
static void
choose (Fixture    *fixture,
        const char *title)
{
  GtkWidget *row = rv_test_find_widget (GTK_WIDGET (fixture->dialog), ADW_TYPE_ACTION_ROW, title);

  g_assert_nonnull (row);
  adw_action_row_activate (ADW_ACTION_ROW (row));
  g_assert_true (gtk_check_button_get_active (find_check (fixture, title)));
}

static GtkWidget *
find_button (Fixture    *fixture,
             const char *label)
{
  GtkWidget *button = rv_test_find_widget (GTK_WIDGET (fixture->dialog), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  return button;
}

static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->dialog);
  GtkWidget *export_button = find_button (fixture, "_Export…");
  RvExportFormat format;
  RvExportRows rows;

  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (root)) == fixture->parent);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (root)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (root)), ==, "Export");
  g_assert_true (gtk_widget_has_css_class (export_button, "suggested-action"));
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (root)) == export_button);
  g_assert_false (gtk_widget_has_css_class (find_button (fixture, "_Cancel"), "suggested-action"));

  g_assert_cmpint (rv_export_dialog_get_format (fixture->dialog), ==, RV_EXPORT_FORMAT_XLSX);
  g_assert_cmpint (rv_export_dialog_get_rows (fixture->dialog), ==, RV_EXPORT_ALL);
  g_object_get (fixture->dialog, "format", &format, "rows", &rows, NULL);
  g_assert_cmpint (format, ==, RV_EXPORT_FORMAT_XLSX);
  g_assert_cmpint (rows, ==, RV_EXPORT_ALL);
  g_assert_true (gtk_check_button_get_active (find_check (fixture, "Excel workbook (.xlsx)")));
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "OpenDocument spreadsheet (.ods)")));
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "CSV, UTF-8 (.csv)")));
  g_assert_true (gtk_check_button_get_active (find_check (fixture, "All rows")));
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "Valid rows only")));
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "Rows with problems only")));

  g_assert_true (rv_test_widget_shows_text (root,
                                            "With the Problems and Summary sheets, RUCs as text, "
                                            "coloured verdicts"));
  g_assert_true (rv_test_widget_shows_text (root, "The rows alone, for other programs"));

  /* A choice is a radio: one of each group, and notified once. */
  choose (fixture, "CSV, UTF-8 (.csv)");
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "Excel workbook (.xlsx)")));
  g_assert_cmpint (rv_export_dialog_get_format (fixture->dialog), ==, RV_EXPORT_FORMAT_CSV);
  g_assert_cmpuint (fixture->n_format_notifies, ==, 1);
  g_assert_cmpuint (fixture->n_rows_notifies, ==, 0);
  choose (fixture, "Valid rows only");
  g_assert_false (gtk_check_button_get_active (find_check (fixture, "All rows")));
  g_assert_cmpint (rv_export_dialog_get_rows (fixture->dialog), ==, RV_EXPORT_VALID);
  g_assert_cmpuint (fixture->n_rows_notifies, ==, 1);
  rv_export_dialog_set_format (fixture->dialog, RV_EXPORT_FORMAT_ODS);
  g_assert_true (gtk_check_button_get_active (find_check (fixture, "OpenDocument spreadsheet (.ods)")));
  rv_export_dialog_set_format (fixture->dialog, RV_EXPORT_FORMAT_ODS);
  g_assert_cmpuint (fixture->n_format_notifies, ==, 2);

  /* Choices without an export are not remembered. */
  gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  open_dialog (fixture, &fixture->data->export);
  g_assert_cmpint (rv_export_dialog_get_format (fixture->dialog), ==, RV_EXPORT_FORMAT_XLSX);
  g_assert_cmpint (rv_export_dialog_get_rows (fixture->dialog), ==, RV_EXPORT_ALL);
}

/* @sheet with its times as the plan writes them: our ODS reader gives a time alone as
 * "08:15:00" (a duration), where the plan says "1900-01-00 08:15:00" (as test-ods-writer).
 */
static RvSheet *
plan_times (RvSheet *sheet)
{
  RvSheet *copy = rv_sheet_new (rv_sheet_get_name (sheet));

  for (guint row = 0; row < rv_sheet_get_n_rows (sheet); row++)
    for (guint column = 0; column < rv_sheet_get_n_columns (sheet); column++)
      {
        g_autofree char *time = NULL;
        RvCell cell;

        rv_sheet_get_cell (sheet, row, column, &cell);
        if (cell.kind == RV_CELL_DATE && strlen (cell.text) == 8 && cell.text[2] == ':')
          time = g_strconcat ("1900-01-00 ", cell.text, NULL);
        g_assert_true (rv_sheet_set_cell (copy, row, column, cell.kind, cell.formula,
                                          time != NULL ? time : cell.text, -1));
      }

  return copy;
}

/* Every sheet of @export's plan, in order, and every cell, in @workbook. */
static void
check_ods (const RvExport *export,
           RvWorkbook     *workbook)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvExportPlan) plan = _rv_export_plan_new (export, RV_EXPORT_FORMAT_ODS, "check",
                                                      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, _rv_export_plan_get_n_sheets (plan));
  for (guint i = 0; i < _rv_export_plan_get_n_sheets (plan); i++)
    {
      g_autoptr(RvSheet) sheet = plan_times (rv_workbook_get_sheet (workbook, i));

      rv_test_export_check_sheet (plan, i, sheet);
    }
}

static void
test_ods_problems (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *expected_path = g_build_filename (fixture->dir, "salida.ods", NULL);
  g_autoptr(GFile) chosen = NULL;
  g_autoptr(GFile) expected = g_file_new_for_path (expected_path);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *listing = NULL;
  RvExport export = fixture->data->export;
  RvSheet *sheet;

  choose (fixture, "OpenDocument spreadsheet (.ods)");
  choose (fixture, "Rows with problems only");

  /* A name typed without the extension gets it. */
  chosen = g_file_new_build_filename (fixture->dir, "salida", NULL);
  _rv_export_dialog_export_to (fixture->dialog, chosen);

  /* Busy: nothing to click but Cancel. */
  g_assert_nonnull (_rv_export_dialog_get_cancellable (fixture->dialog));
  g_assert_false (gtk_widget_get_sensitive (find_button (fixture, "_Export…")));
  g_assert_true (gtk_widget_get_sensitive (find_button (fixture, "_Cancel")));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (find_check (fixture, "All rows"))));
  g_assert_true (gtk_widget_get_visible (rv_test_find_widget (GTK_WIDGET (fixture->dialog),
                                                              GTK_TYPE_SPINNER, NULL)));
  g_assert_true (rv_test_widget_shows_text (GTK_WIDGET (fixture->dialog),
                                            "Writing “salida.ods”…"));

  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  g_assert_cmpuint (fixture->n_exported, ==, 1);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_true (g_file_equal (fixture->exported, expected));

  /* Only the file: no temporary file is left beside it. */
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "salida.ods");

  workbook = rv_test_export_read_back (RV_EXPORT_FORMAT_ODS, expected_path);
  /* The data with only the problem rows, and the Summary: no Problems sheet. */
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);
  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Proveedores");
  export.rows = RV_EXPORT_PROBLEMS;
  check_ods (&export, workbook);
  /* It is not what all rows would give. */
  export.rows = RV_EXPORT_ALL;
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), <, rv_sheet_get_n_rows (export.sheet));
}

static void
test_csv_valid (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "válidos.CSV", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *listing = NULL;

  choose (fixture, "CSV, UTF-8 (.csv)");
  choose (fixture, "Valid rows only");

  /* A name with the extension, in capitals, keeps it. */
  _rv_export_dialog_export_to (fixture->dialog, file);
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  g_assert_cmpuint (fixture->n_exported, ==, 1);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  g_assert_true (g_file_equal (fixture->exported, file));
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "válidos.CSV");

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (contents, "\xef\xbb\xbf"));
  g_assert_nonnull (strstr (contents, "20131312955"));   /* active, habido */
  g_assert_nonnull (strstr (contents, "17155542071"));
  g_assert_null (strstr (contents, "20100070970"));      /* not found */
  g_assert_null (strstr (contents, "20100047218"));      /* baja de oficio */
  g_assert_null (strstr (contents, "Dígito errado"));

  /* The next dialog starts from these choices. */
  open_dialog (fixture, &fixture->data->export);
  g_assert_cmpint (rv_export_dialog_get_format (fixture->dialog), ==, RV_EXPORT_FORMAT_CSV);
  g_assert_cmpint (rv_export_dialog_get_rows (fixture->dialog), ==, RV_EXPORT_VALID);
  rv_export_dialog_set_format (fixture->dialog, RV_EXPORT_FORMAT_XLSX);
  rv_export_dialog_set_rows (fixture->dialog, RV_EXPORT_ALL);
  {
    g_autoptr(GFile) other = g_file_new_build_filename (fixture->dir, "todo", NULL);

    _rv_export_dialog_export_to (fixture->dialog, other);
    RV_TEST_WAIT_FOR (fixture->dialog == NULL);
    g_assert_cmpuint (fixture->n_exported, ==, 1);
  }
}

static void
test_failed (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GFile) missing = g_file_new_build_filename (fixture->dir, "falta", "x.xlsx", NULL);
  g_autoptr(GFile) good = g_file_new_build_filename (fixture->dir, "x.xlsx", NULL);
  GtkWidget *root = GTK_WIDGET (fixture->dialog);
  g_autofree char *listing = NULL;

  _rv_export_dialog_export_to (fixture->dialog, missing);
  RV_TEST_WAIT_FOR (fixture->n_failed == 1);
  g_assert_cmpuint (fixture->n_exported, ==, 0);
  g_assert_true (g_str_has_prefix (fixture->failed, "Cannot write “x.xlsx”: "));
  g_assert_cmpuint (strlen (fixture->failed), >, strlen ("Cannot write “x.xlsx”: "));

  /* The dialog stays, ready again, and says why. */
  g_assert_nonnull (fixture->dialog);
  g_assert_true (gtk_widget_get_visible (root));
  g_assert_null (_rv_export_dialog_get_cancellable (fixture->dialog));
  g_assert_true (gtk_widget_get_sensitive (find_button (fixture, "_Export…")));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (find_check (fixture, "All rows"))));
  g_assert_false (gtk_widget_get_visible (rv_test_find_widget (root, GTK_TYPE_SPINNER, NULL)));
  RV_TEST_WAIT_FOR (rv_test_widget_shows_text (root, fixture->failed));
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "");

  gtk_window_set_default_size (GTK_WINDOW (root), 460, 560);
  rv_test_wait_frames (root, 30);
  rv_test_save_screenshot (root, "export-dialog-failed.png");

  /* Another place works. */
  _rv_export_dialog_export_to (fixture->dialog, good);
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  g_assert_cmpuint (fixture->n_exported, ==, 1);
  g_assert_cmpuint (fixture->n_failed, ==, 1);
  g_assert_true (g_file_equal (fixture->exported, good));
}

static void
result_unref0 (gpointer result)
{
  if (result != NULL)
    rv_result_unref (result);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  const guint n_rows = 60000;
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Grande");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (result_unref0);
  g_autoptr(RvResult) valid = rv_test_export_answer ("20131312955", TRUE, "SUNAT", "ACTIVO", "HABIDO");
  g_autoptr(GFile) file = g_file_new_build_filename (fixture->dir, "grande.xlsx", NULL);
  g_autofree char *listing = NULL;
  RvExport export = fixture->data->export;
  GtkWidget *cancel;

  /* Cancel before any export: the dialog closes, nothing is written or said. */
  g_signal_emit_by_name (find_button (fixture, "_Cancel"), "clicked");
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);
  g_assert_cmpuint (fixture->n_exported + fixture->n_failed, ==, 0);

  /* A sheet big enough that the write is still under way when Cancel is clicked. */
  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 0, 1, RV_CELL_TEXT, FALSE, "Nombre", -1));
  g_ptr_array_add (results, NULL);
  for (guint row = 1; row <= n_rows; row++)
    {
      g_assert_true (rv_sheet_set_cell (sheet, row, 0, RV_CELL_TEXT, FALSE, "20131312955", -1));
      g_assert_true (rv_sheet_set_cell (sheet, row, 1, RV_CELL_TEXT, FALSE, "SUNAT", -1));
      g_ptr_array_add (results, rv_result_ref (valid));
    }
  export.sheet = sheet;
  export.header_row = 0;
  export.first_row = 1;
  export.ruc_column = 0;
  export.results = (RvResult * const *) results->pdata;
  open_dialog (fixture, &export);

  _rv_export_dialog_export_to (fixture->dialog, file);
  g_assert_nonnull (_rv_export_dialog_get_cancellable (fixture->dialog));
  cancel = find_button (fixture, "_Cancel");
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_true (g_cancellable_is_cancelled (_rv_export_dialog_get_cancellable (fixture->dialog)));
  /* Gone for the user at once; destroyed when the writer has cleaned up. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->dialog)));
  RV_TEST_WAIT_FOR (fixture->dialog == NULL);

  g_assert_cmpuint (fixture->n_exported, ==, 0);
  g_assert_cmpuint (fixture->n_failed, ==, 0);
  listing = list_dir (fixture->dir);
  g_assert_cmpstr (listing, ==, "");
}

/* The file chooser as GTK shows it without a portal (its own dialog): folder, name and
 * filter suggested; Cancel leaves the dialog as it was.
 */
static void
test_chooser (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GFile) folder = g_file_new_for_path (fixture->dir);
  g_autoptr(GFile) current = NULL;
  GtkFileFilter *filter;
  GtkWindow *chooser;

  choose (fixture, "OpenDocument spreadsheet (.ods)");
  g_signal_emit_by_name (find_button (fixture, "_Export…"), "clicked");
  RV_TEST_WAIT_FOR ((chooser = rv_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL);
  g_assert_true (gtk_window_get_transient_for (chooser) == GTK_WINDOW (fixture->dialog));
  g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                   GTK_FILE_CHOOSER_ACTION_SAVE);
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser)), ==,
                   "proveedores-validated.ods");
  /* The chooser loads the folder in the background. */
  RV_TEST_WAIT_FOR ((current = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (chooser)))
                    != NULL);
  g_assert_true (g_file_equal (current, folder));
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  g_assert_nonnull (filter);
  g_assert_cmpstr (gtk_file_filter_get_name (filter), ==, "OpenDocument spreadsheet (.ods)");

  /* Escape-like refusal leaves the dialog as it was. */
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
  RV_TEST_WAIT_FOR (rv_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL);
  g_assert_nonnull (fixture->dialog);
  g_assert_null (_rv_export_dialog_get_cancellable (fixture->dialog));

  /* Accept is not driven here: under Xvfb, GTK's fallback dialog checks a typed name
   * asynchronously and never answered in this test, so the tests call what Accept does
   * (_rv_export_dialog_export_to) directly. The accept button is ours, though.
   */
  g_signal_emit_by_name (find_button (fixture, "_Export…"), "clicked");
  RV_TEST_WAIT_FOR ((chooser = rv_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG)) != NULL);
  {
    GtkWidget *accept = gtk_dialog_get_widget_for_response (GTK_DIALOG (chooser),
                                                            GTK_RESPONSE_ACCEPT);

    g_assert_nonnull (accept);
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (accept)), ==, "_Export");
  }
  /* The dialog closing closes its chooser. */
  gtk_window_destroy (GTK_WINDOW (fixture->dialog));
  RV_TEST_WAIT_FOR (rv_test_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL);
  g_assert_cmpuint (fixture->n_exported + fixture->n_failed, ==, 0);
}

/* Switches the language of translations: glibc caches what it found, and calling
 * textdomain() again is what tells it to look again.
 */
static void
set_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  textdomain (GETTEXT_PACKAGE);
}

static void
test_suggested_name (void)
{
  static const struct {
    const char     *input;
    RvExportFormat  format;
    const char     *en;
    const char     *es;
  } cases[] = {
    { "/tmp/x/proveedores.xlsx", RV_EXPORT_FORMAT_ODS, "proveedores-validated.ods", "proveedores-validado.ods" },
    { "/tmp/x/proveedores.xlsx", RV_EXPORT_FORMAT_XLSX, "proveedores-validated.xlsx", "proveedores-validado.xlsx" },
    { "/tmp/x/lista.2026.csv", RV_EXPORT_FORMAT_CSV, "lista.2026-validated.csv", "lista.2026-validado.csv" },
    { "/tmp/x/lista", RV_EXPORT_FORMAT_CSV, "lista-validated.csv", "lista-validado.csv" },
    { "/tmp/x/.oculto", RV_EXPORT_FORMAT_CSV, ".oculto-validated.csv", ".oculto-validado.csv" },
    { NULL, RV_EXPORT_FORMAT_XLSX, "validated.xlsx", "validado.xlsx" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *en = NULL;
      g_autofree char *es = NULL;

      en = _rv_export_dialog_suggest_name (cases[i].input, cases[i].format);
      set_language ("es");
      es = _rv_export_dialog_suggest_name (cases[i].input, cases[i].format);
      set_language ("en");
      g_assert_cmpstr (en, ==, cases[i].en);
      g_assert_cmpstr (es, ==, cases[i].es);
    }
}

static void
show_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  /* Nothing can show a folder here: the error is only logged by rv_show_in_folder. */
  g_assert_false (_rv_show_in_folder_finish (result, &error));
  g_assert_nonnull (error);
  *done = TRUE;
}

/* Without a session bus or any application for folders, Show in Folder fails quietly. */
static void
test_show_in_folder (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = rv_test_make_dir ("test-export-dialog-show");
      g_autofree char *empty = g_build_filename (dir, "empty", NULL);
      g_autofree char *bus = g_strconcat ("unix:path=", dir, "/no-bus", NULL);
      g_autoptr(GFile) file = g_file_new_build_filename (dir, "x.xlsx", NULL);
      GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
      gboolean done = FALSE;

      g_assert_no_errno (g_mkdir (empty, 0700));
      g_assert_true (g_file_set_contents (g_file_peek_path (file), "x", 1, NULL));
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
      for (const char * const *v = (const char *[]) { "XDG_DATA_HOME", "XDG_DATA_DIRS",
                                                      "XDG_CONFIG_HOME", "XDG_CONFIG_DIRS",
                                                      NULL };
           *v != NULL; v++)
        g_setenv (*v, empty, TRUE);

      _rv_show_in_folder_async (parent, file, show_done_cb, &done);
      RV_TEST_WAIT_FOR (done);

      /* The public call returns at once and logs only. */
      rv_show_in_folder (parent, file);
      rv_show_in_folder (NULL, file);
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      g_usleep (200 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;

      gtk_window_destroy (parent);
      rv_test_remove_tree (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  GtkWidget *root = GTK_WIDGET (fixture->dialog);

  rv_test_wait_frames (root, 30);
  rv_test_save_screenshot (root, name);
}

static void
test_screenshot_en (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture->dialog), ADW_TYPE_ACTION_ROW,
                                         "Excel workbook (.xlsx)"));
  screenshot (fixture, "export-dialog.png");
}

static void
test_screenshot_es (Fixture       *fixture,
                    gconstpointer  data)
{
  /* The set-up ran in Spanish (see below): the dialog is translated. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->dialog)), ==, "Exportar");
  g_assert_nonnull (rv_test_find_widget (GTK_WIDGET (fixture->dialog), ADW_TYPE_ACTION_ROW,
                                         "Todas las filas"));
  screenshot (fixture, "export-dialog-es.png");
}

static void
spanish_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  set_language ("es");
  fixture_set_up (fixture, data);
}

static void
spanish_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  fixture_tear_down (fixture, data);
  set_language ("en");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RUC_VALIDATOR_LOCALEDIR");

  /* English by default; the Spanish cases switch LANGUAGE (which a C.UTF-8 locale honours). */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  /* A display is required: CI runs this under xvfb-run. */
  rv_test_gui_init ();

  /* First: the choices of an export are remembered for the program's lifetime. */
  g_test_add ("/export-dialog/defaults", Fixture, NULL,
              fixture_set_up, test_defaults, fixture_tear_down);
  g_test_add ("/export-dialog/ods-problems", Fixture, NULL,
              fixture_set_up, test_ods_problems, fixture_tear_down);
  g_test_add ("/export-dialog/csv-valid", Fixture, NULL,
              fixture_set_up, test_csv_valid, fixture_tear_down);
  g_test_add ("/export-dialog/failed", Fixture, NULL,
              fixture_set_up, test_failed, fixture_tear_down);
  g_test_add ("/export-dialog/cancel", Fixture, NULL,
              fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/export-dialog/chooser", Fixture, NULL,
              fixture_set_up, test_chooser, fixture_tear_down);
  g_test_add_func ("/export-dialog/suggested-name", test_suggested_name);
  g_test_add_func ("/export-dialog/show-in-folder", test_show_in_folder);
  g_test_add ("/export-dialog/screenshot/en", Fixture, NULL,
              fixture_set_up, test_screenshot_en, fixture_tear_down);
  g_test_add ("/export-dialog/screenshot/es", Fixture, NULL,
              spanish_set_up, test_screenshot_es, spanish_tear_down);

  return g_test_run ();
}
