//! Deterministic synthetic people with valid identifiers, for tests, the demo and benchmarks.
//!
//! `synthetic_person(seed, index)` draws everything from a `StdRng` seeded from both numbers,
//! except the parts that make identifiers unique, which are *computed* from the index:
//!
//! - CURP: the pair (birth date, disambiguation character) is a bijection of
//!   `index mod UNIQUE_CAPACITY`: a slot `(index·P + offset(seed)) mod CAPACITY` (P coprime
//!   with the capacity) is split into a day between 1955-01-01 and 2007-12-31 and one of 10
//!   disambiguation characters (`0-9` before 2000, `A-J` from 2000). Since the CURP spells the
//!   date and the disambiguation character (which also fixes the century), two indexes below
//!   [`UNIQUE_CAPACITY`] never share a CURP, whatever the names.
//! - NSS: (subdelegación, sequence) = `(index·Q + offset(seed)) mod 10⁶` split into 2 + 4
//!   digits, Q coprime with 10⁶, so NSSs are distinct for indexes below 10⁶.
//!
//! Different seeds may produce the same identifiers.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::curp::{self, Curp, STATE_CODES};
use super::date;
use super::names::curp_name_letters;
use super::nss::{self, Nss};
use super::registro_patronal::RegistroPatronal;
use super::rfc::{self, Rfc};

const MALE_NAMES: [&str; 32] = [
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jesús",
    "Miguel Ángel",
    "José Luis",
    "Juan Carlos",
    "Francisco",
    "Alejandro",
    "Fernando",
    "Jorge",
    "Ricardo",
    "Roberto",
    "Eduardo",
    "Javier",
    "Daniel",
    "Raúl",
    "Sergio",
    "Martín",
    "Arturo",
    "Héctor",
    "Óscar",
    "Andrés",
    "Ángel",
    "Iván",
    "Rubén",
    "Ramón",
    "Efraín",
    "Joaquín",
    "Tomás",
    "Julián",
];

const FEMALE_NAMES: [&str; 32] = [
    "María",
    "Guadalupe",
    "María Guadalupe",
    "Juana",
    "Verónica",
    "Leticia",
    "Rosa María",
    "Patricia",
    "Elizabeth",
    "Gabriela",
    "Adriana",
    "Alejandra",
    "Mónica",
    "Claudia",
    "Araceli",
    "Silvia",
    "Yolanda",
    "Martha",
    "Ana Sofía",
    "María Fernanda",
    "Ximena",
    "Valeria",
    "Daniela",
    "Lucía",
    "Inés",
    "Mariana",
    "Itzel",
    "Citlali",
    "Belén",
    "Noemí",
    "Sofía",
    "María José",
];

const SURNAMES: [&str; 82] = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Rojas",
    "Salazar",
    "Contreras",
    "Luna",
    "Ortega",
    "Guerrero",
    "Estrada",
    "Bautista",
    "Cortés",
    "Soto",
    "Alvarado",
    "Espinoza",
    "Lara",
    "Ávila",
    "Ríos",
    "Cervantes",
    "Silva",
    "Delgado",
    "Vega",
    "Márquez",
    "Sandoval",
    "Fernández",
    "León",
    "Carrillo",
    "Mejía",
    "Solís",
    "Núñez",
    "Rosas",
    "Valdez",
    "Ibarra",
    "Campos",
    "Santiago",
    "Navarro",
    "Peña",
    "Maldonado",
    "Cabrera",
    "Zúñiga",
    "Ochoa",
    "Ibáñez",
    "De la Cruz",
    "Del Ángel",
    "Montes de Oca",
];

/// Movement regimes, as written in the pre-registration CSV.
const REGIMENES: [&str; 3] = ["permanente", "eventual", "construccion"];

/// First and last birth dates generated (workers aged about 18 to 70).
const FIRST_BIRTH: i64 = date::days_from_civil(1955, 1, 1);
const LAST_BIRTH: i64 = date::days_from_civil(2007, 12, 31);
const BIRTH_DAYS: u64 = (LAST_BIRTH - FIRST_BIRTH + 1) as u64;
/// Disambiguation characters per birth date used by the generator.
const DISAMBIGUATIONS: u64 = 10;

/// Indexes below this give distinct CURPs (and NSSs) for one seed.
pub const UNIQUE_CAPACITY: u64 = BIRTH_DAYS * DISAMBIGUATIONS;
/// Multiplier scattering CURP slots (coprime with [`UNIQUE_CAPACITY`]).
const CURP_STRIDE: u64 = 7_919;
/// Number of distinct (subdelegación, sequence) pairs.
const NSS_SPACE: u64 = 1_000_000;
/// Multiplier scattering NSS slots (coprime with 10⁶).
const NSS_STRIDE: u64 = 387_419;

const fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}
const _: () = assert!(gcd(CURP_STRIDE, UNIQUE_CAPACITY) == 1);
const _: () = assert!(gcd(NSS_STRIDE, NSS_SPACE) == 1);
const _: () = assert!(UNIQUE_CAPACITY <= NSS_SPACE);

/// Last day of the `fecha_alta` range.
const LAST_ALTA: i64 = date::days_from_civil(2025, 12, 31);
/// First day of the `fecha_alta` range.
const FIRST_ALTA: i64 = date::days_from_civil(2010, 1, 1);

/// One synthetic person with valid, mutually consistent identifiers and a CSV row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyntheticPerson {
    /// CURP derived from the names, birth date, sex and state.
    pub curp: Curp,
    /// NSS with the birth year in digits 5-6.
    pub nss: Nss,
    /// RFC sharing the CURP's first ten characters.
    pub rfc: Rfc,
    /// Given name(s), with accents.
    pub nombre: String,
    /// First surname, with accents.
    pub primer_apellido: String,
    /// Second surname, with accents.
    pub segundo_apellido: String,
    /// Birth date `YYYY-MM-DD`.
    pub fecha_nacimiento: String,
    /// `H`, `M` or `X`.
    pub sexo: char,
    /// Two-letter state code of the CURP.
    pub entidad: String,
    /// Employer registration (one of a few hundred employers per seed).
    pub registro_patronal: RegistroPatronal,
    /// Daily base salary in pesos with two decimals, e.g. `"315.04"`.
    pub salario_diario: String,
    /// Start date with the employer, `YYYY-MM-DD`.
    pub fecha_alta: String,
    /// `permanente`, `eventual` or `construccion`.
    pub regimen: &'static str,
}

/// Header line of the employer pre-registration CSV.
pub fn csv_header() -> &'static str {
    "curp,nss,rfc,nombre,primer_apellido,segundo_apellido,fecha_nacimiento,sexo,entidad,registro_patronal,salario_diario,fecha_alta,regimen"
}

/// Quotes a CSV field only if it contains a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl SyntheticPerson {
    /// The person as one CSV line (no line terminator) in [`csv_header`] column order.
    pub fn csv_row(&self) -> String {
        let sexo = self.sexo.to_string();
        let fields: [&str; 13] = [
            self.curp.as_str(),
            self.nss.as_str(),
            self.rfc.as_str(),
            &self.nombre,
            &self.primer_apellido,
            &self.segundo_apellido,
            &self.fecha_nacimiento,
            &sexo,
            &self.entidad,
            self.registro_patronal.as_str(),
            &self.salario_diario,
            &self.fecha_alta,
            self.regimen,
        ];
        fields
            .iter()
            .map(|f| csv_field(f))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// SplitMix64 finaliser, used to derive independent seeds.
const fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn iso(days: i64) -> String {
    let (y, m, d) = date::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

fn two_digits(n: i64) -> String {
    format!("{:02}", n.rem_euclid(100))
}

/// Registro patronal of employer number `employer` of a seed: a letter and 10 digits.
fn registro_patronal(seed: u64, employer: u64) -> RegistroPatronal {
    let mut rng = StdRng::seed_from_u64(mix(seed ^ mix(0x5EED_0000_0000 + employer)));
    let letters = b"ABCDEFGHJKLMNPRSTVWYZ";
    let letter = letters.choose(&mut rng).map_or('Y', |b| char::from(*b));
    let digits: String = (0..10)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect();
    RegistroPatronal(format!("{letter}{digits}"))
}

/// The `index`-th synthetic person of `seed`; the same arguments always give the same person.
pub fn synthetic_person(seed: u64, index: u64) -> SyntheticPerson {
    let mut rng = StdRng::seed_from_u64(mix(seed ^ mix(index)));

    // Birth date and disambiguation character: injective in `index mod UNIQUE_CAPACITY`.
    let slot = ((index % UNIQUE_CAPACITY) * CURP_STRIDE + mix(seed ^ 0xC0) % UNIQUE_CAPACITY)
        % UNIQUE_CAPACITY;
    // `slot / 10 < BIRTH_DAYS`, far below i64::MAX.
    let birth = FIRST_BIRTH + i64::try_from(slot / DISAMBIGUATIONS).unwrap_or(0);
    let dis_index = u8::try_from(slot % DISAMBIGUATIONS).unwrap_or(0);
    let (by, bm, bd) = date::civil_from_days(birth);
    let disambiguation = char::from(if by < 2000 { b'0' } else { b'A' } + dis_index);

    let sexo = match rng.gen_range(0..100) {
        0 => 'X',
        n if n % 2 == 0 => 'H',
        _ => 'M',
    };
    let nombre = match sexo {
        'H' => pick(&mut rng, &MALE_NAMES),
        'M' => pick(&mut rng, &FEMALE_NAMES),
        _ => {
            if rng.gen_bool(0.5) {
                pick(&mut rng, &MALE_NAMES)
            } else {
                pick(&mut rng, &FEMALE_NAMES)
            }
        }
    };
    let primer_apellido = pick(&mut rng, &SURNAMES);
    let segundo_apellido = pick(&mut rng, &SURNAMES);
    let entidad = if rng.gen_range(0..50) == 0 {
        "NE"
    } else {
        pick(&mut rng, &STATE_CODES[..32])
    };

    let (initials, consonants) = curp_name_letters(primer_apellido, segundo_apellido, nombre);
    let curp17 = format!(
        "{initials}{}{bm:02}{bd:02}{sexo}{entidad}{consonants}{disambiguation}",
        two_digits(by)
    );
    let curp = Curp(format!(
        "{curp17}{}",
        curp::check_digit(&curp17).unwrap_or('0')
    ));

    let homoclave_chars = b"123456789ABCDEFGHIJKLMNPQRSTUVWXYZ";
    let homoclave: String = (0..2)
        .map(|_| {
            homoclave_chars
                .choose(&mut rng)
                .map_or('1', |b| char::from(*b))
        })
        .collect();
    let rfc12 = format!("{}{homoclave}", curp17.get(..10).unwrap_or(""));
    let rfc = Rfc(format!(
        "{rfc12}{}",
        rfc::check_digit(&rfc12).unwrap_or('0')
    ));

    // Start date: after the 18th birthday (day clamped to 28 for 29 February) and from 2010.
    let adult = date::days_from_civil(by + 18, bm, bd.min(28));
    let alta = rng.gen_range(adult.max(FIRST_ALTA)..=LAST_ALTA.max(adult));
    let alta_year = date::civil_from_days(alta).0;

    let nss_slot = ((index % NSS_SPACE) * NSS_STRIDE + mix(seed ^ 0x55) % NSS_SPACE) % NSS_SPACE;
    let registration_year = rng.gen_range((by + 16).min(alta_year)..=alta_year);
    let nss10 = format!(
        "{:02}{}{}{:04}",
        nss_slot / 10_000,
        two_digits(registration_year),
        two_digits(by),
        nss_slot % 10_000
    );
    let nss = Nss(format!(
        "{nss10}{}",
        nss::check_digit(&nss10).unwrap_or('0')
    ));

    let employer = rng.gen_range(0..250u64);
    // Skewed towards the minimum wage (278.80 in 2025), capped at 2,500.00.
    let u: f64 = rng.r#gen();
    let cents = 27_880 + (u * u * u * 222_120.0) as u32;
    let regimen = match rng.gen_range(0..10) {
        0..=6 => REGIMENES[0],
        7 | 8 => REGIMENES[1],
        _ => REGIMENES[2],
    };

    SyntheticPerson {
        curp,
        nss,
        rfc,
        nombre: nombre.to_owned(),
        primer_apellido: primer_apellido.to_owned(),
        segundo_apellido: segundo_apellido.to_owned(),
        fecha_nacimiento: iso(birth),
        sexo,
        entidad: entidad.to_owned(),
        registro_patronal: registro_patronal(seed, employer),
        salario_diario: format!("{}.{:02}", cents / 100, cents % 100),
        fecha_alta: iso(alta),
        regimen,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{date::parse_date_iso, names::name_tokens};
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn deterministic() {
        assert_eq!(synthetic_person(7, 42), synthetic_person(7, 42));
        assert_ne!(synthetic_person(7, 42), synthetic_person(8, 42));
        assert_ne!(synthetic_person(7, 42), synthetic_person(7, 43));
    }

    #[test]
    fn unique_over_100_000_indexes() {
        const N: u64 = 100_000;
        let mut curps = HashSet::with_capacity(N as usize);
        let mut nsss = HashSet::with_capacity(N as usize);
        for i in 0..N {
            let p = synthetic_person(2024, i);
            assert!(
                curps.insert(p.curp.clone()),
                "duplicate CURP {} at {i}",
                p.curp
            );
            assert!(nsss.insert(p.nss.clone()), "duplicate NSS {} at {i}", p.nss);
        }
        const { assert!(UNIQUE_CAPACITY > N) };
    }

    #[test]
    fn csv_shape() {
        assert_eq!(csv_header().split(',').count(), 13);
        let p = synthetic_person(1, 1);
        let row = p.csv_row();
        assert_eq!(row.split(',').count(), 13, "{row}");
        assert!(row.starts_with(p.curp.as_str()));
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("di \"x\""), "\"di \"\"x\"\"\"");
        assert_eq!(csv_field("Núñez"), "Núñez");
    }

    proptest! {
        /// Generated people always carry valid, mutually consistent identifiers and dates.
        #[test]
        fn generated_people_are_valid(seed in any::<u64>(), index in any::<u64>()) {
            let p = synthetic_person(seed, index);
            let curp = Curp::parse(p.curp.as_str()).expect("valid CURP");
            prop_assert!(Nss::parse(p.nss.as_str()).is_ok(), "{}", p.nss);
            prop_assert!(Rfc::parse(p.rfc.as_str()).is_ok(), "{}", p.rfc);
            prop_assert!(RegistroPatronal::parse(p.registro_patronal.as_str()).is_ok());
            let (y, m, d) = parse_date_iso(&p.fecha_nacimiento).expect("birth date");
            prop_assert_eq!(curp.birth_date(), (y, m, d));
            prop_assert_eq!(curp.sex().as_char(), p.sexo);
            prop_assert_eq!(curp.state(), p.entidad.as_str());
            prop_assert_eq!(p.nss.birth_year(), format!("{:02}", y % 100));
            prop_assert!(parse_date_iso(&p.fecha_alta).is_ok());
            prop_assert!(p.fecha_alta > p.fecha_nacimiento);
            prop_assert!(REGIMENES.contains(&p.regimen));
            prop_assert!(!name_tokens(&p.primer_apellido).is_empty());
            let salary: f64 = p.salario_diario.parse().expect("decimal");
            prop_assert!((278.8..=2500.0).contains(&salary));
            prop_assert_eq!(p.rfc.as_str().get(..10), p.curp.as_str().get(..10));
        }
    }
}
