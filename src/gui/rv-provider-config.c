/* rv-provider-config.c
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

#define G_LOG_DOMAIN "rv-provider-config"

#include "config.h"

#include "rv-provider-config.h"

#include <glib/gi18n.h>

#include "rv-migo-provider.h"
#include "rv-token.h"

/* The set-up of a run's sources from the preferences, shared by the window's runs and its
 * quick lookup: "auto" asks APIMIGO when a token is at hand and checks offline otherwise,
 * "migo" needs the token, "offline" never goes online.
 */

/**
 * rv_provider_config_free:
 * @config: (transfer full): a configuration
 */
void
rv_provider_config_free (RvProviderConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->provider_id);
  g_free (config->token);
  g_free (config->base_url);
  g_free (config);
}

static RvProviderConfig *
config_from_settings (GSettings *settings)
{
  RvProviderConfig *config = g_new0 (RvProviderConfig, 1);
  g_autofree char *base_url = g_settings_get_string (settings, "base-url");

  config->provider_id = g_settings_get_string (settings, "provider");
  if (!g_str_equal (config->provider_id, "migo") && !g_str_equal (config->provider_id, "offline"))
    {
      g_free (config->provider_id);
      config->provider_id = g_strdup ("auto");
    }
  config->base_url = base_url[0] != 0 ? g_steal_pointer (&base_url) : NULL;
  config->concurrency = g_settings_get_uint (settings, "concurrency");
  config->rate = g_settings_get_uint (settings, "rate");
  config->timeout = g_settings_get_uint (settings, "timeout");
  config->max_age_found = (gint64) g_settings_get_uint (settings, "cache-max-age-found") * 3600;
  config->max_age_not_found =
    (gint64) g_settings_get_uint (settings, "cache-max-age-not-found") * 3600;

  return config;
}

static void
on_token_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RvProviderConfig *config = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  config->token = rv_token_lookup_finish (result, &error);
  if (error != NULL)
    g_debug ("No token from the keyring: %s", error->message);

  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_set_task_data (task, NULL, NULL);
  g_task_return_pointer (task, config, (GDestroyNotify) rv_provider_config_free);
}

/**
 * rv_provider_config_load_async:
 * @settings: the application's settings
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the configuration
 * @user_data: data for @callback
 *
 * Reads the preferences, and the token as `--headless` finds it: RUC_VALIDATOR_TOKEN
 * first, then the keyring (when a session bus can reach one).
 */
void
rv_provider_config_load_async (GSettings           *settings,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RvProviderConfig *config;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rv_provider_config_load_async);

  config = config_from_settings (settings);
  if (!g_str_equal (config->provider_id, "offline"))
    config->token = rv_token_dup_from_env ();

  if (g_str_equal (config->provider_id, "offline") || config->token != NULL ||
      !rv_token_can_use_keyring ())
    {
      g_task_return_pointer (task, config, (GDestroyNotify) rv_provider_config_free);
      return;
    }

  g_task_set_task_data (task, config, (GDestroyNotify) rv_provider_config_free);
  rv_token_lookup_async ("migo", cancellable, on_token_cb, g_steal_pointer (&task));
}

/**
 * rv_provider_config_load_finish:
 * @result: the result given to the callback
 * @error: %G_IO_ERROR_CANCELLED only
 *
 * Returns: (transfer full): the configuration, or %NULL when cancelled
 */
RvProviderConfig *
rv_provider_config_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rv_provider_config_load_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * rv_provider_config_uses_api:
 * @config: a configuration
 *
 * Returns: whether a run with @config asks APIMIGO
 */
gboolean
rv_provider_config_uses_api (const RvProviderConfig *config)
{
  g_return_val_if_fail (config != NULL, FALSE);

  return !g_str_equal (config->provider_id, "offline") && config->token != NULL;
}

/**
 * rv_provider_config_same_source:
 * @a: a configuration
 * @b: another
 *
 * Returns: whether a batch set up with @a asks the same source as one set up with @b
 *   (the provider, its address, token, connections and timeout)
 */
gboolean
rv_provider_config_same_source (const RvProviderConfig *a,
                                const RvProviderConfig *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return g_str_equal (a->provider_id, b->provider_id) &&
         g_strcmp0 (a->token, b->token) == 0 &&
         g_strcmp0 (a->base_url, b->base_url) == 0 &&
         a->concurrency == b->concurrency &&
         a->timeout == b->timeout;
}

/**
 * rv_provider_config_apply_limits:
 * @config: a configuration
 * @batch: a batch
 *
 * Sets @batch's requests in flight, rate and cache ages; its sources stay as they are (a
 * batch set up with another configuration of the same source, rv_provider_config_same_source()).
 */
void
rv_provider_config_apply_limits (const RvProviderConfig *config,
                                 RvBatch                *batch)
{
  g_return_if_fail (config != NULL);
  g_return_if_fail (RV_IS_BATCH (batch));

  rv_batch_set_concurrency (batch, config->concurrency);
  rv_batch_set_rate (batch, config->rate);
  rv_batch_set_max_age (batch, config->max_age_found, config->max_age_not_found);
}

/**
 * rv_provider_config_apply:
 * @config: a configuration
 * @batch: a batch that has no source yet
 * @error: %G_IO_ERROR_NOT_INITIALIZED when APIMIGO is asked for without a token
 *
 * Sets @batch's sources and limits. Without a token, "auto" checks offline, and the
 * values that are not in the database stay pending with a reason that says why.
 *
 * Returns: %TRUE, or %FALSE with @error set and @batch unchanged
 */
gboolean
rv_provider_config_apply (const RvProviderConfig  *config,
                          RvBatch                 *batch,
                          GError                 **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (RV_IS_BATCH (batch), FALSE);

  if (config->token == NULL && g_str_equal (config->provider_id, "migo"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, "%s",
                   _("Not checked: APIMIGO needs an API token (add it in Preferences)"));
      return FALSE;
    }

  if (g_str_equal (config->provider_id, "offline"))
    rv_batch_set_offline_reason (batch,
                                 _("Not checked online: lookups are turned off in Preferences"));
  else if (config->token == NULL)
    rv_batch_set_offline_reason (batch,
                                 _("Not checked online: no API token is configured (add it in Preferences)"));
  else
    {
      g_autoptr(RvMigoProvider) migo = NULL;

      migo = rv_migo_provider_new (config->base_url, config->token, config->concurrency,
                                   config->timeout);
      rv_batch_add_provider (batch, RV_PROVIDER (migo));
    }

  rv_provider_config_apply_limits (config, batch);
  return TRUE;
}
