//! Base58 in the Bitcoin alphabet, as multibase `z` (Multikeys) and Solana addresses
//! use it.

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// `bytes` in base58 (each leading zero byte is a `1`).
pub fn encode(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let mut digits: Vec<u8> = Vec::new();
    for &byte in &bytes[zeros..] {
        let mut carry = u32::from(byte);
        for d in &mut digits {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let mut out = "1".repeat(zeros);
    out.extend(
        digits
            .iter()
            .rev()
            .map(|&d| char::from(ALPHABET[usize::from(d)])),
    );
    out
}

/// The bytes of base58 `text`; `None` for a character outside the alphabet. Quadratic
/// in the length: meant for keys and addresses, not bulk data.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    // Big-endian base-256 accumulator.
    let mut out: Vec<u8> = Vec::new();
    for c in text.bytes() {
        let mut carry = ALPHABET.iter().position(|&x| x == c)? as u32;
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = text.bytes().take_while(|&c| c == b'1').count();
    let mut result = vec![0u8; zeros];
    result.extend(out.into_iter().skip_while(|&b| b == 0));
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_has_its_known_shapes_and_round_trips() {
        assert_eq!(encode(b"hello world"), "StV1DL6CwTryKyV");
        assert_eq!(encode(&[0, 0, 1]), "112");
        for bytes in [&b""[..], &[0], &[0, 0, 1], b"hello world", &[255; 33]] {
            assert_eq!(decode(&encode(bytes)).as_deref(), Some(bytes), "{bytes:?}");
        }
        assert_eq!(decode("0OIl"), None);
    }
}
