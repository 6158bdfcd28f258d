/* test-ods.c
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
 * The ODS reader, on a spreadsheet made by LibreOffice (suppliers.ods, from
 * fixtures/sheets/suppliers.fods), one written by hand (crafted.ods), damaged and hostile
 * ones (fixtures/bad/) and large ones made here at run time. The reader is called
 * directly, with a context like the one rv_sheet_read_file() makes.
 */

/* Seconds within which a hostile file must be refused (valgrind included). */
#define QUICKLY_US  RV_TEST_QUICKLY_US

#define CONTENT_START \
  "<office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" " \
  "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" " \
  "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\">" \
  "<office:body><office:spreadsheet>"
#define CONTENT_END "</office:spreadsheet></office:body></office:document-content>"

static RvWorkbook *
read_ods_full (const char      *path,
               GCancellable    *cancellable,
               RvReadProgress   progress,
               gpointer         progress_data,
               GError         **error)
{
  return rv_test_read (_rv_ods_read, RV_FILE_FORMAT_ODS, path, cancellable, progress,
                       progress_data, error);
}

static RvWorkbook *
read_ods (const char  *path,
          GError     **error)
{
  return read_ods_full (path, NULL, NULL, NULL, error);
}

static RvWorkbook *
read_fixture (const char *folder,
              const char *name)
{
  g_autofree char *path = rv_test_fixture (folder, name);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  RvWorkbook *workbook;

  workbook = read_ods (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (workbook);
  g_assert_cmpint (g_get_monotonic_time () - start, <, QUICKLY_US);
  return workbook;
}

/* The error, its code, and a message that names the file; quickly. */
static void
check_refused (const char *path,
               int         code,
               const char *message_part)
{
  rv_test_check_refused (_rv_ods_read, RV_FILE_FORMAT_ODS, path, RV_SHEET_ERROR, code, message_part);
}

static void
check_bad (const char *name,
           int         code,
           const char *message_part)
{
  g_autofree char *path = rv_test_fixture ("bad", name);

  check_refused (path, code, message_part);
}

/* Writes an ODS with libgsf: mimetype, @manifest (if any), then content.xml from @content. */
static void
write_ods_full (const char *path,
                GString    *manifest,
                GString    *content)
{
  static const char mimetype[] = "application/vnd.oasis.opendocument.spreadsheet";
  g_autoptr(GError) error = NULL;
  g_autoptr(GsfOutput) sink = NULL;
  g_autoptr(GsfOutfile) zip = NULL;
  g_autoptr(GsfOutput) member = NULL;

  sink = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  zip = gsf_outfile_zip_new (sink, &error);
  g_assert_no_error (error);

  member = gsf_outfile_new_child_full (zip, "mimetype", FALSE,
                                       "compression-level", GSF_ZIP_STORED, NULL);
  g_assert_true (gsf_output_write (member, strlen (mimetype), (const guint8 *) mimetype));
  g_assert_true (gsf_output_close (member));
  g_clear_object (&member);

  if (manifest != NULL)
    {
      member = gsf_outfile_new_child (zip, "META-INF/manifest.xml", FALSE);
      g_assert_true (gsf_output_write (member, manifest->len, (const guint8 *) manifest->str));
      g_assert_true (gsf_output_close (member));
      g_clear_object (&member);
    }

  member = gsf_outfile_new_child (zip, "content.xml", FALSE);
  g_assert_true (gsf_output_write (member, content->len, (const guint8 *) content->str));
  g_assert_true (gsf_output_close (member));

  g_assert_true (gsf_output_close (GSF_OUTPUT (zip)));
}

static void
write_ods (const char *path,
           GString    *content)
{
  write_ods_full (path, NULL, content);
}

static GString *
content (const char *tables)
{
  GString *text = g_string_new (CONTENT_START);

  g_string_append (text, tables);
  g_string_append (text, CONTENT_END);
  return text;
}

static void
test_suppliers (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("sheets", "suppliers.ods");

  rv_test_check_suppliers (workbook);
}

static void
test_crafted (void)
{
  g_autoptr(RvWorkbook) workbook = read_fixture ("sheets", "crafted.ods");
  RvSheet *sheet;

  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 2);

  /* The million empty rows at the end cost nothing and count for nothing. */
  sheet = rv_test_get_sheet (workbook, 0, "Texto", 9, 8);

  /* Text: <text:s>, tabs, line breaks, spans and links; not comments or drawings. */
  rv_test_check_cell (sheet, "A1", "text:a   b");
  rv_test_check_cell (sheet, "B1", "text:x\ty");
  rv_test_check_cell (sheet, "C1", "text:l1\nl2");
  rv_test_check_cell (sheet, "D1", "text:Hola mundo enlace");
  rv_test_check_cell (sheet, "E1", "text:con nota");
  rv_test_check_cell (sheet, "F1", "=text:RUC 20131312955");
  rv_test_check_cell (sheet, "G1", "text:muchos espacios aquí");
  rv_test_check_cell (sheet, "H1", "text:celda");

  /* Values from their attributes, not from what is displayed. */
  rv_test_check_cell (sheet, "A2", "number:20131312955");
  rv_test_check_cell (sheet, "B2", "number:0.15");
  rv_test_check_cell (sheet, "C2", "number:1234.5");
  rv_test_check_cell (sheet, "D2", "date:10:15:00");
  rv_test_check_cell (sheet, "E2", "date:2026-11-22");
  rv_test_check_cell (sheet, "F2", "=error:#DIV/0!");
  rv_test_check_cell (sheet, "G2", "boolean:FALSE");
  rv_test_check_cell (sheet, "H2", "number:20131312955");

  /* Repeats with content are copied; a covered cell takes its column. */
  rv_test_check_cell (sheet, "A3", "text:rep");
  rv_test_check_cell (sheet, "B3", "text:rep");
  rv_test_check_cell (sheet, "C3", "text:rep");
  rv_test_check_cell (sheet, "D3", "empty:");
  rv_test_check_cell (sheet, "E3", "text:fin");
  for (guint row = 4; row <= 6; row++)
    {
      g_autofree char *a = g_strdup_printf ("A%u", row);
      g_autofree char *b = g_strdup_printf ("B%u", row);

      rv_test_check_cell (sheet, a, "text:fila");
      rv_test_check_cell (sheet, b, "number:1.5");
    }
  rv_test_check_cell (sheet, "A7", "empty:");
  rv_test_check_cell (sheet, "A8", "empty:");

  /* Rows inside a row group; a duration past a day; a time with fractions of a second. */
  rv_test_check_cell (sheet, "A9", "text:grupo");
  rv_test_check_cell (sheet, "B9", "date:36:00:00");
  rv_test_check_cell (sheet, "C9", "date:2026-11-22 10:15:00");

  rv_test_get_sheet (workbook, 1, "Vacía", 0, 0);
}

static void
test_empty_repeat (void)
{
  /* 1,048,000 empty rows of 16,000 empty cells, read in no time. */
  g_autoptr(RvWorkbook) workbook = read_fixture ("bad", "ods-huge-empty-repeat.ods");
  RvSheet *sheet = rv_test_get_sheet (workbook, 0, "Hoja1", 2, 1);

  rv_test_check_cell (sheet, "A1", "text:RUC");
  rv_test_check_cell (sheet, "A2", "number:20131312955");
  g_assert_cmpuint (rv_sheet_get_n_cells (sheet), ==, 2);
}

static void
test_repeat_copied (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "repeat.ods", NULL);
  g_autoptr(GString) xml = content (
    "<table:table table:name=\"H\">"
    "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>RUC</text:p>"
    "</table:table-cell></table:table-row>"
    "<table:table-row table:number-rows-repeated=\"100000\">"
    "<table:table-cell/>"
    "<table:table-cell office:value-type=\"float\" office:value=\"20131312955\" "
    "table:number-columns-repeated=\"2\"><text:p>20131312955</text:p></table:table-cell>"
    "</table:table-row></table:table>");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  RvSheet *sheet;

  /* Within the limits, a repeated row with content is as many rows. */
  write_ods (path, xml);
  workbook = read_ods (path, &error);
  g_assert_no_error (error);
  sheet = rv_test_get_sheet (workbook, 0, "H", 100001, 3);
  rv_test_check_cell (sheet, "A1", "text:RUC");
  rv_test_check_cell (sheet, "A2", "empty:");
  rv_test_check_cell (sheet, "B2", "number:20131312955");
  rv_test_check_cell (sheet, "C2", "number:20131312955");
  rv_test_check_cell (sheet, "A100001", "empty:");
  rv_test_check_cell (sheet, "C100001", "number:20131312955");
  rv_test_check_cell (sheet, "C100002", "empty:");

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_damaged_manifest (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "manifest.ods", NULL);
  g_autoptr(GString) manifest = g_string_new ("<manifest:manifest xmlns:manifest=\"urn:oasis:"
                                              "names:tc:opendocument:xmlns:manifest:1.0\"><manifest:fi");
  g_autoptr(GString) xml = content (
    "<table:table table:name=\"H\"><table:table-row><table:table-cell office:value-type=\"float\" "
    "office:value=\"20131312955\"><text:p>20131312955</text:p></table:table-cell>"
    "</table:table-row></table:table>");
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  /* The manifest only says whether the package is encrypted: content.xml is what counts. */
  write_ods_full (path, manifest, xml);
  workbook = read_ods (path, &error);
  g_assert_no_error (error);
  rv_test_check_cell (rv_test_get_sheet (workbook, 0, "H", 1, 1), "A1", "number:20131312955");

  g_unlink (path);
  g_rmdir (dir);
}

static void
read_file_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  RvWorkbook **workbook = user_data;
  g_autoptr(GError) error = NULL;

  *workbook = rv_sheet_read_file_finish (result, &error);
  g_assert_no_error (error);
}

static void
count_cb (double   fraction,
          gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
}

/* Through the dispatcher, in a worker thread, as the window reads a file. */
static void
test_read_file_async (void)
{
  g_autofree char *path = rv_test_fixture ("sheets", "suppliers.ods");
  g_autoptr(RvWorkbook) workbook = NULL;
  guint calls = 0;

  rv_sheet_read_file_async (path, NULL, count_cb, &calls, NULL, read_file_cb, &workbook);
  while (workbook == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Progress reports still queued hold the task. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_cmpint (rv_workbook_get_format (workbook), ==, RV_FILE_FORMAT_ODS);
  g_assert_cmpuint (rv_workbook_get_n_sheets (workbook), ==, 3);
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 1), "B4", "number:20131312955");
  rv_test_check_cell (rv_workbook_get_sheet (workbook, 2), "C5", "number:20131312955");
  g_assert_cmpuint (calls, >=, 1);
}

/* 20,000 rows × 10 columns of every value type, made here. */
static char *
write_large (char **dir)
{
  g_autoptr(GString) xml = g_string_new (CONTENT_START "<table:table table:name=\"Grande\">");
  char *path;

  *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  path = g_build_filename (*dir, "large.ods", NULL);

  for (guint r = 1; r <= 20000; r++)
    g_string_append_printf (xml,
                            "<table:table-row>"
                            "<table:table-cell office:value-type=\"float\" office:value=\"%u\"><text:p>%u</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"float\" office:value=\"%" G_GUINT64_FORMAT "\"><text:p>x</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"string\"><text:p>Proveedor %u</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"date\" office:date-value=\"2026-11-%02u\"><text:p>x</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"float\" office:value=\"%u.25\"><text:p>x</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"%s\"><text:p>x</text:p></table:table-cell>"
                            "<table:table-cell/>"
                            "<table:table-cell table:formula=\"of:=[.A%u]\" office:value-type=\"float\" office:value=\"%u\"><text:p>%u</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"percentage\" office:value=\"0.5\"><text:p>50%%</text:p></table:table-cell>"
                            "<table:table-cell office:value-type=\"string\"><text:p>fin</text:p></table:table-cell>"
                            "</table:table-row>",
                            r, r, G_GUINT64_CONSTANT (20100000000) + r, r, r % 28 + 1, r, r % 2 ? "true" : "false",
                            r, r, r);
  g_string_append (xml, "<table:table-row table:number-rows-repeated=\"1028576\">"
                        "<table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>"
                        "</table:table>" CONTENT_END);

  write_ods (path, xml);
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

  workbook = read_ods_full (path, NULL, rv_test_progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_test_message ("20,000 rows in %.3f s, %u progress reports",
                  (g_get_monotonic_time () - start) / 1e6, progress.calls);

  sheet = rv_test_get_sheet (workbook, 0, "Grande", 20000, 10);
  rv_test_check_cell (sheet, "A1", "number:1");
  rv_test_check_cell (sheet, "B1", "number:20100000001");
  rv_test_check_cell (sheet, "C1", "text:Proveedor 1");
  rv_test_check_cell (sheet, "D1", "date:2026-11-02");
  rv_test_check_cell (sheet, "E1", "number:1.25");
  rv_test_check_cell (sheet, "F1", "boolean:TRUE");
  rv_test_check_cell (sheet, "G1", "empty:");
  rv_test_check_cell (sheet, "H1", "=number:1");
  rv_test_check_cell (sheet, "I1", "number:0.5");
  rv_test_check_cell (sheet, "J1", "text:fin");
  rv_test_check_cell (sheet, "B12345", "number:20100012345");
  rv_test_check_cell (sheet, "C12345", "text:Proveedor 12345");
  rv_test_check_cell (sheet, "A20000", "number:20000");
  rv_test_check_cell (sheet, "C20000", "text:Proveedor 20000");
  rv_test_check_cell (sheet, "F20000", "boolean:FALSE");
  rv_test_check_cell (sheet, "J20000", "text:fin");

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
  workbook = read_ods_full (path, cancellable, rv_test_progress_cb, &progress, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (workbook);
  g_assert_cmpuint (progress.calls, ==, 1);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_sniff (void)
{
  static const char * const names[] = { "suppliers.ods", "crafted.ods" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = rv_test_fixture ("sheets", names[i]);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (rv_sheet_sniff_format (path, NULL, &error), ==, RV_FILE_FORMAT_ODS);
      g_assert_no_error (error);
    }
}

static void
test_bad_files (void)
{
  check_bad ("ods-broken-content.ods", RV_SHEET_ERROR_MALFORMED, "content.xml");
  check_bad ("ods-huge-row-repeat.ods", RV_SHEET_ERROR_TOO_LARGE, "Hoja1");
  check_bad ("ods-huge-column-repeat.ods", RV_SHEET_ERROR_TOO_LARGE, "Hoja1");
  check_bad ("ods-huge-cell-block.ods", RV_SHEET_ERROR_TOO_LARGE, "50 million");
  check_bad ("ods-protected.ods", RV_SHEET_ERROR_ENCRYPTED, NULL);
  check_bad ("png-renamed.xlsx", RV_SHEET_ERROR_TRUNCATED, NULL);
  check_bad ("xlsx-truncated.xlsx", RV_SHEET_ERROR_TRUNCATED, NULL);
  check_bad ("zip-no-workbook.xlsx", RV_SHEET_ERROR_MALFORMED, "content.xml");
}

static void
read_bad_files_quietly (void)
{
  static const char * const names[] = {
    "ods-broken-content.ods", "ods-huge-row-repeat.ods", "ods-protected.ods", "png-renamed.xlsx",
  };
  g_autofree char *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "quiet.ods", NULL);
  g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-7\"?>" CONTENT_START
                                         "<table:table table:name=\"Año\"/>" CONTENT_END);
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *bad = rv_test_fixture ("bad", names[i]);
      g_autoptr(RvWorkbook) refused = NULL;
      g_autoptr(GError) bad_error = NULL;

      refused = read_ods (bad, &bad_error);
      g_assert_nonnull (bad_error);
    }

  /* libxml2 reports a failed conversion outside the parser's context. */
  write_ods (path, xml);
  workbook = read_ods (path, &error);
  g_assert_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED);

  g_unlink (path);
  g_rmdir (dir);
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
test_generated_bad (void)
{
  static const struct {
    const char *content;
    int         code;
    const char *message_part;
  } cases[] = {
    /* A DTD, even a harmless one, and an external entity. */
    { "<!DOCTYPE office:document-content>" CONTENT_START CONTENT_END,
      RV_SHEET_ERROR_MALFORMED, "DTD" },
    { "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" CONTENT_START
      "<table:table><table:table-row><table:table-cell office:value-type=\"string\">"
      "<text:p>&xxe;</text:p></table:table-cell></table:table-row></table:table>" CONTENT_END,
      RV_SHEET_ERROR_MALFORMED, NULL },
    /* Not XML; tags that do not match; text after the end. */
    { "PK\x03\x04", RV_SHEET_ERROR_MALFORMED, "content.xml" },
    { CONTENT_START "<table:table></table:tabel>" CONTENT_END, RV_SHEET_ERROR_MALFORMED, "content.xml" },
    { CONTENT_START CONTENT_END "<more/>", RV_SHEET_ERROR_MALFORMED, "content.xml" },
    /* Spaces past the size of a cell. */
    { CONTENT_START "<table:table table:name=\"H\"><table:table-row>"
      "<table:table-cell office:value-type=\"string\"><text:p>a<text:s text:c=\"999999999\"/></text:p>"
      "</table:table-cell></table:table-row></table:table>" CONTENT_END,
      RV_SHEET_ERROR_TOO_LARGE, "128 KB" },
    /* A row of rows past the limit, after enough rows. */
    { CONTENT_START "<table:table table:name=\"H\">"
      "<table:table-row table:number-rows-repeated=\"1048575\"><table:table-cell/></table:table-row>"
      "<table:table-row table:number-rows-repeated=\"2\"><table:table-cell office:value-type=\"string\">"
      "<text:p>x</text:p></table:table-cell></table:table-row></table:table>" CONTENT_END,
      RV_SHEET_ERROR_TOO_LARGE, "H" },
    /* 15,000 columns of 10,000 characters: gigabytes out of a few kilobytes. */
    { CONTENT_START "<table:table table:name=\"H\"><table:table-row>"
      "<table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"15000\">"
      "<text:p>x<text:s text:c=\"10000\"/>x</text:p></table:table-cell></table:table-row></table:table>"
      CONTENT_END,
      RV_SHEET_ERROR_TOO_LARGE, "ZIP bomb" },
  };
  g_autofree char *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "generated.ods", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) xml = g_string_new (cases[i].content);

      g_test_message ("case %u", i);
      write_ods (path, xml);
      check_refused (path, cases[i].code, cases[i].message_part);
    }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_zip_bomb (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-ods-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bomb.ods", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GsfOutput) sink = NULL;
  g_autoptr(GsfOutfile) zip = NULL;
  g_autoptr(GsfOutput) member = NULL;
  g_autofree char *spaces = g_malloc (1 << 20);

  /* 110 MB of spaces in content.xml: a few hundred kilobytes compressed, past the 100 MiB
   * allowed to a small file. */
  sink = gsf_output_stdio_new (path, &error);
  g_assert_no_error (error);
  zip = gsf_outfile_zip_new (sink, &error);
  g_assert_no_error (error);
  member = gsf_outfile_new_child (zip, "content.xml", FALSE);
  g_assert_true (gsf_output_puts (member, CONTENT_START));
  memset (spaces, ' ', 1 << 20);
  for (guint i = 0; i < 110; i++)
    g_assert_true (gsf_output_write (member, 1 << 20, (const guint8 *) spaces));
  g_assert_true (gsf_output_puts (member, CONTENT_END));
  gsf_output_close (member);
  gsf_output_close (GSF_OUTPUT (zip));
  g_clear_object (&member);
  g_clear_object (&zip);
  g_clear_object (&sink);

  check_refused (path, RV_SHEET_ERROR_TOO_LARGE, "ZIP bomb");

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ods/read/suppliers", test_suppliers);
  g_test_add_func ("/ods/read/crafted", test_crafted);
  g_test_add_func ("/ods/read/empty-repeat", test_empty_repeat);
  g_test_add_func ("/ods/read/repeat-copied", test_repeat_copied);
  g_test_add_func ("/ods/read/damaged-manifest", test_damaged_manifest);
  g_test_add_func ("/ods/read/large", test_large);
  g_test_add_func ("/ods/read/read-file-async", test_read_file_async);
  g_test_add_func ("/ods/read/cancel", test_cancel);
  g_test_add_func ("/ods/sniff/good", test_sniff);
  g_test_add_func ("/ods/bad/files", test_bad_files);
  g_test_add_func ("/ods/bad/generated", test_generated_bad);
  g_test_add_func ("/ods/bad/zip-bomb", test_zip_bomb);
  g_test_add_func ("/ods/bad/quiet", test_quiet);

  return g_test_run ();
}
