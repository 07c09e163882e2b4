use std::fmt;
use std::str::FromStr;

/// One of the five bounded contexts Mosaic serves. Each has its own tables, its own
/// migrations and its own connection pool (a PostgreSQL schema or a SQLite file).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    /// Atrarium: AT Protocol community feeds.
    Atrarium,
    /// Orquestra: Solana IDL projects and API keys.
    Orquestra,
    /// Bellamy Book: social network.
    Bellamy,
    /// PDS: AT Protocol personal data server.
    Pds,
    /// Inner Universe: knowledge graph, versioned state, event log.
    Universe,
}

impl Domain {
    /// Every domain, in a fixed order.
    pub const ALL: [Domain; 5] = [
        Domain::Atrarium,
        Domain::Orquestra,
        Domain::Bellamy,
        Domain::Pds,
        Domain::Universe,
    ];

    /// The domain's name: its PostgreSQL schema, its SQLite file stem and its CLI name.
    pub const fn name(self) -> &'static str {
        match self {
            Domain::Atrarium => "atrarium",
            Domain::Orquestra => "orquestra",
            Domain::Bellamy => "bellamy",
            Domain::Pds => "pds",
            Domain::Universe => "universe",
        }
    }

    /// Position in [`Domain::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the five domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownDomain(pub String);

impl fmt::Display for UnknownDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown domain `{}` (expected one of: atrarium, orquestra, bellamy, pds, universe)",
            self.0
        )
    }
}

impl std::error::Error for UnknownDomain {}

impl FromStr for Domain {
    type Err = UnknownDomain;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Domain::ALL
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownDomain(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Domain::ALL {
            assert_eq!(d.name().parse::<Domain>(), Ok(d));
            assert_eq!(Domain::ALL[d.index()], d);
        }
        assert_eq!(
            "nope".parse::<Domain>(),
            Err(UnknownDomain("nope".to_owned()))
        );
    }
}
