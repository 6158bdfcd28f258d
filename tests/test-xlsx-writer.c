/* test-xlsx-writer.c
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

#define G_LOG_DOMAIN "test-xlsx-writer"

#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "rv-sheet-writer-private.h"
#include "rv-test-export.h"
#include "rv-test-sheet.h"
#include "rv-zip.h"

/*
 * The XLSX writer. Every file written is read back twice: with our own XLSX reader,
 * compared cell by cell with the plan it was written from; and as XML, where what the
 * reader does not see is checked against the plan too: sheet names, the frozen header,
 * the autofilter, column widths, each cell's font, fill and number format, the document's
 * properties. Then the edges: dates, texts Excel would cut or misread, a comma for a
 * decimal point, cancellation, and files that cannot be written.
 */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_DC   "http://purl.org/dc/elements/1.1/"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

/* A temporary folder for the files a test writes. */
typedef struct
{
  char *dir;
} Fixture;

/* Helpers */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = rv_test_make_dir ("test-xlsx-writer");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  rv_test_remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

static char *
fixture_path (Fixture    *fixture,
              const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* The file descriptors this process holds. */
static guint
count_open_files (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static RvExportPlan *
plan_new (const RvExport *export)
{
  g_autoptr(GError) error = NULL;
  RvExportPlan *plan;

  plan = _rv_export_plan_new (export, RV_EXPORT_FORMAT_XLSX, "resultado.xlsx", &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

#define write_export(export, path) rv_test_export_write ((export), RV_EXPORT_FORMAT_XLSX, (path))
#define read_back(path) rv_test_export_read_back (RV_EXPORT_FORMAT_XLSX, (path))

/* A member of the ZIP at @path, parsed: it must be well-formed XML. */
static xmlDoc *
read_part (const char *path,
           const char *member)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RvZip) zip = NULL;
  g_autofree char *text = NULL;
  RvTestReading reading;
  xmlDoc *doc;

  rv_test_reading_init (&reading, path);
  zip = _rv_zip_open (&reading.ctx, &error);
  g_assert_no_error (error);
  text = _rv_zip_read_small (zip, member, 512 * 1024 * 1024);
  g_assert_nonnull (text);
  rv_test_reading_clear (&reading);

  doc = xmlReadMemory (text, strlen (text), member, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                       XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  if (doc == NULL)
    g_test_message ("%s is not well-formed XML", member);
  g_assert_nonnull (doc);
  return doc;
}

static char *
sheet_part_name (guint index)
{
  /* libxlsxwriter names the parts in the order of the sheets. */
  return g_strdup_printf ("xl/worksheets/sheet%u.xml", index + 1);
}

static xmlXPathObject *
xpath_eval (xmlDoc     *doc,
            const char *expression)
{
  xmlXPathContext *context = xmlXPathNewContext (doc);
  xmlXPathObject *result;

  xmlXPathRegisterNs (context, BAD_CAST "m", BAD_CAST NS_MAIN);
  xmlXPathRegisterNs (context, BAD_CAST "dc", BAD_CAST NS_DC);
  result = xmlXPathEvalExpression (BAD_CAST expression, context);
  xmlXPathFreeContext (context);

  if (result == NULL)
    g_test_message ("Bad XPath: %s", expression);
  g_assert_nonnull (result);
  return result;
}

/* The string value of an XPath expression, printf-style. */
G_GNUC_PRINTF (2, 3)
static char *
xpath_string (xmlDoc     *doc,
              const char *format,
              ...)
{
  g_autofree char *expression = NULL;
  xmlXPathObject *result;
  xmlChar *value;
  char *text;
  va_list args;

  va_start (args, format);
  expression = g_strdup_vprintf (format, args);
  va_end (args);

  result = xpath_eval (doc, expression);
  value = xmlXPathCastToString (result);
  text = g_strdup ((const char *) value);
  xmlFree (value);
  xmlXPathFreeObject (result);
  return text;
}

G_GNUC_PRINTF (2, 3)
static double
xpath_number (xmlDoc     *doc,
              const char *format,
              ...)
{
  g_autofree char *expression = NULL;
  xmlXPathObject *result;
  double value;
  va_list args;

  va_start (args, format);
  expression = g_strdup_vprintf (format, args);
  va_end (args);

  result = xpath_eval (doc, expression);
  value = xmlXPathCastToNumber (result);
  xmlXPathFreeObject (result);
  return value;
}

static char *
cell_reference (guint row,
                guint column)
{
  g_autofree char *letters = rv_sheet_column_letter (column);

  return g_strdup_printf ("%s%u", letters, row + 1);
}

static char *
argb (guint32 rgb)
{
  return g_strdup_printf ("FF%06X", rgb);
}

/* What a date text of the plan gets as number format; NULL for a text that is no date. */
static const char *
date_format_for (const char *text)
{
  gsize length = strlen (text);

  if (length == 10)
    return "yyyy-mm-dd";
  if (length == 19)
    return g_str_has_prefix (text, "1900-01-00 ") ? "hh:mm:ss" : "yyyy-mm-dd hh:mm:ss";
  return NULL;
}

/* The cell @reference of @sheet_xml, as styles.xml says it looks, against what its style
 * in the plan says.
 */
static void
check_look (xmlDoc             *sheet_xml,
            xmlDoc             *styles,
            const char         *reference,
            const RvExportCell *cell)
{
  g_autofree char *xf_index = NULL;
  g_autofree char *xf = NULL;
  g_autofree char *font = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *font_id = NULL;
  g_autofree char *fill_id = NULL;
  g_autofree char *format_id = NULL;
  g_autofree char *format = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *font_color = NULL;
  g_autofree char *fill_color = NULL;
  g_autofree char *where = g_strdup_printf ("//m:sheetData/m:row/m:c[@r='%s']", reference);
  const char *want_format;
  gboolean bold;
  double size;

  if (cell->kind == RV_CELL_EMPTY && cell->style == RV_EXPORT_STYLE_NONE)
    {
      /* Nothing written at all. */
      g_assert_cmpfloat (xpath_number (sheet_xml, "count(%s)", where), ==, 0);
      return;
    }

  g_assert_cmpfloat (xpath_number (sheet_xml, "count(%s)", where), ==, 1);
  xf_index = xpath_string (sheet_xml, "string(%s/@s)", where);
  xf = g_strdup_printf ("/m:styleSheet/m:cellXfs/m:xf[%d]", atoi (xf_index) + 1);
  g_assert_cmpfloat (xpath_number (styles, "count(%s)", xf), ==, 1);

  font_id = xpath_string (styles, "string(%s/@fontId)", xf);
  font = g_strdup_printf ("/m:styleSheet/m:fonts/m:font[%d]", atoi (font_id) + 1);
  bold = xpath_number (styles, "count(%s/m:b)", font) > 0;
  size = xpath_number (styles, "number(%s/m:sz/@val)", font);
  font_color = xpath_string (styles, "string(%s/m:color/@rgb)", font);

  fill_id = xpath_string (styles, "string(%s/@fillId)", xf);
  fill = g_strdup_printf ("/m:styleSheet/m:fills/m:fill[%d]", atoi (fill_id) + 1);
  pattern = xpath_string (styles, "string(%s/m:patternFill/@patternType)", fill);
  fill_color = xpath_string (styles, "string(%s/m:patternFill/m:fgColor/@rgb)", fill);

  format_id = xpath_string (styles, "string(%s/@numFmtId)", xf);
  format = xpath_string (styles, "string(/m:styleSheet/m:numFmts/m:numFmt[@numFmtId='%s']/@formatCode)",
                         format_id);

  /* A text of several lines wraps, so that its lines do not overlap; nothing else does. */
  g_assert_cmpint (xpath_number (styles, "count(%s/m:alignment[@wrapText='1'])", xf) > 0, ==,
                   cell->kind == RV_CELL_TEXT && strchr (cell->text, '\n') != NULL);

  switch ((int) cell->style)
    {
    case RV_EXPORT_STYLE_NONE:
      g_assert_false (bold);
      g_assert_cmpfloat (size, ==, 11);
      g_assert_cmpstr (pattern, ==, "none");
      break;

    case RV_EXPORT_STYLE_VALUE:
      g_assert_false (bold);
      g_assert_cmpstr (pattern, ==, "none");
      g_assert_cmpfloat (xpath_number (styles, "count(%s/m:alignment[@horizontal='left'])", xf), ==, 1);
      break;

    case RV_EXPORT_STYLE_HEADER:
    case RV_EXPORT_STYLE_LABEL:
      g_assert_true (bold);
      g_assert_cmpfloat (size, ==, 11);
      g_assert_cmpstr (pattern, ==, "none");
      break;

    case RV_EXPORT_STYLE_TITLE:
      g_assert_true (bold);
      g_assert_cmpfloat (size, ==, 14);
      g_assert_cmpstr (pattern, ==, "none");
      break;

    default:
      {
        RvVerdict verdict = cell->style - RV_EXPORT_STYLE_VERDICT;
        const RvExportColors *colors = _rv_export_get_verdict_colors (verdict);
        g_autofree char *want_font = argb (colors->font);
        g_autofree char *want_fill = argb (colors->fill);

        g_assert_cmpint (verdict, <, RV_N_VERDICTS);
        g_assert_true (bold);
        g_assert_cmpstr (font_color, ==, want_font);
        g_assert_cmpstr (pattern, ==, "solid");
        g_assert_cmpstr (fill_color, ==, want_fill);
      }
      break;
    }

  want_format = cell->kind == RV_CELL_DATE ? date_format_for (cell->text) : NULL;
  if (want_format != NULL)
    g_assert_cmpstr (format, ==, want_format);
  else
    g_assert_cmpstr (format_id, ==, "0");
}

/* What the reader does not see, for sheet @index of @plan. */
static void
check_sheet_part (RvExportPlan *plan,
                  guint         index,
                  xmlDoc       *sheet_xml,
                  xmlDoc       *styles)
{
  guint n_rows = _rv_export_plan_get_n_rows (plan, index);
  guint n_columns = _rv_export_plan_get_n_columns (plan, index);
  int header_row = _rv_export_plan_get_header_row (plan, index);
  double n_panes = xpath_number (sheet_xml, "count(//m:sheetView/m:pane)");
  double n_filters = xpath_number (sheet_xml, "count(/m:worksheet/m:autoFilter)");

  if (header_row >= 0)
    {
      g_autofree char *y_split = xpath_string (sheet_xml, "string(//m:sheetView/m:pane/@ySplit)");
      g_autofree char *state = xpath_string (sheet_xml, "string(//m:sheetView/m:pane/@state)");
      g_autofree char *top_left = xpath_string (sheet_xml, "string(//m:sheetView/m:pane/@topLeftCell)");
      g_autofree char *ref = xpath_string (sheet_xml, "string(/m:worksheet/m:autoFilter/@ref)");
      g_autofree char *want_split = g_strdup_printf ("%d", header_row + 1);
      g_autofree char *want_top_left = g_strdup_printf ("A%d", header_row + 2);
      g_autofree char *first = cell_reference (header_row, 0);
      g_autofree char *last = cell_reference (MAX ((guint) header_row, n_rows - 1), n_columns - 1);
      g_autofree char *want_ref = g_strdup_printf ("%s:%s", first, last);

      g_assert_cmpfloat (n_panes, ==, 1);
      g_assert_cmpstr (y_split, ==, want_split);
      g_assert_cmpstr (state, ==, "frozen");
      g_assert_cmpstr (top_left, ==, want_top_left);
      g_assert_cmpfloat (n_filters, ==, 1);
      g_assert_cmpstr (ref, ==, want_ref);
    }
  else
    {
      g_assert_cmpfloat (n_panes, ==, 0);
      g_assert_cmpfloat (n_filters, ==, 0);
    }

  /* One <col> per column, as wide as the plan says; libxlsxwriter adds the cell padding
   * (under one character).
   */
  g_assert_cmpfloat (xpath_number (sheet_xml, "count(/m:worksheet/m:cols/m:col)"), ==, n_columns);
  for (guint column = 0; column < n_columns; column++)
    {
      double want = _rv_export_plan_get_column_width (plan, index, column);
      double width = xpath_number (sheet_xml, "number(/m:worksheet/m:cols/m:col[@min='%u' and "
                                   "@max='%u' and @customWidth='1']/@width)",
                                   column + 1, column + 1);

      g_assert_cmpfloat (width, >=, want);
      g_assert_cmpfloat (width, <, want + 1);
    }

  for (guint row = 0; row < n_rows; row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, index, row);

      for (guint column = 0; column < n_columns; column++)
        {
          g_autofree char *reference = cell_reference (row, column);

          check_look (sheet_xml, styles, reference, &cells[column]);
        }
    }
}

/* What the reader does not see of the file at @path, against the plan of @export. */
static void
check_parts (const RvExport *export,
             const char     *path)
{
  g_autoptr(RvExportPlan) plan = plan_new (export);
  g_autoptr(xmlDoc) book = read_part (path, "xl/workbook.xml");
  g_autoptr(xmlDoc) styles = read_part (path, "xl/styles.xml");
  g_autoptr(xmlDoc) core = read_part (path, "docProps/core.xml");
  guint n_sheets = _rv_export_plan_get_n_sheets (plan);

  /* The sheets, by name and in order. */
  g_assert_cmpfloat (xpath_number (book, "count(/m:workbook/m:sheets/m:sheet)"), ==, n_sheets);
  for (guint i = 0; i < n_sheets; i++)
    {
      g_autofree char *name = xpath_string (book, "string(/m:workbook/m:sheets/m:sheet[%u]/@name)",
                                            i + 1);
      g_autofree char *part = sheet_part_name (i);
      g_autoptr(xmlDoc) sheet_xml = read_part (path, part);

      g_assert_cmpstr (name, ==, _rv_export_plan_get_sheet_name (plan, i));
      check_sheet_part (plan, i, sheet_xml, styles);
    }

  /* Who wrote it, and what it is. */
  {
    g_autofree char *title = xpath_string (core, "string(//dc:title)");
    g_autofree char *creator = xpath_string (core, "string(//dc:creator)");
    g_autofree char *description = xpath_string (core, "string(//dc:description)");

    g_assert_cmpstr (title, ==, _rv_export_plan_get_title (plan));
    g_assert_cmpstr (creator, ==, "RUC Validator");
    g_assert_cmpstr (description, ==, "RUC Validator " PACKAGE_VERSION);
  }
}

/* Everything of the file at @path against the plan of @export: the cells, as our reader
 * sees them, and the rest.
 */
static void
check_file (const RvExport *export,
            const char     *path)
{
  g_autoptr(RvWorkbook) workbook = read_back (path);

  rv_test_export_check_workbook (export, RV_EXPORT_FORMAT_XLSX, workbook);
  check_parts (export, path);
}

/* A one-column sheet "Datos" (under the header "Valor", unless there is none), without
 * results, and the export of it.
 */
typedef struct
{
  RvSheet         *sheet;
  GPtrArray       *results;
  GDateTime       *started_at;
  RvExportSummary  summary;
  RvExport         export;
} Simple;

static void
simple_free (Simple *simple)
{
  g_clear_object (&simple->sheet);
  g_clear_pointer (&simple->results, g_ptr_array_unref);
  g_clear_pointer (&simple->started_at, g_date_time_unref);
  g_free (simple);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Simple, simple_free)

static Simple *
simple_new (int header_row)
{
  Simple *simple = g_new0 (Simple, 1);

  simple->sheet = rv_sheet_new ("Datos");
  simple->results = g_ptr_array_new ();
  simple->summary.file_name = "datos.xlsx";
  simple->summary.provider = "Offline: check digits only";
  /* Without it, the Summary would tell the time of the export, and a plan made again
   * to check the file could be a second later.
   */
  simple->started_at = g_date_time_new_utc (2026, 11, 20, 10, 0, 0);
  simple->summary.started_at = simple->started_at;
  simple->export.sheet = simple->sheet;
  simple->export.header_row = header_row;
  simple->export.first_row = header_row + 1;
  simple->export.ruc_column = -1;
  simple->export.rows = RV_EXPORT_ALL;
  simple->export.summary = &simple->summary;

  if (header_row >= 0)
    g_assert_true (rv_sheet_set_cell (simple->sheet, header_row, 0, RV_CELL_TEXT, FALSE,
                                      "Valor", -1));
  return simple;
}

static void
simple_add (Simple     *simple,
            RvCellKind  kind,
            const char *text)
{
  guint row = rv_sheet_get_n_rows (simple->sheet);

  g_assert_true (rv_sheet_set_cell (simple->sheet, row, 0, kind, FALSE, text, -1));
}

static const RvExport *
simple_get_export (Simple *simple)
{
  g_ptr_array_set_size (simple->results, MAX (rv_sheet_get_n_rows (simple->sheet), 1));
  simple->export.results = (RvResult * const *) simple->results->pdata;
  return &simple->export;
}

/* Tests */

static void
test_fixture (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(RvTestExport) test_export = rv_test_export_new ();
  g_autofree char *path = fixture_path (fixture, "resultado.xlsx");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvSheet *sheet;

  write_export (&test_export->export, path);
  check_file (&test_export->export, path);

  /* What matters most, said once more plainly: RUCs and DNIs stay texts with their
   * zeros, numbers stay numbers, dates dates, booleans booleans.
   */
  workbook = read_back (path);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);
  sheet = rv_workbook_get_sheet (workbook, 0);
  rv_test_check_cell (sheet, "A3", "text:N°");
  rv_test_check_cell (sheet, "B4", "text:20131312955");
  rv_test_check_cell (sheet, "B5", "text:01234567");
  rv_test_check_cell (sheet, "E4", "number:1250.5");
  rv_test_check_cell (sheet, "D4", "date:2026-11-01");
  rv_test_check_cell (sheet, "D5", "date:2026-11-02 10:30:00");
  rv_test_check_cell (sheet, "D6", "date:1900-01-00 08:15:00");
  rv_test_check_cell (sheet, "F4", "boolean:TRUE");
  rv_test_check_cell (sheet, "G6", "text:#N/A");
  rv_test_check_cell (sheet, "G4", "text:=HYPERLINK(\"http://example.com\")");
  rv_test_check_cell (sheet, "G5", "text:línea 1\nlínea 2\tcon tab  y  dos espacios");

  /* Its row is two lines tall; the others keep the default height. */
  {
    g_autoptr(xmlDoc) sheet_xml = read_part (path, "xl/worksheets/sheet1.xml");

    g_assert_cmpfloat (xpath_number (sheet_xml, "number(//m:sheetData/m:row[@r='5']/@ht)"), ==, 30);
    g_assert_cmpfloat (xpath_number (sheet_xml, "count(//m:sheetData/m:row[@ht])"), ==, 1);
  }
}

static void
test_dates (Fixture       *fixture,
            gconstpointer  data)
{
  /* A text, the serial Excel stores for it (NULL: written as text), what reads back. */
  static const struct
  {
    const char *text;
    double      serial;
    const char *read_back;
  } dates[] = {
    { "1900-01-01", 1, "date:1900-01-01" },
    { "1900-02-28", 59, "date:1900-02-28" },
    { "1900-02-29", 60, "date:1900-02-29" },
    { "1900-03-01", 61, "date:1900-03-01" },
    { "1970-01-01", 25569, "date:1970-01-01" },
    { "2000-02-29", 36585, "date:2000-02-29" },
    { "2026-11-22", 46348, "date:2026-11-22" },
    { "9999-12-31", 2958465, "date:9999-12-31" },
    { "2026-11-22 10:15:00", 46348 + (10 * 3600 + 15 * 60) / 86400.0, "date:2026-11-22 10:15:00" },
    { "1900-03-01 00:00:01", 61 + 1 / 86400.0, "date:1900-03-01 00:00:01" },
    { "1900-01-00 23:59:59", 86399 / 86400.0, "date:1900-01-00 23:59:59" },
    { "1900-01-00 12:00:00", 0.5, "date:1900-01-00 12:00:00" },
    /* What a spreadsheet cannot hold as a date, or is no date at all. */
    { "1899-12-31", -1, "text:1899-12-31" },
    { "2026-02-30", -1, "text:2026-02-30" },
    { "2026-13-01", -1, "text:2026-13-01" },
    { "2026-1-5", -1, "text:2026-1-5" },
    { "2026-11-22T10:15:00", -1, "text:2026-11-22T10:15:00" },
    { "2026-11-22 24:00:00", -1, "text:2026-11-22 24:00:00" },
    { "1900-01-00", -1, "text:1900-01-00" },
    { "mañana", -1, "text:mañana" },
  };
  g_autoptr(Simple) simple = simple_new (0);
  g_autofree char *path = fixture_path (fixture, "fechas.xlsx");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(xmlDoc) sheet_xml = NULL;
  RvSheet *sheet;

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    simple_add (simple, RV_CELL_DATE, dates[i].text);
  write_export (simple_get_export (simple), path);

  workbook = read_back (path);
  sheet = rv_workbook_get_sheet (workbook, 0);
  sheet_xml = read_part (path, "xl/worksheets/sheet1.xml");

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      g_autofree char *reference = g_strdup_printf ("A%u", i + 2);
      g_autofree char *type = xpath_string (sheet_xml, "string(//m:c[@r='%s']/@t)", reference);
      g_autofree char *value = xpath_string (sheet_xml, "string(//m:c[@r='%s']/m:v)", reference);

      g_test_message ("%s", dates[i].text);
      if (dates[i].serial >= 0)
        {
          /* A number, to the second. */
          g_assert_cmpstr (type, ==, "");
          g_assert_cmpfloat_with_epsilon (g_ascii_strtod (value, NULL), dates[i].serial, 1e-9);
        }
      else
        g_assert_cmpstr (type, ==, "inlineStr");

      rv_test_check_cell (sheet, reference, dates[i].read_back);
    }
}

/* Texts Excel would misread, and texts XML cannot hold as they are. */
static void
test_texts (Fixture       *fixture,
            gconstpointer  data)
{
  static const char * const texts[] = {
    "a\x01" "b\x1f" "c\rd\x7f" "e",
    "_x0041_ _X004a_ _x00e9_ __x0041_ _x004_ _x",
    /* libxlsxwriter's escape of \x01 would end the escape-like text before it. */
    "_x0041\x01" "_x00",
    "no\xef\xbf\xbe" "char\xef\xbf\xbf",
    "  <b>&amp;</b> \"'  ",
    "línea 1\r\nlínea 2\ttab",
  };
  g_autoptr(Simple) simple = simple_new (0);
  g_autofree char *path = fixture_path (fixture, "textos.xlsx");
  g_autoptr(RvWorkbook) workbook = NULL;
  RvSheet *sheet;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    simple_add (simple, RV_CELL_TEXT, texts[i]);
  write_export (simple_get_export (simple), path);

  workbook = read_back (path);
  sheet = rv_workbook_get_sheet (workbook, 0);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *reference = g_strdup_printf ("A%u", i + 2);
      g_autofree char *want = g_strconcat ("text:", texts[i], NULL);

      rv_test_check_cell (sheet, reference, want);
    }

  check_file (simple_get_export (simple), path);
}

/* Excel's cells end at 32,767 characters. */
static void
test_long_texts (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(Simple) simple = simple_new (0);
  g_autofree char *path = fixture_path (fixture, "largos.xlsx");
  g_autoptr(GString) too_long = g_string_new (NULL);
  g_autoptr(GString) at_limit = g_string_new (NULL);
  g_autoptr(GString) escape_at_limit = g_string_new (NULL);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *want = NULL;
  RvCell cell;
  RvSheet *sheet;

  /* 32,768 characters, the last two of two bytes each: the cut keeps 32,767 characters
   * and never splits one.
   */
  for (guint i = 0; i < 32766; i++)
    g_string_append_c (too_long, 'a');
  g_string_append (too_long, "éñ");
  g_assert_cmpint (g_utf8_strlen (too_long->str, -1), ==, 32768);

  /* Exactly 32,767 characters of three bytes: kept whole. */
  for (guint i = 0; i < 32767; i++)
    g_string_append (at_limit, "€");

  /* An underscore that needs its escape, where the escape passes the limit. */
  for (guint i = 0; i < 32760; i++)
    g_string_append_c (escape_at_limit, 'b');
  g_string_append (escape_at_limit, "_x0041_bbbbbbb");

  simple_add (simple, RV_CELL_TEXT, too_long->str);
  simple_add (simple, RV_CELL_TEXT, at_limit->str);
  simple_add (simple, RV_CELL_TEXT, escape_at_limit->str);
  write_export (simple_get_export (simple), path);

  workbook = read_back (path);
  sheet = rv_workbook_get_sheet (workbook, 0);

  g_assert_true (rv_sheet_get_cell (sheet, 1, 0, &cell));
  g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
  g_assert_cmpint (g_utf8_strlen (cell.text, -1), ==, 32767);
  g_assert_true (g_str_has_prefix (too_long->str, cell.text));
  g_assert_true (g_str_has_suffix (cell.text, "aé"));

  g_assert_true (rv_sheet_get_cell (sheet, 2, 0, &cell));
  g_assert_cmpstr (cell.text, ==, at_limit->str);

  /* The escape of the underscore takes seven of the 32,767: what follows it is cut. */
  g_string_truncate (escape_at_limit, 32761);
  want = g_strconcat ("text:", escape_at_limit->str, NULL);
  rv_test_check_cell (sheet, "A4", want);

  check_parts (simple_get_export (simple), path);
}

static const char * const comma_locales[] = {
  "es_PE.UTF-8", "es_ES.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8",
};

/* An installed locale whose decimal point is a comma, or (locale_t) 0. */
static locale_t
find_comma_locale (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (comma_locales); i++)
    {
      locale_t locale = newlocale (LC_ALL_MASK, comma_locales[i], (locale_t) 0);

      if (locale != (locale_t) 0 && strcmp (nl_langinfo_l (RADIXCHAR, locale), ",") == 0)
        return locale;
      if (locale != (locale_t) 0)
        freelocale (locale);
    }

  return (locale_t) 0;
}

/* es_ES, compiled into @folder by localedef and loaded from there. */
static locale_t
make_comma_locale (const char *folder)
{
  g_autofree char *target = g_build_filename (folder, "es_ES.UTF-8", NULL);
  const char *localedef[] = { "localedef", "-i", "es_ES", "-f", "UTF-8", target, NULL };
  const char *rm[] = { "rm", "-rf", folder, NULL };
  locale_t locale;
  int status = -1;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_true (g_spawn_sync (NULL, (char **) localedef, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_setenv ("LOCPATH", folder, TRUE);
  locale = newlocale (LC_ALL_MASK, "es_ES.UTF-8", (locale_t) 0);
  g_unsetenv ("LOCPATH");

  /* Loaded: the files can go (the tear-down removes plain files only). */
  g_assert_true (g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                               NULL, NULL, NULL));
  return locale;
}

/* Numbers are written with a point whatever the thread's locale says. In a subprocess,
 * since a locale made here needs LOCPATH, with which glibc's newlocale() leaks a little.
 */
static void
test_locale (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(Simple) simple = NULL;
  g_autofree char *path = NULL;
  g_autofree char *locales = NULL;
  g_autoptr(xmlDoc) sheet_xml = NULL;
  g_autofree char *value = NULL;
  locale_t comma;
  locale_t previous;

  if (!g_test_subprocess ())
    {
      g_autofree char *localedef = g_find_program_in_path ("localedef");

      comma = find_comma_locale ();
      if (comma == (locale_t) 0 && localedef == NULL)
        {
          g_test_skip ("No locale with a decimal comma, and no localedef to make one");
          return;
        }
      if (comma != (locale_t) 0)
        freelocale (comma);

      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  simple = simple_new (0);
  path = fixture_path (fixture, "numeros.xlsx");
  locales = fixture_path (fixture, "locales");

  comma = find_comma_locale ();
  if (comma == (locale_t) 0)
    comma = make_comma_locale (locales);
  g_assert_true (comma != (locale_t) 0);

  simple_add (simple, RV_CELL_NUMBER, "1250.5");
  simple_add (simple, RV_CELL_NUMBER, "-0.001");
  simple_add (simple, RV_CELL_NUMBER, "1e-07");

  previous = uselocale (comma);
  g_assert_cmpstr (nl_langinfo (RADIXCHAR), ==, ",");
  write_export (simple_get_export (simple), path);
  uselocale (previous);
  freelocale (comma);

  sheet_xml = read_part (path, "xl/worksheets/sheet1.xml");
  value = xpath_string (sheet_xml, "string(//m:c[@r='A2']/m:v)");
  g_assert_cmpstr (value, ==, "1250.5");
  check_file (simple_get_export (simple), path);
}

static void
test_empty_sheet (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(Simple) simple = simple_new (-1);
  g_autofree char *path = fixture_path (fixture, "vacio.xlsx");

  g_assert_cmpuint (rv_sheet_get_n_rows (simple->sheet), ==, 0);
  simple->export.results = NULL;
  write_export (&simple->export, path);
  check_file (&simple->export, path);
}

static void
test_no_header (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Simple) simple = simple_new (-1);
  g_autofree char *path = fixture_path (fixture, "sin-cabecera.xlsx");
  g_autoptr(RvExportPlan) plan = NULL;

  simple_add (simple, RV_CELL_TEXT, "20131312955");
  simple_add (simple, RV_CELL_NUMBER, "42");
  simple_add (simple, RV_CELL_BOOLEAN, "FALSE");
  write_export (simple_get_export (simple), path);

  /* The plan gives the data sheet a header of its own, the result columns' titles; the
   * Summary has none. check_file() looks at both.
   */
  plan = plan_new (simple_get_export (simple));
  g_assert_cmpint (_rv_export_plan_get_header_row (plan, 0), ==, 0);
  g_assert_cmpint (_rv_export_plan_get_header_row (plan, _rv_export_plan_get_n_sheets (plan) - 1),
                   ==, -1);
  check_file (simple_get_export (simple), path);
}

/* Past the cancellation interval, and more rows than anything else here. */
static void
test_many_rows (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(Simple) simple = simple_new (0);
  g_autofree char *path = fixture_path (fixture, "filas.xlsx");
  g_autoptr(RvWorkbook) workbook = NULL;

  for (guint i = 0; i < 10000; i++)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%u", i * 7);
      simple_add (simple, i % 3 == 0 ? RV_CELL_TEXT : RV_CELL_NUMBER, text);
    }
  write_export (simple_get_export (simple), path);

  workbook = read_back (path);
  rv_test_export_check_workbook (simple_get_export (simple), RV_EXPORT_FORMAT_XLSX, workbook);
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 0), "A10001", "text:69993");
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(RvTestExport) test_export = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = plan_new (&test_export->export);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_path (fixture, "cancelado.xlsx");
  g_autofree char *contents = NULL;
  gsize length = 1;
  guint n_open;

  /* As rv_export_write() leaves it: created and empty. */
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_cancellable_cancel (cancellable);
  _rv_export_plan_set_cancellable (plan, cancellable);

  n_open = count_open_files ();
  g_assert_false (_rv_xlsx_write (plan, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* libxlsxwriter's temporary files are closed, and the file was not touched. */
  g_assert_cmpuint (count_open_files (), ==, n_open);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, ==, 0);
}

static void
test_cannot_write (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(RvTestExport) test_export = rv_test_export_new ();
  g_autoptr(RvExportPlan) plan = plan_new (&test_export->export);
  g_autofree char *missing = fixture_path (fixture, "no-such-folder/resultado.xlsx");
  guint n_open = count_open_files ();

  /* The reason alone: rv_export_write() names the file. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (_rv_xlsx_write (plan, missing, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_cmpstr (error->message, ==, g_strerror (ENOENT));
    g_assert_cmpuint (count_open_files (), ==, n_open);
  }

  /* A full disk, found as the workbook is put together. libxlsxwriter 1.1.4 leaves the
   * rows' temporary files open then: no count of open files here.
   */
  if (access ("/dev/full", W_OK) == 0)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (_rv_xlsx_write (plan, "/dev/full", &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      g_assert_cmpstr (error->message, ==, g_strerror (ENOSPC));
    }
}

/*
 * libxlsxwriter keeps the rows in a temporary file whose failed writes it ignores. Here
 * no file may pass 1 MiB: the rows' XML does, the compressed workbook would not. The
 * write must fail, not leave a workbook with a truncated sheet.
 */
static void
test_temporary_file_full (Fixture       *fixture,
                          gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(Simple) simple = simple_new (0);
      g_autoptr(RvExportPlan) plan = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = fixture_path (fixture, "lleno.xlsx");
      struct rlimit limit = { 1024 * 1024, 1024 * 1024 };

      for (guint i = 0; i < 40000; i++)
        simple_add (simple, RV_CELL_TEXT, "The same text, over and over again, compresses well");
      plan = plan_new (simple_get_export (simple));
      g_assert_true (g_file_set_contents (path, "", 0, NULL));

      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (_rv_xlsx_write (plan, path, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
      g_assert_cmpstr (error->message, ==, g_strerror (EFBIG));
      g_unlink (path);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/xlsx-writer/fixture", Fixture, NULL, fixture_set_up, test_fixture,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/dates", Fixture, NULL, fixture_set_up, test_dates,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/texts", Fixture, NULL, fixture_set_up, test_texts,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/long-texts", Fixture, NULL, fixture_set_up, test_long_texts,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/locale", Fixture, NULL, fixture_set_up, test_locale,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/empty-sheet", Fixture, NULL, fixture_set_up, test_empty_sheet,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/no-header", Fixture, NULL, fixture_set_up, test_no_header,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/many-rows", Fixture, NULL, fixture_set_up, test_many_rows,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/cancelled", Fixture, NULL, fixture_set_up, test_cancelled,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/cannot-write", Fixture, NULL, fixture_set_up, test_cannot_write,
              fixture_tear_down);
  g_test_add ("/xlsx-writer/temporary-file-full", Fixture, NULL, fixture_set_up,
              test_temporary_file_full, fixture_tear_down);

  return g_test_run ();
}
