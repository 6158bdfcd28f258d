/* rv-rate-limiter.h
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

#include <glib.h>

G_BEGIN_DECLS

/**
 * RvRateLimiter:
 *
 * A token bucket: at most @per_minute requests in any 60 seconds, sent evenly (the bucket
 * holds at most @burst tokens, so a pause never turns into a burst over the limit). Plain
 * arithmetic on times the caller passes in (g_get_monotonic_time()), so that tests can
 * drive it with a fake clock.
 */
typedef struct _RvRateLimiter RvRateLimiter;

RvRateLimiter *rv_rate_limiter_new          (double          per_minute,
                                             guint           burst);
void           rv_rate_limiter_free         (RvRateLimiter  *self);
double         rv_rate_limiter_get_rate     (RvRateLimiter  *self);
void           rv_rate_limiter_set_rate     (RvRateLimiter  *self,
                                             double          per_minute,
                                             gint64          now_us);
gboolean       rv_rate_limiter_try_take     (RvRateLimiter  *self,
                                             gint64          now_us,
                                             gint64         *wait_us);
void           rv_rate_limiter_hold         (RvRateLimiter  *self,
                                             gint64          until_us);
guint          rv_rate_limiter_get_burst    (RvRateLimiter  *self);
void           rv_rate_limiter_set_burst    (RvRateLimiter  *self,
                                             guint           burst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RvRateLimiter, rv_rate_limiter_free)

G_END_DECLS
