//! Limits on anonymous writes: each public door admits so many requests per hour
//! from one client address, with the whole allowance usable at once and refilled
//! evenly over the hour (a token bucket). Past it the request is refused with 429
//! and `Retry-After` before anything is stored, so a refused submission takes no
//! protocol number. Each instance counts its own requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::WebError;

/// A public door that writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Door {
    /// Expressions of interest, by form or API, and their amendments.
    Expression,
    /// "Send me my link again".
    LinkResend,
    /// Additions and corrections to the observatory.
    Correction,
    /// Password reset requests.
    PasswordReset,
    /// Sign-in attempts.
    SignIn,
}

/// Requests per hour admitted from one client at each door; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub expressions: u32,
    pub link_resends: u32,
    pub corrections: u32,
    pub password_resets: u32,
    pub sign_ins: u32,
}

impl Default for RateLimits {
    /// Enough for an association's office sending the forms of its members from one
    /// address, far too few to fill a register.
    fn default() -> Self {
        RateLimits { expressions: 30, link_resends: 5, corrections: 10, password_resets: 10, sign_ins: 30 }
    }
}

impl RateLimits {
    fn per_hour(&self, door: Door) -> u32 {
        match door {
            Door::Expression => self.expressions,
            Door::LinkResend => self.link_resends,
            Door::Correction => self.corrections,
            Door::PasswordReset => self.password_resets,
            Door::SignIn => self.sign_ins,
        }
    }
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Buckets kept before the full ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

/// The counters of one instance.
#[derive(Clone)]
pub struct Limiter {
    limits: RateLimits,
    buckets: Arc<Mutex<HashMap<(Door, String), Bucket>>>,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter { limits, buckets: Arc::default() }
    }

    /// Admits one request from `client` at `door`, or answers how long to wait.
    pub fn admit(&self, door: Door, client: &str) -> Result<(), WebError> {
        self.admit_at(door, client, Instant::now()).map_err(WebError::TooManyRequests)
    }

    fn admit_at(&self, door: Door, client: &str, now: Instant) -> Result<(), Duration> {
        let per_hour = self.limits.per_hour(door);
        if per_hour == 0 {
            return Ok(());
        }
        let capacity = f64::from(per_hour);
        let per_second = capacity / 3600.0;
        // A poisoned lock only means another request panicked mid-update; the
        // counts are still usable.
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity);
        }
        let bucket = buckets.entry((door, client.to_string())).or_insert(Bucket { tokens: capacity, updated: now });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_second).ceil();
            Err(Duration::from_secs_f64(wait.max(1.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_allowance_then_waits_while_others_pass() {
        let limiter = Limiter::new(RateLimits { expressions: 3, ..RateLimits::default() });
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.admit_at(Door::Expression, "198.51.100.7", start).is_ok());
        }
        let wait = limiter.admit_at(Door::Expression, "198.51.100.7", start).unwrap_err();
        // One request in 20 minutes at 3 an hour.
        assert_eq!(wait, Duration::from_secs(1200));
        assert!(limiter.admit_at(Door::Expression, "203.0.113.9", start).is_ok());
        assert!(limiter.admit_at(Door::LinkResend, "198.51.100.7", start).is_ok());
        assert!(limiter.admit_at(Door::Expression, "198.51.100.7", start + Duration::from_secs(1200)).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limiter = Limiter::new(RateLimits { sign_ins: 0, ..RateLimits::default() });
        for _ in 0..1000 {
            assert!(limiter.admit_at(Door::SignIn, "x", Instant::now()).is_ok());
        }
    }
}
