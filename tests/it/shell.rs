//! `completions` and `man`: generated from the command definitions, without a ledger.

use std::path::Path;
use std::process::Command as Process;

use crate::common::{skip_outside_ci, Env};

/// Run without `--json` in a directory with no ledger; expect success; return stdout.
fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "baitai {args:?} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!env.ledger.exists(), "baitai {args:?} created a ledger");
    String::from_utf8(out.stdout).unwrap()
}

fn installed(tool: &str) -> bool {
    Process::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

const SUBCOMMANDS: &[&str] = &[
    "init",
    "person",
    "medium",
    "checkout",
    "return",
    "carry-out",
    "destroy",
    "wipe",
    "ledger",
    "completions",
    "man",
];

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    let env = Env::empty();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = stdout(&env, &["completions", shell]);
        assert!(script.len() > 1000, "{shell}: {script}");
        // How each shell's script names a subcommand, so that words like "return" or "label"
        // elsewhere in the script (bash keywords, flags) do not count.
        let named = |path: &[&str]| -> String {
            match shell {
                "bash" => path.iter().fold("baitai".to_string(), |acc, p| {
                    format!("{acc}__subcmd__{}", p.replace('-', "__subcmd__"))
                }),
                "zsh" => format!("({})", path[path.len() - 1]),
                "fish" => format!(" -a \"{}\"", path[path.len() - 1]),
                _ => format!("'baitai;{}'", path.join(";")),
            }
        };
        for sub in SUBCOMMANDS {
            let token = named(&[sub]);
            assert!(
                script.contains(&token),
                "{shell} script does not name {sub} ({token})"
            );
        }
        let token = named(&["medium", "label"]);
        assert!(
            script.contains(&token),
            "{shell}: no `medium label` ({token})"
        );
    }
}

#[test]
fn bash_accepts_and_runs_the_bash_script() {
    let env = Env::empty();
    let file = env.path("baitai.bash");
    std::fs::write(&file, stdout(&env, &["completions", "bash"])).unwrap();
    let check = Process::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Complete `baitai medium la` the way bash would, through the generated function.
    let script = format!(
        "source '{}'; COMP_WORDS=(baitai medium la); COMP_CWORD=2; _baitai baitai la medium; echo \"${{COMPREPLY[*]}}\"",
        file.display()
    );
    let run = Process::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&run.stdout).trim(), "label");
}

#[test]
fn other_shells_accept_their_scripts_where_installed() {
    let env = Env::empty();
    for (shell, check) in [("zsh", "-n"), ("fish", "--no-execute")] {
        if !installed(shell) {
            // scripts/install-test-deps installs both, so under CI this fails instead.
            skip_outside_ci(&format!(
                "{shell} is not installed, so its script is not checked"
            ));
            continue;
        }
        let file = env.path(&format!("baitai.{shell}"));
        std::fs::write(&file, stdout(&env, &["completions", shell])).unwrap();
        let out = Process::new(shell).arg(check).arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let env = Env::empty();
    let (code, err) = env.fail(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.starts_with("baitai: error: "), "{err}");
}

#[test]
fn json_wraps_the_script() {
    let env = Env::empty();
    let v = env.ok(&["completions", "zsh"]);
    assert_eq!(v["shell"], "zsh");
    assert!(v["script"].as_str().unwrap().contains("#compdef baitai"));
}

/// Render a man page with `man -l` (which runs preconv for the Japanese), else groff; expect
/// no warnings. Returns the rendered text, or None when neither is installed.
fn render(page: &Path) -> Option<String> {
    let out = if installed("man") {
        Process::new("man")
            .args(["--warnings=all", "-l"])
            .arg(page)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .output()
            .unwrap()
    } else if installed("groff") && installed("preconv") {
        let cmd = format!("preconv '{}' | groff -man -Tutf8 -ww", page.display());
        Process::new("sh").args(["-c", &cmd]).output().unwrap()
    } else {
        // scripts/install-test-deps installs both, so under CI this fails instead.
        skip_outside_ci(&format!(
            "neither man nor groff with preconv is installed, so {} is not rendered",
            page.display()
        ));
        return None;
    };
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && err.trim().is_empty(),
        "{}: {err}",
        page.display()
    );
    Some(String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn man_prints_the_page_of_baitai() {
    let env = Env::empty();
    let roff = stdout(&env, &["man"]);
    assert!(roff.contains(".TH baitai 1"), "{roff}");
    // roff writes a hyphen as `\-`.
    let plain = roff.replace("\\-", "-");
    for sub in SUBCOMMANDS {
        assert!(plain.contains(sub), "the page does not name {sub}");
    }
    let file = env.path("baitai.1");
    std::fs::write(&file, &roff).unwrap();
    if let Some(text) = render(&file) {
        assert!(
            text.contains("NAME") && text.contains("可搬記憶媒体管理簿"),
            "{text}"
        );
    }
}

#[test]
fn man_writes_one_page_per_command() {
    let env = Env::empty();
    let dir = env.path("man/man1");
    let out = stdout(&env, &["man", "-o", dir.to_str().unwrap()]);
    assert!(out.starts_with("Wrote "), "{out}");
    for page in [
        "baitai.1",
        "baitai-checkout.1",
        "baitai-carry-out.1",
        "baitai-medium.1",
        "baitai-medium-label.1",
        "baitai-ledger-print.1",
        "baitai-completions.1",
        "baitai-man.1",
    ] {
        let path = dir.join(page);
        let roff = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(roff.contains(".TH "), "{page}");
    }
    assert!(!dir.join("baitai-help.1").exists(), "a page for `help`");
    let count = std::fs::read_dir(&dir).unwrap().count();
    let v = env.ok(&["man", "-o", dir.to_str().unwrap()]);
    assert_eq!(v["written"].as_array().unwrap().len(), count);
    if let Some(text) = render(&dir.join("baitai-medium-label.1")) {
        assert!(text.contains("--all"), "{text}");
    }
}
