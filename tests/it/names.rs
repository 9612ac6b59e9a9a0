//! People named as custodians type them (issue 18): with the IME's full-width space, without
//! the space, in full-width letters, or one slip away, which gets a suggestion, never a guess.

use crate::common::*;

#[test]
fn a_person_is_found_however_their_name_was_typed() {
    let env = Env::new();
    for typed in [
        "山田　太郎",
        "山田太郎",
        " 山田  太郎",
        "ｊａｎｅ　ｓｍｉｔｈ",
        "jane smith",
        "p0002",
    ] {
        let v = env.ok(&["person", "show", typed]);
        assert!(
            ["P0002", "P0006"].contains(&v["person"]["id"].as_str().unwrap_or_default()),
            "{typed:?}: {v}"
        );
    }
    // And so as the actor of a signed act.
    let m = env.register();
    let pass = env.pass(HANDLER);
    env.ok(&[
        "checkout",
        &m,
        "--purpose",
        "図面",
        "--as",
        "山田　太郎",
        "--passphrase-file",
        pass.to_str().unwrap(),
    ]);
    assert_eq!(env.state(&m).0, "in-use");
}

#[test]
fn a_name_one_slip_away_gets_a_suggestion_and_the_space_as_typed() {
    let env = Env::new();
    let (code, err) = env.fail(&["person", "show", "山田　太朗"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean 山田 太郎 (P0002)?"), "{err}");
    assert!(
        err.contains("山田　太朗") && !err.contains("\\u{3000}"),
        "{err}"
    );
    let (code, err) = env.fail(&["person", "show", "全く別の人"]);
    assert_eq!(code, 2);
    assert!(!err.contains("did you mean"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn a_new_name_that_is_another_typed_differently_is_refused_before_any_passphrase() {
    let env = Env::new();
    let new = env.pass("P0007");
    let (code, err) = env.fail_as(
        &[
            "person",
            "add",
            "山田太郎",
            "--affiliation",
            "設計部",
            "--role",
            "handler",
            "--new-passphrase-file",
            new.to_str().unwrap(),
        ],
        ADMIN,
    );
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("unique-name") && err.contains("P0002"),
        "{err}"
    );
    assert_eq!(
        env.ok(&["person", "list"])["people"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}
