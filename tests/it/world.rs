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
