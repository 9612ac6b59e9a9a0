//! An admin changes a person's roles with a signed entry (issue 18 item 7).

use crate::common::*;

#[test]
fn an_admin_changes_roles_and_the_rules_follow_them() {
    let env = Env::new();
    let m = env.register();
    env.ok_as(&["checkout", &m, "--purpose", "作業"], HANDLER);
    // The handler cannot receive media back...
    let (code, err) = env.fail_as(&["return", &m], HANDLER2);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("role"), "{err}");
    // ...until an admin makes them a custodian as well.
    let v = env.ok_as(
        &[
            "person",
            "roles",
            HANDLER2,
            "--role",
            "handler",
            "--role",
            "custodian",
        ],
        ADMIN,
    );
    assert_eq!(v["roles"], serde_json::json!(["handler", "custodian"]));
    env.ok_as(&["return", &m], HANDLER2);
    // Taking the role away again stops them.
    env.ok_as(&["person", "roles", HANDLER2, "--role", "handler"], ADMIN);
    let m2 = env.register();
    env.ok_as(&["checkout", &m2, "--purpose", "作業"], HANDLER);
    let (code, err) = env.fail_as(&["return", &m2], HANDLER2);
    assert_eq!(code, 3, "{err}");
    let shown = env.ok(&["person", "show", HANDLER2]);
    assert_eq!(shown["person"]["roles"], serde_json::json!(["handler"]));
    assert_eq!(env.verify_code().0, 0, "the role changes verify");
    let form = env.ok(&[
        "report",
        "audit",
        "--from",
        "2000-01-01",
        "--to",
        "2199-12-31",
        "--format",
        "json",
    ]);
    assert!(
        form.to_string().contains("person.roles"),
        "the audit report lists the change"
    );
}

#[test]
fn roles_are_not_changed_by_oneself_nor_left_without_an_admin() {
    let env = Env::new();
    // Not by a non-admin.
    let (code, err) = env.fail_as(
        &["person", "roles", HANDLER, "--role", "custodian"],
        CUSTODIAN,
    );
    assert_eq!(code, 3, "{err}");
    // Not one's own: another admin does it.
    let (code, err) = env.fail_as(
        &[
            "person",
            "roles",
            ADMIN,
            "--role",
            "admin",
            "--role",
            "custodian",
        ],
        ADMIN,
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("separation-of-duties"), "{err}");
    // The last admin keeps the admin role: make a second admin, who may then take it.
    env.ok_as(
        &[
            "person",
            "roles",
            CUSTODIAN2,
            "--role",
            "custodian",
            "--role",
            "admin",
        ],
        ADMIN,
    );
    env.ok_as(&["person", "roles", ADMIN, "--role", "handler"], CUSTODIAN2);
    let (code, err) = env.fail_as(
        &["person", "roles", CUSTODIAN2, "--role", "custodian"],
        ADMIN,
    );
    assert_eq!(code, 3, "{err}");
    assert_eq!(env.verify_code().0, 0);
}
