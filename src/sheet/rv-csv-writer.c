/* rv-csv-writer.c
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

#define G_LOG_DOMAIN "rv-csv-writer"

#include "config.h"

#include "rv-sheet-writer.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/*
 * The CSV writer: the sheet as it was read, every row and column in order, with the result
 * columns appended. The text is UTF-8 with a BOM (so that Excel does not read it as
 * Windows-1252), comma-separated, with CRLF line ends and RFC 4180 quoting.
 *
 * A cell that a spreadsheet would take for a formula (=, +, -, @, tab or CR first) gets a
 * leading apostrophe, so that opening the file never runs anything a supplier typed into
 * its name; a plain number such as "-125.50" is left alone, since it computes nothing.
 *
 * The file is replaced safely: the text goes to a temporary file beside it, renamed over
 * the destination only once everything is written, so that a failure or a cancellation
 * leaves the old file as it was and no half-written one.
 */

/* Bytes gathered before each write to the file. */
#define BUFFER_SIZE     (64 * 1024)
/* Rows written between two looks at the cancellable. */
#define CANCEL_INTERVAL 1024

#define UTF8_BOM "\xef\xbb\xbf"

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
  gsize          length;
  char           buffer[BUFFER_SIZE];
} CsvWriter;

static gboolean
csv_writer_flush (CsvWriter  *self,
                  GError    **error)
{
  gboolean ok;

  if (self->length == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->stream, self->buffer, self->length, NULL,
                                  self->cancellable, error);
  self->length = 0;
  return ok;
}

static gboolean
csv_writer_append (CsvWriter   *self,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  if (length > BUFFER_SIZE - self->length)
    {
      if (!csv_writer_flush (self, error))
        return FALSE;

      /* A cell larger than the buffer goes straight to the file. */
      if (length > BUFFER_SIZE)
        return g_output_stream_write_all (self->stream, data, length, NULL,
                                          self->cancellable, error);
    }

  memcpy (self->buffer + self->length, data, length);
  self->length += length;
  return TRUE;
}

static inline gboolean
csv_writer_append_char (CsvWriter  *self,
                        char        c,
                        GError    **error)
{
  if (self->length == BUFFER_SIZE && !csv_writer_flush (self, error))
    return FALSE;

  self->buffer[self->length++] = c;
  return TRUE;
}

/* An optional sign, digits with an optional decimal part, and an optional exponent: a
 * spreadsheet reads it as a number, never as a formula.
 */
static gboolean
is_plain_number (const char *text)
{
  const char *p = text;
  guint digits = 0;

  if (*p == '+' || *p == '-')
    p++;

  for (; g_ascii_isdigit (*p); p++)
    digits++;

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++)
        digits++;
    }

  if (digits == 0)
    return FALSE;

  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == 0;
}

/* Whether a spreadsheet opening the file would evaluate @text. */
static gboolean
needs_neutralising (const char *text)
{
  switch (text[0])
    {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return TRUE;

    case '+':
    case '-':
      return !is_plain_number (text);

    default:
      return FALSE;
    }
}

static gboolean
csv_writer_field (CsvWriter   *self,
                  const char  *text,
                  gboolean     first,
                  GError     **error)
{
  gboolean neutralise;
  gboolean quote;
  gsize length;

  g_assert (text != NULL);

  if (!first && !csv_writer_append_char (self, ',', error))
    return FALSE;

  if (text[0] == 0)
    return TRUE;

  length = strlen (text);
  neutralise = needs_neutralising (text);
  /* RFC 4180, and blanks at either end, which some readers would trim otherwise. */
  quote = text[0] == ' ' || text[length - 1] == ' ' || strpbrk (text, ",\"\r\n") != NULL;

  if (!quote)
    {
      if (neutralise && !csv_writer_append_char (self, '\'', error))
        return FALSE;
      return csv_writer_append (self, text, length, error);
    }

  if (!csv_writer_append_char (self, '"', error))
    return FALSE;
  if (neutralise && !csv_writer_append_char (self, '\'', error))
    return FALSE;

  for (const char *p = text; *p != 0;)
    {
      const char *q = strchr (p, '"');
      gsize run = q != NULL ? (gsize) (q - p + 1) : strlen (p);

      /* Up to and including a quote, which is then doubled. */
      if (!csv_writer_append (self, p, run, error))
        return FALSE;
      if (q != NULL && !csv_writer_append_char (self, '"', error))
        return FALSE;
      p += run;
    }

  return csv_writer_append_char (self, '"', error);
}

static gboolean
csv_writer_end_line (CsvWriter  *self,
                     GError    **error)
{
  return csv_writer_append (self, "\r\n", 2, error);
}

/* The header line: the sheet's header @row (or empty cells when it has none, @row -1)
 * and the titles of the result columns.
 */
static gboolean
write_header (CsvWriter  *self,
              RvSheet    *sheet,
              int         row,
              guint       n_columns,
              GError    **error)
{
  for (guint column = 0; column < n_columns; column++)
    {
      const char *text = row >= 0 ? rv_sheet_get_text (sheet, row, column) : "";

      if (!csv_writer_field (self, text, column == 0, error))
        return FALSE;
    }

  for (guint column = 0; column < RV_N_RESULT_COLUMNS; column++)
    {
      if (!csv_writer_field (self, rv_result_column_get_title (column),
                             n_columns == 0 && column == 0, error))
        return FALSE;
    }

  return csv_writer_end_line (self, error);
}

/* A row: its cells, padded to @n_columns, then the texts of @result (empty without one). */
static gboolean
write_row (CsvWriter       *self,
           RvSheet         *sheet,
           guint            row,
           guint            n_columns,
           const RvResult  *result,
           GError         **error)
{
  for (guint column = 0; column < n_columns; column++)
    {
      if (!csv_writer_field (self, rv_sheet_get_text (sheet, row, column), column == 0, error))
        return FALSE;
    }

  for (guint column = 0; column < RV_N_RESULT_COLUMNS; column++)
    {
      g_autofree char *text = NULL;

      if (result != NULL)
        text = rv_result_dup_column_text (result, column);

      if (!csv_writer_field (self, text != NULL ? text : "", n_columns == 0 && column == 0,
                             error))
        return FALSE;
    }

  return csv_writer_end_line (self, error);
}

static gboolean
row_is_wanted (const RvResult *result,
               RvExportRows    rows)
{
  switch (rows)
    {
    case RV_EXPORT_ALL:
      return TRUE;

    case RV_EXPORT_VALID:
      return result != NULL && rv_result_get_verdict (result) == RV_VERDICT_VALID;

    case RV_EXPORT_PROBLEMS:
      return result != NULL && rv_result_get_verdict (result) != RV_VERDICT_VALID;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
write_sheet (CsvWriter          *self,
             RvSheet            *sheet,
             int                 header_row,
             guint               first_row,
             RvResult * const   *results,
             RvExportRows        rows,
             GError            **error)
{
  guint n_rows = rv_sheet_get_n_rows (sheet);
  guint n_columns = rv_sheet_get_n_columns (sheet);

  if (!csv_writer_append (self, UTF8_BOM, strlen (UTF8_BOM), error))
    return FALSE;

  if (header_row < 0 && !write_header (self, sheet, -1, n_columns, error))
    return FALSE;

  for (guint row = 0; row < n_rows; row++)
    {
      if (row % CANCEL_INTERVAL == 0 &&
          g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return FALSE;

      if (header_row >= 0 && row == (guint) header_row)
        {
          if (!write_header (self, sheet, header_row, n_columns, error))
            return FALSE;
        }
      else if (row < first_row)
        {
          /* Titles above the header belong to the whole list, not to a selection. */
          if (rows == RV_EXPORT_ALL && !write_row (self, sheet, row, n_columns, NULL, error))
            return FALSE;
        }
      else if (row_is_wanted (results[row], rows))
        {
          if (!write_row (self, sheet, row, n_columns, results[row], error))
            return FALSE;
        }
    }

  return csv_writer_flush (self, error);
}

/* Closes @stream without putting what it holds in place: GLib drops the temporary file
 * of a replace when the close is cancelled.
 */
static void
abort_stream (GOutputStream *stream)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_output_stream_close (stream, cancelled, NULL);
}

/* @error from @cause: a cancellation stays G_IO_ERROR_CANCELLED; anything else gets one
 * sentence naming the file and the system's reason, keeping @cause's domain and code.
 */
static void
propagate_write_error (GError     **error,
                       GError      *cause,
                       const char  *path)
{
  g_autofree char *name = g_filename_display_basename (path);
  const char *reason;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   /* Translators: %s is a file name. */
                   _("Writing “%s” was cancelled"), name);
      g_error_free (cause);
      return;
    }

  /* GIO's messages end with the system's reason, after the path they name in full
   * ("Error opening file “/home/…/out.csv”: Permission denied").
   */
  reason = g_strrstr (cause->message, ": ");
  reason = reason != NULL && reason[2] != 0 ? reason + 2 : cause->message;

  g_set_error (error, cause->domain, cause->code,
               /* Translators: the first %s is a file name, the second the reason given
                * by the system, e.g. "Permission denied". */
               _("Cannot write “%s”: %s"), name, reason);
  g_error_free (cause);
}

/**
 * rv_sheet_write_csv:
 * @sheet: the sheet as it was read
 * @header_row: its header row, or -1 when it has none
 * @first_row: its first data row (the row below the header)
 * @results: (array) (nullable): one result per row of @sheet, %NULL for rows without one
 *   (titles, the header, blank rows); may be %NULL only for a sheet without rows
 * @rows: which rows to write
 * @path: the file to write, replaced if it exists
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes @sheet to @path as CSV, with the result columns appended: UTF-8 with a BOM,
 * commas, CRLF line ends, RFC 4180 quoting, and every cell a spreadsheet would evaluate
 * neutralised with a leading apostrophe. The header row (or, without one, a line of its
 * own first) gets the titles of the result columns; the rows above the first data row
 * are written only with %RV_EXPORT_ALL.
 *
 * The file is replaced only once it is complete: on failure or cancellation, an existing
 * file at @path is left as it was and no other file is left behind.
 *
 * Returns: %TRUE on success; else %FALSE with @error set to one sentence that names the
 *   file, or to %G_IO_ERROR_CANCELLED
 */
gboolean
rv_sheet_write_csv (RvSheet            *sheet,
                    int                 header_row,
                    guint               first_row,
                    RvResult * const   *results,
                    RvExportRows        rows,
                    const char         *path,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) placeholder = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autofree CsvWriter *writer = NULL;
  GError *local_error = NULL;
  gboolean created = FALSE;

  g_return_val_if_fail (RV_IS_SHEET (sheet), FALSE);
  g_return_val_if_fail (header_row >= -1, FALSE);
  g_return_val_if_fail (header_row < 0 ||
                        ((guint) header_row < first_row &&
                         (guint) header_row < rv_sheet_get_n_rows (sheet)), FALSE);
  g_return_val_if_fail (results != NULL || rv_sheet_get_n_rows (sheet) == 0, FALSE);
  g_return_val_if_fail (rows <= RV_EXPORT_PROBLEMS, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto failed;

  file = g_file_new_for_path (path);

  /* GLib replaces an existing file through a temporary one, but writes a new file in
   * place, where a failure would leave it half-written. An empty file of our own makes
   * every write a replacement; it is removed again if the write fails.
   */
  placeholder = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
  if (placeholder != NULL)
    {
      created = TRUE;
      if (!g_output_stream_close (G_OUTPUT_STREAM (placeholder), NULL, &local_error))
        goto failed;
    }
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&local_error);
  else
    goto failed;

  stream = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &local_error);
  if (stream == NULL)
    goto failed;

  writer = g_new (CsvWriter, 1);
  writer->stream = G_OUTPUT_STREAM (stream);
  writer->cancellable = cancellable;
  writer->length = 0;

  if (!write_sheet (writer, sheet, header_row, first_row, results, rows, &local_error))
    {
      abort_stream (G_OUTPUT_STREAM (stream));
      goto failed;
    }

  /* The temporary file is renamed over @path here. */
  if (!g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local_error))
    goto failed;

  return TRUE;

failed:
  if (created)
    g_file_delete (file, NULL, NULL);
  propagate_write_error (error, local_error, path);
  return FALSE;
}
