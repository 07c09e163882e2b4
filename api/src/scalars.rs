//! Custom scalars.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Binary data as a standard (RFC 4648, padded) base64 string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64(pub Vec<u8>);

/// Binary data, as a standard base64 string (RFC 4648 §4, with padding).
#[Scalar(name = "Base64")]
impl ScalarType for Base64 {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => STANDARD
                .decode(s.as_bytes())
                .map(Base64)
                .map_err(|_| InputValueError::custom("not valid base64")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(STANDARD.encode(&self.0))
    }
}

/// A Unix-epoch seconds column as a `DateTime` (out-of-range values read as null).
pub fn from_epoch(secs: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(secs, 0)
}

/// A 64-bit signed integer column (a `BIGINT` id, a sequence number), as the `BigInt`
/// scalar. GraphQL's `Int` is 32-bit, and JavaScript numbers lose precision beyond 2^53,
/// so the value travels as a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BigInt(pub i64);

/// A 64-bit signed integer, serialised as a decimal string (JavaScript numbers lose
/// precision beyond 2^53); accepts a string or an integer on input.
#[Scalar(name = "BigInt")]
impl ScalarType for BigInt {
    fn parse(value: Value) -> InputValueResult<Self> {
        const EXPECTED: &str = "expected a 64-bit signed integer: a decimal string such as \
                                \"1099511627776\", or an integer";
        match &value {
            Value::Number(n) => n
                .as_i64()
                .map(BigInt)
                .ok_or_else(|| InputValueError::custom(format!("{EXPECTED}, got {n}"))),
            Value::String(s) => {
                let digits = s.strip_prefix('-').unwrap_or(s);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(InputValueError::custom(format!("{EXPECTED}, got {s:?}")));
                }
                s.parse::<i64>().map(BigInt).map_err(|_| {
                    InputValueError::custom(format!("{EXPECTED}, got {s:?} (out of range)"))
                })
            }
            _ => Err(InputValueError::custom(format!("{EXPECTED}, got {value}"))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

impl From<i64> for BigInt {
    fn from(n: i64) -> Self {
        BigInt(n)
    }
}

impl From<BigInt> for i64 {
    fn from(n: BigInt) -> Self {
        n.0
    }
}

impl From<BigInt> for sea_orm::Value {
    fn from(n: BigInt) -> Self {
        n.0.into()
    }
}

/// A count or size as GraphQL's 32-bit `Int`, saturating at `i32::MAX` (or `i32::MIN`)
/// instead of wrapping or panicking.
pub fn int<N: TryInto<i32> + PartialOrd + Default + Copy>(n: N) -> i32 {
    n.try_into()
        .unwrap_or(if n < N::default() { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_saturate_into_an_int() {
        assert_eq!(int(5u64), 5);
        assert_eq!(int(u64::MAX), i32::MAX);
        assert_eq!(int(i64::from(i32::MAX) + 1), i32::MAX);
        assert_eq!(int(i64::MIN), i32::MIN);
        assert_eq!(int(usize::MAX), i32::MAX);
    }

    #[test]
    fn bigints_read_strings_and_integers_and_write_strings() {
        let parse = |v: Value| {
            <BigInt as ScalarType>::parse(v)
                .map_err(|e| e.into_server_error(Default::default()).message)
        };
        assert_eq!(parse(Value::from("-42")), Ok(BigInt(-42)));
        assert_eq!(parse(Value::from(i64::MAX)), Ok(BigInt(i64::MAX)));
        assert_eq!(
            parse(Value::from(i64::MAX.to_string())),
            Ok(BigInt(i64::MAX))
        );
        for bad in [
            Value::from("12abc"),
            Value::from("+1"),
            Value::from("-"),
            Value::from(u64::MAX),
            Value::from(1.5),
        ] {
            let message = parse(bad.clone()).unwrap_err();
            assert!(
                message.contains("expected a 64-bit signed integer"),
                "{bad}: {message}"
            );
        }
        assert_eq!(BigInt(1 << 40).to_value(), Value::from("1099511627776"));
    }
}
