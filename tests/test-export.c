/* test-export.c
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

#include <glib/gstdio.h>

#include "rv-test-export.h"
#include "rv-test-sheet.h"

/*
 * What every export format writes, decided by the plan (rv-export-plan.c): which sheets,
 * which rows, which cells of which kind and style. The writers' own tests check that
 * each format says it; test-export-libreoffice that a real spreadsheet reads it.
 */

static RvExportPlan *
plan_new (const RvExport *export,
          RvExportFormat  format)
{
  g_autoptr(GError) error = NULL;
  RvExportPlan *plan = _rv_export_plan_new (export, format, "out", &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

/* "kind:text" of a cell, numbers by their text. */
static char *
cell_at (RvExportPlan *plan,
         guint         sheet,
         guint         row,
         guint         column)
{
  const RvExportCell *cells = _rv_export_plan_get_row (plan, sheet, row);
  static const char *kinds[] = { "empty", "text", "number", "boolean", "date", "error" };

  g_assert_cmpuint (column, <, _rv_export_plan_get_n_columns (plan, sheet));
  return g_strdup_printf ("%s:%s", kinds[cells[column].kind], cells[column].text);
}

static RvExportStyle
style_at (RvExportPlan *plan,
          guint         sheet,
          guint         row,
          guint         column)
{
  return _rv_export_plan_get_row (plan, sheet, row)[column].style;
}

#define assert_cell(plan, sheet, row, column, expected) G_STMT_START { \
    g_autofree char *_got = cell_at (plan, sheet, row, column); \
    g_assert_cmpstr (_got, ==, expected); \
  } G_STMT_END

/* The first column of the user's sheet, "N°", as text, row by row. */
static char *
first_column (RvExportPlan *plan,
              guint         sheet,
              guint         column)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint row = 0; row < _rv_export_plan_get_n_rows (plan, sheet); row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, sheet, row);

      g_string_append_printf (text, "%s%s", row > 0 ? "|" : "", cells[column].text);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_format_from_path (void)
{
  RvExportFormat format = RV_EXPORT_FORMAT_ODS;

  g_assert_true (rv_export_format_from_path ("out.csv", &format));
  g_assert_cmpint (format, ==, RV_EXPORT_FORMAT_CSV);
  g_assert_true (rv_export_format_from_path ("/tmp/Resultado.XLSX", &format));
  g_assert_cmpint (format, ==, RV_EXPORT_FORMAT_XLSX);
  g_assert_true (rv_export_format_from_path ("a.b.ods", &format));
  g_assert_cmpint (format, ==, RV_EXPORT_FORMAT_ODS);

  format = RV_EXPORT_FORMAT_CSV;
  g_assert_false (rv_export_format_from_path ("out.xls", &format));
  g_assert_false (rv_export_format_from_path ("out.txt", &format));
  g_assert_false (rv_export_format_from_path ("out", &format));
  g_assert_false (rv_export_format_from_path (".ods", &format));
  g_assert_false (rv_export_format_from_path ("dir/.xlsx", &format));
  g_assert_false (rv_export_format_from_path ("out.xlsx.bak", &format));
  g_assert_cmpint (format, ==, RV_EXPORT_FORMAT_CSV);

  g_assert_cmpstr (rv_export_format_get_extension (RV_EXPORT_FORMAT_XLSX), ==, "xlsx");
}

static void
test_sheets (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  struct {
    RvExportRows    rows;
    RvExportFormat  format;
    const char     *names;
  } cases[] = {
    { RV_EXPORT_ALL, RV_EXPORT_FORMAT_XLSX, "Proveedores|Problems|Summary" },
    { RV_EXPORT_ALL, RV_EXPORT_FORMAT_ODS, "Proveedores|Problems|Summary" },
    /* The user's sheet already is the list of problems, or has none. */
    { RV_EXPORT_PROBLEMS, RV_EXPORT_FORMAT_XLSX, "Proveedores|Summary" },
    { RV_EXPORT_VALID, RV_EXPORT_FORMAT_ODS, "Proveedores|Summary" },
    { RV_EXPORT_ALL, RV_EXPORT_FORMAT_CSV, "Proveedores" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvExportPlan) plan = NULL;
      g_autoptr(GString) names = g_string_new (NULL);

      fixture->export.rows = cases[i].rows;
      plan = plan_new (&fixture->export, cases[i].format);
      for (guint s = 0; s < _rv_export_plan_get_n_sheets (plan); s++)
        g_string_append_printf (names, "%s%s", s > 0 ? "|" : "",
                                _rv_export_plan_get_sheet_name (plan, s));
      g_assert_cmpstr (names->str, ==, cases[i].names);
      g_assert_cmpstr (_rv_export_plan_get_title (plan), ==, "RUCs checked in proveedores.xlsx");
    }
}

static void
test_data_sheet (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = plan_new (&fixture->export, RV_EXPORT_FORMAT_XLSX);
  g_autofree char *column = NULL;

  /* Every row, titles and the blank one too, the header where it was. */
  g_assert_cmpuint (_rv_export_plan_get_n_rows (plan, 0), ==, 14);
  g_assert_cmpuint (_rv_export_plan_get_n_columns (plan, 0), ==, 7 + RV_N_RESULT_COLUMNS);
  g_assert_cmpint (_rv_export_plan_get_header_row (plan, 0), ==, 2);
  column = first_column (plan, 0, 0);
  g_assert_cmpstr (column, ==, "REPORTE DE PROVEEDORES|Periodo: noviembre 2026|N°|1|2|3||4|5|6|7|8|9|10");

  /* Titles keep their kind; the header is bold text, result titles included. */
  assert_cell (plan, 0, 0, 0, "text:REPORTE DE PROVEEDORES");
  g_assert_cmpint (style_at (plan, 0, 0, 0), ==, RV_EXPORT_STYLE_NONE);
  assert_cell (plan, 0, 2, 1, "text:RUC");
  assert_cell (plan, 0, 2, 7, "text:Normalised RUC");
  assert_cell (plan, 0, 2, 8, "text:Verdict");
  assert_cell (plan, 0, 2, 17, "text:Source");
  for (guint c = 0; c < 7 + RV_N_RESULT_COLUMNS; c++)
    g_assert_cmpint (style_at (plan, 0, 2, c), ==, RV_EXPORT_STYLE_HEADER);
  /* Nothing to the right of the titles. */
  assert_cell (plan, 0, 0, 8, "empty:");

  /* The RUC column is text, even where it was read as a number; the others keep theirs. */
  assert_cell (plan, 0, 3, 0, "number:1");
  assert_cell (plan, 0, 3, 1, "text:20131312955");
  assert_cell (plan, 0, 3, 3, "date:2026-11-01");
  assert_cell (plan, 0, 3, 4, "number:1250.5");
  assert_cell (plan, 0, 3, 5, "boolean:TRUE");
  assert_cell (plan, 0, 3, 6, "text:=HYPERLINK(\"http://example.com\")");
  assert_cell (plan, 0, 4, 1, "text:01234567");
  assert_cell (plan, 0, 5, 5, "empty:");
  assert_cell (plan, 0, 5, 6, "error:#N/A");
  assert_cell (plan, 0, 13, 6, "text:00123");

  /* The results: identifiers as text, dates as dates, the verdict coloured. */
  assert_cell (plan, 0, 3, 7, "text:20131312955");
  assert_cell (plan, 0, 3, 8, "text:Valid");
  g_assert_cmpint (style_at (plan, 0, 3, 8), ==, RV_EXPORT_STYLE_FOR_VERDICT (RV_VERDICT_VALID));
  assert_cell (plan, 0, 4, 7, "text:10012345670");
  assert_cell (plan, 0, 4, 14, "text:010101");
  assert_cell (plan, 0, 4, 15, "date:2026-11-17");
  g_assert_cmpint (style_at (plan, 0, 4, 15), ==, RV_EXPORT_STYLE_NONE);
  {
    const RvExportCell *cells = _rv_export_plan_get_row (plan, 0, 4);

    g_assert_cmpint (cells[16].kind, ==, RV_CELL_DATE);
    g_assert_cmpuint (strlen (cells[16].text), ==, strlen ("2026-11-20 10:00:00"));
    g_assert_cmpstr (cells[17].text, ==, "api");
  }
  assert_cell (plan, 0, 5, 8, "text:Invalid");
  g_assert_cmpint (style_at (plan, 0, 5, 8), ==, RV_EXPORT_STYLE_FOR_VERDICT (RV_VERDICT_INVALID));
  assert_cell (plan, 0, 7, 8, "text:Observed");
  assert_cell (plan, 0, 8, 8, "text:Not found");
  g_assert_cmpint (style_at (plan, 0, 8, 8), ==, RV_EXPORT_STYLE_FOR_VERDICT (RV_VERDICT_NOT_FOUND));
  assert_cell (plan, 0, 9, 8, "text:Pending");
  assert_cell (plan, 0, 9, 9, "text:The provider did not answer");
  g_assert_cmpint (style_at (plan, 0, 9, 8), ==, RV_EXPORT_STYLE_FOR_VERDICT (RV_VERDICT_PENDING));
  /* The blank row has no verdict, nor does anything above the header. */
  assert_cell (plan, 0, 6, 8, "empty:");
  g_assert_cmpint (style_at (plan, 0, 6, 8), ==, RV_EXPORT_STYLE_NONE);
  assert_cell (plan, 0, 1, 8, "empty:");

  /* Columns fit their contents, within bounds. */
  g_assert_cmpfloat (_rv_export_plan_get_column_width (plan, 0, 1), >=, 13);
  g_assert_cmpfloat (_rv_export_plan_get_column_width (plan, 0, 6), ==, 70);
  g_assert_cmpfloat (_rv_export_plan_get_column_width (plan, 0, 0), >=, 8);
  /* "REPORTE DE PROVEEDORES" above the header does not widen its column. */
  g_assert_cmpfloat (_rv_export_plan_get_column_width (plan, 0, 0), <, 12);
}

static void
test_selection (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  g_autoptr(RvExportPlan) valid = NULL;
  g_autoptr(RvExportPlan) problems = NULL;
  g_autofree char *column = NULL;

  /* The header first, then the chosen rows: no titles, no blank row. */
  fixture->export.rows = RV_EXPORT_VALID;
  valid = plan_new (&fixture->export, RV_EXPORT_FORMAT_ODS);
  g_assert_cmpint (_rv_export_plan_get_header_row (valid, 0), ==, 0);
  column = first_column (valid, 0, 0);
  g_assert_cmpstr (column, ==, "N°|1|2|10");
  g_clear_pointer (&column, g_free);

  fixture->export.rows = RV_EXPORT_PROBLEMS;
  problems = plan_new (&fixture->export, RV_EXPORT_FORMAT_ODS);
  column = first_column (problems, 0, 0);
  g_assert_cmpstr (column, ==, "N°|3|4|5|6|7|8|9");
}

static void
test_problems_sheet (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = plan_new (&fixture->export, RV_EXPORT_FORMAT_XLSX);
  g_autofree char *rows = NULL;
  g_autofree char *verdicts = NULL;

  /* Every row that is not valid, by its number in the user's sheet, verdict and reason
   * first, then the user's columns and the record. */
  g_assert_cmpuint (_rv_export_plan_get_n_columns (plan, 1), ==, 1 + 3 + 7 + 8);
  g_assert_cmpint (_rv_export_plan_get_header_row (plan, 1), ==, 0);
  rows = first_column (plan, 1, 0);
  g_assert_cmpstr (rows, ==, "Row|6|8|9|10|11|12|13");
  verdicts = first_column (plan, 1, 1);
  g_assert_cmpstr (verdicts, ==, "Verdict|Invalid|Observed|Not found|Pending|Invalid|Invalid|Observed");

  assert_cell (plan, 1, 0, 2, "text:Reason");
  assert_cell (plan, 1, 0, 3, "text:Normalised RUC");
  assert_cell (plan, 1, 0, 4, "text:N°");
  assert_cell (plan, 1, 0, 10, "text:Notas");
  assert_cell (plan, 1, 0, 11, "text:Business name");
  assert_cell (plan, 1, 0, 18, "text:Source");
  g_assert_cmpint (style_at (plan, 1, 0, 18), ==, RV_EXPORT_STYLE_HEADER);

  assert_cell (plan, 1, 1, 0, "number:6");
  g_assert_cmpint (style_at (plan, 1, 1, 1), ==, RV_EXPORT_STYLE_FOR_VERDICT (RV_VERDICT_INVALID));
  {
    g_autofree char *reason = cell_at (plan, 1, 1, 2);

    /* The suggestion for a wrong check digit is in the reason. */
    g_assert_nonnull (strstr (reason, "Did you mean 20131312955?"));
  }
  assert_cell (plan, 1, 1, 5, "text:20131312956");
  assert_cell (plan, 1, 1, 10, "error:#N/A");
  assert_cell (plan, 1, 2, 11, "text:OBSERVADA S.A.");
  assert_cell (plan, 1, 2, 12, "text:BAJA DE OFICIO");
  assert_cell (plan, 1, 5, 5, "text:abc");
  /* An empty RUC cell: the row is there, its RUC cell empty. */
  assert_cell (plan, 1, 6, 5, "empty:");
  assert_cell (plan, 1, 6, 6, "text:Sin RUC");
}

/* The value next to @label on the Summary, or NULL. */
static char *
summary_value (RvExportPlan *plan,
               guint         sheet,
               const char   *label)
{
  for (guint row = 0; row < _rv_export_plan_get_n_rows (plan, sheet); row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, sheet, row);

      if (g_str_equal (cells[0].text, label))
        {
          g_assert_cmpint (cells[0].style, ==, RV_EXPORT_STYLE_LABEL);
          /* Aligned next to it, numbers too. */
          g_assert_cmpint (cells[1].style, ==, RV_EXPORT_STYLE_VALUE);
          return cell_at (plan, sheet, row, 1);
        }
    }
  return NULL;
}

/* The verdict table's row for @label: "unique|rows". */
static char *
summary_counts (RvExportPlan *plan,
                guint         sheet,
                const char   *label)
{
  for (guint row = 0; row < _rv_export_plan_get_n_rows (plan, sheet); row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, sheet, row);

      if (g_str_equal (cells[0].text, label) && cells[2].kind == RV_CELL_NUMBER)
        return g_strdup_printf ("%s|%s|%d", cells[2].text, cells[3].text, cells[0].style);
    }
  return NULL;
}

#define assert_value(plan, label, expected) G_STMT_START { \
    g_autofree char *_got = summary_value (plan, 2, label); \
    g_assert_cmpstr (_got, ==, expected); \
  } G_STMT_END

static void
test_summary_sheet (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = plan_new (&fixture->export, RV_EXPORT_FORMAT_ODS);
  g_autoptr(RvExportPlan) with_padron = NULL;
  g_autofree char *application = g_strdup_printf ("text:RUC Validator %s", PACKAGE_VERSION);
  g_autofree char *started = NULL;
  struct {
    const char *label;
    RvVerdict   verdict;
    const char *counts;
  } verdicts[] = {
    { "Valid", RV_VERDICT_VALID, "3|3" },
    { "Observed", RV_VERDICT_OBSERVED, "1|2" },
    { "Not found", RV_VERDICT_NOT_FOUND, "1|1" },
    { "Invalid", RV_VERDICT_INVALID, "3|3" },
    { "Pending", RV_VERDICT_PENDING, "1|1" },
  };

  g_assert_cmpint (_rv_export_plan_get_header_row (plan, 2), ==, -1);
  assert_cell (plan, 2, 0, 0, "text:RUC Validator: summary of the check");
  g_assert_cmpint (style_at (plan, 2, 0, 0), ==, RV_EXPORT_STYLE_TITLE);

  assert_value (plan, "Input file", "text:proveedores.xlsx");
  assert_value (plan, "SHA-256 of the input file",
                "text:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  assert_value (plan, "Sheet", "text:Proveedores");
  assert_value (plan, "RUC column", "text:B · RUC");
  assert_value (plan, "Rows checked", "number:10");
  assert_value (plan, "Unique RUCs", "number:9");
  assert_value (plan, "Provider", "text:APIMIGO");
  assert_value (plan, "Answers from the database", "number:2");
  assert_value (plan, "Requests to the provider", "number:5");
  assert_value (plan, "Rows in this file", "text:All rows");
  assert_value (plan, "Application", application);
  started = summary_value (plan, 2, "Run started");
  g_assert_true (g_str_has_prefix (started, "text:2026-11-20 10:00:00 (UTC"));
  /* No padrón was used. */
  g_assert_null (summary_value (plan, 2, "SUNAT padrón as of"));

  /* Distinct values from the run, rows counted here; each label in its verdict's colours. */
  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      g_autofree char *counts = summary_counts (plan, 2, verdicts[i].label);
      g_autofree char *expected = g_strdup_printf ("%s|%d", verdicts[i].counts,
                                                   RV_EXPORT_STYLE_FOR_VERDICT (verdicts[i].verdict));

      g_assert_cmpstr (counts, ==, expected);
    }
  {
    g_autofree char *total = summary_counts (plan, 2, "Total");
    g_autofree char *expected = g_strdup_printf ("9|10|%d", RV_EXPORT_STYLE_LABEL);

    g_assert_cmpstr (total, ==, expected);
  }
  /* The SHA-256 fits its column. */
  g_assert_cmpfloat (_rv_export_plan_get_column_width (plan, 2, 1), >=, 66);

  fixture->summary.padron_date = "2026-11-15";
  fixture->export.rows = RV_EXPORT_VALID;
  with_padron = plan_new (&fixture->export, RV_EXPORT_FORMAT_ODS);
  {
    g_autofree char *padron = summary_value (with_padron, 1, "SUNAT padrón as of");
    g_autofree char *rows = summary_value (with_padron, 1, "Rows in this file");

    g_assert_cmpstr (padron, ==, "text:2026-11-15");
    g_assert_cmpstr (rows, ==, "text:Valid rows only");
  }
}

static void
test_sheet_names (void)
{
  struct {
    const char *input;
    const char *name;
  } cases[] = {
    { "Summary", "Summary (2)" },
    { "PROBLEMS", "PROBLEMS (2)" },
    { "Ventas [2026]: a/b\\c*?", "Ventas _2026__ a_b_c__" },
    { "'Comillas'", "Comillas" },
    { "Una hoja con un nombre larguísimo de verdad", "Una hoja con un nombre larguísi" },
    { "Summary con un nombre larguísimo", "Summary con un nombre larguísim" },
    { "", "Results" },
    { "''", "Results" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RvTestExport) fixture = rv_test_export_new ();
      g_autoptr(RvSheet) sheet = rv_sheet_new (cases[i].input);
      g_autoptr(RvExportPlan) plan = NULL;

      g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC", -1));
      fixture->export.sheet = sheet;
      fixture->export.header_row = 0;
      fixture->export.first_row = 1;
      plan = plan_new (&fixture->export, RV_EXPORT_FORMAT_XLSX);
      g_assert_cmpstr (_rv_export_plan_get_sheet_name (plan, 0), ==, cases[i].name);
      g_assert_cmpstr (_rv_export_plan_get_sheet_name (plan, 1), ==, "Problems");
      g_assert_cmpstr (_rv_export_plan_get_sheet_name (plan, 2), ==, "Summary");
      g_assert_cmpint (g_utf8_strlen (_rv_export_plan_get_sheet_name (plan, 0), -1), <=, 31);
    }
}

static void
test_no_header (void)
{
  g_autoptr(RvSheet) sheet = rv_sheet_new ("Hoja1");
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) rv_result_unref);
  g_autoptr(RvExportPlan) plan = NULL;
  RvExportSummary summary = { .file_name = "lista.csv", .provider = "Offline" };
  RvExport export = { sheet, -1, 0, 0, NULL, RV_EXPORT_ALL, &summary };
  RvRucParse parse;

  g_assert_true (rv_sheet_set_cell (sheet, 0, 0, RV_CELL_TEXT, FALSE, "20131312956", -1));
  g_assert_true (rv_sheet_set_cell (sheet, 0, 1, RV_CELL_TEXT, FALSE, "Dígito", -1));
  rv_ruc_parse ("20131312956", &parse);
  g_ptr_array_add (results, rv_result_new (&parse, "20131312956"));
  export.results = (RvResult * const *) results->pdata;

  plan = plan_new (&export, RV_EXPORT_FORMAT_XLSX);
  /* A header row of its own comes first; the user's columns have no titles there. */
  g_assert_cmpuint (_rv_export_plan_get_n_rows (plan, 0), ==, 2);
  g_assert_cmpint (_rv_export_plan_get_header_row (plan, 0), ==, 0);
  assert_cell (plan, 0, 0, 0, "empty:");
  g_assert_cmpint (style_at (plan, 0, 0, 0), ==, RV_EXPORT_STYLE_HEADER);
  assert_cell (plan, 0, 0, 2, "text:Normalised RUC");
  assert_cell (plan, 0, 1, 0, "text:20131312956");
  /* The Problems sheet names them by letter, and counts rows from 1. */
  assert_cell (plan, 1, 0, 4, "text:Column A");
  assert_cell (plan, 1, 0, 5, "text:Column B");
  assert_cell (plan, 1, 1, 0, "number:1");
}

static void
test_limits (void)
{
  g_autoptr(RvSheet) wide = rv_sheet_new ("Ancha");
  g_autoptr(RvSheet) long_sheet = rv_sheet_new ("Larga");
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(RvExportPlan) csv = NULL;
  RvExportSummary summary = { .file_name = "x.csv", .provider = "Offline" };
  RvExport export = { wide, -1, 0, -1, NULL, RV_EXPORT_ALL, &summary };
  RvExportPlan *plan;
  char *expected = NULL;

  /* 16,380 columns and the results do not fit in a spreadsheet; CSV has no limit. */
  g_assert_true (rv_sheet_set_cell (wide, 0, RV_EXPORT_MAX_COLUMNS - 5, RV_CELL_TEXT, FALSE, "x", -1));
  g_ptr_array_set_size (results, 1);
  export.results = (RvResult * const *) results->pdata;
  plan = _rv_export_plan_new (&export, RV_EXPORT_FORMAT_XLSX, "out.xlsx", &error);
  g_assert_null (plan);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, expected = g_strdup_printf ("%'u columns", 16391)));
  g_clear_pointer (&expected, g_free);
  g_assert_nonnull (strstr (error->message, "export to CSV instead"));
  g_clear_error (&error);
  csv = _rv_export_plan_new (&export, RV_EXPORT_FORMAT_CSV, "out.csv", &error);
  g_assert_no_error (error);

  /* A full sheet without a header gets one more row: too many. */
  g_assert_true (rv_sheet_set_cell (long_sheet, RV_EXPORT_MAX_ROWS - 1, 0, RV_CELL_TEXT, FALSE, "x", -1));
  g_ptr_array_set_size (results, RV_EXPORT_MAX_ROWS);
  export.sheet = long_sheet;
  export.results = (RvResult * const *) results->pdata;
  plan = _rv_export_plan_new (&export, RV_EXPORT_FORMAT_ODS, "out.ods", &error);
  g_assert_null (plan);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, expected = g_strdup_printf ("%'u rows", 1048577)));
  g_clear_pointer (&expected, g_free);

  /* With a header row of its own, it fits. */
  g_clear_error (&error);
  export.header_row = 0;
  export.first_row = 1;
  g_assert_true (rv_sheet_set_cell (long_sheet, 0, 0, RV_CELL_TEXT, FALSE, "RUC", -1) ||
                 rv_sheet_get_n_rows (long_sheet) == RV_EXPORT_MAX_ROWS);
  plan = _rv_export_plan_new (&export, RV_EXPORT_FORMAT_ODS, "out.ods", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (_rv_export_plan_get_n_rows (plan, 0), ==, RV_EXPORT_MAX_ROWS);
  _rv_export_plan_free (plan);
}

static void
test_write_errors (void)
{
  g_autoptr(RvTestExport) fixture = rv_test_export_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autofree char *dir = g_dir_make_tmp ("rv-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "resultado.xlsx", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "resultado.ods", NULL);
  g_autoptr(GDir) listing = NULL;

  /* One sentence naming the file and the reason. */
  g_assert_false (rv_export_write (&fixture->export, RV_EXPORT_FORMAT_ODS, missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "Cannot write “resultado.ods”: No such file or directory");
  g_clear_error (&error);

  /* Too large for the format: the same sentence. */
  {
    g_autoptr(RvSheet) wide = rv_sheet_new ("Ancha");
    RvExport export = fixture->export;
    g_autofree char *expected = g_strdup_printf ("Cannot write “resultado.xlsx”: it would have "
                                                 "%'u columns, and a spreadsheet holds at most "
                                                 "%'u; export to CSV instead", 16395, 16384);

    g_assert_true (rv_sheet_set_cell (wide, 0, RV_EXPORT_MAX_COLUMNS - 1, RV_CELL_TEXT, FALSE, "x", -1));
    export.sheet = wide;
    export.header_row = -1;
    export.first_row = 0;
    g_assert_false (rv_export_write (&export, RV_EXPORT_FORMAT_XLSX, path, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    g_assert_cmpstr (error->message, ==, expected);
    g_clear_error (&error);
  }

  g_cancellable_cancel (cancelled);
  g_assert_false (rv_export_write (&fixture->export, RV_EXPORT_FORMAT_XLSX, path, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "Writing “resultado.xlsx” was cancelled");

  /* Nothing was left behind. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_rmdir (dir);
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* In a worker thread, for the window: the caller's export may go at once. */
static void
test_write_async (void)
{
  g_autofree char *dir = rv_test_make_dir ("test-export");
  g_autofree char *path = g_build_filename (dir, "resultado.ods", NULL);
  g_autofree char *cancelled_path = g_build_filename (dir, "cancelado.xlsx", NULL);
  g_autoptr(RvTestExport) expected = rv_test_export_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(RvTestExport) fixture = rv_test_export_new ();

    rv_export_write_async (&fixture->export, RV_EXPORT_FORMAT_ODS, path, NULL, on_written,
                           &result);
    g_cancellable_cancel (cancellable);
    rv_export_write_async (&fixture->export, RV_EXPORT_FORMAT_XLSX, cancelled_path, cancellable,
                           on_written, &cancelled);
  }

  while (result == NULL || cancelled == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (rv_export_write_finish (result, &error));
  g_assert_no_error (error);
  workbook = rv_test_export_read_back (RV_EXPORT_FORMAT_ODS, path);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 0), "H4", "text:20131312955");
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 0), "I4", "text:Valid");
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 2), "B3", "text:proveedores.xlsx");

  g_assert_false (rv_export_write_finish (cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (cancelled_path, G_FILE_TEST_EXISTS));

  rv_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/format-from-path", test_format_from_path);
  g_test_add_func ("/export/plan/sheets", test_sheets);
  g_test_add_func ("/export/plan/data-sheet", test_data_sheet);
  g_test_add_func ("/export/plan/selection", test_selection);
  g_test_add_func ("/export/plan/problems-sheet", test_problems_sheet);
  g_test_add_func ("/export/plan/summary-sheet", test_summary_sheet);
  g_test_add_func ("/export/plan/sheet-names", test_sheet_names);
  g_test_add_func ("/export/plan/no-header", test_no_header);
  g_test_add_func ("/export/plan/limits", test_limits);
  g_test_add_func ("/export/write/errors", test_write_errors);
  g_test_add_func ("/export/write/async", test_write_async);

  return g_test_run ();
}
