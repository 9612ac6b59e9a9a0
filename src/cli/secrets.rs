//! Passphrases and token PINs for the CLI: from files (`-` = stdin) or asked on the terminal
//! without echo.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use crate::app::Secrets;
use crate::crypto::passphrase::{MIN_CHARS, MIN_CLASSES};
use crate::crypto::Passphrase;
use crate::error::{Error, Result};
use crate::lifecycle::Person;
use crate::model::SignRole;

/// Where each person's passphrase comes from for one command.
#[derive(Default)]
pub struct CliSecrets {
    /// The passphrase file of the person running the command (`-` for stdin).
    pub actor: Option<PathBuf>,
    /// The approving custodian's passphrase file (`--approver-passphrase-file`).
    pub approver: Option<PathBuf>,
    /// The destruction witness's passphrase file (`--witness-passphrase-file`).
    pub witness: Option<PathBuf>,
    /// A new passphrase being set (`person add`, `person passwd`, a vault's new slot).
    pub new: Option<PathBuf>,
    /// The PIN of the token a new key is made on (`--token-pin-file`).
    pub token_pin: Option<PathBuf>,
    stdin_used: bool,
    /// Printed on stderr just before the approver's passphrase is read.
    approver_preface: Option<String>,
}

impl CliSecrets {
    /// Where each passphrase comes from; a person without a file is asked on the terminal.
    /// At most one may be `-` (stdin), since stdin can be read only once: two are a usage
    /// error (exit 2).
    pub fn new(
        actor: Option<PathBuf>,
        approver: Option<PathBuf>,
        witness: Option<PathBuf>,
        new: Option<PathBuf>,
    ) -> Result<Self> {
        let stdin_count = [&actor, &approver, &witness, &new]
            .iter()
            .filter(|p| p.as_ref().is_some_and(|p| p.as_os_str() == "-"))
            .count();
        if stdin_count > 1 {
            return Err(Error::usage(
                "only one passphrase can come from stdin (-); put the others in files",
            ));
        }
        Ok(CliSecrets {
            actor,
            approver,
            witness,
            new,
            token_pin: None,
            stdin_used: false,
            approver_preface: None,
        })
    }

    /// Where the PIN of the token a new key is made on comes from (`--token-pin-file`); a
    /// second `-` among the sources is a usage error, as in [`CliSecrets::new`].
    pub fn with_token_pin(mut self, pin: Option<PathBuf>) -> Result<Self> {
        let stdin = |p: &Option<PathBuf>| p.as_ref().is_some_and(|p| p.as_os_str() == "-");
        let taken = [&self.actor, &self.approver, &self.witness, &self.new]
            .iter()
            .any(|p| stdin(p));
        if stdin(&pin) && taken {
            return Err(Error::usage(
                "only one passphrase or PIN can come from stdin (-); put the others in files",
            ));
        }
        self.token_pin = pin;
        Ok(self)
    }

    /// Text printed on stderr just before the approver is asked, so the approver knows what
    /// they are approving when they take the keyboard.
    pub fn with_approver_preface(mut self, text: Option<String>) -> Self {
        self.approver_preface = text;
        self
    }

    fn read(&mut self, path: &PathBuf) -> Result<Passphrase> {
        let mut bytes = Vec::new();
        let what = if path.as_os_str() == "-" {
            if self.stdin_used {
                return Err(Error::usage("stdin was already read for a passphrase"));
            }
            self.stdin_used = true;
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(Error::io("read a passphrase from stdin"))?;
            "the passphrase on stdin".to_string()
        } else {
            bytes = std::fs::read(path).map_err(|e| {
                Error::usage(format!(
                    "cannot read passphrase file {}: {e}",
                    path.display()
                ))
            })?;
            format!("passphrase file {}", path.display())
        };
        Passphrase::from_file_bytes(bytes)
            .map_err(|why| Error::usage(format!("cannot read {what}: {why}")))
    }

    fn prompt(what: &str, flag: &str) -> Result<Passphrase> {
        if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
            return Err(Error::usage(format!(
                "no terminal to ask for {what}: give {flag} FILE"
            )));
        }
        read_hidden(&format!("{what}: "))
            .map(Passphrase::new)
            .map_err(|e| Error::usage(format!("cannot ask for {what} ({e}): give {flag} FILE")))
    }
}

impl Secrets for CliSecrets {
    fn passphrase(&mut self, person: &Person, capacity: SignRole) -> Result<Passphrase> {
        let (source, flag) = match capacity {
            SignRole::Actor => (self.actor.clone(), "--passphrase-file"),
            SignRole::Approver => {
                if let Some(text) = self.approver_preface.take() {
                    eprint!("{text}");
                }
                (self.approver.clone(), "--approver-passphrase-file")
            }
            SignRole::Witness => (self.witness.clone(), "--witness-passphrase-file"),
        };
        // A person whose key is on a token gives the token's PIN where others give a
        // passphrase (the `--…-pin-file` names are aliases of the same options).
        let what = match &person.token {
            Some(t) => format!("PIN of the token {:?}", t.label),
            None => "Passphrase".to_string(),
        };
        match source {
            Some(p) => self.read(&p),
            None => Self::prompt(
                &format!(
                    "{what} of {} ({}) as {}",
                    person.name,
                    person.id,
                    capacity.as_str()
                ),
                flag,
            ),
        }
    }

    fn token_pin(&mut self, label: &str) -> Result<Passphrase> {
        match self.token_pin.clone() {
            Some(p) => self.read(&p),
            None => Self::prompt(&format!("PIN of the token {label:?}"), "--token-pin-file"),
        }
    }

    fn new_passphrase(&mut self, who: &str) -> Result<Passphrase> {
        if let Some(p) = self.new.clone() {
            return self.read(&p);
        }
        let flag = "--new-passphrase-file";
        // The rule first, so nobody types a passphrase twice only to learn it is too weak.
        eprintln!(
            "A passphrase needs at least {MIN_CHARS} characters besides spaces, mixing {MIN_CLASSES} of: upper case, lower case, digits, symbols."
        );
        for left in (0..3).rev() {
            let first = Self::prompt(&format!("New passphrase for {who}"), flag)?;
            if let Some(why) = first.policy_violation() {
                if left == 0 {
                    return Err(Error::usage(why));
                }
                eprintln!("{why}; try again ({left} left)");
                continue;
            }
            let again = Self::prompt(&format!("Repeat the new passphrase for {who}"), flag)?;
            if first.as_bytes() == again.as_bytes() {
                return Ok(first);
            }
            if left == 0 {
                return Err(Error::usage("the two passphrases differ"));
            }
            eprintln!("the two passphrases differ; try again ({left} left)");
        }
        Err(Error::usage("no new passphrase was given"))
    }

    fn again(&mut self, person: &Person, capacity: SignRole, left: usize) -> bool {
        let from_file = match capacity {
            SignRole::Actor => self.actor.is_some(),
            SignRole::Approver => self.approver.is_some(),
            SignRole::Witness => self.witness.is_some(),
        };
        if from_file || !std::io::stdin().is_terminal() {
            return false;
        }
        eprintln!(
            "Wrong {} for {} ({}); the attempt is recorded. {left} {} left.",
            if person.token.is_some() {
                "PIN"
            } else {
                "passphrase"
            },
            person.name,
            person.id,
            if left == 1 { "try" } else { "tries" }
        );
        true
    }
}

/// Ask on the terminal without echo. On Windows the prompt goes through the standard error
/// stream, which writes to a console in UTF-16: rpassword writes its prompt to `CONOUT$` as
/// UTF-8 bytes, which a console in code page 932 (Japanese Windows) shows as mojibake, and the
/// prompt names the person whose passphrase is asked.
fn read_hidden(prompt: &str) -> std::io::Result<String> {
    if cfg!(windows) && std::io::stderr().is_terminal() {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        err.write_all(prompt.as_bytes())?;
        err.flush()?;
        return rpassword::read_password();
    }
    rpassword::prompt_password(prompt)
}
