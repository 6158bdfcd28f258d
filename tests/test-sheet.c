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

#include "rv-sheet.h"
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sheet/cells", test_cells);
  g_test_add_func ("/sheet/limits", test_limits);
  g_test_add_func ("/sheet/compact", test_compact);
  g_test_add_func ("/sheet/column-letters", test_column_letters);
  g_test_add_func ("/sheet/format/number", test_format_number);
  g_test_add_func ("/sheet/format/serial-date", test_format_serial_date);
  g_test_add_func ("/sheet/workbook", test_workbook);

  return g_test_run ();
}
