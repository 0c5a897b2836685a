//! Name normalisation for look-ups, and the name letters of a CURP.

/// Particles dropped from names (RENAPO's list for the CURP, plus `MC`).
const PARTICLES: [&str; 19] = [
    "DA", "DAS", "DE", "DEL", "DER", "DI", "DIE", "DD", "EL", "LA", "LAS", "LE", "LES", "LOS",
    "MAC", "MC", "VAN", "VON", "Y",
];

/// First given names skipped by the CURP when the person has another given name.
const COMMON_FIRST_NAMES: [&str; 6] = ["JOSE", "J", "MARIA", "MA", "M", "MAR"];

/// Four-letter words the CURP never spells: their second letter is replaced by `X`.
const INCONVENIENT: [&str; 81] = [
    "BACA", "BAKA", "BUEI", "BUEY", "CACA", "CACO", "CAGA", "CAGO", "CAKA", "CAKO", "COGE", "COGI",
    "COJA", "COJE", "COJI", "COJO", "COLA", "CULO", "FALO", "FETO", "GETA", "GUEI", "GUEY", "JETA",
    "JOTO", "KACA", "KACO", "KAGA", "KAGO", "KAKA", "KAKO", "KOGE", "KOGI", "KOJA", "KOJE", "KOJI",
    "KOJO", "KOLA", "KULO", "LILO", "LOCA", "LOCO", "LOKA", "LOKO", "MAME", "MAMO", "MEAR", "MEAS",
    "MEON", "MIAR", "MION", "MOCO", "MOKO", "MULA", "MULO", "NACA", "NACO", "PEDA", "PEDO", "PENE",
    "PIPI", "PITO", "POPO", "PUTA", "PUTO", "QULO", "RATA", "ROBA", "ROBE", "ROBO", "RUIN", "SENO",
    "TETA", "VACA", "VAGA", "VAGO", "VAKA", "VUEI", "VUEY", "WUEI", "WUEY",
];

/// Removes the accent of an uppercase letter (keeps `Ñ`).
fn strip_accent(c: char) -> char {
    match c {
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'O',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'Ç' => 'C',
        other => other,
    }
}

/// Uppercases, strips accents (keeping `Ñ`) and collapses whitespace: `" josé  núñez"` → `"JOSE NUÑEZ"`.
pub fn normalize_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_uppercase).map(strip_accent));
    }
    out
}

/// Normalised words of a name without particles: `"María de la Luz"` → `["MARIA", "LUZ"]`.
pub fn name_tokens(s: &str) -> Vec<String> {
    normalize_name(s)
        .split(' ')
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | ',' | ';' | ':')))
        .filter(|w| !w.is_empty() && !PARTICLES.contains(w))
        .map(str::to_owned)
        .collect()
}

/// The word of a name the CURP uses, as CURP letters (`Ñ` → `X`, other non-letters dropped).
fn curp_word(s: &str, skip_common_first: bool) -> Vec<char> {
    let tokens = name_tokens(s);
    let word = match tokens.as_slice() {
        [first, second, ..]
            if skip_common_first && COMMON_FIRST_NAMES.contains(&first.as_str()) =>
        {
            Some(second)
        }
        other => other.first(),
    };
    word.map(|w| {
        w.chars()
            .filter_map(|c| match c {
                'Ñ' => Some('X'),
                'A'..='Z' => Some(c),
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default()
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

/// The four initial letters and three internal consonants a CURP takes from the names.
///
/// Follows the public rules approximately: first letter and first internal vowel of the first
/// surname, first letter of the second surname and of the given name (skipping a leading
/// `JOSÉ`/`MARÍA` in compound names), then the first internal consonant of each; `X` when a
/// letter is missing; `Ñ` becomes `X`; inconvenient words get `X` as second letter.
pub fn curp_name_letters(
    primer_apellido: &str,
    segundo_apellido: &str,
    nombre: &str,
) -> (String, String) {
    let p = curp_word(primer_apellido, false);
    let s = curp_word(segundo_apellido, false);
    let n = curp_word(nombre, true);
    let first = |w: &[char]| w.first().copied().unwrap_or('X');
    let internal = |w: &[char], want_vowel: bool| {
        w.iter()
            .skip(1)
            .copied()
            .find(|c| is_vowel(*c) == want_vowel)
            .unwrap_or('X')
    };
    let mut initials: String = [first(&p), internal(&p, true), first(&s), first(&n)]
        .iter()
        .collect();
    if INCONVENIENT.contains(&initials.as_str()) {
        initials = initials
            .chars()
            .enumerate()
            .map(|(i, c)| if i == 1 { 'X' } else { c })
            .collect();
    }
    let consonants: String = [
        internal(&p, false),
        internal(&s, false),
        internal(&n, false),
    ]
    .iter()
    .collect();
    (initials, consonants)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalisation() {
        assert_eq!(
            normalize_name("  josé   Núñez\tIbáñez "),
            "JOSE NUÑEZ IBAÑEZ"
        );
        assert_eq!(
            normalize_name("Güemes Ángel ÓSCAR ínes Úrsula"),
            "GUEMES ANGEL OSCAR INES URSULA"
        );
        assert_eq!(normalize_name(""), "");
        assert_eq!(
            name_tokens("María de los Ángeles"),
            vec!["MARIA", "ANGELES"]
        );
        assert_eq!(
            name_tokens("Juan Y Pérez Mc Gregor van Dyke"),
            vec!["JUAN", "PEREZ", "GREGOR", "DYKE"]
        );
        assert_eq!(name_tokens("Ma. del Carmen"), vec!["MA", "CARMEN"]);
    }

    #[test]
    fn curp_letters() {
        // RENAPO's example: Gloria Hernández García → HEGG … RRL.
        assert_eq!(
            curp_name_letters("Hernández", "García", "Gloria"),
            ("HEGG".into(), "RRL".into())
        );
        // Compound name starting with José uses the second name; Ñ becomes X.
        assert_eq!(
            curp_name_letters("Núñez", "de la Peña", "José Luis"),
            ("NUPL".into(), "XXS".into())
        );
        assert_eq!(
            curp_name_letters("Muñoz", "", "María"),
            ("MUXM".into(), "XXR".into())
        );
        // Inconvenient word: second letter replaced by X.
        assert_eq!(
            curp_name_letters("Pérez", "Día", "Ofelia").0,
            "PEDO".replacen('E', "X", 1)
        );
    }

    proptest! {
        #[test]
        fn never_panics(a in any::<String>(), b in any::<String>(), c in any::<String>()) {
            let n = normalize_name(&a);
            prop_assert_eq!(normalize_name(&n), n.clone());
            let _ = name_tokens(&b);
            let (ini, cons) = curp_name_letters(&a, &b, &c);
            prop_assert!(ini.chars().count() == 4 && ini.chars().all(|c| c.is_ascii_uppercase()));
            prop_assert!(cons.chars().count() == 3 && cons.chars().all(|c| c.is_ascii_uppercase()));
        }
    }
}
