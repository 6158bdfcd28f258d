/* test-detect.c
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

#include "rv-column-detect.h"

/* Builds a sheet from rows of '|'-separated cells; a cell "#123" is a number. */
static RvSheet *
make_sheet (const char         *name,
            const char * const *rows)
{
  RvSheet *sheet = rv_sheet_new (name);

  for (guint r = 0; rows[r] != NULL; r++)
    {
      g_auto(GStrv) cells = g_strsplit (rows[r], "|", -1);

      for (guint c = 0; cells[c] != NULL; c++)
        {
          const char *text = cells[c];
          RvCellKind kind = RV_CELL_TEXT;

          if (text[0] == '#')
            {
              kind = RV_CELL_NUMBER;
              text++;
            }
          else if (text[0] == '@')
            {
              kind = RV_CELL_DATE;
              text++;
            }
          g_assert_true (rv_sheet_set_cell (sheet, r, c, kind, FALSE, text, -1));
        }
    }

  return sheet;
}

#define ROWS(...) ((const char * const[]) { __VA_ARGS__, NULL })

static void
test_title_rows_and_header (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Proveedores", ROWS (
    "REPORTE DE PROVEEDORES",
    "Periodo: noviembre 2026",
    "",
    "N°|R.U.C.|Razón Social|Fecha|Importe",
    "#1|#20131312955|SUPERINTENDENCIA NACIONAL DE ADUANAS|@2026-11-02|#1200.5",
    "#2|#20100047218|BANCO DE CREDITO DEL PERU|@2026-11-03|#300",
    "#3|20131312956|EMPRESA CON DIGITO ERRADO|@2026-11-04|#15",
    "#4|'10054148289|PEREZ GARCIA JUAN|@2026-11-05|#20000000",
    "#5||SIN RUC|@2026-11-06|#1"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);
  const RvColumnCandidate *best;

  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, 3);
  g_assert_cmpuint (rv_column_guess_get_first_row (guess), ==, 4);
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 1);
  g_assert_false (rv_column_guess_is_ambiguous (guess));
  g_assert_cmpint (rv_column_guess_get_name_column (guess), ==, 2);
  g_assert_cmpstr (rv_column_guess_get_header (guess, 1), ==, "R.U.C.");
  g_assert_null (rv_column_guess_get_header (guess, 7));

  best = rv_column_guess_get_candidate (guess, 0);
  g_assert_cmpuint (best->column, ==, 1);
  g_assert_cmpstr (best->header, ==, "R.U.C.");
  g_assert_cmpuint (best->ids, ==, 4);
  g_assert_cmpuint (best->filled, ==, 4);
}

static void
test_no_header (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Hoja1", ROWS (
    "ACME SAC|20131312955",
    "BANCO|20100047218",
    "OTRA|20100070970"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);

  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, -1);
  g_assert_cmpuint (rv_column_guess_get_first_row (guess), ==, 0);
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 1);
  g_assert_cmpint (rv_column_guess_get_name_column (guess), ==, -1);
}

/* A header the words do not know: the text just above the first RUC. */
static void
test_unknown_header_word (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Hoja1", ROWS (
    "Lista de compras",
    "Código|Proveedor|Identificador",
    "A1|ACME SAC|20131312955",
    "A2|BANCO|20100047218"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);

  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 2);
  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, 1);
  g_assert_cmpint (rv_column_guess_get_name_column (guess), ==, 1);
}

/* Dates, amounts, phone numbers and document type codes are not RUCs. */
static void
test_distractors (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Ventas", ROWS (
    "Fecha|Tipo Doc.|Nro. Doc.|Cliente|Teléfono|Importe",
    "22/11/2026|6|20131312955|SUNAT|987654321|#12345678",
    "2026-11-23|6|20100047218|BCP|987654322|#23456789",
    "24.11.2026|1|07654321|JUAN PEREZ|987654323|#34567890",
    "25/11/2026|6|20100070970|OTRA|987654324|#45678901"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);

  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, 0);
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 2);
  g_assert_false (rv_column_guess_is_ambiguous (guess));
  g_assert_cmpint (rv_column_guess_get_name_column (guess), ==, 3);
}

static void
test_ambiguous (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Operaciones", ROWS (
    "RUC Proveedor|RUC Cliente|Importe",
    "20131312955|20100047218|#10",
    "20100070970|10054148289|#20"));
  g_autoptr(RvWorkbook) workbook = rv_workbook_new ("operaciones.xlsx", RV_FILE_FORMAT_XLSX);
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);
  g_autoptr(RvColumnGuess) chosen = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (rv_column_guess_is_ambiguous (guess));
  g_assert_cmpuint (rv_column_guess_get_n_candidates (guess), ==, 2);

  rv_workbook_add_sheet (workbook, sheet);
  g_assert_null (rv_column_detect_workbook (workbook, NULL, NULL, &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_AMBIGUOUS_COLUMN);
  g_assert_nonnull (strstr (error->message, "operaciones.xlsx"));
  g_assert_nonnull (strstr (error->message, "A (RUC Proveedor), B (RUC Cliente)"));
  g_clear_error (&error);

  chosen = rv_column_detect_workbook (workbook, NULL, "RUC Cliente", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv_column_guess_get_ruc_column (chosen), ==, 1);
  g_assert_false (rv_column_guess_is_ambiguous (chosen));
}

static void
test_column_spec (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Hoja1", ROWS (
    "N°|Razón Social|Número de RUC",
    "1|ACME|20131312955"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 2);

  g_assert_true (rv_column_guess_set_column (guess, "B", "x.csv", &error));
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 1);
  g_assert_true (rv_column_guess_set_column (guess, "1", "x.csv", &error));
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 0);
  g_assert_true (rv_column_guess_set_column (guess, "numero de ruc", "x.csv", &error));
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 2);
  g_assert_true (rv_column_guess_set_column (guess, "c", "x.csv", &error));
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 2);
  g_assert_no_error (error);

  g_assert_false (rv_column_guess_set_column (guess, "Z", "x.csv", &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_COLUMN_NOT_FOUND);
  g_assert_cmpstr (error->message, ==,
                   "Column Z is out of range: sheet “Hoja1” of “x.csv” has 3 columns (A to C)");
  g_clear_error (&error);

  g_assert_false (rv_column_guess_set_column (guess, "4", "x.csv", &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_COLUMN_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (rv_column_guess_set_column (guess, "Documento", "x.csv", &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_COLUMN_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No column “Documento” in sheet “Hoja1” of “x.csv”");
}

static void
test_workbook_sheets (void)
{
  g_autoptr(RvSheet) notes = make_sheet ("Notas", ROWS ("Instrucciones", "Nada aquí"));
  g_autoptr(RvSheet) suppliers = make_sheet ("Proveedores", ROWS ("RUC|Nombre", "20131312955|SUNAT"));
  g_autoptr(RvSheet) clients = make_sheet ("Clientes", ROWS ("Nombre|DNI", "JUAN|07654321"));
  g_autoptr(RvWorkbook) workbook = rv_workbook_new ("libro.ods", RV_FILE_FORMAT_ODS);
  g_autoptr(RvWorkbook) empty = rv_workbook_new ("vacio.ods", RV_FILE_FORMAT_ODS);
  g_autoptr(RvColumnGuess) guess = NULL;
  g_autoptr(RvColumnGuess) by_name = NULL;
  g_autoptr(GError) error = NULL;

  rv_workbook_add_sheet (workbook, notes);
  rv_workbook_add_sheet (workbook, suppliers);
  rv_workbook_add_sheet (workbook, clients);

  /* The first sheet with a RUC column. */
  guess = rv_column_detect_workbook (workbook, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (rv_column_guess_get_sheet (guess) == suppliers);
  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 0);
  g_assert_cmpint (rv_column_guess_get_name_column (guess), ==, 1);

  by_name = rv_column_detect_workbook (workbook, "3", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (rv_column_guess_get_sheet (by_name) == clients);
  g_assert_cmpint (rv_column_guess_get_ruc_column (by_name), ==, 1);

  g_assert_null (rv_column_detect_workbook (workbook, "Notas", NULL, &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NO_RUC_COLUMN);
  g_assert_cmpstr (error->message, ==, "No column of sheet “Notas” of “libro.ods” holds RUC numbers");
  g_clear_error (&error);

  g_assert_null (rv_column_detect_workbook (workbook, "Ventas", NULL, &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_SHEET_NOT_FOUND);
  g_clear_error (&error);

  rv_workbook_add_sheet (empty, notes);
  rv_workbook_add_sheet (empty, notes);
  g_assert_null (rv_column_detect_workbook (empty, NULL, NULL, &error));
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NO_RUC_COLUMN);
  g_assert_cmpstr (error->message, ==, "No column of any sheet of “vacio.ods” holds RUC numbers");
}

/* A RUC column Excel showed in scientific notation, and one with wrong check digits,
 * are still the RUC column.
 */
static void
test_damaged_rucs (void)
{
  g_autoptr(RvSheet) sheet = make_sheet ("Hoja1", ROWS (
    "Nombre|Codigo|Monto",
    "A|2.01313E+10|150",
    "B|2.01E+10|200",
    "C|20131312956|300"));
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);

  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, 1);
  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, 0);
}

static void
test_empty_sheet (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Vacía");
  g_autoptr(RvColumnGuess) guess = rv_column_detect (sheet);

  g_assert_cmpint (rv_column_guess_get_ruc_column (guess), ==, -1);
  g_assert_cmpint (rv_column_guess_get_header_row (guess), ==, -1);
  g_assert_cmpuint (rv_column_guess_get_n_candidates (guess), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/detect/title-rows-and-header", test_title_rows_and_header);
  g_test_add_func ("/detect/no-header", test_no_header);
  g_test_add_func ("/detect/unknown-header-word", test_unknown_header_word);
  g_test_add_func ("/detect/distractors", test_distractors);
  g_test_add_func ("/detect/ambiguous", test_ambiguous);
  g_test_add_func ("/detect/column-spec", test_column_spec);
  g_test_add_func ("/detect/workbook-sheets", test_workbook_sheets);
  g_test_add_func ("/detect/damaged-rucs", test_damaged_rucs);
  g_test_add_func ("/detect/empty-sheet", test_empty_sheet);

  return g_test_run ();
}
