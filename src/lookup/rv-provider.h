/* rv-provider.h
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

#include <gio/gio.h>

#include "rv-record.h"

G_BEGIN_DECLS

#define RV_PROVIDER_ERROR (rv_provider_error_quark ())

/**
 * RvProviderError:
 * @RV_PROVIDER_ERROR_NOT_FOUND: the provider answered: no taxpayer has this number
 * @RV_PROVIDER_ERROR_BAD_FORMAT: the provider refused the number as malformed (HTTP 422)
 * @RV_PROVIDER_ERROR_AUTHENTICATION: the token is missing, wrong or revoked (HTTP 401/403):
 *   no further request can succeed
 * @RV_PROVIDER_ERROR_RATE_LIMITED: a quota or rate limit answer (HTTP 429); see
 *   rv_provider_error_get_retry_after()
 * @RV_PROVIDER_ERROR_TRANSIENT: no answer this time: timeout, connection refused or dropped,
 *   HTTP 5xx, an answer that is not what the provider promises (malformed JSON)
 *
 * Only %RV_PROVIDER_ERROR_NOT_FOUND is a verdict; every other code means the lookup
 * could not be completed.
 */
typedef enum
{
  RV_PROVIDER_ERROR_NOT_FOUND,
  RV_PROVIDER_ERROR_BAD_FORMAT,
  RV_PROVIDER_ERROR_AUTHENTICATION,
  RV_PROVIDER_ERROR_RATE_LIMITED,
  RV_PROVIDER_ERROR_TRANSIENT,
} RvProviderError;

#define RV_TYPE_PROVIDER (rv_provider_get_type ())

G_DECLARE_INTERFACE (RvProvider, rv_provider, RV, PROVIDER, GObject)

/**
 * RvProviderInterface:
 * @get_id: a stable id ("migo", "padron"), stored with every record it answers
 * @get_name: a translated name for people ("APIMIGO")
 * @get_needs_token: whether it needs an API token
 * @get_can_lookup_dni: whether lookup_async() also takes an 8-digit DNI
 * @get_default_rate: requests per minute it allows by default, 0 for no limit
 * @lookup_async: looks up one RUC (11 digits) or, when it can, one DNI (8 digits)
 * @lookup_finish: an #RvRecord with source %RV_SOURCE_API (or %RV_SOURCE_PADRON), or an
 *   error in %RV_PROVIDER_ERROR (or %G_IO_ERROR_CANCELLED)
 * @lookup_many_async: (nullable): looks up many RUCs at once, for providers that can
 *   (the padrón in SQLite, a bulk endpoint); %NULL when they cannot
 * @lookup_many_finish: a #GPtrArray parallel to the RUCs asked: an #RvRecord for each
 *   answered one (found or not found), %NULL where this provider has no answer
 */
struct _RvProviderInterface
{
  GTypeInterface parent_iface;

  const char *(*get_id)             (RvProvider           *self);
  const char *(*get_name)           (RvProvider           *self);
  gboolean    (*get_needs_token)    (RvProvider           *self);
  gboolean    (*get_can_lookup_dni) (RvProvider           *self);
  guint       (*get_default_rate)   (RvProvider           *self);

  void        (*lookup_async)       (RvProvider           *self,
                                     const char           *id,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  RvRecord   *(*lookup_finish)      (RvProvider           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
  void        (*lookup_many_async)  (RvProvider           *self,
                                     const char * const   *rucs,
                                     guint                 n_rucs,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
  GPtrArray  *(*lookup_many_finish) (RvProvider           *self,
                                     GAsyncResult         *result,
                                     GError              **error);
};

GQuark      rv_provider_error_quark            (void);
gint64      rv_provider_error_get_retry_after  (const GError         *error);
void        rv_provider_set_error_retry_after  (GError               *error,
                                                gint64                retry_after_ms);

const char *rv_provider_get_id                 (RvProvider           *self);
const char *rv_provider_get_name               (RvProvider           *self);
gboolean    rv_provider_get_needs_token        (RvProvider           *self);
gboolean    rv_provider_get_can_lookup_dni     (RvProvider           *self);
guint       rv_provider_get_default_rate       (RvProvider           *self);
gboolean    rv_provider_can_lookup_many        (RvProvider           *self);

void        rv_provider_lookup_async           (RvProvider           *self,
                                                const char           *id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
RvRecord   *rv_provider_lookup_finish          (RvProvider           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void        rv_provider_lookup_many_async      (RvProvider           *self,
                                                const char * const   *rucs,
                                                guint                 n_rucs,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray  *rv_provider_lookup_many_finish     (RvProvider           *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
