/* test-rate-limiter.c
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

#define G_LOG_DOMAIN "test-rate-limiter"

#include "config.h"

#include <glib.h>

#include "rv-rate-limiter.h"

/* Every test drives the limiter with a fake clock, in microseconds. */
#define SECOND ((gint64) G_USEC_PER_SEC)
#define MINUTE (60 * SECOND)

/* Helpers */

/* The most takes in any half-open window [t, t + @window) of the sorted @times. It is
 * enough to try the windows that start at a take.
 */
static guint
max_in_window (GArray *times,
               gint64  window)
{
  guint best = 0;
  guint j = 0;

  for (guint i = 0; i < times->len; i++)
    {
      gint64 start = g_array_index (times, gint64, i);

      if (j < i)
        j = i;
      while (j < times->len && g_array_index (times, gint64, j) < start + window)
        j++;
      best = MAX (best, j - i);
    }

  return best;
}

/* Takes as fast as the limiter allows, from @now for @n tokens, waiting exactly what it
 * says; returns the time of each take.
 */
static GArray *
take_eagerly (RvRateLimiter *limiter,
              gint64         now,
              guint          n)
{
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));

  while (times->len < n)
    {
      gint64 wait = -1;

      if (rv_rate_limiter_try_take (limiter, now, &wait))
        {
          g_assert_cmpint (wait, ==, 0);
          g_array_append_val (times, now);
        }
      else
        {
          g_assert_cmpint (wait, >, 0);
          now += wait;
        }
    }

  return times;
}

/* Tests */

static void
test_even_spacing (void)
{
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (600, 1);
  g_autoptr(GArray) times = NULL;
  gint64 wait = -1;

  g_assert_cmpfloat (rv_rate_limiter_get_rate (limiter), ==, 600);

  /* The first token is there at once; the next one 100 ms after it. */
  g_assert_true (rv_rate_limiter_try_take (limiter, 1000, &wait));
  g_assert_cmpint (wait, ==, 0);
  g_assert_false (rv_rate_limiter_try_take (limiter, 1000, &wait));
  g_assert_cmpint (wait, ==, 100000);
  g_assert_false (rv_rate_limiter_try_take (limiter, 60000, &wait));
  g_assert_cmpint (wait, ==, 41000);
  /* A refusal consumes nothing: the token is there when it said. */
  g_assert_true (rv_rate_limiter_try_take (limiter, 101000, &wait));

  /* Eager callers get exactly one token every 100 ms, never two at once. */
  times = take_eagerly (limiter, 101000, 100);
  for (guint i = 1; i < times->len; i++)
    g_assert_cmpint (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1),
                     ==, 100000);
  g_assert_cmpint (g_array_index (times, gint64, 0), ==, 201000);

  /* After a long idle time, a burst of 1 still gives one token, not a pile of them. */
  g_assert_true (rv_rate_limiter_try_take (limiter, 3600 * SECOND, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, 3600 * SECOND + 1, &wait));
  g_assert_cmpint (wait, ==, 100000 - 1);
}

static void
test_window_random (void)
{
  /* Odd rates whose interval is not a whole number of microseconds, too. */
  const double rates[] = { 600, 137, 7, 1000, 59.5 };

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (rates[r], 1);
      g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
      gint64 interval = (gint64) (MINUTE / rates[r]);
      gint64 now = g_test_rand_int_range (0, 1000000);
      gint64 end = now + 60 * MINUTE;

      /* A simulated hour of callers at random times: sometimes in a rush, sometimes
       * idle for a while, sometimes exactly when the limiter said to come back.
       */
      while (now < end)
        {
          gint64 wait = 0;

          if (rv_rate_limiter_try_take (limiter, now, &wait))
            g_array_append_val (times, now);

          switch (g_test_rand_int_range (0, 10))
            {
            case 0:
            case 1:
            case 2:
            case 3:
            case 4:
            case 5:
              now += wait > 0 ? wait : 1;
              break;
            case 6:
            case 7:
              now += g_test_rand_int_range (1, 1000);
              break;
            case 8:
              now += g_test_rand_int_range (1, (gint32) MIN (interval * 3, G_MAXINT32));
              break;
            default:
              now += wait + g_test_rand_int_range (0, 10);
              break;
            }
        }

      g_test_message ("%g/min: %u takes in an hour, at most %u in a minute", rates[r],
                      times->len, max_in_window (times, MINUTE));
      g_assert_cmpuint (max_in_window (times, MINUTE), <=, (guint) rates[r]);
      /* And the limiter is not needlessly slow: callers that keep coming get most of it. */
      g_assert_cmpuint (times->len, >=, (guint) (rates[r] * 60 * 0.75));
    }
}

static void
test_window_exact (void)
{
  /* Eager callers get exactly the rate: never one more in any minute, never one less. */
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (120, 1);
  g_autoptr(GArray) times = take_eagerly (limiter, 0, 1200);

  g_assert_cmpuint (max_in_window (times, MINUTE), ==, 120);
  g_assert_cmpint (g_array_index (times, gint64, times->len - 1), ==, 1199 * (SECOND / 2));
}

static void
test_hold (void)
{
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (600, 1);
  gint64 wait = -1;

  g_assert_true (rv_rate_limiter_try_take (limiter, 0, NULL));

  /* A server said: come back in 5 seconds. */
  rv_rate_limiter_hold (limiter, 5 * SECOND);
  g_assert_false (rv_rate_limiter_try_take (limiter, SECOND, &wait));
  g_assert_cmpint (wait, ==, 4 * SECOND);
  g_assert_false (rv_rate_limiter_try_take (limiter, 5 * SECOND - 1, &wait));
  g_assert_cmpint (wait, ==, 1);

  /* A shorter hold does not shorten it. */
  rv_rate_limiter_hold (limiter, 2 * SECOND);
  g_assert_false (rv_rate_limiter_try_take (limiter, 3 * SECOND, &wait));
  g_assert_cmpint (wait, ==, 2 * SECOND);

  /* When it ends: one token, then the normal spacing again, not a burst. */
  g_assert_true (rv_rate_limiter_try_take (limiter, 5 * SECOND, &wait));
  g_assert_false (rv_rate_limiter_try_take (limiter, 5 * SECOND, &wait));
  g_assert_cmpint (wait, ==, 100000);

  /* A hold also stops an unlimited limiter. */
  {
    g_autoptr(RvRateLimiter) unlimited = rv_rate_limiter_new (0, 1);

    rv_rate_limiter_hold (unlimited, 10 * SECOND);
    g_assert_false (rv_rate_limiter_try_take (unlimited, 0, &wait));
    g_assert_cmpint (wait, ==, 10 * SECOND);
    g_assert_true (rv_rate_limiter_try_take (unlimited, 10 * SECOND, &wait));
    g_assert_true (rv_rate_limiter_try_take (unlimited, 10 * SECOND, &wait));
  }
}

static void
test_rate_change (void)
{
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (600, 1);
  gint64 wait = -1;

  g_assert_true (rv_rate_limiter_try_take (limiter, 0, NULL));

  /* Lower to 60/min 50 ms later: the next token comes one new interval (1 s) after the
   * last take, not 100 ms after it.
   */
  rv_rate_limiter_set_rate (limiter, 60, 50000);
  g_assert_cmpfloat (rv_rate_limiter_get_rate (limiter), ==, 60);
  g_assert_false (rv_rate_limiter_try_take (limiter, 100000, &wait));
  g_assert_cmpint (wait, ==, 900000);
  g_assert_true (rv_rate_limiter_try_take (limiter, SECOND, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, SECOND + 500000, &wait));
  g_assert_cmpint (wait, ==, 500000);

  /* Raise it again: the next one is 100 ms after the last take. */
  rv_rate_limiter_set_rate (limiter, 600, SECOND + 10000);
  g_assert_false (rv_rate_limiter_try_take (limiter, SECOND + 10000, &wait));
  g_assert_cmpint (wait, ==, 90000);
  g_assert_true (rv_rate_limiter_try_take (limiter, SECOND + 100000, NULL));

  /* Unlimited, then limited again: the last take still counts. */
  rv_rate_limiter_set_rate (limiter, 0, SECOND + 100000);
  g_assert_cmpfloat (rv_rate_limiter_get_rate (limiter), ==, 0);
  for (guint i = 0; i < 50; i++)
    g_assert_true (rv_rate_limiter_try_take (limiter, 2 * SECOND, NULL));
  rv_rate_limiter_set_rate (limiter, 30, 2 * SECOND);
  g_assert_false (rv_rate_limiter_try_take (limiter, 3 * SECOND, &wait));
  g_assert_cmpint (wait, ==, SECOND);

  /* Lowering and raising while callers keep coming never breaks the slower rate's
   * window: check the minute after each change.
   */
  {
    g_autoptr(RvRateLimiter) l = rv_rate_limiter_new (300, 1);
    g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
    gint64 now = 0;
    gint64 changed_at = 0;

    while (now < 10 * MINUTE)
      {
        gint64 w = 0;

        if (rv_rate_limiter_try_take (l, now, &w))
          g_array_append_val (times, now);
        else
          now += w;

        if (now - changed_at >= 2 * MINUTE)
          {
            rv_rate_limiter_set_rate (l, rv_rate_limiter_get_rate (l) == 300 ? 100 : 300, now);
            changed_at = now;
          }
      }

    /* The fastest minute is the 300/min one. */
    g_assert_cmpuint (max_in_window (times, MINUTE), <=, 300);
    /* No two takes closer than the faster interval, ever. */
    for (guint i = 1; i < times->len; i++)
      g_assert_cmpint (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1),
                       >=, MINUTE / 300);
  }
}

static void
test_unlimited (void)
{
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (0, 1);
  g_autoptr(RvRateLimiter) negative = rv_rate_limiter_new (-5, 0);
  gint64 wait = -1;

  g_assert_cmpfloat (rv_rate_limiter_get_rate (limiter), ==, 0);
  g_assert_cmpfloat (rv_rate_limiter_get_rate (negative), ==, 0);
  for (guint i = 0; i < 10000; i++)
    {
      g_assert_true (rv_rate_limiter_try_take (limiter, 42, &wait));
      g_assert_cmpint (wait, ==, 0);
      g_assert_true (rv_rate_limiter_try_take (negative, 42, NULL));
    }

  /* From unlimited to limited with nothing taken: the first token is there at once. */
  {
    g_autoptr(RvRateLimiter) l = rv_rate_limiter_new (0, 1);

    rv_rate_limiter_set_rate (l, 60, 0);
    g_assert_true (rv_rate_limiter_try_take (l, 0, NULL));
    g_assert_false (rv_rate_limiter_try_take (l, 0, &wait));
    g_assert_cmpint (wait, ==, SECOND);
  }
}

static void
test_burst (void)
{
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (60, 3);
  gint64 wait = -1;

  /* A full bucket of three, then one a second. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (rv_rate_limiter_try_take (limiter, 0, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, 0, &wait));
  g_assert_cmpint (wait, ==, SECOND);
  g_assert_true (rv_rate_limiter_try_take (limiter, SECOND, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, SECOND, &wait));

  /* Idle for a minute: the bucket holds three again, not sixty. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (rv_rate_limiter_try_take (limiter, 2 * MINUTE, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, 2 * MINUTE, &wait));
  g_assert_cmpint (wait, ==, SECOND);

  /* A larger bucket lets only what fits in it go: one more token now. */
  g_assert_cmpuint (rv_rate_limiter_get_burst (limiter), ==, 3);
  rv_rate_limiter_set_burst (limiter, 4);
  g_assert_cmpuint (rv_rate_limiter_get_burst (limiter), ==, 4);
  g_assert_true (rv_rate_limiter_try_take (limiter, 2 * MINUTE, NULL));
  g_assert_false (rv_rate_limiter_try_take (limiter, 2 * MINUTE, &wait));
  g_assert_cmpint (wait, ==, SECOND);

  /* A bucket of one again: evenly spaced from the last token owed. */
  rv_rate_limiter_set_burst (limiter, 0);
  g_assert_cmpuint (rv_rate_limiter_get_burst (limiter), ==, 1);
  g_assert_false (rv_rate_limiter_try_take (limiter, 2 * MINUTE + SECOND, &wait));
  g_assert_cmpint (wait, ==, 3 * SECOND);
}

static void
test_burst_window (void)
{
  /* A bucket of B at a rate lowered by B - 1 never exceeds the rate in a minute: what
   * the engine does above one request a millisecond.
   */
  const guint rate = 180000;
  const guint burst = 6;
  g_autoptr(RvRateLimiter) limiter = rv_rate_limiter_new (rate - (burst - 1), burst);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 now = 0;

  /* Callers that come back every millisecond or so, for three minutes. */
  while (now < 3 * MINUTE)
    {
      if (!rv_rate_limiter_try_take (limiter, now, NULL))
        now += 1000 + g_test_rand_int_range (0, 200);
      else
        g_array_append_val (times, now);
    }

  g_assert_cmpuint (max_in_window (times, MINUTE), <=, rate);
  g_assert_cmpuint (max_in_window (times, MINUTE), >=, rate * 0.95);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-limiter/even-spacing", test_even_spacing);
  g_test_add_func ("/rate-limiter/window-random", test_window_random);
  g_test_add_func ("/rate-limiter/window-exact", test_window_exact);
  g_test_add_func ("/rate-limiter/hold", test_hold);
  g_test_add_func ("/rate-limiter/rate-change", test_rate_change);
  g_test_add_func ("/rate-limiter/unlimited", test_unlimited);
  g_test_add_func ("/rate-limiter/burst", test_burst);
  g_test_add_func ("/rate-limiter/burst-window", test_burst_window);

  return g_test_run ();
}
