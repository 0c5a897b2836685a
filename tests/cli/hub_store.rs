//! `huella hub --store`: a binary built without the `postgres` feature says so in one line in
//! the user's language; something that is not a PostgreSQL URL is refused; a password in the
//! URL never appears in what is printed.

use super::util::{Station, assert_user_error, stderr};

const URL: &str = "postgres://hub:secreto-del-hub@127.0.0.1:1/huella";

#[test]
fn hub_store_is_refused_plainly_and_never_prints_the_password() {
    let st = Station::init();
    let o = st.run(&["hub", "--listen", "127.0.0.1:0", "--store", URL]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    assert!(!stderr(&o).contains("secreto-del-hub"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    #[cfg(not(feature = "postgres"))]
    {
        assert_user_error(&o, "sin soporte de PostgreSQL");
        let en = st.run(&[
            "--lang",
            "en",
            "hub",
            "--listen",
            "127.0.0.1:0",
            "--store",
            URL,
        ]);
        assert_user_error(&en, "without PostgreSQL support");
    }
    let o = st.run(&[
        "hub",
        "--listen",
        "127.0.0.1:0",
        "--store",
        "mysql://hub:secreto-del-hub@db/x",
    ]);
    assert_user_error(&o, "se espera una dirección postgres://");
    assert!(!stderr(&o).contains("secreto-del-hub"), "{}", stderr(&o));
}
