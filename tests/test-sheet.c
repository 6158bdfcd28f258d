/* test-sheet.c
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

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "rv-sheet.h"
#include "rv-sheet-reader.h"
#include "rv-sheet-reader-private.h"
#include "rv-workbook.h"

static void
test_cells (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Proveedores");
  RvCell cell;

  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Proveedores");
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 0);
  g_assert_false (rv_sheet_get_cell (sheet, 0, 0, &cell));
  g_assert_cmpstr (cell.text, ==, "");
  g_assert_cmpint (cell.kind, ==, RV_CELL_EMPTY);

  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 0, 2, RV_CELL_TEXT, FALSE, "Razón Social", -1));
  /* Row 1 left empty; row 2 sparse; columns in any order within the last row. */
  g_assert_true (rv_sheet_set_cell (sheet, 2, 5, RV_CELL_NUMBER, TRUE, "20131312955", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 2, 1, RV_CELL_DATE, FALSE, "2026-11-22xx", 10));
  g_assert_true (rv_sheet_set_cell (sheet, 2, 1, RV_CELL_BOOLEAN, FALSE, "TRUE", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 2, 3, RV_CELL_TEXT, FALSE, "", -1));

  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), ==, 3);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, 6);

  g_assert_true (rv_sheet_get_cell (sheet, 0, 2, &cell));
  g_assert_cmpstr (cell.text, ==, "Razón Social");
  g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
  g_assert_false (rv_sheet_get_cell (sheet, 0, 1, &cell));
  g_assert_false (rv_sheet_get_cell (sheet, 1, 0, &cell));
  g_assert_true (rv_sheet_get_cell (sheet, 2, 5, &cell));
  g_assert_cmpstr (cell.text, ==, "20131312955");
  g_assert_cmpint (cell.kind, ==, RV_CELL_NUMBER);
  g_assert_true (cell.formula);
  g_assert_true (rv_sheet_get_cell (sheet, 2, 1, &cell));
  g_assert_cmpstr (cell.text, ==, "TRUE");
  g_assert_cmpint (cell.kind, ==, RV_CELL_BOOLEAN);
  g_assert_false (rv_sheet_get_cell (sheet, 2, 3, &cell));
  g_assert_false (rv_sheet_get_cell (sheet, 2, 99, &cell));
  g_assert_false (rv_sheet_get_cell (sheet, 99, 0, &cell));
  g_assert_cmpstr (rv_sheet_get_text (sheet, 99, 99), ==, "");

  /* Rows only go forward. */
  g_assert_false (rv_sheet_set_cell (sheet, 0, 9, RV_CELL_TEXT, FALSE, "late", -1));
  g_assert_cmpstr (rv_sheet_get_text (sheet, 0, 9), ==, "");

  g_assert_finalize_object (g_steal_pointer (&sheet));
}

static void
test_limits (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Hoja1");
  g_autofree char *big = g_strnfill (RV_SHEET_MAX_CELL_BYTES + 1, 'x');

  g_assert_false (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, big, -1));
  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, big, RV_SHEET_MAX_CELL_BYTES));
  g_assert_false (rv_sheet_set_cell (sheet, 0, RV_SHEET_MAX_COLUMNS, RV_CELL_TEXT, FALSE, "x", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 0, RV_SHEET_MAX_COLUMNS - 1, RV_CELL_TEXT, FALSE, "x", -1));
  g_assert_false (rv_sheet_set_cell (sheet, RV_SHEET_MAX_ROWS, 0, RV_CELL_TEXT, FALSE, "x", -1));
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), ==, RV_SHEET_MAX_COLUMNS);
}

/* 100,000 rows × 10 columns must fit in far less than 100 MB. */
static void
test_compact (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Big");
  gsize size;

  for (guint r = 0; r < 100000; r++)
    for (guint c = 0; c < 10; c++)
      {
        char text[32];

        g_snprintf (text, sizeof text, "%u-%u-valor", r, c);
        g_assert_true (rv_sheet_set_cell (sheet, r, c, RV_CELL_TEXT, FALSE, text, -1));
      }

  size = rv_sheet_get_memory_size (sheet);
  g_test_message ("100,000 × 10 cells: %" G_GSIZE_FORMAT " bytes", size);
  g_assert_cmpuint (size, <, 30 * 1024 * 1024);
  g_assert_cmpstr (rv_sheet_get_text (sheet, 99999, 9), ==, "99999-9-valor");
  g_assert_cmpuint (rv_sheet_get_n_cells (sheet), ==, 1000000);
}

static void
test_column_letters (void)
{
  static const struct { guint column; const char *letters; } cases[] = {
    { 0, "A" }, { 1, "B" }, { 25, "Z" }, { 26, "AA" }, { 27, "AB" }, { 51, "AZ" },
    { 52, "BA" }, { 701, "ZZ" }, { 702, "AAA" }, { 16383, "XFD" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *letters = rv_sheet_column_letter (cases[i].column);
      g_autofree char *lower = g_ascii_strdown (cases[i].letters, -1);
      guint column = 0;

      g_assert_cmpstr (letters, ==, cases[i].letters);
      g_assert_true (rv_sheet_parse_column (cases[i].letters, &column));
      g_assert_cmpuint (column, ==, cases[i].column);
      g_assert_true (rv_sheet_parse_column (lower, &column));
      g_assert_cmpuint (column, ==, cases[i].column);
    }

  {
    guint column = 0;

    g_assert_false (rv_sheet_parse_column ("XFE", &column));
    g_assert_false (rv_sheet_parse_column ("", &column));
    g_assert_false (rv_sheet_parse_column ("A1", &column));
    g_assert_false (rv_sheet_parse_column ("ZZZZZZZZZZZZZZZ", &column));
  }
}

static void
test_format_number (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 20131312955.0, "20131312955" },
    { 2.0131312955e10, "20131312955" },
    { 10054148289.0, "10054148289" },
    { 0, "0" },
    { -42, "-42" },
    { 0.1, "0.1" },
    { 1234.5, "1234.5" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { 1e20, "1e+20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      _rv_format_number (cases[i].value, buffer);
      g_assert_cmpstr (buffer, ==, cases[i].text);
    }
}

static void
test_format_serial_date (void)
{
  static const struct { double serial; gboolean is_1904; const char *text; } cases[] = {
    { 1, FALSE, "1900-01-01" },
    { 59, FALSE, "1900-02-28" },
    { 60, FALSE, "1900-02-29" },
    { 61, FALSE, "1900-03-01" },
    { 46348, FALSE, "2026-11-22" },
    { 46348.5, FALSE, "2026-11-22 12:00:00" },
    { 46348.999999999, FALSE, "2026-11-23" },
    { 0.25, FALSE, "1900-01-00 06:00:00" },
    { 0, TRUE, "1904-01-01" },
    { 44886, TRUE, "2026-11-22" },
    { 2958465, FALSE, "9999-12-31" },
  };
  char buffer[32];

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (_rv_format_serial_date (cases[i].serial, cases[i].is_1904, buffer));
      g_assert_cmpstr (buffer, ==, cases[i].text);
    }

  g_assert_false (_rv_format_serial_date (-1, FALSE, buffer));
  g_assert_false (_rv_format_serial_date (2958466, FALSE, buffer));
  g_assert_false (_rv_format_serial_date (1.0 / 0.0, FALSE, buffer));
}

static void
test_workbook (void)
{
  g_autoptr(RvWorkbook) workbook = rv_workbook_new ("lista.xlsx", RV_FILE_FORMAT_XLSX);
  g_autoptr(RvSheet) one = rv_sheet_new ("Notas");
  g_autoptr(RvSheet) two = rv_sheet_new ("Proveedores");
  g_autoptr(GError) error = NULL;

  rv_workbook_add_sheet (workbook, one);
  rv_workbook_add_sheet (workbook, two);

  g_assert_cmpstr (rv_workbook_get_file_name (workbook), ==, "lista.xlsx");
  g_assert_cmpint (rv_workbook_get_format (workbook), ==, RV_FILE_FORMAT_XLSX);
  g_assert_cmpstr (rv_file_format_get_nick (RV_FILE_FORMAT_XLSX), ==, "xlsx");
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);
  g_assert_true (rv_workbook_get_sheet (workbook, 1) == two);

  g_assert_true (rv_workbook_find_sheet (workbook, "Proveedores", &error) == two);
  g_assert_true (rv_workbook_find_sheet (workbook, "PROVEEDORES", &error) == two);
  g_assert_true (rv_workbook_find_sheet (workbook, "1", &error) == one);
  g_assert_true (rv_workbook_find_sheet (workbook, "2", &error) == two);
  g_assert_no_error (error);

  g_assert_null (rv_workbook_find_sheet (workbook, "3", &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_SHEET_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "lista.xlsx"));
  g_assert_nonnull (strstr (error->message, "“Notas”, “Proveedores”"));
  g_clear_error (&error);

  g_assert_null (rv_workbook_find_sheet (workbook, "Clientes", &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_SHEET_NOT_FOUND);

  rv_workbook_set_encoding (workbook, "WINDOWS-1252");
  rv_workbook_set_delimiter (workbook, ';');
  g_assert_cmpstr (rv_workbook_get_encoding (workbook), ==, "WINDOWS-1252");
  g_assert_cmpint (rv_workbook_get_delimiter (workbook), ==, ';');

  g_assert_finalize_object (g_steal_pointer (&workbook));
}

typedef struct
{
  GThread      *main_thread;
  GCancellable *cancel_on_progress;
  GPtrArray    *fractions;
  RvWorkbook   *workbook;
  GError       *error;
  gboolean      done;
  gboolean      freed;
} AsyncRead;

static void
async_progress_cb (double   fraction,
                   gpointer user_data)
{
  AsyncRead *state = user_data;
  double *copy = g_new (double, 1);

  /* Progress arrives in the caller's thread, never in the worker. */
  g_assert_true (g_thread_self () == state->main_thread);
  *copy = fraction;
  g_ptr_array_add (state->fractions, copy);
  if (state->cancel_on_progress != NULL)
    g_cancellable_cancel (state->cancel_on_progress);
}

static void
async_progress_free (gpointer user_data)
{
  AsyncRead *state = user_data;

  state->freed = TRUE;
}

static void
async_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRead *state = user_data;

  g_assert_true (g_thread_self () == state->main_thread);
  state->workbook = rv_sheet_read_file_finish (result, &state->error);
  state->done = TRUE;
}

static char *
write_big_csv (const char *dir)
{
  g_autoptr(GString) text = g_string_new ("RUC;Nombre\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "grande.csv", NULL);

  for (guint i = 0; i < 200000; i++)
    g_string_append_printf (text, "20131312955;Proveedor número %u\n", i);
  g_assert_true (g_file_set_contents (path, text->str, text->len, &error));
  g_assert_no_error (error);
  return path;
}

/* The file is read in a worker thread; progress and the result come back to the main
 * context; a cancel stops it.
 */
static void
test_read_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-sheet-XXXXXX", &error);
  g_autofree char *path = write_big_csv (dir);
  AsyncRead state = { g_thread_self (), NULL, g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncRead cancelled = { g_thread_self (), cancellable, g_ptr_array_new_with_free_func (g_free) };

  rv_sheet_read_file_async (path, NULL, async_progress_cb, &state, async_progress_free,
                            async_read_cb, &state);
  while (!state.done || !state.freed)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (state.error);
  g_assert_nonnull (state.workbook);
  g_assert_cmpuint (rv_sheet_get_n_rows (rv_workbook_get_sheet (state.workbook, 0)), ==, 200001);
  g_assert_cmpstr (rv_sheet_get_text (rv_workbook_get_sheet (state.workbook, 0), 200000, 1), ==,
                   "Proveedor número 199999");
  g_assert_cmpuint (state.fractions->len, >=, 1);
  for (guint i = 1; i < state.fractions->len; i++)
    g_assert_cmpfloat (*(double *) state.fractions->pdata[i], >=, *(double *) state.fractions->pdata[i - 1]);
  g_assert_cmpfloat (*(double *) state.fractions->pdata[state.fractions->len - 1], ==, 1.0);
  g_assert_finalize_object (state.workbook);

  /* Cancelled at the first progress report. */
  rv_sheet_read_file_async (path, cancellable, async_progress_cb, &cancelled, async_progress_free,
                            async_read_cb, &cancelled);
  while (!cancelled.done || !cancelled.freed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled.workbook);
  g_clear_error (&cancelled.error);

  g_ptr_array_unref (state.fractions);
  g_ptr_array_unref (cancelled.fractions);
  g_unlink (path);
  g_rmdir (dir);
}

/* Content decides, never the name. */
static void
test_sniff (void)
{
  static const struct { const char *path; RvFileFormat format; } cases[] = {
    { "sheets/suppliers.xlsx", RV_FILE_FORMAT_XLSX },
    { "sheets/suppliers.ods", RV_FILE_FORMAT_ODS },
    { "sheets/suppliers.xls", RV_FILE_FORMAT_XLS },
    { "csv/suppliers-utf16le.txt", RV_FILE_FORMAT_CSV },
    { "csv/suppliers-windows-1252.csv", RV_FILE_FORMAT_CSV },
    { "bad/png-renamed.xlsx", RV_FILE_FORMAT_UNKNOWN },
    { "bad/zip-no-workbook.xlsx", RV_FILE_FORMAT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", cases[i].path, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *what = NULL;

      g_assert_cmpint (rv_sheet_sniff_format (path, &what, &error), ==, cases[i].format);
      g_assert_nonnull (what);
      if (cases[i].format == RV_FILE_FORMAT_UNKNOWN)
        g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET);
      else
        g_assert_no_error (error);
    }
}

/* The values a run checks: none above the data nor for blank rows; "" for an empty RUC
 * cell in a row that holds something else. */
static void
test_column_values (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Proveedores");
  g_autoptr(GPtrArray) values = NULL;
  guint n_values = 0;

  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "Proveedores 2026", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 1, 0, RV_CELL_TEXT, FALSE, "Nombre", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 1, 1, RV_CELL_TEXT, FALSE, "RUC", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 2, 0, RV_CELL_TEXT, FALSE, "Uno", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 2, 1, RV_CELL_TEXT, FALSE, "20131312955", -1));
  /* Row 3 is blank; row 4 has a name and no RUC; row 5 a RUC only. */
  g_assert_true (rv_sheet_set_cell (sheet, 4, 0, RV_CELL_TEXT, FALSE, "Dos", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 5, 1, RV_CELL_NUMBER, FALSE, "20100047218", -1));

  g_assert_false (rv_sheet_row_is_blank (sheet, 2));
  g_assert_true (rv_sheet_row_is_blank (sheet, 3));
  g_assert_false (rv_sheet_row_is_blank (sheet, 4));
  g_assert_true (rv_sheet_row_is_blank (sheet, 99));

  values = rv_sheet_dup_column_values (sheet, 2, 1, &n_values);
  g_assert_cmpuint (values->len, ==, 6);
  g_assert_cmpuint (n_values, ==, 3);
  g_assert_null (g_ptr_array_index (values, 0));
  g_assert_null (g_ptr_array_index (values, 1));
  g_assert_cmpstr (g_ptr_array_index (values, 2), ==, "20131312955");
  g_assert_null (g_ptr_array_index (values, 3));
  g_assert_cmpstr (g_ptr_array_index (values, 4), ==, "");
  g_assert_cmpstr (g_ptr_array_index (values, 5), ==, "20100047218");
}

/* "B · RUC": the letters and the header's title; the letters alone without one. */
static void
test_column_label (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Hoja1");
  g_autofree char *with_title = NULL;
  g_autofree char *empty_title = NULL;
  g_autofree char *no_header = NULL;

  g_assert_true (rv_sheet_set_cell (sheet, 1, 1, RV_CELL_TEXT, FALSE, "RUC", -1));
  with_title = rv_sheet_dup_column_label (sheet, 1, 1);
  empty_title = rv_sheet_dup_column_label (sheet, 1, 27);
  no_header = rv_sheet_dup_column_label (sheet, -1, 1);
  g_assert_cmpstr (with_title, ==, "B · RUC");
  g_assert_cmpstr (empty_title, ==, "AB");
  g_assert_cmpstr (no_header, ==, "B");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sheet/cells", test_cells);
  g_test_add_func ("/sheet/column-values", test_column_values);
  g_test_add_func ("/sheet/column-label", test_column_label);
  g_test_add_func ("/sheet/limits", test_limits);
  g_test_add_func ("/sheet/compact", test_compact);
  g_test_add_func ("/sheet/column-letters", test_column_letters);
  g_test_add_func ("/sheet/format/number", test_format_number);
  g_test_add_func ("/sheet/format/serial-date", test_format_serial_date);
  g_test_add_func ("/sheet/workbook", test_workbook);
  g_test_add_func ("/sheet/read-async", test_read_async);
  g_test_add_func ("/sheet/sniff", test_sniff);

  return g_test_run ();
}
