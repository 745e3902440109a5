//! Timestamps are Unix seconds (UTC) everywhere they are stored; this turns
//! them into calendar dates without a date library.

/// `(year, month, day, hour, minute)` in UTC.
pub fn utc_parts(unix_seconds: i64) -> (i32, u32, u32, u32, u32) {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    (
        year,
        month,
        day,
        (secs / 3_600) as u32,
        (secs % 3_600 / 60) as u32,
    )
}

/// E.g. `21 Nov 2026, 09:30 UTC`.
pub fn format_utc(unix_seconds: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d, h, min) = utc_parts(unix_seconds);
    format!("{d} {} {y}, {h:02}:{min:02} UTC", MONTHS[(m - 1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_known_instants() {
        assert_eq!(utc_parts(0), (1970, 1, 1, 0, 0));
        assert_eq!(utc_parts(951_782_400), (2000, 2, 29, 0, 0));
        assert_eq!(format_utc(1_795_253_400), "21 Nov 2026, 09:30 UTC");
        assert_eq!(utc_parts(-1), (1969, 12, 31, 23, 59));
    }
}
