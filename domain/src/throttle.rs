//! How many failed sign-ins an account takes before it is locked for a while.
//!
//! Failures are counted per email in the database, so every server instance
//! sees the same count: a guesser cannot spread attempts over instances.

/// Failed sign-ins allowed in [`WINDOW_SECONDS`]; the next attempt waits.
pub const MAX_FAILURES: u32 = 5;
/// The window failures are counted over.
pub const WINDOW_SECONDS: i64 = 15 * 60;

/// Failed sign-ins for one key within the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentFailures {
    pub count: u32,
    /// When the oldest of them happened (unix seconds).
    pub oldest: Option<i64>,
}

/// The key failures are counted under for an email (any case).
pub fn key_for_email(email: &crate::Email) -> String {
    format!("email:{}", email.as_str().to_lowercase())
}

/// `Ok` when another attempt may be made now, else how many seconds until
/// the oldest failure leaves the window.
pub fn check(recent: RecentFailures, now: i64) -> Result<(), i64> {
    if recent.count < MAX_FAILURES {
        return Ok(());
    }
    let oldest = recent.oldest.unwrap_or(now);
    Err((oldest + WINDOW_SECONDS - now).max(1))
}

/// "3 minutes", "1 minute", "under a minute".
pub fn wait_in_words(seconds: i64) -> String {
    match (seconds + 59) / 60 {
        0 | 1 if seconds < 60 => "under a minute".to_string(),
        1 => "1 minute".to_string(),
        minutes => format!("{minutes} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_failures_are_allowed() {
        let recent = RecentFailures {
            count: MAX_FAILURES - 1,
            oldest: Some(0),
        };
        assert_eq!(check(recent, 10), Ok(()));
        assert_eq!(check(RecentFailures::default(), 10), Ok(()));
    }

    #[test]
    fn too_many_wait_until_the_oldest_leaves_the_window() {
        let recent = RecentFailures {
            count: MAX_FAILURES,
            oldest: Some(1_000),
        };
        assert_eq!(check(recent, 1_000 + 60), Err(WINDOW_SECONDS - 60));
        assert_eq!(check(recent, 1_000 + WINDOW_SECONDS + 5), Err(1));
    }

    #[test]
    fn keys_ignore_case_and_waits_read_as_words() {
        let a = crate::Email::parse("Ann@Example.com").unwrap();
        let b = crate::Email::parse("ann@example.com").unwrap();
        assert_eq!(key_for_email(&a), key_for_email(&b));
        assert_eq!(wait_in_words(30), "under a minute");
        assert_eq!(wait_in_words(60), "1 minute");
        assert_eq!(wait_in_words(61), "2 minutes");
        assert_eq!(wait_in_words(900), "15 minutes");
    }
}
