/* fuzz-common.h
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

#pragma once

/* What the four fuzz targets share: each writes its input to a file (the readers read
 * paths, as FreeXL and libgsf do), hands it to one reader through an RvReadContext, and
 * checks the reader protocol of rv-sheet-reader-private.h on the result. A protocol
 * breach aborts like a crash, so that libFuzzer keeps the input:
 *
 *  - a reader that fails sets an RV_SHEET_ERROR (or G_IO_ERROR) naming the file;
 *  - a reader that succeeds sets no error, and every sheet name and cell text is UTF-8;
 *  - no g_critical() on the way (a broken precondition somewhere); with
 *    RV_FUZZ_FATAL_WARNINGS=1 in the environment, no g_warning() either, as the tests
 *    run with G_DEBUG=fatal-warnings. Warnings are not fatal by default because libgsf
 *    warns about some damaged ZIP files, and the first such input would stop the run;
 *    RV_FUZZ_KNOWN_LOGS lets a run go past problems already reported (see README.md).
 *
 * Crashes, leaks and memory errors are AddressSanitizer's and UBSan's; hangs and memory
 * blow-ups libFuzzer's (-timeout, -rss_limit_mb).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "rv-sheet-reader-private.h"

/* Cells whose text the UTF-8 check looks at, at most, per input: a sparse sheet may span
 * a million rows and thousands of columns. */
#define FUZZ_MAX_CELL_CHECKS 2000000

typedef gboolean (*FuzzReader) (RvReadContext  *ctx,
                                RvWorkbook     *workbook,
                                GError        **error);

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static char *fuzz_path;
static GLogLevelFlags fuzz_fatal_levels;

static char **fuzz_known_logs;

/* Criticals (and warnings, if asked) abort(), which libFuzzer catches and keeps the input
 * of; GLib's own fatal logs raise SIGTRAP, which it does not. A message that contains one
 * of the texts of RV_FUZZ_KNOWN_LOGS (separated by ';') is a problem already reported:
 * it is dropped, so that the run goes on to others. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if ((log_level & fuzz_fatal_levels) != 0 && fuzz_known_logs != NULL)
    {
      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_strcmp0 (fields[i].key, "MESSAGE") != 0 || fields[i].length != -1)
            continue;
          for (guint k = 0; fuzz_known_logs[k] != NULL; k++)
            if (*fuzz_known_logs[k] != 0 &&
                strstr (fields[i].value, fuzz_known_logs[k]) != NULL)
              return G_LOG_WRITER_HANDLED;
        }
    }

  g_log_writer_default (log_level, fields, n_fields, user_data);
  if ((log_level & fuzz_fatal_levels) != 0)
    abort ();
  return G_LOG_WRITER_HANDLED;
}

static void
fuzz_remove_input (void)
{
  if (fuzz_path != NULL)
    g_unlink (fuzz_path);
}

/* Writes the input to this process's one file, named with @extension as a user's would be. */
static const char *
fuzz_write_input (const char    *extension,
                  const uint8_t *data,
                  size_t         size)
{
  FILE *file;

  if (fuzz_path == NULL)
    {
      fuzz_fatal_levels = G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL;
      if (g_strcmp0 (g_getenv ("RV_FUZZ_FATAL_WARNINGS"), "1") == 0)
        fuzz_fatal_levels |= G_LOG_LEVEL_WARNING;
      if (g_getenv ("RV_FUZZ_KNOWN_LOGS") != NULL)
        fuzz_known_logs = g_strsplit (g_getenv ("RV_FUZZ_KNOWN_LOGS"), ";", -1);
      g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
      fuzz_path = g_strdup_printf ("%s/rv-fuzz-%d.%s", g_get_tmp_dir (), (int) getpid (),
                                   extension);
      atexit (fuzz_remove_input);
    }

  file = fopen (fuzz_path, "wb");
  if (file == NULL ||
      (size > 0 && fwrite (data, 1, size, file) != size) ||
      fclose (file) != 0)
    g_error ("Cannot write %s", fuzz_path);

  return fuzz_path;
}

static void
fuzz_check_workbook (RvWorkbook *workbook)
{
  guint64 checks = 0;

  for (guint i = 0; i < rv_workbook_get_n_sheets (workbook); i++)
    {
      RvSheet *sheet = rv_workbook_get_sheet (workbook, i);
      guint n_rows = rv_sheet_get_n_rows (sheet);
      guint n_columns = rv_sheet_get_n_columns (sheet);

      if (!g_utf8_validate (rv_sheet_get_name (sheet), -1, NULL))
        g_error ("Sheet %u: its name is not UTF-8", i);

      for (guint row = 0; row < n_rows && checks < FUZZ_MAX_CELL_CHECKS; row++)
        for (guint column = 0;
             column < n_columns && checks < FUZZ_MAX_CELL_CHECKS;
             column++, checks++)
          {
            RvCell cell;
            gboolean filled = rv_sheet_get_cell (sheet, row, column, &cell);

            if (cell.text == NULL || !g_utf8_validate (cell.text, -1, NULL))
              g_error ("Sheet %u, cell %u,%u: not UTF-8", i, row, column);
            if (cell.kind > RV_CELL_ERROR || filled != (cell.kind != RV_CELL_EMPTY) ||
                filled != (cell.text[0] != 0))
              g_error ("Sheet %u, cell %u,%u: kind %d with “%s”", i, row, column, cell.kind,
                       cell.text);
          }
    }
}

static void
fuzz_check_error (const GError *error,
                  const char   *display_name)
{
  if (error == NULL)
    g_error ("The reader failed without an error");
  if (error->domain != RV_SHEET_ERROR && error->domain != G_IO_ERROR)
    g_error ("The reader failed with an error of %s: %s",
             g_quark_to_string (error->domain), error->message);
  if (!g_utf8_validate (error->message, -1, NULL) || strstr (error->message, display_name) == NULL)
    g_error ("The reader's message does not name the file: %s", error->message);
}

/* Reads the input with @reader, as rv_sheet_read_file() would once it knows the format. */
static void
fuzz_read (const uint8_t *data,
           size_t         size,
           const char    *extension,
           RvFileFormat   format,
           FuzzReader     reader)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *display_name = NULL;
  RvReadContext ctx = { 0 };

  ctx.path = fuzz_write_input (extension, data, size);
  display_name = g_path_get_basename (ctx.path);
  ctx.display_name = display_name;
  ctx.file_size = size;

  workbook = rv_workbook_new (display_name, format);
  if (reader (&ctx, workbook, &error))
    {
      if (error != NULL)
        g_error ("The reader succeeded with an error: %s", error->message);
      fuzz_check_workbook (workbook);
    }
  else
    fuzz_check_error (error, display_name);
}

/* The sniffer on the same file: what rv_sheet_read_file() does before choosing a reader. */
static void
fuzz_sniff (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;

  if (rv_sheet_sniff_format (fuzz_path, &what, &error) == RV_FILE_FORMAT_UNKNOWN)
    {
      g_autofree char *display_name = g_path_get_basename (fuzz_path);

      fuzz_check_error (error, display_name);
    }
}
