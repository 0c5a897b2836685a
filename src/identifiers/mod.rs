//! Mexican identifiers: parsing and validation of CURP, NSS, RFC and registro patronal,
//! name normalisation for look-ups, and a generator of valid synthetic people.
//!
//! This module owns the *format* rules of the identifiers (lengths, character classes per part,
//! date validity, state codes and check digits) and explains every failure in Spanish through
//! [`IdentifierError`]. It is pure: it must not do I/O, keep state, know about storage, the UI,
//! devices or sync, nor decide whether an identifier *exists* (only whether it is well formed).
//! It uses only `super::`/`self::` paths so it also compiles as a standalone crate.
//!
//! ```text
//! let curp = Curp::parse(" hegg560427mvzrrl04 ")?;   // trimmed and uppercased
//! curp.birth_date() == (1956, 4, 27); curp.state() == "VZ"; curp.sex() == Sex::Mujer
//! Nss::parse("12345678900")  →  Err: "NSS: el dígito verificador debería ser 3"
//! ```

/// Implements the shared boilerplate of an identifier newtype whose `parse` validates.
macro_rules! identifier_newtype {
    ($ty:ident) => {
        impl $ty {
            /// The normalised (trimmed, uppercase) identifier.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = super::error::IdentifierError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl ::std::convert::TryFrom<String> for $ty {
            type Error = super::error::IdentifierError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl ::std::convert::From<$ty> for String {
            fn from(id: $ty) -> String {
                id.0
            }
        }

        impl ::std::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

pub mod curp;
mod date;
pub mod error;
pub mod generate;
pub mod names;
pub mod nss;
pub mod registro_patronal;
pub mod rfc;
pub mod text;

pub use self::curp::{Curp, STATE_CODES, Sex};
pub use self::date::parse_date_iso;
pub use self::error::{CharClass, IdKind, IdentifierError, Part};
pub use self::generate::{SyntheticPerson, UNIQUE_CAPACITY, csv_header, synthetic_person};
pub use self::names::{name_tokens, normalize_name};
pub use self::nss::Nss;
pub use self::registro_patronal::RegistroPatronal;
pub use self::rfc::Rfc;
