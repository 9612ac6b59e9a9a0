//! Corrections (訂正, issue 18 item 1): a signed entry that names an earlier one, shown struck
//! through on the form; it can only make a medium's state stricter.

use crate::common::*;

/// A medium checked out and returned without a check: `unverified`, with the return's number.
fn returned(env: &Env) -> (String, u64) {
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "設計図の受け渡し"], HANDLER);
    let v = env.ok_as(&["return", &m], CUSTODIAN);
    (m, v["entry"].as_u64().unwrap())
}

fn correct<'a>(m: &'a str, entry: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "medium",
        "correct",
        m,
        "--entry",
        entry,
        "--wrong",
        "ファイルなし",
        "--right",
        "暗号化ファイル3件あり",
        "--reason",
        "返却時の確認で別のフォルダーを見ていた",
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn a_missed_file_is_corrected_to_data_present_and_the_form_strikes_the_original() {
    let env = Env::new();
    let (m, ret) = returned(&env);
    assert_eq!(env.state(&m).1, "unverified");
    let n = ret.to_string();
    let v = env.ok_as(&correct(&m, &n, &["--data-present"]), CUSTODIAN2);
    let fix = v["entry"].as_u64().unwrap();
    assert_eq!(env.state(&m).1, "data-present");
    // The reuse gate now says why, as for a return that found data.
    let (code, err) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("returned with data"), "{err}");

    let form = env.ok(&["ledger", "print", &m, "--format", "json"]);
    let row = &form["rows"][0];
    assert!(row["return_check"].is_string(), "the original stays: {row}");
    let c = &row["corrections"][0];
    assert_eq!(c["entry"].as_u64(), Some(ret));
    assert_eq!(c["seq"].as_u64(), Some(fix));
    assert_eq!(c["cells"], serde_json::json!(["return"]));
    assert_eq!(c["right"], "暗号化ファイル3件あり");
    assert_eq!(c["by"]["name"], "高橋 三郎");
    let original = form["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["seq"].as_u64() == Some(ret))
        .unwrap();
    assert_eq!(original["corrected_by"], serde_json::json!([fix]));

    let out = env.path("form.html");
    env.ok(&[
        "ledger",
        "print",
        &m,
        "--format",
        "html",
        "-o",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains("class=\"struck\""),
        "the original is struck through: {html}"
    );
    assert!(html.contains("訂正"), "the correction is beside it");
    assert!(html.contains("返却時の確認で別のフォルダーを見ていた"));
    let out = env.path("form.txt");
    env.ok(&[
        "ledger",
        "print",
        &m,
        "--format",
        "text",
        "-o",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains(&format!("訂正 #{fix} → #{ret}")), "{text}");
    assert_eq!(env.verify_code().0, 0, "the correction verifies");
}

#[test]
fn a_correction_only_names_an_earlier_entry_of_its_own_medium() {
    let env = Env::new();
    let (m, ret) = returned(&env);
    let other = env.register();
    let n = ret.to_string();
    // Another medium's entry.
    let (code, err) = env.fail_as(&correct(&other, &n, &[]), CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("correction"), "{err}");
    // An entry that does not exist yet.
    let (code, err) = env.fail_as(&correct(&m, "9999", &[]), CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    // A correction is not corrected: the original is, again.
    let v = env.ok_as(&correct(&m, &n, &[]), CUSTODIAN);
    let fix = v["entry"].as_u64().unwrap().to_string();
    let (code, err) = env.fail_as(&correct(&m, &fix, &[]), CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    // Only a custodian corrects.
    let (code, err) = env.fail_as(&correct(&m, &n, &[]), HANDLER);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("role"), "{err}");
    // What was wrong, what is right and why are all needed.
    let mut blank = correct(&m, &n, &[]);
    blank[10] = " ";
    let (code, err) = env.fail_as(&blank, CUSTODIAN);
    assert_eq!(code, 2, "{err}");
    // A text correction leaves the state as it was.
    assert_eq!(env.state(&m).1, "unverified");
}

#[test]
fn data_present_corrects_only_a_return_that_found_none() {
    let env = Env::new();
    let (m, ret) = returned(&env);
    let checkout = (ret - 1).to_string();
    let (code, err) = env.fail_as(&correct(&m, &checkout, &["--data-present"]), CUSTODIAN);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("not a return"), "{err}");
    // Nothing makes a medium cleaner: there is no flag for it, and a wrong text correction
    // of a return leaves the reuse gate shut.
    let n = ret.to_string();
    env.ok_as(&correct(&m, &n, &[]), CUSTODIAN);
    let (code, _) = env.fail_as(&["checkout", &m, "--purpose", "x"], HANDLER);
    assert_eq!(code, 3);
}

#[test]
fn a_destroyed_mediums_record_can_be_corrected_but_not_its_state() {
    let env = Env::new();
    let m = env.register();
    let reg = env.ok(&["medium", "show", &m]);
    let first = reg["form"]["events"][0]["seq"]
        .as_u64()
        .unwrap()
        .to_string();
    env.ok_as(
        &args(
            &[
                "destroy",
                &m,
                "--method",
                "shred",
                "--unverifiable",
                "未使用のまま破損",
            ],
            &env.witness(WITNESS),
        ),
        CUSTODIAN,
    );
    let v = env.ok_as(&correct(&m, &first, &[]), CUSTODIAN2);
    assert!(v["entry"].is_u64());
    let (code, err) = env.fail_as(&correct(&m, &first, &["--data-present"]), CUSTODIAN2);
    assert_eq!(code, 3, "{err}");
    assert_eq!(env.verify_code().0, 0);
}
