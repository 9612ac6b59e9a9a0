//! The shared ledger with every kind of entry builds, and holds every kind.

#[test]
fn the_world_holds_every_kind_of_entry() {
    let w = crate::common::world::World::new();
    let c = rusqlite::Connection::open(&w.env.ledger).unwrap();
    let mut q = c.prepare("SELECT DISTINCT kind FROM entries").unwrap();
    let kinds: std::collections::BTreeSet<String> = q
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|k| k.unwrap())
        .collect();
    for k in [
        "ledger.init",
        "person.add",
        "person.passwd",
        "person.revoke",
        "person.auth_failure",
        "medium.register",
        "medium.checkout",
        "medium.return",
        "medium.carry_out",
        "medium.loan",
        "medium.copy",
        "medium.transfer",
        "medium.destroy",
        "medium.lost",
        "medium.wipe_start",
        "medium.wipe",
        "vault.put",
        "vault.get",
        "vault.erase",
        "inventory.check",
    ] {
        assert!(kinds.contains(k), "no {k} entry: {kinds:?}");
    }
    assert_eq!(w.env.verify_code().0, 0);
}

#[test]
fn each_world_is_a_copy_of_its_own() {
    let a = crate::common::world::World::new();
    let b = crate::common::world::World::new();
    assert_ne!(a.env.dir.path(), b.env.dir.path());
    let entries = |w: &crate::common::world::World| -> i64 {
        let c = rusqlite::Connection::open(&w.env.ledger).unwrap();
        c.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .unwrap()
    };
    let before = entries(&b);
    assert_eq!(entries(&a), before, "two copies of one world");
    let m = a.env.register();
    assert_eq!(entries(&a), before + 1);
    assert_eq!(
        entries(&b),
        before,
        "an entry in one copy is not in the other"
    );
    let (code, err) = b.env.fail(&["medium", "show", &m]);
    assert_eq!(code, 2, "{err}");
    // A copy keeps the vault directories, and its own user's state: both verify.
    assert!(b.env.path("lost-mnt/BAITAI").is_dir());
    assert!(b.env.state_dir().join("verified.json").is_file());
    assert_eq!(a.env.verify_code().0, 0);
    assert_eq!(b.env.verify_code().0, 0);
}
