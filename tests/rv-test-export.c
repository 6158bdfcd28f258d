/* rv-test-export.c
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

#include "rv-test-export.h"
#include "rv-test-sheet.h"

#include <string.h>

/* 2026-11-20 15:00:00 UTC. */
#define CHECKED_AT G_GINT64_CONSTANT (1795705200)

/**
 * rv_test_export_answer:
 *
 * Returns: (transfer full): what a run ends with for @raw once the API answered
 */
RvResult *
rv_test_export_answer (const char *raw,
                       gboolean    found,
                       const char *name,
                       const char *state,
                       const char *condition)
{
  g_autoptr(RvResult) pending = NULL;
  g_autoptr(RvRecord) record = NULL;
  RvRucParse parse;

  rv_ruc_parse (raw, &parse);
  pending = rv_result_new (&parse, raw);
  g_assert_nonnull (rv_result_get_ruc (pending));
  g_assert_cmpstr (rv_result_get_ruc (pending), !=, "");

  record = rv_record_new (rv_result_get_ruc (pending), found);
  if (found)
    {
      rv_record_set_field (record, RV_FIELD_NAME, name);
      rv_record_set_field (record, RV_FIELD_STATE, state);
      rv_record_set_field (record, RV_FIELD_CONDITION, condition);
      rv_record_set_field (record, RV_FIELD_UBIGEO, "010101");
      rv_record_set_field (record, RV_FIELD_ADDRESS, "AV. GARCILASO DE LA VEGA NRO. 1472");
      rv_record_set_as_of (record, "2026-11-17");
    }
  rv_record_set_checked_at (record, CHECKED_AT);
  rv_record_set_source (record, RV_SOURCE_API);
  return rv_result_new_answered (pending, record);
}

static void
result_free (gpointer result)
{
  if (result != NULL)
    rv_result_unref (result);
}

static RvResult *
parsed (const char *raw)
{
  RvRucParse parse;

  rv_ruc_parse (raw, &parse);
  return rv_result_new (&parse, raw);
}

static void
set_row (RvSheet    *sheet,
         guint       row,
         ...)
{
  va_list args;
  guint column = 0;

  va_start (args, row);
  for (;;)
    {
      RvCellKind kind = (RvCellKind) va_arg (args, int);
      const char *text;

      if (kind == (RvCellKind) -1)
        break;
      text = va_arg (args, const char *);
      if (kind != RV_CELL_EMPTY)
        g_assert_true (rv_sheet_set_cell (sheet, row, column, kind, FALSE, text, -1));
      column++;
    }
  va_end (args);
}

#define T RV_CELL_TEXT
#define N RV_CELL_NUMBER
#define D RV_CELL_DATE
#define B RV_CELL_BOOLEAN
#define E RV_CELL_ERROR
#define X RV_CELL_EMPTY, ""
#define END ((RvCellKind) -1)

/**
 * rv_test_export_new:
 *
 * The sheet "Proveedores": two title rows, a header on row 3, fourteen rows below it
 * (one blank), and a result for each data row: valid (a RUC read as a number, a DNI
 * with a leading zero, a company with a text zero-padded code), observed (twice, the same
 * RUC), not found, pending, invalid (wrong check digit, not a number, an empty cell).
 *
 * Returns: (transfer full): the fixture, its summary filled in as a run would
 */
RvTestExport *
rv_test_export_new (void)
{
  RvTestExport *self = g_new0 (RvTestExport, 1);
  g_autofree char *long_text = NULL;
  GPtrArray *r;

  self->sheet = rv_sheet_new ("Proveedores");
  long_text = g_strnfill (5000, 'x');
  memcpy (long_text, "Largo: ", 7);

  set_row (self->sheet, 0, T, "REPORTE DE PROVEEDORES", END);
  set_row (self->sheet, 1, T, "Periodo: noviembre 2026", END);
  set_row (self->sheet, 2, T, "N°", T, "RUC", T, "Razón social", T, "Fecha", T, "Importe",
           T, "Activo", T, "Notas", END);
  set_row (self->sheet, 3, N, "1", N, "20131312955", T, "SUNAT", D, "2026-11-01", N, "1250.5",
           B, "TRUE", T, "=HYPERLINK(\"http://example.com\")", END);
  set_row (self->sheet, 4, N, "2", T, "01234567", T, "José Ñique & Cía <S.A.> \"Lima\"",
           D, "2026-11-02 10:30:00", N, "-125.5", B, "FALSE",
           T, "línea 1\nlínea 2\tcon tab  y  dos espacios", END);
  set_row (self->sheet, 5, N, "3", T, "20131312956", T, "Dígito errado",
           D, "1900-01-00 08:15:00", N, "0.1", X, E, "#N/A", END);
  /* Row 7 is blank. */
  set_row (self->sheet, 7, N, "4", T, "20100047218", T, "Observada S.A.", X, N, "1e-07", X,
           T, "  dos espacios al inicio", END);
  set_row (self->sheet, 8, N, "5", T, "20100070970", T, "No existe", END);
  set_row (self->sheet, 9, N, "6", T, "10054148289", T, "Pendiente", END);
  set_row (self->sheet, 10, N, "7", T, "abc", T, "Texto", END);
  set_row (self->sheet, 11, N, "8", X, T, "Sin RUC", END);
  set_row (self->sheet, 12, N, "9", T, "20100047218", T, "Observada S.A.", X, X, X,
           T, long_text, END);
  set_row (self->sheet, 13, N, "10", T, "17155542071", T, "Empresa 17", D, "2026-01-31",
           N, "1000000", B, "TRUE", T, "00123", END);

  r = self->results = g_ptr_array_new_with_free_func (result_free);
  g_ptr_array_set_size (r, rv_sheet_get_n_rows (self->sheet));
  r->pdata[3] = rv_test_export_answer ("20131312955", TRUE, "SUPERINTENDENCIA NACIONAL DE "
                                       "ADUANAS Y DE ADMINISTRACION TRIBUTARIA - SUNAT",
                                       "ACTIVO", "HABIDO");
  r->pdata[4] = rv_test_export_answer ("01234567", TRUE, "ÑIQUE PÉREZ JOSÉ", "ACTIVO", "HABIDO");
  r->pdata[5] = parsed ("20131312956");
  r->pdata[7] = rv_test_export_answer ("20100047218", TRUE, "OBSERVADA S.A.", "BAJA DE OFICIO",
                                       "HABIDO");
  r->pdata[8] = rv_test_export_answer ("20100070970", FALSE, NULL, NULL, NULL);
  {
    g_autoptr(RvResult) first = parsed ("10054148289");

    r->pdata[9] = rv_result_new_pending (first, "The provider did not answer");
  }
  r->pdata[10] = parsed ("abc");
  r->pdata[11] = parsed ("");
  r->pdata[12] = rv_result_ref (r->pdata[7]);
  r->pdata[13] = rv_test_export_answer ("17155542071", TRUE, "EMPRESA 17", "ACTIVO", "HABIDO");

  self->started_at = g_date_time_new_local (2026, 11, 20, 10, 0, 0);
  self->summary.file_name = "proveedores.xlsx";
  self->summary.file_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  self->summary.sheet_name = "Proveedores";
  self->summary.column = "B · RUC";
  self->summary.provider = "APIMIGO";
  self->summary.padron_date = NULL;
  self->summary.started_at = self->started_at;
  self->summary.total = 10;
  self->summary.unique = 9;
  self->summary.counts[RV_VERDICT_VALID] = 3;
  self->summary.counts[RV_VERDICT_OBSERVED] = 1;
  self->summary.counts[RV_VERDICT_NOT_FOUND] = 1;
  self->summary.counts[RV_VERDICT_INVALID] = 3;
  self->summary.counts[RV_VERDICT_PENDING] = 1;
  self->summary.cache_hits = 2;
  self->summary.requests = 5;

  self->export.sheet = self->sheet;
  self->export.header_row = 2;
  self->export.first_row = 3;
  self->export.ruc_column = 1;
  self->export.results = (RvResult * const *) r->pdata;
  self->export.rows = RV_EXPORT_ALL;
  self->export.summary = &self->summary;

  return self;
}

void
rv_test_export_free (RvTestExport *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->sheet);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_free (self);
}

static const char *
kind_nick (RvCellKind kind)
{
  static const char *nicks[] = { "empty", "text", "number", "boolean", "date", "error" };

  g_assert_cmpuint (kind, <, G_N_ELEMENTS (nicks));
  return nicks[kind];
}

/* "kind:text", numbers by value. */
static char *
describe (RvCellKind  kind,
          const char *text)
{
  if (kind == RV_CELL_NUMBER)
    return g_strdup_printf ("number:%.17g", g_ascii_strtod (text, NULL));
  return g_strdup_printf ("%s:%s", kind_nick (kind), text);
}

/**
 * rv_test_export_check_sheet:
 * @plan: a plan
 * @index: one of its sheets
 * @sheet: that sheet, read back from the file
 *
 * Compares every cell: a plan's text cell reads back as the same text (an error value
 * too, since writers write it as text), numbers as the same number, dates as the same
 * date, booleans as booleans, empty cells as empty.
 */
void
rv_test_export_check_sheet (RvExportPlan *plan,
                            guint         index,
                            RvSheet      *sheet)
{
  guint n_rows = _rv_export_plan_get_n_rows (plan, index);
  guint n_columns = _rv_export_plan_get_n_columns (plan, index);

  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, _rv_export_plan_get_sheet_name (plan, index));
  g_assert_cmpuint (rv_sheet_get_n_rows (sheet), <=, n_rows);
  g_assert_cmpuint (rv_sheet_get_n_columns (sheet), <=, n_columns);

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, index, row);

      for (guint column = 0; column < n_columns; column++)
        {
          RvCellKind kind = cells[column].kind == RV_CELL_ERROR ? RV_CELL_TEXT : cells[column].kind;
          g_autofree char *expected = describe (kind, cells[column].text);
          g_autofree char *got = NULL;
          g_autofree char *where = NULL;
          RvCell cell;

          rv_sheet_get_cell (sheet, row, column, &cell);
          got = describe (cell.kind, cell.text);
          if (g_strcmp0 (expected, got) != 0)
            {
              where = rv_sheet_column_letter (column);
              g_test_message ("%s!%s%u differs", rv_sheet_get_name (sheet), where, row + 1);
            }
          g_assert_cmpstr (got, ==, expected);
        }
    }
}

/**
 * rv_test_export_check_workbook:
 * @export: what was exported
 * @format: as what
 * @workbook: the file, read back
 *
 * Every sheet of the plan of @export, in order, with its name, and every cell.
 */
void
rv_test_export_check_workbook (const RvExport *export,
                               RvExportFormat  format,
                               RvWorkbook     *workbook)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvExportPlan) plan = NULL;

  /* Without a start time, the Summary holds the time of the export, which the plan made
   * again here may not share. */
  g_assert_true (export->summary == NULL || export->summary->started_at != NULL);
  plan = _rv_export_plan_new (export, format, "check", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, _rv_export_plan_get_n_sheets (plan));

  for (guint i = 0; i < _rv_export_plan_get_n_sheets (plan); i++)
    rv_test_export_check_sheet (plan, i, rv_workbook_get_sheet (workbook, i));
}

/**
 * rv_test_export_write:
 *
 * Writes @export to @path as rv_export_write() does, asserting that it succeeds.
 */
void
rv_test_export_write (const RvExport *export,
                      RvExportFormat  format,
                      const char     *path)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (rv_export_write (export, format, path, NULL, &error));
  g_assert_no_error (error);
}

/**
 * rv_test_export_read_back:
 *
 * Reads @path with our reader of @format alone (XLSX or ODS).
 *
 * Returns: (transfer full): the workbook
 */
RvWorkbook *
rv_test_export_read_back (RvExportFormat  format,
                          const char     *path)
{
  g_autoptr(GError) error = NULL;
  RvWorkbook *workbook;

  g_assert_true (format == RV_EXPORT_FORMAT_XLSX || format == RV_EXPORT_FORMAT_ODS);
  if (format == RV_EXPORT_FORMAT_XLSX)
    workbook = rv_test_read (_rv_xlsx_read, RV_FILE_FORMAT_XLSX, path, NULL, NULL, NULL, &error);
  else
    workbook = rv_test_read (_rv_ods_read, RV_FILE_FORMAT_ODS, path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workbook);
  return workbook;
}
