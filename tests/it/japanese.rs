//! The screen in Japanese: a ledger whose language is ja speaks Japanese on stdout and stderr
//! when nothing else chooses the language, `--lang en` speaks English, and with no ledger the
//! locale (`LANG=ja_JP.UTF-8`) chooses.

use crate::common::*;

/// What one human (not `--json`) run printed.
struct Said {
    code: i32,
    out: String,
    err: String,
}

/// Run without `BAITAI_LANG` or a locale, so the ledger's language (ja, the default of
/// `init`) or `--lang` chooses; as `person` with their passphrase file when given.
fn say(env: &Env, lang: Option<&str>, args: &[&str], person: Option<&str>) -> Said {
    let mut c = env.cmd();
    c.env_remove("BAITAI_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG");
    if let Some(l) = lang {
        c.args(["--lang", l]);
    }
    c.args(args);
    if let Some(p) = person {
        c.args(["--as", p, "--passphrase-file"]).arg(env.pass(p));
    }
    let o = c.output().unwrap();
    Said {
        code: o.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A short day on the screen, in the ledger's language and then with `--lang en`.
fn day(env: &Env, lang: Option<&str>) -> Vec<(&'static str, Said)> {
    let reg = say(
        env,
        lang,
        &["medium", "register", "--class", "C3", "--label", "test"],
        Some(CUSTODIAN),
    );
    assert_eq!(reg.code, 0, "{}", reg.err);
    let m = reg.out.lines().next().unwrap().trim().to_string();
    let m = m.as_str();
    let runs = vec![
        (
            "checkout",
            say(
                env,
                lang,
                &["checkout", m, "--purpose", "設計"],
                Some(HANDLER),
            ),
        ),
        (
            "again",
            say(
                env,
                lang,
                &["checkout", m, "--purpose", "設計"],
                Some(HANDLER),
            ),
        ),
        ("return", say(env, lang, &["return", m], Some(CUSTODIAN))),
        (
            "unknown",
            say(env, lang, &["medium", "show", "USB-2026-9999"], None),
        ),
        ("show", say(env, lang, &["medium", "show", m], None)),
        ("list", say(env, lang, &["medium", "list"], None)),
        ("people", say(env, lang, &["person", "list"], None)),
        // Read without a session: the language comes from the ledger's first entry.
        ("verify", say(env, lang, &["ledger", "verify"], None)),
    ];
    let mut all = vec![("register", reg)];
    all.extend(runs);
    all
}

fn get<'a>(runs: &'a [(&str, Said)], name: &str) -> &'a Said {
    &runs.iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn a_japanese_ledger_speaks_japanese_and_lang_en_english() {
    let env = Env::new();
    let ja = day(&env, None);
    let reg = get(&ja, "register");
    assert!(reg.out.contains("を登録しました"), "{}", reg.out);
    assert!(
        reg.out
            .contains("は保管中（新規（未使用））になりました。記録 #"),
        "{}",
        reg.out
    );
    let co = get(&ja, "checkout");
    assert_eq!(co.code, 0, "{}", co.err);
    assert!(co.out.contains("の使用を記録しました"), "{}", co.out);
    assert!(co.out.contains("は使用中（"), "{}", co.out);
    // The notice of the handler's last use, on stderr.
    assert!(
        co.err.contains("前回の利用") || co.err.contains("初回の利用"),
        "{}",
        co.err
    );
    let again = get(&ja, "again");
    assert_eq!(again.code, 3, "{}", again.err);
    assert!(
        again
            .err
            .starts_with("baitai: エラー: 拒否 (not-in-storage): "),
        "{}",
        again.err
    );
    let ret = get(&ja, "return");
    assert_eq!(ret.code, 0, "{}", ret.err);
    assert!(ret.out.contains("の返却を受けました"), "{}", ret.out);
    assert!(ret.out.contains("は保管中（"), "{}", ret.out);
    let unknown = get(&ja, "unknown");
    assert_ne!(unknown.code, 0);
    assert!(
        unknown.err.starts_with("baitai: エラー: "),
        "{}",
        unknown.err
    );
    assert!(
        unknown.err.contains("は台帳にありません"),
        "{}",
        unknown.err
    );
    let show = get(&ja, "show");
    for want in [
        "状態: 保管中",
        "データ: ",
        "登録: ",
        "ラベル: test",
        "記録:",
    ] {
        assert!(show.out.contains(want), "{want}: {}", show.out);
    }
    let list = get(&ja, "list");
    for want in ["媒体番号", "格付", "状態", "保管中"] {
        assert!(list.out.contains(want), "{want}: {}", list.out);
    }
    let people = get(&ja, "people");
    for want in [
        "氏名",
        "所属",
        "役割",
        "有効",
        "佐藤 一郎",
        "取扱者",
        "管理者",
    ] {
        assert!(people.out.contains(want), "{want}: {}", people.out);
    }

    let verify = get(&ja, "verify");
    assert!(verify.out.contains("台帳を検証しました"), "{}", verify.out);
    // The login notice gives its time to the minute, as the rest of the screen does.
    let back = get(&ja, "return");
    assert!(back.err.contains("前回の利用 20"), "{}", back.err);
    assert!(!back.err.contains('T'), "{}", back.err);

    let en = day(&env, Some("en"));
    let reg = get(&en, "register");
    assert!(reg.out.contains("Registered medium USB-"), "{}", reg.out);
    assert!(
        reg.out.contains(" is now in-storage (fresh); entry #"),
        "{}",
        reg.out
    );
    let co = get(&en, "checkout");
    assert!(co.out.contains("Checked out USB-"), "{}", co.out);
    assert!(co.err.contains("last use "), "{}", co.err);
    let again = get(&en, "again");
    assert!(
        again.err.starts_with("baitai: error: refused ("),
        "{}",
        again.err
    );
    let ret = get(&en, "return");
    assert!(ret.out.contains(" back: "), "{}", ret.out);
    let unknown = get(&en, "unknown");
    assert!(
        unknown.err.starts_with("baitai: error: "),
        "{}",
        unknown.err
    );
    let show = get(&en, "show");
    assert!(show.out.contains("State: in-storage"), "{}", show.out);
    assert!(show.out.contains("\nEntries:\n"), "{}", show.out);
    let list = get(&en, "list");
    assert!(list.out.contains("Medium"), "{}", list.out);
    let verify = get(&en, "verify");
    assert!(verify.out.contains("ledger verified"), "{}", verify.out);
    let people = get(&en, "people");
    assert!(people.out.contains("Name"), "{}", people.out);
    assert!(people.out.contains("active"), "{}", people.out);
    assert!(people.out.contains("handler"), "{}", people.out);
    // Nothing Japanese but what the ledger holds (names, the organisation).
    for (name, s) in &en {
        for text in [&s.out, &s.err] {
            assert!(!text.contains("エラー"), "{name}: {text}");
            assert!(!text.contains("しました"), "{name}: {text}");
        }
    }
}

/// With no ledger to tell the language, the locale does.
#[test]
fn a_japanese_locale_speaks_japanese_without_a_ledger() {
    let env = Env::empty();
    let run = |locale: &str| {
        let o = env
            .cmd()
            .env_remove("BAITAI_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", locale)
            .args(["ledger", "verify"])
            .output()
            .unwrap();
        assert!(!o.status.success());
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let ja = run("ja_JP.UTF-8");
    assert!(ja.starts_with("baitai: エラー: "), "{ja}");
    let en = run("C.UTF-8");
    assert!(en.starts_with("baitai: error: "), "{en}");
}
