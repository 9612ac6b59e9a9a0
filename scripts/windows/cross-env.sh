# Sourced by scripts/windows/build and test: the MinGW-w64 tools for the Windows target.
# rustc picks x86_64-w64-mingw32-gcc to link and cc-rs the same compilers for the C in
# aws-lc-sys and SQLite; said here so a host with other defaults still finds them, and the
# same in every cargo run (a change would rebuild those C libraries).
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-x86_64-w64-mingw32-gcc}
export CC_x86_64_pc_windows_gnu=${CC_x86_64_pc_windows_gnu:-x86_64-w64-mingw32-gcc}
export CXX_x86_64_pc_windows_gnu=${CXX_x86_64_pc_windows_gnu:-x86_64-w64-mingw32-g++}
export AR_x86_64_pc_windows_gnu=${AR_x86_64_pc_windows_gnu:-x86_64-w64-mingw32-ar}
