//! The general minimum daily wage in force on a date, from a dated table with its official
//! source per row.
//!
//! Mexico has two areas since 2019: the *zona libre de la frontera norte* (43 border
//! municipalities) and the rest of the country (*salario mínimo general*). A movement carries
//! the employer's registration, not the workplace's municipality, so the check uses the
//! general wage (the lower one): it refuses what is certainly illegal anywhere and never
//! refuses a legal border salary. The border wage is kept in the table for documents and for
//! a later per-employer zone.
//!
//! Owns the table and the lookup; a new year is one new row.

/// One year's minimum wages, in force from `from` (inclusive) until the next row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WageRow {
    /// First day in force, `YYYY-MM-DD`.
    pub from: &'static str,
    /// General minimum daily wage, in centavos.
    pub general_cents: u64,
    /// Minimum daily wage of the zona libre de la frontera norte, in centavos.
    pub border_cents: u64,
    /// The official source (CONASAMI resolution published in the Diario Oficial).
    pub source: &'static str,
}

/// The table, oldest first.
pub const TABLE: [WageRow; 8] = [
    WageRow {
        from: "2019-01-01",
        general_cents: 10_268,
        border_cents: 17_672,
        source: "DOF 26/12/2018, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2020-01-01",
        general_cents: 12_322,
        border_cents: 18_556,
        source: "DOF 23/12/2019, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2021-01-01",
        general_cents: 14_170,
        border_cents: 21_339,
        source: "DOF 23/12/2020, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2022-01-01",
        general_cents: 17_287,
        border_cents: 26_034,
        source: "DOF 08/12/2021, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2023-01-01",
        general_cents: 20_744,
        border_cents: 31_241,
        source: "DOF 07/12/2022, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2024-01-01",
        general_cents: 24_893,
        border_cents: 37_489,
        source: "DOF 12/12/2023, Resolución del H. Consejo de Representantes de la CONASAMI",
    },
    WageRow {
        from: "2025-01-01",
        general_cents: 27_880,
        border_cents: 41_988,
        source: "DOF diciembre de 2024, Resolución del H. Consejo de Representantes de la \
                 CONASAMI (acordada el 4/12/2024)",
    },
    WageRow {
        from: "2026-01-01",
        general_cents: 31_504,
        border_cents: 44_087,
        source: "DOF diciembre de 2025, Resolución del H. Consejo de Representantes de la \
                 CONASAMI (acordada el 3/12/2025)",
    },
];

/// The row in force on `date` (`YYYY-MM-DD`); `None` before the table's first day.
pub fn in_force(date: &str) -> Option<&'static WageRow> {
    TABLE.iter().rev().find(|r| r.from <= date)
}

/// Parses a peso amount (`315.04`, `315.4`, `315`) into centavos.
pub fn cents(amount: &str) -> Option<u64> {
    let (int, dec) = amount.trim().split_once('.').unwrap_or((amount.trim(), ""));
    if int.is_empty() || int.len() > 9 || dec.len() > 2 {
        return None;
    }
    if !int.bytes().chain(dec.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: u64 = match dec.len() {
        0 => 0,
        1 => dec.parse::<u64>().ok()? * 10,
        _ => dec.parse().ok()?,
    };
    Some(int.parse::<u64>().ok()? * 100 + frac)
}

/// Centavos as pesos with two decimals.
pub fn pesos(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_in_force_changes_on_the_first_of_january() {
        assert_eq!(in_force("2018-12-31"), None);
        assert_eq!(
            in_force("2019-01-01").map(|r| r.general_cents),
            Some(10_268)
        );
        assert_eq!(
            in_force("2025-12-31").map(|r| r.general_cents),
            Some(27_880)
        );
        assert_eq!(
            in_force("2026-01-01").map(|r| r.general_cents),
            Some(31_504)
        );
        assert_eq!(in_force("2031-06-01").map(|r| r.from), Some("2026-01-01"));
        assert!(TABLE.windows(2).all(|w| w[0].from < w[1].from));
        assert!(TABLE.iter().all(|r| r.border_cents > r.general_cents));
    }

    #[test]
    fn amounts_parse_to_centavos() {
        assert_eq!(cents("315.04"), Some(31_504));
        assert_eq!(cents("315.4"), Some(31_540));
        assert_eq!(cents("315"), Some(31_500));
        assert_eq!(cents("0"), Some(0));
        assert_eq!(cents("-1"), None);
        assert_eq!(cents("1.234"), None);
        assert_eq!(cents("abc"), None);
        assert_eq!(pesos(31_504), "315.04");
    }
}
