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
#include "rv-migo-provider.h"
#include "rv-ruc.h"
#include "rv-token.h"

/* One value looked up as a run looks it up: offline checks, then the database, then the
 * provider the preferences choose. The provider set-up is the one the window's runs use.
 */

typedef struct
{
  RvStore   *store;
  GSettings *settings;
  char      *value;
  char      *provider_id;
  RvBatch   *batch;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->store);
  g_clear_object (&lookup->settings);
  g_clear_pointer (&lookup->value, g_free);
  g_clear_pointer (&lookup->provider_id, g_free);
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
start_run (GTask      *task,
           const char *token)
{
  Lookup *lookup = g_task_get_task_data (task);
  const char *values[] = { lookup->value };
  g_autofree char *base_url = NULL;
  guint concurrency, timeout;
  gint64 max_age_found, max_age_not_found;

  base_url = g_settings_get_string (lookup->settings, "base-url");
  concurrency = g_settings_get_uint (lookup->settings, "concurrency");
  timeout = g_settings_get_uint (lookup->settings, "timeout");
  max_age_found = (gint64) g_settings_get_uint (lookup->settings, "cache-max-age-found") * 3600;
  max_age_not_found =
    (gint64) g_settings_get_uint (lookup->settings, "cache-max-age-not-found") * 3600;

  if (token == NULL && g_str_equal (lookup->provider_id, "migo"))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "%s",
                               _("Not checked: APIMIGO needs an API token (add it in Preferences)"));
      return;
    }

  lookup->batch = rv_batch_new (lookup->store);
  if (g_str_equal (lookup->provider_id, "offline"))
    rv_batch_set_offline_reason (lookup->batch,
                                 _("Not checked online: lookups are turned off in Preferences"));
  else if (token == NULL)
    rv_batch_set_offline_reason (lookup->batch,
                                 _("Not checked online: no API token is configured (add it in Preferences)"));
  else
    {
      g_autoptr(RvMigoProvider) migo = NULL;

      migo = rv_migo_provider_new (base_url[0] != 0 ? base_url : NULL, token, concurrency, timeout);
      rv_batch_add_provider (lookup->batch, RV_PROVIDER (migo));
    }
  rv_batch_set_concurrency (lookup->batch, concurrency);
  rv_batch_set_max_age (lookup->batch, max_age_found, max_age_not_found);
  rv_batch_add_rows (lookup->batch, values, 1);

  rv_batch_run_async (lookup->batch, g_task_get_cancellable (task), on_run_done_cb,
                      g_object_ref (task));
}

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = rv_token_lookup_finish (result, &error);
  if (error != NULL)
    g_debug ("No token from the keyring: %s", error->message);

  if (g_task_return_error_if_cancelled (task))
    return;

  start_run (task, token);
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
  g_autofree char *env_token = NULL;
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
  lookup->settings = g_object_ref (settings);
  lookup->value = g_strdup (value);
  lookup->provider_id = g_settings_get_string (settings, "provider");
  if (!g_str_equal (lookup->provider_id, "migo") && !g_str_equal (lookup->provider_id, "offline"))
    {
      g_free (lookup->provider_id);
      lookup->provider_id = g_strdup ("auto");
    }
  g_task_set_task_data (task, lookup, (GDestroyNotify) lookup_free);

  if (g_str_equal (lookup->provider_id, "offline"))
    {
      start_run (task, NULL);
      return;
    }

  /* The token as --headless finds it: the environment first, then the keyring. */
  env_token = rv_token_dup_from_env ();
  if (env_token != NULL)
    {
      start_run (task, env_token);
      return;
    }

  if (!rv_token_can_use_keyring ())
    {
      start_run (task, NULL);
      return;
    }

  rv_token_lookup_async ("migo", cancellable, on_token_cb, g_steal_pointer (&task));
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
