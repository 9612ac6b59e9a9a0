use crate::common::*;

#[test]
fn harness_builds_a_ledger() {
    let env = Env::new();
    let m = env.register();
    assert_eq!(m.len(), "USB-2026-0001".len());
    assert_eq!(env.state(&m), ("in-storage".into(), "fresh".into()));
    let (code, _) = env.verify_code();
    assert_eq!(code, 0);
}
