//! The `baitai` binary: all behaviour lives in the library; this only hands over to it.

fn main() -> std::process::ExitCode {
    baitai::cli::main()
}
