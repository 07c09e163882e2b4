//! TIDs, the AT Protocol's timestamp identifiers (record keys, repository revs): a 64-bit
//! value with the top bit clear, 53 bits of microseconds since the Unix epoch and a
//! 10-bit clock id, written as 13 characters of the sortable base32 alphabet
//! `234567abcdefghijklmnopqrstuvwxyz`. TIDs sort as text in the order of their values.

use chrono::{DateTime, Utc};

/// The sortable base32 alphabet, in value order.
const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";
/// The characters of a TID.
const LEN: usize = 13;
/// The bits a TID holds (the top one of 64 is always clear).
const MASK: u64 = 0x7fff_ffff_ffff_ffff;

/// The TID of a 63-bit value (the top bit is cleared).
pub fn encode(value: u64) -> String {
    let value = value & MASK;
    (0..LEN)
        .rev()
        .map(|i| char::from(ALPHABET[((value >> (i * 5)) & 31) as usize]))
        .collect()
}

/// The value of a TID; `None` if `s` is not one ([`is_tid`]).
pub fn decode(s: &str) -> Option<u64> {
    if s.len() != LEN
        || !s
            .bytes()
            .next()
            .is_some_and(|c| ALPHABET[..16].contains(&c))
    {
        return None;
    }
    s.bytes().try_fold(0u64, |acc, c| {
        let v = ALPHABET.iter().position(|&x| x == c)? as u64;
        Some((acc << 5) | v)
    })
}

/// Whether `s` is a TID: 13 sortable base32 characters whose first has the top bit clear
/// (`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`).
pub fn is_tid(s: &str) -> bool {
    decode(s).is_some()
}

/// The TID of `micros` microseconds since the epoch (negative: 0) and clock id `clock`
/// (its low 10 bits).
pub fn of_micros(micros: i64, clock: u64) -> String {
    let micros = u64::try_from(micros).unwrap_or(0);
    encode((micros << 10) | (clock & 0x3ff))
}

/// The TID of the instant `at` with clock id `clock` (its low 10 bits).
pub fn of_time(at: DateTime<Utc>, clock: u64) -> String {
    of_micros(at.timestamp_micros(), clock)
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn tids_are_13_sortable_characters() {
        let a = of_micros(1_756_684_800_000_000, 1);
        let b = of_micros(1_756_684_800_000_001, 0);
        assert_eq!(a.len(), 13);
        assert!(a < b, "{a} < {b}");
        assert!(a.starts_with('3'), "{a}");
        let t = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(of_time(t, 0).len(), 13);
        assert!(of_time(t, 5) < of_time(t + Duration::microseconds(1), 0));
        let now = Utc::now();
        let rev = of_time(now, 0);
        assert!(is_tid(&rev), "{rev}");
        assert!(of_time(now + Duration::microseconds(1), 0) > rev);
    }

    #[test]
    fn tids_round_trip_and_sort_like_their_values() {
        let values = [
            0,
            1,
            31,
            32,
            (1_756_684_800_000_000 << 10) | 7,
            MASK - 1,
            MASK,
        ];
        for v in values {
            assert_eq!(decode(&encode(v)), Some(v), "{v}");
        }
        assert_eq!(encode(u64::MAX), encode(MASK), "the top bit is cleared");
        for pair in values.windows(2) {
            assert!(encode(pair[0]) < encode(pair[1]), "{pair:?}");
        }
        assert_eq!(of_micros(-5, 0), encode(0));
        assert_eq!(
            of_micros(1, 1025),
            encode((1 << 10) | 1),
            "clock: low 10 bits"
        );
    }

    #[test]
    fn what_is_not_a_tid_is_refused() {
        for bad in [
            "3jzfcijpj2z2",
            "3jzfcijpj2z2aa",
            "kjzfcijpj2z2a",
            "3jzfcijpj2z21",
            "3JZFCIJPJ2Z2A",
        ] {
            assert!(!is_tid(bad), "{bad}");
            assert_eq!(decode(bad), None, "{bad}");
        }
        assert!(is_tid("3jzfcijpj2z2a"));
    }
}
