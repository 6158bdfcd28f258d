/* rv-token.h
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

G_BEGIN_DECLS

/* API tokens in the user's keyring (libsecret), one item per provider id. A token never
 * goes to GSettings, a file of ours or a log line. */

void      rv_token_store_async    (const char           *provider_id,
                                   const char           *token,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  rv_token_store_finish   (GAsyncResult         *result,
                                   GError              **error);
void      rv_token_lookup_async   (const char           *provider_id,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
char     *rv_token_lookup_finish  (GAsyncResult         *result,
                                   GError              **error);
char     *rv_token_lookup_sync    (const char           *provider_id,
                                   GCancellable         *cancellable,
                                   GError              **error);
void      rv_token_clear_async    (const char           *provider_id,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  rv_token_clear_finish   (GAsyncResult         *result,
                                   GError              **error);
char     *rv_token_dup_from_env   (void);
gboolean  rv_token_can_use_keyring (void);
char     *rv_token_read_file      (const char           *path,
                                   GError              **error);

G_END_DECLS
