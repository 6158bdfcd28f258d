/* rv-rate-limiter.c
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

#define G_LOG_DOMAIN "rv-rate-limiter"

#include "config.h"

#include "rv-rate-limiter.h"

#include <math.h>

/* The bucket is kept as a "theoretical arrival time" (the generic cell rate algorithm):
 * @tat_us is when the bucket would be full again. A token is there when
 * `now >= tat - (burst - 1) × interval`, and taking one pushes @tat_us one interval on.
 * This is the token bucket in integers: no fraction of a token accumulates rounding
 * errors over an hour, and with a burst of 1 two takes are never closer than one
 * interval, so no 60-second window ever holds more than @per_minute of them.
 */
struct _RvRateLimiter
{
  double per_minute;     /* 0: unlimited */
  guint  burst;
  gint64 interval_us;    /* between two tokens, rounded up; 0 when unlimited */
  gint64 tat_us;         /* G_MININT64 until the first take */
  gint64 last_us;        /* the last take, G_MININT64 before the first */
  gint64 hold_until_us;  /* no token before this time */
};

/* A rate so low that its interval would not fit is treated as one request a year. */
#define MIN_PER_MINUTE (1.0 / (365.0 * 24.0 * 60.0))

static gint64
interval_for_rate (double per_minute)
{
  if (!(per_minute > 0))
    return 0;

  /* Requests come whole: 59.5 a minute is 59 in any 60 seconds. */
  if (per_minute >= 1)
    per_minute = floor (per_minute);
  per_minute = MAX (per_minute, MIN_PER_MINUTE);
  /* Rounded up: a limiter may be a microsecond slower than asked, never faster. */
  return (gint64) ceil (60.0 * G_USEC_PER_SEC / per_minute);
}

/**
 * rv_rate_limiter_new:
 * @per_minute: requests allowed per minute; 0 or less for no limit
 * @burst: how many tokens the bucket holds (at least 1); 1 spaces requests evenly
 *
 * A full bucket: the first @burst requests may go at once.
 *
 * Returns: (transfer full): a new rate limiter
 */
RvRateLimiter *
rv_rate_limiter_new (double per_minute,
                     guint  burst)
{
  RvRateLimiter *self;

  self = g_new0 (RvRateLimiter, 1);
  self->burst = MAX (burst, 1);
  self->per_minute = per_minute > 0 ? per_minute : 0;
  self->interval_us = interval_for_rate (self->per_minute);
  self->tat_us = G_MININT64;
  self->last_us = G_MININT64;
  self->hold_until_us = G_MININT64;
  return self;
}

/**
 * rv_rate_limiter_free:
 * @self: (transfer full): a rate limiter
 */
void
rv_rate_limiter_free (RvRateLimiter *self)
{
  g_free (self);
}

/**
 * rv_rate_limiter_get_rate:
 * @self: a rate limiter
 *
 * Returns: the requests allowed per minute, 0 for no limit
 */
double
rv_rate_limiter_get_rate (RvRateLimiter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->per_minute;
}

/**
 * rv_rate_limiter_set_rate:
 * @self: a rate limiter
 * @per_minute: the new rate; 0 or less for no limit
 * @now_us: the current monotonic time
 *
 * Changes the rate from now on. The last request taken is paid for again at the new
 * rate, so that the next one comes one new interval after it: lowering the rate
 * pushes the next token back, raising it brings it forward, and neither makes a
 * burst. A hold stays in force.
 */
void
rv_rate_limiter_set_rate (RvRateLimiter *self,
                          double         per_minute,
                          gint64         now_us)
{
  gint64 old_interval;
  gint64 new_interval;

  g_return_if_fail (self != NULL);

  per_minute = per_minute > 0 ? per_minute : 0;
  old_interval = self->interval_us;
  new_interval = interval_for_rate (per_minute);

  self->per_minute = per_minute;
  self->interval_us = new_interval;

  if (new_interval == 0 || self->last_us == G_MININT64)
    {
      /* Unlimited, or nothing taken yet: nothing is owed. */
      self->tat_us = G_MININT64;
      return;
    }

  if (old_interval == 0 || self->tat_us == G_MININT64)
    self->tat_us = self->last_us + new_interval;
  else
    self->tat_us += new_interval - old_interval;

  /* Never more owed than a whole bucket at the new rate. */
  self->tat_us = MIN (self->tat_us,
                      MAX (now_us, self->last_us) + (gint64) self->burst * new_interval);
}

/**
 * rv_rate_limiter_try_take:
 * @self: a rate limiter
 * @now_us: the current monotonic time
 * @wait_us: (out) (optional): when no token is there, how long until one is
 *
 * Takes a token if there is one.
 *
 * Returns: %TRUE if a request may go now (the token is consumed), %FALSE if it must
 *   wait @wait_us microseconds (at least 1)
 */
gboolean
rv_rate_limiter_try_take (RvRateLimiter *self,
                          gint64         now_us,
                          gint64        *wait_us)
{
  gint64 wait = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (now_us < self->hold_until_us)
    wait = self->hold_until_us - now_us;

  if (self->interval_us > 0 && self->tat_us > now_us)
    {
      gint64 allowed_at = self->tat_us - (gint64) (self->burst - 1) * self->interval_us;

      if (allowed_at > now_us)
        wait = MAX (wait, allowed_at - now_us);
    }

  if (wait_us != NULL)
    *wait_us = wait;

  if (wait > 0)
    return FALSE;

  if (self->interval_us > 0)
    self->tat_us = MAX (self->tat_us, now_us) + self->interval_us;
  self->last_us = now_us;
  return TRUE;
}

/**
 * rv_rate_limiter_hold:
 * @self: a rate limiter
 * @until_us: a monotonic time
 *
 * No token is given before @until_us (a server's Retry-After). A hold never shortens
 * an earlier, longer one.
 */
void
rv_rate_limiter_hold (RvRateLimiter *self,
                      gint64         until_us)
{
  g_return_if_fail (self != NULL);

  self->hold_until_us = MAX (self->hold_until_us, until_us);
}

/**
 * rv_rate_limiter_get_burst:
 * @self: a rate limiter
 *
 * Returns: how many tokens the bucket holds
 */
guint
rv_rate_limiter_get_burst (RvRateLimiter *self)
{
  g_return_val_if_fail (self != NULL, 1);

  return self->burst;
}

/**
 * rv_rate_limiter_set_burst:
 * @self: a rate limiter
 * @burst: how many tokens the bucket holds (at least 1)
 *
 * Resizes the bucket. The tokens taken so far still count: a larger bucket only lets
 * the ones that would fit in it go at once.
 */
void
rv_rate_limiter_set_burst (RvRateLimiter *self,
                           guint          burst)
{
  g_return_if_fail (self != NULL);

  self->burst = MAX (burst, 1);
}
