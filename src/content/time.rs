//! Times and durations as front-matter writes them: a calendar day or an RFC 3339
//! instant, a date and time in the site's time zone, a clock time on the incident's
//! day, and `1h30m`-style durations. Pure functions; no messages.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};

use crate::config::Config;

/// `date`: a calendar day, or an RFC 3339 datetime whose calendar day is kept as written.
pub(crate) fn parse_date_field(text: &str, config: &Config) -> Option<(Date, Option<Timestamp>)> {
    let text = text.trim();
    if text.len() == 10 {
        return text.parse::<Date>().ok().map(|d| (d, None));
    }
    let day: Date = text.get(..10)?.parse().ok()?;
    let instant = parse_timestamp(text, config)?;
    Some((day, Some(instant)))
}

/// RFC 3339, or a date and time without offset (in the config's time zone).
pub(crate) fn parse_timestamp(text: &str, config: &Config) -> Option<Timestamp> {
    let text = text.trim();
    if text.len() < 16 {
        return None;
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    let normalised = text.replacen(' ', "T", 1);
    let local: DateTime = normalised.parse().ok()?;
    local_to_timestamp(local, config)
}

/// `HH:MM` (or `HH:MM:SS`) on `date`, in the config's time zone.
pub(crate) fn parse_clock(text: &str, date: Date, config: &Config) -> Option<Timestamp> {
    let text = text.trim();
    if !(text.len() == 5 || text.len() == 8) {
        return None;
    }
    let time: Time = text.parse().ok()?;
    local_to_timestamp(date.to_datetime(time), config)
}

/// At a daylight-saving fold, the earlier instant (SPEC §2).
fn local_to_timestamp(local: DateTime, config: &Config) -> Option<Timestamp> {
    config.timezone.to_ambiguous_timestamp(local).earlier().ok()
}

/// `4h`, `314m`, `1h30m`, `2d`, `1d 2h` in whole minutes.
pub(crate) fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut saw_unit = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
        } else if c == ' ' {
            continue;
        } else {
            let factor = match c {
                'd' => 24 * 60,
                'h' => 60,
                'm' => 1,
                _ => return None,
            };
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(factor)?)?;
            number.clear();
            saw_unit = true;
        }
    }
    (saw_unit && number.is_empty()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_without_offset_use_the_config_zone_and_earlier_fold() {
        let config = Config {
            timezone: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
            ..Config::default()
        };
        let ts = parse_timestamp("2023-10-29 02:30", &config).unwrap();
        assert_eq!(ts.to_string(), "2023-10-29T00:30:00Z");
        let ts = parse_timestamp("2023-07-01T12:00:00+00:00", &config).unwrap();
        assert_eq!(ts.to_string(), "2023-07-01T12:00:00Z");
    }

    #[test]
    fn durations_parse_to_minutes() {
        assert_eq!(parse_duration("4h"), Some(240));
        assert_eq!(parse_duration("314m"), Some(314));
        assert_eq!(parse_duration("1h30m"), Some(90));
        assert_eq!(parse_duration("2d"), Some(2880));
        assert_eq!(parse_duration("1d 2h"), Some(1560));
        assert_eq!(parse_duration("4"), None);
        assert_eq!(parse_duration("4x"), None);
        assert_eq!(parse_duration(""), None);
    }
}
