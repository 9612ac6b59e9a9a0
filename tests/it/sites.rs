//! Sites (拠点, issue 16): people and media belong to a site, a site's media carry its code in
//! their numbers, and the reports cover one site with `--site` or the whole organisation
//! without it. The same test runs on an SQLite ledger and on a ledger server.

use crate::common::*;
use serde_json::Value;

/// The Tokyo site's own custodian, added by the test (the cast belongs to no site).
const TOKYO_CUSTODIAN: &str = "P0007";

#[test]
fn sites_number_media_and_scope_the_reports() {
    sites_scope_everything(&Env::new());
}

#[test]
fn sites_number_media_and_scope_the_reports_on_a_server() {
    let Some((env, _db)) = Env::built_on_server("sites") else {
        return;
    };
    sites_scope_everything(&env);
}

fn media_of(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|l| l["medium"].as_str().unwrap().to_string())
        .collect()
}

fn sites_scope_everything(env: &Env) {
    let new = env.pass(TOKYO_CUSTODIAN);
    let v = env.ok_as(
        &[
            "person",
            "add",
            "東京 保管者",
            "--affiliation",
            "東京事業所",
            "--role",
            "custodian",
            "--site",
            "tky",
            "--new-passphrase-file",
            new.to_str().unwrap(),
        ],
        ADMIN,
    );
    assert_eq!(
        (v["person"].as_str(), v["site"].as_str()),
        (Some(TOKYO_CUSTODIAN), Some("TKY"))
    );
    let register = |extra: &[&str], who: &str| -> String {
        let args = [&["medium", "register", "--class", "C3"], extra].concat();
        env.ok_as(&args, who)["medium"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let year = jiff::Zoned::now().year();
    // The custodian's own site by default; another with --site; none for the organisation's.
    let tky1 = register(&[], TOKYO_CUSTODIAN);
    let tky2 = register(&[], TOKYO_CUSTODIAN);
    let osk = register(&["--site", "OSK"], CUSTODIAN);
    let org = register(&[], CUSTODIAN);
    assert_eq!(tky1, format!("TKY-USB-{year}-0001"));
    assert_eq!(tky2, format!("TKY-USB-{year}-0002"));
    assert_eq!(osk, format!("OSK-USB-{year}-0001"));
    assert_eq!(
        org,
        format!("USB-{year}-0001"),
        "a site's numbers use their own count"
    );
    assert_eq!(env.ok(&["medium", "show", &tky1])["site"], "TKY");
    assert_eq!(env.ok(&["medium", "show", &org])["site"], Value::Null);

    env.ok_as(&["checkout", &tky1, "--purpose", "図面"], HANDLER);
    env.ok_as(&["checkout", &osk, "--purpose", "図面"], HANDLER);
    env.ok_as(&["lost", &osk, "--circumstances", "出張先で紛失"], HANDLER);

    let report = |args: &[&str]| -> Value {
        let all = [&["report"], args, &["--format", "json"]].concat();
        env.ok(&all)
    };
    assert_eq!(
        media_of(&report(&["inventory"])),
        [tky1.clone(), tky2.clone(), osk.clone(), org.clone()],
        "the whole organisation, in the order registered"
    );
    assert_eq!(
        media_of(&report(&["inventory", "--site", "TKY"])),
        [tky1.clone(), tky2.clone()]
    );
    assert_eq!(
        media_of(&env.ok(&["medium", "list", "--site", "osk"])["media"]),
        [osk.as_str()]
    );
    let later = ["overdue", "--at", "2199-01-01"];
    assert_eq!(media_of(&report(&later)), [tky1.as_str()]);
    assert_eq!(
        media_of(&report(&[&later[..], &["--site", "TKY"]].concat())),
        [tky1.as_str()]
    );
    assert!(media_of(&report(&[&later[..], &["--site", "OSK"]].concat())).is_empty());

    let lost_in = |site: &str| -> Vec<String> {
        let v = report(&["incidents", "--site", site]);
        let list = v.as_array().cloned().unwrap_or_else(|| vec![v.clone()]);
        list.iter()
            .filter_map(|r| r["medium"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(lost_in("OSK"), [osk.as_str()]);
    assert!(lost_in("TKY").is_empty());

    let audit = report(&[
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2199-12-31",
        "--site",
        "TKY",
    ]);
    assert_eq!(audit["site"], "TKY");
    let entries = audit["entries"].as_array().unwrap();
    let media: std::collections::BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["medium"].as_str())
        .collect();
    assert_eq!(
        media,
        [tky1.as_str(), tky2.as_str()].into(),
        "only Tokyo's media"
    );
    let kinds: Vec<&str> = entries
        .iter()
        .filter(|e| e["medium"].is_null())
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["person.add"],
        "of the ledger's own entries, only Tokyo's person"
    );
    let whole = report(&["audit", "--from", "2000-01-01", "--to", "2199-12-31"]);
    assert!(whole.get("site").is_none());
    assert!(whole["entries"].as_array().unwrap().len() > entries.len());
    let text = env
        .cmd()
        .args([
            "report",
            "audit",
            "--from",
            "2000-01-01",
            "--to",
            "2199-12-31",
            "--site",
            "TKY",
            "--format",
            "text",
            "--lang",
            "ja",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout)
        .lines()
        .next()
        .unwrap()
        .contains("拠点 TKY"));

    let people = env.ok(&["person", "list"]);
    let tokyo = people["people"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == TOKYO_CUSTODIAN)
        .unwrap();
    assert_eq!(tokyo["site"], "TKY");
    assert_eq!(env.ok(&["ledger", "verify"])["ok"], true);
}

/// A site code is a few letters or digits: anything else is a usage error before anything is
/// asked or written.
#[test]
fn a_bad_site_code_is_refused_with_the_rule() {
    let env = Env::new();
    for bad in ["東京", "T-K", ""] {
        let (code, err) = env.fail_as(
            &["medium", "register", "--class", "C3", "--site", bad],
            CUSTODIAN,
        );
        assert_eq!(code, 2, "{bad:?}: {err}");
        assert!(err.contains("letters or digits"), "{bad:?}: {err}");
        let (code, _) = env.fail(&["report", "inventory", "--site", bad]);
        assert_eq!(code, 2);
    }
    assert_eq!(
        env.ok(&["medium", "list"])["media"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}
