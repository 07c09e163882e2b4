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
