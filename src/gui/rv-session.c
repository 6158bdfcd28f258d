/* rv-session.c
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

#define G_LOG_DOMAIN "rv-session"

#include "config.h"

#include "rv-session.h"

#include <glib/gi18n.h>

#include "rv-migo-provider.h"
#include "rv-provider-config.h"
#include "rv-sheet-reader.h"

/*
 * One file in the window, from opening it to the last export: the reading (in a worker,
 * with progress), the choice of sheet and RUC column, the pre-flight count, the run with
 * the sources the preferences name, and what an export needs. It is the window's model:
 * the window shows its state and calls its verbs, and a test can drive it without one.
 *
 * Every answer is in the database as soon as it arrives, so nothing here needs saving:
 * a new batch for the same rows (another column, a new token) costs only cache reads.
 */

/* How long one APIMIGO request takes, about, for the pre-flight estimate. */
#define ESTIMATED_LATENCY_S 0.4

struct _RvSession
{
  GObject            parent_instance;

  GSettings         *settings;
  RvSessionState     state;

  GFile             *file;
  double             load_fraction;
  RvWorkbook        *workbook;
  char              *sha256;
  GPtrArray         *guesses;          /* RvColumnGuess or NULL, per sheet */
  guint              sheet;
  int                column;
  GHashTable        *overrides;        /* row → value the user chose (a suggestion) */

  RvStore           *store;
  RvBatch           *batch;
  RvRowList         *rows;
  RvProviderConfig  *config;           /* the one @batch was set up with */
  RvPreflight        preflight;

  /* Cancelled when the file changes or is closed: reading, counting, set-up. */
  GCancellable      *cancellable;
  /* The run's own: cancelling it ends the run with the rest pending. */
  GCancellable      *run_cancellable;
  gint64             run_id;
  guint              n_values;
  GDateTime         *started_at;
  char              *column_label;
  GPtrArray         *results;          /* RvResult per sheet row, for an export */
};

G_DEFINE_FINAL_TYPE (RvSession, rv_session, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (RvSessionState, rv_session_state,
  G_DEFINE_ENUM_VALUE (RV_SESSION_STATE_EMPTY, "empty"),
  G_DEFINE_ENUM_VALUE (RV_SESSION_STATE_LOADING, "loading"),
  G_DEFINE_ENUM_VALUE (RV_SESSION_STATE_PREVIEW, "preview"),
  G_DEFINE_ENUM_VALUE (RV_SESSION_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (RV_SESSION_STATE_DONE, "done"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_LOAD_FRACTION,
  PROP_ROWS,
  N_PROPS
};

enum {
  FAILED,
  PREFLIGHT_CHANGED,
  TOKEN_REJECTED,
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_state (RvSession      *self,
           RvSessionState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_load_fraction (RvSession *self,
                   double     fraction)
{
  if (self->load_fraction == fraction)
    return;
  self->load_fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOAD_FRACTION]);
}

static void
fail (RvSession  *self,
      const char *message)
{
  g_signal_emit (self, signals[FAILED], 0, message);
}

/* Forgets the rows: a new batch comes with the next sheet, column or file. */
static void
clear_batch (RvSession *self)
{
  if (self->batch != NULL)
    g_signal_handlers_disconnect_by_data (self->batch, self);
  g_clear_object (&self->batch);
  g_clear_pointer (&self->config, rv_provider_config_free);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  memset (&self->preflight, 0, sizeof self->preflight);
  if (self->rows != NULL)
    {
      g_clear_object (&self->rows);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROWS]);
    }
}

/* After the run: the record of it in the database, as --headless keeps one. */
static void
finish_run_record (RvSession   *self,
                   RvRunStatus  status)
{
  g_autoptr(GError) error = NULL;
  RvRun record = { 0 };

  if (self->run_id < 0)
    return;

  record.id = self->run_id;
  record.total = self->n_values;
  rv_batch_fill_run (self->batch, &record);
  record.status = status;
  if (!rv_store_finish_run (self->store, &record, &error))
    g_debug ("Could not record the end of the run: %s", error->message);
  self->run_id = -1;
}

static void
clear_file (RvSession *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* A run stopped by another file, Close or the window closing: its end is not heard of
   * (its batch goes), so its record is closed here. */
  if (self->batch != NULL)
    finish_run_record (self, RV_RUN_CANCELLED);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  clear_batch (self);
  g_clear_object (&self->file);
  g_clear_object (&self->workbook);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->guesses, g_ptr_array_unref);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_hash_table_remove_all (self->overrides);
  self->sheet = 0;
  self->column = -1;
  self->run_id = -1;
  set_load_fraction (self, 0);
}

static RvSheet *
current_sheet (RvSession *self)
{
  return rv_workbook_get_sheet (self->workbook, self->sheet);
}

static RvColumnGuess *
current_guess (RvSession *self)
{
  RvColumnGuess *guess = g_ptr_array_index (self->guesses, self->sheet);

  if (guess == NULL)
    {
      guess = rv_column_detect (current_sheet (self));
      g_ptr_array_index (self->guesses, self->sheet) = guess;
    }
  return guess;
}

/* A batch of the rows of the chosen sheet and column, as --headless builds it: one value
 * per row under the header, none for blank rows; the user's corrections on top. */
static RvBatch *
new_batch (RvSession *self)
{
  RvColumnGuess *guess = current_guess (self);
  g_autoptr(GPtrArray) values = NULL;
  RvBatch *batch = rv_batch_new (self->store);
  GHashTableIter iter;
  gpointer row, value;

  values = rv_sheet_dup_column_values (current_sheet (self), rv_column_guess_get_first_row (guess),
                                       (guint) self->column, &self->n_values);
  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &row, &value))
    {
      guint r = GPOINTER_TO_UINT (row);

      if (r < values->len && g_ptr_array_index (values, r) != NULL)
        g_ptr_array_index (values, r) = value;
    }
  rv_batch_add_rows (batch, (const char * const *) values->pdata, values->len);

  return batch;
}

static void
set_batch (RvSession *self,
           RvBatch   *batch)
{
  clear_batch (self);
  self->batch = batch;
  self->rows = rv_row_list_new (batch, current_sheet (self), (guint) self->column);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROWS]);
}

static void
update_preflight_counts (RvSession *self)
{
  const RvBatchProgress *progress = rv_batch_get_progress (self->batch);

  self->preflight.rows = self->n_values;
  self->preflight.unique = progress->unique;
  self->preflight.malformed = progress->counts[RV_VERDICT_INVALID];
}

static void
on_counted_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(GError) error = NULL;
  RvBatch *batch = RV_BATCH (object);
  guint n_cached = 0;
  guint undecided;

  if (!rv_batch_count_cached_finish (batch, result, &n_cached, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, error->message);
      return;
    }
  if (batch != self->batch)
    return;

  undecided = self->preflight.unique - MIN (self->preflight.unique, self->preflight.malformed);
  self->preflight.cached = MIN (n_cached, undecided);
  self->preflight.to_look_up = undecided - self->preflight.cached;
  self->preflight.seconds = 0;
  /* No configuration: APIMIGO is asked for without a token, and nothing is looked up. */
  if (self->preflight.to_look_up > 0 && self->config != NULL &&
      rv_provider_config_uses_api (self->config))
    {
      double per_second = self->config->concurrency / ESTIMATED_LATENCY_S;
      guint rate = self->config->rate > 0 ? self->config->rate : RV_MIGO_DEFAULT_RATE;

      /* The run is paced by the rate limit, or by the requests in flight. */
      per_second = MIN (per_second, rate / 60.0);
      self->preflight.seconds = (guint) MAX (1.0, self->preflight.to_look_up / per_second + 0.5);
    }
  self->preflight.counted = TRUE;
  g_signal_emit (self, signals[PREFLIGHT_CHANGED], 0);
}

static void
on_preview_config_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(RvProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = rv_provider_config_load_finish (result, &error);
  if (config == NULL || self->batch == NULL || self->state != RV_SESSION_STATE_PREVIEW)
    return;

  /* "migo" without a token is said when the run is asked for; the count needs no source,
   * only the cache ages. */
  if (rv_provider_config_apply (config, self->batch, NULL))
    self->config = g_steal_pointer (&config);
  else
    rv_provider_config_apply_limits (config, self->batch);

  rv_batch_count_cached_async (self->batch, self->cancellable, on_counted_cb,
                               g_object_ref (self));
}

/* The file is read and the store open: builds the rows of the chosen column. */
static void
prepare (RvSession *self)
{
  clear_batch (self);

  if (self->column >= 0)
    {
      set_batch (self, new_batch (self));
      update_preflight_counts (self);
    }

  set_state (self, RV_SESSION_STATE_PREVIEW);
  g_signal_emit (self, signals[PREFLIGHT_CHANGED], 0);

  if (self->batch != NULL)
    rv_provider_config_load_async (self->settings, self->cancellable, on_preview_config_cb,
                                   g_object_ref (self));
}

static void
on_store_opened_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(RvStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = rv_store_new_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (store == NULL)
    {
      clear_file (self);
      set_state (self, RV_SESSION_STATE_EMPTY);
      fail (self, error->message);
      return;
    }

  if (self->store == NULL)
    self->store = g_steal_pointer (&store);
  prepare (self);
}

static void
guess_free (gpointer guess)
{
  if (guess != NULL)
    rv_column_guess_unref (guess);
}

/* The sheet and column a run would use: the first sheet with a RUC column. */
static void
choose_sheet (RvSession *self)
{
  guint n_sheets = rv_workbook_get_n_sheets (self->workbook);
  RvColumnGuess *guess;

  self->guesses = g_ptr_array_new_full (n_sheets, guess_free);
  g_ptr_array_set_size (self->guesses, n_sheets);
  guess = rv_column_detect_first_sheet (self->workbook, &self->sheet);
  g_ptr_array_index (self->guesses, self->sheet) = guess;
  self->column = rv_column_guess_get_ruc_column (guess);
}

static void
hash_file_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  char *sha256 = rv_sheet_file_sha256 (G_FILE (task_data), cancellable, &error);

  if (sha256 == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sha256, g_free);
}

static void
on_hashed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(GError) error = NULL;
  char *sha256;

  sha256 = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* The file was read: a checksum that cannot be made only leaves the summary without it. */
  if (sha256 == NULL)
    g_debug ("No checksum: %s", error->message);
  self->sha256 = sha256;

  choose_sheet (self);

  if (self->store != NULL)
    {
      prepare (self);
    }
  else
    {
      g_autofree char *path = rv_store_dup_default_path ();

      rv_store_new_async (path, self->cancellable, on_store_opened_cb, g_object_ref (self));
    }
}

static void
on_read_progress (double   fraction,
                  gpointer user_data)
{
  RvSession *self = user_data;

  if (self->state == RV_SESSION_STATE_LOADING)
    set_load_fraction (self, fraction);
}

static void
on_read_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(RvWorkbook) workbook = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  workbook = rv_sheet_read_file_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (workbook == NULL)
    {
      clear_file (self);
      set_state (self, RV_SESSION_STATE_EMPTY);
      fail (self, error->message);
      return;
    }

  self->workbook = g_steal_pointer (&workbook);
  set_load_fraction (self, 1.0);

  task = g_task_new (NULL, self->cancellable, on_hashed_cb, g_object_ref (self));
  g_task_set_source_tag (task, on_read_cb);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, hash_file_thread);
}

static void
on_run_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  RvBatch *batch = RV_BATCH (object);
  g_autoptr(GError) error = NULL;
  const GError *last_error;
  gboolean cancelled;

  rv_batch_run_finish (batch, result, &error);
  if (batch != self->batch)
    return;

  cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  finish_run_record (self, error == NULL ? RV_RUN_FINISHED
                           : cancelled ? RV_RUN_CANCELLED
                           : RV_RUN_FAILED);
  g_clear_object (&self->run_cancellable);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  set_state (self, RV_SESSION_STATE_DONE);

  /* A refused token ends the run with that error (rv_batch_run_finish()): the window offers
   * the preferences rather than a bare message. */
  last_error = rv_batch_get_last_error (batch);
  if (g_error_matches (error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION) ||
      (last_error != NULL &&
       g_error_matches (last_error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION)))
    g_signal_emit (self, signals[TOKEN_REJECTED], 0);
  else if (error != NULL && !cancelled)
    fail (self, error->message);

  g_signal_emit (self, signals[RUN_FINISHED], 0);
}

static void
on_run_config_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(RvSession) self = user_data;
  g_autoptr(RvProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;

  config = rv_provider_config_load_finish (result, &error);
  if (config == NULL || self->state != RV_SESSION_STATE_RUNNING || self->run_cancellable == NULL)
    return;

  /* Another token or provider since the rows were set up: new rows with the new source;
   * what was answered comes back from the database. */
  if (self->config != NULL && !rv_provider_config_same_source (self->config, config))
    {
      set_batch (self, new_batch (self));
      update_preflight_counts (self);
    }

  if (self->config != NULL)
    rv_provider_config_apply_limits (config, self->batch);
  else if (!rv_provider_config_apply (config, self->batch, &error))
    {
      g_clear_object (&self->run_cancellable);
      set_state (self, RV_SESSION_STATE_DONE);
      fail (self, error->message);
      g_signal_emit (self, signals[RUN_FINISHED], 0);
      return;
    }
  g_clear_pointer (&self->config, rv_provider_config_free);
  self->config = g_steal_pointer (&config);

  basename = g_file_get_basename (self->file);
  self->run_id = rv_store_begin_run (self->store, basename, self->sha256 != NULL ? self->sha256 : "",
                                     rv_provider_config_uses_api (self->config) ? "migo" : "offline",
                                     &error);
  if (self->run_id < 0)
    g_debug ("Could not record the run: %s", error->message);
  if (self->started_at == NULL)
    self->started_at = g_date_time_new_now_local ();

  rv_batch_run_async (self->batch, self->run_cancellable, on_run_done_cb, g_object_ref (self));
}

static void
rv_session_dispose (GObject *object)
{
  RvSession *self = (RvSession *)object;

  clear_file (self);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rv_session_parent_class)->dispose (object);
}

static void
rv_session_finalize (GObject *object)
{
  RvSession *self = (RvSession *)object;

  g_clear_pointer (&self->overrides, g_hash_table_unref);
  g_clear_pointer (&self->column_label, g_free);

  G_OBJECT_CLASS (rv_session_parent_class)->finalize (object);
}

static void
rv_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  RvSession *self = RV_SESSION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_LOAD_FRACTION:
      g_value_set_double (value, self->load_fraction);
      break;

    case PROP_ROWS:
      g_value_set_object (value, self->rows);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rv_session_class_init (RvSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rv_session_dispose;
  object_class->finalize = rv_session_finalize;
  object_class->get_property = rv_session_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, RV_TYPE_SESSION_STATE, RV_SESSION_STATE_EMPTY,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOAD_FRACTION] =
    g_param_spec_double ("load-fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ROWS] =
    g_param_spec_object ("rows", NULL, NULL, RV_TYPE_ROW_LIST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RvSession::failed:
   * @self: the session
   * @message: one sentence: the file could not be read, the database not opened…
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * RvSession::preflight-changed:
   * @self: the session
   *
   * The pre-flight counts changed (rv_session_get_preflight()).
   */
  signals[PREFLIGHT_CHANGED] = g_signal_new ("preflight-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  /**
   * RvSession::token-rejected:
   * @self: the session
   *
   * The run ended because APIMIGO refused the token.
   */
  signals[TOKEN_REJECTED] = g_signal_new ("token-rejected", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /**
   * RvSession::run-finished:
   * @self: the session
   *
   * A run is over: finished, cancelled or failed; the state is %RV_SESSION_STATE_DONE.
   */
  signals[RUN_FINISHED] = g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rv_session_init (RvSession *self)
{
  self->overrides = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->column = -1;
  self->run_id = -1;
}

/**
 * rv_session_new:
 * @settings: the application's settings
 *
 * Returns: (transfer full): a session without a file
 */
RvSession *
rv_session_new (GSettings *settings)
{
  RvSession *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RV_TYPE_SESSION, NULL);
  self->settings = g_object_ref (settings);
  return self;
}

RvSessionState
rv_session_get_state (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), RV_SESSION_STATE_EMPTY);
  return self->state;
}

/**
 * rv_session_get_file:
 * @self: a #RvSession
 *
 * Returns: (transfer none) (nullable): the file being read or read
 */
GFile *
rv_session_get_file (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  return self->file;
}

double
rv_session_get_load_fraction (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), 0);
  return self->load_fraction;
}

/**
 * rv_session_get_workbook:
 * @self: a #RvSession
 *
 * Returns: (transfer none) (nullable): the workbook, once read
 */
RvWorkbook *
rv_session_get_workbook (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  return self->workbook;
}

/**
 * rv_session_get_guess:
 * @self: a #RvSession
 *
 * Returns: (transfer none) (nullable): the column detection of the chosen sheet
 */
RvColumnGuess *
rv_session_get_guess (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);

  if (self->guesses == NULL)
    return NULL;
  return current_guess (self);
}

guint
rv_session_get_sheet (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), 0);
  return self->sheet;
}

/**
 * rv_session_get_column:
 * @self: a #RvSession
 *
 * Returns: the RUC column, from 0, or -1 when none is found nor chosen
 */
int
rv_session_get_column (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), -1);
  return self->column;
}

/**
 * rv_session_get_batch:
 * @self: a #RvSession
 *
 * Returns: (transfer none) (nullable): the rows' batch
 */
RvBatch *
rv_session_get_batch (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  return self->batch;
}

/**
 * rv_session_get_rows:
 * @self: a #RvSession
 *
 * Returns: (transfer none) (nullable): the rows, for the table
 */
RvRowList *
rv_session_get_rows (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  return self->rows;
}

const RvPreflight *
rv_session_get_preflight (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  return &self->preflight;
}

/**
 * rv_session_get_provider_name:
 * @self: a #RvSession
 *
 * Returns: (nullable): who answers the run ("APIMIGO", or the offline check), once known
 */
const char *
rv_session_get_provider_name (RvSession *self)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);

  if (self->config == NULL)
    return NULL;
  return rv_provider_config_uses_api (self->config) ? "APIMIGO" : _("Offline: check digits only");
}

/**
 * rv_session_dup_column_label:
 * @self: a #RvSession with a file
 * @column: a column of the chosen sheet
 *
 * Returns: (transfer full): "B · RUC": the column's letter and its title
 */
char *
rv_session_dup_column_label (RvSession *self,
                             guint      column)
{
  g_return_val_if_fail (RV_IS_SESSION (self), NULL);
  g_return_val_if_fail (self->workbook != NULL, NULL);

  return rv_sheet_dup_column_label (current_sheet (self),
                                    rv_column_guess_get_header_row (current_guess (self)), column);
}

/**
 * rv_session_load:
 * @self: a #RvSession
 * @file: a spreadsheet
 *
 * Forgets the file before, if any (its run is cancelled: its answers are saved), and
 * reads @file in a worker. The state goes to %RV_SESSION_STATE_LOADING, then to
 * %RV_SESSION_STATE_PREVIEW, or back to %RV_SESSION_STATE_EMPTY with #RvSession::failed.
 */
void
rv_session_load (RvSession *self,
                 GFile     *file)
{
  g_autofree char *path = NULL;

  g_return_if_fail (RV_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  clear_file (self);
  self->file = g_object_ref (file);
  self->cancellable = g_cancellable_new ();
  set_state (self, RV_SESSION_STATE_LOADING);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *message =
        /* Translators: %s is an address such as "sftp://server/list.xlsx". */
        g_strdup_printf (_("Cannot open “%s”: only files on this computer can be opened"), name);

      clear_file (self);
      set_state (self, RV_SESSION_STATE_EMPTY);
      fail (self, message);
      return;
    }

  rv_sheet_read_file_async (path, self->cancellable, on_read_progress, g_object_ref (self),
                            g_object_unref, on_read_cb, g_object_ref (self));
}

/**
 * rv_session_set_sheet:
 * @self: a #RvSession in %RV_SESSION_STATE_PREVIEW
 * @sheet: a sheet of the workbook, from 0
 *
 * Chooses the sheet to check, and the RUC column detected in it.
 */
void
rv_session_set_sheet (RvSession *self,
                      guint      sheet)
{
  g_return_if_fail (RV_IS_SESSION (self));
  g_return_if_fail (self->state == RV_SESSION_STATE_PREVIEW);
  g_return_if_fail (sheet < rv_workbook_get_n_sheets (self->workbook));

  if (sheet == self->sheet)
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_hash_table_remove_all (self->overrides);
  self->sheet = sheet;
  self->column = rv_column_guess_get_ruc_column (current_guess (self));
  prepare (self);
}

/**
 * rv_session_set_column:
 * @self: a #RvSession in %RV_SESSION_STATE_PREVIEW
 * @column: a column of the chosen sheet, from 0
 *
 * Chooses the RUC column.
 */
void
rv_session_set_column (RvSession *self,
                       guint      column)
{
  g_return_if_fail (RV_IS_SESSION (self));
  g_return_if_fail (self->state == RV_SESSION_STATE_PREVIEW);

  if ((int) column == self->column)
    return;

  g_cancellable_cancel (self->cancellable);
  g_set_object (&self->cancellable, g_cancellable_new ());
  g_hash_table_remove_all (self->overrides);
  self->column = (int) column;
  prepare (self);
}

/**
 * rv_session_start:
 * @self: a #RvSession in %RV_SESSION_STATE_PREVIEW or %RV_SESSION_STATE_DONE
 *
 * Checks every row not decided yet: the first run, or "Retry pending" after one. The
 * sources are those the preferences name now; when they changed since the rows were set
 * up (a new token), the rows are set up again and #RvSession:rows changes.
 */
void
rv_session_start (RvSession *self)
{
  g_return_if_fail (RV_IS_SESSION (self));
  g_return_if_fail (self->state == RV_SESSION_STATE_PREVIEW ||
                    self->state == RV_SESSION_STATE_DONE);
  g_return_if_fail (self->batch != NULL);

  self->run_cancellable = g_cancellable_new ();
  set_state (self, RV_SESSION_STATE_RUNNING);
  rv_provider_config_load_async (self->settings, self->run_cancellable, on_run_config_cb,
                                 g_object_ref (self));
}

void
rv_session_pause (RvSession *self)
{
  g_return_if_fail (RV_IS_SESSION (self));

  if (self->state == RV_SESSION_STATE_RUNNING && self->batch != NULL)
    rv_batch_pause (self->batch);
}

/**
 * rv_session_resume:
 * @self: a #RvSession
 *
 * Goes on after rv_session_pause(), or tries the provider again after it became
 * unavailable.
 */
void
rv_session_resume (RvSession *self)
{
  g_return_if_fail (RV_IS_SESSION (self));

  if (self->state == RV_SESSION_STATE_RUNNING && self->batch != NULL)
    rv_batch_resume (self->batch);
}

/**
 * rv_session_cancel:
 * @self: a #RvSession
 *
 * Stops reading the file (back to %RV_SESSION_STATE_EMPTY), or the run: what was
 * answered is kept (and saved), the rest is pending.
 */
void
rv_session_cancel (RvSession *self)
{
  g_return_if_fail (RV_IS_SESSION (self));

  if (self->state == RV_SESSION_STATE_LOADING)
    {
      clear_file (self);
      set_state (self, RV_SESSION_STATE_EMPTY);
    }
  else if (self->state == RV_SESSION_STATE_RUNNING && self->run_cancellable != NULL)
    {
      rv_batch_set_cancel_reason (self->batch, _("Not checked: the run was stopped"));
      g_cancellable_cancel (self->run_cancellable);
      /* A run that had not started yet (its set-up was in flight) ends here. */
      if (rv_batch_get_state (self->batch) == RV_BATCH_STATE_READY)
        {
          g_clear_object (&self->run_cancellable);
          set_state (self, RV_SESSION_STATE_DONE);
          g_signal_emit (self, signals[RUN_FINISHED], 0);
        }
    }
}

/**
 * rv_session_close:
 * @self: a #RvSession
 *
 * Forgets the file; a run is cancelled (its answers are saved).
 */
void
rv_session_close (RvSession *self)
{
  g_return_if_fail (RV_IS_SESSION (self));

  clear_file (self);
  set_state (self, RV_SESSION_STATE_EMPTY);
}

/**
 * rv_session_apply_suggestion:
 * @self: a #RvSession that is not running
 * @row: a row of the sheet
 * @ruc: the RUC to check for it instead of its cell (the file is never changed)
 * @error: a location for a #GError
 *
 * Replaces one row's value and looks it up: a run starts for the values not decided.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
rv_session_apply_suggestion (RvSession   *self,
                             guint        row,
                             const char  *ruc,
                             GError     **error)
{
  g_return_val_if_fail (RV_IS_SESSION (self), FALSE);
  g_return_val_if_fail (ruc != NULL, FALSE);

  if (self->batch == NULL || self->state == RV_SESSION_STATE_RUNNING ||
      self->state == RV_SESSION_STATE_LOADING)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("Wait until the check is over to change a RUC"));
      return FALSE;
    }

  if (!rv_batch_set_row_value (self->batch, row, ruc, error))
    return FALSE;
  g_hash_table_insert (self->overrides, GUINT_TO_POINTER (row), g_strdup (ruc));
  update_preflight_counts (self);
  g_clear_pointer (&self->results, g_ptr_array_unref);

  rv_session_start (self);
  return TRUE;
}

/**
 * rv_session_build_export:
 * @self: a #RvSession with rows
 * @export: (out caller-allocates): filled with the sheet, the rows' results and @summary
 * @summary: (out caller-allocates): filled with the run's summary
 *
 * Fills what rv_export_write() needs, as --headless would. The pointers stay valid until
 * the rows change or the file is closed; rv_export_write_async() copies what it needs.
 *
 * Returns: %FALSE when there are no rows to export
 */
gboolean
rv_session_build_export (RvSession       *self,
                         RvExport        *export,
                         RvExportSummary *summary)
{
  const RvBatchProgress *p;
  RvSheet *sheet;
  RvColumnGuess *guess;
  guint n_rows;

  g_return_val_if_fail (RV_IS_SESSION (self), FALSE);
  g_return_val_if_fail (export != NULL && summary != NULL, FALSE);

  if (self->batch == NULL)
    return FALSE;

  sheet = current_sheet (self);
  guess = current_guess (self);
  n_rows = rv_sheet_get_n_rows (sheet);
  p = rv_batch_get_progress (self->batch);

  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->results = g_ptr_array_new_full (n_rows, NULL);
  for (guint r = 0; r < n_rows; r++)
    g_ptr_array_add (self->results, rv_batch_get_row_result (self->batch, r));

  g_free (self->column_label);
  self->column_label = rv_session_dup_column_label (self, (guint) self->column);

  memset (summary, 0, sizeof *summary);
  summary->file_name = rv_workbook_get_file_name (self->workbook);
  summary->file_sha256 = self->sha256;
  summary->sheet_name = rv_sheet_get_name (sheet);
  summary->column = self->column_label;
  summary->provider = self->config != NULL ? rv_session_get_provider_name (self)
                                           : _("Offline: check digits only");
  summary->started_at = self->started_at;
  summary->total = self->n_values;
  summary->unique = p->unique;
  memcpy (summary->counts, p->counts, sizeof summary->counts);
  summary->cache_hits = p->cache_hits;
  summary->requests = p->requests;

  memset (export, 0, sizeof *export);
  export->sheet = sheet;
  export->header_row = rv_column_guess_get_header_row (guess);
  export->first_row = rv_column_guess_get_first_row (guess);
  export->ruc_column = self->column;
  export->results = (RvResult * const *) self->results->pdata;
  export->rows = RV_EXPORT_ALL;
  export->summary = summary;

  return TRUE;
}
