/* test-ods-writer.c
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

#define G_LOG_DOMAIN "test-ods-writer"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "rv-sheet-reader-private.h"
#include "rv-sheet-writer-private.h"
#include "rv-test-export.h"
#include "rv-test-sheet.h"
#include "rv-zip.h"

/*
 * The ODS writer: the export fixture written through rv_export_write() and read back by
 * our own ODS reader, cell by cell against the plan; texts that XML would mangle; what
 * the file says besides the cells (styles, colours, the autofilter, the frozen header,
 * the manifest), looked up in the XML with XPath; cancellation; and LibreOffice's own
 * reading of a file, when it is installed.
 */

#define MIMETYPE "application/vnd.oasis.opendocument.spreadsheet"

#define NS_OFFICE   "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_STYLE    "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define NS_TEXT     "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE    "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_FO       "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define NS_NUMBER   "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
#define NS_META     "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_DC       "http://purl.org/dc/elements/1.1/"
#define NS_CONFIG   "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
#define NS_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

typedef struct
{
  char *dir;
} Fixture;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlXPathObject, xmlXPathFreeObject)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = rv_test_make_dir ("test-ods-writer");
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

#define write_export(export, path) rv_test_export_write ((export), RV_EXPORT_FORMAT_ODS, (path))
#define read_back(path) rv_test_export_read_back (RV_EXPORT_FORMAT_ODS, (path))

/* Runs @argv; returns what it wrote to stdout, or NULL (with a message) if it failed. */
static GBytes *
run (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GBytes) out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_test_message ("%s: %.*s", argv[0], (int) g_bytes_get_size (err),
                      (const char *) g_bytes_get_data (err, NULL));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* unzip -t finds nothing wrong. */
static void
check_unzip (const char *path)
{
  const char *argv[] = { "unzip", "-t", path, NULL };
  g_autoptr(GBytes) out = run (argv);
  g_autofree char *text = NULL;

  g_assert_nonnull (out);
  text = g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
  g_assert_nonnull (strstr (text, "No errors detected"));
}

/* A member of the package, through our own ZIP reader. */
static char *
read_member (const char *path,
             const char *name)
{
  g_autoptr(RvZip) zip = NULL;
  g_autoptr(GError) error = NULL;
  RvTestReading reading;
  char *text;

  rv_test_reading_init (&reading, path);
  zip = _rv_zip_open (&reading.ctx, &error);
  g_assert_no_error (error);
  text = _rv_zip_read_small (zip, name, 64 * 1024 * 1024);
  g_clear_pointer (&zip, _rv_zip_free);
  rv_test_reading_clear (&reading);

  g_assert_nonnull (text);
  return text;
}

/* A member parsed, with the ODF prefixes registered for XPath. */
static xmlXPathContext *
parse_member (const char  *path,
              const char  *name,
              xmlDoc     **doc)
{
  g_autofree char *text = read_member (path, name);
  xmlXPathContext *xpath;

  *doc = xmlReadMemory (text, strlen (text), name, NULL, XML_PARSE_NONET);
  g_assert_nonnull (*doc);

  xpath = xmlXPathNewContext (*doc);
  xmlXPathRegisterNs (xpath, BAD_CAST "office", BAD_CAST NS_OFFICE);
  xmlXPathRegisterNs (xpath, BAD_CAST "style", BAD_CAST NS_STYLE);
  xmlXPathRegisterNs (xpath, BAD_CAST "text", BAD_CAST NS_TEXT);
  xmlXPathRegisterNs (xpath, BAD_CAST "table", BAD_CAST NS_TABLE);
  xmlXPathRegisterNs (xpath, BAD_CAST "fo", BAD_CAST NS_FO);
  xmlXPathRegisterNs (xpath, BAD_CAST "number", BAD_CAST NS_NUMBER);
  xmlXPathRegisterNs (xpath, BAD_CAST "meta", BAD_CAST NS_META);
  xmlXPathRegisterNs (xpath, BAD_CAST "dc", BAD_CAST NS_DC);
  xmlXPathRegisterNs (xpath, BAD_CAST "config", BAD_CAST NS_CONFIG);
  xmlXPathRegisterNs (xpath, BAD_CAST "manifest", BAD_CAST NS_MANIFEST);
  return xpath;
}

/* The string value of @expression (printf-style), "" when it selects nothing. */
G_GNUC_PRINTF (2, 3)
static char *
xpath_string (xmlXPathContext *xpath,
              const char      *format,
              ...)
{
  g_autofree char *expression = NULL;
  g_autoptr(xmlXPathObject) result = NULL;
  va_list args;

  va_start (args, format);
  expression = g_strdup_vprintf (format, args);
  va_end (args);

  result = xmlXPathEvalExpression (BAD_CAST expression, xpath);
  g_assert_nonnull (result);
  result = xmlXPathConvertString (g_steal_pointer (&result));
  return g_strdup ((const char *) result->stringval);
}

G_GNUC_PRINTF (2, 3)
static double
xpath_number (xmlXPathContext *xpath,
              const char      *format,
              ...)
{
  g_autofree char *expression = NULL;
  g_autoptr(xmlXPathObject) result = NULL;
  va_list args;

  va_start (args, format);
  expression = g_strdup_vprintf (format, args);
  va_end (args);

  result = xmlXPathEvalExpression (BAD_CAST expression, xpath);
  g_assert_nonnull (result);
  return xmlXPathCastToNumber (result);
}

#define assert_xpath(xpath, expected, ...) G_STMT_START { \
    g_autofree char *_got = xpath_string ((xpath), __VA_ARGS__); \
    g_assert_cmpstr (_got, ==, (expected)); \
  } G_STMT_END

/*
 * @sheet with its times as the plan writes them: our ODS reader gives a time alone as
 * "08:15:00" (a duration, which may pass 24 hours), where the plan and the Excel readers
 * say "1900-01-00 08:15:00".
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

/* Every sheet of @export's plan, in order, and every cell, in @path read back. */
static void
check_read_back (const RvExport *export,
                 const char     *path)
{
  g_autoptr(RvWorkbook) workbook = read_back (path);
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

/* The fixture, written and read back: every sheet and every cell as the plan says. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(RvTestExport) export = rv_test_export_new ();
  g_autofree char *path = fixture_path (fixture, "resultado.ods");

  write_export (&export->export, path);
  check_unzip (path);
  check_read_back (&export->export, path);

  /* The other selections, which have no Problems sheet. */
  export->export.rows = RV_EXPORT_VALID;
  write_export (&export->export, path);
  check_read_back (&export->export, path);
  export->export.rows = RV_EXPORT_PROBLEMS;
  write_export (&export->export, path);
  check_read_back (&export->export, path);
}

/* The one node @expression (printf-style) selects. */
G_GNUC_PRINTF (2, 3)
static xmlNode *
xpath_node (xmlXPathContext *xpath,
            const char      *format,
            ...)
{
  g_autofree char *expression = NULL;
  g_autoptr(xmlXPathObject) result = NULL;
  va_list args;

  va_start (args, format);
  expression = g_strdup_vprintf (format, args);
  va_end (args);

  result = xmlXPathEvalExpression (BAD_CAST expression, xpath);
  g_assert_nonnull (result);
  g_assert_nonnull (result->nodesetval);
  if (result->nodesetval->nodeNr != 1)
    g_test_message ("%s: %d nodes", expression, result->nodesetval->nodeNr);
  g_assert_cmpint (result->nodesetval->nodeNr, ==, 1);
  return result->nodesetval->nodeTab[0];
}

static char *
get_attribute (xmlNode    *node,
               const char *ns,
               const char *name)
{
  xmlChar *value = xmlGetNsProp (node, BAD_CAST name, BAD_CAST ns);
  char *copy = g_strdup (value != NULL ? (const char *) value : "");

  xmlFree (value);
  return copy;
}

static char *
get_text (xmlNode *node)
{
  xmlChar *value = xmlNodeGetContent (node);
  char *copy = g_strdup ((const char *) value);

  xmlFree (value);
  return copy;
}

/* Cell @column of @row, counting the cells that number-columns-repeated stands for. */
static xmlNode *
row_cell (xmlNode *row,
          guint    column)
{
  guint at = 0;

  for (xmlNode *cell = row->children; cell != NULL; cell = cell->next)
    {
      g_autofree char *repeat = NULL;

      if (cell->type != XML_ELEMENT_NODE || g_strcmp0 ((const char *) cell->name, "table-cell") != 0)
        continue;
      repeat = get_attribute (cell, NS_TABLE, "number-columns-repeated");
      at += repeat[0] != '\0' ? (guint) g_ascii_strtoull (repeat, NULL, 10) : 1;
      if (column < at)
        return cell;
    }

  g_assert_not_reached ();
}

/* What the styles of @cell say, "bold #c6efce #006100 N2" (the parts it has), found
 * through its style name in content.xml. */
static char *
cell_style (xmlXPathContext *xpath,
            xmlNode         *cell)
{
  g_autofree char *name = get_attribute (cell, NS_TABLE, "style-name");
  g_autofree char *weight = NULL;
  g_autofree char *fill = NULL;
  g_autofree char *color = NULL;
  g_autofree char *size = NULL;
  g_autofree char *data_style = NULL;
  GString *out = g_string_new (NULL);

  if (name[0] == '\0')
    return g_string_free (out, FALSE);

#define STYLE "//office:automatic-styles/style:style[@style:name='%s']"
  weight = xpath_string (xpath, "string(" STYLE "/style:text-properties/@fo:font-weight)", name);
  size = xpath_string (xpath, "string(" STYLE "/style:text-properties/@fo:font-size)", name);
  fill = xpath_string (xpath, "string(" STYLE "/style:table-cell-properties/@fo:background-color)",
                       name);
  color = xpath_string (xpath, "string(" STYLE "/style:text-properties/@fo:color)", name);
  data_style = xpath_string (xpath, "string(" STYLE "/@style:data-style-name)", name);
  g_assert_cmpfloat (xpath_number (xpath, "count(" STYLE ")", name), ==, 1);
#undef STYLE

  g_string_append (out, weight);
  if (size[0] != '\0')
    g_string_append_printf (out, " %s", size);
  if (fill[0] != '\0')
    g_string_append_printf (out, " %s %s", fill, color);
  if (data_style[0] != '\0')
    g_string_append_printf (out, " %s", data_style);
  return g_strchug (g_string_free (out, FALSE));
}

/* The data style of @cell as a pattern: "date-style YYYY-MM-DD". */
static char *
cell_pattern (xmlXPathContext *xpath,
              xmlNode         *cell)
{
  g_autofree char *style = get_attribute (cell, NS_TABLE, "style-name");
  g_autofree char *data_style = xpath_string (xpath, "string(//style:style[@style:name='%s']/"
                                              "@style:data-style-name)", style);
  xmlNode *node = xpath_node (xpath, "//office:automatic-styles/number:*[@style:name='%s']",
                              data_style);
  GString *out = g_string_new ((const char *) node->name);

  g_string_append_c (out, ' ');
  for (xmlNode *part = node->children; part != NULL; part = part->next)
    {
      const char *name = (const char *) part->name;
      g_autofree char *length = NULL;
      g_autofree char *text = NULL;

      if (part->type != XML_ELEMENT_NODE)
        continue;
      length = get_attribute (part, NS_NUMBER, "style");
      text = get_text (part);

      if (strcmp (name, "text") == 0)
        g_string_append (out, text);
      else if (strcmp (name, "year") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "YYYY" : "YY");
      else if (strcmp (name, "month") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "MM" : "M");
      else if (strcmp (name, "day") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "DD" : "D");
      else if (strcmp (name, "hours") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "HH" : "H");
      else if (strcmp (name, "minutes") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "MM" : "M");
      else if (strcmp (name, "seconds") == 0)
        g_string_append (out, strcmp (length, "long") == 0 ? "SS" : "S");
      else
        g_string_append_printf (out, "<%s>", name);
    }

  return g_string_free (out, FALSE);
}

/* Cell @column of the data row numbered @number ("N°", its first cell) of the first sheet. */
static xmlNode *
data_cell (xmlXPathContext *xpath,
           const char      *number,
           guint            column)
{
  xmlNode *row = xpath_node (xpath, "(//table:table)[1]//table:table-row"
                             "[table:table-cell[1][@office:value='%s']]", number);

  return row_cell (row, column);
}

#define assert_text(node, expected) G_STMT_START { \
    g_autofree char *_got = get_text (node); \
    g_assert_cmpstr (_got, ==, (expected)); \
  } G_STMT_END

#define assert_attribute(node, ns, name, expected) G_STMT_START { \
    g_autofree char *_got = get_attribute ((node), (ns), (name)); \
    g_assert_cmpstr (_got, ==, (expected)); \
  } G_STMT_END

/* What content.xml says besides the cells: bold headers, the verdicts' colours, dates
 * with their formats, the autofilter; settings.xml the frozen header; the manifest and
 * the metadata. */
static void
test_package (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(RvTestExport) export = rv_test_export_new ();
  g_autofree char *path = fixture_path (fixture, "resultado.ods");
  g_autoptr(RvExportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(xmlDoc) content = NULL;
  g_autoptr(xmlXPathContext) xpath = NULL;
  g_autoptr(xmlDoc) settings = NULL;
  g_autoptr(xmlXPathContext) settings_xpath = NULL;
  g_autoptr(xmlDoc) manifest = NULL;
  g_autoptr(xmlXPathContext) manifest_xpath = NULL;
  g_autoptr(xmlDoc) meta = NULL;
  g_autoptr(xmlXPathContext) meta_xpath = NULL;
  g_autofree char *mimetype = NULL;
  guint n_sheets;
  guint verdict_column = 0;
  guint checked[RV_N_VERDICTS] = { 0 };

  write_export (&export->export, path);
  plan = _rv_export_plan_new (&export->export, RV_EXPORT_FORMAT_ODS, "resultado.ods", &error);
  g_assert_no_error (error);
  n_sheets = _rv_export_plan_get_n_sheets (plan);
  g_assert_cmpuint (n_sheets, ==, 3);

  mimetype = read_member (path, "mimetype");
  g_assert_cmpstr (mimetype, ==, MIMETYPE);

  /* mimetype first, stored, its name at offset 30 and its content right after it; the
   * other members in their order. */
  {
    const char *argv[] = { "unzip", "-Z1", path, NULL };
    g_autoptr(GBytes) names = run (argv);
    g_autofree char *bytes = NULL;
    gsize length;
#define MEMBERS "mimetype\ncontent.xml\nstyles.xml\nmeta.xml\nsettings.xml\nMETA-INF/manifest.xml\n"

    g_assert_true (g_file_get_contents (path, &bytes, &length, NULL));
    g_assert_cmpuint (length, >, 38 + strlen (MIMETYPE));
    g_assert_cmpmem (bytes + 30, 8, "mimetype", 8);
    g_assert_cmpmem (bytes + 38, strlen (MIMETYPE), MIMETYPE, strlen (MIMETYPE));
    g_assert_nonnull (names);
    g_assert_cmpmem (g_bytes_get_data (names, NULL), g_bytes_get_size (names),
                     MEMBERS, strlen (MEMBERS));
#undef MEMBERS
  }

  xpath = parse_member (path, "content.xml", &content);
  g_assert_cmpfloat (xpath_number (xpath, "count(//table:table)"), ==, n_sheets);

  /* The header: bold, in table:table-header-rows; the verdicts: their colours, bold. */
  {
    const RvExportCell *header = _rv_export_plan_get_row (plan, 0, 2);

    for (guint column = 0; column < _rv_export_plan_get_n_columns (plan, 0); column++)
      if (g_strcmp0 (header[column].text, rv_result_column_get_title (RV_RESULT_COLUMN_VERDICT)) == 0)
        verdict_column = column;
    g_assert_cmpuint (verdict_column, >, 0);
  }
  {
    xmlNode *row = xpath_node (xpath, "(//table:table)[1]/table:table-header-rows/table:table-row");
    g_autofree char *style = cell_style (xpath, row_cell (row, 1));

    /* Row 3 is the header, inside table:table-header-rows, after the titles. */
    assert_text (row_cell (row, 1), "RUC");
    g_assert_cmpstr (style, ==, "bold");
    g_clear_pointer (&style, g_free);
    style = cell_style (xpath, row_cell (row, verdict_column));
    g_assert_cmpstr (style, ==, "bold");
    assert_text (row_cell (row, verdict_column), rv_result_column_get_title (RV_RESULT_COLUMN_VERDICT));
    g_assert_cmpfloat (xpath_number (xpath, "count((//table:table)[1]/table:table-header-rows/"
                                     "preceding-sibling::table:table-row)"), ==, 2);
  }

  for (guint row = 0; row < _rv_export_plan_get_n_rows (plan, 0); row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, 0, row);
      RvExportStyle style = cells[verdict_column].style;
      xmlNode *cell;
      g_autofree char *got = NULL;
      g_autofree char *expected = NULL;
      const RvExportColors *colors;
      RvVerdict verdict;

      if (style < RV_EXPORT_STYLE_VERDICT)
        continue;
      verdict = style - RV_EXPORT_STYLE_VERDICT;
      colors = _rv_export_get_verdict_colors (verdict);

      /* The data row by its first cell, "N°". */
      cell = data_cell (xpath, cells[0].text, verdict_column);
      assert_text (cell, cells[verdict_column].text);
      got = cell_style (xpath, cell);
      expected = g_strdup_printf ("bold #%06x #%06x", colors->fill, colors->font);
      g_assert_cmpstr (got, ==, expected);
      checked[verdict]++;
    }
  for (guint verdict = 0; verdict < RV_N_VERDICTS; verdict++)
    g_assert_cmpuint (checked[verdict], >, 0);

  /* Dates: a value, and a format that shows them as the user wrote them. */
  {
    xmlNode *date = data_cell (xpath, "1", 3);
    xmlNode *date_time = data_cell (xpath, "2", 3);
    xmlNode *time = data_cell (xpath, "3", 3);
    g_autofree char *pattern = NULL;

    assert_attribute (date, NS_OFFICE, "value-type", "date");
    assert_attribute (date, NS_OFFICE, "date-value", "2026-11-01");
    assert_text (date, "2026-11-01");
    assert_attribute (date_time, NS_OFFICE, "value-type", "date");
    assert_attribute (date_time, NS_OFFICE, "date-value", "2026-11-02T10:30:00");
    assert_text (date_time, "2026-11-02 10:30:00");
    assert_attribute (time, NS_OFFICE, "value-type", "time");
    assert_attribute (time, NS_OFFICE, "time-value", "PT08H15M00S");
    assert_text (time, "08:15:00");

    pattern = cell_pattern (xpath, date);
    g_assert_cmpstr (pattern, ==, "date-style YYYY-MM-DD");
    g_clear_pointer (&pattern, g_free);
    pattern = cell_pattern (xpath, date_time);
    g_assert_cmpstr (pattern, ==, "date-style YYYY-MM-DD HH:MM:SS");
    g_clear_pointer (&pattern, g_free);
    pattern = cell_pattern (xpath, time);
    g_assert_cmpstr (pattern, ==, "time-style HH:MM:SS");
  }

  /* A text of several lines wraps, so that its lines do not overlap; others do not. */
  {
    g_autofree char *lines = get_attribute (data_cell (xpath, "2", 6), NS_TABLE, "style-name");
    g_autofree char *line = get_attribute (data_cell (xpath, "1", 6), NS_TABLE, "style-name");
    g_autofree char *wrap = xpath_string (xpath, "string(//office:automatic-styles/style:style"
                                          "[@style:name='%s']/style:table-cell-properties/"
                                          "@fo:wrap-option)", lines);

    g_assert_cmpstr (wrap, ==, "wrap");
    g_assert_cmpstr (line, ==, "");
  }

  /* The Summary's title: bold and larger. */
  {
    xmlNode *title = xpath_node (xpath, "(//table:table)[3]/table:table-row[1]/table:table-cell[1]");
    g_autofree char *style = cell_style (xpath, title);

    g_assert_cmpstr (style, ==, "bold 14pt");
  }

  /* The autofilter: from the header to the last row and column, sheets with a header. */
  {
    guint n_columns = _rv_export_plan_get_n_columns (plan, 0);
    g_autofree char *last = rv_sheet_column_letter (n_columns - 1);
    g_autofree char *expected = g_strdup_printf ("'Proveedores'.A3:'Proveedores'.%s%u", last,
                                                 _rv_export_plan_get_n_rows (plan, 0));

    assert_xpath (xpath, expected, "string(//table:database-range[@table:name="
                  "'__Anonymous_Sheet_DB__0']/@table:target-range-address)");
    assert_xpath (xpath, "true", "string(//table:database-range[@table:name="
                  "'__Anonymous_Sheet_DB__0']/@table:display-filter-buttons)");
    g_assert_cmpfloat (xpath_number (xpath, "count(//table:database-range)"), ==, 2);
    assert_xpath (xpath, "'Problems'.A1", "substring-before(//table:database-range[@table:name="
                  "'__Anonymous_Sheet_DB__1']/@table:target-range-address, ':')");
  }

  /* Column widths: one style per width, repeated columns of the same width. */
  {
    double width = _rv_export_plan_get_column_width (plan, 0, 2);
    g_autofree char *style = xpath_string (xpath, "string((//table:table)[1]/table:table-column"
                                           "[1 + sum(preceding-sibling::table:table-column/"
                                           "@table:number-columns-repeated) + count(preceding-"
                                           "sibling::table:table-column[not(@table:number-"
                                           "columns-repeated)]) <= 3][last()]/@table:style-name)");
    g_autofree char *cm = xpath_string (xpath, "string(//style:style[@style:name='%s']/"
                                        "style:table-column-properties/@style:column-width)",
                                        style);

    g_assert_true (g_str_has_suffix (cm, "cm"));
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cm, NULL), width * 0.2 + 0.2, 0.01);
    g_assert_cmpfloat (xpath_number (xpath, "sum((//table:table)[1]/table:table-column/"
                                     "@table:number-columns-repeated) + count((//table:table)[1]/"
                                     "table:table-column[not(@table:number-columns-repeated)])"),
                       ==, _rv_export_plan_get_n_columns (plan, 0));
  }

  /* The frozen header: rows 1 to 3 of the first sheet, row 1 of Problems, no Summary. */
  settings_xpath = parse_member (path, "settings.xml", &settings);
#define TABLE "//config:config-item-map-named[@config:name='Tables']/" \
              "config:config-item-map-entry[@config:name='%s']"
  assert_xpath (settings_xpath, "3", "string(" TABLE "/config:config-item"
                "[@config:name='VerticalSplitPosition'])", "Proveedores");
  assert_xpath (settings_xpath, "2", "string(" TABLE "/config:config-item"
                "[@config:name='VerticalSplitMode'])", "Proveedores");
  assert_xpath (settings_xpath, "3", "string(" TABLE "/config:config-item"
                "[@config:name='PositionBottom'])", "Proveedores");
  assert_xpath (settings_xpath, "2", "string(" TABLE "/config:config-item"
                "[@config:name='ActiveSplitRange'])", "Proveedores");
  assert_xpath (settings_xpath, "1", "string(" TABLE "/config:config-item"
                "[@config:name='VerticalSplitPosition'])", "Problems");
  g_assert_cmpfloat (xpath_number (settings_xpath, "count(" TABLE ")", "Summary"), ==, 0);
#undef TABLE

  /* The manifest lists every member, with its type. */
  manifest_xpath = parse_member (path, "META-INF/manifest.xml", &manifest);
  assert_xpath (manifest_xpath, MIMETYPE, "string(//manifest:file-entry[@manifest:full-path="
                "'/']/@manifest:media-type)");
  assert_xpath (manifest_xpath, "1.2", "string(/manifest:manifest/@manifest:version)");
  assert_xpath (xpath, "1.2", "string(/office:document-content/@office:version)");
  for (guint i = 0; i < 4; i++)
    {
      const char *members[] = { "content.xml", "styles.xml", "meta.xml", "settings.xml" };
      g_autofree char *text = read_member (path, members[i]);

      assert_xpath (manifest_xpath, "text/xml", "string(//manifest:file-entry[@manifest:"
                    "full-path='%s']/@manifest:media-type)", members[i]);
      g_assert_true (g_str_has_prefix (text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    }
  g_assert_cmpfloat (xpath_number (manifest_xpath, "count(//manifest:file-entry)"), ==, 5);

  meta_xpath = parse_member (path, "meta.xml", &meta);
  assert_xpath (meta_xpath, "RUC Validator/" PACKAGE_VERSION, "string(//meta:generator)");
  assert_xpath (meta_xpath, _rv_export_plan_get_title (plan), "string(//dc:title)");
  {
    g_autofree char *date = xpath_string (meta_xpath, "string(//meta:creation-date)");
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *today = g_date_time_format (now, "%Y-%m-%dT");

    g_assert_true (g_str_has_prefix (date, today));
    g_assert_cmpuint (strlen (date), ==, 19);
  }
}

/* An export of one sheet: a header row, then one row per text in column B. */
typedef struct
{
  RvSheet         *sheet;
  GPtrArray       *results;
  GDateTime       *started_at;
  RvExportSummary  summary;
  RvExport         export;
} Listing;

static Listing *
listing_new (const char * const *texts,
             guint               n_texts)
{
  Listing *listing = g_new0 (Listing, 1);

  listing->sheet = rv_sheet_new ("Textos d'Or");
  listing->results = g_ptr_array_new ();
  g_assert_true (rv_sheet_set_cell (listing->sheet, 0, 0, RV_CELL_TEXT, FALSE, "N", -1));
  g_assert_true (rv_sheet_set_cell (listing->sheet, 0, 1, RV_CELL_TEXT, FALSE, "Texto", -1));
  for (guint i = 0; i < n_texts; i++)
    {
      char number[16];

      g_snprintf (number, sizeof number, "%u", i + 1);
      g_assert_true (rv_sheet_set_cell (listing->sheet, i + 1, 0, RV_CELL_NUMBER, FALSE, number, -1));
      g_assert_true (rv_sheet_set_cell (listing->sheet, i + 1, 1, RV_CELL_TEXT, FALSE, texts[i], -1));
    }
  g_ptr_array_set_size (listing->results, rv_sheet_get_n_rows (listing->sheet) + 1);

  listing->summary.file_name = "textos.csv";
  listing->summary.provider = "Offline";
  /* The plan made again to check the file must say the same time. */
  listing->started_at = g_date_time_new_local (2026, 11, 20, 10, 0, 0);
  listing->summary.started_at = listing->started_at;
  listing->export.sheet = listing->sheet;
  listing->export.header_row = 0;
  listing->export.first_row = 1;
  listing->export.ruc_column = -1;
  listing->export.results = (RvResult * const *) listing->results->pdata;
  listing->export.rows = RV_EXPORT_ALL;
  listing->export.summary = &listing->summary;
  return listing;
}

static void
listing_free (Listing *listing)
{
  g_assert_finalize_object (listing->sheet);
  g_ptr_array_unref (listing->results);
  g_date_time_unref (listing->started_at);
  g_free (listing);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listing, listing_free)

/* What XML can keep of @text: line breaks as "\n", U+FFFD for the characters it forbids
 * and for bytes that are not UTF-8. */
static char *
xml_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\r')
        {
          g_string_append_c (out, '\n');
          if (p[1] == '\n')
            p++;
        }
      else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0xfffe || c == 0xffff)
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

static const char * const nasty_texts[] = {
  "a  b",
  "  dos al inicio",
  " uno al inicio",
  "uno al final ",
  "dos al final  ",
  " ",
  "   ",
  "\tx",
  "x\t",
  "a \tb",
  "a\t b",
  "tab\t\ttab",
  "a\nb",
  "a \nb",
  "a\n b",
  "a\r\nb",
  "a\rb",
  "\n\nx\n",
  "& < > \" ' &amp; ]]> <!-- -->",
  "ctl\x01\x08\x0b\x0c\x1f\x7f end",
  "nonchar \xef\xbf\xbe \xef\xbf\xbf \xef\xbf\xbd",
  "ñandú 日本 🙂 \xef\xbb\xbf",
  "bad \xff\xfe bytes \xc3",
  "20131312955",
  "00123",
  "=1+1",
  "a   b    c     d",
};

/* Texts that XML white-space handling, escaping and line ends would change. */
static void
test_texts (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Listing) listing = listing_new (nasty_texts, G_N_ELEMENTS (nasty_texts));
  g_autofree char *path = fixture_path (fixture, "textos.ods");
  g_autoptr(RvExportPlan) plan = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvSheet *sheet;

  write_export (&listing->export, path);
  check_unzip (path);
  workbook = read_back (path);
  plan = _rv_export_plan_new (&listing->export, RV_EXPORT_FORMAT_ODS, "textos.ods", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (_rv_export_plan_get_sheet_name (plan, 0), ==, "Textos d'Or");
  sheet = rv_workbook_get_sheet (workbook, 0);
  g_assert_cmpstr (rv_sheet_get_name (sheet), ==, "Textos d'Or");

  for (guint row = 0; row < _rv_export_plan_get_n_rows (plan, 0); row++)
    {
      const RvExportCell *cells = _rv_export_plan_get_row (plan, 0, row);

      for (guint column = 0; column < _rv_export_plan_get_n_columns (plan, 0); column++)
        {
          g_autofree char *expected = xml_text (cells[column].text);
          RvCell cell;

          rv_sheet_get_cell (sheet, row, column, &cell);
          if (g_strcmp0 (cell.text, expected) != 0)
            g_test_message ("row %u, column %u", row, column);
          g_assert_cmpstr (cell.text, ==, expected);
          if (cells[column].kind == RV_CELL_TEXT && expected[0] != '\0')
            g_assert_cmpint (cell.kind, ==, RV_CELL_TEXT);
        }
    }

  /* The texts reached the plan as they were (or the check above proves little). */
  {
    const RvExportCell *cells = _rv_export_plan_get_row (plan, 0, 1);

    g_assert_cmpstr (cells[1].text, ==, nasty_texts[0]);
    cells = _rv_export_plan_get_row (plan, 0, 20);
    g_assert_cmpstr (cells[1].text, ==, nasty_texts[19]);
  }

  /* The sheet with an apostrophe in its name: quoted, the apostrophe doubled. */
  {
    g_autoptr(xmlDoc) content = NULL;
    g_autoptr(xmlXPathContext) xpath = parse_member (path, "content.xml", &content);
    g_autofree char *last = rv_sheet_column_letter (_rv_export_plan_get_n_columns (plan, 0) - 1);
    g_autofree char *expected = g_strdup_printf ("'Textos d''Or'.A1:'Textos d''Or'.%s%u",
                                                 last, (guint) G_N_ELEMENTS (nasty_texts) + 1);

    assert_xpath (xpath, expected, "string(//table:database-range[1]/@table:target-range-address)");
  }
}

/* A sheet without rows, and one without a header (the Summary): valid files. */
static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Listing) listing = listing_new (NULL, 0);
  g_autofree char *path = fixture_path (fixture, "vacio.ods");
  g_autoptr(RvSheet) empty = rv_sheet_new ("Vacía");
  g_autoptr(xmlDoc) content = NULL;
  g_autoptr(xmlXPathContext) xpath = NULL;
  g_autoptr(xmlDoc) settings = NULL;
  g_autoptr(xmlXPathContext) settings_xpath = NULL;

  listing->export.sheet = empty;
  listing->export.header_row = -1;
  listing->export.first_row = 0;
  listing->export.results = NULL;
  write_export (&listing->export, path);
  check_unzip (path);
  check_read_back (&listing->export, path);

  xpath = parse_member (path, "content.xml", &content);
  /* Every table has a column and a row, as the schema wants. */
  g_assert_cmpfloat (xpath_number (xpath, "count(//table:table[not(table:table-column)])"), ==, 0);
  g_assert_cmpfloat (xpath_number (xpath, "count(//table:table[not(.//table:table-row)])"), ==, 0);
  /* The Summary has no header: no filter, no frozen rows. */
  assert_xpath (xpath, "Summary", "string((//table:table)[last()]/@table:name)");
  g_assert_cmpfloat (xpath_number (xpath, "count((//table:table)[last()]/"
                                   "table:table-header-rows)"), ==, 0);
  g_assert_cmpfloat (xpath_number (xpath, "count(//table:database-range[contains("
                                   "@table:target-range-address, 'Summary')])"), ==, 0);
  settings_xpath = parse_member (path, "settings.xml", &settings);
  g_assert_cmpfloat (xpath_number (settings_xpath, "count(//config:config-item-map-entry"
                                   "[@config:name='Summary'])"), ==, 0);
}

/* A stream that cancels a cancellable once it has taken @limit bytes. */
typedef struct
{
  GOutputStream  parent_instance;
  GCancellable  *cancellable;
  gsize          limit;
  gsize          written;
} CancellingStream;

typedef GOutputStreamClass CancellingStreamClass;

static GType cancelling_stream_get_type (void);
G_DEFINE_TYPE (CancellingStream, cancelling_stream, G_TYPE_OUTPUT_STREAM)

static gssize
cancelling_stream_write (GOutputStream  *stream,
                         const void     *buffer,
                         gsize           count,
                         GCancellable   *cancellable,
                         GError        **error)
{
  CancellingStream *self = (CancellingStream *) stream;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  self->written += count;
  if (self->written >= self->limit)
    g_cancellable_cancel (self->cancellable);
  return count;
}

static void
cancelling_stream_finalize (GObject *object)
{
  g_clear_object (&((CancellingStream *) object)->cancellable);
  G_OBJECT_CLASS (cancelling_stream_parent_class)->finalize (object);
}

static void
cancelling_stream_class_init (CancellingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cancelling_stream_finalize;
  klass->write_fn = cancelling_stream_write;
}

static void
cancelling_stream_init (CancellingStream *self)
{
}

/* Rows enough for several checks of the cancellable, and for a few MB of XML. */
static Listing *
listing_new_large (guint n_rows)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (texts, g_strdup_printf ("Proveedor número %u & asociados", i));

  return listing_new ((const char * const *) texts->pdata, texts->len);
}

/* Cancelled before it starts, or while content.xml is being written: G_IO_ERROR_CANCELLED,
 * and the writer stops there. */
static void
test_cancel (void)
{
  g_autoptr(Listing) listing = listing_new_large (40000);
  g_autoptr(GError) error = NULL;
  g_autoptr(RvExportPlan) plan = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  CancellingStream *stream;
  gsize full_size;

  plan = _rv_export_plan_new (&listing->export, RV_EXPORT_FORMAT_ODS, "grande.ods", &error);
  g_assert_no_error (error);

  /* Uncancelled, for the size of the whole file. */
  g_assert_true (_rv_ods_write (plan, memory, &error));
  g_assert_no_error (error);
  full_size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory));
  g_assert_cmpuint (full_size, >, 256 * 1024);

  /* Already cancelled: nothing written. */
  g_clear_object (&memory);
  memory = g_memory_output_stream_new_resizable ();
  g_cancellable_cancel (cancellable);
  _rv_export_plan_set_cancellable (plan, cancellable);
  g_assert_false (_rv_ods_write (plan, memory, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)), ==, 0);

  /* Cancelled once the first 64 KiB went out: it stops well before the end. */
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  _rv_export_plan_set_cancellable (plan, cancellable);
  stream = g_object_new (cancelling_stream_get_type (), NULL);
  stream->cancellable = g_object_ref (cancellable);
  stream->limit = 1;
  g_assert_false (_rv_ods_write (plan, G_OUTPUT_STREAM (stream), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (stream->written, <, full_size / 2);
  g_object_unref (stream);
  _rv_export_plan_set_cancellable (plan, NULL);
}

/* Many rows: written in pieces through the ZIP writer's buffer, read back whole. */
static void
test_large (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(Listing) listing = listing_new_large (50000);
  g_autofree char *path = fixture_path (fixture, "grande.ods");
  gint64 start = g_get_monotonic_time ();

  write_export (&listing->export, path);
  g_test_message ("50,000 rows written in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  check_unzip (path);
  check_read_back (&listing->export, path);
}

/* Through rv_export_write: cancelled, nothing is left in the folder. */
static void
test_cancel_export (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(RvTestExport) export = rv_test_export_new ();
  g_autofree char *path = fixture_path (fixture, "resultado.ods");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (rv_export_write (&export->export, RV_EXPORT_FORMAT_ODS, path, cancellable,
                                   &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}

/* @sheet without its tabs. */
static RvSheet *
drop_tabs (RvSheet *sheet)
{
  RvSheet *copy = rv_sheet_new (rv_sheet_get_name (sheet));

  for (guint row = 0; row < rv_sheet_get_n_rows (sheet); row++)
    for (guint column = 0; column < rv_sheet_get_n_columns (sheet); column++)
      {
        g_auto(GStrv) parts = NULL;
        g_autofree char *text = NULL;
        RvCell cell;

        rv_sheet_get_cell (sheet, row, column, &cell);
        parts = g_strsplit (cell.text, "\t", -1);
        text = g_strjoinv ("", parts);
        g_assert_true (rv_sheet_set_cell (copy, row, column, cell.kind, cell.formula, text, -1));
      }

  return copy;
}

/*
 * LibreOffice reads the file, and writes it again as XLSX, which our XLSX reader reads:
 * every cell as the plan says, kinds included. LibreOffice 7.4 drops the <text:tab/> of
 * a cell as it reads it (of its own files too, which write tabs the same way): the sheet
 * here has none.
 */
static void
test_libreoffice (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(RvTestExport) export = rv_test_export_new ();
  g_autoptr(RvSheet) sheet = drop_tabs (export->sheet);
  g_autofree char *path = fixture_path (fixture, "resultado.ods");
  g_autofree char *profile = fixture_path (fixture, "profile");
  g_autofree char *profile_uri = g_filename_to_uri (profile, NULL, NULL);
  g_autofree char *profile_arg = g_strconcat ("-env:UserInstallation=", profile_uri, NULL);
  g_autofree char *xlsx = fixture_path (fixture, "resultado.xlsx");
  g_autofree char *soffice = g_find_program_in_path ("soffice");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  if (soffice == NULL)
    {
      g_test_skip ("LibreOffice is not installed");
      return;
    }

  export->export.sheet = sheet;
  write_export (&export->export, path);
  {
    const char *argv[] = { soffice, profile_arg, "--headless", "--convert-to", "xlsx",
                           "--outdir", fixture->dir, path, NULL };

    out = run (argv);
    g_assert_nonnull (out);
  }
  g_assert_true (g_file_test (xlsx, G_FILE_TEST_IS_REGULAR));

  workbook = rv_test_read (_rv_xlsx_read, RV_FILE_FORMAT_XLSX, xlsx, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  rv_test_export_check_workbook (&export->export, RV_EXPORT_FORMAT_ODS, workbook);

  /* The autofilters came through, on the sheets with a header. (A headless LibreOffice
   * has no view, and keeps no view settings: the frozen rows cannot be seen this way.) */
  {
    g_autoptr(RvExportPlan) plan = _rv_export_plan_new (&export->export, RV_EXPORT_FORMAT_ODS,
                                                        "check", &error);
    g_autofree char *last = rv_sheet_column_letter (_rv_export_plan_get_n_columns (plan, 0) - 1);
    g_autofree char *filter = g_strdup_printf ("<autoFilter ref=\"A3:%s%u\"", last,
                                               _rv_export_plan_get_n_rows (plan, 0));
    g_autofree char *sheet1 = read_member (xlsx, "xl/worksheets/sheet1.xml");
    g_autofree char *sheet3 = read_member (xlsx, "xl/worksheets/sheet3.xml");

    g_assert_no_error (error);
    g_assert_nonnull (strstr (sheet1, filter));
    g_assert_null (strstr (sheet3, "<autoFilter"));
  }
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/ods-writer/round-trip", test_round_trip);
  ADD ("/ods-writer/package", test_package);
  ADD ("/ods-writer/texts", test_texts);
  ADD ("/ods-writer/empty", test_empty);
  ADD ("/ods-writer/large", test_large);
  g_test_add_func ("/ods-writer/cancel", test_cancel);
  ADD ("/ods-writer/cancel-export", test_cancel_export);
  ADD ("/ods-writer/libreoffice", test_libreoffice);

#undef ADD

  return g_test_run ();
}
