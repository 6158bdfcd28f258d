/* rv-sheet-writer.c
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

#define G_LOG_DOMAIN "rv-sheet-writer"

#include "config.h"

#include "rv-sheet-writer-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

/*
 * Exports: the plan (rv-export-plan.c) says what every format writes; the writers
 * (rv-csv-writer.c, rv-xlsx-writer.c, rv-ods-writer.c) serialise it; this file puts the
 * result in place safely. The file is written to a temporary file in the destination's
 * folder, flushed to the disk, and renamed over the destination only once it is complete,
 * so that a failure, a cancellation or a crash leaves the previous export as it was and
 * no half-written file.
 */

G_DEFINE_ENUM_TYPE (RvExportRows, rv_export_rows,
  G_DEFINE_ENUM_VALUE (RV_EXPORT_ALL, "all"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_VALID, "valid"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_PROBLEMS, "problems"))

G_DEFINE_ENUM_TYPE (RvExportFormat, rv_export_format,
  G_DEFINE_ENUM_VALUE (RV_EXPORT_FORMAT_CSV, "csv"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_FORMAT_XLSX, "xlsx"),
  G_DEFINE_ENUM_VALUE (RV_EXPORT_FORMAT_ODS, "ods"))

/**
 * rv_export_rows_from_nick:
 * @nick: (nullable): "all", "valid" or "problems", as `--only` takes it
 * @rows: (out): which rows to write
 *
 * Returns: %TRUE if @nick names a choice; @rows is left alone otherwise
 */
gboolean
rv_export_rows_from_nick (const char   *nick,
                          RvExportRows *rows)
{
  g_autoptr(GEnumClass) klass = NULL;
  GEnumValue *value;

  g_return_val_if_fail (rows != NULL, FALSE);

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (RV_TYPE_EXPORT_ROWS);
  value = g_enum_get_value_by_nick (klass, nick);
  if (value == NULL)
    return FALSE;

  *rows = value->value;
  return TRUE;
}

/**
 * rv_export_format_from_path:
 * @path: a file name
 * @format: (out): the format its extension names
 *
 * Returns: %TRUE if @path ends in `.csv`, `.xlsx` or `.ods` (in any case); @format is
 *   left alone otherwise
 */
gboolean
rv_export_format_from_path (const char     *path,
                            RvExportFormat *format)
{
  g_autofree char *lower = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (format != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  for (RvExportFormat f = RV_EXPORT_FORMAT_CSV; f <= RV_EXPORT_FORMAT_ODS; f++)
    {
      g_autofree char *suffix = g_strconcat (".", rv_export_format_get_extension (f), NULL);

      /* A name that is only the extension (".csv") is a hidden file, not a CSV. */
      if (g_str_has_suffix (lower, suffix) && strlen (lower) > strlen (suffix) &&
          lower[strlen (lower) - strlen (suffix) - 1] != G_DIR_SEPARATOR)
        {
          *format = f;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * rv_export_format_get_extension:
 *
 * Returns: "csv", "xlsx" or "ods"
 */
const char *
rv_export_format_get_extension (RvExportFormat format)
{
  switch (format)
    {
    case RV_EXPORT_FORMAT_CSV:
      return "csv";
    case RV_EXPORT_FORMAT_XLSX:
      return "xlsx";
    case RV_EXPORT_FORMAT_ODS:
      return "ods";
    default:
      g_return_val_if_reached ("csv");
    }
}

/* @error from @cause: a cancellation stays G_IO_ERROR_CANCELLED; anything else gets one
 * sentence naming the file and the reason, keeping @cause's domain and code.
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

  /* GIO's messages end with the system's reason, after what they were doing ("Error
   * writing to file: No space left on device").
   */
  reason = g_strrstr (cause->message, ": ");
  reason = reason != NULL && reason[2] != 0 ? reason + 2 : cause->message;

  g_set_error (error, cause->domain, cause->code,
               /* Translators: the first %s is a file name, the second the reason given
                * by the system, e.g. "Permission denied". */
               _("Cannot write “%s”: %s"), name, reason);
  g_error_free (cause);
}

static void
set_errno_error (GError **error,
                 int      saved_errno)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

/* The mode a new file gets from the umask, or the mode of the file it replaces. */
static void
set_mode (int         fd,
          const char *path)
{
  GStatBuf st;
  mode_t mask;

  if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
    {
      fchmod (fd, st.st_mode & 07777);
      return;
    }

  mask = umask (0);
  umask (mask);
  fchmod (fd, 0666 & ~mask);
}

static gboolean
write_plan (RvExportPlan    *plan,
            RvExportFormat   format,
            int              fd,
            const char      *temp_path,
            GError         **error)
{
  g_autoptr(GOutputStream) stream = NULL;

  if (format == RV_EXPORT_FORMAT_XLSX)
    return _rv_xlsx_write (plan, temp_path, error);

  /* The writers gather their output in large buffers of their own. */
  stream = g_unix_output_stream_new (fd, FALSE);
  if (format == RV_EXPORT_FORMAT_ODS)
    return _rv_ods_write (plan, stream, error);
  return _rv_csv_write (plan, stream, error);
}

/**
 * rv_export_write:
 * @export: what to write
 * @format: the format of the file
 * @path: the file to write, replaced if it exists
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Writes @export to @path. CSV gets the user's sheet with the result columns: UTF-8 with
 * a BOM, commas, CRLF line ends, RFC 4180 quoting, and every cell a spreadsheet would
 * evaluate neutralised with a leading apostrophe. XLSX and ODS get the same sheet with
 * RUCs as text, numbers as numbers, a bold frozen header with an autofilter, coloured
 * verdicts; then a Problems sheet (with %RV_EXPORT_ALL) and a Summary sheet.
 *
 * The file is replaced only once it is complete and on the disk: on failure or
 * cancellation, an existing file at @path is left as it was and no other file is left
 * behind. May be called from any thread.
 *
 * Returns: %TRUE on success; else %FALSE with @error set to one sentence that names the
 *   file, or to %G_IO_ERROR_CANCELLED
 */
gboolean
rv_export_write (const RvExport  *export,
                 RvExportFormat   format,
                 const char      *path,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(RvExportPlan) plan = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp_path = NULL;
  GError *local_error = NULL;
  int fd = -1;

  g_return_val_if_fail (export != NULL, FALSE);
  g_return_val_if_fail (RV_IS_SHEET (export->sheet), FALSE);
  g_return_val_if_fail (export->header_row >= -1, FALSE);
  g_return_val_if_fail (export->header_row < 0 ||
                        ((guint) export->header_row < export->first_row &&
                         (guint) export->header_row < rv_sheet_get_n_rows (export->sheet)), FALSE);
  g_return_val_if_fail (export->results != NULL || rv_sheet_get_n_rows (export->sheet) == 0,
                        FALSE);
  g_return_val_if_fail (export->rows <= RV_EXPORT_PROBLEMS, FALSE);
  g_return_val_if_fail (format <= RV_EXPORT_FORMAT_ODS, FALSE);
  g_return_val_if_fail (format == RV_EXPORT_FORMAT_CSV || export->summary != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    goto failed;

  display_name = g_filename_display_basename (path);
  plan = _rv_export_plan_new (export, format, display_name, &local_error);
  if (plan == NULL)
    goto failed;
  _rv_export_plan_set_cancellable (plan, cancellable);

  /* ".result.xlsx.A1B2C3" beside the destination: the rename cannot cross a file system. */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  {
    g_autofree char *template = g_strdup_printf (".%s.XXXXXX", base);

    temp_path = g_build_filename (dir, template, NULL);
  }
  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_errno_error (&local_error, errno);
      g_clear_pointer (&temp_path, g_free);
      goto failed;
    }

  if (format == RV_EXPORT_FORMAT_XLSX)
    {
      /* libxlsxwriter opens the file by its name; it is opened again to be flushed. */
      close (fd);
      fd = -1;
    }

  if (!write_plan (plan, format, fd, temp_path, &local_error))
    goto failed;

  if (fd < 0)
    {
      fd = g_open (temp_path, O_RDWR | O_CLOEXEC, 0);
      if (fd < 0)
        {
          set_errno_error (&local_error, errno);
          goto failed;
        }
    }

  set_mode (fd, path);
  if (fsync (fd) != 0)
    {
      set_errno_error (&local_error, errno);
      goto failed;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      set_errno_error (&local_error, errno);
      goto failed;
    }
  fd = -1;

  if (g_rename (temp_path, path) != 0)
    {
      set_errno_error (&local_error, errno);
      goto failed;
    }

  return TRUE;

failed:
  if (fd >= 0)
    close (fd);
  if (temp_path != NULL)
    g_unlink (temp_path);
  propagate_write_error (error, local_error, path);
  return FALSE;
}

/* What a write in a thread owns: the export copied, its sheet and results referenced, so
 * that the caller may change or drop its own while the file is written. */
typedef struct
{
  RvExport         export;
  RvExportSummary  summary;
  GPtrArray       *results;
  GPtrArray       *strings;
  GDateTime       *started_at;
  RvExportFormat   format;
  char            *path;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->export.sheet);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  g_clear_pointer (&data->strings, g_ptr_array_unref);
  g_clear_pointer (&data->started_at, g_date_time_unref);
  g_free (data->path);
  g_free (data);
}

static void
result_unref (gpointer result)
{
  if (result != NULL)
    rv_result_unref (result);
}

static const char *
keep_string (GPtrArray  *strings,
             const char *text)
{
  if (text == NULL)
    return NULL;
  g_ptr_array_add (strings, g_strdup (text));
  return g_ptr_array_index (strings, strings->len - 1);
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  GError *error = NULL;

  if (rv_export_write (&data->export, data->format, data->path, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * rv_export_write_async:
 * @export: what to write; copied, so that the caller may change it at once
 * @format: the format of the file
 * @path: the file to write, replaced if it exists
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context when the file is written
 * @user_data: for @callback
 *
 * rv_export_write() in a worker thread, for the window: the sheet and the results are
 * referenced until the file is written, and the summary copied.
 */
void
rv_export_write_async (const RvExport      *export,
                       RvExportFormat       format,
                       const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteData *data;
  guint n_rows;

  g_return_if_fail (export != NULL);
  g_return_if_fail (RV_IS_SHEET (export->sheet));
  g_return_if_fail (export->results != NULL || rv_sheet_get_n_rows (export->sheet) == 0);
  g_return_if_fail (format == RV_EXPORT_FORMAT_CSV || export->summary != NULL);
  g_return_if_fail (path != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (WriteData, 1);
  data->export = *export;
  data->export.sheet = g_object_ref (export->sheet);
  n_rows = rv_sheet_get_n_rows (export->sheet);
  data->results = g_ptr_array_new_full (n_rows + 1, result_unref);
  for (guint row = 0; row < n_rows; row++)
    g_ptr_array_add (data->results,
                     export->results[row] != NULL ? rv_result_ref (export->results[row]) : NULL);
  g_ptr_array_add (data->results, NULL);
  data->export.results = (RvResult * const *) data->results->pdata;

  if (export->summary != NULL)
    {
      data->strings = g_ptr_array_new_with_free_func (g_free);
      data->summary = *export->summary;
      data->summary.file_name = keep_string (data->strings, export->summary->file_name);
      data->summary.file_sha256 = keep_string (data->strings, export->summary->file_sha256);
      data->summary.sheet_name = keep_string (data->strings, export->summary->sheet_name);
      data->summary.column = keep_string (data->strings, export->summary->column);
      data->summary.provider = keep_string (data->strings, export->summary->provider);
      data->summary.padron_date = keep_string (data->strings, export->summary->padron_date);
      if (export->summary->started_at != NULL)
        data->started_at = g_date_time_ref (export->summary->started_at);
      data->summary.started_at = data->started_at;
      data->export.summary = &data->summary;
    }
  data->format = format;
  data->path = g_strdup (path);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_export_write_async);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

/**
 * rv_export_write_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the file is in place; else %FALSE with @error set as
 *   rv_export_write() sets it
 */
gboolean
rv_export_write_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
 * Writes @sheet to @path as CSV with the result columns appended: rv_export_write() with
 * %RV_EXPORT_FORMAT_CSV.
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
  RvExport export = {
    .sheet = sheet,
    .header_row = header_row,
    .first_row = first_row,
    .ruc_column = -1,
    .results = results,
    .rows = rows,
    .summary = NULL,
  };

  g_return_val_if_fail (RV_IS_SHEET (sheet), FALSE);

  return rv_export_write (&export, RV_EXPORT_FORMAT_CSV, path, cancellable, error);
}
