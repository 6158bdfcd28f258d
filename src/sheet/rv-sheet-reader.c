/* rv-sheet-reader.c
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

#define G_LOG_DOMAIN "rv-sheet-reader"

#include "config.h"

#include "rv-sheet-reader.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "rv-sheet-reader-private.h"
#include "rv-zip.h"

/* The main context hears about progress at most this often. */
#define PROGRESS_INTERVAL_US (G_USEC_PER_SEC / 20)

typedef struct
{
  char           *path;
  RvReadProgress  progress;
  gpointer        progress_data;
  GDestroyNotify  progress_data_destroy;
  GMainContext   *context;
  gint64          last_report;
} ReadData;

typedef struct
{
  ReadData *data;
  GTask    *task;
  double    fraction;
} ProgressReport;

static const struct {
  const char *magic;
  gsize       length;
  const char *what;
} magics[] = {
  { "\x89PNG", 4, N_("a PNG image") },
  { "\xff\xd8\xff", 3, N_("a JPEG image") },
  { "GIF8", 4, N_("a GIF image") },
  { "%PDF", 4, N_("a PDF document") },
  { "\x1f\x8b", 2, N_("a gzip archive") },
  { "Rar!", 4, N_("a RAR archive") },
  { "7z\xbc\xaf\x27\x1c", 6, N_("a 7-Zip archive") },
  { "\x7f" "ELF", 4, N_("a program") },
  { "MZ", 2, N_("a Windows program") },
};

/* ZIP members that tell what an archive is. */
static const struct {
  const char *member;
  const char *what;
} zip_kinds[] = {
  { "word/document.xml", N_("a Word document") },
  { "ppt/presentation.xml", N_("a PowerPoint presentation") },
};

static void
read_data_free (ReadData *data)
{
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data->path);
  g_free (data);
}

gboolean
_rv_read_context_progress (RvReadContext  *ctx,
                           double          fraction,
                           GError        **error)
{
  if (g_cancellable_set_error_if_cancelled (ctx->cancellable, error))
    return FALSE;

  if (ctx->progress != NULL)
    ctx->progress (CLAMP (fraction, 0.0, 1.0), ctx->progress_data);

  return TRUE;
}

static RvFileFormat
sniff_zip (RvReadContext  *ctx,
           char          **what,
           GError        **error)
{
  g_autoptr(RvZip) zip = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *type = NULL;

  /* Through rv-zip: libgsf's own look-ups warn on a damaged member header. */
  zip = _rv_zip_open (ctx, &local_error);
  if (zip == NULL)
    {
      if (g_error_matches (local_error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TRUNCATED,
                     _("“%s” is a damaged or truncated archive: it cannot be opened"),
                     ctx->display_name);
      return RV_FILE_FORMAT_UNKNOWN;
    }

  if (_rv_zip_has_member (zip, "xl/workbook.xml"))
    {
      *what = g_strdup (_("an Excel workbook"));
      return RV_FILE_FORMAT_XLSX;
    }

  type = _rv_zip_read_small (zip, "mimetype", 127);
  if (type != NULL)
    {
      g_strstrip (type);

      if (strcmp (type, "application/vnd.oasis.opendocument.spreadsheet") == 0 ||
          strcmp (type, "application/vnd.oasis.opendocument.spreadsheet-template") == 0)
        {
          *what = g_strdup (_("an OpenDocument spreadsheet"));
          return RV_FILE_FORMAT_ODS;
        }
      if (g_str_has_prefix (type, "application/vnd.oasis.opendocument.text"))
        *what = g_strdup (_("an OpenDocument text document"));
      else if (g_str_has_prefix (type, "application/vnd.oasis.opendocument."))
        *what = g_strdup (_("an OpenDocument file that is not a spreadsheet"));
    }

  for (guint i = 0; *what == NULL && i < G_N_ELEMENTS (zip_kinds); i++)
    if (_rv_zip_has_member (zip, zip_kinds[i].member))
      *what = g_strdup (_(zip_kinds[i].what));

  if (*what == NULL)
    *what = g_strdup (_("a ZIP archive"));

  g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
               /* Translators: the file, then what it is ("a Word document"). */
               _("“%s” is not a spreadsheet: it is %s"), ctx->display_name, *what);
  return RV_FILE_FORMAT_UNKNOWN;
}

static gboolean
looks_like_text (const guint8 *head,
                 gsize         length)
{
  gsize nuls_even = 0, nuls_odd = 0;

  if ((length >= 2 && ((head[0] == 0xff && head[1] == 0xfe) || (head[0] == 0xfe && head[1] == 0xff))) ||
      (length >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf))
    return TRUE;

  for (gsize i = 0; i < length; i++)
    {
      if (head[i] == 0)
        {
          if (i % 2 == 0)
            nuls_even++;
          else
            nuls_odd++;
        }
      else if (head[i] < 0x20 && head[i] != '\t' && head[i] != '\n' && head[i] != '\r' &&
               head[i] != '\f' && head[i] != 0x1a)
        return FALSE;
    }

  /* UTF-16 without a BOM: every other byte is zero for Latin text. */
  if (nuls_even + nuls_odd == 0)
    return TRUE;
  return (nuls_odd > length / 4 && nuls_even == 0) || (nuls_even > length / 4 && nuls_odd == 0);
}

static RvFileFormat
sniff (const char  *path,
       const char  *display_name,
       char       **what,
       GError     **error)
{
  guint8 head[4096];
  gssize length;
  FILE *file;

  *what = NULL;

  file = g_fopen (path, "rbe");
  if (file == NULL)
    {
      int errsv = errno;
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), display_name, g_strerror (errsv));
      return RV_FILE_FORMAT_UNKNOWN;
    }
  length = fread (head, 1, sizeof head, file);
  fclose (file);

  if (length == 0)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
                   _("“%s” is empty"), display_name);
      return RV_FILE_FORMAT_UNKNOWN;
    }

  if (length >= 4 && memcmp (head, "PK", 2) == 0 &&
      ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6)))
    {
      RvReadContext ctx = { path, display_name, 0 };

      return sniff_zip (&ctx, what, error);
    }

  if (length >= 8 && memcmp (head, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
    {
      *what = g_strdup (_("a legacy Excel workbook"));
      return RV_FILE_FORMAT_XLS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (magics); i++)
    if ((gsize) length >= magics[i].length && memcmp (head, magics[i].magic, magics[i].length) == 0)
      {
        *what = g_strdup (_(magics[i].what));
        g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
                     _("“%s” is not a spreadsheet: it is %s"), display_name, *what);
        return RV_FILE_FORMAT_UNKNOWN;
      }

  if (!looks_like_text (head, length))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_NOT_A_SPREADSHEET,
                   _("“%s” is not a spreadsheet: it holds binary data"), display_name);
      return RV_FILE_FORMAT_UNKNOWN;
    }

  *what = g_strdup (_("a text file"));
  return RV_FILE_FORMAT_CSV;
}

/**
 * rv_sheet_sniff_format:
 * @path: a file
 * @what: (out) (optional) (transfer full): what the file is, for people ("a PNG image")
 * @error: a location for a #GError, or %NULL
 *
 * Tells the format from the content, never from the name: a ZIP with
 * `xl/workbook.xml` is XLSX, a ZIP whose `mimetype` is an OpenDocument spreadsheet is
 * ODS, an OLE2 compound file is XLS, and text is CSV.
 *
 * Returns: the format, or %RV_FILE_FORMAT_UNKNOWN with @error set (naming what the
 *   file is when known)
 */
RvFileFormat
rv_sheet_sniff_format (const char  *path,
                       char       **what,
                       GError     **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *local_what = NULL;
  RvFileFormat format;

  g_return_val_if_fail (path != NULL, RV_FILE_FORMAT_UNKNOWN);

  display_name = g_path_get_basename (path);
  format = sniff (path, display_name, &local_what, error);
  if (what != NULL)
    *what = g_steal_pointer (&local_what);
  return format;
}

/* libgsf 1.14.50 unrefs a NULL GDateTime when a ZIP member's DOS date is not a date: a
 * GLib-CRITICAL on standard error for a damaged file that we report in one sentence anyway.
 * This drops that one message and passes every other on.
 */
static void
filter_gsf_date_critical (const char     *log_domain,
                          GLogLevelFlags  log_level,
                          const char     *message,
                          gpointer        user_data)
{
  if (message != NULL && g_str_has_prefix (message, "g_date_time_unref: assertion 'datetime != NULL'"))
    return;

  g_log_default_handler (log_domain, log_level, message, user_data);
}

static void
install_log_filter (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      g_log_set_handler ("GLib", G_LOG_LEVEL_CRITICAL, filter_gsf_date_critical, NULL);
      g_once_init_leave (&installed, 1);
    }
}

/**
 * rv_sheet_read_file:
 * @path: the file
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable) (scope call): called now and then with the fraction read, from
 *   this thread
 * @progress_data: data for @progress
 * @error: a location for a #GError, or %NULL
 *
 * Reads a CSV, XLSX, ODS or XLS file, whatever its name says. Blocks: from the main
 * loop, use rv_sheet_read_file_async().
 *
 * Returns: (transfer full): the workbook, with at least one sheet, or %NULL with @error
 *   set: one sentence naming the file and the reason
 */
RvWorkbook *
rv_sheet_read_file (const char      *path,
                    GCancellable    *cancellable,
                    RvReadProgress   progress,
                    gpointer         progress_data,
                    GError         **error)
{
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *what = NULL;
  RvReadContext ctx = { 0 };
  RvFileFormat format;
  GStatBuf st;
  gboolean ok = FALSE;

  g_return_val_if_fail (path != NULL, NULL);

  display_name = g_path_get_basename (path);
  install_log_filter ();

  if (g_stat (path, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("Cannot read “%s”: %s"), display_name, g_strerror (errsv));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_IO,
                   _("“%s” is a folder, not a spreadsheet"), display_name);
      return NULL;
    }
  if ((guint64) st.st_size > RV_MAX_FILE_BYTES)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is too large: files of up to 1 GB can be read"), display_name);
      return NULL;
    }

  format = sniff (path, display_name, &what, error);
  if (format == RV_FILE_FORMAT_UNKNOWN)
    return NULL;

  ctx.path = path;
  ctx.display_name = display_name;
  ctx.file_size = st.st_size;
  ctx.cancellable = cancellable;
  ctx.progress = progress;
  ctx.progress_data = progress_data;

  workbook = rv_workbook_new (display_name, format);

  switch (format)
    {
    case RV_FILE_FORMAT_CSV:
      ok = _rv_csv_read (&ctx, workbook, error);
      break;
    case RV_FILE_FORMAT_XLSX:
      ok = _rv_xlsx_read (&ctx, workbook, error);
      break;
    case RV_FILE_FORMAT_ODS:
      ok = _rv_ods_read (&ctx, workbook, error);
      break;
    case RV_FILE_FORMAT_XLS:
      ok = _rv_xls_read (&ctx, workbook, error);
      break;
    case RV_FILE_FORMAT_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return NULL;

  if (rv_workbook_get_n_sheets (workbook) == 0)
    {
      g_set_error (error, RV_SHEET_ERROR, RV_SHEET_ERROR_MALFORMED,
                   _("“%s” has no sheets"), display_name);
      return NULL;
    }

  if (progress != NULL)
    progress (1.0, progress_data);

  return g_steal_pointer (&workbook);
}

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  /* Once the result is delivered, the progress data may be gone. */
  if (!g_task_get_completed (report->task))
    report->data->progress (report->fraction, report->data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->task);
  g_free (report);
}

/* In the worker: hands progress to the caller's main context, at most 20 times a second. */
static void
thread_progress (double   fraction,
                 gpointer user_data)
{
  GTask *task = user_data;
  ReadData *data = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GSource) source = NULL;
  ProgressReport *report;

  if (fraction < 1.0 && now - data->last_report < PROGRESS_INTERVAL_US)
    return;
  data->last_report = now;

  report = g_new0 (ProgressReport, 1);
  report->data = data;
  report->task = g_object_ref (task);
  report->fraction = fraction;

  /* Not g_main_context_invoke(): from a worker, it calls the function right there when it
   * can acquire the context, and the caller's progress would run in this thread.
   */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, report_progress_cb, report, (GDestroyNotify) progress_report_free);
  g_source_set_static_name (source, "[rv] read progress");
  g_source_attach (source, data->context);
}

/* In the caller's context, right after the callback: the task's last reference may well be
 * dropped in the worker, which must not free the caller's data.
 */
static void
on_completed_cb (GTask      *task,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  ReadData *data = g_task_get_task_data (task);

  if (data->progress_data_destroy != NULL)
    g_clear_pointer (&data->progress_data, data->progress_data_destroy);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadData *data = task_data;
  GError *error = NULL;
  RvWorkbook *workbook;

  workbook = rv_sheet_read_file (data->path, cancellable,
                                 data->progress ? thread_progress : NULL, task, &error);
  if (workbook == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, workbook, g_object_unref);
}

/**
 * rv_sheet_read_file_async:
 * @path: the file
 * @cancellable: (nullable): a #GCancellable
 * @progress: (nullable): called in the caller's main context, at most 20 times a second
 * @progress_data: data for @progress
 * @progress_data_destroy: (nullable): frees @progress_data in the caller's context, right
 *   after @callback
 * @callback: called with the workbook
 * @user_data: data for @callback
 *
 * Reads the file in a worker thread (see rv_sheet_read_file()), so that the main loop
 * never waits for it.
 */
void
rv_sheet_read_file_async (const char          *path,
                          GCancellable        *cancellable,
                          RvReadProgress       progress,
                          gpointer             progress_data,
                          GDestroyNotify       progress_data_destroy,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadData *data;

  g_return_if_fail (path != NULL);

  data = g_new0 (ReadData, 1);
  data->path = g_strdup (path);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_destroy = progress_data_destroy;
  data->context = g_main_context_ref_thread_default ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_sheet_read_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) read_data_free);
  g_signal_connect (task, "notify::completed", G_CALLBACK (on_completed_cb), NULL);
  g_task_run_in_thread (task, read_thread);
}

/**
 * rv_sheet_read_file_finish:
 * @result: the result given to the callback
 * @error: a location for a #GError, or %NULL
 *
 * Returns: (transfer full): the workbook, or %NULL with @error set
 */
RvWorkbook *
rv_sheet_read_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rv_sheet_file_sha256:
 * @file: an input file
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError, or %NULL
 *
 * The SHA-256 of @file, for an export's summary and the run's record: it says which
 * version of the file the verdicts are about. Blocks: call it in a worker for the window.
 *
 * Returns: (transfer full) (nullable): the checksum in lowercase hexadecimal
 */
char *
rv_sheet_file_sha256 (GFile         *file,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GInputStream) stream = NULL;
  g_autofree guchar *buffer = g_malloc (64 * 1024);
  gssize n;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  stream = G_INPUT_STREAM (g_file_read (file, cancellable, error));
  if (stream == NULL)
    return NULL;
  while ((n = g_input_stream_read (stream, buffer, 64 * 1024, cancellable, error)) > 0)
    g_checksum_update (checksum, buffer, n);
  if (n < 0)
    return NULL;
  return g_strdup (g_checksum_get_string (checksum));
}
