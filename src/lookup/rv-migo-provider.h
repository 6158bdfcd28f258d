/* rv-migo-provider.h
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

#include "rv-provider.h"

G_BEGIN_DECLS

/* Requests per minute when the settings leave the rate to the provider (0). */
#define RV_MIGO_DEFAULT_RATE 600

#define RV_MIGO_DEFAULT_BASE_URL "https://api.migo.pe"

#define RV_TYPE_MIGO_PROVIDER (rv_migo_provider_get_type ())

G_DECLARE_FINAL_TYPE (RvMigoProvider, rv_migo_provider, RV, MIGO_PROVIDER, GObject)

RvMigoProvider *rv_migo_provider_new          (const char     *base_url,
                                               const char     *token,
                                               guint           max_connections,
                                               guint           timeout_seconds);
const char     *rv_migo_provider_get_base_url (RvMigoProvider *self);

G_END_DECLS
