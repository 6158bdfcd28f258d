/* rv-provider-config.h
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

#include "rv-batch.h"

G_BEGIN_DECLS

/**
 * RvProviderConfig:
 * @provider_id: "auto", "migo" or "offline", as the preferences say
 * @token: (nullable): the APIMIGO token, from RUC_VALIDATOR_TOKEN or the keyring
 * @base_url: (nullable): the provider's address, %NULL for APIMIGO's own
 * @concurrency: requests in flight
 * @rate: requests a minute at most, 0 for the provider's default
 * @timeout: seconds a request may take
 * @max_age_found: seconds an answer "found" is fresh
 * @max_age_not_found: seconds an answer "not found" is fresh
 *
 * Who answers a run and how, as the preferences and the keyring say at one moment.
 */
typedef struct
{
  char   *provider_id;
  char   *token;
  char   *base_url;
  guint   concurrency;
  guint   rate;
  guint   timeout;
  gint64  max_age_found;
  gint64  max_age_not_found;
} RvProviderConfig;

void              rv_provider_config_free         (RvProviderConfig     *config);
void              rv_provider_config_load_async   (GSettings            *settings,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
RvProviderConfig *rv_provider_config_load_finish  (GAsyncResult         *result,
                                                   GError              **error);
gboolean          rv_provider_config_uses_api     (const RvProviderConfig *config);
gboolean          rv_provider_config_same_source  (const RvProviderConfig *a,
                                                   const RvProviderConfig *b);
gboolean          rv_provider_config_apply        (const RvProviderConfig *config,
                                                   RvBatch              *batch,
                                                   GError              **error);
void              rv_provider_config_apply_limits (const RvProviderConfig *config,
                                                   RvBatch              *batch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvProviderConfig, rv_provider_config_free)

G_END_DECLS
