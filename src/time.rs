//! Times as the contract and 1688 write them, in whole seconds since the epoch (UTC).
//!
//! Only what kjb reads: ISO-8601 with a zone (`2026-11-27T12:00:00Z`, `…+08:00`, optional
//! fraction, which is dropped) and 1688's `yyyyMMddHHmmss[SSS]±hhmm`. No clock here: the core
//! stays sans-IO, and "now" is always an input.

/// Days from 1970-01-01 to the civil date (proleptic Gregorian), H. Hinnant's algorithm.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y.saturating_sub(1) } else { y };
    let era = y.div_euclid(400);
    let yoe = y.saturating_sub(era.saturating_mul(400));
    let mp = if m > 2 { m.saturating_sub(3) } else { m.saturating_add(9) };
    let doy =
        ((153i64.saturating_mul(mp).saturating_add(2)) / 5).saturating_add(d.saturating_sub(1));
    let doe = yoe
        .saturating_mul(365)
        .saturating_add(yoe / 4)
        .saturating_sub(yoe / 100)
        .saturating_add(doy);
    era.saturating_mul(146_097).saturating_add(doe).saturating_sub(719_468)
}

/// The civil date of a day count (inverse of [`days_from_civil`]).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.saturating_sub(era.saturating_mul(146_097));
    let yoe =
        (doe.saturating_sub(doe / 1460).saturating_add(doe / 36_524).saturating_sub(doe / 146_096))
            / 365;
    let y = yoe.saturating_add(era.saturating_mul(400));
    let doy = doe.saturating_sub(
        365i64.saturating_mul(yoe).saturating_add(yoe / 4).saturating_sub(yoe / 100),
    );
    let mp = (5i64.saturating_mul(doy).saturating_add(2)) / 153;
    let d = doy.saturating_sub((153i64.saturating_mul(mp).saturating_add(2)) / 5).saturating_add(1);
    let m = if mp < 10 { mp.saturating_add(3) } else { mp.saturating_sub(9) };
    (if m <= 2 { y.saturating_add(1) } else { y }, m, d)
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the epoch of a local date-time and its UTC offset in minutes; `None` when a
/// field is out of range.
fn epoch(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, offset_min: i64) -> Option<i64> {
    if !(1..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo)
        || h > 23
        || mi > 59
        || s > 60
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    Some(
        days.saturating_mul(86_400)
            .saturating_add(h.saturating_mul(3600))
            .saturating_add(mi.saturating_mul(60))
            .saturating_add(s)
            .saturating_sub(offset_min.saturating_mul(60)),
    )
}

/// `Z`, `±hh:mm` or `±hhmm` → minutes east of UTC.
fn zone(z: &str) -> Option<i64> {
    if z == "Z" || z == "z" {
        return Some(0);
    }
    let (sign, rest) = match z.as_bytes().first()? {
        b'+' => (1i64, z.get(1..)?),
        b'-' => (-1, z.get(1..)?),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|&c| c != ':').collect();
    if digits.len() != 4 || rest.len() > 5 {
        return None;
    }
    let h = num(digits.get(..2)?)?;
    let m = num(digits.get(2..)?)?;
    (h <= 14 && m <= 59).then(|| sign.saturating_mul(h.saturating_mul(60).saturating_add(m)))
}

/// ISO-8601 with a zone: `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±hh:mm)`.
pub(crate) fn parse_iso(t: &str) -> Option<i64> {
    let t = t.trim();
    if !t.is_ascii() || t.len() < 17 || t.len() > 40 {
        return None;
    }
    let date = t.get(..10)?;
    let sep = t.as_bytes().get(10)?;
    if !matches!(sep, b'T' | b't' | b' ')
        || date.as_bytes().get(4) != Some(&b'-')
        || date.as_bytes().get(7) != Some(&b'-')
    {
        return None;
    }
    let (y, mo, d) = (num(date.get(..4)?)?, num(date.get(5..7)?)?, num(date.get(8..10)?)?);
    let rest = t.get(11..)?;
    let zat = rest.bytes().position(|b| matches!(b, b'Z' | b'z' | b'+' | b'-'))?;
    let (clock, z) = (rest.get(..zat)?, rest.get(zat..)?);
    let clock = crate::text::split_once_byte(clock, b'.').map_or(clock, |(whole, _)| whole);
    let mut parts = crate::text::split_byte(clock, b':');
    let (h, mi, s) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(m), None, None) if h.len() == 2 && m.len() == 2 => (num(h)?, num(m)?, 0),
        (Some(h), Some(m), Some(s), None) if h.len() == 2 && m.len() == 2 && s.len() == 2 => {
            (num(h)?, num(m)?, num(s)?)
        }
        _ => return None,
    };
    epoch(y, mo, d, h, mi, s, zone(z)?)
}

/// 1688's `yyyyMMddHHmmss[SSS]±hhmm` (e.g. `20170913231708000-0700`).
pub(crate) fn parse_1688(t: &str) -> Option<i64> {
    let t = t.trim();
    if !t.is_ascii() {
        return None;
    }
    let zat = t.bytes().rposition(|b| b == b'+' || b == b'-')?;
    let (digits, z) = (t.get(..zat)?, t.get(zat..)?);
    if !(digits.len() == 14 || digits.len() == 17) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f = |a: usize, b: usize| digits.get(a..b).and_then(num);
    epoch(f(0, 4)?, f(4, 6)?, f(6, 8)?, f(8, 10)?, f(10, 12)?, f(12, 14)?, zone(z)?)
}

/// A time in either form.
#[inline(never)]
pub(crate) fn parse_any(t: &str) -> Option<i64> {
    parse_iso(t).or_else(|| parse_1688(t))
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
#[inline(never)]
pub(crate) fn format_iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// The start of the next UTC day after `secs`.
pub(crate) fn next_day(secs: i64) -> i64 {
    secs.div_euclid(86_400).saturating_add(1).saturating_mul(86_400)
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_times() {
        assert_eq!(parse_iso("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso("2026-11-27T12:00:00Z"), Some(1_795_780_800));
        assert_eq!(parse_iso("2026-11-27T20:00:00+08:00"), Some(1_795_780_800));
        assert_eq!(parse_iso("2026-11-27T20:00:00.123+0800"), Some(1_795_780_800));
        assert_eq!(parse_1688("20261127200000000+0800"), Some(1_795_780_800));
        assert_eq!(parse_1688("20170913231708000-0700"), parse_iso("2017-09-14T06:17:08Z"));
        assert_eq!(format_iso(1_795_780_800), "2026-11-27T12:00:00Z");
        for bad in [
            "",
            "2026-02-30T00:00:00Z",
            "2026-11-27T12:00:00",
            "2026-11-27",
            "x",
            "2026-11-27T25:00:00Z",
            "２026-11-27T12:00:00Z",
            "2026-11-27T12Z",
            "2026-11-27T12:00:00:00Z",
            "2026-11-27T12:0:00Z",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
        assert_eq!(parse_iso("2026-11-27T12:00Z"), Some(1_795_780_800));
        assert_eq!(next_day(1_795_780_800), 1_795_824_000);
    }

    proptest! {
        #[test]
        fn format_parse_round_trip(secs in -62_135_596_800i64..253_402_300_799) {
            prop_assert_eq!(parse_iso(&format_iso(secs)), Some(secs));
        }

        #[test]
        fn any_text_is_safe(t in "\\PC{0,40}") {
            let _ = parse_any(&t);
        }
    }
}
