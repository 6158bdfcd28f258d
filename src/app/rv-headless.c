/* rv-headless.c
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

#define G_LOG_DOMAIN "rv-headless"

#include "config.h"

#include "rv-headless.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rv-batch.h"
#include "rv-cli.h"
#include "rv-column-detect.h"
#include "rv-migo-provider.h"
#include "rv-sheet-reader.h"
#include "rv-sheet-writer.h"
#include "rv-store.h"
#include "rv-token.h"

/* `ruc-validator --headless`: the whole run without a window, for scripts and scheduled
 * jobs. Standard output stays clean; progress and messages go to standard error. Like the
 * other command-line modes it runs before GTK starts and never touches it.
 */

typedef enum
{
  PROGRESS_NONE,
  PROGRESS_PLAIN,
  PROGRESS_LIVE,
  PROGRESS_JSON,
} ProgressMode;

typedef struct
{
  ProgressMode   progress;
  GMainLoop     *loop;
  RvBatch       *batch;
  GCancellable  *cancellable;
  GError        *error;
  char          *unavailable;
  gboolean       interrupted;
  gboolean       done;
  gboolean       line_open;
  gint64         print_interval_us;
  gint64         last_print;
} Run;

/* Defaults when no GSettings schema is installed (a build tree, a bare container). */
typedef struct
{
  char   *provider;
  char   *base_url;
  guint   concurrency;
  guint   rate;
  guint   timeout;
  gint64  max_age_found;
  gint64  max_age_not_found;
} Settings;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->unavailable, g_free);
  g_clear_error (&run->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
settings_clear (Settings *settings)
{
  g_clear_pointer (&settings->provider, g_free);
  g_clear_pointer (&settings->base_url, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Settings, settings_clear)

static void
load_settings (Settings *settings)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) gsettings = NULL;

  settings->provider = g_strdup ("auto");
  settings->base_url = g_strdup ("");
  settings->concurrency = 10;
  settings->rate = 0;
  settings->timeout = 30;
  settings->max_age_found = 168 * 3600;
  settings->max_age_not_found = 24 * 3600;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "io.github.rucvalidator.RucValidator", TRUE);
  if (schema == NULL)
    return;

  gsettings = g_settings_new_full (schema, NULL, NULL);
  g_free (settings->provider);
  settings->provider = g_settings_get_string (gsettings, "provider");
  g_free (settings->base_url);
  settings->base_url = g_settings_get_string (gsettings, "base-url");
  settings->concurrency = g_settings_get_uint (gsettings, "concurrency");
  settings->rate = g_settings_get_uint (gsettings, "rate");
  settings->timeout = g_settings_get_uint (gsettings, "timeout");
  settings->max_age_found = (gint64) g_settings_get_uint (gsettings, "cache-max-age-found") * 3600;
  settings->max_age_not_found = (gint64) g_settings_get_uint (gsettings, "cache-max-age-not-found") * 3600;
}

static void
print_message (ProgressMode  progress,
               const char   *member,
               const char   *text)
{
  if (progress == PROGRESS_JSON)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, member);
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      g_printerr ("%s\n", json);
    }
  else
    g_printerr ("ruc-validator: %s\n", text);
}

static int
usage_error (const char *text)
{
  g_printerr ("ruc-validator: %s\n", text);
  g_printerr (_("Run “%s --help” to see the options.\n"), "ruc-validator");
  return RV_EXIT_USAGE;
}

static char *
format_duration (gint64 us)
{
  gint64 s = (us + 500000) / G_USEC_PER_SEC;

  if (s >= 3600)
    /* Translators: a duration in hours and minutes. */
    return g_strdup_printf (_("%d h %02d min"), (int) (s / 3600), (int) (s % 3600 / 60));
  if (s >= 60)
    /* Translators: a duration in minutes and seconds. */
    return g_strdup_printf (_("%d min %02d s"), (int) (s / 60), (int) (s % 60));
  /* Translators: a duration in seconds. */
  return g_strdup_printf (_("%d s"), (int) s);
}

static void
clear_live_line (Run *run)
{
  if (run->line_open)
    {
      g_printerr ("\r\033[K");
      run->line_open = FALSE;
    }
}

static void
print_progress (Run      *run,
                gboolean  force)
{
  const RvBatchProgress *p = rv_batch_get_progress (run->batch);
  g_autoptr(GString) line = NULL;
  gint64 now = g_get_monotonic_time ();

  if (run->progress == PROGRESS_NONE)
    return;
  if (!force && now - run->last_print < run->print_interval_us)
    return;
  run->last_print = now;

  if (run->progress == PROGRESS_JSON)
    {
      g_printerr ("{\"done\":%u,\"unique\":%u,\"valid\":%u,\"observed\":%u,\"not_found\":%u,"
                  "\"invalid\":%u,\"pending\":%u,\"cache_hits\":%u,\"requests\":%u,"
                  "\"retries\":%u,\"in_flight\":%u,\"rate_per_min\":%.1f,\"eta_ms\":%" G_GINT64_FORMAT "}\n",
                  p->done, p->unique, p->counts[RV_VERDICT_VALID], p->counts[RV_VERDICT_OBSERVED],
                  p->counts[RV_VERDICT_NOT_FOUND], p->counts[RV_VERDICT_INVALID],
                  p->counts[RV_VERDICT_PENDING], p->cache_hits, p->requests, p->retries,
                  p->in_flight, p->rate, p->eta_us >= 0 ? p->eta_us / 1000 : -1);
      return;
    }

  line = g_string_new (NULL);

  /* Translators: progress of a run: distinct RUCs with a verdict, of all. */
  g_string_append_printf (line, _("%'u of %'u checked"), p->done, p->unique);
  g_string_append_printf (line, " · %'u %s · %'u %s · %'u %s",
                          p->counts[RV_VERDICT_VALID], rv_verdict_get_label (RV_VERDICT_VALID),
                          p->counts[RV_VERDICT_OBSERVED], rv_verdict_get_label (RV_VERDICT_OBSERVED),
                          p->counts[RV_VERDICT_NOT_FOUND], rv_verdict_get_label (RV_VERDICT_NOT_FOUND));
  if (p->rate > 0)
    {
      /* Translators: lookups per minute. */
      g_autofree char *rate = g_strdup_printf (_("%.0f/min"), p->rate);
      g_string_append_printf (line, " · %s", rate);
    }
  if (p->eta_us > 0)
    {
      g_autofree char *eta = format_duration (p->eta_us);
      g_string_append (line, " · ");
      /* Translators: %s is a duration such as "3 min 12 s". */
      g_string_append_printf (line, _("about %s left"), eta);
    }

  if (run->progress == PROGRESS_LIVE)
    {
      g_printerr ("\r\033[K%s", line->str);
      run->line_open = TRUE;
    }
  else
    g_printerr ("%s\n", line->str);
}

static void
on_progress (RvBatch *batch,
             Run     *run)
{
  print_progress (run, FALSE);
}

static void
on_state (RvBatch    *batch,
          GParamSpec *pspec,
          Run        *run)
{
  const GError *error;

  if (rv_batch_get_state (batch) != RV_BATCH_STATE_UNAVAILABLE || run->unavailable != NULL)
    return;

  /* Nobody is there to press "Try again": stop instead of burning through the list, and
   * leave the rest pending for the next run.
   */
  error = rv_batch_get_last_error (batch);
  run->unavailable = g_strdup (error != NULL ? error->message : _("The provider does not answer"));
  {
    /* Translators: %s says why the provider is unavailable. */
    g_autofree char *reason = g_strdup_printf (_("Not checked: the provider is unavailable (%s)"),
                                               run->unavailable);
    rv_batch_set_cancel_reason (batch, reason);
  }
  g_cancellable_cancel (run->cancellable);
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;

  run->interrupted = TRUE;
  rv_batch_set_cancel_reason (run->batch, _("Not checked: the run was interrupted"));
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Run *run = user_data;

  rv_batch_run_finish (RV_BATCH (object), result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

/* Fails early, before a long run, when the output cannot be written; the writer itself
 * writes to a temporary file beside the output and renames it.
 */
static gboolean
check_output (const char  *input,
              const char  *output,
              GError     **error)
{
  g_autoptr(GFile) in = g_file_new_for_commandline_arg (input);
  g_autoptr(GFile) out = g_file_new_for_commandline_arg (output);
  g_autofree char *dir = g_path_get_dirname (output);
  g_autofree char *probe = NULL;
  g_autofree char *name = g_filename_display_name (output);
  int fd;

  if (g_file_equal (in, out))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   /* Translators: %s is a file name. */
                   _("The output “%s” is the input file: choose another name"), name);
      return FALSE;
    }

  if (g_file_test (output, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("Cannot write “%s”: it is a folder"), name);
      return FALSE;
    }

  probe = g_build_filename (dir, ".ruc-validator-XXXXXX", NULL);
  fd = g_mkstemp_full (probe, O_WRONLY, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   /* Translators: the first %s is a file name, the second the system's reason. */
                   _("Cannot write “%s”: %s"), name, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

static char *
get_token (const RvHeadlessOptions  *options,
           GError                  **error)
{
  char *env_token;

  if (options->token_file != NULL)
    return rv_token_read_file (options->token_file, error);

  env_token = rv_token_dup_from_env ();
  if (env_token != NULL)
    return env_token;

  if (rv_token_can_use_keyring ())
    {
      g_autoptr(GError) local_error = NULL;
      char *token = rv_token_lookup_sync ("migo", NULL, &local_error);

      if (token != NULL)
        return token;
      if (local_error != NULL)
        g_debug ("No token from the keyring: %s", local_error->message);
    }

  return NULL;
}

static void
print_summary (Run              *run,
               const RvRun      *record,
               gint64            duration_us)
{
  if (run->progress == PROGRESS_JSON)
    {
      g_printerr ("{\"total\":%u,\"unique\":%u,\"valid\":%u,\"observed\":%u,\"not_found\":%u,"
                  "\"invalid\":%u,\"pending\":%u,\"cache_hits\":%u,\"requests\":%u,"
                  "\"duration_ms\":%" G_GINT64_FORMAT "}\n",
                  record->total, record->unique, record->counts[RV_VERDICT_VALID],
                  record->counts[RV_VERDICT_OBSERVED], record->counts[RV_VERDICT_NOT_FOUND],
                  record->counts[RV_VERDICT_INVALID], record->counts[RV_VERDICT_PENDING],
                  record->cache_hits, record->requests, duration_us / 1000);
    }
  else if (run->progress != PROGRESS_NONE)
    {
      g_autofree char *duration = format_duration (duration_us);

      clear_live_line (run);
      /* Translators: the summary of a run; rows of the file, then distinct RUCs. */
      g_printerr (_("%'u rows, %'u distinct values: %'u valid, %'u observed, %'u not found, "
                    "%'u invalid, %'u pending; %'u from the database, %'u requests, %s\n"),
                  record->total, record->unique, record->counts[RV_VERDICT_VALID],
                  record->counts[RV_VERDICT_OBSERVED], record->counts[RV_VERDICT_NOT_FOUND],
                  record->counts[RV_VERDICT_INVALID], record->counts[RV_VERDICT_PENDING],
                  record->cache_hits, record->requests, duration);
    }
}

/**
 * rv_headless_run:
 * @options: the command line
 *
 * Reads the input, finds the RUC column, checks every value (offline, then the
 * database, then the provider), stores every answer as it arrives, and writes the output.
 *
 * Returns: %RV_EXIT_OK when every row has a final verdict, %RV_EXIT_PENDING when some
 *   are pending, %RV_EXIT_FAILURE when the run could not be done, %RV_EXIT_USAGE for a
 *   usage error; each failure is explained in one line on standard error
 */
int
rv_headless_run (const RvHeadlessOptions *options)
{
  g_auto(Settings) settings = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(RvColumnGuess) guess = NULL;
  g_autoptr(RvStore) store = NULL;
  g_autoptr(RvBatch) batch = NULL;
  g_autoptr(RvMigoProvider) migo = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree char *token = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *input_name = NULL;
  g_autofree char *output_name = NULL;
  g_autofree char *offline_why = NULL;
  g_autofree char *basename = NULL;
  const char *provider_id;
  const char *base_url;
  const char *progress_nick;
  RvExportRows only = RV_EXPORT_ALL;
  RvExportFormat format = RV_EXPORT_FORMAT_CSV;
  RvExportSummary summary = { 0 };
  RvExport export = { 0 };
  g_autoptr(GDateTime) started_at = NULL;
  g_autofree char *column_text = NULL;
  g_autofree char *input_display = NULL;
  g_auto(Run) run = { 0 };
  RvRun record = { 0 };
  RvSheet *sheet;
  gint64 started;
  gint64 run_id;
  guint n_rows, first_row, column, concurrency, rate, timeout;
  int header_row;
  guint sigint, sigterm;
  guint n_values = 0;
  gboolean use_migo;

  g_return_val_if_fail (options != NULL && options->input != NULL, RV_EXIT_USAGE);

  /* Usage first: nothing is read or asked before the command line makes sense. */
  if (options->output == NULL)
    return usage_error (_("--headless needs an output file: -o OUTPUT.xlsx (or .ods, .csv)"));
  if (!rv_export_format_from_path (options->output, &format))
    return usage_error (_("The output file must end in .csv, .xlsx or .ods"));
  if (options->only != NULL && !rv_export_rows_from_nick (options->only, &only))
    return usage_error (_("--only must be all, valid or problems"));

  progress_nick = options->progress != NULL ? options->progress : "auto";
  if (g_str_equal (progress_nick, "auto"))
    run.progress = isatty (STDERR_FILENO) ? PROGRESS_LIVE : PROGRESS_PLAIN;
  else if (g_str_equal (progress_nick, "plain"))
    run.progress = PROGRESS_PLAIN;
  else if (g_str_equal (progress_nick, "json"))
    run.progress = PROGRESS_JSON;
  else if (g_str_equal (progress_nick, "none"))
    run.progress = PROGRESS_NONE;
  else
    return usage_error (_("--progress must be auto, plain, json or none"));
  run.print_interval_us = run.progress == PROGRESS_LIVE ? G_USEC_PER_SEC / 5
                        : run.progress == PROGRESS_JSON ? G_USEC_PER_SEC
                        : 10 * G_USEC_PER_SEC;

  if (options->concurrency != -1 && (options->concurrency < 1 || options->concurrency > 50))
    return usage_error (_("--concurrency must be between 1 and 50"));
  if (options->rate != -1 && (options->rate < 0 || options->rate > 6000))
    return usage_error (_("--rate must be between 0 (the provider’s default) and 6000 a minute"));
  if (options->timeout != -1 && (options->timeout < 5 || options->timeout > 300))
    return usage_error (_("--timeout must be between 5 and 300 seconds"));
  if (options->max_age != -1 && options->max_age < 0)
    return usage_error (_("--max-age must be a number of hours, 0 or more"));

  load_settings (&settings);
  provider_id = options->provider != NULL ? options->provider : settings.provider;
  if (!g_str_equal (provider_id, "migo") && !g_str_equal (provider_id, "offline") &&
      !g_str_equal (provider_id, "auto"))
    {
      if (options->provider != NULL)
        return usage_error (_("--provider must be migo or offline"));
      provider_id = "auto";
    }
  base_url = options->base_url != NULL ? options->base_url
           : settings.base_url[0] != 0 ? settings.base_url : NULL;
  if (base_url != NULL && !g_str_has_prefix (base_url, "https://") &&
      !g_str_has_prefix (base_url, "http://"))
    return usage_error (_("--base-url must start with https:// or http://"));
  concurrency = options->concurrency != -1 ? (guint) options->concurrency : settings.concurrency;
  rate = options->rate != -1 ? (guint) options->rate : settings.rate;
  timeout = options->timeout != -1 ? (guint) options->timeout : settings.timeout;

  input_name = g_filename_display_name (options->input);
  output_name = g_filename_display_name (options->output);

  if (!check_output (options->input, options->output, &error))
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  /* Who answers: APIMIGO when it is asked for, or when a token is at hand. */
  if (!g_str_equal (provider_id, "offline"))
    {
      token = get_token (options, &error);
      if (error != NULL)
        {
          print_message (run.progress, "error", error->message);
          return RV_EXIT_FAILURE;
        }
    }
  use_migo = token != NULL;
  if (g_str_equal (provider_id, "migo") && token == NULL)
    {
      print_message (run.progress, "error",
                     _("APIMIGO needs an API token: set RUC_VALIDATOR_TOKEN, use --token-file, "
                       "or save it in the preferences"));
      return RV_EXIT_FAILURE;
    }
  if (g_str_equal (provider_id, "offline"))
    offline_why = g_strdup (_("Not checked online: the run was offline (--provider=offline)"));
  else if (!use_migo)
    offline_why = g_strdup (_("Not checked online: no API token is configured"));

  workbook = rv_cli_read_file (options->input, &error);
  if (workbook == NULL)
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  guess = rv_column_detect_workbook (workbook, options->sheet, options->column, &error);
  if (guess == NULL)
    {
      g_autofree char *text = rv_cli_dup_column_error (error);

      print_message (run.progress, "error", text);
      return RV_EXIT_FAILURE;
    }

  sheet = rv_column_guess_get_sheet (guess);
  header_row = rv_column_guess_get_header_row (guess);
  first_row = rv_column_guess_get_first_row (guess);
  column = (guint) rv_column_guess_get_ruc_column (guess);
  n_rows = rv_sheet_get_n_rows (sheet);

  db_path = options->db != NULL ? g_strdup (options->db) : rv_store_dup_default_path ();
  store = rv_store_new (db_path, &error);
  if (store == NULL)
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  {
    g_autoptr(GFile) input = g_file_new_for_commandline_arg (options->input);

    sha256 = rv_sheet_file_sha256 (input, NULL, &error);
  }
  if (sha256 == NULL)
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  batch = rv_batch_new (store);
  if (use_migo)
    {
      migo = rv_migo_provider_new (base_url, token, concurrency, timeout);
      rv_batch_add_provider (batch, RV_PROVIDER (migo));
    }
  else
    rv_batch_set_offline_reason (batch, offline_why);
  rv_batch_set_concurrency (batch, concurrency);
  rv_batch_set_rate (batch, rate);
  if (options->max_age != -1)
    rv_batch_set_max_age (batch, (gint64) options->max_age * 3600, (gint64) options->max_age * 3600);
  else
    rv_batch_set_max_age (batch, settings.max_age_found, settings.max_age_not_found);

  /* One value per row of the sheet: none above the data and for blank rows. */
  values = rv_sheet_dup_column_values (sheet, first_row, column, &n_values);
  rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len);

  basename = g_path_get_basename (options->input);
  run_id = rv_store_begin_run (store, basename, sha256, use_migo ? "migo" : "offline", &error);
  if (run_id < 0)
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  /* The run, on the main loop. Ctrl+C stops it cleanly: what was answered is stored and
   * written, the rest stays pending for the next run.
   */
  cancellable = g_cancellable_new ();
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  run.batch = batch;
  run.cancellable = cancellable;
  g_signal_connect (batch, "progress", G_CALLBACK (on_progress), &run);
  g_signal_connect (batch, "notify::state", G_CALLBACK (on_state), &run);
  sigint = g_unix_signal_add (SIGINT, on_signal, &run);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &run);

  started = g_get_monotonic_time ();
  started_at = g_date_time_new_now_local ();
  /* A plain log gets its first line after an interval, not an empty one at the start. */
  run.last_print = run.progress == PROGRESS_PLAIN ? started : 0;
  rv_batch_run_async (batch, cancellable, on_run_done, &run);
  if (!run.done)
    g_main_loop_run (loop);
  g_signal_handlers_disconnect_by_data (batch, &run);
  clear_live_line (&run);

  record.id = run_id;
  record.total = n_values;
  rv_batch_fill_run (batch, &record);
  record.status = RV_RUN_FINISHED;

  if (run.error != NULL && !g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) finish_error = NULL;

      record.status = RV_RUN_FAILED;
      if (!rv_store_finish_run (store, &record, &finish_error))
        g_debug ("Could not record the end of the run: %s", finish_error->message);
      g_clear_handle_id (&sigint, g_source_remove);
      g_clear_handle_id (&sigterm, g_source_remove);
      print_message (run.progress, "error", run.error->message);
      return RV_EXIT_FAILURE;
    }
  if (run.error != NULL)
    record.status = RV_RUN_CANCELLED;
  g_clear_error (&run.error);

  /* The output, every row in order with the verdicts appended. */
  results = g_ptr_array_new_full (n_rows, NULL);
  for (guint r = 0; r < n_rows; r++)
    g_ptr_array_add (results, rv_batch_get_row_result (batch, r));
  column_text = rv_sheet_dup_column_label (sheet, header_row, column);
  input_display = g_filename_display_basename (options->input);
  summary.file_name = input_display;
  summary.file_sha256 = sha256;
  summary.sheet_name = rv_sheet_get_name (sheet);
  summary.column = column_text;
  summary.provider = use_migo ? "APIMIGO" : _("Offline: check digits only");
  summary.started_at = started_at;
  summary.total = record.total;
  summary.unique = record.unique;
  memcpy (summary.counts, record.counts, sizeof summary.counts);
  summary.cache_hits = record.cache_hits;
  summary.requests = record.requests;
  export.sheet = sheet;
  export.header_row = header_row;
  export.first_row = first_row;
  export.ruc_column = (int) column;
  export.results = (RvResult * const *) results->pdata;
  export.rows = only;
  export.summary = &summary;
  /* Ctrl+C while the file is written waits for it: the handlers stay until it is done. */
  if (!rv_export_write (&export, format, options->output, NULL, &error))
    {
      g_autoptr(GError) finish_error = NULL;
      g_autofree char *text = g_strdup_printf ("%s. %s", error->message,
                                               _("Every answer is saved: running again asks nothing twice"));

      record.status = RV_RUN_FAILED;
      if (!rv_store_finish_run (store, &record, &finish_error))
        g_debug ("Could not record the end of the run: %s", finish_error->message);
      g_clear_handle_id (&sigint, g_source_remove);
      g_clear_handle_id (&sigterm, g_source_remove);
      print_message (run.progress, "error", text);
      return RV_EXIT_FAILURE;
    }

  g_clear_handle_id (&sigint, g_source_remove);
  g_clear_handle_id (&sigterm, g_source_remove);

  if (!rv_store_finish_run (store, &record, &error))
    {
      print_message (run.progress, "error", error->message);
      return RV_EXIT_FAILURE;
    }

  /* Messages first: with --progress=json the summary is the last line. */
  clear_live_line (&run);
  if (run.unavailable != NULL)
    {
      g_autofree char *text =
        /* Translators: the first %s is the provider's error; %'u a number of RUCs. */
        g_strdup_printf (_("The provider is unavailable (%s): %'u left pending; run the same "
                           "command later to finish them"),
                         run.unavailable, record.counts[RV_VERDICT_PENDING]);
      print_message (run.progress, "message", text);
    }
  else if (run.interrupted)
    {
      g_autofree char *text =
        g_strdup_printf (_("Interrupted: %'u left pending; every answer so far is saved, and "
                           "running the same command again finishes the rest"),
                         record.counts[RV_VERDICT_PENDING]);
      print_message (run.progress, "message", text);
    }
  else if (offline_why != NULL && record.counts[RV_VERDICT_PENDING] > 0)
    {
      g_autofree char *text = NULL;

      if (g_str_equal (provider_id, "offline"))
        text = g_strdup_printf (_("%'u not checked online: the run was offline"),
                                record.counts[RV_VERDICT_PENDING]);
      else
        text = g_strdup_printf (_("%'u not checked online: no API token is configured (set "
                                  "RUC_VALIDATOR_TOKEN or use --token-file)"),
                                record.counts[RV_VERDICT_PENDING]);
      print_message (run.progress, "message", text);
    }

  print_summary (&run, &record, g_get_monotonic_time () - started);

  if (run.progress != PROGRESS_JSON && run.progress != PROGRESS_NONE)
    /* Translators: %s is the output file's name. */
    g_printerr (_("Written to “%s”\n"), output_name);

  return record.counts[RV_VERDICT_PENDING] > 0 ? RV_EXIT_PENDING : RV_EXIT_OK;
}
