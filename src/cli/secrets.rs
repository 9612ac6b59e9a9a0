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
use baitai_core::text::Text;

use super::msg::{say, Msg};

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
            return Err(Error::usage(Msg::OneStdin));
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
            return Err(Error::usage(Msg::OneStdinOrPin));
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
                return Err(Error::usage(Msg::StdinAlreadyRead));
            }
            self.stdin_used = true;
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(Error::io(Msg::IoReadPassphraseStdin))?;
            Text::from(Msg::PassphraseOnStdin)
        } else {
            bytes = std::fs::read(path).map_err(|e| {
                Error::usage(Msg::CannotReadPassphraseFile {
                    path: path.display().to_string().into(),
                    cause: e.to_string().into(),
                })
            })?;
            Msg::PassphraseFile {
                path: path.display().to_string().into(),
            }
            .into()
        };
        Passphrase::from_file_bytes(bytes)
            .map_err(|why| Error::usage(Msg::CannotRead { what, why }))
    }

    fn prompt(what: impl Into<Text>, flag: &str) -> Result<Passphrase> {
        let what: Text = what.into();
        if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
            return Err(Error::usage(Msg::NoTerminalToAsk {
                what,
                flag: flag.into(),
            }));
        }
        read_hidden(&format!("{}: ", say(what.clone())))
            .map(Passphrase::new)
            .map_err(|e| {
                Error::usage(Msg::CannotAsk {
                    what,
                    cause: e.to_string().into(),
                    flag: flag.into(),
                })
            })
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
        let what: Text = match &person.token {
            Some(t) => Msg::TokenPin {
                label: format!("{:?}", t.label).into(),
            }
            .into(),
            None => Msg::PassphraseWord.into(),
        };
        match source {
            Some(p) => self.read(&p),
            None => Self::prompt(
                Msg::SecretOf {
                    what,
                    name: person.name.as_str().into(),
                    id: person.id.to_string().into(),
                    capacity: capacity_text(capacity),
                },
                flag,
            ),
        }
    }

    fn token_pin(&mut self, label: &str) -> Result<Passphrase> {
        match self.token_pin.clone() {
            Some(p) => self.read(&p),
            None => Self::prompt(
                Msg::TokenPin {
                    label: format!("{label:?}").into(),
                },
                "--token-pin-file",
            ),
        }
    }

    fn new_passphrase(&mut self, who: &str) -> Result<Passphrase> {
        if let Some(p) = self.new.clone() {
            return self.read(&p);
        }
        let flag = "--new-passphrase-file";
        // The rule first, so nobody types a passphrase twice only to learn it is too weak.
        eprintln!(
            "{}",
            say(Msg::PassphrasePolicy {
                chars: MIN_CHARS.to_string().into(),
                classes: MIN_CLASSES.to_string().into(),
            })
        );
        for left in (0..3).rev() {
            let first = Self::prompt(Msg::NewPassphraseFor { who: who.into() }, flag)?;
            if let Some(why) = first.policy_violation() {
                if left == 0 {
                    return Err(Error::usage(why));
                }
                let why = say(Msg::TryAgain {
                    why,
                    left: left.to_string().into(),
                });
                eprintln!("{why}");
                continue;
            }
            let again = Self::prompt(Msg::RepeatNewPassphrase { who: who.into() }, flag)?;
            if first.as_bytes() == again.as_bytes() {
                return Ok(first);
            }
            if left == 0 {
                return Err(Error::usage(Msg::PassphrasesDiffer));
            }
            let line = say(Msg::PassphrasesDifferTryAgain {
                left: left.to_string().into(),
            });
            eprintln!("{line}");
        }
        Err(Error::usage(Msg::NoNewPassphrase))
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
        let line = say(Msg::WrongSecret {
            what: match person.token {
                Some(_) => Msg::PinWord.into(),
                None => Msg::PassphraseLower.into(),
            },
            name: person.name.as_str().into(),
            id: person.id.to_string().into(),
            left: match left {
                1 => Msg::OneTry {
                    n: left.to_string().into(),
                },
                _ => Msg::Tries {
                    n: left.to_string().into(),
                },
            }
            .into(),
        });
        eprintln!("{line}");
        true
    }
}

/// The capacity a person signs in, as a prompt names it: the printouts' words in Japanese,
/// the ledger's names (`actor`, `approver`, `witness`) in English.
fn capacity_text(capacity: SignRole) -> Text {
    use baitai_core::words::{Lang, Word};
    let word = match capacity {
        SignRole::Actor => Word::SignActor,
        SignRole::Approver => Word::SignApprover,
        SignRole::Witness => Word::SignWitness,
    };
    match super::screen() {
        Lang::Ja => Lang::Ja.w(word).into(),
        Lang::En => capacity.as_str().into(),
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
