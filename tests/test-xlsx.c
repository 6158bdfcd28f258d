/* test-xlsx.c
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

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <gsf/gsf.h>

#include "rv-sheet-reader-private.h"
#include "rv-test-sheet.h"

/* libgsf 1.14 declares no cleanup functions (rv-sheet-reader-private.h has the input ones). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutput, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GsfOutfile, g_object_unref)

/*
 * The XLSX reader, on workbooks made by LibreOffice (suppliers.xlsx, from
 * fixtures/sheets/suppliers.fods), libxlsxwriter (xlsxwriter.xlsx), by hand (crafted.xlsx,
 * date1904.xlsx), damaged ones (fixtures/bad/) and large ones made here at run time.
 * The reader is called directly, with a context like the one rv_sheet_read_file() makes.
 */

/* Seconds within which a hostile file must be refused (valgrind included). */
#define QUICKLY_US  RV_TEST_QUICKLY_US

static RvWorkbook *
read_xlsx_full (const char      *path,
                GCancellable    *cancellable,
                RvReadProgress   progress,
                gpointer         progress_data,
                GError         **error)
{
  return rv_test_read (_rv_xlsx_read, RV_FILE_FORMAT_XLSX, path, cancellable, progress,
                       progress_data, error);
}

static RvWorkbook *
read_xlsx (const char  *path,
           GError     **error)
{
  return read_xlsx_full (path, NULL, NULL, NULL, error);
}

static RvWorkbook *
read_fixture (const char *name)
{
  g_autofree char *path = rv_test_fixture ("sheets", name);
  g_autoptr(GError) error = NULL;
  RvWorkbook *workbook;

  workbook = read_xlsx (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workbook);
  return workbook;
}

static void
check_refused (const char *path,
               GQuark      domain,
               int         code,
               const char *message_part)
{
  rv_test_check_refused (_rv_xlsx_read, RV_FILE_FORMAT_XLSX, path, domain, code, message_part);
}

static void
check_bad (const char *name,
           int         code,
           const char *message_part)
{
  g_autofree char *path = rv_test_fixture ("bad", name);

  check_refused (path, RV_SHEET_ERROR, code, message_part);
}

/* Writes a ZIP with libgsf: members as name, text, name, text, …, NULL. */
static void
write_zip (const char *path,
           ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GsfOutput) sink = NULL;
  g_autoptr(GsfOutfile) zip = NULL;
  const char *name;
  va_list args;

  sink = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  zip = gsf_outfile_zip_new (sink, &error);
  g_assert_no_error (error);

  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      GString *text = va_arg (args, GString *);
      g_autoptr(GsfOutput) member = gsf_outfile_new_child (zip, name, FALSE);

      g_assert_true (gsf_output_write (member, text->len, (const guint8 *) text->str));
      g_assert_true (gsf_output_close (member));
    }
  va_end (args);

  g_assert_true (gsf_output_close (GSF_OUTPUT (zip)));
}

static GString *
text (const char *value)
{
  return g_string_new (value);
}

#define WORKBOOK_XML \
  "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" \
  "<sheets><sheet name=\"Hoja1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
#define WORKBOOK_RELS \
  "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" \
  "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/" \
  "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"

/* A one-sheet workbook around @sheet_xml. */
static void
write_xlsx (const char *path,
            GString    *sheet_xml)
{
  g_autoptr(GString) workbook = text (WORKBOOK_XML);
  g_autoptr(GString) rels = text (WORKBOOK_RELS);

  write_zip (path, "xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
             "xl/worksheets/sheet1.xml", sheet_xml, NULL);
}

/* The same with shared strings, and a style 1 that is a date. */
static void
write_xlsx_with_strings (const char *path,
                         const char *sheet_xml,
                         const char *strings_xml)
{
  g_autoptr(GString) workbook = text (WORKBOOK_XML);
  g_autoptr(GString) rels = text (
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>");
  g_autoptr(GString) styles = text (
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>");
  g_autoptr(GString) sheet = text (sheet_xml);
  g_autoptr(GString) strings = text (strings_xml);

  write_zip (path, "xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
             "xl/styles.xml", styles, "xl/sharedStrings.xml", strings,
             "xl/worksheets/sheet1.xml", sheet, NULL);
}

static void
test_suppliers (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("suppliers.xlsx");

  rv_test_check_suppliers (workbook);
}

static void
test_xlsxwriter (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("xlsxwriter.xlsx");
  RvSheet *sheet;

  /* The chart sheet between "Datos" and "Escasa" holds no cells: left out. The hidden
   * sheet is kept. */
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);

  sheet = rv_test_get_sheet (workbook, 0, "Datos", 4, 5);
  rv_test_check_cell (sheet, "A1", "text:RUC");
  rv_test_check_cell (sheet, "D1", "text:Razón Social");
  rv_test_check_cell (sheet, "A2", "number:20131312955");
  rv_test_check_cell (sheet, "B2", "date:2026-11-22");
  rv_test_check_cell (sheet, "C2", "=number:40262625910");
  rv_test_check_cell (sheet, "D2", "text:SUNAT");
  rv_test_check_cell (sheet, "E2", "number:1234.5");
  rv_test_check_cell (sheet, "A3", "number:20100047218");
  rv_test_check_cell (sheet, "B3", "date:2026-01-05 08:30:00");
  rv_test_check_cell (sheet, "C3", "=number:40200094436");
  rv_test_check_cell (sheet, "D3", "text:Banco de Crédito del Perú");
  rv_test_check_cell (sheet, "E3", "number:-0.1");
  rv_test_check_cell (sheet, "A4", "number:10054148289");
  rv_test_check_cell (sheet, "B4", "boolean:TRUE");
  rv_test_check_cell (sheet, "C4", "=text:RUC 10054148289");
  rv_test_check_cell (sheet, "D4", "text:ñandú");
  rv_test_check_cell (sheet, "E4", "text:SUNAT");

  sheet = rv_test_get_sheet (workbook, 1, "Escasa", 9, 6);
  rv_test_check_cell (sheet, "A1", "text:inicio");
  rv_test_check_cell (sheet, "B1", "empty:");
  rv_test_check_cell (sheet, "A5", "empty:");
  rv_test_check_cell (sheet, "E9", "empty:");
  rv_test_check_cell (sheet, "F9", "number:20100070970");

  sheet = rv_test_get_sheet (workbook, 2, "Oculta", 1, 1);
  rv_test_check_cell (sheet, "A1", "number:17155542071");
}

static void
test_crafted (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("crafted.xlsx");
  RvSheet *sheet;

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);

  sheet = rv_test_get_sheet (workbook, 0, "Tipos", 8, RV_SHEET_MAX_COLUMNS);
  rv_test_check_cell (sheet, "A1", "text:RUC");
  rv_test_check_cell (sheet, "B1", "text:Razón Social");
  rv_test_check_cell (sheet, "C1", "text:Inline");

  /* Numbers however they are written; styles that are dates and some that only look so. */
  rv_test_check_cell (sheet, "A2", "number:20131312955");
  rv_test_check_cell (sheet, "B2", "number:20131312955");
  rv_test_check_cell (sheet, "C2", "number:1234.5");
  rv_test_check_cell (sheet, "D2", "date:2026-11-22");
  rv_test_check_cell (sheet, "E2", "date:2026-11-22 10:15:00");
  rv_test_check_cell (sheet, "F2", "date:2026-11-22");
  rv_test_check_cell (sheet, "G2", "number:46348");
  rv_test_check_cell (sheet, "H2", "date:1900-01-01 12:00:00");
  rv_test_check_cell (sheet, "I2", "number:0.1");
  rv_test_check_cell (sheet, "J2", "number:7");

  rv_test_check_cell (sheet, "A3", "=text:RUC 20131312955");
  rv_test_check_cell (sheet, "B3", "boolean:TRUE");
  rv_test_check_cell (sheet, "C3", "boolean:FALSE");
  rv_test_check_cell (sheet, "D3", "=error:#DIV/0!");
  rv_test_check_cell (sheet, "E3", "date:2026-11-22T10:15:00");
  /* A formula never calculated has no value. */
  rv_test_check_cell (sheet, "F3", "empty:");
  rv_test_check_cell (sheet, "G3", "=number:40262625910");
  rv_test_check_cell (sheet, "H3", "=date:2026-11-22");

  /* Rich text without its phonetic runs; escapes undone; spaces kept. */
  rv_test_check_cell (sheet, "A4", "text:Rico inline");
  rv_test_check_cell (sheet, "B4", "text:東京");
  rv_test_check_cell (sheet, "C4", "text:Línea 1\r\nLínea 2");
  rv_test_check_cell (sheet, "D4", "empty:");
  rv_test_check_cell (sheet, "E4", "text:  espacios  ");
  rv_test_check_cell (sheet, "F4", "text:20100070970");
  rv_test_check_cell (sheet, "G4", "text:a_x0041_b");
  rv_test_check_cell (sheet, "H4", "=date:2026-11-23");

  rv_test_check_cell (sheet, "A5", "empty:");
  rv_test_check_cell (sheet, "A6", "number:1");
  rv_test_check_cell (sheet, "XFD6", "text:última");
  rv_test_check_cell (sheet, "A8", "text:Fusionada");
  rv_test_check_cell (sheet, "B8", "empty:");
  rv_test_check_cell (sheet, "A9", "empty:");

  sheet = rv_test_get_sheet (workbook, 1, "Oculta", 2, 1);
  rv_test_check_cell (sheet, "A1", "text:oculta");
  rv_test_check_cell (sheet, "A2", "number:17155542071");

  sheet = rv_test_get_sheet (workbook, 2, "Sin r", 6, 6);
  rv_test_check_cell (sheet, "A1", "text:a");
  rv_test_check_cell (sheet, "B1", "number:1");
  rv_test_check_cell (sheet, "C1", "empty:");
  rv_test_check_cell (sheet, "E1", "number:5");
  rv_test_check_cell (sheet, "F1", "number:6");
  rv_test_check_cell (sheet, "A2", "number:2");
  rv_test_check_cell (sheet, "A3", "empty:");
  rv_test_check_cell (sheet, "A5", "number:5");
  rv_test_check_cell (sheet, "A6", "number:6");
}

static void
test_date_1904 (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("date1904.xlsx");
  RvSheet *sheet;

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 1);
  sheet = rv_test_get_sheet (workbook, 0, "Fechas", 4, 1);
  rv_test_check_cell (sheet, "A1", "text:Fecha");
  rv_test_check_cell (sheet, "A2", "date:2026-11-23");
  rv_test_check_cell (sheet, "A3", "date:1904-01-01");
  rv_test_check_cell (sheet, "A4", "date:2026-11-23 12:00:00");
}

static void
test_generated (void)
{
  static const struct {
    const char *sheet;
    const char *reference;
    const char *expected;
    guint       n_rows;
  } cases[] = {
    /* An empty <v> is an empty cell, whatever its type. */
    { "<worksheet><sheetData><row r=\"2\"><c r=\"A2\" t=\"s\"><v></v></c><c r=\"B2\"><v/></c></row>"
      "</sheetData></worksheet>", "A2", "empty:", 0 },
    /* Rows that do not say where they are follow the cells that do. */
    { "<worksheet><sheetData><row><c r=\"C3\"><v>1</v></c></row><row><c><v>2</v></c></row>"
      "</sheetData></worksheet>", "A4", "number:2", 4 },
    /* A number Excel cannot have written is kept as it is, as text. */
    { "<worksheet><sheetData><row><c><v>1,5</v></c></row></sheetData></worksheet>",
      "A1", "text:1,5", 1 },
    { "<worksheet><sheetData><row><c><v>nan</v></c></row></sheetData></worksheet>",
      "A1", "text:nan", 1 },
    /* A style index that no style has. */
    { "<worksheet><sheetData><row><c s=\"99\"><v>46348</v></c></row></sheetData></worksheet>",
      "A1", "number:46348", 1 },
    /* The same cell twice keeps the last value. */
    { "<worksheet><sheetData><row><c r=\"A1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"
      "</sheetData></worksheet>", "A1", "number:2", 1 },
    /* Elements of other namespaces and unknown elements are passed over. */
    { "<worksheet xmlns:x14=\"urn:x14\"><sheetData><row><c><x14:v>9</x14:v><v>3</v><extLst/></c></row>"
      "</sheetData><x14:c><v>7</v></x14:c></worksheet>", "A1", "number:3", 1 },
  };
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "generated.xlsx", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) sheet = text (cases[i].sheet);
      g_autoptr(RvWorkbook) workbook = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      write_xlsx (path, sheet);
      workbook = read_xlsx (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 1);
      g_assert_cmpuint (rv_sheet_get_n_rows (rv_workbook_get_sheet (workbook, 0)), ==, cases[i].n_rows);
      rv_test_check_cell (rv_workbook_get_sheet (workbook, 0), cases[i].reference, cases[i].expected);
    }

  g_unlink (path);
  g_rmdir (dir);
}

/* Through the dispatcher, as the application reads a file: sniffing, then this reader. */
static void
test_read_file (void)
{
  g_autofree char *path = rv_test_fixture ("sheets", "suppliers.xlsx");
  g_autofree char *bad = rv_test_fixture ("bad", "xlsx-cut-sheet.xlsx");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestProgress progress = { 0 };

  workbook = rv_sheet_read_file (path, NULL, rv_test_progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rv_workbook_get_format (workbook), ==, RV_FILE_FORMAT_XLSX);
  g_assert_cmpstr (rv_workbook_get_file_name (workbook), ==, "suppliers.xlsx");
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 1), "B4", "number:20131312955");
  g_assert_cmpfloat (progress.last, ==, 1.0);
  g_assert_false (progress.backwards);
  g_clear_object (&workbook);

  workbook = rv_sheet_read_file (bad, NULL, NULL, NULL, &error);
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);
  g_assert_null (workbook);
}

static void
test_sniff (void)
{
  static const struct {
    const char   *folder;
    const char   *name;
    RvFileFormat  format;
  } cases[] = {
    { "sheets", "suppliers.xlsx", RV_FILE_FORMAT_XLSX },
    { "sheets", "xlsxwriter.xlsx", RV_FILE_FORMAT_XLSX },
    { "sheets", "crafted.xlsx", RV_FILE_FORMAT_XLSX },
    { "sheets", "date1904.xlsx", RV_FILE_FORMAT_XLSX },
    { "sheets", "suppliers.xls", RV_FILE_FORMAT_XLS },
    { "bad", "xlsx-cut-sheet.xlsx", RV_FILE_FORMAT_XLSX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = rv_test_fixture (cases[i].folder, cases[i].name);
      g_autoptr(GError) error = NULL;
      g_autofree char *what = NULL;

      g_assert_cmpint (rv_sheet_sniff_format (path, &what, &error), ==, cases[i].format);
      g_assert_no_error (error);
    }
}

static void
test_sniff_bad (void)
{
  static const struct {
    const char *name;
    int         code;
    const char *what;
  } cases[] = {
    { "zip-no-workbook.xlsx", RV_SHEET_ERROR_NOT_A_SPREADSHEET, NULL },
    { "png-renamed.xlsx", RV_SHEET_ERROR_NOT_A_SPREADSHEET, NULL },
    { "xlsx-truncated.xlsx", RV_SHEET_ERROR_TRUNCATED, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = rv_test_fixture ("bad", cases[i].name);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (rv_sheet_sniff_format (path, NULL, &error), ==, RV_FILE_FORMAT_UNKNOWN);
      g_test_message ("%s: %s", cases[i].name, error->message);
      g_assert_error (error, RV_SHEET_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].name));
    }
}

static void
read_bad_files_quietly (void)
{
  static const char * const names[] = {
    "xlsx-truncated.xlsx", "png-renamed.xlsx", "xlsx-cut-sheet.xlsx", "xlsx-cut-member.xlsx",
    "zip-no-workbook.xlsx", "xlsx-billion-laughs.xlsx", "xlsx-rows-backwards.xlsx",
  };
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "quiet.xlsx", NULL);
  g_autoptr(GString) sheet = text ("<?xml version=\"1.0\" encoding=\"UTF-7\"?><worksheet>"
                                   "<sheetData><row><c t=\"inlineStr\"><is><t>Razón</t></is></c>"
                                   "</row></sheetData></worksheet>");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *bad = rv_test_fixture ("bad", names[i]);
      g_autoptr(RvWorkbook) refused = NULL;
      g_autoptr(GError) bad_error = NULL;

      refused = read_xlsx (bad, &bad_error);
      g_assert_nonnull (bad_error);
    }

  /* libxml2 reports a failed conversion outside the parser's context. */
  write_xlsx (path, sheet);
  workbook = read_xlsx (path, &error);
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_files (void)
{
  check_bad ("xlsx-truncated.xlsx", RV_SHEET_ERROR_TRUNCATED, NULL);
  check_bad ("png-renamed.xlsx", RV_SHEET_ERROR_TRUNCATED, NULL);
  check_bad ("xlsx-cut-sheet.xlsx", RV_SHEET_ERROR_MALFORMED, "xl/worksheets/sheet2.xml");
  check_bad ("xlsx-cut-member.xlsx", RV_SHEET_ERROR_TRUNCATED, "xl/worksheets/sheet2.xml");
  check_bad ("xlsx-bad-local-header.xlsx", RV_SHEET_ERROR_TRUNCATED, "xl/worksheets/sheet2.xml");
  check_bad ("zip-no-workbook.xlsx", RV_SHEET_ERROR_MALFORMED, "xl/workbook.xml");
  check_bad ("xlsx-rows-backwards.xlsx", RV_SHEET_ERROR_MALFORMED, "Hoja1");
  check_bad ("xlsx-past-limits.xlsx", RV_SHEET_ERROR_TOO_LARGE, "Hoja1");
  check_bad ("xlsx-bad-shared-string.xlsx", RV_SHEET_ERROR_MALFORMED, "B1");
  check_bad ("xlsx-missing-sheet.xlsx", RV_SHEET_ERROR_MALFORMED, "xl/worksheets/sheet9.xml");
}

/* Damaged files make no noise: libxml2's messages become the one sentence of the error. */
static void
test_quiet (void)
{
  if (g_test_subprocess ())
    {
      read_bad_files_quietly ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("");
  g_test_trap_assert_stderr ("");
}

static void
test_billion_laughs (void)
{
  /* Refused while its DTD is read, before anything is expanded. */
  check_bad ("xlsx-billion-laughs.xlsx", RV_SHEET_ERROR_MALFORMED, "xl/worksheets/sheet1.xml");
}

static void
test_zip_bomb (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bomb.xlsx", NULL);
  g_autoptr(GString) sheet = g_string_new ("<worksheet><sheetData>");
  g_autoptr(GString) workbook = text (WORKBOOK_XML);
  g_autoptr(GString) rels = text (WORKBOOK_RELS);
  g_autoptr(GError) error = NULL;
  g_autoptr(GsfOutput) sink = NULL;
  g_autoptr(GsfOutfile) zip = NULL;
  g_autoptr(GsfOutput) member = NULL;
  g_autofree char *spaces = g_malloc (1 << 20);
  GStatBuf st;

  /* 110 MB of spaces: a few hundred kilobytes compressed, past the 100 MiB allowed to a
   * small file. */
  sink = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  zip = gsf_outfile_zip_new (sink, &error);
  g_assert_no_error (error);
  member = gsf_outfile_new_child (zip, "xl/workbook.xml", FALSE);
  gsf_output_write (member, workbook->len, (const guint8 *) workbook->str);
  gsf_output_close (member);
  g_clear_object (&member);
  member = gsf_outfile_new_child (zip, "xl/_rels/workbook.xml.rels", FALSE);
  gsf_output_write (member, rels->len, (const guint8 *) rels->str);
  gsf_output_close (member);
  g_clear_object (&member);
  member = gsf_outfile_new_child (zip, "xl/worksheets/sheet1.xml", FALSE);
  gsf_output_write (member, sheet->len, (const guint8 *) sheet->str);
  memset (spaces, ' ', 1 << 20);
  for (guint i = 0; i < 110; i++)
    g_assert_true (gsf_output_write (member, 1 << 20, (const guint8 *) spaces));
  gsf_output_close (member);
  gsf_output_close (GSF_OUTPUT (zip));
  g_clear_object (&member);
  g_clear_object (&zip);
  g_clear_object (&sink);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_test_message ("bomb.xlsx: %" G_GINT64_FORMAT " bytes", (gint64) st.st_size);
  g_assert_cmpint (st.st_size, <, 1 << 20);

  check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE, "ZIP bomb");

  g_unlink (path);
  g_rmdir (dir);
}

/* 20,000 rows × 10 columns of shared strings, numbers and dates, made here. */
static char *
write_large (char **dir)
{
  g_autoptr(GString) sheet = g_string_new (NULL);
  g_autoptr(GString) strings = g_string_new (NULL);
  g_autoptr(GString) workbook = text (WORKBOOK_XML);
  g_autoptr(GString) rels = text (
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>");
  g_autoptr(GString) styles = text (
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
    "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>");
  char *path;

  *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  path = g_build_filename (*dir, "large.xlsx", NULL);

  g_string_append (strings, "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
  g_string_append (sheet, "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
  for (guint r = 1; r <= 20000; r++)
    {
      g_string_append_printf (strings, "<si><t>Proveedor %u</t></si>", r);
      g_string_append_printf (sheet,
                              "<row r=\"%u\"><c r=\"A%u\"><v>%u</v></c>"
                              "<c r=\"B%u\"><v>%.10E</v></c>"
                              "<c r=\"C%u\" t=\"s\"><v>%u</v></c>"
                              "<c r=\"D%u\" s=\"1\"><v>%u</v></c>"
                              "<c r=\"E%u\"><v>%u.25</v></c>"
                              "<c r=\"F%u\" t=\"b\"><v>%u</v></c>"
                              "<c r=\"G%u\" t=\"inlineStr\"><is><t>g%u</t></is></c>"
                              "<c r=\"H%u\" t=\"str\"><f>A%u</f><v>h%u</v></c>"
                              "<c r=\"I%u\"><v>-%u</v></c>"
                              "<c r=\"J%u\" t=\"e\"><v>#N/A</v></c></row>",
                              r, r, r, r, 20100000000.0 + r, r, r - 1, r, 46000 + r % 1000,
                              r, r, r, r % 2, r, r, r, r, r, r, r, r);
    }
  g_string_append (strings, "</sst>");
  g_string_append (sheet, "</sheetData></worksheet>");

  write_zip (path, "xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
             "xl/styles.xml", styles, "xl/sharedStrings.xml", strings,
             "xl/worksheets/sheet1.xml", sheet, NULL);
  return path;
}

static void
test_large (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_large (&dir);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestProgress progress = { 0 };
  gint64 start = g_get_monotonic_time ();
  RvSheet *sheet;

  workbook = read_xlsx_full (path, NULL, rv_test_progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_test_message ("20,000 rows in %.3f s, %u progress reports",
                  (g_get_monotonic_time () - start) / 1e6, progress.calls);

  sheet = rv_test_get_sheet (workbook, 0, "Hoja1", 20000, 10);
  rv_test_check_cell (sheet, "A1", "number:1");
  rv_test_check_cell (sheet, "B1", "number:20100000001");
  rv_test_check_cell (sheet, "C1", "text:Proveedor 1");
  rv_test_check_cell (sheet, "D1", "date:2025-12-10");
  rv_test_check_cell (sheet, "E1", "number:1.25");
  rv_test_check_cell (sheet, "F1", "boolean:TRUE");
  rv_test_check_cell (sheet, "G1", "text:g1");
  rv_test_check_cell (sheet, "H1", "=text:h1");
  rv_test_check_cell (sheet, "I1", "number:-1");
  rv_test_check_cell (sheet, "J1", "error:#N/A");
  rv_test_check_cell (sheet, "A12345", "number:12345");
  rv_test_check_cell (sheet, "B12345", "number:20100012345");
  rv_test_check_cell (sheet, "C12345", "text:Proveedor 12345");
  rv_test_check_cell (sheet, "F12345", "boolean:TRUE");
  rv_test_check_cell (sheet, "A20000", "number:20000");
  rv_test_check_cell (sheet, "B20000", "number:20100020000");
  rv_test_check_cell (sheet, "C20000", "text:Proveedor 20000");
  rv_test_check_cell (sheet, "F20000", "boolean:FALSE");
  rv_test_check_cell (sheet, "J20000", "error:#N/A");

  /* Reported every 1,000 rows at least, never backwards. */
  g_assert_cmpuint (progress.calls, >=, 20);
  g_assert_false (progress.backwards);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_large (&dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvTestProgress progress = { 0 };

  progress.cancellable = cancellable;
  workbook = read_xlsx_full (path, cancellable, rv_test_progress_cb, &progress, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (workbook);
  g_assert_cmpuint (progress.calls, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_generated_bad (void)
{
  static const struct {
    const char *sheet;
    int         code;
  } cases[] = {
    /* Past row 1,048,576 and past column XFD. */
    { "<worksheet><sheetData><row r=\"1048577\"><c><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_TOO_LARGE },
    { "<worksheet><sheetData><row r=\"1\"><c r=\"AAAAAAAAAA1\"><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_TOO_LARGE },
    { "<worksheet><sheetData><row r=\"1\"><c r=\"A99999999999999999999\"><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_TOO_LARGE },
    /* Nonsense references. */
    { "<worksheet><sheetData><row r=\"1\"><c r=\"A0\"><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
    { "<worksheet><sheetData><row r=\"1\"><c r=\"12\"><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
    { "<worksheet><sheetData><row r=\"x\"><c><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
    /* A cell going back to an earlier row. */
    { "<worksheet><sheetData><row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
    /* Not XML at all, and two roots. */
    { "PK this is not XML", RV_SHEET_ERROR_MALFORMED },
    { "<worksheet/><worksheet/>", RV_SHEET_ERROR_MALFORMED },
    { "", RV_SHEET_ERROR_MALFORMED },
    /* A shared string with no shared strings at all. */
    { "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
    /* Text that is not in the encoding it declares. */
    { "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><worksheet><sheetData><row><c t=\"inlineStr\">"
      "<is><t>Razón</t></is></c></row></sheetData></worksheet>", RV_SHEET_ERROR_MALFORMED },
    { "<?xml version=\"1.0\" encoding=\"UTF-7\"?><worksheet><sheetData><row><c t=\"inlineStr\">"
      "<is><t>Razón</t></is></c></row></sheetData></worksheet>", RV_SHEET_ERROR_MALFORMED },
    { "<?xml version=\"1.0\" encoding=\"UTF-16\"?><worksheet/>", RV_SHEET_ERROR_MALFORMED },
    { "<?xml version=\"1.0\" encoding=\"no-such-encoding\"?><worksheet/>", RV_SHEET_ERROR_MALFORMED },
    /* An external entity: never fetched, refused with its DTD. */
    { "<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>",
      RV_SHEET_ERROR_MALFORMED },
  };
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "generated.xlsx", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) sheet = text (cases[i].sheet);

      g_test_message ("case %u", i);
      write_xlsx (path, sheet);
      check_refused (path, RV_SHEET_ERROR, cases[i].code, NULL);
    }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_long_cell (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "long.xlsx", NULL);
  g_autoptr(GString) sheet = g_string_new ("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  /* The longest text a cell may hold is read whole; one byte more is refused. */
  for (guint i = 0; i < RV_SHEET_MAX_CELL_BYTES; i++)
    g_string_append_c (sheet, 'a' + i % 26);
  g_string_append (sheet, "</t></is></c></row></sheetData></worksheet>");
  write_xlsx (path, sheet);

  workbook = read_xlsx (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (rv_sheet_get_text (rv_workbook_get_sheet (workbook, 0), 0, 0)), ==,
                    RV_SHEET_MAX_CELL_BYTES);

  g_string_insert_c (sheet, strlen ("<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>"), 'z');
  write_xlsx (path, sheet);
  check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE, "128 KB");

  g_unlink (path);
  g_rmdir (dir);
}

/*
 * Character and entity references, CDATA, comments and processing instructions, in texts
 * and in attributes, as a tree would have them; and elements whose prefix is another
 * namespace or none declared.
 */
static void
test_references (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "references.xlsx", NULL);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvSheet *sheet;

  write_xlsx_with_strings (path,
    "<worksheet xmlns:y=\"urn:y\"><sheetData><row r=\"&#50;\">"
    /* Attributes: "B2", "s"; the value: "4". */
    "<c r=\"&#66;2\" t=\"&#115;\"><v>&#52;</v></c>"
    "<c t=\"inlineStr\"><is><t>A&amp;B &#241;</t></is></c>"
    "<c t=\"inlineStr\"><is><t><![CDATA[<b>&amp;</b>]]></t></is></c>"
    "<c t=\"inlineStr\"><is><t>a<!-- x -->b<?pi y?>c</t></is></c>"
    "<c><v>&#49;&#50;</v></c>"
    "<c><y:v>1</y:v><v>2</v></c>"
    "<c><z:v>1</z:v><v>3</v></c>"
    "<c t=\"str\"><f>A1&amp;\"x\"</f><v>&lt;&gt;&quot;&apos;</v></c>"
    "</row></sheetData></worksheet>",
    "<sst><si><t>uno</t></si><si><t>dos</t></si><si/><si><t>tres</t></si>"
    "<si><t>A&amp;B &#241;&#x4E2D;</t></si></sst>");

  workbook = read_xlsx (path, &error);
  g_assert_no_error (error);
  sheet = rv_test_get_sheet (workbook, 0, "Hoja1", 2, 9);
  rv_test_check_cell (sheet, "B2", "text:A&B ñ中");
  rv_test_check_cell (sheet, "C2", "text:A&B ñ");
  rv_test_check_cell (sheet, "D2", "text:<b>&amp;</b>");
  rv_test_check_cell (sheet, "E2", "text:abc");
  rv_test_check_cell (sheet, "F2", "number:12");
  rv_test_check_cell (sheet, "G2", "number:2");
  rv_test_check_cell (sheet, "H2", "number:3");
  rv_test_check_cell (sheet, "I2", "=text:<>\"'");

  /* The message quotes a reference as the file means it, "&" and all. */
  write_xlsx_with_strings (path,
    "<worksheet><sheetData><row><c r=\"A&amp;1\"><v>1</v></c></row></sheetData></worksheet>",
    "<sst/>");
  check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED, "“A&1”");

  g_unlink (path);
  g_rmdir (dir);
}

/* Numbers as _rv_format_number() writes them, whether the text is already so or not. */
static void
test_numbers (void)
{
  static const struct {
    const char *value;
    const char *expected;
  } cases[] = {
    { "7", "number:7" },
    { "007", "number:7" },
    { "-0", "number:0" },
    { "-12", "number:-12" },
    { "1.50", "number:1.5" },
    { "-0.5", "number:-0.5" },
    { "0.0001", "number:0.0001" },
    { "0.00001", "number:1e-05" },
    { "123456789012345", "number:123456789012345" },
    { "1234567890123456", "number:1234567890123456" },
    { "12345678901234.5", "number:12345678901234.5" },
    { "2.0131312955E10", "number:20131312955" },
    { "20131312955", "number:20131312955" },
    { " 42 ", "number:42" },
    { "1E3", "number:1000" },
    { "0.1", "number:0.1" },
    { "+5", "number:5" },
    { "1.", "number:1" },
    { "1,5", "text:1,5" },
  };
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "numbers.xlsx", NULL);
  g_autoptr(GString) sheet = g_string_new ("<worksheet><sheetData><row>");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvSheet *read;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_string_append_printf (sheet, "<c><v>%s</v></c>", cases[i].value);
  /* Style 1 is a date: whole days, times of day, the day that never was, and numbers past
   * Excel's last day, twice over (dates already seen are remembered). */
  g_string_append (sheet, "</row><row>");
  for (guint i = 0; i < 2; i++)
    g_string_append (sheet, "<c s=\"1\"><v>46348</v></c><c s=\"1\"><v>46348.5</v></c>"
                            "<c s=\"1\"><v>60</v></c><c s=\"1\"><v>3000000</v></c>"
                            "<c s=\"1\"><v>-1</v></c><c s=\"1\"><v>46349</v></c>");
  g_string_append (sheet, "</row></sheetData></worksheet>");
  write_xlsx_with_strings (path, sheet->str, "<sst/>");

  workbook = read_xlsx (path, &error);
  g_assert_no_error (error);
  read = rv_test_get_sheet (workbook, 0, "Hoja1", 2, G_N_ELEMENTS (cases));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *letters = rv_sheet_column_letter (i);
      g_autofree char *reference = g_strconcat (letters, "1", NULL);

      rv_test_check_cell (read, reference, cases[i].expected);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *letters[] = { "A", "G" };
      g_autofree char *a = g_strconcat (letters[i], "2", NULL);

      rv_test_check_cell (read, a, "date:2026-11-22");
    }
  rv_test_check_cell (read, "B2", "date:2026-11-22 12:00:00");
  rv_test_check_cell (read, "C2", "date:1900-02-29");
  rv_test_check_cell (read, "D2", "number:3000000");
  rv_test_check_cell (read, "E2", "number:-1");
  rv_test_check_cell (read, "F2", "date:2026-11-23");
  rv_test_check_cell (read, "H2", "date:2026-11-22 12:00:00");
  rv_test_check_cell (read, "L2", "date:2026-11-23");

  g_unlink (path);
  g_rmdir (dir);
}

/* Shared strings too long for a cell only matter to the cells that use them. */
static void
test_long_shared_string (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "long.xlsx", NULL);
  g_autoptr(GString) workbook = text (WORKBOOK_XML);
  g_autoptr(GString) rels = text (
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>");
  g_autoptr(GString) strings = g_string_new ("<sst><si><t>");
  g_autoptr(GString) sheet = text ("<worksheet><sheetData><row><c t=\"s\"><v>1</v></c>"
                                   "<c t=\"s\"><v>2</v></c></row></sheetData></worksheet>");
  g_autoptr(RvWorkbook) read = NULL;
  g_autoptr(GError) error = NULL;

  /* 0: one byte too long; 1: as long as a cell may be, once its escapes are undone;
   * 2: a short one. */
  for (guint i = 0; i <= RV_SHEET_MAX_CELL_BYTES; i++)
    g_string_append_c (strings, 'a');
  g_string_append (strings, "</t></si><si><t>");
  for (guint i = 0; i < RV_SHEET_MAX_CELL_BYTES; i++)
    g_string_append (strings, "_x0062_");
  g_string_append (strings, "</t></si><si><t>RUC</t></si></sst>");

  write_zip (path, "xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
             "xl/sharedStrings.xml", strings, "xl/worksheets/sheet1.xml", sheet, NULL);
  read = read_xlsx (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (rv_sheet_get_text (rv_workbook_get_sheet (read, 0), 0, 0)), ==,
                    RV_SHEET_MAX_CELL_BYTES);
  g_assert_cmpint (rv_sheet_get_text (rv_workbook_get_sheet (read, 0), 0, 0)[0], ==, 'b');
  rv_test_check_cell (rv_workbook_get_sheet (read, 0), "B1", "text:RUC");

  g_string_assign (sheet, "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>");
  write_zip (path, "xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
             "xl/sharedStrings.xml", strings, "xl/worksheets/sheet1.xml", sheet, NULL);
  check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE, "Hoja1");

  g_unlink (path);
  g_rmdir (dir);
}

/*
 * A document type, even a harmless one, is refused in the sheets and the shared strings,
 * before its declarations are read: entities are never declared, let alone substituted,
 * and nothing is fetched.
 */
static void
test_doctype (void)
{
  static const struct {
    const char *sheet;
    const char *strings;
    const char *part;
  } cases[] = {
    { "<!DOCTYPE worksheet [<!ENTITY ruc \"20131312955\">]><worksheet><sheetData><row>"
      "<c t=\"inlineStr\"><is><t>&ruc;</t></is></c></row></sheetData></worksheet>",
      "<sst/>", "xl/worksheets/sheet1.xml" },
    { "<?xml version=\"1.0\"?>\n<!DOCTYPE worksheet SYSTEM \"http://127.0.0.1:9/x.dtd\">"
      "<worksheet/>", "<sst/>", "xl/worksheets/sheet1.xml" },
    { "<!DOCTYPE worksheet [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><worksheet/>",
      "<sst/>", "xl/worksheets/sheet1.xml" },
    { "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
      "<!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
      "<sst><si><t>&b;</t></si></sst>", "xl/sharedStrings.xml" },
  };
  g_autofree char *dir = g_dir_make_tmp ("test-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "doctype.xlsx", NULL);
  g_autoptr(GString) laughs = g_string_new ("<!DOCTYPE worksheet [<!ENTITY l0 \"lol\">");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %u", i);
      write_xlsx_with_strings (path, cases[i].sheet, cases[i].strings);
      check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED, cases[i].part);
    }

  /* Ten thousand levels of laughs, a megabyte of declarations: refused at the first line
   * of them, in no time. */
  for (guint i = 1; i < 10000; i++)
    g_string_append_printf (laughs, "<!ENTITY l%u \"&l%u;&l%u;&l%u;&l%u;&l%u;&l%u;\">",
                            i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  g_string_append (laughs, "]><worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&l9999;"
                           "</t></is></c></row></sheetData></worksheet>");
  write_xlsx_with_strings (path, laughs->str, "<sst/>");
  check_refused (path, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED, "(line 1)");

  g_unlink (path);
  g_rmdir (dir);
}

/* A large sheet whose compressed data is damaged in the middle, read a few chunks ahead of
 * the parser: refused (as garbage or as unreadable, as the damage falls), never a crash. */
static void
test_damaged_large (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = write_large (&dir);
  const char *name = "xl/worksheets/sheet1.xml";
  g_autofree char *contents = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  gsize member = 0;

  /* The member's local header is the first place its name appears. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  while (member + strlen (name) < length && memcmp (contents + member, name, strlen (name)) != 0)
    member++;
  g_assert_cmpuint (member + 200000, <, length);
  memset (contents + member + 100000, 0xff, 4096);
  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  workbook = read_xlsx (path, &error);
  g_test_message ("%s", error != NULL ? error->message : "(read)");
  g_assert_null (workbook);
  g_assert_true (g_error_matches (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED) ||
                 g_error_matches (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED));
  g_assert_nonnull (strstr (error->message, "xl/worksheets/sheet1.xml"));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xlsx/read/suppliers", test_suppliers);
  g_test_add_func ("/xlsx/read/xlsxwriter", test_xlsxwriter);
  g_test_add_func ("/xlsx/read/crafted", test_crafted);
  g_test_add_func ("/xlsx/read/date-1904", test_date_1904);
  g_test_add_func ("/xlsx/read/generated", test_generated);
  g_test_add_func ("/xlsx/read/read-file", test_read_file);
  g_test_add_func ("/xlsx/read/large", test_large);
  g_test_add_func ("/xlsx/read/long-cell", test_long_cell);
  g_test_add_func ("/xlsx/read/long-shared-string", test_long_shared_string);
  g_test_add_func ("/xlsx/read/references", test_references);
  g_test_add_func ("/xlsx/read/numbers", test_numbers);
  g_test_add_func ("/xlsx/read/cancel", test_cancel);
  g_test_add_func ("/xlsx/sniff/good", test_sniff);
  g_test_add_func ("/xlsx/sniff/bad", test_sniff_bad);
  g_test_add_func ("/xlsx/bad/files", test_bad_files);
  g_test_add_func ("/xlsx/bad/generated", test_generated_bad);
  g_test_add_func ("/xlsx/bad/billion-laughs", test_billion_laughs);
  g_test_add_func ("/xlsx/bad/quiet", test_quiet);
  g_test_add_func ("/xlsx/bad/zip-bomb", test_zip_bomb);
  g_test_add_func ("/xlsx/bad/doctype", test_doctype);
  g_test_add_func ("/xlsx/bad/damaged-large", test_damaged_large);

  return g_test_run ();
}
