/* rv-quick-lookup.c
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

#define G_LOG_DOMAIN "rv-quick-lookup"

#include "config.h"

#include "rv-quick-lookup.h"

#include <glib/gi18n.h>

#include "rv-batch.h"
#include "rv-provider-config.h"
#include "rv-ruc.h"

/* One value looked up as a run looks it up: offline checks, then the database, then the
 * provider the preferences choose. The provider set-up is the one the window's runs use.
 */

typedef struct
{
  RvStore *store;
  char    *value;
  RvBatch *batch;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->store);
  g_clear_pointer (&lookup->value, g_free);
  g_clear_object (&lookup->batch);
  g_free (lookup);
}

static void
on_run_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RvBatch *batch = RV_BATCH (object);
  g_autoptr(GError) error = NULL;
  const GError *last_error;
  RvResult *row_result;

  if (!rv_batch_run_finish (batch, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A refused token ends the run with its row pending: the caller must know why. */
  last_error = rv_batch_get_last_error (batch);
  if (last_error != NULL &&
      g_error_matches (last_error, RV_PROVIDER_ERROR, RV_PROVIDER_ERROR_AUTHENTICATION))
    {
      g_task_return_error (task, g_error_copy (last_error));
      return;
    }

  row_result = rv_batch_get_row_result (batch, 0);
  g_assert (row_result != NULL);
  g_task_return_pointer (task, rv_result_ref (row_result), (GDestroyNotify) rv_result_unref);
}

static void
on_config_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Lookup *lookup = g_task_get_task_data (task);
  g_autoptr(RvProviderConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  const char *values[] = { lookup->value };

  config = rv_provider_config_load_finish (result, &error);
  if (config == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  lookup->batch = rv_batch_new (lookup->store);
  if (!rv_provider_config_apply (config, lookup->batch, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  rv_batch_add_rows (lookup->batch, values, 1);

  rv_batch_run_async (lookup->batch, g_task_get_cancellable (task), on_run_done_cb,
                      g_object_ref (task));
}

/**
 * rv_quick_lookup_async:
 * @store: the database the answers are read from and stored in
 * @settings: the application's settings (provider, base-url, limits, cache ages)
 * @value: a RUC or DNI as a user typed it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Looks one value up as a run does. A malformed value never leaves the machine: its
 * result is the offline verdict.
 */
void
rv_quick_lookup_async (RvStore             *store,
                       GSettings           *settings,
                       const char          *value,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Lookup *lookup;
  RvRucParse parse;

  g_return_if_fail (RV_IS_STORE (store));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (value != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_quick_lookup_async);

  rv_ruc_parse (value, &parse);
  if (parse.kind == RV_ID_KIND_NONE)
    {
      g_task_return_pointer (task, rv_result_new (&parse, value), (GDestroyNotify) rv_result_unref);
      return;
    }

  lookup = g_new0 (Lookup, 1);
  lookup->store = g_object_ref (store);
  lookup->value = g_strdup (value);
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);

  rv_provider_config_load_async (settings, cancellable, on_config_cb, g_steal_pointer (&task));
}

/**
 * rv_quick_lookup_finish:
 * @result: the result given to the callback
 * @error: %G_IO_ERROR_CANCELLED, %RV_PROVIDER_ERROR_AUTHENTICATION when the token was
 *   refused, %G_IO_ERROR_NOT_INITIALIZED when APIMIGO was asked for without a token, or
 *   the database's error
 *
 * Returns: (transfer full): the value's result, or %NULL with @error set
 */
RvResult *
rv_quick_lookup_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_quick_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
