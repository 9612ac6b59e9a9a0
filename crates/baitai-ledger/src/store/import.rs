//! Filling a new, empty ledger with another ledger's rows as they are stored (`ledger copy`):
//! no rule is applied, since the rows are the source's, already verified, and the copy is
//! verified again after.

use super::{Ledger, Store};
use baitai_core::error::{Error, Result, Rule};

use crate::msg::Msg;

impl Ledger {
    /// Append every entry, signature and sealed key of `src` in one transaction (on a server,
    /// holding the chain head's lock): all of them land, or none. Refused unless this ledger is
    /// empty. Returns how many sealed keys were copied.
    pub(crate) fn import_rows(&mut self, src: &Ledger) -> Result<u64> {
        if self.store().head()?.is_some() {
            return Err(Error::refused(
                Rule::Init,
                Msg::CopyTargetNotEmpty {
                    at: self.shown().into(),
                },
            ));
        }
        match &self.server {
            Some(server) => {
                server.begin_append()?;
                match copy_rows(src.store(), server) {
                    Ok(keys) => server.commit().map(|()| keys),
                    Err(e) => {
                        server.rollback();
                        Err(e)
                    }
                }
            }
            None => {
                let tx = self.conn.transaction().map_err(Error::db(Msg::BeginCopy))?;
                let keys = copy_rows(src.store(), &*tx)?;
                tx.commit().map_err(Error::db(Msg::CommitCopy))?;
                Ok(keys)
            }
        }
    }
}

/// The rows of `from` into `to`, in the order they were appended; the number of sealed keys.
fn copy_rows(from: &dyn Store, to: &dyn Store) -> Result<u64> {
    let all = i64::MAX as u64;
    from.each_entry_in(0, all, &mut |e| to.append_entry(&e))?;
    from.each_signature_in(0, all, &mut |s| to.append_signature(&s))?;
    let mut keys = 0;
    from.each_sealed_key(&mut |person, sealed| {
        keys += 1;
        to.put_sealed_key(&person, &sealed)
    })?;
    Ok(keys)
}
