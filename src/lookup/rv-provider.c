/* rv-provider.c
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

#define G_LOG_DOMAIN "rv-provider"

#include "config.h"

#include "rv-provider.h"

/**
 * RvProvider:
 *
 * A source of taxpayer records: an online API (APIMIGO), or SUNAT's padrón in the local
 * database. It answers one RUC at a time with lookup_async(); one that can answer many at
 * once also implements lookup_many_async(), and #RvBatch uses it when present.
 */

typedef struct
{
  gint64 retry_after_ms;
} RvProviderErrorPrivate;

static void
rv_provider_error_private_init (RvProviderErrorPrivate *priv)
{
  priv->retry_after_ms = -1;
}

static void
rv_provider_error_private_copy (const RvProviderErrorPrivate *src,
                                RvProviderErrorPrivate       *dest)
{
  dest->retry_after_ms = src->retry_after_ms;
}

static void
rv_provider_error_private_clear (RvProviderErrorPrivate *priv)
{
}

/* An extended error domain, so that a rate-limit error carries the server's Retry-After. */
G_DEFINE_EXTENDED_ERROR (RvProviderError, rv_provider_error)

G_DEFINE_INTERFACE (RvProvider, rv_provider, G_TYPE_OBJECT)

static gboolean
rv_provider_real_get_false (RvProvider *self)
{
  return FALSE;
}

static guint
rv_provider_real_get_default_rate (RvProvider *self)
{
  return 0;
}

static void
rv_provider_default_init (RvProviderInterface *iface)
{
  iface->get_needs_token = rv_provider_real_get_false;
  iface->get_can_lookup_dni = rv_provider_real_get_false;
  iface->get_default_rate = rv_provider_real_get_default_rate;
}

/**
 * rv_provider_error_get_retry_after:
 * @error: an error
 *
 * Returns: for a %RV_PROVIDER_ERROR_RATE_LIMITED error whose server said how long to wait,
 *   that wait in milliseconds; otherwise -1
 */
gint64
rv_provider_error_get_retry_after (const GError *error)
{
  RvProviderErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, -1);

  priv = rv_provider_error_get_private (error);
  return priv != NULL ? priv->retry_after_ms : -1;
}

/**
 * rv_provider_set_error_retry_after:
 * @error: an error in %RV_PROVIDER_ERROR
 * @retry_after_ms: the wait the server asked for, in milliseconds, or -1
 *
 * For providers: records the server's Retry-After on a rate-limit error.
 */
void
rv_provider_set_error_retry_after (GError *error,
                                   gint64  retry_after_ms)
{
  RvProviderErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == RV_PROVIDER_ERROR);

  priv = rv_provider_error_get_private (error);
  priv->retry_after_ms = retry_after_ms;
}

/**
 * rv_provider_get_id:
 * @self: a #RvProvider
 *
 * Returns: the stable id stored with each record ("migo", "padron")
 */
const char *
rv_provider_get_id (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), NULL);

  return RV_PROVIDER_GET_IFACE (self)->get_id (self);
}

/**
 * rv_provider_get_name:
 * @self: a #RvProvider
 *
 * Returns: the provider's name for people
 */
const char *
rv_provider_get_name (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), NULL);

  return RV_PROVIDER_GET_IFACE (self)->get_name (self);
}

/**
 * rv_provider_get_needs_token:
 * @self: a #RvProvider
 *
 * Returns: whether the provider needs an API token
 */
gboolean
rv_provider_get_needs_token (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), FALSE);

  return RV_PROVIDER_GET_IFACE (self)->get_needs_token (self);
}

/**
 * rv_provider_get_can_lookup_dni:
 * @self: a #RvProvider
 *
 * Returns: whether rv_provider_lookup_async() also takes an 8-digit DNI
 */
gboolean
rv_provider_get_can_lookup_dni (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), FALSE);

  return RV_PROVIDER_GET_IFACE (self)->get_can_lookup_dni (self);
}

/**
 * rv_provider_get_default_rate:
 * @self: a #RvProvider
 *
 * Returns: the requests per minute the provider allows by default, 0 for no limit
 */
guint
rv_provider_get_default_rate (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), 0);

  return RV_PROVIDER_GET_IFACE (self)->get_default_rate (self);
}

/**
 * rv_provider_can_lookup_many:
 * @self: a #RvProvider
 *
 * Returns: whether the provider answers many RUCs in one call
 */
gboolean
rv_provider_can_lookup_many (RvProvider *self)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), FALSE);

  return RV_PROVIDER_GET_IFACE (self)->lookup_many_async != NULL;
}

/**
 * rv_provider_lookup_async:
 * @self: a #RvProvider
 * @id: an 11-digit RUC, or an 8-digit DNI when rv_provider_get_can_lookup_dni()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Looks up one number.
 */
void
rv_provider_lookup_async (RvProvider          *self,
                          const char          *id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (RV_IS_PROVIDER (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  RV_PROVIDER_GET_IFACE (self)->lookup_async (self, id, cancellable, callback, user_data);
}

/**
 * rv_provider_lookup_finish:
 * @self: a #RvProvider
 * @result: the result given to the callback
 * @error: an error in %RV_PROVIDER_ERROR, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): the record found, or %NULL with @error set
 *   (%RV_PROVIDER_ERROR_NOT_FOUND when the provider says no taxpayer has the number)
 */
RvRecord *
rv_provider_lookup_finish (RvProvider    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return RV_PROVIDER_GET_IFACE (self)->lookup_finish (self, result, error);
}

/**
 * rv_provider_lookup_many_async:
 * @self: a #RvProvider for which rv_provider_can_lookup_many() is %TRUE
 * @rucs: (array length=n_rucs): 11-digit RUCs
 * @n_rucs: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Looks up many RUCs in one call.
 */
void
rv_provider_lookup_many_async (RvProvider          *self,
                               const char * const  *rucs,
                               guint                n_rucs,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (RV_IS_PROVIDER (self));
  g_return_if_fail (rucs != NULL || n_rucs == 0);
  g_return_if_fail (rv_provider_can_lookup_many (self));

  RV_PROVIDER_GET_IFACE (self)->lookup_many_async (self, rucs, n_rucs, cancellable,
                                                   callback, user_data);
}

/**
 * rv_provider_lookup_many_finish:
 * @self: a #RvProvider
 * @result: the result given to the callback
 * @error: an error in %RV_PROVIDER_ERROR, %G_IO_ERROR_CANCELLED, or the store's
 *
 * Returns: (transfer container) (element-type RvRecord): an array parallel to the RUCs
 *   asked, with an #RvRecord (found or not found) for each one this provider answers and
 *   %NULL for the others, or %NULL with @error set
 */
GPtrArray *
rv_provider_lookup_many_finish (RvProvider    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (RV_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return RV_PROVIDER_GET_IFACE (self)->lookup_many_finish (self, result, error);
}
