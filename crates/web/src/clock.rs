//! The server's clock. Rules take the current instant as an argument; the web layer
//! reads it here, so tests can set the time (a deadline, to the minute).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

#[derive(Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands still at `now` until set again.
    pub fn fixed(now: DateTime<Utc>) -> Clock {
        Clock { fixed: Some(Arc::new(Mutex::new(now))) }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            Some(fixed) => *fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            None => Utc::now(),
        }
    }

    /// Moves a fixed clock; the system clock cannot be moved.
    pub fn set(&self, now: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            *fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = now;
        }
    }
}
