/* A stand-in for Windows' bcryptprimitives.dll, for running baitai.exe under Wine 8.0 only
 * (issue 17). Rust's standard library takes its random bytes (HashMap seeds, and through
 * getrandom the rand crate's OsRng: keys, nonces, salts) from ProcessPrng in that DLL, which
 * Windows 10 and later have and Wine 8.0 lacks, so without it the exe stops at start-up.
 * This one passes the request to RtlGenRandom (advapi32's SystemFunction036), which Wine
 * implements from the host's /dev/urandom. It is never shipped: scripts/windows/package
 * leaves it out, and on Windows the system's own DLL is the one loaded.
 * Built by scripts/windows/stand-in-dll. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Always TRUE, as Windows documents for ProcessPrng; a failure here cannot be reported, so
 * the process stops rather than hand out bytes that are not random. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            ExitProcess(87);
        data += n;
        len -= n;
    }
    return TRUE;
}
