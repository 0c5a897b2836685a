//! init → import (good and bad rows) → find by CURP, NSS and name → audit verify, and the
//! no-plaintext-on-disk check.

use super::util::{Station, all_files, assert_success, sample_csv, stdout};

/// Ten bad rows of different kinds, each with the reason fragment the import must give.
fn bad_rows(good: &str) -> Vec<(String, &'static str)> {
    let f: Vec<&str> = good.split(',').collect();
    let with = |i: usize, v: &str| {
        let mut g: Vec<String> = f.iter().map(|s| (*s).to_owned()).collect();
        g[i] = v.to_owned();
        g.join(",")
    };
    let mut curp_digit = f[0].to_owned();
    let last = curp_digit.pop().expect("curp");
    let wrong = if last == '0' { '1' } else { '0' };
    curp_digit.push(wrong);
    let mut nss_digit = f[1].to_owned();
    let l = nss_digit.pop().expect("nss");
    nss_digit.push(if l == '0' { '1' } else { '0' });
    vec![
        (with(0, &curp_digit), "CURP: el dígito verificador"),
        (with(1, &nss_digit), "NSS: el dígito verificador"),
        (with(1, "1234"), "NSS"),
        (with(2, "XXXX"), "RFC"),
        (with(6, "1990-02-30"), "fecha_nacimiento"),
        (with(11, "2026-13-01"), "fecha_alta"),
        (with(3, ""), "falta el campo nombre"),
        (with(12, "temporal"), "regimen"),
        (with(10, "mucho"), "salario_diario"),
        (f[..5].join(","), "se esperaban 13 campos"),
    ]
}

#[test]
fn import_reports_exactly_the_bad_lines_then_find_and_audit_work() {
    let st = Station::init();
    let good_path = st.path("good.csv");
    let lines = sample_csv(&st, &good_path, 1000, 7);
    assert_eq!(lines.len(), 1001);
    // Interleave ten bad rows at known line numbers (header is line 1).
    let bad = bad_rows(&lines[1]);
    let mut out_lines = vec![lines[0].clone()];
    let mut expected = Vec::new();
    let mut good_iter = lines[1..].iter();
    let mut bad_iter = bad.iter();
    let mut line_no = 1;
    loop {
        line_no += 1;
        if line_no % 97 == 0
            && let Some((row, reason)) = bad_iter.next()
        {
            out_lines.push(row.clone());
            expected.push((line_no, *reason));
            continue;
        }
        match good_iter.next() {
            Some(g) => out_lines.push(g.clone()),
            None => break,
        }
    }
    for (row, reason) in bad_iter {
        line_no += 1;
        out_lines.push(row.clone());
        expected.push((line_no, *reason));
    }
    assert_eq!(expected.len(), 10);
    let csv = st.path("mixed.csv");
    std::fs::write(&csv, out_lines.join("\n") + "\n").expect("write");

    let out = st.run_as_admin(&["import", csv.to_str().expect("utf8")]);
    assert_success(&out);
    let text = stdout(&out);
    let reported: Vec<&str> = text.lines().filter(|l| l.starts_with("línea ")).collect();
    assert_eq!(reported.len(), 10, "{text}");
    for ((line, reason), got) in expected.iter().zip(&reported) {
        assert!(
            got.starts_with(&format!("línea {line}: ")) && got.contains(reason),
            "expected line {line} with {reason:?}, got {got:?}"
        );
    }
    assert!(
        text.trim_end()
            .ends_with("importados: 1000, rechazados: 10, ya existentes: 0"),
        "{text}"
    );

    // Re-import adds nothing.
    let again = st.run_as_admin(&["import", csv.to_str().expect("utf8")]);
    assert!(
        stdout(&again).contains("importados: 0, rechazados: 10, ya existentes: 1000"),
        "{}",
        stdout(&again)
    );

    // Find by CURP, NSS and name.
    let person: Vec<&str> = lines[500].split(',').collect();
    for args in [
        vec!["find", "--curp", person[0], "--json"],
        vec!["find", "--nss", person[1], "--json"],
    ] {
        let out = st.run_as_admin(&args);
        assert_success(&out);
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        let arr = v.as_array().expect("array");
        assert_eq!(arr.len(), 1, "{v}");
        assert_eq!(arr[0]["curp"], person[0]);
        assert_eq!(arr[0]["nss"], person[1]);
        assert_eq!(arr[0]["nombre"], person[3]);
        assert_eq!(arr[0]["primer_apellido"], person[4]);
        assert_eq!(arr[0]["segundo_apellido"], person[5]);
        assert_eq!(arr[0]["estado_biometrico"], "pendiente");
        assert_eq!(arr[0]["id"].as_str().map(str::len), Some(32));
    }
    let full_name = format!("{} {} {}", person[3], person[4], person[5]);
    let out = st.run_as_admin(&["find", "--name", &full_name.to_lowercase(), "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(
        v.as_array()
            .expect("array")
            .iter()
            .any(|p| p["curp"] == person[0]),
        "{v}"
    );
    // A mistyped CURP is explained, not just "not found".
    let mut typo = person[0].to_owned();
    typo.pop();
    let out = st.run_as_admin(&["find", "--curp", &typo]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("CURP: debe tener 18 caracteres"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = st.run(&["audit", "verify"]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(text.starts_with("auditoría íntegra: "), "{text}");

    let out = st.run(&["status", "--json"]);
    assert_success(&out);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["personas"], 1000);
    assert_eq!(v["pendientes_aprobacion"], 0);
    assert!(v["ultima_sincronizacion"].is_null(), "never synced: {v}");
    assert_eq!(v["dispositivos"], serde_json::json!([]));
    assert!(!stdout(&out).contains(person[0]));

    // Nothing personal in plaintext anywhere under the home.
    let files = all_files(&st.home);
    assert!(files.len() > 2);
    let mut needles: Vec<String> = Vec::new();
    for l in &lines[1..] {
        let f: Vec<&str> = l.split(',').collect();
        needles.push(f[0].to_owned());
        needles.push(f[1].to_owned());
        needles.push(f[2].to_owned());
        let name = format!("{},{}", f[4], f[5]);
        needles.push(name);
        for n in [f[3], f[4], f[5]] {
            if n.chars().count() >= 7 {
                needles.push(n.to_owned());
            }
        }
    }
    needles.sort();
    needles.dedup();
    let finder = aho_corasick::AhoCorasick::new(&needles).expect("automaton");
    for (path, bytes) in &files {
        if let Some(m) = finder.find(bytes) {
            panic!(
                "{:?} in plaintext in {}",
                needles[m.pattern().as_usize()],
                path.display()
            );
        }
    }
}
